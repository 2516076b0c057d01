import { readFileSync } from 'node:fs';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COMPARATORS } from '../src/demo/extras.js';
import { compareVersions, parseVersion } from '../src/registry/capabilities.js';
import { hasAnswer, loadMapping } from '../src/needs/mapping.js';
import { dbKinds, type DbKind } from './helpers/db.js';
import { demoNetworks, type DemoNetwork } from './helpers/demoNetwork.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

/**
 * The mapping test over every entry: on a demo network built the way `atlas start` builds it, every
 * question, gap and action item the mapping answers (fully or by proxy) must return data of the kind asked
 * when its endpoint is asked now — the coverage endpoint's own live check decides.
 */
// Built once for every backend (on PostgreSQL when it runs, copied into PGlite): both answer from the same rows.
let networks: Promise<Map<DbKind, DemoNetwork>> | undefined;

describe.each(dbKinds)('honest coverage of the data needs on the demo (%s)', (kind) => {
  let net: DemoNetwork;
  let map: J;
  let coverage: J;

  beforeAll(async () => {
    networks ??= demoNetworks(dbKinds, { preset: 'test' });
    net = (await networks).get(kind)!;
    // The first live check of every answer may outlast a request: the API asks to retry until it is done.
    const settled = async (p: string): Promise<J> => {
      for (;;) {
        const res = await net.app.request(p);
        if (res.status !== 503) return (await res.json()) as J;
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    coverage = await settled('/api/v1/needs/coverage');
    map = await settled('/api/v1/needs');
  }, 900_000);
  afterAll(async () => net?.close());

  it('answers every mapped question, gap and action item with data of the kind asked', () => {
    const mapping = loadMapping();
    const questions = map.roles.flatMap((r: J) => r.scenarios.flatMap((s: J) => s.questions));
    const entries: [string, J][] = [...questions.map((q: J) => [q.id, q.atlas] as [string, J]), ...map.items.list.map((i: J) => [i.id, i.atlas] as [string, J])];
    const mapped = entries.filter(([id]) => hasAnswer(mapping.questions[id] ?? mapping.items[id]));
    expect(mapped.length).toBe(Object.values({ ...mapping.questions, ...mapping.items }).filter(hasAnswer).length);
    // Reported with their reasons, so a failure names what came back empty.
    expect(mapped.filter(([, a]) => a.status !== 'answered' && a.status !== 'partial').map(([id, a]) => `${id}: ${a.status} (${a.reason ?? a.problems.join('; ')})`)).toEqual([]);
    for (const [id, a] of mapped) expect(a.status, id).toBe((mapping.questions[id] ?? mapping.items[id])!.status);
    // A proxy always says what it lacks.
    expect(mapped.filter(([, a]) => a.status === 'partial' && !a.reason)).toEqual([]);
  });

  it('reaches the issue’s targets: ≥ 60 questions and ≥ 35 gaps and action items answered in full', () => {
    expect(coverage.overall.answered).toBeGreaterThanOrEqual(60);
    expect(coverage.items.overall.answered).toBeGreaterThanOrEqual(35);
    expect(coverage.overall).toMatchObject({ empty: 0, broken: 0, unmapped: 0 });
    expect(coverage.items.overall).toMatchObject({ empty: 0, broken: 0, unmapped: 0, total: 60 });
    expect(coverage.overall.scoreAfter).toBeGreaterThan(coverage.overall.scoreBefore);
  });

  // The deep answers, each checked against the indexed chain or the stored discovery answers computed another way.
  const get = async (p: string) => {
    const res = await net.app.request(p);
    expect(res.status, p).toBe(200);
    return (await res.json()) as J;
  };
  const rows = async <T,>(q: RawBuilder<T>) => (await q.execute(net.db.db)).rows;
  const wei = (a: J) => BigInt(a.wei);

  it('unbonding queue: open locks from the Unbond, TransferBond, Rebond and WithdrawStake events', async () => {
    const events = await rows(sql<{ name: string; args: unknown }>`
      select name, args from chain_event where name in ('Unbond', 'TransferBond', 'Rebond', 'WithdrawStake') order by block_number, log_index`);
    const open = new Map<string, { amount: bigint; withdrawRound: bigint }>();
    for (const e of events) {
      const a = (typeof e.args === 'string' ? JSON.parse(e.args) : e.args) as Record<string, string>;
      if (e.name === 'TransferBond') {
        // BondingManager.transferBond: the sender's new lock moves to the receiver (who may rebond it at once).
        const from = `${a.oldDelegator!.toLowerCase()}/${a.oldUnbondingLockId}`;
        const moved = open.get(from)!;
        open.delete(from);
        open.set(`${a.newDelegator!.toLowerCase()}/${a.newUnbondingLockId}`, { amount: BigInt(a.amount!), withdrawRound: moved.withdrawRound });
        continue;
      }
      const key = `${a.delegator!.toLowerCase()}/${a.unbondingLockId}`;
      if (e.name === 'Unbond') open.set(key, { amount: BigInt(a.amount!), withdrawRound: BigInt(a.withdrawRound!) });
      else open.delete(key);
    }
    const u = await get('/api/v1/staking/unbonding');
    const current = BigInt(u.currentRound);
    const sum = (f: (l: { withdrawRound: bigint }) => boolean) => [...open.values()].filter(f).reduce((s, l) => s + l.amount, 0n);
    expect(open.size).toBeGreaterThan(0);
    expect(wei(u.withdrawableNow)).toBe(sum((l) => l.withdrawRound <= current));
    expect(wei(u.pending)).toBe(sum((l) => l.withdrawRound > current));
    expect(u.queue.reduce((s: bigint, q: J) => s + wei(q.amount), 0n)).toBe(wei(u.pending));
  });

  it('market rate of cuts: the newest round’s median equals the BondingManager state of the active set', async () => {
    const [latest] = (await get('/api/v1/trends/cuts?rounds=1')).data as J[];
    const R = latest!.round as number;
    const ts = await rows(sql<{ reward_cut: string; fee_share: string }>`select reward_cut::text, fee_share::text from transcoder where activation_round <= ${R} and deactivation_round > ${R}`);
    const nearestRankMedian = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length / 2) - 1]!;
    expect(latest!.active).toBe(ts.length);
    expect(latest!.rewardCut.count).toBe(ts.length);
    expect(latest!.rewardCut.median).toBe(nearestRankMedian(ts.map((t) => Number(t.reward_cut))) / 10_000);
    expect(latest!.feeShare.median).toBe(nearestRankMedian(ts.map((t) => Number(t.fee_share))) / 10_000);
  });

  it('stake flows after cut changes: one entry per TranscoderUpdate that changed a cut', async () => {
    const [changed] = await rows(sql<{ n: number; rc: number; fs: number }>`
      select count(*)::int as n, count(*) filter (where a->>'rewardCut' <> prev->>'rewardCut')::int as rc, count(*) filter (where a->>'feeShare' <> prev->>'feeShare')::int as fs
      from (select round, args::jsonb as a, lag(args::jsonb) over (partition by a1 order by block_number, log_index) as prev from chain_event where name = 'TranscoderUpdate') t
      where round is not null and prev is not null and (a->>'rewardCut' <> prev->>'rewardCut' or a->>'feeShare' <> prev->>'feeShare')`);
    const r = await get('/api/v1/staking/cut-changes?limit=1000');
    expect(changed!.n).toBeGreaterThan(0);
    expect(r.data).toHaveLength(changed!.n);
    // A change of both cuts counts under both kinds.
    expect(r.summary.reduce((s: number, x: J) => s + x.changes, 0)).toBe(changed!.rc + changed!.fs);
    expect(r.data.every((d: J) => d.rewardCut.before !== d.rewardCut.after || d.feeShare.before !== d.feeShare.after)).toBe(true);
  });

  it('override votes with their reasons: counts per proposal equal the votes table', async () => {
    const expected = await rows(sql<{ proposal_id: string; n: number; votes: number }>`
      select v.proposal_id, count(*) filter (where v.delegate is not null and v.delegate <> v.voter and (d.support is null or d.support <> v.support))::int as n, count(*)::int as votes
      from vote v left join vote d on d.proposal_id = v.proposal_id and d.voter = v.delegate group by v.proposal_id`);
    const o = await get('/api/v1/governance/overrides');
    expect(o.data.reduce((s: number, p: J) => s + p.overrides, 0)).toBeGreaterThan(0);
    const byId = new Map(o.data.map((p: J) => [p.proposalId, p]));
    for (const e of expected) {
      const p = byId.get(e.proposal_id) as J;
      expect(p.overrides, e.proposal_id).toBe(e.n);
      expect(p.reasons.reduce((s: number, r: J) => s + r.votes, 0)).toBe(e.votes);
      expect(p.bySupport.reduce((s: number, b: J) => s + b.votes, 0)).toBe(e.n);
    }
  });

  it('comparators: the imported series as the CSV states them, beside Livepeer’s yield net of dilution', async () => {
    const c = await get('/api/v1/comparators');
    const latest = new Map<string, { value: number; source: string }>();
    for (const line of readFileSync(DEMO_COMPARATORS, 'utf8').trim().split('\n').slice(1)) {
      const [series, , value, , source] = line.split(',');
      latest.set(series!, { value: Number(value), source: source! });
    }
    const served = [...c.stakingYields.others, ...c.gpuPrices.others] as J[];
    expect(served.map((s) => s.series).sort()).toEqual([...latest.keys()].sort());
    for (const s of served) expect({ value: Number(s.latest.value), source: s.latest.source }).toEqual(latest.get(s.series));
    const feed = await get('/api/v1/feeds/staking');
    expect(c.stakingYields.livepeer.nominal).toBe(feed.rewardRate.annual);
    expect(c.stakingYields.livepeer.dilutionAdjusted).toBeCloseTo((1 + feed.rewardRate.annual) / (1 + feed.inflation.annual) - 1, 12);
    expect(c.stakingYields.livepeer.dilutionAdjusted).toBeLessThan(c.stakingYields.livepeer.nominal);
    expect(c.gpuPrices.livepeer.gpus).toBeGreaterThan(0);
  });

  it('treasury categories: outflows by category add up to the treasury’s outflows, the balance splits exactly', async () => {
    const cat = await get('/api/v1/treasury/categories');
    const t = await get('/api/v1/treasury');
    expect(wei(cat.balance)).toBe(wei(t.balance));
    expect(wei(cat.earmarked) + wei(cat.budgetRemaining) + wei(cat.idle)).toBe(wei(cat.balance));
    // What each category paid out, from the proposals, equals the treasury's own outflows tagged with it.
    const ledger = (await get('/api/v1/treasury/ledger?kind=outflow')).data as J[];
    const outflows = new Map<string, bigint>();
    for (const e of ledger) if (e.category) outflows.set(e.category, (outflows.get(e.category) ?? 0n) - wei(e.delta));
    const paid = cat.categories.reduce((s: bigint, x: J) => s + wei(x.paidOut), 0n);
    expect(paid).toBeGreaterThan(0n);
    expect(paid).toBeLessThanOrEqual(wei(t.totals.outflows));
    for (const x of cat.categories as J[]) expect(wei(x.paidOut), x.id).toBe(outflows.get(x.id) ?? 0n);
    expect(cat.categories.reduce((s: number, x: J) => s + x.budgetShare, 0)).toBeCloseTo(1, 4);
  });

  it('discovery: price floors and versions as the stored answers give them', async () => {
    const v = await get('/api/v1/trends/versions');
    // Each orchestrator's latest answer; its two nodes answering in the same second: the newer version.
    const answers = await rows(sql<{ orchestrator: string; at: string; version: string }>`select orchestrator, observed_at::text as at, version from discovery_result where ok and version is not null`);
    const latest = new Map<string, { at: number; version: string }>();
    for (const a of answers) {
      const prev = latest.get(a.orchestrator);
      const newer = () => compareVersions(parseVersion(a.version)!, parseVersion(prev!.version)!) > 0;
      if (!prev || Number(a.at) > prev.at || (Number(a.at) === prev.at && newer())) latest.set(a.orchestrator, { at: Number(a.at), version: a.version });
    }
    expect(v.orchestrators).toBe(latest.size);
    const count = new Map<string, number>();
    for (const a of latest.values()) count.set(a.version, (count.get(a.version) ?? 0) + 1);
    expect(Object.fromEntries(v.distribution.map((d: J) => [d.version, d.orchestrators]))).toEqual(Object.fromEntries(count));
    // Against the minimum versions the demo gateways' signed job classes ask for.
    expect(v.minimums.length).toBeGreaterThan(0);
    for (const m of v.minimums as J[]) expect(m.meeting, m.jobClass).toBe([...latest.values()].filter((a) => compareVersions(parseVersion(a.version)!, parseVersion(m.minVersion)!) >= 0).length);
    const p = await get('/api/v1/trends/prices?capability=text-to-image&model=ByteDance/SDXL-Lightning');
    const s = p.series[0] as J;
    const day = s.latest.at as number;
    // The AI node's latest answer of the day per orchestrator (text-to-image is served by AI service URIs only).
    const quotes = await rows(sql<{ orchestrator: string; prices: unknown }>`
      select distinct on (orchestrator) orchestrator, prices from discovery_result
      where ok and registry = 'ai' and observed_at >= ${day} and observed_at < ${day + 86_400} order by orchestrator, observed_at desc`);
    const perUnit = quotes.flatMap((q) =>
      ((typeof q.prices === 'string' ? JSON.parse(q.prices) : q.prices) as { capability: number | null; model: string | null; pricePerUnit: string; pixelsPerUnit: string }[])
        .filter((x) => x.capability === 27 && x.model === 'ByteDance/SDXL-Lightning')
        .map((x) => ({ n: BigInt(x.pricePerUnit), d: BigInt(x.pixelsPerUnit) })),
    );
    const floor = perUnit.reduce((m, x) => (x.n * m.d < m.n * x.d ? x : m));
    expect(s.latest.offers).toBe(perUnit.length);
    expect(BigInt(s.latest.floor.pricePerUnit) * floor.d).toBe(floor.n * BigInt(s.latest.floor.pixelsPerUnit));
  });
});
