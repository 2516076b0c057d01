import { sql } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incomeItems, sumIncome } from '../src/analytics/income.js';
import { impliedCosts } from '../src/analytics/impliedCost.js';
import { createApp } from '../src/api/index.js';
import { parsePriceCsv, importPriceCsv, CsvImportError } from '../src/prices/csv.js';
import { ethUsdFromAnswer, formatUsd, loadPriceBook, lptEthFromSqrtPriceX96, PriceBook, usdE8OfEth, usdE8OfLpt } from '../src/prices/lookup.js';
import { nextCumulativeRewardFactor } from '../src/protocol/earnings.js';
import { COST_REPORT_TYPES, costReportMessage, surveyAggregates, type CostReportInput } from '../src/registry/costSurvey.js';
import { atlasDomain } from '../src/registry/signing.js';
import { isqrt, sqrtPriceX96Of } from '../src/sim/priceFeeds.js';
import { indexedFixture } from './e2e/fixture.js';
import { encodeAbiParameters, encodeEventTopics, parseAbi, type Hex } from 'viem';
import { decodePriceLogs, rollbackPriceTicks, writePriceTicks } from '../src/prices/projection.js';
import { ETH_USD_FEED, LPT_WETH_POOL, priceSources } from '../src/prices/sources.js';
import { simulatorNetwork } from '../src/chain/networks.js';
import { dbKinds, openTestDb, type TestDb } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;
// Hand-built series: ETH/USD 2000.00 from t=1000, 2500.50 from t=2000; LPT/ETH 1/4 from t=1000, 1/16 from t=3000.
const ETH_2000 = 2000n * 10n ** 8n;
const ETH_2500_50 = 250050n * 10n ** 6n;
const SQRT_QUARTER = Q96 / 2n; // sqrt(1/4) * 2^96
const SQRT_SIXTEENTH = Q96 / 4n; // sqrt(1/16) * 2^96

describe('USD conversion against a hand-built price series', () => {
  const book = new PriceBook(
    {
      'ETH/USD': [{ time: 1000, price: ethUsdFromAnswer(ETH_2000) }, { time: 2000, price: ethUsdFromAnswer(ETH_2500_50) }],
      'LPT/ETH': [{ time: 1000, price: lptEthFromSqrtPriceX96(SQRT_QUARTER) }, { time: 3000, price: lptEthFromSqrtPriceX96(SQRT_SIXTEENTH) }],
    },
    // Imported points fill only the time before the chain's first tick.
    { 'ETH/USD': [{ time: 500, price: { num: 1800n, den: 1n } }, { time: 1500, price: { num: 1n, den: 1n } }] },
  );

  it('values ETH and LPT at the price in effect at the time', () => {
    expect(book.usdE8(3n * E18, 'ETH', 400)).toBeNull();
    expect(formatUsd(book.usdE8(3n * E18, 'ETH', 600)!)).toBe('5400.00'); // imported 1800
    expect(formatUsd(book.usdE8(3n * E18, 'ETH', 1000)!)).toBe('6000.00');
    expect(formatUsd(book.usdE8(3n * E18, 'ETH', 1999)!)).toBe('6000.00'); // the imported 1.00 at 1500 is ignored: chain data exists
    expect(formatUsd(book.usdE8(3n * E18, 'ETH', 2000)!)).toBe('7501.50');
    // 10 LPT at 1/4 ETH = 2.5 ETH × 2500.50 = 6251.25; at 1/16 ETH = 0.625 ETH × 2500.50 = 1562.8125
    expect(formatUsd(book.usdE8(10n * E18, 'LPT', 2500)!)).toBe('6251.25');
    expect(book.usdE8(10n * E18, 'LPT', 3000)).toBe(156281250000n);
    expect(book.usdE8(10n * E18, 'LPT', 600)).toBeNull(); // no LPT/ETH before t=1000
  });

  it('floors once at the end and keeps exact fractions', () => {
    // 1 wei at 2000 USD/ETH = 2e-15 USD → 0 in 1e-8 units; 12,345,678,901,000 wei × 2000 = 0.024691357802 USD → 2469135 (1e-8)
    expect(usdE8OfEth(1n, ethUsdFromAnswer(ETH_2000))).toBe(0n);
    expect(usdE8OfEth(12_345_678_901_000n, ethUsdFromAnswer(ETH_2000))).toBe(2469135n);
    expect(usdE8OfLpt(4n * E18, lptEthFromSqrtPriceX96(SQRT_QUARTER), ethUsdFromAnswer(ETH_2000))).toBe(2000n * 10n ** 8n);
    expect(formatUsd(-123456789n)).toBe('-1.23');
  });

  it('encodes pool prices exactly', () => {
    expect(isqrt(10n ** 40n)).toBe(10n ** 20n);
    expect(isqrt(10n ** 40n - 1n)).toBe(10n ** 20n - 1n);
    expect(sqrtPriceX96Of(1n, 4n)).toBe(SQRT_QUARTER);
    const p = lptEthFromSqrtPriceX96(sqrtPriceX96Of(24n, 10_000n)); // 0.0024 ETH per LPT
    expect(Number(p.num * 10n ** 12n / p.den) / 1e12).toBeCloseTo(0.0024, 9);
  });
});

