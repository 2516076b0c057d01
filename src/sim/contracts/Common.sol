// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Shared plumbing of the simulated Livepeer protocol. Contracts sit at the real Arbitrum One
// proxy addresses (docs/protocol.md §1) so the indexer runs unchanged against the simulator and mainnet.

address constant CONTROLLER_ADDR = 0xD8E8328501E9645d16Cf49539efC04f734606ee4;

interface IController {
    function owner() external view returns (address);
    function getContract(bytes32 id) external view returns (address);
}

interface IToken {
    function totalSupply() external view returns (uint256);
    function balanceOf(address a) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function mint(address to, uint256 amount) external;
    function burn(uint256 amount) external;
}

interface IMinter {
    function createReward(uint256 fracNum, uint256 fracDenom) external returns (uint256);
    function trustedTransferTokens(address to, uint256 amount) external;
    function trustedBurnTokens(uint256 amount) external;
    function trustedWithdrawETH(address payable to, uint256 amount) external;
    function depositETH() external payable returns (bool);
    function setCurrentRewardTokens() external;
    function currentMintableTokens() external view returns (uint256);
    function currentMintedTokens() external view returns (uint256);
    function getGlobalTotalSupply() external view returns (uint256);
}

interface IRoundsManager {
    function currentRound() external view returns (uint256);
    function currentRoundInitialized() external view returns (bool);
    function currentRoundLocked() external view returns (bool);
    function blockHashForRound(uint256 round) external view returns (bytes32);
}

interface IBondingManager {
    function setCurrentRoundTotalActiveStake() external;
    function getTotalBonded() external view returns (uint256);
    function updateTranscoderWithFees(address transcoder, uint256 fees, uint256 round) external;
    function isActiveTranscoder(address t) external view returns (bool);
    function getTranscoderPoolSize() external view returns (uint256);
    function getTranscoderPoolMaxSize() external view returns (uint256);
    function getTranscoderEarningsPoolForRound(address transcoder, uint256 round)
        external
        view
        returns (uint256 totalStake, uint256 transcoderRewardCut, uint256 transcoderFeeShare, uint256 cumulativeRewardFactor, uint256 cumulativeFeeFactor);
}

interface IBondingVotes {
    function checkpointBondingState(
        address account,
        uint256 startRound,
        uint256 bondedAmount,
        address delegateAddress,
        uint256 delegatedAmount,
        uint256 lastClaimRound,
        uint256 lastRewardRound
    ) external;
    function checkpointTotalActiveStake(uint256 totalStake, uint256 round) external;
    function getPastVotes(address account, uint256 round) external view returns (uint256);
    function getPastTotalSupply(uint256 round) external view returns (uint256);
    function delegatedAt(address account, uint256 round) external view returns (uint256 votes, address delegateAddress);
}

interface IL2LPTDataCache {
    function l1CirculatingSupply() external view returns (uint256);
}

interface ITimelock {
    function scheduleBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt,
        uint256 delay
    ) external;
    function executeBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) external payable;
    function hashOperationBatch(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata payloads,
        bytes32 predecessor,
        bytes32 salt
    ) external pure returns (bytes32);
    function isOperationPending(bytes32 id) external view returns (bool);
    function isOperationDone(bytes32 id) external view returns (bool);
    function isOperationReady(bytes32 id) external view returns (bool);
    function getMinDelay() external view returns (uint256);
}

/// Percentage math with the rounding order of the protocol's libraries: a * floor(n*D/d) / D.
library Perc {
    uint256 internal constant PERC_DIVISOR = 1_000_000; // rewardCut, feeShare, quorum, quota
    uint256 internal constant PERC_DIVISOR_V2 = 1_000_000_000; // inflation, bonding rate, reward fraction
    uint256 internal constant PRECISE = 1e27; // CRF, CFF, treasuryRewardCutRate

    function points(uint256 n, uint256 d, uint256 D) internal pure returns (uint256) {
        return (n * D) / d;
    }

    function frac(uint256 a, uint256 n, uint256 d, uint256 D) internal pure returns (uint256) {
        return (a * points(n, d, D)) / D;
    }

    function ofPerc(uint256 a, uint256 p, uint256 D) internal pure returns (uint256) {
        return (a * p) / D;
    }
}

abstract contract Managed {
    IController internal constant controller = IController(CONTROLLER_ADDR);

    event ParameterUpdate(string param);

    modifier onlyControllerOwner() {
        require(msg.sender == controller.owner(), "caller must be Controller owner");
        _;
    }

    function _contract(string memory name) internal view returns (address) {
        return controller.getContract(keccak256(bytes(name)));
    }

    function _token() internal view returns (IToken) {
        return IToken(_contract("LivepeerToken"));
    }

    function _minter() internal view returns (IMinter) {
        return IMinter(_contract("Minter"));
    }

    function _rounds() internal view returns (IRoundsManager) {
        return IRoundsManager(_contract("RoundsManager"));
    }

    function _bonding() internal view returns (IBondingManager) {
        return IBondingManager(_contract("BondingManager"));
    }
}
