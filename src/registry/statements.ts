import { z } from 'zod';
import { keccak256, toBytes, type Address, type Hex } from 'viem';
import { AdvertError, advertFromOrchestratorInfo, issuesText, orchestratorInfoInput, parseAdvert, type Advert } from './adverts.js';
import { parseProfile, type Profile } from './profiles.js';
import { SignatureError, verifyStatement } from '../chain/typedData.js';

/**
 * Signed registry statements. The EIP-712 message carries the statement as canonical JSON text next to
 * the signer, a sequence number and the signing time: wallets show the text, and a nested advert needs no
 * typed-struct schema that would have to change with every new go-livepeer field.
 */
export const ADVERT_TYPES = {
  CapabilityAdvert: [
    { name: 'orchestrator', type: 'address' },
    { name: 'seq', type: 'uint64' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'advert', type: 'string' },
  ],
} as const;

export const PROFILE_TYPES = {
  GatewayProfile: [
    { name: 'gateway', type: 'address' },
    { name: 'seq', type: 'uint64' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'profile', type: 'string' },
  ],
} as const;

/**
 * A gateway's network-capabilities snapshot: the gateway signs the keccak256 of the snapshot's JSON text (as
 * sent), so the orchestrators it lists are what it saw, and the import is recorded as its word.
 */
export const SNAPSHOT_TYPES = {
  NetworkSnapshot: [
    { name: 'gateway', type: 'address' },
    { name: 'observedAt', type: 'uint64' },
    { name: 'contentHash', type: 'bytes32' },
  ],
} as const;

/** Largest snapshot text (bytes of UTF-8) and most orchestrators one import may list. */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;
export const MAX_SNAPSHOT_ORCHESTRATORS = 1000;

/** Statements signed further ahead than this (clock skew) are refused. */
export const MAX_FUTURE_SKEW_S = 600;
/** Largest statement text accepted (bytes of UTF-8). */
export const MAX_STATEMENT_BYTES = 256 * 1024;

const envelope = {
  seq: z.union([z.number().int().min(0), z.string().regex(/^\d{1,19}$/)]).transform((v) => BigInt(v)).refine((v) => v < 2n ** 64n, { message: 'seq must fit in uint64' }),
  issuedAt: z.number().int({ message: 'issuedAt must be whole unix seconds' }).min(1_500_000_000, { message: 'issuedAt must be unix seconds' }).max(2 ** 40),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, { message: 'signature must be 65 bytes as 0x-prefixed hex' }),
};
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, { message: 'must be a 0x-prefixed 20-byte hex address' });

export const signedAdvertBody = z.strictObject({ orchestrator: address, advert: z.string().min(2).max(MAX_STATEMENT_BYTES), ...envelope });
export const signedProfileBody = z.strictObject({ gateway: address, profile: z.string().min(2).max(MAX_STATEMENT_BYTES), ...envelope });
export const signedSnapshotBody = z.strictObject({
  gateway: address,
  observedAt: envelope.issuedAt,
  snapshot: z.string().min(2).max(MAX_SNAPSHOT_BYTES, { message: `snapshot must be at most ${MAX_SNAPSHOT_BYTES} characters` }),
  signature: envelope.signature,
});
const snapshotText = z.strictObject({
  orchestrators: z
    .array(z.unknown())
    .min(1, { message: 'must list at least one OrchestratorInfo' })
    .max(MAX_SNAPSHOT_ORCHESTRATORS, { message: `must list at most ${MAX_SNAPSHOT_ORCHESTRATORS} orchestrators per import` }),
});

/** A verified snapshot: who imported it, when they saw it, the OrchestratorInfo entries (unparsed) and the proof. */
export interface VerifiedSnapshot {
  gateway: string;
  observedAt: number;
  orchestrators: unknown[];
  contentHash: Hex;
  signature: string;
}

export interface Verified<T> {
  value: T;
  signer: string;
  seq: bigint;
  issuedAt: number;
  signature: string;
}

/**
 * Atlas' advert JSON, or `{ orchestratorInfo, regions?, tags? }` wrapping a go-livepeer OrchestratorInfo
 * the orchestrator signs as its own.
 */
export function advertFromStatementText(text: string): Advert {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AdvertError('advert is not valid JSON');
  }
  if (json !== null && typeof json === 'object' && 'orchestratorInfo' in json) {
    const w = z.strictObject({ orchestratorInfo: orchestratorInfoInput, regions: z.array(z.string()).optional(), tags: z.array(z.string()).optional() }).safeParse(json);
    if (!w.success) throw new AdvertError(issuesText(w.error));
    return advertFromOrchestratorInfo((json as { orchestratorInfo: unknown }).orchestratorInfo, w.data);
  }
  return parseAdvert(json);
}

