// Staking intelligence over a simulated network indexed into PGlite and PostgreSQL: realized earnings equal the
// contracts' own pendingStake/pendingFees differences between two snapshots; API figures are recomputed by hand from
// the raw rows; labels are verified end to end.
import { sql } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delegatorWindowEarnings, trailingWindow, type PoolFactors } from '../src/analytics/yields.js';
import { createApp } from '../src/api/index.js';
import { LABEL_TYPES } from '../src/registry/labels.js';
import { atlasDomain } from '../src/registry/signing.js';
import type { GroundTruth } from '../src/sim/groundTruth.js';
import { indexedChain } from './helpers/chains.js';
import { dbKinds, type TestDb } from './helpers/db.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

let truth: GroundTruth;
const dbs = new Map<string, TestDb>();

beforeAll(async () => {
  // The shared `test` chain, snapshotted at its 7th and at its last round (test/helpers/chains.ts).
  for (const kind of dbKinds) {
    const fx = await indexedChain('test', kind);
    dbs.set(kind, fx.db);
    truth = fx.groundTruth;
  }
}, 600_000);

afterAll(async () => {
  for (const db of dbs.values()) await db.close();
});

const E27 = 10n ** 27n;
/** Independent of the module: the latest written CRF/CFF at or before a round, straight from the rows. */
async function handFactors(db: TestDb, o: string, round: bigint) {
  const q = (col: 'cumulative_reward_factor' | 'cumulative_fee_factor') =>
    sql<{ v: string | null }>`select ${sql.ref(col)}::text as v from earnings_pool where transcoder = ${o} and round <= ${round.toString()} and ${sql.ref(col)} > 0 order by round desc limit 1`.execute(db.db);
  const crf = (await q('cumulative_reward_factor')).rows[0]?.v;
  const cff = (await q('cumulative_fee_factor')).rows[0]?.v;
  return { crf: crf ? BigInt(crf) : E27, cff: cff ? BigInt(cff) : 0n };
}

