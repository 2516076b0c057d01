// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Round-checkpointed voting power for the governor: an orchestrator votes with its delegated stake,
/// a delegator with its own bonded stake.
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

    /// Voting power at a round, as of its end (the start of the next, as BondingVotes.getPastVotes and delegatedAt
    /// answer): delegated stake for an orchestrator, own bonded stake otherwise.
    function delegatedAt(address account, uint256 round) public view returns (uint256 votes, address delegateAddress) {
        (Checkpoint memory c, bool found) = _at(account, round + 1);
        if (!found) return (0, address(0));
        if (c.delegateAddress == account) return (c.delegatedAmount, account);
        return (c.bondedAmount, c.delegateAddress);
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
