import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveScenario } from '../src/sim/scenario.js';
import { demand } from '../src/telemetry/demand.js';
import { feed } from '../src/telemetry/feed.js';
import { fanForecast } from '../src/telemetry/forecast.js';
import { bucketOf, BUCKET_BOUNDS_MS, percentileMs } from '../src/telemetry/histogram.js';
import type { IngestOptions } from '../src/telemetry/ingest.js';
import { planFromScenario } from '../src/telemetry/loadgen.js';
import { leaderboard } from '../src/telemetry/leaderboard.js';
import { listDayPartitions } from '../src/telemetry/partitions.js';
import { expectedValueWei, parseWei, parseWinProb } from '../src/telemetry/payment.js';
import { applyRetention } from '../src/telemetry/retention.js';
import { rebuildDailyRollups } from '../src/telemetry/daily.js';
import { histogramSums, rollupWhere, type RollupFilter } from '../src/telemetry/filters.js';
import { rollupCells, splitWindow } from '../src/telemetry/rollupSource.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';
import { countRows } from './helpers/telemetry.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const plan = planFromScenario(resolveScenario({ preset: 'test' }));
const opts: IngestOptions = { chainId: 31337, allowList: new Set(plan.gateways.map((g) => g.account.address.toLowerCase())), now: () => NOW };

describe('histogram and payment parsing', () => {
  it('puts a latency in the first bucket whose bound is at least it, and reads percentiles by nearest rank', () => {
    expect(BUCKET_BOUNDS_MS.slice(0, 11)).toEqual([1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 10].map((x, i) => (i < 10 ? [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8][i]! : 10)).map(Math.round));
    expect(bucketOf(1000)).toBe(BUCKET_BOUNDS_MS.indexOf(1000));
    expect(bucketOf(1001)).toBe(BUCKET_BOUNDS_MS.indexOf(1250));
    expect(bucketOf(86_400_000)).toBe(BUCKET_BOUNDS_MS.length - 1);
    const h = new Array<number>(BUCKET_BOUNDS_MS.length).fill(0);
    for (const v of [100, 200, 200, 300, 5000]) h[bucketOf(v)]!++;
    expect([percentileMs(h, 0.5), percentileMs(h, 0.8), percentileMs(h, 0.95), percentileMs(h, 0)]).toEqual([200, 300, 5000, 100]);
    expect(percentileMs(new Array<number>(BUCKET_BOUNDS_MS.length).fill(0), 0.5)).toBeNull();
  });

  it('reads go-livepeer payment amounts exactly', () => {
    expect(parseWei('1000000000000 WEI')).toBe(10n ** 12n);
    expect(parseWei('0.25 ETH')).toBe(25n * 10n ** 16n);
    expect(parseWei('12.5')).toBeNull();
    expect(parseWinProb('0.0001')).toEqual({ num: 1n, den: 10_000n });
    expect(parseWinProb('2.5')).toBeNull();
    const p = parseWinProb((2n ** 255n).toString())!;
    expect(expectedValueWei(10n ** 18n, p, 1n)).toBe((10n ** 18n * 2n ** 255n) / (2n ** 256n - 1n));
    expect(expectedValueWei(10n ** 15n, parseWinProb('0.001')!, 3n)).toBe(3n * 10n ** 12n);
  });

  it('fans out a forecast whose median follows the trend and whose bands widen', () => {
    const flat = fanForecast([10, 10, 10, 10], 3);
    expect(flat.map((p) => p.p50)).toEqual([10, 10, 10].map((v) => expect.closeTo(v, 9)));
    const noisy = fanForecast([5, 9, 6, 12, 8, 14, 11, 17], 5);
    for (const p of noisy) expect(p.p10 <= p.p25 && p.p25 <= p.p50 && p.p50 <= p.p75 && p.p75 <= p.p90).toBe(true);
    expect(noisy[4]!.p90 - noisy[4]!.p10).toBeGreaterThan(noisy[0]!.p90 - noisy[0]!.p10);
    expect(noisy[4]!.p50).toBeGreaterThan(noisy[0]!.p50);
    expect(fanForecast([], 3)).toEqual([]);
  });
});

