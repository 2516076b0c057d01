import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { decodeFunctionData, parseAbi } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetRatePerSecond, budgetVsActuals, categorize, formatIssues, parseBudget, type Budget } from '../src/analytics/budget.js';
import { ceilingStatus, decodeAction, ledgerByRound } from '../src/analytics/treasury.js';
import { callSharePpm, forecastTreasury, percentilePpm } from '../src/analytics/treasuryForecast.js';
import { atlasDomain } from '../src/registry/signing.js';
import { dbKinds, type TestDb } from './helpers/db.js';
import { CONTRACTS, governanceChain, indexedApi, VIEWS } from './helpers/treasuryChain.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const LPT = 10n ** 18n;
const EXAMPLE = readFileSync(path.join(import.meta.dirname, '..', 'budgets', 'example.yaml'), 'utf8');

const issuesOf = (text: string, file = 'b.yaml') => {
  const r = parseBudget(text);
  if (r.ok) throw new Error('expected a rejection');
  return formatIssues(file, r.issues);
};

const VALID = `version: 2
name: Test budget
periods:
  - id: q1
    start: 2025-01-01
    end: 2025-03-31
categories:
  - id: spe
    name: SPEs
    amounts:
      q1: 1000
`;

describe('budget file validation', () => {
  it('accepts the example budget and a JSON budget with the same meaning', () => {
    const y = parseBudget(EXAMPLE);
    expect(y.ok).toBe(true);
    if (!y.ok) return;
    expect(y.budget.version).toBe(1);
    expect(y.budget.categories.find((c) => c.id === 'grants')!.amounts.get('2025-06')).toBe(25_000n * LPT + LPT / 2n);
    const j = parseBudget(JSON.stringify({ version: 2, name: 'Test budget', periods: [{ id: 'q1', start: '2025-01-01', end: '2025-03-31' }], categories: [{ id: 'spe', name: 'SPEs', amounts: { q1: '1000' } }] }, null, 2));
    const v = parseBudget(VALID);
    expect(j.ok && v.ok).toBe(true);
    if (j.ok && v.ok) expect(j.budget).toEqual(v.budget);
  });

  it('rejects every kind of problem with its file:line', () => {
    expect(issuesOf(VALID.replace('version: 2', 'version: two'))).toEqual(['b.yaml:1: version: must be a whole number from 1']);
    expect(issuesOf(VALID.replace('    end: 2025-03-31', '    end: 2025-02-30'))).toEqual(['b.yaml:6: periods/0/end: is not a calendar date']);
    expect(issuesOf(VALID.replace('      q1: 1000', '      q1: 10.5.1'))).toEqual(['b.yaml:11: categories/0/amounts/q1: must be a non-negative LPT amount such as 12500 or 12500.5 (at most 18 decimals)']);
    expect(issuesOf(VALID.replace('      q1: 1000', '      q2: 1000'))).toEqual(['b.yaml:11: categories/0/amounts/q2: unknown period "q2"']);
    expect(issuesOf(VALID.replace('    name: SPEs', '    name: SPEs\n    colour: red'))).toEqual(['b.yaml:10: categories/0/colour: unknown field "colour"']);
    expect(issuesOf(VALID.replace('name: Test budget\n', ''))).toEqual(['b.yaml:1: name: is required']);
    expect(issuesOf(VALID.replace('    start: 2025-01-01', '    start: 2025-04-01'))).toEqual(['b.yaml:6: periods/0/end: ends (2025-03-31) before it starts (2025-04-01)']);
    expect(issuesOf(`${VALID}  - id: spe\n    name: Again\n`)).toEqual(['b.yaml:12: categories/1/id: duplicate category id "spe"']);
    expect(issuesOf(VALID.replace('periods:\n', 'periods:\n  - id: q0\n    start: 2025-03-01\n    end: 2025-04-30\n'))).toEqual(['b.yaml:5: periods/0/start: period "q0" overlaps period "q1"']);
    expect(issuesOf(`${VALID}proposals:\n  "12": nope\n`)).toEqual(['b.yaml:13: proposals/12: unknown category "nope"']);
    expect(issuesOf(`${VALID}labelers: [0x12]\n`)).toEqual(['b.yaml:12: labelers/0: must be a 0x-prefixed 20-byte hex address']);
    expect(issuesOf(`${VALID}  - id: grants\n    name: G\n    recipients:\n      - 0x00000000000000000000000000000000000000aa\n  - id: ops\n    name: O\n    recipients: [0x00000000000000000000000000000000000000AA]\n`)).toEqual([
      'b.yaml:18: categories/2/recipients/0: recipient 0x00000000000000000000000000000000000000aa is already in category "grants"',
    ]);
  });

  it('rejects YAML outside the supported subset and broken JSON at the right line', () => {
    expect(issuesOf(VALID.replace('    name: SPEs', '\tname: SPEs'))).toEqual(['b.yaml:9: tabs are not allowed for indentation; use spaces']);
    expect(issuesOf(VALID.replace('    name: SPEs', '    name: &a SPEs'))).toEqual(['b.yaml:9: anchors, aliases and tags are not supported']);
    expect(issuesOf(VALID.replace('    name: SPEs', '    name: |'))).toEqual(['b.yaml:9: block scalars (| and >) are not supported; use a quoted string']);
    expect(issuesOf(VALID.replace('    name: SPEs', '     name: SPEs'))).toEqual(['b.yaml:9: unexpected indentation']);
    expect(issuesOf(VALID.replace('name: Test budget', 'name: "Test budget'))).toEqual(['b.yaml:2: unterminated quoted string']);
    expect(issuesOf(`${VALID}version: 3\n`)).toEqual(['b.yaml:12: duplicate key "version"']);
    expect(issuesOf('')).toEqual(['b.yaml:1: the file is empty']);
    expect(issuesOf('{\n  "version": 1,\n  "name": "x",\n  "periods": [\n    {"id": "a" "start": 1}\n  ]\n}', 'b.json')).toEqual(['b.json:5: expected "," or "}"']);
    expect(issuesOf('{\n  "version": 1,\n  "name": 5,\n  "periods": [],\n  "categories": []\n}', 'b.json')).toEqual([
      'b.json:3: name: must be text',
      'b.json:4: periods: must list at least one period',
      'b.json:5: categories: must list at least one category',
    ]);
  });

  it('tags spends (proposal list, then signed label, then recipient) and sums budget vs actuals by hand', () => {
    const r = parseBudget(`${VALID.replace('    amounts:\n      q1: 1000', '    amounts:\n      q1: 1000\n    recipients: [0x00000000000000000000000000000000000000aa]')}  - id: ops\n    name: Ops\n    amounts:\n      q1: 50\nproposals:\n  "7": ops\n`);
    expect(r.ok).toBe(true);
    const b = (r as { budget: Budget }).budget;
    const jan = Date.parse('2025-01-15T00:00:00Z') / 1000;
    const aa = '0x00000000000000000000000000000000000000aa';
    expect(categorize(b, { proposalId: '7', recipient: aa, labelCategory: 'spe' })).toEqual({ category: 'ops', source: 'budget-proposal' });
    expect(categorize(b, { proposalId: '8', recipient: '0xbb', labelCategory: 'ops' })).toEqual({ category: 'ops', source: 'signed-label' });
    expect(categorize(b, { proposalId: '8', recipient: aa })).toEqual({ category: 'spe', source: 'budget-recipient' });
    const out = budgetVsActuals(
      b,
      [
        { proposalId: '1', recipient: aa, amount: 300n * LPT, time: jan },
        { proposalId: '7', recipient: '0xcc', amount: 20n * LPT, time: jan },
        { proposalId: '2', recipient: '0xdd', amount: 5n * LPT, time: jan },
        { proposalId: '3', recipient: aa, amount: 1n * LPT, time: jan + 365 * 86400 },
      ],
      [{ proposalId: '4', recipient: aa, amount: 800n * LPT, time: jan }],
    );
    expect(out.lines).toEqual([
      { category: 'spe', period: 'q1', budgeted: 1000n * LPT, spent: 300n * LPT, earmarked: 800n * LPT, remaining: -100n * LPT },
      { category: 'ops', period: 'q1', budgeted: 50n * LPT, spent: 20n * LPT, earmarked: 0n, remaining: 30n * LPT },
    ]);
    expect(out.uncategorized.map((s) => s.proposalId)).toEqual(['2']);
    expect(out.outsidePeriods.map((s) => s.proposalId)).toEqual(['3']);
    // 1050 LPT over the 90 days of q1, while q1 has not ended.
    expect(budgetRatePerSecond(b, jan)).toBe((1050n * LPT) / 7_776_000n);
    expect(budgetRatePerSecond(b, Date.parse('2025-04-01T00:00:00Z') / 1000)).toBe(0n);
  });
});

