// The one place Atlas reads its environment: every variable is declared here, validated once at start-up and
// turned into a typed configuration that the commands hand to the layers below (nothing else reads process.env).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues, parseBudget } from '../analytics/budget.js';
import { NeedsFormatError, parseReportDir } from '../needs/parser.js';
import { DEFAULT_SURVEY_K } from '../registry/costSurvey.js';
import { parseLabelAuthorities, type LabelRole } from '../registry/labels.js';
import { VENDORED_REPORT_DIR } from '../needs/vendored.js';
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

/** The first problem of a data-needs report directory, on one line; null when it parses. */
function reportDirProblem(dir: string): string | null {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `${dir} is not a directory`;
  if (!existsSync(path.join(dir, 'roles'))) return `${dir} holds no data-needs report (no roles/ folder)`;
  try {
    parseReportDir(dir);
    return null;
  } catch (e) {
    const first = e instanceof NeedsFormatError ? e.issues[0] : undefined;
    return first ? `${path.join(dir, first.file)}:${first.line}: ${first.message}` : `${dir}: ${(e as Error).message.split('\n')[0]}`;
  }
}

/** The first problem of a treasury budget file, on one line; null when it reads and validates. */
function budgetFileProblem(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const r = parseBudget(text);
  return r.ok ? null : formatIssues(file, r.issues)[0]!;
}

const pathFromEnv = (name: string, problem: (p: string) => string | null) =>
  z
    .string()
    .transform((v) => path.resolve(v.trim()))
    .superRefine((p, ctx) => {
      const why = problem(p);
      if (why !== null) ctx.addIssue({ code: 'custom', message: `${name}: ${why}` });
    });

/** Environment variables Atlas reads; every one optional, validated here once. The README's table lists the same. */
export const envSchema = z.object({
  ATLAS_RPC_URL: urlFromEnv('ATLAS_RPC_URL', ['http:', 'https:']).optional(),
  DATABASE_URL: urlFromEnv('DATABASE_URL', ['postgres:', 'postgresql:']).optional(),
  ATLAS_DATA_DIR: z.string().min(1).optional(),
  ATLAS_PORT: intFromEnv('ATLAS_PORT', 1, 65535).optional(),
  ATLAS_HOST: z.string().min(1).optional(),
  ATLAS_SIM_PRESET: z.enum(Object.keys(presets) as [PresetName, ...PresetName[]], { message: `ATLAS_SIM_PRESET must be one of ${Object.keys(presets).join(', ')}` }).optional(),
  ATLAS_SIM_SEED: z.string().min(1).optional(),
  ATLAS_SIM_ROUNDS: intFromEnv('ATLAS_SIM_ROUNDS', 1, 100_000).optional(),
  ATLAS_SIM_ROUND_SECONDS: intFromEnv('ATLAS_SIM_ROUND_SECONDS', 0, 86_400).optional(),
  ATLAS_CONFIRMATIONS: intFromEnv('ATLAS_CONFIRMATIONS', 0, 10_000).optional(),
  ATLAS_POLL_MS: intFromEnv('ATLAS_POLL_MS', 50, 600_000).optional(),
  ATLAS_RPC_CONCURRENCY: intFromEnv('ATLAS_RPC_CONCURRENCY', 1, 64).optional(),
  ATLAS_RPC_TIMEOUT_MS: intFromEnv('ATLAS_RPC_TIMEOUT_MS', 100, 600_000).optional(),
  ATLAS_VERIFY_STATE: z.enum(['0', '1', 'false', 'true'], { message: 'ATLAS_VERIFY_STATE must be 1, 0, true or false' }).optional(),
  ATLAS_READY_MAX_AGE_S: intFromEnv('ATLAS_READY_MAX_AGE_S', 1, 30 * 86_400).optional(),
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
  ATLAS_NEEDS_DIR: pathFromEnv('ATLAS_NEEDS_DIR', reportDirProblem).optional(),
  ATLAS_BUDGET_FILE: pathFromEnv('ATLAS_BUDGET_FILE', budgetFileProblem).optional(),
  ATLAS_COST_SURVEY_K: intFromEnv('ATLAS_COST_SURVEY_K', 2, 1_000_000).optional(),
  ATLAS_LABEL_AUTHORITIES: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseLabelAuthorities(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `ATLAS_LABEL_AUTHORITIES: ${(e as Error).message}` });
        return z.NEVER;
      }
    })
    .optional(),
  ATLAS_GRAPHQL_MAX_COST: intFromEnv('ATLAS_GRAPHQL_MAX_COST', 100, 1_000_000_000).optional(),
  ATLAS_REQUEST_TIMEOUT_MS: intFromEnv('ATLAS_REQUEST_TIMEOUT_MS', 100, 600_000).optional(),
  ATLAS_STATEMENT_TIMEOUT_MS: intFromEnv('ATLAS_STATEMENT_TIMEOUT_MS', 100, 3_600_000).optional(),
  ATLAS_DISCOVERY_INTERVAL: intFromEnv('ATLAS_DISCOVERY_INTERVAL', 0, 86_400).optional(),
  ATLAS_DISCOVERY_KEY: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'ATLAS_DISCOVERY_KEY must be a 0x-prefixed 32-byte hex private key').optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Seconds a simulated round lasts once the demo's history is mined: a round every few minutes. */
export const DEFAULT_SIM_ROUND_SECONDS = 300;

/** How long the newest indexed block may be behind the wall clock before `atlas serve` reports not ready. */
export const DEFAULT_READY_MAX_AGE_S = 600;

