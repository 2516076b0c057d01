import { deployProtocol, type Deployment, type ProtocolParams } from './deploy.js';
import type { ChainDriver } from './driver.js';
import { deployLivepeer, livepeerFixedParams, livepeerGovernorParams } from './livepeer/deploy.js';

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
