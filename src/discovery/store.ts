import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { FailureKind } from './client.js';
import type { Answer } from './trends.js';

type Db = Kysely<Database>;

/** One service URI to ask: an orchestrator's, from ServiceRegistry or AIServiceRegistry. */
export interface DiscoveryTarget {
  orchestrator: string;
  uri: string;
  registry: 'service' | 'ai';
}

/** The outcome of asking one target. */
export interface TargetResult {
  target: DiscoveryTarget;
  at: number;
  ok: boolean;
  failure: FailureKind | null;
  detail: string | null;
  latencyMs: number | null;
  version: string | null;
  prices: { capability: number | null; model: string | null; pricePerUnit: string; pixelsPerUnit: string }[] | null;
}

/** Every registered service URI (both registries), from the indexed ServiceURIUpdate events. */
export async function discoveryTargets(db: Db): Promise<DiscoveryTarget[]> {
  const r = await sql<{ address: string; service_uri: string | null; ai_service_uri: string | null }>`
    select address, service_uri, ai_service_uri from orchestrator
    where coalesce(service_uri, '') <> '' or coalesce(ai_service_uri, '') <> '' order by address`.execute(db);
  const out: DiscoveryTarget[] = [];
  for (const x of r.rows) {
    const orchestrator = x.address.toLowerCase();
    if (x.service_uri) out.push({ orchestrator, uri: x.service_uri, registry: 'service' });
    if (x.ai_service_uri) out.push({ orchestrator, uri: x.ai_service_uri, registry: 'ai' });
  }
  return out;
}

/** Stores one poll and its results in one transaction; returns the poll id. */
export async function writePoll(db: Db, poll: { startedAt: number; wallMs: number; targets: number; answered: number; failed: number; skipped: number }, results: TargetResult[]): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const r = await sql<{ id: string }>`
      insert into discovery_poll (started_at, wall_ms, targets, answered, failed, skipped)
      values (${poll.startedAt}, ${poll.wallMs}, ${poll.targets}, ${poll.answered}, ${poll.failed}, ${poll.skipped}) returning id::text`.execute(trx);
    const id = Number(r.rows[0]!.id);
    for (let i = 0; i < results.length; i += 500) {
      const rows = results.slice(i, i + 500).map(
        (x) =>
          sql`(${id}, ${x.target.orchestrator}, ${x.target.uri}, ${x.target.registry}, ${x.at}, ${x.ok}, ${x.failure}, ${x.detail}, ${x.latencyMs}, ${x.version}, ${x.prices === null ? null : JSON.stringify(x.prices)}::jsonb)`,
      );
      await sql`insert into discovery_result (poll_id, orchestrator, uri, registry, observed_at, ok, failure, detail, latency_ms, version, prices) values ${sql.join(rows)}`.execute(trx);
    }
    return id;
  });
}

/** Drops polls (and their results) older than `before` (unix s). */
export async function pruneDiscovery(db: Db, before: number): Promise<void> {
  await sql`delete from discovery_poll where started_at < ${before}`.execute(db);
}

export interface PollRow {
  id: number;
  at: number;
  wallMs: number;
  targets: number;
  answered: number;
  failed: number;
  skipped: number;
}

/** The discovery clock: the newest poll's start (unix s), null before the first poll. */
export async function newestPollAt(db: Db): Promise<number | null> {
  const r = await sql<{ at: string | null }>`select max(started_at)::text as at from discovery_poll`.execute(db);
  return r.rows[0]?.at ? Number(r.rows[0].at) : null;
}

/** The newest polls, newest first. */
export async function recentPolls(db: Db, limit: number): Promise<PollRow[]> {
  const r = await sql<{ id: string; started_at: string; wall_ms: number; targets: number; answered: number; failed: number; skipped: number }>`
    select id::text, started_at::text, wall_ms, targets, answered, failed, skipped from discovery_poll order by started_at desc, id desc limit ${limit}`.execute(db);
  return r.rows.map((x) => ({ id: Number(x.id), at: Number(x.started_at), wallMs: x.wall_ms, targets: x.targets, answered: x.answered, failed: x.failed, skipped: x.skipped }));
}

/** Failures of one poll by kind. */
export async function pollFailures(db: Db, pollId: number): Promise<{ kind: string; count: number }[]> {
  const r = await sql<{ failure: string; n: string }>`select failure, count(*)::text as n from discovery_result where poll_id = ${pollId} and not ok group by failure order by count(*) desc, failure`.execute(db);
  return r.rows.map((x) => ({ kind: x.failure, count: Number(x.n) }));
}

