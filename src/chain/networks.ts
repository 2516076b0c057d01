import type { Address } from 'viem';
import { LATEST_VERSIONS, type ProtocolVersions } from '../base/protocolVersions.js';

/** Protocol contract names as registered in the Controller (id = keccak256(name)). */
export type ContractKey =
  | 'Controller'
  | 'LivepeerToken'
  | 'BondingManager'
  | 'TicketBroker'
  | 'RoundsManager'
  | 'MinterV1'
  | 'Minter'
  | 'ServiceRegistry'
  | 'AIServiceRegistry'
  | 'BondingVotes'
  | 'Treasury'
  | 'LivepeerGovernor'
  | 'L2Migrator'
  | 'L2LPTDataCache'
  | 'L2LPTGateway'
  | 'PollCreator';

export interface ContractDeployment {
  address: Address;
  /** First L2 block with code at this address; backfill starts here. */
  startBlock: number;
}

export interface NetworkConfig {
  name: string;
  chainId: number;
  contracts: Record<ContractKey, ContractDeployment>;
  /** Blocks behind head considered final enough to skip reorg tracking. */
  confirmations: number;
  /**
   * What RoundsManager's clock (block.number inside a contract) reads: on Arbitrum the L1 block number its block
   * headers carry; on any other chain (anvil) the block number itself.
   */
  l1BlockSource: 'header' | 'blockNumber';
  /**
   * Which rules the network's implementations run: 'arbitrum-one' = the version the Controller registered at each
   * block, looked up by address in Arbitrum One's table (src/chain/targets.ts; an address not in it stops the
   * indexer); fixed versions = the network's own contracts, whatever their registrations say.
   */
  targetVersions: 'arbitrum-one' | TargetVersions;
}

export type { VersionedContract } from '../base/protocolVersions.js';
/** An implementation version per versioned contract (1 = the first deployed on Arbitrum One). */
export type TargetVersions = ProtocolVersions;

// Proxy addresses and first blocks of the Arbitrum One deployment. AIServiceRegistry's first block is not known:
// start it with the ServiceRegistry; the range holds no logs for it before deployment.
export const arbitrumOne: NetworkConfig = {
  name: 'arbitrum-one',
  chainId: 42161,
  confirmations: 20,
  l1BlockSource: 'header',
  targetVersions: 'arbitrum-one',
  contracts: {
    Controller: { address: '0xD8E8328501E9645d16Cf49539efC04f734606ee4', startBlock: 5856334 },
    LivepeerToken: { address: '0x289ba1701C2F088cf0faf8B3705246331cB8A839', startBlock: 5856156 },
    BondingManager: { address: '0x35Bcf3c30594191d53231E4FF333E8A770453e40', startBlock: 5856381 },
    TicketBroker: { address: '0xa8bB618B1520E284046F3dFc448851A1Ff26e41B', startBlock: 5856357 },
    RoundsManager: { address: '0xdd6f56DcC28D3F5f27084381fE8Df634985cc39f', startBlock: 5856394 },
    MinterV1: { address: '0x4969dcCF5186e1c49411638fc8A2a020Fdab752E', startBlock: 5856338 },
    Minter: { address: '0xc20DE37170B45774e6CD3d2304017fc962f27252', startBlock: 6253359 },
    ServiceRegistry: { address: '0xC92d3A360b8f9e083bA64DE15d95Cf8180897431', startBlock: 5860363 },
    AIServiceRegistry: { address: '0x04C0b249740175999E5BF5c9ac1dA92431EF34C5', startBlock: 5860363 },
    BondingVotes: { address: '0x0B9C254837E72Ebe9Fe04960C43B69782E68169A', startBlock: 139793454 },
    Treasury: { address: '0xf82C1FF415F1fCf582554fDba790E27019c8E8C4', startBlock: 139793473 },
    LivepeerGovernor: { address: '0xcFE4E2879B786C3aa075813F0E364bb5acCb6aa0', startBlock: 139793525 },
    L2Migrator: { address: '0x148D5b6B4df9530c7C76A810bd1Cdf69EC4c2085', startBlock: 5864923 },
    L2LPTDataCache: { address: '0xd78b6bD09cd28A83cFb21aFa0DA95c685A6bb0B1', startBlock: 5864754 },
    // The LPT bridge's L2 side (livepeer/arbitrum-lpt-bridge deployments): deposits from and withdrawals to L1.
    L2LPTGateway: { address: '0x6D2457a4ad276000A615295f7A80F79E48CcD318', startBlock: 5864786 },
    PollCreator: { address: '0x8bb50806D60c492c0004DAD5D9627DAA2d9732E6', startBlock: 5857075 },
  },
};

/**
 * The offline simulator places its contracts at the same addresses, from `startBlock` (its chain's first block: the
 * simulator starts its node late enough for realistic round numbers, as the round clock counts blocks). Its
 * contracts (Atlas's own, or today's livepeer/protocol) run today's rules unless `targetVersions` says otherwise:
 * 'arbitrum-one' where the real implementations of every version are placed at their Arbitrum One addresses.
 */
export function simulatorNetwork(chainId = 31337, startBlock = 0, targetVersions: NetworkConfig['targetVersions'] = LATEST_VERSIONS): NetworkConfig {
  const contracts = Object.fromEntries(
    Object.entries(arbitrumOne.contracts).map(([k, v]) => [k, { address: v.address, startBlock }]),
  ) as Record<ContractKey, ContractDeployment>;
  return { name: 'simulator', chainId, confirmations: 0, l1BlockSource: 'blockNumber', targetVersions, contracts };
}

/** Chain id of a network by name: Arbitrum One's, else the simulator's (anvil's default 31337). */
export function chainIdOfNetwork(name: string | null): number {
  return name === arbitrumOne.name ? arbitrumOne.chainId : 31337;
}
