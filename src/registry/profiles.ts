import { z } from 'zod';
import { AdvertError, capabilityInput, issuesText, modelInput, priceInput, regionInput, tagInput, uintInput, versionInput, type Price } from './adverts.js';
import { isAiCapability } from './capabilities.js';

/**
 * Gateway requirement profiles: a named job class ("sdxl-eu-fast") with what an orchestrator must offer to
 * run it. Each field is one matcher rule; an absent field does not constrain.
 */
export interface Requirements {
  capability: number;
  /** Model id (AI pipelines) or external capability name (BYOC); null: any. */
  model: string | null;
  /** Further capabilities the job uses (e.g. codecs for transcoding); all must be offered. */
  extraCapabilities: number[];
  warm: boolean;
  minVersion: string | null;
  minRunnerVersion: string | null;
  maxPrice: Price | null;
  /** Parts of 1 (0.95 = 95 %). */
  minSuccessRate: number | null;
  maxP95LatencyMs: number | null;
  region: string | null;
  /** bytes of GPU memory on one GPU serving the pipeline */
  minVramBytes: bigint | null;
  tags: string[];
  /** LPT-wei bonded to the orchestrator */
  minStake: bigint | null;
  activeOnly: boolean;
}

export interface Profile {
  gateway: string;
  name: string;
  description: string;
  /** Concurrent sessions the gateway expects to need for this class (its declared demand). */
  expectedSessions: number;
  /** A gateway withdraws a job class by publishing it again retired. */
  retired: boolean;
  requirements: Requirements;
}

const INT64_MAX = 2n ** 63n - 1n;

/** Requirement fields, shared by signed profiles and ad-hoc searches. */
export const requirementsShape = {
  capability: capabilityInput,
  model: modelInput.nullable().default(null),
  extraCapabilities: z.array(capabilityInput).max(64).default([]),
  warm: z.boolean().default(false),
  minVersion: versionInput('minVersion').nullable().default(null),
  minRunnerVersion: versionInput('minRunnerVersion').nullable().default(null),
  maxPrice: priceInput.nullable().default(null),
  minSuccessRate: z.number().min(0, { message: 'minSuccessRate must be from 0 to 1' }).max(1, { message: 'minSuccessRate must be from 0 to 1' }).nullable().default(null),
  maxP95LatencyMs: z.number().int({ message: 'maxP95LatencyMs must be whole milliseconds' }).positive({ message: 'maxP95LatencyMs must be positive' }).max(3_600_000).nullable().default(null),
  region: regionInput.nullable().default(null),
  minVramBytes: uintInput(INT64_MAX, 'minVramBytes').nullable().default(null),
  tags: z.array(tagInput).max(32).default([]),
  minStake: uintInput(10n ** 30n, 'minStake').nullable().default(null),
  activeOnly: z.boolean().default(false),
};

export const requirementsInput = z.strictObject(requirementsShape);

export const profileInput = z.strictObject({
  gateway: z.string().regex(/^0x[0-9a-fA-F]{40}$/, { message: 'gateway must be a 0x-prefixed 20-byte hex address' }).transform((s) => s.toLowerCase()),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, { message: 'name must be 1–64 characters of letters, digits, . _ -' }),
  description: z.string().max(500).default(''),
  expectedSessions: z.number().int().min(0).max(1_000_000).default(0),
  retired: z.boolean().default(false),
  requirements: requirementsInput,
});
export type ProfileInput = z.input<typeof profileInput>;

/** Cross-field checks: a model needs an AI pipeline, a warm model needs a model, no duplicate capabilities. */
export function checkRequirements(r: Requirements): Requirements {
  if (r.model !== null && !isAiCapability(r.capability)) throw new AdvertError(`model: capability ${r.capability} is not an AI pipeline and has no models`);
  if (r.warm && r.model === null) throw new AdvertError('warm: a warm model requires a model');
  if (r.minRunnerVersion !== null && r.model === null) throw new AdvertError('minRunnerVersion: a runner version requires a model');
  return { ...r, extraCapabilities: [...new Set(r.extraCapabilities.filter((c) => c !== r.capability))].sort((a, b) => a - b), tags: [...new Set(r.tags)].sort() };
}

export function parseRequirements(json: unknown): Requirements {
  const r = requirementsInput.safeParse(json);
  if (!r.success) throw new AdvertError(issuesText(r.error));
  return checkRequirements(r.data);
}

/** Validates a profile; throws AdvertError naming every bad field. */
export function parseProfile(json: unknown): Profile {
  const r = profileInput.safeParse(json);
  if (!r.success) throw new AdvertError(issuesText(r.error));
  return { ...r.data, requirements: checkRequirements(r.data.requirements) };
}

export interface RequirementsJson extends Omit<Requirements, 'maxPrice' | 'minVramBytes' | 'minStake'> {
  maxPrice: { pricePerUnit: string; pixelsPerUnit: string } | null;
  minVramBytes: string | null;
  minStake: string | null;
}

export function requirementsToJson(r: Requirements): RequirementsJson {
  return {
    ...r,
    maxPrice: r.maxPrice && { pricePerUnit: r.maxPrice.pricePerUnit.toString(), pixelsPerUnit: r.maxPrice.pixelsPerUnit.toString() },
    minVramBytes: r.minVramBytes?.toString() ?? null,
    minStake: r.minStake?.toString() ?? null,
  };
}

export function requirementsFromJson(j: RequirementsJson): Requirements {
  return {
    ...j,
    maxPrice: j.maxPrice && { pricePerUnit: BigInt(j.maxPrice.pricePerUnit), pixelsPerUnit: BigInt(j.maxPrice.pixelsPerUnit) },
    minVramBytes: j.minVramBytes === null ? null : BigInt(j.minVramBytes),
    minStake: j.minStake === null ? null : BigInt(j.minStake),
  };
}