export interface ReachabilityRow {
  orchestrator: string;
  serviceUri: string | null;
  aiServiceUri: string | null;
  asked: number;
  answered: number;
  lastAnsweredAt: number | null;
  lastFailure: string | null;
  lastFailureAt: number | null;
  medianLatencyMs: number | null;
  version: string | null;
}

/** Per orchestrator since `since` (unix s): answers of all its nodes, the latest failure, median latency and latest version. */
export async function reachability(db: Db, since: number): Promise<ReachabilityRow[]> {
  const r = await sql<Record<string, string | null>>`
    with w as (select * from discovery_result where observed_at >= ${since}),
    agg as (
      select orchestrator, count(*)::text as asked, count(*) filter (where ok)::text as answered,
        max(observed_at) filter (where ok)::text as last_ok,
        percentile_disc(0.5) within group (order by latency_ms) filter (where ok) as p50
      from w group by orchestrator
    ),
    lastfail as (
      select distinct on (orchestrator) orchestrator, failure, observed_at::text as at from w where not ok order by orchestrator, observed_at desc
    ),
    ver as (
      select distinct on (orchestrator) orchestrator, version from w where ok and version is not null order by orchestrator, observed_at desc, registry desc
    )
    select a.orchestrator, o.service_uri, o.ai_service_uri, a.asked, a.answered, a.last_ok, a.p50::text as p50, f.failure, f.at as fail_at, v.version
    from agg a left join orchestrator o on o.address = a.orchestrator
    left join lastfail f on f.orchestrator = a.orchestrator left join ver v on v.orchestrator = a.orchestrator
    order by a.orchestrator`.execute(db);
  return r.rows.map((x) => ({
    orchestrator: x.orchestrator!,
    serviceUri: x.service_uri ?? null,
    aiServiceUri: x.ai_service_uri ?? null,
    asked: Number(x.asked),
    answered: Number(x.answered),
    lastAnsweredAt: x.last_ok === null ? null : Number(x.last_ok),
    lastFailure: x.failure ?? null,
    lastFailureAt: x.fail_at === null || x.fail_at === undefined ? null : Number(x.fail_at),
    medianLatencyMs: x.p50 === null || x.p50 === undefined ? null : Number(x.p50),
    version: x.version ?? null,
  }));
}

/** Every result of one orchestrator since `since`, oldest first. */
export async function orchestratorResults(db: Db, orchestrator: string, since: number): Promise<(Omit<TargetResult, 'target'> & { registry: 'service' | 'ai'; uri: string })[]> {
  const r = await sql<{ observed_at: string; registry: 'service' | 'ai'; uri: string; ok: boolean; failure: FailureKind | null; detail: string | null; latency_ms: number | null; version: string | null; prices: TargetResult['prices'] | string | null }>`
    select observed_at::text, registry, uri, ok, failure, detail, latency_ms, version, prices from discovery_result
    where orchestrator = ${orchestrator} and observed_at >= ${since} order by observed_at, registry`.execute(db);
  return r.rows.map((x) => ({
    at: Number(x.observed_at),
    registry: x.registry,
    uri: x.uri,
    ok: x.ok,
    failure: x.failure,
    detail: x.detail,
    latencyMs: x.latency_ms === null ? null : Number(x.latency_ms),
    version: x.version,
    prices: typeof x.prices === 'string' ? (JSON.parse(x.prices) as TargetResult['prices']) : x.prices,
  }));
}

/** Answered results since `since` as trend inputs (prices as exact integers). */
export async function answersSince(db: Db, since: number, orchestrator?: string): Promise<Answer[]> {
  const r = await sql<{ observed_at: string; orchestrator: string; registry: string; version: string | null; prices: TargetResult['prices'] | string | null }>`
    select observed_at::text, orchestrator, registry, version, prices from discovery_result
    where ok and observed_at >= ${since} ${orchestrator ? sql`and orchestrator = ${orchestrator}` : sql``} order by observed_at`.execute(db);
  return r.rows.map((x) => {
    const prices = (typeof x.prices === 'string' ? (JSON.parse(x.prices) as TargetResult['prices']) : x.prices) ?? [];
    return { at: Number(x.observed_at), orchestrator: x.orchestrator, node: x.registry, version: x.version, prices: prices.map((p) => ({ capability: p.capability, model: p.model, pricePerUnit: BigInt(p.pricePerUnit), pixelsPerUnit: BigInt(p.pixelsPerUnit) })) };
  });
}
