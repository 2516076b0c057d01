// Discovery from the network itself: every orchestrator registered in ServiceRegistry or AIServiceRegistry
// is asked for its OrchestratorInfo at its service URI, as gateways do, on a schedule. A node that fails
// is asked again only after a growing pause (backoff); every answer and failure is kept.
import type { Kysely } from 'kysely';
import { keccak256, toBytes } from 'viem';
import type { LocalAccount } from 'viem/accounts';
import { indexedChainId } from '../read/network.js';
import { AdvertError, advertFromOrchestratorInfo, advertToJson, type Advert } from '../registry/adverts.js';
import { compareVersions, parseVersion } from '../registry/capabilities.js';
import { atlasDomain } from '../registry/signing.js';
import { SNAPSHOT_TYPES } from '../registry/statements.js';
import { importSnapshot, type SnapshotProvenance } from '../registry/store.js';
import type { Database } from '../store/schema.js';
import { DiscoveryError, discoveryIdentity, getOrchestratorInfo, type CallOptions, type DiscoveryIdentity, type FailureKind } from './client.js';
import { discoveryTargets, pruneDiscovery, writePoll, type DiscoveryTarget, type TargetResult } from './store.js';

export interface BackoffOptions {
  /** Pause after the first failure (s). */
  baseSeconds: number;
  /** Longest pause (s). */
  maxSeconds: number;
}

export interface PollerOptions extends CallOptions {
  db: Kysely<Database>;
  /** The gateway identity requests are signed with. */
  account: LocalAccount;
  /** Calls in flight at once. */
  concurrency?: number;
  backoff?: BackoffOptions;
  /** host:port → host:port to dial instead (the simulator's nodes listen on loopback ports). */
  resolve?: ReadonlyMap<string, string>;
  /** Unix seconds now (default the wall clock; the demo passes its simulated clock). */
  now?: () => number;
  /** Raw results older than this many days are dropped after each poll (default 90). */
  retainDays?: number;
}

export interface PollSummary {
  pollId: number;
  at: number;
  targets: number;
  answered: number;
  failed: number;
  skipped: number;
  wallMs: number;
  /** Latency of every answered call (ms), in no particular order. */
  latenciesMs: number[];
  failures: Partial<Record<FailureKind, number>>;
}

const DEFAULT_BACKOFF: BackoffOptions = { baseSeconds: 60, maxSeconds: 6 * 3600 };

