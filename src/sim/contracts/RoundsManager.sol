// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./Common.sol";

/// Round clock on block.number, which inside an Arbitrum contract is the L1 block number (on anvil, the block
/// itself): round = lastRoundLengthUpdateRound + (block − lastRoundLengthUpdateStartBlock) / roundLength.
contract RoundsManager is Managed {
    uint256 public roundLength;
    uint256 public roundLockAmount; // parts per 1e6 of a round at its end during which cuts are frozen
    uint256 public lastInitializedRound;
    uint256 public lastRoundLengthUpdateRound;
    uint256 public lastRoundLengthUpdateStartBlock;
    mapping(uint256 => bytes32) private _blockHashForRound;

    event NewRound(uint256 indexed round, bytes32 blockHash);

    function setRoundLength(uint256 _roundLength) external onlyControllerOwner {
        require(_roundLength > 0, "round length cannot be 0");
        if (roundLength == 0) {
            roundLength = _roundLength;
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
        } else {
            lastRoundLengthUpdateRound = currentRound();
            lastRoundLengthUpdateStartBlock = currentRoundStartBlock();
            roundLength = _roundLength;
        }
        emit ParameterUpdate("roundLength");
    }

    function setRoundLockAmount(uint256 _lockAmount) external onlyControllerOwner {
        require(_lockAmount <= Perc.PERC_DIVISOR, "round lock amount must be a valid percentage");
        roundLockAmount = _lockAmount;
        emit ParameterUpdate("roundLockAmount");
    }

    function initializeRound() external {
        uint256 currRound = currentRound();
        require(lastInitializedRound < currRound, "round already initialized");
        lastInitializedRound = currRound;
        bytes32 bh = blockHash(blockNum() - 1);
        _blockHashForRound[currRound] = bh;
        _bonding().setCurrentRoundTotalActiveStake();
        _minter().setCurrentRewardTokens();
        emit NewRound(currRound, bh);
    }

    function blockNum() public view returns (uint256) {
        return block.number;
    }

    function blockHash(uint256 _block) public view returns (bytes32) {
        uint256 currentBlock = blockNum();
        require(_block < currentBlock, "can only retrieve past block hashes");
        require(currentBlock < 256 || _block >= currentBlock - 256, "can only retrieve hashes for last 256 blocks");
        return blockhash(_block);
    }

    function blockHashForRound(uint256 round) external view returns (bytes32) {
        return _blockHashForRound[round];
    }

    function currentRound() public view returns (uint256) {
        return lastRoundLengthUpdateRound + (blockNum() - lastRoundLengthUpdateStartBlock) / roundLength;
    }

    function currentRoundStartBlock() public view returns (uint256) {
        return lastRoundLengthUpdateStartBlock + ((blockNum() - lastRoundLengthUpdateStartBlock) / roundLength) * roundLength;
    }

    function currentRoundInitialized() external view returns (bool) {
        return lastInitializedRound == currentRound();
    }

    function currentRoundLocked() external view returns (bool) {
        uint256 lockedBlocks = Perc.ofPerc(roundLength, roundLockAmount, Perc.PERC_DIVISOR);
        return blockNum() - currentRoundStartBlock() >= roundLength - lockedBlocks;
    }
}