describe('price CSV format', () => {
  it('parses unix seconds and ISO times and rejects bad lines with their number', () => {
    const pts = parsePriceCsv('series,time,value,unit\nETH/USD,2025-10-01T00:00:00Z,2650.12,USD\ngpu-4090,1759276800,0.34,USD/h\n');
    expect(pts).toEqual([
      { series: 'ETH/USD', time: 1759276800, value: '2650.12', unit: 'USD', source: null },
      { series: 'gpu-4090', time: 1759276800, value: '0.34', unit: 'USD/h', source: null },
    ]);
    // A fifth column names each point's source; a source over 200 characters or a missing field is refused.
    expect(parsePriceCsv('series,time,value,unit,source\nstaking-yield/ETH,1759276800,3.1,%/year,stakingrewards.com 2025-10-01\n')).toEqual([
      { series: 'staking-yield/ETH', time: 1759276800, value: '3.1', unit: '%/year', source: 'stakingrewards.com 2025-10-01' },
    ]);
    expect(() => parsePriceCsv('series,time,value,unit,source\nx,1759276800,1,USD\n')).toThrow('line 2: expected 5 fields, found 4');
    expect(() => parsePriceCsv(`series,time,value,unit,source\nx,1759276800,1,USD,${'s'.repeat(201)}\n`)).toThrow('line 2: source is at most 200 characters');
    const bad: [string, string][] = [
      ['time,series,value,unit\n', 'line 1: header'],
      ['series,time,value,unit\n', 'no data lines'],
      ['series,time,value,unit\nETH/USD,1759276800,1\n', 'line 2: expected 4 fields'],
      ['series,time,value,unit\nETH/USD,1759276800,-1,USD\n', 'line 2: value is a non-negative decimal'],
      ['series,time,value,unit\nETH/USD,1759276800,1.1234567890123456789,USD\n', 'at most 18'],
      ['series,time,value,unit\nETH/USD,2025-10-01,1,USD\n', 'line 2: time is unix seconds or an ISO-8601'],
      ['series,time,value,unit\nETH/USD,1759276800000,1,USD\n', 'between 2000 and 2100'],
      ['series,time,value,unit\n bad name!,1759276800,1,USD\n', 'series is 1-64'],
      ['series,time,value,unit\nETH/USD,1759276800,1,\n', 'unit is'],
      ['series,time,value,unit\nETH/USD,1759276800,1,USD\nETH/USD,2025-10-01T00:00:00Z,2,USD\n', 'line 3: ETH/USD at 1759276800 appears twice'],
    ];
    for (const [text, msg] of bad) expect(() => parsePriceCsv(text), text).toThrow(msg);
    expect(() => parsePriceCsv('x')).toThrow(CsvImportError);
  });
});

