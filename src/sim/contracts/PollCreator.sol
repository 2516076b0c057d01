// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IPollStake {
    function transcoderTotalStake(address _addr) external view returns (uint256);
    function pendingStake(address _addr, uint256 _endRound) external view returns (uint256);
}

/// A legacy stake-weighted poll: votes are plain events, weighed off-chain by stake at the end.
/// `block.number` on Arbitrum is the L1 block.
contract Poll {
    uint256 public endBlock;

    event Vote(address indexed voter, uint256 choiceID);

    constructor(uint256 _endBlock) {
        endBlock = _endBlock;
    }

    function vote(uint256 _choiceID) external {
        require(block.number <= endBlock, "poll is over");
        emit Vote(msg.sender, _choiceID);
    }
}

/// Creates polls for proposals (an IPFS hash of the text); each runs `pollPeriod` blocks. The deployed PollCreator
/// fixes the period at 10 rounds of 5760 blocks; the simulator sets a shorter one so that its polls end.
contract PollCreator {
    uint256 public constant QUORUM = 333300;
    uint256 public constant QUOTA = 500000;

    uint256 public constant POLL_CREATION_COST = 100 ether;

    IPollStake public bondingManager;
    uint256 public pollPeriod;

    event PollCreated(address indexed poll, bytes proposal, uint256 endBlock, uint256 quorum, uint256 quota);

    function initialize(IPollStake _bondingManager, uint256 _pollPeriod) external {
        require(pollPeriod == 0, "already initialized");
        bondingManager = _bondingManager;
        pollPeriod = _pollPeriod;
    }

    function createPoll(bytes calldata _proposal) external returns (address) {
        require(
            bondingManager.pendingStake(msg.sender, 0) >= POLL_CREATION_COST || bondingManager.transcoderTotalStake(msg.sender) >= POLL_CREATION_COST,
            "PollCreator#createPoll: INSUFFICIENT_STAKE"
        );
        uint256 endBlock = block.number + pollPeriod;
        Poll poll = new Poll(endBlock);
        emit PollCreated(address(poll), _proposal, endBlock, QUORUM, QUOTA);
        return address(poll);
    }
}
