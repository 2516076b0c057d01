import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { VersionedContract } from './networks.js';

/**
 * Every implementation Arbitrum One ran, by address: livepeer/protocol's deployment records (MIT), vendored as
 * vendor/livepeer-protocol-history/manifest.json. Resolved from this module so sources and build both find it.
 */
const MANIFEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vendor/livepeer-protocol-history/manifest.json');

/** One deployed implementation: which contract, which version, where and from which block. */
export interface TargetDeployment {
  contract: VersionedContract;
  version: number;
  address: string;
  deployBlock: number;
}

const manifestSchema = z.array(
  z.object({
    contract: z.enum(['BondingManagerTarget', 'TicketBrokerTarget', 'Minter', 'RoundsManagerTarget']),
    version: z.number().int().positive(),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
    deployBlock: z.number().int().nonnegative(),
  }),
);

/** The Controller id a versioned contract's implementation is registered under (keccak256 of the name). */
export const REGISTRATION_NAME: Readonly<Record<VersionedContract, string>> = {
  BondingManager: 'BondingManagerTarget',
  TicketBroker: 'TicketBrokerTarget',
  Minter: 'Minter',
  RoundsManager: 'RoundsManagerTarget',
};

const contractOfName = new Map(Object.entries(REGISTRATION_NAME).map(([c, n]) => [n, c as VersionedContract]));

/** The versioned contract a Controller registration name stands for, if any. */
export function versionedContractOf(registrationName: string | null): VersionedContract | undefined {
  return registrationName === null ? undefined : contractOfName.get(registrationName);
}

function loadArbitrumOneTargets(): readonly TargetDeployment[] {
  const rows = manifestSchema.parse(JSON.parse(readFileSync(MANIFEST, 'utf8')));
  return rows.map((r) => ({ contract: contractOfName.get(r.contract)!, version: r.version, address: r.address.toLowerCase(), deployBlock: r.deployBlock }));
}

/** Arbitrum One's implementations, oldest first per contract. */
export const ARBITRUM_ONE_TARGETS: readonly TargetDeployment[] = loadArbitrumOneTargets();

const byAddress = new Map(ARBITRUM_ONE_TARGETS.map((t) => [`${t.contract}|${t.address}`, t]));

/** The Arbitrum One implementation of `contract` at `address` (any case), if it is one. */
export function arbitrumOneTarget(contract: VersionedContract, address: string): TargetDeployment | undefined {
  return byAddress.get(`${contract}|${address.toLowerCase()}`);
}
