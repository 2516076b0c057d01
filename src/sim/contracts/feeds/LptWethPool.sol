// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The LPT/WETH pool as seen by a price reader: slot0 and Swap events with the post-swap sqrtPriceX96.
/// token0 = LPT, token1 = WETH (sorted by address), so price = (sqrtPriceX96 / 2^96)^2 WETH per LPT.
contract LptWethPool {
    struct Slot0 {
        uint160 sqrtPriceX96;
        int24 tick;
        uint16 observationIndex;
        uint16 observationCardinality;
        uint16 observationCardinalityNext;
        uint8 feeProtocol;
        bool unlocked;
    }

    address public operator;
    address public token0;
    address public token1;
    uint24 public constant fee = 3000;
    uint128 public liquidity;
    Slot0 public slot0;

    event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick);

    function initialize(address _operator, address _token0, address _token1, uint160 sqrtPriceX96, int24 tick, uint128 _liquidity) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
        token0 = _token0;
        token1 = _token1;
        liquidity = _liquidity;
        slot0 = Slot0(sqrtPriceX96, tick, 0, 1, 1, 0, true);
    }

    /// Records a swap the simulator computed off chain (amounts signed from the pool's view).
    function recordSwap(address recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, int24 tick) external {
        require(msg.sender == operator, "caller must be operator");
        require(sqrtPriceX96 > 0, "price must be positive");
        slot0.sqrtPriceX96 = sqrtPriceX96;
        slot0.tick = tick;
        emit Swap(msg.sender, recipient, amount0, amount1, sqrtPriceX96, liquidity, tick);
    }
}