describe.each(dbKinds)('economics over hand-built rows on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
  });
  afterAll(async () => db?.close());

  it('decodes feed and pool logs into ticks and rolls them back from a fork block', async () => {
    const abi = parseAbi([
      'event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)',
      'event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)',
    ]);
    const answer = (block: number, v: bigint, address: Hex = ETH_USD_FEED) => ({
      address, blockNumber: block, logIndex: 0, blockHash: '0x' as Hex, transactionHash: '0x' as Hex, transactionIndex: 0,
      topics: encodeEventTopics({ abi, eventName: 'AnswerUpdated', args: { current: v, roundId: BigInt(block) } }) as Hex[],
      data: encodeAbiParameters([{ type: 'uint256' }], [BigInt(block)]),
    });
    const swap = (block: number, sqrtP: bigint) => ({
      address: LPT_WETH_POOL.toLowerCase() as Hex, blockNumber: block, logIndex: 1, blockHash: '0x' as Hex, transactionHash: '0x' as Hex, transactionIndex: 0,
      topics: encodeEventTopics({ abi, eventName: 'Swap', args: { sender: LPT_WETH_POOL, recipient: LPT_WETH_POOL } }) as Hex[],
      data: encodeAbiParameters([{ type: 'int256' }, { type: 'int256' }, { type: 'uint160' }, { type: 'uint128' }, { type: 'int24' }], [-5n, 7n, sqrtP, 1n, -60000]),
    });
    const logs = [answer(5, ETH_2000), swap(5, SQRT_QUARTER), answer(6, 0n), answer(6, ETH_2000, LPT_WETH_POOL), answer(7, ETH_2500_50), swap(7, SQRT_SIXTEENTH)];
    const headers = [5, 6, 7].map((n) => ({ number: n, hash: '0x' as Hex, parentHash: '0x' as Hex, timestamp: n * 100, l1BlockNumber: null }));
    const ticks = decodePriceLogs(priceSources(simulatorNetwork()), logs, headers);
    // A zero answer is a broken feed, and an AnswerUpdated from the pool's address is not a price.
    expect(ticks.map((t) => [t.blockNumber, t.pair, t.value, t.blockTime])).toEqual([
      [5, 'ETH/USD', ETH_2000, 500], [5, 'LPT/ETH', SQRT_QUARTER, 500], [7, 'ETH/USD', ETH_2500_50, 700], [7, 'LPT/ETH', SQRT_SIXTEENTH, 700],
    ]);
    await writePriceTicks(db.db, ticks);
    await writePriceTicks(db.db, ticks); // a re-delivered batch writes nothing twice
    expect(formatUsd((await loadPriceBook(db.db)).usdE8(10n * E18, 'LPT', 750)!)).toBe('1562.81');
    await rollbackPriceTicks(db.db, 6);
    const left = (await sql<{ b: string }>`select block_number::text as b from price_tick order by block_number, log_index`.execute(db.db)).rows.map((r) => r.b);
    expect(left).toEqual(['5', '5']);
    expect(formatUsd((await loadPriceBook(db.db)).usdE8(10n * E18, 'LPT', 750)!)).toBe('5000.00');
    await sql`delete from price_tick`.execute(db.db);
  });

  it('imports CSV all-or-nothing and replaces stored points on re-import', async () => {
    await expect(importPriceCsv(db.db, 'series,time,value,unit\nETH/USD,2000000000,1900,USD\nETH/USD,bad,1,USD\n')).rejects.toThrow('line 3');
    expect((await sql<{ n: number }>`select count(*)::int as n from price_series_point`.execute(db.db)).rows[0]!.n).toBe(0);
    expect(await importPriceCsv(db.db, 'series,time,value,unit\nETH/USD,2000000000,1900,USD\ngpu,2000000000,0.5,USD/h\n')).toEqual({ points: 2, series: { 'ETH/USD': 1, gpu: 1 } });
    await importPriceCsv(db.db, 'series,time,value,unit\nETH/USD,2000000000,1950.5,USD\n');
    const rows = (await sql<{ v: string }>`select value::text as v from price_series_point where series = 'ETH/USD'`.execute(db.db)).rows;
    expect(rows.map((r) => Number(r.v))).toEqual([1950.5]);
    await sql`delete from price_series_point`.execute(db.db);
  });

  it('splits income per payment and values each item at its own time', async () => {
    const o = '0x00000000000000000000000000000000000000aa';
    // Pool of round 10: rewardCut 25%, feeShare 60%.
    await sql`insert into earnings_pool (transcoder, round, total_stake, reward_cut, fee_share, rewards, fees) values (${o}, 10, ${String(1000n * E18)}, 250000, 600000, ${String(100n * E18)}, ${String(3n * E18 + 1n)})`.execute(db.db);
    await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, amount, args)
      values (5, 0, '0x01', 0, 1500, 10, 'BondingManager', 'Reward', ${o}, ${String(100n * E18)}, '{}')`.execute(db.db);
    await sql`insert into winning_ticket (block_number, log_index, tx_hash, block_time, round, sender, recipient, face_value, win_prob, sender_nonce, creation_round, paid) values
      (6, 0, '0x02', 1800, 10, '0xg', ${o}, 0, 0, 0, 10, ${String(1n * E18)}),
      (7, 0, '0x03', 2100, 10, '0xg', ${o}, 0, 0, 1, 10, ${String(2n * E18 + 1n)})`.execute(db.db);
    await sql`insert into price_tick (block_number, log_index, block_time, pair, value) values
      (1, 0, 1000, 'ETH/USD', ${String(ETH_2000)}), (2, 0, 1000, 'LPT/ETH', ${String(SQRT_QUARTER)}), (3, 0, 2000, 'ETH/USD', ${String(ETH_2500_50)})`.execute(db.db);
    const book = await loadPriceBook(db.db);
    const items = await incomeItems(db.db, book, { fromRound: 10, toRound: 10 });
    const reward = items.find((i) => i.kind === 'reward')!;
    // 100 LPT: kept 25 LPT, shared 75 LPT; at 1/4 ETH × 2000 USD: 12500.00 / 37500.00
    expect([reward.kept, reward.shared]).toEqual([25n * E18, 75n * E18]);
    expect([formatUsd(reward.usdE8!), formatUsd(reward.keptUsdE8!), formatUsd(reward.sharedUsdE8!)]).toEqual(['50000.00', '12500.00', '37500.00']);
    const fees = items.filter((i) => i.kind === 'fee');
    // 1 ETH at 2000: delegators 0.6 (1200.00), kept 0.4 (800.00). 2 ETH + 1 wei at 2500.50: delegators floor(0.6 × …) = 1.2 ETH, kept 0.8 ETH + 1 wei.
    expect(fees.map((f) => [f.kept, f.shared])).toEqual([[4n * E18 / 10n, 6n * E18 / 10n], [8n * E18 / 10n + 1n, 12n * E18 / 10n]]);
    expect(fees.map((f) => formatUsd(f.keptUsdE8!))).toEqual(['800.00', '2000.40']);
    const cell = sumIncome(items, 'round').get('')!.get('10')!;
    expect(cell.fees).toBe(3n * E18 + 1n);
    expect(cell.feesKept + cell.feesShared).toBe(cell.fees);
    expect(formatUsd(cell.feesUsdE8)).toBe('7001.00'); // 2000.00 + 5001.00
    const quarter = sumIncome(items, 'quarter').get('')!;
    expect([...quarter.keys()]).toEqual(['1970-Q1']);
    const day = sumIncome(items, 'day').get('')!;
    expect([...day.keys()]).toEqual(['1970-01-01']);
    // Implied cost over a 30-day window with 2 GPUs × 730 h: (12500 + 800 + 2000.40) USD / 1460 h
    const [ic] = impliedCosts(items, 30 * 86_400, { gpus: 2, hoursPerMonth: 730, utilization: 1, pricePerPixelWei: 1000, includeRewards: true });
    expect(formatUsd(ic!.monthlyKeptUsdE8)).toBe('15300.40');
    expect(ic!.breakEvenUsdPerGpuHour).toBeCloseTo(15300.4 / 1460, 9);
    expect(ic!.pixelsPerMonth).toBeCloseTo(3e15, 0);
    const feesOnly = impliedCosts(items, 30 * 86_400, { gpus: 2, hoursPerMonth: 730, utilization: 1, pricePerPixelWei: 1000, includeRewards: false });
    expect(formatUsd(feesOnly[0]!.monthlyKeptUsdE8)).toBe('2800.40');
  });
});

// ---------------------------------------------------------------------------- cost survey

const KEYS = Array.from({ length: 12 }, (_, i) => `0x${(i + 1).toString(16).padStart(64, '0')}` as const);
const accounts = KEYS.map((k) => privateKeyToAccount(k));
const CHAIN = 31337;

async function signed(i: number, over: Partial<CostReportInput> = {}, signer = accounts[i]!): Promise<CostReportInput> {
  const base = {
    orchestrator: accounts[i]!.address,
    period: '2026-10',
    deployment: 'cloud' as const,
    gpuModel: 'A100',
    gpuCount: 2,
    hardwareCents: 100_000 + i * 1000,
    powerCents: 20_000,
    bandwidthCents: 5_000,
    otherCents: 0,
    region: 'FRA',
    nonce: i,
    ...over,
  };
  const signature = await signer.signTypedData({ domain: atlasDomain(CHAIN), types: COST_REPORT_TYPES, primaryType: 'CostReport', message: costReportMessage(base) as never });
  return { ...base, ...over, signature };
}

describe.each(dbKinds)('cost survey on %s', (kind) => {
  let db: TestDb;
  // Mid-October 2026: the October period is open; its release is drawn on 8 November.
  const OCT_15 = Date.UTC(2026, 9, 15);
  const NOV_9 = Date.UTC(2026, 10, 9);
  let app: ReturnType<typeof createApp>;
  const appAt = (ms: number, costSurveyK?: number) => createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, costSurveyK, now: () => ms });
  const postTo = (on: ReturnType<typeof createApp>, body: unknown) => on.request('/api/v1/economics/cost-survey', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const post = (body: unknown) => postTo(app, body);
  const get = async (qs = '', on = app) => {
    const res = await on.request(`/api/v1/economics/cost-survey${qs}`);
    return { status: res.status, body: (await res.json()) as J };
  };
  beforeAll(async () => {
    db = await openTestDb(kind, { migrate: true });
    // Eleven orchestrators with 1,000 LPT bonded; the twelfth key registered with 1 LPT (below the survey's minimum).
    for (const [i, a] of accounts.entries()) {
      const stake = i < 11 ? 1000n * 10n ** 18n : 10n ** 18n;
      await sql`insert into transcoder (address, last_reward_round, reward_cut, fee_share, last_active_stake_update_round, activation_round, deactivation_round, active_cumulative_rewards, cumulative_rewards, cumulative_fees, last_fee_round, total_stake, updated_block)
        values (${a.address.toLowerCase()}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ${stake.toString()}, 1)`.execute(db.db);
    }
    app = appAt(OCT_15);
  });
  afterAll(async () => db?.close());

  it('accepts signed reports and rejects bad, foreign, unstaked, closed and duplicate ones without writing', async () => {
    // 5 × (cloud, A100), 4 × (cloud, H100), 1 × (onsite, RTX 4090) in 2026-10.
    for (let i = 0; i < 5; i++) expect((await post(await signed(i))).status).toBe(200);
    for (let i = 5; i < 9; i++) expect((await post(await signed(i, { gpuModel: 'H100', gpuCount: 8 }))).status).toBe(200);
    expect((await post(await signed(9, { deployment: 'onsite', gpuModel: 'RTX 4090', gpuCount: 1 }))).status).toBe(200);
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from cost_report`.execute(db.db)).rows[0]!.n;
    expect(await count()).toBe(10);

    const dup = await post(await signed(0, { nonce: 99 }));
    expect(dup.status).toBe(409);
    const forged = await post(await signed(10, { orchestrator: accounts[10]!.address }, accounts[0]));
    expect(forged.status).toBe(401);
    const tampered = { ...(await signed(10)), hardwareCents: 1 };
    expect((await post(tampered)).status).toBe(401);
    const stranger = privateKeyToAccount(`0x${'ab'.repeat(32)}`);
    const unknown = await post(await signed(10, { orchestrator: stranger.address }, stranger));
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as J).error.message).toContain('not a registered orchestrator');
    const unstaked = await post(await signed(11));
    expect([unstaked.status, ((await unstaked.json()) as J).error.details.reason]).toEqual([403, 'insufficient_stake']);
    expect((await post(await signed(10, { period: '2099-01' }))).status).toBe(400);
    const closed = await post(await signed(10, { period: '2026-09' }));
    expect([closed.status, ((await closed.json()) as J).error.details.reason]).toEqual([409, 'period_closed']);
    const badShape = await post({ ...(await signed(10)), deployment: 'garage', extra: 1 });
    expect(badShape.status).toBe(400);
    expect(((await badShape.json()) as J).error.message).toContain('deployment');
    expect((await post({ ...(await signed(10)), hardwareCents: -5 })).status).toBe(400);
    expect(await count()).toBe(10);
  });

  it('publishes nothing before a period closes, then one frozen release that a later report cannot move', async () => {
    // Differencing attack, step 1: read the answer before one more report. While October is open there is none.
    const before = await get('?group=bucket');
    expect(before.status).toBe(200);
    expect([before.body.periods, before.body.data]).toEqual([[], []]);
    expect(before.body.privacy).toMatchObject({ epsilon: 3, laplaceScaleUsdPerGpu: { hardware: 3000, power: 1000 }, minStakeLpt: '100' });

    const later = appAt(NOV_9);
    const first = await get('?group=bucket', later);
    expect(first.body.periods).toEqual(['2026-10']);
    // Whatever the noise drew, every shown bucket passed the noisy k threshold and names no reporter.
    for (const b of first.body.data) expect(b.reports).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(first.body).toLowerCase();
    for (const a of accounts) expect(text).not.toContain(a.address.toLowerCase().slice(2));
    // Step 2: one more report for October is refused, so the answer after it is the same answer.
    const extra = await postTo(later, await signed(10));
    expect(extra.status).toBe(409);
    expect(((await extra.json()) as J).error.details.reason).toBe('period_closed');
    const again = await get('?group=bucket', later);
    expect(again.body).toEqual(first.body);
    // The noise is drawn once: groups are sums of the stored buckets, not fresh draws.
    const all = await get('?group=all', later);
    const sum = (k: string) => first.body.data.reduce((a: number, b: J) => a + b[k], 0);
    expect(all.body.data.map((x: J) => x.reports)).toEqual(first.body.data.length ? [sum('reports')] : []);
    expect((await get('?group=all', later)).body).toEqual(all.body);
    // A k no bucket reaches publishes nothing; filters select whole buckets.
    expect((await get('', appAt(NOV_9, 1000))).body.data).toEqual([]);
    expect((await get('?fromPeriod=2026-11', later)).body.data).toEqual([]);
    expect((await surveyAggregates(db.db, { k: 2, group: 'all', filters: { deployment: 'datacenter' }, nowS: NOV_9 / 1000 })).data).toEqual([]);
    expect((await get('?group=region')).status).toBe(400);
  });
});

