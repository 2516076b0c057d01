import { AtlasError } from '../base/errors.js';
import type { NetworkConfig, VersionedContract } from '../chain/networks.js';
import { arbitrumOneTarget, REGISTRATION_NAME } from '../chain/targets.js';

/** An implementation the Controller registered: its version and address, and the block of the registration. */
export interface RegisteredTarget {
  version: number;
  address: string;
  block: number;
}

/** The implementations registered so far, per versioned contract (persisted with the projection's scalars). */
export type RegisteredTargets = Partial<Record<VersionedContract, RegisteredTarget>>;

/** The network registered an implementation Atlas has no rules for: the indexer stops rather than guess. */
export class UnknownTargetError extends AtlasError {
  override name = 'UnknownTargetError';
  constructor(message: string) {
    super('unprocessable', message, { reason: 'unknown_target' });
  }
}

/**
 * The target a Controller registration of `contract` at `address` (block `block`) makes current: on
 * Arbitrum One looked up in its table (an address not in it throws UnknownTargetError); on a network with fixed
 * versions, that version whatever the address.
 */
export function registeredTarget(source: NetworkConfig['targetVersions'], contract: VersionedContract, address: string, block: number): RegisteredTarget {
  const addr = address.toLowerCase();
  if (source !== 'arbitrum-one') return { version: source[contract], address: addr, block };
  const known = arbitrumOneTarget(contract, addr);
  if (!known) {
    throw new UnknownTargetError(`unknown ${REGISTRATION_NAME[contract]} ${addr} registered by the Controller at block ${block}: no Arbitrum One implementation has this address, so Atlas has no rules to replay it with`);
  }
  return { version: known.version, address: addr, block };
}

/** The version of `contract` in force: the fixed one, else the last registered (undefined before any). */
export function versionInForce(source: NetworkConfig['targetVersions'], registered: RegisteredTargets | undefined, contract: VersionedContract): number | undefined {
  return source === 'arbitrum-one' ? registered?.[contract]?.version : source[contract];
}
