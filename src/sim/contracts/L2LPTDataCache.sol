// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Mirror of L1 LPT circulating supply; on mainnet fed by L1 messages, here by the simulator operator.
contract L2LPTDataCache {
    address public operator;
    uint256 public l1CirculatingSupply;

    event CacheTotalSupplyFinalized(uint256 totalSupply);

    function initialize(address _operator, uint256 supply) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
        l1CirculatingSupply = supply;
        emit CacheTotalSupplyFinalized(supply);
    }

    function setL1CirculatingSupply(uint256 supply) external {
        require(msg.sender == operator, "caller must be operator");
        l1CirculatingSupply = supply;
        emit CacheTotalSupplyFinalized(supply);
    }
}
