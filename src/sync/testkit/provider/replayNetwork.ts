import { simulatorNetwork, type ContractDeployment, type ContractKey, type NetworkConfig } from '../../../chain/networks.js';

/**
 * The network the indexer sees on a replayed simulator history: the simulator's contracts (at their
 * Arbitrum One addresses) from the replay's first block, Arbitrum One's chain id, and the round clock's
 * L1 block read from block headers as on Arbitrum.
 */
export function replayNetwork(genesis: number, chainId = 42161): NetworkConfig {
  const sim = simulatorNetwork();
  const contracts = Object.fromEntries(Object.entries(sim.contracts).map(([k, v]) => [k, { address: v.address, startBlock: genesis }])) as Record<ContractKey, ContractDeployment>;
  return { name: 'arbitrum-one-replay', chainId, confirmations: 20, l1BlockSource: 'header', targetVersions: sim.targetVersions, contracts };
}