/** A write without a signature proves no signer: 401, before any other check. */
function requireSignature(body: unknown, what: string): void {
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && !('signature' in body)) {
    throw new SignatureError(`${what} must be signed (EIP-712, domain atlasDomain(chainId)): the body has no signature`);
  }
}

function checkClock(issuedAt: number, nowS: number): void {
  if (issuedAt > nowS + MAX_FUTURE_SKEW_S) throw new AdvertError(`issuedAt ${issuedAt} is more than ${MAX_FUTURE_SKEW_S} s in the future`);
}

/**
 * Checks a signed advert: envelope fields, the advert itself, that it speaks for the signing orchestrator,
 * and the EIP-712 signature over atlasDomain(chainId). Throws AdvertError or SignatureError.
 */
export async function verifySignedAdvert(body: unknown, chainId: number, nowS: number): Promise<Verified<Advert>> {
  requireSignature(body, 'an advert');
  const b = signedAdvertBody.safeParse(body);
  if (!b.success) throw new AdvertError(issuesText(b.error));
  const { orchestrator, advert: text, seq, issuedAt, signature } = b.data;
  checkClock(issuedAt, nowS);
  const advert = advertFromStatementText(text);
  if (advert.orchestrator !== orchestrator.toLowerCase()) throw new AdvertError(`advert is for ${advert.orchestrator}, but the statement is signed as ${orchestrator.toLowerCase()}`);
  const signer = await verifyStatement({
    chainId,
    types: ADVERT_TYPES as unknown as Record<string, { name: string; type: string }[]>,
    primaryType: 'CapabilityAdvert',
    message: { orchestrator, seq, issuedAt: BigInt(issuedAt), advert: text },
    signature: signature as Hex,
    claimed: orchestrator as Address,
  });
  return { value: advert, signer: signer.toLowerCase(), seq, issuedAt, signature };
}

/** Checks a signed gateway profile the same way. */
export async function verifySignedProfile(body: unknown, chainId: number, nowS: number): Promise<Verified<Profile>> {
  requireSignature(body, 'a profile');
  const b = signedProfileBody.safeParse(body);
  if (!b.success) throw new AdvertError(issuesText(b.error));
  const { gateway, profile: text, seq, issuedAt, signature } = b.data;
  checkClock(issuedAt, nowS);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AdvertError('profile is not valid JSON');
  }
  const profile = parseProfile(json);
  if (profile.gateway !== gateway.toLowerCase()) throw new AdvertError(`profile is for ${profile.gateway}, but the statement is signed as ${gateway.toLowerCase()}`);
  const signer = await verifyStatement({
    chainId,
    types: PROFILE_TYPES as unknown as Record<string, { name: string; type: string }[]>,
    primaryType: 'GatewayProfile',
    message: { gateway, seq, issuedAt: BigInt(issuedAt), profile: text },
    signature: signature as Hex,
    claimed: gateway as Address,
  });
  return { value: profile, signer: signer.toLowerCase(), seq, issuedAt, signature };
}

/**
 * Checks a signed snapshot import: envelope, clock, the signature over (gateway, observedAt, keccak256(snapshot))
 * by the gateway, and the snapshot's shape. Whether the signer is a gateway is the caller's check (authority.ts).
 */
export async function verifySignedSnapshot(body: unknown, chainId: number, nowS: number): Promise<VerifiedSnapshot> {
  requireSignature(body, 'a snapshot import');
  const b = signedSnapshotBody.safeParse(body);
  if (!b.success) throw new AdvertError(issuesText(b.error));
  const { gateway, observedAt, snapshot, signature } = b.data;
  checkClock(observedAt, nowS);
  const contentHash = keccak256(toBytes(snapshot));
  const signer = await verifyStatement({
    chainId,
    types: SNAPSHOT_TYPES as unknown as Record<string, { name: string; type: string }[]>,
    primaryType: 'NetworkSnapshot',
    message: { gateway, observedAt: BigInt(observedAt), contentHash },
    signature: signature as Hex,
    claimed: gateway as Address,
  });
  let json: unknown;
  try {
    json = JSON.parse(snapshot);
  } catch {
    throw new AdvertError('snapshot is not valid JSON');
  }
  const s = snapshotText.safeParse(json);
  if (!s.success) throw new AdvertError(issuesText(s.error).replace(/^orchestrators/, 'snapshot.orchestrators'));
  return { gateway: signer.toLowerCase(), observedAt, orchestrators: s.data.orchestrators, contentHash, signature };
}

export { SignatureError };
