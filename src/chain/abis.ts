import { parseAbi } from 'viem';

// Event signatures exactly as deployed (the ABIs of livepeer/protocol's Arbitrum One deployments, the L2 token,
// the L2 migrator and the L1 supply cache of livepeer/arbitrum-lpt-bridge); `indexed` placement drives decoding.
// Every event of a deployed ABI is listed, also those nothing is derived from, so that a log Atlas cannot name
// is a defect to report, not noise.

/** ManagerProxyTarget (every Controller-managed contract, proxy and target): controller and parameter changes. */
const managerEvents = ['event SetController(address controller)', 'event ParameterUpdate(string param)'] as const;

/** OpenZeppelin AccessControl (the L2 token's minter/burner roles, the Treasury timelock's roles). */
const accessControlEvents = [
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleAdminChanged(bytes32 indexed role, bytes32 indexed previousAdminRole, bytes32 indexed newAdminRole)',
] as const;

/** Arbitrum L2 → L1 messages (the bridge's L2 contracts). */
const l2MessengerEvents = ['event TxToL1(address indexed _from, address indexed _to, uint256 indexed _id, bytes _data)'] as const;

export const bondingManagerEvents = parseAbi([
  'event TranscoderUpdate(address indexed transcoder, uint256 rewardCut, uint256 feeShare)',
  'event TranscoderActivated(address indexed transcoder, uint256 activationRound)',
  'event TranscoderDeactivated(address indexed transcoder, uint256 deactivationRound)',
  'event TranscoderSlashed(address indexed transcoder, address finder, uint256 penalty, uint256 finderReward)',
  'event Reward(address indexed transcoder, uint256 amount)',
  'event TreasuryReward(address indexed transcoder, address treasury, uint256 amount)',
  'event Bond(address indexed newDelegate, address indexed oldDelegate, address indexed delegator, uint256 additionalAmount, uint256 bondedAmount)',
  'event Unbond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound)',
  'event Rebond(address indexed delegate, address indexed delegator, uint256 unbondingLockId, uint256 amount)',
  'event TransferBond(address indexed oldDelegator, address indexed newDelegator, uint256 oldUnbondingLockId, uint256 newUnbondingLockId, uint256 amount)',
  'event WithdrawStake(address indexed delegator, uint256 unbondingLockId, uint256 amount, uint256 withdrawRound)',
  'event WithdrawFees(address indexed delegator, address recipient, uint256 amount)',
  'event EarningsClaimed(address indexed delegate, address indexed delegator, uint256 rewards, uint256 fees, uint256 startRound, uint256 endRound)',
  'event RewardCallerSet(address indexed transcoder, address indexed rewardCaller)',
  ...managerEvents,
]);

export const ticketBrokerEvents = parseAbi([
  'event DepositFunded(address indexed sender, uint256 amount)',
  'event WinningTicketRedeemed(address indexed sender, address indexed recipient, uint256 faceValue, uint256 winProb, uint256 senderNonce, uint256 recipientRand, bytes auxData)',
  'event WinningTicketTransfer(address indexed sender, address indexed recipient, uint256 amount)',
  'event Unlock(address indexed sender, uint256 startRound, uint256 endRound)',
  'event UnlockCancelled(address indexed sender)',
  'event Withdrawal(address indexed sender, uint256 deposit, uint256 reserve)',
  'event ReserveFunded(address indexed reserveHolder, uint256 amount)',
  'event ReserveClaimed(address indexed reserveHolder, address claimant, uint256 amount)',
  ...managerEvents,
]);

export const roundsManagerEvents = parseAbi([
  'event NewRound(uint256 indexed round, bytes32 blockHash)',
  ...managerEvents,
]);

export const minterEvents = parseAbi([
  'event SetCurrentRewardTokens(uint256 currentMintableTokens, uint256 currentInflation)',
  ...managerEvents,
]);

export const serviceRegistryEvents = parseAbi(['event ServiceURIUpdate(address indexed addr, string serviceURI)', ...managerEvents]);

export const bondingVotesEvents = parseAbi([
  'event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate)',
  'event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance)',
  'event DelegatorBondedAmountChanged(address indexed delegate, uint256 previousBondedAmount, uint256 previousLastClaimRound, uint256 newBondedAmount, uint256 newLastClaimRound)',
  ...managerEvents,
]);

export const governorEvents = parseAbi([
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
  'event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)',
  'event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)',
  'event ProposalQueued(uint256 proposalId, uint256 eta)',
  'event ProposalExecuted(uint256 proposalId)',
  'event ProposalCanceled(uint256 proposalId)',
  // Settings (GovernorSettings, GovernorVotesQuorumFraction, GovernorTimelockControl) and upgradeable plumbing.
  'event VotingDelaySet(uint256 oldVotingDelay, uint256 newVotingDelay)',
  'event VotingPeriodSet(uint256 oldVotingPeriod, uint256 newVotingPeriod)',
  'event ProposalThresholdSet(uint256 oldProposalThreshold, uint256 newProposalThreshold)',
  'event QuorumNumeratorUpdated(uint256 oldQuorumNumerator, uint256 newQuorumNumerator)',
  'event TimelockChange(address oldTimelock, address newTimelock)',
  'event Initialized(uint8 version)',
  'event EIP712DomainChanged()',
  ...managerEvents,
]);