describe('treasury analytics (hand-computed)', () => {
  const known = { token: CONTRACTS.LivepeerToken.address, bondingManager: CONTRACTS.BondingManager.address };
  it('decodes transfers, cut and ceiling changes, ETH sends and unknown calls', () => {
    const to = '0x00000000000000000000000000000000000000aa';
    const transfer = `0xa9059cbb${to.slice(2).padStart(64, '0')}${(12_000n * LPT).toString(16).padStart(64, '0')}`;
    expect(decodeAction(known.token, 0n, transfer, known)).toEqual({ kind: 'lpt-transfer', recipient: to, amount: 12_000n * LPT });
    expect(decodeAction(known.bondingManager, 0n, `0xcf33a0d5${(10n ** 26n).toString(16).padStart(64, '0')}`, known)).toEqual({ kind: 'set-treasury-cut', rate: 10n ** 26n });
    expect(decodeAction(to, 5n, '0x', known)).toEqual({ kind: 'eth-transfer', recipient: to, amount: 5n });
    expect(decodeAction(to, 0n, transfer, known)).toEqual({ kind: 'call', target: to, selector: '0xa9059cbb', value: 0n });
  });

  it('splits balance changes into rounds and reports the ceiling', () => {
    const rounds = [
      { round: 10n, block: 100n, cutRate: 10n ** 26n },
      { round: 11n, block: 200n, cutRate: 0n },
    ];
    const ledger = ledgerByRound(
      [
        { block: 50n, logIndex: 0, balance: 700n, delta: 700n, kind: 'inflow' },
        { block: 120n, logIndex: 1, balance: 730n, delta: 30n, kind: 'treasury-reward' },
        { block: 150n, logIndex: 0, balance: 760n, delta: 30n, kind: 'treasury-reward' },
        { block: 210n, logIndex: 4, balance: 660n, delta: -100n, kind: 'outflow' },
        { block: 210n, logIndex: 9, balance: 661n, delta: 1n, kind: 'inflow' },
      ],
      rounds,
    );
    expect(ledger).toEqual([
      { round: 10n, opening: 700n, treasuryRewards: 60n, otherInflows: 0n, outflows: 0n, closing: 760n, cutRate: 10n ** 26n },
      { round: 11n, opening: 760n, treasuryRewards: 0n, otherInflows: 1n, outflows: 100n, closing: 661n, cutRate: 0n },
    ]);
    expect(ceilingStatus(760n, 750n, 10n ** 26n, 10n ** 26n)).toEqual({ balance: 760n, ceiling: 750n, cutRate: 10n ** 26n, nextCutRate: 0n, atCeiling: true, headroom: 0n });
    expect(ceilingStatus(700n, 750n, 10n ** 26n, 10n ** 26n).headroom).toBe(50n);
  });

  it('forecasts inflows per band, stops the cut at the ceiling and computes the runway', () => {
    expect(percentilePpm([900_000n, 500_000n, 1_000_000n, 800_000n], 10)).toBe(500_000n);
    expect(percentilePpm([900_000n, 500_000n, 1_000_000n, 800_000n], 50)).toBe(800_000n);
    expect(percentilePpm([], 50)).toBe(1_000_000n);
    expect(callSharePpm(3n, 4n)).toBe(750_000n);
    // Supply 1,000,000 LPT, inflation 0.1% per round rising by 0.01%; share 100%; cut 10%; ceiling 1,300 LPT.
    const f = forecastTreasury({
      round: 100n,
      balance: 1_000n * LPT,
      supply: 1_000_000n * LPT,
      inflation: 1_000_000n,
      inflationChange: 100_000n,
      direction: 1,
      cutRate: 10n ** 26n,
      ceiling: 1_300n * LPT,
      callSharesPpm: [1_000_000n],
      spendPerRound: 0n,
      rounds: 3,
    });
    // Round 101: inflation 0.0011 → mintable 1100 LPT → inflow 110 → balance 1110.
    expect(f.rounds[0]).toMatchObject({ round: 101n, mintable: 1_100n * LPT, inflow: { mid: 110n * LPT }, balance: { mid: 1_110n * LPT } });
    // Round 102: supply 1,001,100 × 0.0012 = 1201.32 → inflow 120.132 → 1230.132 LPT.
    expect(f.rounds[1]!.inflow.mid).toBe(120_132n * 10n ** 15n);
    // Round 103: supply 1,002,301.32 × 0.0013 = 1302.991716 → inflow 130.2991716 → 1360.4311716 ≥ ceiling.
    expect(f.rounds[2]!.balance.mid).toBe(13_604_311_716n * 10n ** 11n);
    const g = forecastTreasury({ round: 100n, balance: 1_000n * LPT, supply: 1_000_000n * LPT, inflation: 1_000_000n, inflationChange: 0n, direction: 0, cutRate: 0n, ceiling: null, callSharesPpm: [], spendPerRound: 300n * LPT, rounds: 10 });
    // No income: 1000 pays 300 three times; the fourth round cannot be paid.
    expect(g.runwayRounds).toEqual({ low: 3, mid: 3, high: 3 });
    expect(g.runwayWithoutIncome).toBe(3n);
  });

  it('orders the bands by balance when the highest call share reaches the ceiling first and stops earning', () => {
    // Balance 1,290 LPT, ceiling 1,300, spending 60 LPT a round: the 100% share (inflow 100) crosses the ceiling in
    // round 1 and earns nothing after, so it drains; the 50% share (inflow ≈ 50) never reaches it and keeps earning.
    const f = forecastTreasury({
      round: 100n, balance: 1_290n * LPT, supply: 1_000_000n * LPT, inflation: 1_000_000n, inflationChange: 0n, direction: 0, cutRate: 10n ** 26n,
      ceiling: 1_300n * LPT, callSharesPpm: [500_000n, 500_000n, 1_000_000n, 1_000_000n, 1_000_000n], spendPerRound: 60n * LPT, rounds: 40,
    });
    for (const r of f.rounds) {
      expect(r.balance.low).toBeLessThanOrEqual(r.balance.mid);
      expect(r.balance.mid).toBeLessThanOrEqual(r.balance.high);
      expect(r.inflow.low).toBeLessThanOrEqual(r.inflow.high);
    }
    // The full share ends drained (the low band), the 50% share still above 880 LPT (the high band).
    const last = f.rounds[f.rounds.length - 1]!;
    expect(last.balance.low).toBe(0n);
    expect(last.balance.high).toBeGreaterThan(880n * LPT);
    // 1,330 LPT after round 1 pays 60 a round for 22 more rounds: the shortest runway is 23 rounds; the 50% share lasts.
    expect(f.runwayRounds).toEqual({ low: 23, mid: 23, high: null });
  });
});