// ---------------------------------------------------------------------------- simulator network

describe.each(dbKinds)('economics over an indexed simulator network on %s', (kind) => {
  let fx: Awaited<ReturnType<typeof indexedFixture>>;
  let app: ReturnType<typeof createApp>;
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, body: (await res.json()) as J };
  };
  beforeAll(async () => {
    fx = await indexedFixture(kind);
    app = createApp({ db: fx.db.db, dbKind: kind, status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  });
  afterAll(async () => fx?.db.close());

  it('indexes one ETH/USD answer per round and every swap of the LPT/WETH pool, which the LPT market sees too', async () => {
    const rows = (await sql<{ pair: string; n: number }>`select pair, count(*)::int as n from price_tick group by pair order by pair`.execute(fx.db.db)).rows;
    const rounds = fx.groundTruth.lastRound - fx.groundTruth.firstRound + 1;
    const swaps = (await sql<{ n: number }>`select count(*)::int as n from market_pool_event where kind = 'swap' and pool = ${LPT_WETH_POOL.toLowerCase()}`.execute(fx.db.db)).rows[0]!.n;
    // Traders and the arbitrageur swap several times a round: one pool log feeds both extensions.
    expect(swaps).toBeGreaterThan(rounds);
    expect(rows).toEqual([{ pair: 'ETH/USD', n: rounds }, { pair: 'LPT/ETH', n: swaps }]);
  });

  it('splits income exactly as the earnings pools book it', async () => {
    const { firstRound, lastRound } = fx.groundTruth;
    const book = await loadPriceBook(fx.db.db);
    const items = await incomeItems(fx.db.db, book, { fromRound: firstRound, toRound: lastRound });
    expect(items.every((i) => i.usdE8 !== null)).toBe(true);
    const pools = (await sql<{ t: string; r: string; s: string; rewards: string; fees: string; crf: string }>`
      select transcoder as t, round::text as r, total_stake::text as s, rewards::text as rewards, fees::text as fees, cumulative_reward_factor::text as crf
      from earnings_pool where round between ${firstRound} and ${lastRound} order by transcoder, round`.execute(fx.db.db)).rows;
    const cells = sumIncome(items, 'round', (i) => i.orchestrator);
    let checkedCrf = 0;
    let feePools = 0;
    const lastCrf = new Map<string, bigint>();
    const prior = (await sql<{ t: string; crf: string }>`
      select distinct on (transcoder) transcoder as t, cumulative_reward_factor::text as crf from earnings_pool
      where round < ${firstRound} and rewards > 0 order by transcoder, round desc`.execute(fx.db.db)).rows;
    for (const p of prior) lastCrf.set(p.t, BigInt(p.crf));
    for (const p of pools) {
      const c = cells.get(p.t)?.get(p.r);
      expect(c?.rewards ?? 0n, `${p.t} r${p.r} rewards`).toBe(BigInt(p.rewards));
      expect(c?.fees ?? 0n, `${p.t} r${p.r} fees`).toBe(BigInt(p.fees));
      if (!c) continue;
      expect(c.rewardsKept + c.rewardsShared).toBe(c.rewards);
      expect(c.feesKept + c.feesShared).toBe(c.fees);
      if (c.fees > 0n) feePools++;
      if (c.rewards > 0n) {
        // The shared part is exactly what the pool's cumulative reward factor grew by.
        expect(nextCumulativeRewardFactor(lastCrf.get(p.t) ?? 0n, c.rewardsShared, BigInt(p.s)), `${p.t} r${p.r} CRF`).toBe(BigInt(p.crf));
        lastCrf.set(p.t, BigInt(p.crf));
        checkedCrf++;
      }
    }
    expect(checkedCrf).toBeGreaterThan(500);
    expect(feePools).toBeGreaterThan(50);
    // Network totals equal the round ledger.
    const net = sumIncome(items, 'round').get('')!;
    const rounds = (await sql<{ r: string; rewards: string; fees: string }>`select round::text as r, rewards::text as rewards, fees::text as fees from protocol_round where round between ${firstRound} and ${lastRound}`.execute(fx.db.db)).rows;
    for (const r of rounds) {
      expect(net.get(r.r)?.rewards ?? 0n).toBe(BigInt(r.rewards));
      expect(net.get(r.r)?.fees ?? 0n).toBe(BigInt(r.fees));
    }
  });

  it('serves income, ranking, revenue, implied costs and the staking feed', async () => {
    const { firstRound, lastRound } = fx.groundTruth;
    const inc = await get(`/api/v1/economics/income?fromRound=${firstRound}&toRound=${lastRound}`);
    expect(inc.status).toBe(200);
    expect(inc.body.cells).toHaveLength(lastRound - firstRound + 1);
    expect(Number(inc.body.cells[0].keptUsd)).toBeGreaterThan(0);
    const quarter = await get(`/api/v1/economics/income?period=quarter&fromRound=${firstRound}&toRound=${lastRound}`);
    const sum = (cells: J[], f: (c: J) => string) => cells.reduce((a, c) => a + BigInt(f(c)), 0n);
    expect(sum(quarter.body.cells, (c) => c.fees.total.wei)).toBe(sum(inc.body.cells, (c) => c.fees.total.wei));
    const rank = await get(`/api/v1/economics/income/ranking?fromRound=${firstRound}&toRound=${lastRound}&limit=5`);
    expect(rank.body.data).toHaveLength(5);
    const top = rank.body.data[0].orchestrator as string;
    const one = await get(`/api/v1/economics/orchestrators/${top}/income?fromRound=${firstRound}&toRound=${lastRound}`);
    const keptCents = one.body.cells.reduce((a: number, c: J) => a + Math.round(Number(c.keptUsd) * 100), 0);
    expect(Math.abs(keptCents - Math.round(Number(rank.body.data[0].keptUsd) * 100))).toBeLessThanOrEqual(2 * one.body.cells.length);
    const rev = await get(`/api/v1/economics/revenue?fromRound=${firstRound}&toRound=${lastRound}`);
    expect(rev.status).toBe(200);
    expect(rev.body.data.some((r: J) => BigInt(r.dividendPerLpt.wei) > 0n)).toBe(true);
    // A round with no LPT/ETH price yet (the market's first trade comes after the first NewRound) has no fee yield, so no real yield.
    expect(rev.body.data.filter((r: J) => r.realYield !== null).length).toBeGreaterThan(rev.body.data.length / 2);
    for (const r of rev.body.data) {
      if (r.feeYield === null) expect(r.realYield).toBeNull();
      else expect(r.realYield).toBeCloseTo((1 + r.rewardYield + r.feeYield) / (1 + r.dilution) - 1, 12);
    }
    const costs = await get(`/api/v1/economics/implied-costs?fromRound=${firstRound}&toRound=${lastRound}&gpus=8&limit=3`);
    expect(costs.body.assumptions.gpus).toBe(8);
    expect(costs.body.data).toHaveLength(3);
    expect(costs.body.data[0].breakEvenUsdPerGpuHour).toBeGreaterThan(0);
    const feed = await get('/api/v1/feeds/staking');
    expect(feed.status).toBe(200);
    const last = (await sql<{ tas: string; sup: string }>`select total_active_stake::text as tas, (l2_supply + coalesce(l1_supply, 0))::text as sup from protocol_round order by round desc limit 1`.execute(fx.db.db)).rows[0]!;
    expect(feed.body.schema).toBe('atlas.staking/1');
    expect(feed.body.stakingRatio).toBeCloseTo(Number(BigInt(last.tas) * 10n ** 9n / BigInt(last.sup)) / 1e9, 8);
    expect(feed.body.unbondingPeriod.rounds).toBe(7);
    expect(feed.body.inflation.perRound).toBeGreaterThan(0);
    const prices = await get('/api/v1/prices');
    expect(Number(prices.body.at.ethUsd)).toBeGreaterThan(100);
    // One ETH/USD answer a round; every swap of the LPT/WETH pool is an LPT/ETH tick (several a round).
    expect(prices.body.series.filter((x: J) => x.pair === 'ETH/USD')).toHaveLength(lastRound - firstRound + 1);
    expect(prices.body.series.filter((x: J) => x.pair === 'LPT/ETH').length).toBeGreaterThan(lastRound - firstRound + 1);
    expect((await get('/api/v1/economics/income?period=week')).status).toBe(400);
    expect((await get('/api/v1/economics/income?fromRound=10&toRound=5')).status).toBe(400);
    expect((await get('/api/v1/prices/convert?amount=1.5&unit=ETH&time=1')).status).toBe(400);
    expect((await get('/api/v1/prices/series/none')).status).toBe(404);
  });
});
