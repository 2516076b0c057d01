import path from 'node:path';
import { z } from 'zod';
import { presets, type PresetName } from '../sim/scenario.js';
import { AtlasError } from '../base/errors.js';
import type { LevelWithSilent, LogFormat } from '../base/log.js';

const intFromEnv = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`));

const urlFromEnv = (name: string, protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, `${name} must be a ${protocols.join(' or ')} URL`);

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** A comma-separated list of addresses; names the first bad entry. */
const addressListFromEnv = (name: string) =>
  z
    .string()
    .superRefine((v, ctx) => {
      const items = v.split(',').map((x) => x.trim());
      const bad = items.find((x) => !ADDRESS.test(x));
      if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `${name} must be 0x-prefixed 20-byte addresses separated by commas (bad entry: ${JSON.stringify(bad)})` });
    })
    .transform((v) => [...new Set(v.split(',').map((x) => x.trim().toLowerCase() as `0x${string}`))]);

/** Environment variables Atlas reads; every one optional, validated here once. */
export const envSchema = z.object({
  ATLAS_RPC_URL: urlFromEnv('ATLAS_RPC_URL', ['http:', 'https:']).optional(),
  DATABASE_URL: urlFromEnv('DATABASE_URL', ['postgres:', 'postgresql:']).optional(),
  ATLAS_DATA_DIR: z.string().min(1).optional(),
  ATLAS_PORT: intFromEnv('ATLAS_PORT', 1, 65535).optional(),
  ATLAS_HOST: z.string().min(1).optional(),
  ATLAS_SIM_PRESET: z.enum(Object.keys(presets) as [PresetName, ...PresetName[]], { message: `ATLAS_SIM_PRESET must be one of ${Object.keys(presets).join(', ')}` }).optional(),
  ATLAS_SIM_SEED: z.string().min(1).optional(),
  ATLAS_SIM_ROUNDS: intFromEnv('ATLAS_SIM_ROUNDS', 1, 100_000).optional(),
  ATLAS_CONFIRMATIONS: intFromEnv('ATLAS_CONFIRMATIONS', 0, 10_000).optional(),
  ATLAS_POLL_MS: intFromEnv('ATLAS_POLL_MS', 50, 600_000).optional(),
  ATLAS_RPC_CONCURRENCY: intFromEnv('ATLAS_RPC_CONCURRENCY', 1, 64).optional(),
  ATLAS_TELEMETRY_GATEWAYS: z
    .string()
    .refine((v) => v.split(/[\s,]+/).every((x) => x === '' || /^0x[0-9a-fA-F]{40}$/.test(x)), 'ATLAS_TELEMETRY_GATEWAYS must be 0x-prefixed addresses separated by commas')
    .optional(),
  ATLAS_PRICE_AGGREGATORS: addressListFromEnv('ATLAS_PRICE_AGGREGATORS').optional(),
  ATLAS_LPT_POOL: z.string().regex(ADDRESS, 'ATLAS_LPT_POOL must be a 0x-prefixed 20-byte address').transform((v) => v.toLowerCase() as `0x${string}`).optional(),
  ATLAS_TELEMETRY_RAW_DAYS: intFromEnv('ATLAS_TELEMETRY_RAW_DAYS', 8, 3650).optional(),
  ATLAS_TELEMETRY_ROLLUP_DAYS: intFromEnv('ATLAS_TELEMETRY_ROLLUP_DAYS', 1, 36500).optional(),
  ATLAS_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], { message: 'ATLAS_LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent' }).optional(),
  ATLAS_LOG_FORMAT: z.enum(['text', 'json'], { message: 'ATLAS_LOG_FORMAT must be text or json' }).optional(),
});

export type Env = z.infer<typeof envSchema>;

export interface AtlasConfig {
  /** Chain source: the offline simulator, or a JSON-RPC endpoint of Arbitrum One. */
  network: { kind: 'simulator'; preset: PresetName; seed: string; rounds?: number } | { kind: 'rpc'; url: string };
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  http: { host: string; port: number };
  sync: { confirmations?: number; pollMs: number; rpcConcurrency: number };
  /** Gateway telemetry: signers accepted besides on-chain gateways, and how long raw reports and rollups are kept. */
  telemetry: { allowList: string[]; retention: { rawDays: number; rollupDays: number } };
  /** Price contracts on Arbitrum One (the simulator has its own): ETH/USD aggregators and the LPT/WETH pool. */
  prices: { ethUsdAggregators: `0x${string}`[]; lptPool?: `0x${string}` };
  /** Server and CLI log lines: least severe level written and line format. */
  log: { level: LevelWithSilent; format: LogFormat };
}

/** A configuration problem, reported as one clear line. */
export class ConfigError extends AtlasError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('bad_request', message, { reason: 'config' });
  }
}

/** Validate the environment (and CLI overrides) into a configuration; throws ConfigError with one line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Env, string>> = {}): AtlasConfig {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = (overrides as Record<string, unknown>)[key] ?? env[key];
    if (v !== undefined && v !== '') picked[key] = String(v);
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const key = String(first.path[0] ?? 'config');
    throw new ConfigError(first.message.startsWith(key) ? first.message : `${key}: ${first.message}`);
  }
  const e = parsed.data;
  return {
    network: e.ATLAS_RPC_URL
      ? { kind: 'rpc', url: e.ATLAS_RPC_URL }
      : { kind: 'simulator', preset: e.ATLAS_SIM_PRESET ?? 'demo', seed: e.ATLAS_SIM_SEED ?? '42', rounds: e.ATLAS_SIM_ROUNDS },
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: path.resolve(e.ATLAS_DATA_DIR ?? '.atlas/db') },
    http: { host: e.ATLAS_HOST ?? '127.0.0.1', port: e.ATLAS_PORT ?? 8080 },
    sync: { confirmations: e.ATLAS_CONFIRMATIONS, pollMs: e.ATLAS_POLL_MS ?? 1000, rpcConcurrency: e.ATLAS_RPC_CONCURRENCY ?? 4 },
    telemetry: {
      allowList: (e.ATLAS_TELEMETRY_GATEWAYS ?? '').split(/[\s,]+/).filter((x) => x !== '').map((x) => x.toLowerCase()),
      retention: { rawDays: e.ATLAS_TELEMETRY_RAW_DAYS ?? 14, rollupDays: e.ATLAS_TELEMETRY_ROLLUP_DAYS ?? 400 },
    },
    prices: { ethUsdAggregators: e.ATLAS_PRICE_AGGREGATORS ?? [], ...(e.ATLAS_LPT_POOL ? { lptPool: e.ATLAS_LPT_POOL } : {}) },
    log: { level: e.ATLAS_LOG_LEVEL ?? 'info', format: e.ATLAS_LOG_FORMAT ?? 'text' },
  };
}
