// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Treasury governor on the round clock with delegator vote overrides (GovernorCountingOverridable, docs/protocol.md §9): a delegator's
/// vote moves its own weight out of its orchestrator's tally.
contract LivepeerGovernor is Managed {
    enum ProposalState {
        Pending,
        Active,
        Canceled,
        Defeated,
        Succeeded,
        Queued,
        Expired,
        Executed
    }

    struct Proposal {
        address proposer;
        uint64 voteStart;
        uint64 voteEnd;
        bool executed;
        bool canceled;
        uint256 eta;
        bytes32 timelockId;
    }

    struct Voter {
        bool hasVoted;
        uint8 support;
        uint256 deductions;
    }

    struct Tally {
        uint256 againstVotes;
        uint256 forVotes;
        uint256 abstainVotes;
    }

    uint256 public votingDelay;
    uint256 public votingPeriod;
    uint256 public proposalThreshold;
    uint256 public quorumNumerator; // parts per 1e6 of total active stake at the snapshot round
    uint256 public quota; // parts per 1e6 of for+against needed in favour
    mapping(uint256 => Proposal) private proposals;
    mapping(uint256 => Tally) private tallies;
    mapping(uint256 => mapping(address => Voter)) private voters;
    bool private initialized;

    event ProposalCreated(
        uint256 proposalId,
        address proposer,
        address[] targets,
        uint256[] values,
        string[] signatures,
        bytes[] calldatas,
        uint256 voteStart,
        uint256 voteEnd,
        string description
    );
    event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason);
    event VoteCastWithParams(
        address indexed voter,
        uint256 proposalId,
        uint8 support,
        uint256 weight,
        string reason,
        bytes params
    );
    event ProposalQueued(uint256 proposalId, uint256 eta);
    event ProposalExecuted(uint256 proposalId);
    event ProposalCanceled(uint256 proposalId);

    function initialize(uint256 _delay, uint256 _period, uint256 _threshold, uint256 _quorum, uint256 _quota) external {
        require(!initialized, "already initialized");
        initialized = true;
        votingDelay = _delay;
        votingPeriod = _period;
        proposalThreshold = _threshold;
        quorumNumerator = _quorum;
        quota = _quota;
    }

    function _votesContract() internal view returns (IBondingVotes) {
        return IBondingVotes(_contract("BondingVotes"));
    }

    function _timelock() internal view returns (ITimelock) {
        return ITimelock(_contract("Treasury"));
    }

    function clock() public view returns (uint256) {
        return _rounds().currentRound();
    }

    function hashProposal(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) public pure returns (uint256) {
        return uint256(keccak256(abi.encode(targets, values, calldatas, descriptionHash)));
    }

    function propose(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        string memory description
    ) external returns (uint256 id) {
        uint256 now_ = clock();
        require(_votesContract().getPastVotes(msg.sender, now_ - 1) >= proposalThreshold, "Governor: proposer votes below proposal threshold");
        require(targets.length == values.length && targets.length == calldatas.length && targets.length > 0, "Governor: invalid proposal length");
        id = hashProposal(targets, values, calldatas, keccak256(bytes(description)));
        require(proposals[id].voteStart == 0, "Governor: proposal already exists");
        uint256 start = now_ + votingDelay;
        uint256 end = start + votingPeriod;
        proposals[id] = Proposal(msg.sender, uint64(start), uint64(end), false, false, 0, bytes32(0));
        emit ProposalCreated(id, msg.sender, targets, values, new string[](targets.length), calldatas, start, end, description);
    }

    function proposalSnapshot(uint256 id) public view returns (uint256) {
        return proposals[id].voteStart;
    }

    function proposalDeadline(uint256 id) public view returns (uint256) {
        return proposals[id].voteEnd;
    }

    function proposalVotes(uint256 id) external view returns (uint256 againstVotes, uint256 forVotes, uint256 abstainVotes) {
        Tally storage t = tallies[id];
        return (t.againstVotes, t.forVotes, t.abstainVotes);
    }

    function hasVoted(uint256 id, address account) external view returns (bool) {
        return voters[id][account].hasVoted;
    }

    function quorum(uint256 round) public view returns (uint256) {
        return Perc.ofPerc(_votesContract().getPastTotalSupply(round), quorumNumerator, Perc.PERC_DIVISOR);
    }

    function _quorumReached(uint256 id) internal view returns (bool) {
        Tally storage t = tallies[id];
        return quorum(proposalSnapshot(id)) <= t.forVotes + t.againstVotes + t.abstainVotes;
    }

    function _voteSucceeded(uint256 id) internal view returns (bool) {
        Tally storage t = tallies[id];
        return t.forVotes >= Perc.ofPerc(t.forVotes + t.againstVotes, quota, Perc.PERC_DIVISOR);
    }

    function state(uint256 id) public view returns (ProposalState) {
        Proposal storage p = proposals[id];
        require(p.voteStart != 0, "Governor: unknown proposal id");
        if (p.executed) return ProposalState.Executed;
        if (p.canceled) return ProposalState.Canceled;
        uint256 now_ = clock();
        if (p.voteStart >= now_) return ProposalState.Pending;
        if (p.voteEnd >= now_) return ProposalState.Active;
        if (!(_quorumReached(id) && _voteSucceeded(id))) return ProposalState.Defeated;
        if (p.timelockId == bytes32(0)) return ProposalState.Succeeded;
        ITimelock tl = _timelock();
        if (tl.isOperationDone(p.timelockId)) return ProposalState.Executed;
        if (tl.isOperationPending(p.timelockId)) return ProposalState.Queued;
        return ProposalState.Canceled;
    }

    function castVote(uint256 id, uint8 support) external returns (uint256) {
        return _castVote(id, msg.sender, support, "");
    }

    function castVoteWithReason(uint256 id, uint8 support, string calldata reason) external returns (uint256) {
        return _castVote(id, msg.sender, support, reason);
    }

    function _castVote(uint256 id, address account, uint8 support, string memory reason) internal returns (uint256 weight) {
        require(state(id) == ProposalState.Active, "Governor: vote not currently active");
        require(support <= 2, "GovernorVotingSimple: invalid value for enum VoteType");
        (uint256 votes, address delegate) = _votesContract().delegatedAt(account, proposalSnapshot(id));
        weight = votes;
        _countVote(id, account, delegate, support, weight);
        emit VoteCast(account, id, support, weight, reason);
    }

    function _countVote(uint256 id, address account, address delegate, uint8 support, uint256 weight) internal {
        Voter storage v = voters[id][account];
        require(!v.hasVoted, "GovernorCountingOverridable: vote already cast");
        v.hasVoted = true;
        v.support = support;
        uint256 counted = weight;
        if (account == delegate) {
            counted = weight - v.deductions;
        } else if (_selfDelegated(delegate, proposalSnapshot(id))) {
            // Only a self-delegated delegate holds its delegators' power, so only its vote can be overridden.
            Voter storage dv = voters[id][delegate];
            dv.deductions += weight;
            if (dv.hasVoted) _sub(id, dv.support, weight);
        }
        _add(id, support, counted);
    }

    function _selfDelegated(address account, uint256 round) internal view returns (bool) {
        (, address d) = _votesContract().delegatedAt(account, round);
        return d == account;
    }

    function _add(uint256 id, uint8 support, uint256 w) internal {
        Tally storage t = tallies[id];
        if (support == 0) t.againstVotes += w;
        else if (support == 1) t.forVotes += w;
        else t.abstainVotes += w;
    }

    function _sub(uint256 id, uint8 support, uint256 w) internal {
        Tally storage t = tallies[id];
        if (support == 0) t.againstVotes -= w;
        else if (support == 1) t.forVotes -= w;
        else t.abstainVotes -= w;
    }

    function queue(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) external returns (uint256 id) {
        id = hashProposal(targets, values, calldatas, descriptionHash);
        require(state(id) == ProposalState.Succeeded, "Governor: proposal not successful");
        ITimelock tl = _timelock();
        uint256 delay = tl.getMinDelay();
        proposals[id].timelockId = tl.hashOperationBatch(targets, values, calldatas, bytes32(0), descriptionHash);
        tl.scheduleBatch(targets, values, calldatas, bytes32(0), descriptionHash, delay);
        proposals[id].eta = block.timestamp + delay;
        emit ProposalQueued(id, block.timestamp + delay);
    }

    function execute(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) external payable returns (uint256 id) {
        id = hashProposal(targets, values, calldatas, descriptionHash);
        require(state(id) == ProposalState.Queued, "Governor: proposal not queued");
        proposals[id].executed = true;
        // Governor.execute announces the execution before the timelock runs the calls (their logs follow).
        emit ProposalExecuted(id);
        _timelock().executeBatch{value: msg.value}(targets, values, calldatas, bytes32(0), descriptionHash);
    }

    function cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) external returns (uint256 id) {
        id = hashProposal(targets, values, calldatas, descriptionHash);
        require(state(id) == ProposalState.Pending, "Governor: too late to cancel");
        require(msg.sender == proposals[id].proposer, "Governor: only proposer can cancel");
        proposals[id].canceled = true;
        emit ProposalCanceled(id);
    }
}
