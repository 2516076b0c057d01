// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Inflation and minting (Minter.setInflation, docs/protocol.md §4): inflation in parts per 1e9 per round, adjusted toward the
/// target bonding rate at each round initialization; holds bonded LPT and fee ETH.
contract Minter is Managed {
    uint256 public inflation;
    uint256 public inflationChange;
    uint256 public targetBondingRate;
    uint256 public currentMintableTokens;
    uint256 public currentMintedTokens;
    bool private initialized;

    event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation);

    modifier onlyBondingManager() {
        require(msg.sender == _contract("BondingManager"), "caller must be BondingManager");
        _;
    }

    function initialize(uint256 _inflation, uint256 _inflationChange, uint256 _targetBondingRate) external {
        require(!initialized, "already initialized");
        initialized = true;
        inflation = _inflation;
        inflationChange = _inflationChange;
        targetBondingRate = _targetBondingRate;
    }

    function setTargetBondingRate(uint256 rate) external onlyControllerOwner {
        require(rate <= Perc.PERC_DIVISOR_V2, "invalid rate");
        targetBondingRate = rate;
        emit ParameterUpdate("targetBondingRate");
    }

    function setInflationChange(uint256 change) external onlyControllerOwner {
        require(change <= Perc.PERC_DIVISOR_V2, "invalid change");
        inflationChange = change;
        emit ParameterUpdate("inflationChange");
    }

    function createReward(uint256 fracNum, uint256 fracDenom) external onlyBondingManager returns (uint256) {
        uint256 mintAmount = Perc.frac(currentMintableTokens, fracNum, fracDenom, Perc.PERC_DIVISOR_V2);
        currentMintedTokens += mintAmount;
        require(currentMintedTokens <= currentMintableTokens, "minted tokens cannot exceed mintable tokens");
        _token().mint(address(this), mintAmount);
        return mintAmount;
    }

    function trustedTransferTokens(address to, uint256 amount) external onlyBondingManager {
        _token().transfer(to, amount);
    }

    function trustedBurnTokens(uint256 amount) external onlyBondingManager {
        _token().burn(amount);
    }

    /// Fees withdrawn by delegators (BondingManager) and deposits withdrawn by gateways (TicketBroker).
    function trustedWithdrawETH(address payable to, uint256 amount) external {
        require(msg.sender == _contract("BondingManager") || msg.sender == _contract("TicketBroker"), "caller must be BondingManager or TicketBroker");
        (bool ok, ) = to.call{value: amount}("");
        require(ok, "ETH transfer failed");
    }

    function depositETH() external payable returns (bool) {
        require(msg.sender == _contract("TicketBroker"), "caller must be TicketBroker");
        return true;
    }

    function setCurrentRewardTokens() external {
        require(msg.sender == _contract("RoundsManager"), "caller must be RoundsManager");
        _setInflation();
        currentMintableTokens = Perc.ofPerc(getGlobalTotalSupply(), inflation, Perc.PERC_DIVISOR_V2);
        currentMintedTokens = 0;
        emit SetCurrentRewardTokens(currentMintableTokens, inflation);
    }

    function getGlobalTotalSupply() public view returns (uint256) {
        return _token().totalSupply() + IL2LPTDataCache(_contract("L2LPTDataCache")).l1CirculatingSupply();
    }

    function _setInflation() internal {
        uint256 bondingRate = 0;
        uint256 supply = getGlobalTotalSupply();
        if (supply > 0) {
            bondingRate = Perc.points(_bonding().getTotalBonded(), supply, Perc.PERC_DIVISOR_V2);
        }
        if (bondingRate < targetBondingRate) {
            inflation += inflationChange;
        } else if (bondingRate > targetBondingRate) {
            inflation = inflationChange > inflation ? 0 : inflation - inflationChange;
        }
    }
}