describe.each(dbKinds)('staking intelligence on %s', (kind) => {
  let db: TestDb;
  let app: ReturnType<typeof createApp>;
  const get = async (p: string): Promise<{ status: number; body: J }> => {
    const res = await app.request(p);
    return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json()) as J) : { text: await res.text() } };
  };
  const post = (p: string, body: string) => app.request(p, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  beforeAll(() => {
    db = dbs.get(kind)!;
    // The forward fans take seconds of CPU each; on a busy test machine they may pass the 10 s production time
    // limit (tested in src/api/requestGuards.test.ts), which is not what these tests check.
    app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, cacheTtlMs: 0, requestTimeoutMs: 120_000 });
  });

  it('realized earnings between two rounds equal the contracts\' pendingStake/pendingFees differences', async () => {
    const [a, b] = truth.snapshots;
    expect(a!.round).toBeLessThan(b!.round);
    const pools = new Map<string, PoolFactors[]>();
    const rows = await sql<{ transcoder: string; round: string; crf: string; cff: string }>`
      select transcoder, round::text, cumulative_reward_factor::text as crf, cumulative_fee_factor::text as cff from earnings_pool order by transcoder, round`.execute(db.db);
    for (const r of rows.rows) {
      if (!pools.has(r.transcoder)) pools.set(r.transcoder, []);
      pools.get(r.transcoder)!.push({ round: BigInt(r.round), crf: BigInt(r.crf), cff: BigInt(r.cff) });
    }
    let checked = 0;
    let withRewards = 0;
    for (const [addr, after] of Object.entries(b!.delegators)) {
      const before = a!.delegators[addr as `0x${string}`];
      const d = after.delegateAddress.toLowerCase();
      // Unchanged bonds only (same delegate, amount and claim round), and not orchestrators themselves, whose
      // pending stake also holds their commission.
      if (!before || before.bondedAmount === 0n || before.delegateAddress !== after.delegateAddress || before.bondedAmount !== after.bondedAmount || before.lastClaimRound !== after.lastClaimRound) continue;
      if (d === addr.toLowerCase()) continue;
      const e = delegatorWindowEarnings({ delegate: d, bondedAmount: after.bondedAmount, lastClaimRound: after.lastClaimRound }, [], (o) => pools.get(o) ?? [], BigInt(a!.round), BigInt(b!.round));
      expect(e.rewards, addr).toBe(after.pendingStake - before.pendingStake);
      expect(e.fees, addr).toBe(after.pendingFees - before.pendingFees);
      checked++;
      if (e.rewards > 0n) withRewards++;
    }
    expect(checked).toBeGreaterThan(50);
    expect(withRewards).toBeGreaterThan(50);
  });

  it('serves pool yields equal to the hand-computed factor ratios', async () => {
    const { body } = await get('/api/v1/staking/yields?days=3,365');
    const rounds = (await sql<{ round: string; t: string }>`select round::text, block_time::text as t from protocol_round order by round`.execute(db.db)).rows.map((r) => ({ round: BigInt(r.round), time: Number(r.t) }));
    const w = trailingWindow(rounds, 3)!;
    const top = (body.data as J[]).filter((o) => o.active).sort((x, y) => (BigInt(y.totalStake.wei) > BigInt(x.totalStake.wei) ? 1 : -1))[0]!;
    const y = top.windows[0];
    expect([y.days, y.startRound, y.endRound, y.complete]).toEqual([3, Number(w.startRound), Number(w.endRound), true]);
    const s = await handFactors(db, top.address, w.startRound);
    const e = await handFactors(db, top.address, w.endRound);
    expect(y.rewardPerLpt.wei).toBe((((e.crf - s.crf) * 10n ** 18n) / s.crf).toString());
    expect(y.feesPerLpt.wei).toBe((((e.cff - s.cff) * 10n ** 18n) / s.crf).toString());
    expect(y.rewardRate).toBeGreaterThan(0);
    // The history is ~12 days: the 365-day window starts at the first round and says so.
    expect(top.windows[1].complete).toBe(false);
    expect(top.windows[1].startRound).toBe(Number(rounds[0]!.round));
    expect((await get('/api/v1/staking/yields?days=0')).status).toBe(400);
    expect((await get('/api/v1/staking/yields?days=abc')).body.error.message).toMatch(/comma-separated whole numbers of days/);
  });

  it('serves a delegator\'s window earnings equal to the ground-truth difference', async () => {
    const [a, b] = truth.snapshots;
    const rounds = (await sql<{ round: string; t: string }>`select round::text, block_time::text as t from protocol_round order by round`.execute(db.db)).rows.map((r) => ({ round: BigInt(r.round), time: Number(r.t) }));
    const days = [5, 6, 7].find((d) => trailingWindow(rounds, d)!.startRound === BigInt(a!.round));
    expect(days).toBeDefined();
    const stored = await sql<{ address: string; delegate: string; last_claim_round: string; bonded_amount: string }>`
      select address, delegate, last_claim_round::text, bonded_amount::text from delegator where bonded_amount > 0 and address <> delegate order by bonded_amount desc`.execute(db.db);
    const pick = stored.rows.find((r) => {
      const x = a!.delegators[r.address as `0x${string}`] ?? Object.entries(a!.delegators).find(([k]) => k.toLowerCase() === r.address)?.[1];
      const y = Object.entries(b!.delegators).find(([k]) => k.toLowerCase() === r.address)?.[1];
      return x && y && x.bondedAmount === y.bondedAmount && x.lastClaimRound === y.lastClaimRound && x.delegateAddress === y.delegateAddress;
    })!;
    const x = Object.entries(a!.delegators).find(([k]) => k.toLowerCase() === pick.address)![1];
    const y = Object.entries(b!.delegators).find(([k]) => k.toLowerCase() === pick.address)![1];
    const { body } = await get(`/api/v1/staking/yields/${pick.address}?days=${days}`);
    expect(body.delegate).toBe(pick.delegate);
    expect(body.windows[0].startRound).toBe(a!.round);
    expect(body.windows[0].rewards.wei).toBe((y.pendingStake - x.pendingStake).toString());
    expect(body.windows[0].fees.wei).toBe((y.pendingFees - x.pendingFees).toString());
    expect((await get('/api/v1/staking/yields/0x00000000000000000000000000000000000000cd')).status).toBe(404);
  });

  it('serves issuance: past dilution by hand, a forecast fan following the Minter rule, and assumptions', async () => {
    const raw = (await sql<{ round: string; s: string; tas: string; inflation: string }>`
      select round::text, (l2_supply + coalesce(l1_supply, 0))::text as s, total_active_stake::text as tas, inflation::text from protocol_round order by round`.execute(db.db)).rows;
    const { body } = await get('/api/v1/staking/issuance?rounds=20');
    const first = BigInt(raw.find((r) => BigInt(r.tas) > 0n)!.s);
    const last = raw[raw.length - 1]!;
    const p = body.past[body.past.length - 1];
    expect(body.past[0].round).toBe(Number(raw.find((r) => BigInt(r.tas) > 0n)!.round));
    expect(body.past[0].liquidSharePpb).toBe(1_000_000_000);
    expect(p.liquidSharePpb).toBe(Number((first * 1_000_000_000n) / BigInt(last.s)));
    expect(p.stakedSharePpb).toBeGreaterThan(p.liquidSharePpb);
    const part = Number((BigInt(last.tas) * 1_000_000_000n) / BigInt(last.s)) / 1e9;
    expect(body.assumptions.participation).toBe(part);
    expect(body.assumptions.inflationPpb).toBe(Number(last.inflation));
    expect(body.forecast).toHaveLength(20);
    // Participation is well under the 50% target, so the first round raises inflation by inflationChange.
    expect(part).toBeLessThan(0.48);
    expect(body.forecast[0].inflationPpb.p50).toBe(Number(last.inflation) + body.assumptions.inflationChangePpb);
    for (const s of body.forecast) {
      expect(s.inflationPpb.p10).toBeLessThanOrEqual(s.inflationPpb.p50);
      expect(s.inflationPpb.p50).toBeLessThanOrEqual(s.inflationPpb.p90);
      expect(s.liquidShare.p50).toBeLessThan(1);
    }
    expect((await get('/api/v1/staking/issuance?rounds=0')).status).toBe(400);
  });

  it('serves a forward-yield fan with its assumptions', async () => {
    const o = (await sql<{ address: string }>`select address from transcoder order by total_stake desc limit 1`.execute(db.db)).rows[0]!.address;
    const { body } = await get(`/api/v1/staking/forward/${o}?amount=1000&rounds=30`);
    expect(body.assumptions.amount.formatted).toBe('1000');
    expect(body.assumptions.rewardCutPpm).toBe(Number((await sql<{ c: string }>`select reward_cut::text as c from transcoder where address = ${o}`.execute(db.db)).rows[0]!.c));
    expect(body.fan).toHaveLength(30);
    for (let i = 1; i < body.fan.length; i++) expect(body.fan[i].rewardYield.p50).toBeGreaterThanOrEqual(body.fan[i - 1].rewardYield.p50);
    expect(body.fan[29].rewardYield.p10).toBeLessThanOrEqual(body.fan[29].rewardYield.p90);
    expect((await get('/api/v1/staking/forward/0x00000000000000000000000000000000000000ab')).status).toBe(404);
    expect((await get(`/api/v1/staking/forward/${o}?amount=-1`)).body.error.message).toMatch(/amount/);
  });

  it('serves risk profiles whose reliability matches the pools and whose score is the weighted sum', async () => {
    const { body } = await get('/api/v1/staking/risk?active=true');
    expect(body.data.length).toBeGreaterThan(50);
    for (const r of body.data.slice(0, 5)) {
      const sum = (r.components as J[]).reduce((a, c) => a + c.weight * c.risk, 0);
      expect(r.score).toBe(Math.round(sum * 1000) / 10);
    }
    const o = body.data[body.data.length - 1];
    const detail = (await get(`/api/v1/staking/risk/${o.address}`)).body;
    const called = Number((await sql<{ n: string }>`select count(*)::text as n from earnings_pool where transcoder = ${o.address} and rewards > 0`.execute(db.db)).rows[0]!.n);
    expect(detail.reliability.calledRounds).toBe(called);
    expect(detail.score).toBe(o.score);
    expect((await get('/api/v1/staking/risk?active=maybe')).status).toBe(400);
  });

  it('recommends only within the limits, ranked by expected rewards', async () => {
    const { body } = await get('/api/v1/staking/recommend?amount=5000&rounds=30&maxRisk=40&limit=10');
    expect(body.data.length).toBeGreaterThan(0);
    for (const r of body.data) expect(r.riskScore).toBeLessThanOrEqual(40);
    for (let i = 1; i < body.data.length; i++) expect(body.data[i - 1].expectedRewardsLpt).toBeGreaterThanOrEqual(body.data[i].expectedRewardsLpt);
    expect(body.data[0].switchViaUnbondRounds).toBe(7);
    const missing = await get('/api/v1/staking/recommend');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/amount/);
    expect((await get('/api/v1/staking/recommend?amount=1&maxRisk=101')).body.error.message).toMatch(/maxRisk.*0 to 100/);
  });

  it('answers one forward question once: the recommender’s P50 is the forward fan’s for the same inputs', async () => {
    const ranked = (await get('/api/v1/staking/recommend?amount=1000&rounds=90&limit=5')).body.data as J[];
    expect(ranked.length).toBeGreaterThan(1);
    for (const r of ranked.slice(0, 3)) {
      const fwd = (await get(`/api/v1/staking/forward/${r.address}?amount=1000&rounds=90`)).body;
      const end = fwd.fan[89];
      expect(r.expectedRewardsLpt).toBe(end.rewardsLpt.p50);
      expect(r.expectedFeesEth).toBe(end.feesEth.p50);
      // A shorter horizon is the same fan cut short.
      const short = (await get(`/api/v1/staking/forward/${r.address}?amount=1000&rounds=30`)).body;
      expect(short.fan[29]).toEqual(fwd.fan[29]);
    }
  });

  it('lists and exports staking events with filters', async () => {
    const n = Number((await sql<{ n: string }>`select count(*)::text as n from chain_event where name in ('Bond','Unbond','Rebond','TransferBond','EarningsClaimed','WithdrawStake','WithdrawFees')`.execute(db.db)).rows[0]!.n);
    const csv = await app.request('/api/v1/staking/events?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect((await csv.text()).trim().split('\r\n').length).toBe(n + 1);
    const unb = await get('/api/v1/staking/events?type=Unbond&limit=5');
    expect(unb.body.data).toHaveLength(5);
    expect(unb.body.data.every((e: J) => e.name === 'Unbond')).toBe(true);
    const page2 = await get(`/api/v1/staking/events?type=Unbond&limit=5&cursor=${unb.body.page.nextCursor}`);
    expect(page2.body.data[0].id).not.toBe(unb.body.data[0].id);
    const bad = await get('/api/v1/staking/events?type=Reward');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/must be among Bond, Unbond/);
  });

  it('serves population stats and flows that add up to the raw events', async () => {
    const { body } = await get('/api/v1/staking/delegators?top=5');
    const bonded = (await sql<{ b: string }>`select bonded_amount::text as b from delegator where bonded_amount > 0`.execute(db.db)).rows.map((r) => BigInt(r.b));
    expect(body.delegators).toBe(bonded.length);
    expect(body.totalBonded.wei).toBe(bonded.reduce((a, b) => a + b, 0n).toString());
    expect(body.buckets.reduce((a: number, b: J) => a + b.delegators, 0)).toBe(bonded.length);
    expect(body.top[0].bondedAmount.wei).toBe(bonded.reduce((a, b) => (b > a ? b : a), 0n).toString());
    expect(body.gini).toBeGreaterThan(0);
    expect(body.gini).toBeLessThan(1);
    expect(body.daily.length).toBeGreaterThan(5);
    const flows = (await get('/api/v1/staking/flows?fromRound=0&toRound=100000')).body;
    const ev = await sql<{ name: string; args: J }>`select name, args from chain_event where name in ('Bond','Unbond','Rebond')`.execute(db.db);
    let net = 0n;
    for (const e of ev.rows) {
      const a = typeof e.args === 'string' ? JSON.parse(e.args) : e.args;
      net += e.name === 'Bond' ? BigInt(a.additionalAmount) : e.name === 'Rebond' ? BigInt(a.amount) : -BigInt(a.amount);
    }
    expect((flows.data as J[]).reduce((s, f) => s + BigInt(f.net.wei), 0n)).toBe(net);
    expect((await get('/api/v1/staking/flows?fromRound=10&toRound=5')).status).toBe(400);
  });

  it('serves delegate activity from the votes table', async () => {
    const v = (await sql<{ voter: string; n: string }>`select voter, count(*)::text as n from vote where voter = delegate group by voter order by count(*) desc limit 1`.execute(db.db)).rows[0]!;
    const { body } = await get(`/api/v1/staking/delegates/${v.voter}`);
    expect(body.voting.voted).toBe(Number(v.n));
    expect(body.votes.filter((x: J) => x.support !== 'none')).toHaveLength(Number(v.n));
    expect(body.events.data.length).toBeGreaterThan(0);
    expect((await get('/api/v1/staking/delegates/0x00000000000000000000000000000000000000ab')).status).toBe(404);
  });

  it('verifies, stores, shows and revokes signed labels through the API, rejecting bad ones with clear errors', async () => {
    const o = (await sql<{ address: string }>`select address from transcoder order by total_stake desc limit 1`.execute(db.db)).rows[0]!.address;
    const account = privateKeyToAccount('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6');
    const other = privateKeyToAccount('0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a');
    const domain = (await get('/api/v1/labels/eip712')).body.domain;
    expect(domain).toEqual({ name: 'Livepeer Atlas', version: '1', chainId: 31337 });
    const now = Math.floor(Date.now() / 1000);
    const msg = { account: account.address, name: 'Big Orchestrator', url: 'https://big.example', role: 'orchestrator', issuedAt: BigInt(now) };
    const signature = await account.signTypedData({ domain: atlasDomain(31337), types: LABEL_TYPES, primaryType: 'SelfIdentification', message: msg });
    const body = { kind: 'identify', account: account.address, name: msg.name, url: msg.url, role: msg.role, issuedAt: now, signature };
    const ok = await post('/api/v1/labels', JSON.stringify(body));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as J).label.name).toBe('Big Orchestrator');
    const look = (await get(`/api/v1/labels?addresses=${account.address},${o}`)).body;
    expect(look.data.map((l: J) => l.address)).toEqual([account.address.toLowerCase()]);

    const replay = await post('/api/v1/labels', JSON.stringify(body));
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as J).error.message).toMatch(/later issuedAt/);
    const forged = await other.signTypedData({ domain: atlasDomain(31337), types: LABEL_TYPES, primaryType: 'SelfIdentification', message: { ...msg, issuedAt: BigInt(now + 1) } });
    const bad = await post('/api/v1/labels', JSON.stringify({ ...body, issuedAt: now + 1, signature: forged }));
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as J).error.message).toMatch(/not by the claimed signer/);
    const big = await post('/api/v1/labels', JSON.stringify({ ...body, name: 'x'.repeat(3000) }));
    expect(big.status).toBe(413);
    const field = await post('/api/v1/labels', JSON.stringify({ ...body, role: 'king' }));
    expect(field.status).toBe(400);
    expect(((await field.json()) as J).error.message).toMatch(/body field "role"/);
    expect((await get(`/api/v1/labels/${account.address}`)).body.statements).toHaveLength(1);

    const revokeMsg = { account: account.address, issuedAt: BigInt(now + 2) };
    const rsig = await account.signTypedData({ domain: atlasDomain(31337), types: LABEL_TYPES, primaryType: 'LabelRevocation', message: revokeMsg });
    const rev = await post('/api/v1/labels', JSON.stringify({ kind: 'revoke', account: account.address, issuedAt: now + 2, signature: rsig }));
    expect(await rev.json()).toEqual({ label: null, revoked: true });
    expect((await get(`/api/v1/labels?addresses=${account.address}`)).body.data).toEqual([]);
  });
});
