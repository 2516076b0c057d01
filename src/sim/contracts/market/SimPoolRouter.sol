// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IUniswapV3PoolLike {
    function token0() external view returns (address);
    function token1() external view returns (address);
    function slot0() external view returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool);
    function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bytes calldata data) external returns (int256, int256);
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data) external returns (uint256, uint256);
}

interface IERC20Like {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// The simulated traders' and liquidity providers' entry to Uniswap V3 pools: it pays the pool's callbacks
/// from the caller (who approved it), and positions belong to the caller.
contract SimPoolRouter {
    address public operator;
    mapping(address => bool) public isPool;

    function initialize(address _operator) external {
        require(operator == address(0), "already initialized");
        operator = _operator;
    }

    function addPool(address pool) external {
        require(msg.sender == operator, "caller must be operator");
        isPool[pool] = true;
    }

    function swap(address pool, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96) external returns (int256 amount0, int256 amount1) {
        require(isPool[pool], "unknown pool");
        return IUniswapV3PoolLike(pool).swap(msg.sender, zeroForOne, amountSpecified, sqrtPriceLimitX96, abi.encode(msg.sender));
    }

    /// Arbitrage to a price: swaps whichever way brings the pool to `target`, paying at most maxIn0 / maxIn1.
    function swapToPrice(address pool, uint160 target, uint256 maxIn0, uint256 maxIn1) external {
        require(isPool[pool], "unknown pool");
        (uint160 price, , , , , , ) = IUniswapV3PoolLike(pool).slot0();
        if (price == target) return;
        bool zeroForOne = target < price;
        IUniswapV3PoolLike(pool).swap(msg.sender, zeroForOne, int256(zeroForOne ? maxIn0 : maxIn1), target, abi.encode(msg.sender));
    }

    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 liquidity) external returns (uint256 amount0, uint256 amount1) {
        require(isPool[pool], "unknown pool");
        return IUniswapV3PoolLike(pool).mint(msg.sender, tickLower, tickUpper, liquidity, abi.encode(msg.sender));
    }

    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        _pay(amount0Delta > 0 ? uint256(amount0Delta) : 0, amount1Delta > 0 ? uint256(amount1Delta) : 0, data);
    }

    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        _pay(amount0Owed, amount1Owed, data);
    }

    function _pay(uint256 amount0, uint256 amount1, bytes calldata data) internal {
        require(isPool[msg.sender], "caller must be a pool");
        address payer = abi.decode(data, (address));
        if (amount0 > 0) require(IERC20Like(IUniswapV3PoolLike(msg.sender).token0()).transferFrom(payer, msg.sender, amount0), "pay token0");
        if (amount1 > 0) require(IERC20Like(IUniswapV3PoolLike(msg.sender).token1()).transferFrom(payer, msg.sender, amount1), "pay token1");
    }
}
