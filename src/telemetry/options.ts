import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { applyRetention, DEFAULT_RETENTION, type RetentionPolicy } from './retention.js';

/** Telemetry settings of the HTTP app (AppOptions.telemetry); everything optional. */
export interface TelemetryAppOptions {
  /** Addresses accepted besides on-chain gateways (ATLAS_TELEMETRY_GATEWAYS). */
  allowList?: readonly string[];
  /** EIP-712 chain id; default from the indexed network (42161 for Arbitrum One, else the simulator's 31337). */
  chainId?: number;
  maxSkewMs?: number;
  maxItems?: number;
  maxAgeMs?: number;
  /** Retention applied at most hourly by the ingest path; false disables it. */
  retention?: RetentionPolicy | false;
  now?: () => number;
}

const lastRun = new WeakMap<object, number>();

/** Applies retention when the last run on this database handle is over an hour old; never blocks ingest on failure. */
export async function retentionTick(db: Kysely<Database>, opts: TelemetryAppOptions | undefined, onError?: (e: unknown) => void): Promise<void> {
  if (opts?.retention === false) return;
  const now = (opts?.now ?? Date.now)();
  if (now - (lastRun.get(db) ?? 0) < 3_600_000) return;
  lastRun.set(db, now);
  try {
    await applyRetention(db, opts?.retention ?? DEFAULT_RETENTION, now);
  } catch (e) {
    onError?.(e);
  }
}