export interface AtlasConfig {
  /** Chain source: the offline simulator, or a JSON-RPC endpoint of Arbitrum One. */
  /**
   * Chain source: the offline simulator, or a JSON-RPC endpoint of Arbitrum One. The simulator's history of `rounds`
   * rounds ends at start-up; after it a round lasts `roundSeconds` (0: the network stops at start-up).
   */
  network: { kind: 'simulator'; preset: PresetName; seed: string; rounds?: number; roundSeconds: number } | { kind: 'rpc'; url: string };
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string };
  http: { host: string; port: number };
  /** verifyState: after each batch compare the rows it wrote with the chain's BondingManager views (multicall). */
  sync: { confirmations?: number; pollMs: number; rpcConcurrency: number; rpcTimeoutMs: number; verifyState: boolean };
  /** `atlas serve`'s /ready: the newest indexed block must be at most this old (seconds, by its chain timestamp). */
  ready: { maxHeadAgeS: number };
  /** Gateway telemetry: signers accepted besides on-chain gateways, and how long raw reports and rollups are kept. */
  telemetry: { allowList: string[]; retention: { rawDays: number; rollupDays: number } };
  /** Price contracts on Arbitrum One (the simulator has its own): ETH/USD aggregators and the LPT/WETH pool. */
  prices: { ethUsdAggregators: `0x${string}`[]; lptPool?: `0x${string}` };
  /** Server and CLI log lines: least severe level written and line format. */
  log: { level: LevelWithSilent; format: LogFormat };
  /** The data-needs report imported at start and served while none is stored (default: the vendored one). */
  needs: { dir: string };
  /** Treasury budget file for budget vs actuals; null without one. */
  treasury: { budgetFile: string | null };
  /** Smallest number of cost reports a published survey bucket may hold. */
  costSurvey: { k: number };
  /** Label roles the operator vouches for (address → roles), e.g. the Foundation's addresses. */
  labels: { authorities: Map<string, Set<LabelRole>> };
  /**
   * Limits of the API: the most objects a GraphQL query may produce by its cost, a request's time limit, and (on
   * PostgreSQL) how long a statement of the API's own pool may run.
   */
  api: { graphqlMaxCost: number; requestTimeoutMs: number; statementTimeoutMs: number };
  /** Orchestrator discovery: seconds between polls (0: off) and the key requests are signed with (random when unset). */
  discovery: { intervalSeconds: number; key?: `0x${string}` };
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
    const message = first.message.startsWith(key) ? first.message : `${key}: ${first.message}`;
    throw new ConfigError(message.split('\n')[0]!);
  }
  const e = parsed.data;
  return {
    network: e.ATLAS_RPC_URL
      ? { kind: 'rpc', url: e.ATLAS_RPC_URL }
      : { kind: 'simulator', preset: e.ATLAS_SIM_PRESET ?? 'demo', seed: e.ATLAS_SIM_SEED ?? '42', rounds: e.ATLAS_SIM_ROUNDS, roundSeconds: e.ATLAS_SIM_ROUND_SECONDS ?? DEFAULT_SIM_ROUND_SECONDS },
    database: e.DATABASE_URL ? { kind: 'postgres', url: e.DATABASE_URL } : { kind: 'pglite', dataDir: path.resolve(e.ATLAS_DATA_DIR ?? '.atlas/db') },
    http: { host: e.ATLAS_HOST ?? '127.0.0.1', port: e.ATLAS_PORT ?? 8080 },
    sync: { confirmations: e.ATLAS_CONFIRMATIONS, pollMs: e.ATLAS_POLL_MS ?? 1000, rpcConcurrency: e.ATLAS_RPC_CONCURRENCY ?? 32, rpcTimeoutMs: e.ATLAS_RPC_TIMEOUT_MS ?? 15_000, verifyState: e.ATLAS_VERIFY_STATE === '1' || e.ATLAS_VERIFY_STATE === 'true' },
    ready: { maxHeadAgeS: e.ATLAS_READY_MAX_AGE_S ?? DEFAULT_READY_MAX_AGE_S },
    telemetry: {
      allowList: (e.ATLAS_TELEMETRY_GATEWAYS ?? '').split(/[\s,]+/).filter((x) => x !== '').map((x) => x.toLowerCase()),
      retention: { rawDays: e.ATLAS_TELEMETRY_RAW_DAYS ?? 14, rollupDays: e.ATLAS_TELEMETRY_ROLLUP_DAYS ?? 400 },
    },
    prices: { ethUsdAggregators: e.ATLAS_PRICE_AGGREGATORS ?? [], ...(e.ATLAS_LPT_POOL ? { lptPool: e.ATLAS_LPT_POOL } : {}) },
    log: { level: e.ATLAS_LOG_LEVEL ?? 'info', format: e.ATLAS_LOG_FORMAT ?? 'text' },
    needs: { dir: e.ATLAS_NEEDS_DIR ?? VENDORED_REPORT_DIR },
    treasury: { budgetFile: e.ATLAS_BUDGET_FILE ?? null },
    costSurvey: { k: e.ATLAS_COST_SURVEY_K ?? DEFAULT_SURVEY_K },
    labels: { authorities: e.ATLAS_LABEL_AUTHORITIES ?? new Map() },
    api: { graphqlMaxCost: e.ATLAS_GRAPHQL_MAX_COST ?? 250_000, requestTimeoutMs: e.ATLAS_REQUEST_TIMEOUT_MS ?? 10_000, statementTimeoutMs: e.ATLAS_STATEMENT_TIMEOUT_MS ?? 5_000 },
    discovery: { intervalSeconds: e.ATLAS_DISCOVERY_INTERVAL ?? 300, ...(e.ATLAS_DISCOVERY_KEY ? { key: e.ATLAS_DISCOVERY_KEY as `0x${string}` } : {}) },
  };
}
