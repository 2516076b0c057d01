import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/index.js';
import { importPriceCsv } from '../src/prices/csv.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

describe('economics over GraphQL equals REST (pglite, indexed simulator network)', () => {
  let fx: IndexedFixture;
  let app: ReturnType<typeof createApp>;
  const rest = async (p: string): Promise<{ status: number; body: J }> => {
    const r = await app.request(p);
    return { status: r.status, body: (await r.json()) as J };
  };
  const gql = async (query: string): Promise<J> => {
    const r = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return (await r.json()) as J;
  };

  beforeAll(async () => {
    fx = await indexedFixture('pglite');
    app = createApp({ db: fx.db.db, dbKind: 'pglite', status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
  }, 600_000);

  afterAll(async () => {
    await fx?.db.close();
  });

  it('prices at a time and at a block', async () => {
    const r = (await rest('/api/v1/rounds?limit=3&order=asc')).body.data as J[];
    const t = r[2].startTime as number;
    const g = await gql(`{ byTime: prices(time: ${t}) { at { time ethUsd lptEth lptUsd } series { time pair price } } byBlock: prices(block: ${r[2].startBlock}) { at { time ethUsd lptEth lptUsd } } }`);
    expect(g.errors).toBeUndefined();
    const p = (await rest(`/api/v1/prices?time=${t}`)).body;
    expect(g.data.byTime).toEqual(p);
    expect(p.at.ethUsd).not.toBeNull();
    expect(p.series.length).toBeGreaterThan(2);
    // The simulator posts its prices at the start of every round: the block of a round start sees them.
    expect(g.data.byBlock.at).toEqual({ ...p.at, time: t });
  });

  it('USD conversion, income, ranking, revenue and the staking feed', async () => {
    const t = (await rest('/api/v1/network')).body.currentRound.startTime as number;
    const conv = await gql(`{ priceConvert(amount: "1500000000000000000", unit: "LPT", time: ${t}) { amount { wei formatted unit } time usd } }`);
    expect(conv.data.priceConvert).toEqual((await rest(`/api/v1/prices/convert?amount=1500000000000000000&unit=LPT&time=${t}`)).body);
    expect(conv.data.priceConvert.usd).toMatch(/^\d+\.\d\d$/);

    const cell = 'period firstRound lastRound keptUsd sharedUsd unpriced rewards { total { wei formatted unit } kept { wei } shared { wei } usd keptUsd sharedUsd calls } fees { total { wei formatted unit } kept { wei } shared { wei } usd keptUsd sharedUsd payments }';
    const g = await gql(`{ income(period: "day") { period fromRound toRound orchestrator cells { ${cell} } } incomeRanking(limit: 5) { fromRound toRound data { rank orchestrator keptUsd totalUsd feesKept { wei formatted unit } rewardsKept { wei formatted unit } } } }`);
    expect(g.errors).toBeUndefined();
    const inc = (await rest('/api/v1/economics/income?period=day')).body;
    const pick = (c: J) => ({ ...c, rewards: { ...c.rewards, kept: { wei: c.rewards.kept.wei }, shared: { wei: c.rewards.shared.wei } }, fees: { ...c.fees, kept: { wei: c.fees.kept.wei }, shared: { wei: c.fees.shared.wei } } });
    expect(g.data.income).toEqual({ ...inc, cells: inc.cells.map(pick) });
    expect(inc.cells.length).toBeGreaterThan(0);
    const rank = (await rest('/api/v1/economics/income/ranking?limit=5')).body;
    expect(g.data.incomeRanking).toEqual(rank);
    const who = rank.data[0].orchestrator as string;
    const one = await gql(`{ income(orchestrator: "${who.toUpperCase().replace('0X', '0x')}", fromRound: ${inc.fromRound}) { orchestrator cells { period keptUsd sharedUsd } } }`);
    const oneRest = (await rest(`/api/v1/economics/orchestrators/${who}/income?fromRound=${inc.fromRound}`)).body;
    expect(one.data.income).toEqual({ orchestrator: who, cells: oneRest.cells.map((c: J) => ({ period: c.period, keptUsd: c.keptUsd, sharedUsd: c.sharedUsd })) });

    const rev = await gql('{ revenueToLpt(period: "quarter") { period roundsPerYear data { period firstRound lastRound feesToStakers { wei formatted unit } feesToStakersUsd dividendPerLpt { wei formatted unit } dividendPerLptUsd rewardYield dilution feeYield realYield realYieldAnnualized } } }');
    expect(rev.data.revenueToLpt).toEqual((await rest('/api/v1/economics/revenue?period=quarter')).body);
    const feed = await gql('{ stakingFeed { schema asset network round updatedAt rewardRate { perRound annual } realizedRewardRate { annual } dilutionAdjustedRewardRate { annual } stakingRatio totalStaked totalSupply inflation { perRound annual } unbondingPeriod { rounds days } roundLengthSeconds treasuryRewardCut } }');
    expect(feed.data.stakingFeed).toEqual((await rest('/api/v1/feeds/staking')).body);
  });

  it('rejects bad arguments with the REST message and answers null for a missing series', async () => {
    const bad = await gql('{ income(period: "week") { period } }');
    const restBad = await rest('/api/v1/economics/income?period=week');
    expect(restBad.status).toBe(400);
    expect(bad.errors[0].message).toBe(restBad.body.error.message);
    expect(bad.errors[0].message).toBe('query parameter "period": must be "round", "day" or "quarter"');
    const unit = await gql('{ priceConvert(amount: "1", unit: "BTC", time: 5) { usd } }');
    expect(unit.errors[0].message).toBe('query parameter "unit": must be "ETH" or "LPT"');
    expect((await gql('{ priceConvert(amount: "1", unit: "ETH") { usd } }')).errors[0].message).toBe('priceConvert needs a time or a block');
    expect((await gql('{ prices(time: 5, block: 5) { at { time } } }')).errors[0].message).toBe('give either time or block, not both');
    expect((await gql('{ priceSeries(series: "gpu-h100") { series } }')).data.priceSeries).toBeNull();
    await importPriceCsv(fx.db.db, 'series,time,value,unit\ngpu-h100,1759276800,2.15,USD/h\n');
    const s = await gql('{ priceSeries(series: "gpu-h100") { series points { time value unit } } }');
    expect(s.data.priceSeries).toEqual((await rest('/api/v1/prices/series/gpu-h100')).body);
    expect(s.data.priceSeries.points).toEqual([{ time: 1759276800, value: '2.15', unit: 'USD/h' }]);
  });
});
