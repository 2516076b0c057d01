import { deployProtocol, type Deployment, type ProtocolParams } from './deploy.js';
import type { ChainDriver } from './driver.js';
import { deployLivepeer, livepeerFixedParams, livepeerGovernorParams } from './livepeer/deploy.js';
import { upgradePath, type UpgradePath } from './livepeer/upgrades.js';

/**
 * The protocol contracts a simulation runs on. The agent model is the same for every backend; what differs is
 * which Solidity is deployed, and the parameters a backend fixes (the deployed contracts hard-code some).
 */
export interface ProtocolBackend {
  /** `atlas` (the simulator's own contracts) or `livepeer` (a livepeer/protocol checkout). */
  readonly name: 'atlas' | 'livepeer';
  /** Parameters this backend runs with, over the scenario's defaults. */
  readonly params: Partial<ProtocolParams>;
  deploy(driver: ChainDriver, params: ProtocolParams, timestamp: number): Promise<Deployment>;
  /** The upgrade path: the run starts on the first versions and switches through the later ones. */
  readonly upgrades?: UpgradePath;
}

/** Atlas's own contracts: the offline default, faithful to the deployed ones (the differential test checks). */
export const atlasContracts: ProtocolBackend = { name: 'atlas', params: {}, deploy: deployProtocol };

/**
 * The real protocol contracts of a livepeer/protocol checkout, deployed as on Arbitrum One, with the governor
 * periods of that deployment and the PollCreator's fixed poll period.
 */
export function livepeerContracts(checkout: string): ProtocolBackend {
  return {
    name: 'livepeer',
    params: { ...livepeerGovernorParams, ...livepeerFixedParams },
    deploy: (driver, params, timestamp) => deployLivepeer(driver, params, timestamp, checkout),
  };
}

/**
 * The upgrade path on the real contracts: the first implementations Arbitrum One ran (from a protocol-history
 * folder, each compiled from its own compiler input) deployed with the rest of a livepeer/protocol checkout, then
 * every later version switched in at `rounds` in mainnet's order; the treasury and governor come with the delta upgrade.
 */
export function livepeerUpgradePath(checkout: string, historyDir: string, rounds?: number[]): ProtocolBackend {
  const path = upgradePath(checkout, historyDir, rounds);
  return {
    name: 'livepeer',
    params: { ...livepeerGovernorParams, ...livepeerFixedParams },
    deploy: (driver, params, timestamp) => deployLivepeer(driver, params, timestamp, checkout, path.first),
    upgrades: path,
  };
}