export const treasuryEvents = parseAbi([
  'event CallScheduled(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data, bytes32 predecessor, uint256 delay)',
  'event CallExecuted(bytes32 indexed id, uint256 indexed index, address target, uint256 value, bytes data)',
  'event Cancelled(bytes32 indexed id)',
  'event CallSalt(bytes32 indexed id, bytes32 salt)',
  'event MinDelayChange(uint256 oldDuration, uint256 newDuration)',
  'event Initialized(uint8 version)',
  ...accessControlEvents,
]);

export const controllerEvents = parseAbi([
  'event SetContractInfo(bytes32 id, address contractAddress, bytes20 gitCommitHash)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
  'event Pause()',
  'event Unpause()',
]);

// Legacy on-chain polls (before the governor): the creator announces each poll contract.
export const pollCreatorEvents = parseAbi([
  'event PollCreated(address indexed poll, bytes proposal, uint256 endBlock, uint256 quorum, uint256 quota)',
]);

// Each legacy poll is its own contract; a vote is an event, weighed by stake when the poll ends.
export const pollEvents = parseAbi(['event Vote(address indexed voter, uint256 choiceID)']);

export const l2LptDataCacheEvents = parseAbi([
  'event CacheTotalSupplyFinalized(uint256 totalSupply)',
  'event L1LPTDataCacheUpdate(address _l1LPTDataCache)',
  'event L2LPTGatewayUpdate(address _l2LPTGateway)',
  'event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)',
  ...l2MessengerEvents,
]);

// Migration of L1 stake, unbonding locks and gateway deposits to L2 (2022).
export const l2MigratorEvents = parseAbi([
  'struct MigrateDelegatorParams { address l1Addr; address l2Addr; uint256 stake; uint256 delegatedStake; uint256 fees; address delegate; }',
  'struct MigrateUnbondingLocksParams { address l1Addr; address l2Addr; uint256 total; uint256[] unbondingLockIds; address delegate; }',
  'struct MigrateSenderParams { address l1Addr; address l2Addr; uint256 deposit; uint256 reserve; }',
  'event L1MigratorUpdate(address _l1MigratorAddr)',
  'event ControllerContractUpdate(bytes32 id, address addr)',
  'event MigrateDelegatorFinalized(MigrateDelegatorParams params)',
  'event MigrateUnbondingLocksFinalized(MigrateUnbondingLocksParams params)',
  'event MigrateSenderFinalized(MigrateSenderParams params)',
  'event DelegatorPoolImplUpdate(address _delegatorPoolImpl)',
  'event DelegatorPoolCreated(address indexed l1Addr, address delegatorPool)',
  'event ClaimStakeEnabled(bool _enabled)',
  'event StakeClaimed(address indexed delegator, address delegate, uint256 stake, uint256 fees)',
  ...l2MessengerEvents,
  ...managerEvents,
]);

/** L2LPTGateway (livepeer/arbitrum-lpt-bridge): LPT arriving from L1 and leaving for L1. */
export const l2LptGatewayEvents = parseAbi([
  'event DepositFinalized(address indexed _l1Token, address indexed _from, address indexed _to, uint256 _amount)',
  'event WithdrawalInitiated(address _l1Token, address indexed _from, address indexed _to, uint256 indexed _l2ToL1Id, uint256 _exitNum, uint256 _amount)',
]);

export const livepeerTokenEvents = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
  'event Mint(address indexed to, uint256 amount)',
  'event Burn(address indexed burner, uint256 amount)',
  'event EIP712DomainChanged()',
  ...accessControlEvents,
]);

/** View functions the indexer reads with eth_call (values behind ParameterUpdate, round clock, supply). */
export const viewAbi = parseAbi([
  'function currentRound() view returns (uint256)',
  'function roundLength() view returns (uint256)',
  'function currentRoundStartBlock() view returns (uint256)',
  'function inflation() view returns (uint256)',
  'function inflationChange() view returns (uint256)',
  'function targetBondingRate() view returns (uint256)',
  'function currentMintableTokens() view returns (uint256)',
  'function currentMintedTokens() view returns (uint256)',
  'function getGlobalTotalSupply() view returns (uint256)',
  'function getTotalBonded() view returns (uint256)',
  'function treasuryRewardCutRate() view returns (uint256)',
  'function nextRoundTreasuryRewardCutRate() view returns (uint256)',
  'function treasuryBalanceCeiling() view returns (uint256)',
  'function unbondingPeriod() view returns (uint64)',
  'function getTranscoderPoolMaxSize() view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address) view returns (uint256)',
  'function l1CirculatingSupply() view returns (uint256)',
  'function pendingStake(address, uint256) view returns (uint256)',
  'function pendingFees(address, uint256) view returns (uint256)',
  'function getTranscoder(address) view returns (uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound)',
  'function getDelegator(address) view returns (uint256 bondedAmount, uint256 fees, address delegateAddress, uint256 delegatedAmount, uint256 startRound, uint256 lastClaimRound, uint256 nextUnbondingLockId)',
  'function getTranscoderEarningsPoolForRound(address, uint256) view returns (uint256 totalStake, uint256 transcoderRewardCut, uint256 transcoderFeeShare, uint256 cumulativeRewardFactor, uint256 cumulativeFeeFactor)',
  'function transcoderTotalStake(address) view returns (uint256)',
  'function getDelegatorUnbondingLock(address, uint256) view returns (uint256 amount, uint256 withdrawRound)',
  'function isActiveTranscoder(address) view returns (bool)',
  'function votingDelay() view returns (uint256)',
  'function votingPeriod() view returns (uint256)',
  'function quorumNumerator() view returns (uint256)',
  'function quota() view returns (uint256)',
]);
