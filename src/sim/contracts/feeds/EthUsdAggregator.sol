// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// An ETH/USD price feed answering like a Chainlink aggregator (8 decimals); the simulator's operator posts answers.
contract EthUsdAggregator {
    address public operator;
    uint80 public latestRound;
    mapping(uint80 => int256) private answers;
    mapping(uint80 => uint256) private updatedAts;

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    function initialize(address _operator) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
    }

    function decimals() external pure returns (uint8) {
        return 8;
    }

    function description() external pure returns (string memory) {
        return "ETH / USD";
    }

    function transmit(int256 answer) external {
        require(msg.sender == operator, "caller must be operator");
        require(answer > 0, "answer must be positive");
        uint80 id = latestRound + 1;
        latestRound = id;
        answers[id] = answer;
        updatedAts[id] = block.timestamp;
        emit NewRound(id, msg.sender, block.timestamp);
        emit AnswerUpdated(answer, id, block.timestamp);
    }

    function latestAnswer() external view returns (int256) {
        return answers[latestRound];
    }

    function latestRoundData() external view returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) {
        uint80 id = latestRound;
        return (id, answers[id], updatedAts[id], updatedAts[id], id);
    }
}
