// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Round clock on L1 block numbers (RoundsManager.currentRound, docs/protocol.md §3). On Arbitrum `block.number` inside a contract is the
/// L1 block; on anvil the simulator advances an explicit L1 clock instead.
contract RoundsManager is Managed {
    address public operator;
    uint256 public l1BlockNumber;

    uint256 public roundLength;
    uint256 public roundLockAmount; // parts per 1e6 of a round at its end during which cuts are frozen
    uint256 public lastInitializedRound;
    uint256 public lastRoundLengthUpdateRound;
    uint256 public lastRoundLengthUpdateStartBlock;
    mapping(uint256 => bytes32) private _blockHashForRound;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    function initialize(address _operator, uint256 _l1Block, uint256 _roundLength, uint256 _lockAmount) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
        l1BlockNumber = _l1Block;
        roundLength = _roundLength;
        roundLockAmount = _lockAmount;
        lastRoundLengthUpdateRound = _l1Block / _roundLength;
        lastRoundLengthUpdateStartBlock = lastRoundLengthUpdateRound * _roundLength;
        lastInitializedRound = lastRoundLengthUpdateRound - 1;
    }

    /// Simulator hook standing in for the L1 block number Arbitrum exposes to contracts.
    function setL1BlockNumber(uint256 n) external {
        require(msg.sender == operator, "caller must be operator");
        require(n >= l1BlockNumber, "L1 clock cannot go back");
        l1BlockNumber = n;
    }

    function setRoundLength(uint256 _roundLength) external onlyControllerOwner {
        require(_roundLength > 0, "round length cannot be 0");
        if (roundLength == 0) {
            roundLength = _roundLength;
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = blockNum();
        } else {
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
            roundLength = _roundLength;
        }
        emit ParameterUpdate("roundLength");
    }

    function setRoundLockAmount(uint256 _lockAmount) external onlyControllerOwner {
        require(_lockAmount <= Perc.PERC_DIVISOR, "invalid lock amount");
        roundLockAmount = _lockAmount;
        emit ParameterUpdate("roundLockAmount");
    }

    function initializeRound() external {
        uint256 currRound = currentRound();
        require(lastInitializedRound < currRound, "round already initialized");
        lastInitializedRound = currRound;
        bytes32 bh = blockhash(block.number - 1);
        _blockHashForRound[currRound] = bh;
        _bonding().setCurrentRoundTotalActiveStake();
        _minter().setCurrentRewardTokens();
        emit NewRound(currRound, bh);
    }

    function blockNum() public view returns (uint256) {
        return l1BlockNumber;
    }

    function blockHash(uint256 _block) external view returns (bytes32) {
        return blockhash(_block);
    }

    function blockHashForRound(uint256 round) external view returns (bytes32) {
        return _blockHashForRound[round];
    }

    function currentRound() public view returns (uint256) {
        return lastRoundLengthUpdateRound + (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
    }

    function currentRoundStartBlock() public view returns (uint256) {
        return lastRoundLengthUpdateStartBlock + (currentRound() - lastRoundLengthUpdateRound) * roundLength;
    }

    function currentRoundInitialized() external view returns (bool) {
        return lastInitializedRound == currentRound();
    }

    function currentRoundLocked() external view returns (bool) {
        uint256 lockedBlocks = Perc.ofPerc(roundLength, roundLockAmount, Perc.PERC_DIVISOR);
        return blockNum() - currentRoundStartBlock() >= roundLength - lockedBlocks;
    }
}
