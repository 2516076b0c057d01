// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IL1Clock {
    function blockNum() external view returns (uint256);
}

/// A legacy stake-weighted poll: votes are plain events, weighed off-chain by stake at the end.
/// `block.number` on Arbitrum is the L1 block; the simulator reads its L1 clock instead.
contract Poll {
    uint256 public endBlock;
    IL1Clock public clock;

    event Vote(address indexed voter, uint256 choiceID);

    constructor(uint256 _endBlock, IL1Clock _clock) {
        endBlock = _endBlock;
        clock = _clock;
    }

    function vote(uint256 _choiceID) external {
        require(clock.blockNum() <= endBlock, "poll is over");
        emit Vote(msg.sender, _choiceID);
    }
}

/// Creates polls for proposals (an IPFS hash of the text); each runs `pollPeriod` L1 blocks.
contract PollCreator {
    uint256 public constant QUORUM = 333300;
    uint256 public constant QUOTA = 500000;

    IL1Clock public clock;
    uint256 public pollPeriod;

    event PollCreated(address indexed poll, bytes proposal, uint256 endBlock, uint256 quorum, uint256 quota);

    function initialize(IL1Clock _clock, uint256 _pollPeriod) external {
        require(address(clock) == address(0), "already initialized");
        clock = _clock;
        pollPeriod = _pollPeriod;
    }

    function createPoll(bytes calldata _proposal) external returns (address) {
        uint256 endBlock = clock.blockNum() + pollPeriod;
        Poll poll = new Poll(endBlock, clock);
        emit PollCreated(address(poll), _proposal, endBlock, QUORUM, QUOTA);
        return address(poll);
    }
}