/** Seconds to wait after the n-th failure in a row (n ≥ 1): base · 2^(n−1), at most max. */
export function backoffSeconds(failures: number, b: BackoffOptions = DEFAULT_BACKOFF): number {
  return Math.min(b.maxSeconds, b.baseSeconds * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

const keyOf = (t: DiscoveryTarget) => `${t.orchestrator}|${t.registry}`;

/** Prices of one answer as stored with it: exact integers as strings. */
const pricesOf = (a: Advert) => a.prices.map((p) => ({ capability: p.capability, model: p.model, pricePerUnit: p.pricePerUnit.toString(), pixelsPerUnit: p.pixelsPerUnit.toString() }));

/**
 * One orchestrator's nodes (service and AI service URIs) as one advert: capabilities, models, prices and
 * hardware of both, the service node's URI and the newer version.
 */
export function mergeAdverts(parts: Advert[]): Advert {
  const [first, ...rest] = parts;
  if (!first) throw new Error('internal: no advert to merge');
  const out: Advert = { ...first, capabilities: [...first.capabilities], mandatories: [...first.mandatories], capacities: { ...first.capacities }, models: [...first.models], prices: [...first.prices], hardware: [...first.hardware] };
  for (const a of rest) {
    out.capabilities = [...new Set([...out.capabilities, ...a.capabilities])].sort((x, y) => x - y);
    out.mandatories = [...new Set([...out.mandatories, ...a.mandatories])].sort((x, y) => x - y);
    Object.assign(out.capacities, a.capacities);
    out.models.push(...a.models.filter((m) => !out.models.some((x) => x.capability === m.capability && x.model === m.model)));
    out.prices.push(...a.prices.filter((p) => !out.prices.some((x) => x.capability === p.capability && x.model === p.model)));
    out.hardware.push(...a.hardware);
    const mine = out.version ? parseVersion(out.version) : null;
    const theirs = a.version ? parseVersion(a.version) : null;
    if (theirs && (!mine || compareVersions(theirs, mine) > 0)) out.version = a.version;
  }
  return out;
}

export class DiscoveryPoller {
  private readonly backoff = new Map<string, { failures: number; nextAt: number }>();
  private identity: Promise<DiscoveryIdentity> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: PollerOptions) {
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Asks every registered orchestrator not backing off, stores the poll, and imports the offers as snapshots. */
  async pollOnce(): Promise<PollSummary> {
    const o = this.opts;
    const at = this.now();
    this.identity ??= discoveryIdentity(o.account);
    const identity = await this.identity;
    const started = performance.now();
    const all = await discoveryTargets(o.db);
    const due = all.filter((t) => (this.backoff.get(keyOf(t))?.nextAt ?? 0) <= at);
    const results: TargetResult[] = [];
    const adverts = new Map<string, Advert[]>();
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const t = due[next++]!;
        results.push(await this.ask(t, identity, at, adverts));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency ?? 64, due.length)) }, worker));
    const wallMs = Math.round(performance.now() - started);
    for (const r of results) {
      const k = keyOf(r.target);
      if (r.ok) this.backoff.delete(k);
      else {
        const failures = (this.backoff.get(k)?.failures ?? 0) + 1;
        this.backoff.set(k, { failures, nextAt: at + backoffSeconds(failures, o.backoff) });
      }
    }
    const answered = results.filter((r) => r.ok).length;
    const pollId = await writePoll(o.db, { startedAt: at, wallMs, targets: all.length, answered, failed: results.length - answered, skipped: all.length - due.length }, results);
    if (adverts.size > 0) {
      const merged = [...adverts.values()].map(mergeAdverts);
      await importSnapshot(o.db, merged, at, await this.provenance(merged, at));
    }
    await pruneDiscovery(o.db, at - (o.retainDays ?? 90) * 86_400);
    const failures: Partial<Record<FailureKind, number>> = {};
    for (const r of results) if (!r.ok && r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
    return { pollId, at, targets: all.length, answered, failed: results.length - answered, skipped: all.length - due.length, wallMs, latenciesMs: results.filter((r) => r.ok).map((r) => r.latencyMs!), failures };
  }

  /**
   * The poll's offers as a snapshot Atlas itself observed, signed as a gateway signs an import
   * (NetworkSnapshot over the keccak256 of the offers' JSON) with the key discovery asks with.
   */
  private async provenance(adverts: Advert[], at: number): Promise<SnapshotProvenance> {
    const o = this.opts;
    const contentHash = keccak256(toBytes(JSON.stringify({ orchestrators: adverts.map(advertToJson) })));
    const signature = await o.account.signTypedData({
      domain: atlasDomain(await indexedChainId(o.db)),
      types: SNAPSHOT_TYPES,
      primaryType: 'NetworkSnapshot',
      message: { gateway: o.account.address, observedAt: BigInt(at), contentHash },
    });
    return { gateway: o.account.address.toLowerCase(), contentHash, signature };
  }

  private async ask(t: DiscoveryTarget, identity: DiscoveryIdentity, at: number, adverts: Map<string, Advert[]>): Promise<TargetResult> {
    const o = this.opts;
    try {
      const host = (() => {
        try {
          const u = new URL(t.uri);
          return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
        } catch {
          return '';
        }
      })();
      const { info, latencyMs } = await getOrchestratorInfo({ uri: t.uri, connectTo: o.resolve?.get(host) }, identity, o);
      let advert: Advert;
      try {
        advert = advertFromOrchestratorInfo(info);
      } catch (e) {
        if (e instanceof AdvertError) throw new DiscoveryError('malformed', `OrchestratorInfo: ${e.message.slice(0, 300)}`);
        throw e;
      }
      // A node speaking for another address is not this orchestrator's offer.
      if (advert.orchestrator !== t.orchestrator) throw new DiscoveryError('malformed', `the node answers for ${advert.orchestrator}, registered to ${t.orchestrator}`);
      // The service registry's node first: its URI is the orchestrator's.
      const parts = adverts.get(t.orchestrator) ?? [];
      adverts.set(t.orchestrator, t.registry === 'service' ? [{ ...advert, serviceUri: t.uri }, ...parts] : [...parts, { ...advert, serviceUri: t.uri }]);
      return { target: t, at, ok: true, failure: null, detail: null, latencyMs, version: advert.version, prices: pricesOf(advert) };
    } catch (e) {
      const kind: FailureKind = e instanceof DiscoveryError ? e.kind : 'unreachable';
      return { target: t, at, ok: false, failure: kind, detail: (e as Error).message.slice(0, 300), latencyMs: null, version: null, prices: null };
    }
  }

  /** Polls every `intervalSeconds` (on the wall clock) until the signal aborts; errors go to onError. */
  async run(signal: AbortSignal, intervalSeconds: number, hooks: { onPoll?: (s: PollSummary) => void; onError?: (e: Error) => void } = {}): Promise<void> {
    while (!signal.aborted) {
      try {
        const s = await this.pollOnce();
        hooks.onPoll?.(s);
      } catch (e) {
        hooks.onError?.(e as Error);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalSeconds * 1000);
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }
}