describe.each(dbKinds)('rollups and retention on %s', (kind) => {
  let t: TestDb;
  let fed: { reports: number; events: number };
  beforeAll(async () => {
    t = await openTestDb(kind, { migrate: true });
    // Two days of load from the simulated gateways, in batches of 150 so hours and batches overlap.
    fed = await feed(plan, { kind: 'db', db: t.db, ingest: opts }, { fromHour: NOW - 50 * HOUR, toHour: NOW - HOUR, jobsPerHour: 60, batchSize: 150 });
  }, 120_000);
  afterAll(async () => t?.close());

  it('stores every generated report and event', async () => {
    expect(fed.reports).toBeGreaterThan(2000);
    expect(await countRows(t.db, 'telemetry_report')).toBe(fed.reports);
    expect(await countRows(t.db, 'telemetry_event')).toBe(fed.events);
    const sums = await sql<{ jobs: string }>`select sum(jobs)::text as jobs from telemetry_rollup`.execute(t.db);
    expect(Number(sums.rows[0]!.jobs)).toBe(fed.reports);
    expect((await listDayPartitions(t.db, 'telemetry_report')).map((p) => p.day)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
  });

  it('has rollups equal to a recomputation from the raw reports', async () => {
    const raw = await sql<Record<string, string | boolean | null>>`
      select date_trunc('hour', finished_at) as hour, orchestrator, capability, model, region, gateway, success, error_code,
        round_trip_ms::text as rtt, coalesce(processing_ms, 0)::text as proc, seg_duration_ms::text as seg, price_paid::text as paid, units::text as units
      from telemetry_report`.execute(t.db);
    const want = new Map<string, { jobs: number; successes: number; rtt: number; proc: number; seg: number; segJobs: number; paid: bigint; units: bigint; hist: number[] }>();
    const wantErr = new Map<string, number>();
    for (const r of raw.rows) {
      const key = [new Date(r.hour as string).toISOString(), r.orchestrator, r.capability, r.model, r.region, r.gateway].join('|');
      const w = want.get(key) ?? { jobs: 0, successes: 0, rtt: 0, proc: 0, seg: 0, segJobs: 0, paid: 0n, units: 0n, hist: new Array<number>(BUCKET_BOUNDS_MS.length).fill(0) };
      w.jobs++;
      w.paid += BigInt(r.paid as string);
      w.units += BigInt(r.units as string);
      if (r.success) {
        w.successes++;
        w.rtt += Number(r.rtt);
        w.proc += Number(r.proc);
        if (r.seg !== null) {
          w.seg += Number(r.seg);
          w.segJobs++;
        }
        w.hist[bucketOf(Number(r.rtt))]!++;
      } else wantErr.set(`${key}|${r.error_code}`, (wantErr.get(`${key}|${r.error_code}`) ?? 0) + 1);
      want.set(key, w);
    }
    const got = await sql<Record<string, string | string[]>>`
      select hour, orchestrator, capability, model, region, gateway, jobs::text, successes::text, round_trip_sum_ms::text as rtt, processing_sum_ms::text as proc,
        seg_duration_sum_ms::text as seg, seg_jobs::text, price_paid::text as paid, units::text, latency_hist::text as hist from telemetry_rollup`.execute(t.db);
    expect(got.rows.length).toBe(want.size);
    for (const g of got.rows) {
      const key = [new Date(g.hour as string).toISOString(), g.orchestrator, g.capability, g.model, g.region, g.gateway].join('|');
      const w = want.get(key)!;
      expect(w, key).toBeDefined();
      expect({ jobs: Number(g.jobs), successes: Number(g.successes), rtt: Number(g.rtt), proc: Number(g.proc), seg: Number(g.seg), segJobs: Number(g.seg_jobs), paid: BigInt(g.paid as string), units: BigInt(g.units as string) }).toEqual({
        jobs: w.jobs, successes: w.successes, rtt: w.rtt, proc: w.proc, seg: w.seg, segJobs: w.segJobs, paid: w.paid, units: w.units,
      });
      expect((g.hist as string).replace(/[{}]/g, '').split(',').map(Number)).toEqual(w.hist);
    }
    const errs = await sql<Record<string, string>>`select hour, orchestrator, capability, model, region, gateway, error_code, count::text from telemetry_rollup_error`.execute(t.db);
    expect(errs.rows.length).toBe(wantErr.size);
    for (const e of errs.rows) expect(Number(e.count)).toBe(wantErr.get([new Date(e.hour!).toISOString(), e.orchestrator, e.capability, e.model, e.region, e.gateway, e.error_code].join('|')));
  });

  /** Every daily row as comparable values, keyed by day and dimensions. */
  const dailyRows = async () => {
    const rows = await sql<Record<string, string>>`
      select day, orchestrator, capability, model, region, gateway, jobs::text, successes::text, round_trip_sum_ms::text as rtt, queue_sum_ms::text as q,
        upload_sum_ms::text as u, processing_sum_ms::text as p, download_sum_ms::text as d, seg_duration_sum_ms::text as seg, seg_jobs::text, price_paid::text as paid,
        units::text, latency_hist::text as hist from telemetry_rollup_daily`.execute(t.db);
    return new Map(rows.rows.map((r) => [[new Date(r.day!).toISOString(), r.orchestrator, r.capability, r.model, r.region, r.gateway].join('|'), { ...r, day: undefined }]));
  };

  it('has daily rollups equal to a recomputation from the raw reports and to the sum of the hourly rows', async () => {
    const fromRaw = await sql<Record<string, string>>`
      select date_trunc('day', finished_at, 'UTC') as day, orchestrator, capability, model, region, gateway, success, round_trip_ms, seg_duration_ms,
        coalesce(queue_ms, 0) as q, coalesce(upload_ms, 0) as u, coalesce(processing_ms, 0) as p, coalesce(download_ms, 0) as d, price_paid::text as paid, units::text
      from telemetry_report`.execute(t.db);
    const want = new Map<string, Record<string, string>>();
    const acc = new Map<string, { n: number[]; paid: bigint; units: bigint; hist: number[] }>();
    for (const r of fromRaw.rows as unknown as Record<string, string | number | boolean | null>[]) {
      const key = [new Date(r.day as string).toISOString(), r.orchestrator, r.capability, r.model, r.region, r.gateway].join('|');
      const a = acc.get(key) ?? { n: new Array<number>(9).fill(0), paid: 0n, units: 0n, hist: new Array<number>(BUCKET_BOUNDS_MS.length).fill(0) };
      a.n[0]!++;
      a.paid += BigInt(r.paid as string);
      a.units += BigInt(r.units as string);
      if (r.success) {
        a.n[1]!++;
        a.n[2]! += Number(r.round_trip_ms);
        a.n[3]! += Number(r.q);
        a.n[4]! += Number(r.u);
        a.n[5]! += Number(r.p);
        a.n[6]! += Number(r.d);
        if (r.seg_duration_ms !== null) {
          a.n[7]! += Number(r.seg_duration_ms);
          a.n[8]!++;
        }
        a.hist[bucketOf(Number(r.round_trip_ms))]!++;
      }
      acc.set(key, a);
    }
    for (const [key, a] of acc) {
      const [day, orchestrator, capability, model, region, gateway] = key.split('|') as [string, string, string, string, string, string];
      void day;
      want.set(key, {
        orchestrator, capability, model, region, gateway, jobs: String(a.n[0]), successes: String(a.n[1]), rtt: String(a.n[2]), q: String(a.n[3]), u: String(a.n[4]),
        p: String(a.n[5]), d: String(a.n[6]), seg: String(a.n[7]), seg_jobs: String(a.n[8]), paid: String(a.paid), units: String(a.units), hist: `{${a.hist.join(',')}}`,
      });
    }
    const got = await dailyRows();
    expect(new Set([...got.keys()].map((k) => k.split('|')[0]))).toEqual(new Set(['2026-11-18T00:00:00.000Z', '2026-11-19T00:00:00.000Z', '2026-11-20T00:00:00.000Z']));
    expect(got.size).toBe(want.size);
    for (const [key, w] of want) expect({ ...got.get(key), day: undefined }, key).toEqual({ ...w, day: undefined });

    // The same rows again from the hourly table (the rebuild path sums hours into days).
    const fromHours = await sql<Record<string, string>>`
      select date_trunc('day', hour, 'UTC') as day, orchestrator, capability, model, region, gateway, sum(jobs)::text as jobs, sum(successes)::text as successes
      from telemetry_rollup group by 1, 2, 3, 4, 5, 6`.execute(t.db);
    expect(fromHours.rows.length).toBe(got.size);
    for (const h of fromHours.rows) {
      const g = got.get([new Date(h.day!).toISOString(), h.orchestrator, h.capability, h.model, h.region, h.gateway].join('|'))! as unknown as Record<string, string>;
      expect([g.jobs, g.successes]).toEqual([h.jobs, h.successes]);
    }
    expect(await rebuildDailyRollups(t.db, { fromDay: new Date('2026-11-19T00:00:00Z'), toDay: new Date('2026-11-20T00:00:00Z') })).toBe([...got.keys()].filter((k) => k.startsWith('2026-11-19')).length);
    expect(await dailyRows()).toEqual(got);
    await rebuildDailyRollups(t.db);
    expect(await dailyRows()).toEqual(got);
    await expect(rebuildDailyRollups(t.db, { fromDay: new Date('2026-11-19T05:00:00Z') })).rejects.toThrow('is not the start of a UTC day');
  });

  it('splits a window into whole days and hourly edges', () => {
    const d = (s: string) => Date.parse(s);
    expect(splitWindow(d('2026-11-18T12:00:00Z'), null)).toEqual({ days: { from: d('2026-11-19T00:00:00Z'), to: null }, hours: [{ from: d('2026-11-18T12:00:00Z'), to: d('2026-11-19T00:00:00Z') }] });
    expect(splitWindow(d('2026-11-18T00:00:00Z'), d('2026-11-20T00:00:00Z'))).toEqual({ days: { from: d('2026-11-18T00:00:00Z'), to: d('2026-11-20T00:00:00Z') }, hours: [] });
    // The 23:00 hour starts before 23:30, so the hourly path counts all of the 19th: read it whole.
    expect(splitWindow(d('2026-11-18T05:30:00Z'), d('2026-11-19T23:30:00Z'))).toEqual({ days: { from: d('2026-11-19T00:00:00Z'), to: d('2026-11-20T00:00:00Z') }, hours: [{ from: d('2026-11-18T05:30:00Z'), to: d('2026-11-19T00:00:00Z') }] });
    expect(splitWindow(d('2026-11-18T05:30:00Z'), d('2026-11-20T22:59:00Z'))).toEqual({ days: { from: d('2026-11-19T00:00:00Z'), to: d('2026-11-20T00:00:00Z') }, hours: [{ from: d('2026-11-18T05:30:00Z'), to: d('2026-11-19T00:00:00Z') }, { from: d('2026-11-20T00:00:00Z'), to: d('2026-11-20T22:59:00Z') }] });
    expect(splitWindow(d('2026-11-18T05:00:00Z'), d('2026-11-19T22:00:00Z'))).toEqual({ days: null, hours: [{ from: d('2026-11-18T05:00:00Z'), to: d('2026-11-19T22:00:00Z') }] });
  });

  it('sums a window with partial days exactly as the hourly-only path does', async () => {
    const cols = sql`orchestrator, region, sum(jobs)::text as jobs, sum(successes)::text as successes, sum(round_trip_sum_ms)::text as rtt, sum(seg_duration_sum_ms)::text as seg,
      sum(seg_jobs)::text as seg_jobs, sum(price_paid)::text as paid, sum(units)::text as units, ${histogramSums}`;
    const windows: [string, string | undefined][] = [
      ['2026-11-18T12:00:00Z', undefined],
      ['2026-11-18T00:00:00Z', '2026-11-20T00:00:00Z'],
      ['2026-11-18T05:30:00Z', '2026-11-19T23:30:00Z'],
      ['2026-11-18T13:17:00Z', '2026-11-20T07:45:00Z'],
      ['2026-11-19T02:00:00Z', '2026-11-19T22:00:00Z'],
      ['2026-11-17T00:00:00Z', '2026-11-21T00:00:00Z'],
    ];
    let compared = 0;
    for (const [since, until] of windows) {
      for (const narrow of [{}, { capability: 'text-to-image' }, { region: 'fra', capability: 'llm' }]) {
        const f: RollupFilter = { since: new Date(since), until: until ? new Date(until) : undefined, ...narrow };
        const hourly = await sql<Record<string, string>>`select ${cols} from telemetry_rollup where ${rollupWhere(f)} group by 1, 2 order by 1, 2`.execute(t.db);
        const split = await sql<Record<string, string>>`select ${cols} from ${rollupCells(f)} group by 1, 2 order by 1, 2`.execute(t.db);
        expect(split.rows, `${since}..${until} ${JSON.stringify(narrow)}`).toEqual(hourly.rows);
        compared += hourly.rows.length;
      }
      const q = { since: new Date(since), until: until ? new Date(until) : undefined, pipeline: 'text-to-image' };
      const lb = await leaderboard(t.db, q);
      const jobs = await sql<{ n: string | null }>`select sum(jobs)::text as n from telemetry_rollup where ${rollupWhere({ since: q.since, until: q.until, capability: 'text-to-image' })}`.execute(t.db);
      expect(lb.entries.filter((e) => e.region === 'GLOBAL').reduce((a, e) => a + e.jobs, 0)).toBe(Number(jobs.rows[0]!.n ?? 0));
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('scores the same with and without per-orchestrator percentiles', async () => {
    for (const pipeline of ['text-to-image', 'llm', 'transcoding']) {
      for (const region of [undefined, 'GLOBAL', 'FRA']) {
        const q = { since: new Date(NOW - 48 * HOUR), pipeline, region };
        const full = await leaderboard(t.db, q);
        const lean = await leaderboard(t.db, q, { percentiles: false });
        expect(lean.entries.map((e) => [e.orchestrator, e.region, e.score, e.successRate, e.roundTripScore])).toEqual(full.entries.map((e) => [e.orchestrator, e.region, e.score, e.successRate, e.roundTripScore]));
        expect(Object.fromEntries(Object.entries(lean.regions).map(([k, v]) => [k, v.k]))).toEqual(Object.fromEntries(Object.entries(full.regions).map(([k, v]) => [k, v.k])));
        expect(lean.entries.every((e) => e.p95Ms === null)).toBe(true);
      }
    }
    const some = await leaderboard(t.db, { since: new Date(NOW - 48 * HOUR), pipeline: 'llm' });
    expect(some.entries.length).toBeGreaterThan(0);
  });

  it('reports demand with the share no orchestrator could serve', async () => {
    const d = await demand(t.db, { since: new Date(NOW - 3 * 24 * HOUR), until: new Date(NOW), by: 'capability' });
    expect(d.days).toEqual(['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20']);
    expect(d.totals.jobs.reduce((a, b) => a + b, 0)).toBe(fed.reports);
    expect(d.totals.jobs[0]).toBe(0);
    const traces = await sql<{ n: string }>`select count(*)::text as n from telemetry_event where type = 'stream_trace' and at < ${new Date(NOW).toISOString()}::timestamptz`.execute(t.db);
    expect(d.unserved.unserved).toBe(Number(traces.rows[0]!.n));
    expect(d.unserved.share).toBeCloseTo(d.unserved.unserved / d.unserved.requests, 12);
    expect(d.unserved.share!).toBeGreaterThan(0);
    expect(d.forecast.jobs).toHaveLength(14);
  });

  it('drops raw day partitions and old rollups past the retention window', async () => {
    const jobsBefore = await sql<{ n: string }>`select sum(jobs)::text as n from telemetry_rollup where hour >= '2026-11-19'`.execute(t.db);
    const res = await applyRetention(t.db, { rawDays: 2, rollupDays: 1 }, NOW);
    expect(res.droppedPartitions.sort()).toEqual(['telemetry_event_p20261118', 'telemetry_report_p20261118']);
    expect((await listDayPartitions(t.db, 'telemetry_report')).map((p) => p.day)).toEqual(['2026-11-19', '2026-11-20']);
    const left = await sql<{ min: string }>`select min(finished_at)::text as min from telemetry_report`.execute(t.db);
    expect(new Date(left.rows[0]!.min).getTime()).toBeGreaterThanOrEqual(Date.UTC(2026, 10, 19));
    // One day back from NOW (11-20 12:00) is 11-19 12:00; rollups are cut at that day's midnight.
    const oldest = await sql<{ min: string; day: string }>`select (select min(hour) from telemetry_rollup)::text as min, (select min(day) from telemetry_rollup_daily)::text as day`.execute(t.db);
    expect(new Date(oldest.rows[0]!.min).getTime()).toBe(Date.UTC(2026, 10, 19));
    expect(new Date(oldest.rows[0]!.day).getTime()).toBe(Date.UTC(2026, 10, 19));
    const kept = await sql<{ h: string; d: string }>`select (select sum(jobs) from telemetry_rollup)::text as h, (select sum(jobs) from telemetry_rollup_daily)::text as d`.execute(t.db);
    expect(kept.rows[0]!.d).toBe(kept.rows[0]!.h);
    expect(res.rollupRowsDeleted).toBeGreaterThan(0);
    // A day dropped by retention is recreated when a new report for it arrives.
    const again = await feed(plan, { kind: 'db', db: t.db, ingest: opts }, { fromHour: NOW - 48 * HOUR, toHour: NOW - 48 * HOUR, jobsPerHour: 10, events: false });
    expect(again.reports).toBeGreaterThan(0);
    expect((await listDayPartitions(t.db, 'telemetry_report')).map((p) => p.day)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20']);
    expect(Number(jobsBefore.rows[0]!.n)).toBeGreaterThan(0);
  });
});