const LABELER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

describe('treasury over a simulated network', () => {
  let client: Awaited<ReturnType<typeof governanceChain>>['client'];
  let dir: string;
  beforeAll(async () => {
    ({ client } = await governanceChain());
    dir = mkdtempSync(path.join(tmpdir(), 'atlas-budget-'));
  }, 600_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const balanceAt = (block: bigint) =>
    client.readContract({ address: CONTRACTS.LivepeerToken.address, abi: VIEWS, functionName: 'balanceOf', args: [CONTRACTS.Treasury.address], blockNumber: block }) as Promise<bigint>;

  describe.each(dbKinds)('indexed into %s', (kind) => {
    let db: TestDb;
    let get: Awaited<ReturnType<typeof indexedApi>>['get'];
    let getWith: Awaited<ReturnType<typeof indexedApi>>['getWith'];
    beforeAll(async () => {
      ({ db, get, getWith } = await indexedApi(kind));
    }, 600_000);
    afterAll(async () => {
      await db?.close();
    });

    it('treasury balance equals LivepeerToken.balanceOf(treasury) at every block where it changed and at every round start', async () => {
      const { body: ledger } = await get('/api/v1/treasury/ledger');
      const entries = ledger.data as J[];
      expect(entries.length).toBeGreaterThan(50);
      const lastInBlock = new Map<number, string>();
      for (const e of entries) lastInBlock.set(e.blockNumber, e.balance.wei);
      for (const [block, bal] of lastInBlock) expect((await balanceAt(BigInt(block))).toString()).toBe(bal);
      const { body: t } = await get('/api/v1/treasury');
      const rounds = (await sql<J>`select round::text, block_number::text as b from protocol_round order by round`.execute(db.db)).rows;
      expect(t.rounds).toHaveLength(rounds.length);
      for (const [i, r] of rounds.entries()) {
        const row = t.rounds[i];
        expect(row.round).toBe(Number(r.round));
        // The round's opening balance is the balance at the end of the block before its first block's changes.
        expect(row.opening.wei).toBe((await balanceAt(BigInt(r.b) - 1n)).toString());
        expect(BigInt(row.opening.wei) + BigInt(row.treasuryRewards.wei) + BigInt(row.otherInflows.wei) - BigInt(row.outflows.wei)).toBe(BigInt(row.closing.wei));
      }
      const head = await client.getBlockNumber();
      expect(t.balance.wei).toBe((await balanceAt(head)).toString());
    });

    it('outflows are the executed grants, matched to their proposals and decoded amounts', async () => {
      const abi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);
      const executed = (await sql<J>`select id, calldatas from proposal where executed_block is not null`.execute(db.db)).rows;
      const grants = executed
        .map((p) => ({ id: String(p.id), data: (p.calldatas as string[])[0]! }))
        .filter((p) => p.data.startsWith('0xa9059cbb'))
        .map((p) => ({ id: p.id, args: decodeFunctionData({ abi, data: p.data as `0x${string}` }).args }));
      expect(grants.length).toBeGreaterThanOrEqual(1);
      const { body } = await get('/api/v1/treasury/ledger?kind=outflow');
      const out = body.data as J[];
      expect(out).toHaveLength(grants.length);
      for (const g of grants) {
        const e = out.find((x) => x.proposalId === g.id)!;
        expect(e.counterparty).toBe(g.args[0].toLowerCase());
        expect(e.delta.wei).toBe((-g.args[1]).toString());
      }
      const { body: t } = await get('/api/v1/treasury');
      expect(t.totals.outflows.wei).toBe(grants.reduce((a, g) => a + g.args[1], 0n).toString());
      expect(t.totals.treasuryRewards.wei).toBe((await sql<J>`select sum(treasury_rewards)::text as s from protocol_round`.execute(db.db)).rows[0]!.s);
      // The ceiling zeroed the cut in the simulated history, and LIP-101 restored 10% for the next round.
      expect(t.ceiling.wei).toBe((750_000n * LPT).toString());
      expect(t.rounds.some((r: J) => r.cutRate === '0')).toBe(true);
    });

    it('budget vs actuals from the budget file, with signed labels', async () => {
      expect((await get('/api/v1/treasury/budget')).res.status).toBe(404);
      const grants = (await get('/api/v1/treasury/ledger?kind=outflow')).body.data as J[];
      expect(grants.length).toBeGreaterThanOrEqual(1);
      const total = grants.reduce((a, g) => a - BigInt(g.delta.wei), 0n);
      const account = privateKeyToAccount(LABELER_KEY);
      const file = path.join(dir, `budget-${kind}.yaml`);
      // Without the example's grant recipients, so every grant starts uncategorized and the labels decide.
      const withLabeler = EXAMPLE.replace('labelers: []', `labelers:\n  - ${account.address}`).replace(/^ *recipients: .*\n/gm, '');
      writeFileSync(file, withLabeler);
      const withBudget = getWith({ budgetFile: file });
      const b1 = await withBudget('/api/v1/treasury/budget');
      expect(b1.res.status).toBe(200);
      expect(b1.body.uncategorized.wei).toBe(total.toString());
      expect(b1.body.totals.spent.wei).toBe('0');

      // Signed labels tag every grant as "grants"; each rejection case leaves nothing stored.
      const types = { SpendLabel: [{ name: 'proposalId', type: 'uint256' }, { name: 'category', type: 'string' }, { name: 'labeler', type: 'address' }, { name: 'issuedAt', type: 'uint64' }] };
      for (const [i, g] of grants.entries()) {
        const msg = { proposalId: BigInt(g.proposalId), category: 'grants', labeler: account.address, issuedAt: 1000n + BigInt(i) };
        const signature = await account.signTypedData({ domain: atlasDomain(31337), types, primaryType: 'SpendLabel', message: msg });
        const post = (over: J = {}) => withBudget('/api/v1/treasury/labels', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ proposalId: g.proposalId, category: 'grants', labeler: account.address, issuedAt: 1000 + i, signature, ...over }) });
        const forged = await post({ issuedAt: 5000 });
        expect(forged.res.status).toBe(401);
        expect(forged.body.error.message).toContain('not by the claimed signer');
        expect((await post({ labeler: '0x00000000000000000000000000000000000000aa' })).res.status).toBe(403);
        expect((await post({ category: 'nope' })).res.status).toBe(422);
        expect((await post({ proposalId: '1' })).res.status).toBe(404);
        expect((await post({ signature: '0x12' })).res.status).toBe(400);
        expect((await sql<J>`select count(*)::int as n from spend_label`.execute(db.db)).rows[0]!.n).toBe(i);
        expect((await post()).res.status).toBe(200);
        expect((await post()).res.status).toBe(409); // same issuedAt again
      }
      const b2 = await withBudget('/api/v1/treasury/budget');
      expect(b2.body.uncategorized.wei).toBe('0');
      for (const g of grants) expect((b2.body.spends as J[]).find((s) => s.proposalId === g.proposalId)).toMatchObject({ category: 'grants', categorySource: 'signed-label' });
      const spentIn = (body: J, c: string) => (body.lines as J[]).filter((l) => l.category === c).reduce((a, l) => a + BigInt(l.spent.wei), 0n);
      expect(spentIn(b2.body, 'grants')).toBe(total);

      // The budget's own proposal list takes precedence over a label.
      const first = grants[0]!;
      writeFileSync(file, withLabeler.replace('proposals: {}', `proposals:\n  "${first.proposalId}": spe`));
      const b3 = await withBudget('/api/v1/treasury/budget');
      expect((b3.body.spends as J[]).find((s) => s.proposalId === first.proposalId)).toMatchObject({ category: 'spe', categorySource: 'budget-proposal' });
      expect(spentIn(b3.body, 'spe')).toBe(-BigInt(first.delta.wei));
      expect(spentIn(b3.body, 'grants')).toBe(total + BigInt(first.delta.wei));
      expect(b3.body.totals.spent.wei).toBe(total.toString());
      const csv = await withBudget('/api/v1/treasury/budget?format=csv');
      expect(csv.text.trim().split('\r\n')).toHaveLength(1 + 3 * 2);

      // An invalid file is rejected whole with file:line messages.
      writeFileSync(file, EXAMPLE.replace('      2025-07: 60000', '      2025-08: 60000'));
      const bad = await withBudget('/api/v1/treasury/budget');
      expect(bad.res.status).toBe(422);
      expect(bad.body.error.message).toContain(`${file}:21: categories/0/amounts/2025-08: unknown period "2025-08"`);
      expect(bad.body.error.details.issues[0]).toMatchObject({ line: 21, path: 'categories/0/amounts/2025-08' });
    });

    it('validates a posted budget file', async () => {
      const post = (text: string, type = 'application/yaml', q = '') => get(`/api/v1/treasury/budget/validate${q}`, { method: 'POST', headers: { 'content-type': type }, body: text });
      const ok = await post(EXAMPLE);
      expect(ok.body).toEqual({ ok: true, issues: [], summary: { version: 1, name: 'Example treasury budget', periods: 2, categories: 3 } });
      const bad = await post(VALID.replace('version: 2', 'version: 0'), 'application/yaml', '?file=mine.yaml');
      expect(bad.body.ok).toBe(false);
      expect(bad.body.issues[0].text).toBe('mine.yaml:1: version: must be a whole number from 1');
      expect((await post('{}', 'image/png')).res.status).toBe(415);
      expect((await post(EXAMPLE, 'application/yaml', '?file=../x y')).res.status).toBe(400);
    });

    it('forecasts income with a fan and the runway under a spend', async () => {
      const { body } = await get('/api/v1/treasury/forecast?rounds=400&spendPerRound=50000');
      expect(body.rounds).toHaveLength(400);
      expect(body.spendSource).toBe('query');
      for (const r of body.rounds) {
        expect(BigInt(r.inflow.low.wei)).toBeLessThanOrEqual(BigInt(r.inflow.mid.wei));
        expect(BigInt(r.inflow.mid.wei)).toBeLessThanOrEqual(BigInt(r.inflow.high.wei));
      }
      const t = (await get('/api/v1/treasury')).body;
      expect(body.balance.wei).toBe(t.balance.wei);
      expect(body.runwayWithoutIncome).toBe(Number(BigInt(t.balance.wei) / (50_000n * LPT)));
      // Income can only lengthen the runway, and more reward calls more so.
      expect(body.runwayRounds.mid).toBeGreaterThanOrEqual(body.runwayWithoutIncome);
      expect(body.runwayRounds.high).toBeGreaterThanOrEqual(body.runwayRounds.mid);
      expect(body.runwayRounds.mid).toBeGreaterThanOrEqual(body.runwayRounds.low);
      expect((await get('/api/v1/treasury/forecast?rounds=0')).res.status).toBe(400);
      expect((await get('/api/v1/treasury/forecast?spendPerRound=-5')).res.status).toBe(400);
      const csv = await get('/api/v1/treasury/forecast?rounds=3&format=csv');
      expect(csv.text.trim().split('\r\n')).toHaveLength(4);
    });
  });
});
