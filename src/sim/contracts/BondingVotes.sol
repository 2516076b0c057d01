// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Round-checkpointed voting power for the governor: an orchestrator votes with its delegated stake,
/// a delegator with its bonded stake and the rewards earned on it since its last claim.
contract BondingVotes is Managed {
    struct Checkpoint {
        uint256 startRound;
        uint256 bondedAmount;
        address delegateAddress;
        uint256 delegatedAmount;
        uint256 lastClaimRound;
        uint256 lastRewardRound;
    }

    mapping(address => Checkpoint[]) private checkpoints;
    uint256[] private stakeRounds;
    mapping(uint256 => uint256) private totalActiveStakeAt;

    event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
    event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance);
    event DelegatorBondedAmountChanged(
        address indexed delegate,
        uint256 previousBondedAmount,
        uint256 previousLastClaimRound,
        uint256 newBondedAmount,
        uint256 newLastClaimRound
    );

    modifier onlyBondingManager() {
        require(msg.sender == _contract("BondingManager"), "caller must be BondingManager");
        _;
    }

    function checkpointBondingState(
        address account,
        uint256 startRound,
        uint256 bondedAmount,
        address delegateAddress,
        uint256 delegatedAmount,
        uint256 lastClaimRound,
        uint256 lastRewardRound
    ) external onlyBondingManager {
        Checkpoint[] storage list = checkpoints[account];
        Checkpoint memory prev;
        if (list.length > 0) prev = list[list.length - 1];
        Checkpoint memory next = Checkpoint(startRound, bondedAmount, delegateAddress, delegatedAmount, lastClaimRound, lastRewardRound);
        if (list.length > 0 && prev.startRound == startRound) {
            list[list.length - 1] = next;
        } else {
            list.push(next);
        }
        if (prev.delegateAddress != delegateAddress) {
            emit DelegateChanged(account, prev.delegateAddress, delegateAddress);
        }
        uint256 prevVotes = prev.delegateAddress == account ? prev.delegatedAmount : 0;
        uint256 newVotes = delegateAddress == account ? delegatedAmount : 0;
        if (prevVotes != newVotes) emit DelegateVotesChanged(account, prevVotes, newVotes);
        if (prev.bondedAmount != bondedAmount || prev.lastClaimRound != lastClaimRound) {
            emit DelegatorBondedAmountChanged(account, prev.bondedAmount, prev.lastClaimRound, bondedAmount, lastClaimRound);
        }
    }

    function checkpointTotalActiveStake(uint256 totalStake, uint256 round) external onlyBondingManager {
        if (stakeRounds.length == 0 || stakeRounds[stakeRounds.length - 1] != round) stakeRounds.push(round);
        totalActiveStakeAt[round] = totalStake;
    }

    function _at(address account, uint256 round) internal view returns (Checkpoint memory c, bool found) {
        Checkpoint[] storage list = checkpoints[account];
        uint256 lo = 0;
        uint256 hi = list.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (list[mid].startRound > round) hi = mid;
            else lo = mid + 1;
        }
        if (lo == 0) return (c, false);
        return (list[lo - 1], true);
    }

    /// Voting power at a round, as of its end (the start of the next, as BondingVotes.getVotesAndDelegateAtRoundStart
    /// answers for getPastVotes): delegated stake for an orchestrator, for a delegator its bonded stake with the
    /// rewards its orchestrator earned since its last claim (claimed or not).
    function delegatedAt(address account, uint256 round) public view returns (uint256 votes, address delegateAddress) {
        (Checkpoint memory c, ) = _at(account, round + 1);
        delegateAddress = c.delegateAddress;
        if (c.bondedAmount == 0) return (0, delegateAddress);
        if (delegateAddress == account) return (c.delegatedAmount, delegateAddress);
        return (_delegatorVotes(c, round + 1), delegateAddress);
    }

    /// BondingVotes.delegatorVotesAtRoundStart: the bonded amount grown by the orchestrator's cumulative reward factor
    /// from the delegator's last claim round to the orchestrator's last reward round as of `round` (LPT-wei).
    function _delegatorVotes(Checkpoint memory c, uint256 round) internal view returns (uint256) {
        address t = c.delegateAddress;
        (Checkpoint memory tc, ) = _at(t, round);
        // Delegated to an account that is no orchestrator at that round: no voting power.
        if (tc.delegateAddress != t || tc.bondedAmount == 0) return 0;
        if (tc.lastRewardRound < c.lastClaimRound) return c.bondedAmount;
        uint256 startFactor = _rewardFactor(t, c.lastClaimRound);
        uint256 endFactor = tc.lastRewardRound > 0 ? _rewardFactor(t, tc.lastRewardRound) : 0;
        if (startFactor == 0) startFactor = Perc.PRECISE;
        if (endFactor == 0) endFactor = Perc.PRECISE;
        return Perc.frac(c.bondedAmount, endFactor, startFactor, Perc.PRECISE);
    }

    function _rewardFactor(address transcoder, uint256 round) internal view returns (uint256 crf) {
        (, , , crf, ) = IBondingManager(_contract("BondingManager")).getTranscoderEarningsPoolForRound(transcoder, round);
    }

    function getPastVotes(address account, uint256 round) external view returns (uint256 votes) {
        (votes, ) = delegatedAt(account, round);
    }

    function getVotes(address account) external view returns (uint256 votes) {
        (votes, ) = delegatedAt(account, _rounds().currentRound());
    }

    function getPastTotalSupply(uint256 round) public view returns (uint256) {
        uint256 lo = 0;
        uint256 hi = stakeRounds.length;
        while (lo < hi) {
            uint256 mid = (lo + hi) / 2;
            if (stakeRounds[mid] > round) hi = mid;
            else lo = mid + 1;
        }
        if (lo == 0) return 0;
        return totalActiveStakeAt[stakeRounds[lo - 1]];
    }

    function clock() external view returns (uint48) {
        return uint48(_rounds().currentRound());
    }
}
