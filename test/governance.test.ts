import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCalendar } from '../src/analytics/calendar.js';
import { countedWeights, lipReferences, participation, pivotalVoters, replayTally, roundClock, roundStart, tallyProgress } from '../src/analytics/governance.js';
import type { Hono } from 'hono';
import { dbKinds, type TestDb } from './helpers/db.js';
import { CONTRACTS, governanceChain, indexedApi, VIEWS } from './helpers/treasuryChain.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const LPT = 10n ** 18n;
const A = '0x00000000000000000000000000000000000000a1';
const B = '0x00000000000000000000000000000000000000b2';
const D1 = '0x00000000000000000000000000000000000000d1';
const D2 = '0x00000000000000000000000000000000000000d2';

describe('governance analytics (hand-computed)', () => {
  it('quorum and quota progress use the governor floor order', () => {
    // for 300, against 201, abstain 10 (LPT-wei units); quorum 600; quota 60%.
    const p = tallyProgress({ forVotes: 300n, againstVotes: 201n, abstainVotes: 10n }, 600n, 600_000n);
    expect(p.totalVotes).toBe(511n);
    expect(p.quorumReached).toBe(false);
    expect(p.quorumShortfall).toBe(89n);
    expect(p.quotaThreshold).toBe(300n); // floor(501 * floor(600000*1e6/1e6) / 1e6) = floor(300.6) = 300
    expect(p.quotaReached).toBe(true);
    expect(p.passing).toBe(false);
    // for 100, against 200 at 50%: x more for-votes with 100 + x >= floor((300 + x)/2); x = 99 gives 199 >= floor(399/2) = 199.
    const q = tallyProgress({ forVotes: 100n, againstVotes: 200n, abstainVotes: 0n }, 10n, 500_000n);
    expect(q.quotaReached).toBe(false);
    expect(q.quotaShortfall).toBe(99n);
    // 198 against 200: floor(398/2) = 199 > 198; one more: 199 >= floor(399/2).
    expect(tallyProgress({ forVotes: 198n, againstVotes: 200n, abstainVotes: 0n }, 0n, 500_000n).quotaShortfall).toBe(1n);
    expect(tallyProgress({ forVotes: 199n, againstVotes: 200n, abstainVotes: 0n }, 0n, 500_000n).quotaReached).toBe(true);
  });

  it('a delegator vote moves its weight out of its orchestrator, in either order', () => {
    // A (orchestrator, 1000 with 300 from D1 and 200 from D2) votes for; D1 votes against before A, D2 abstains after.
    const votes = [
      { voter: D1, delegate: A, support: 0, weight: 300n * LPT },
      { voter: A, delegate: A, support: 1, weight: 1000n * LPT },
      { voter: D2, delegate: A, support: 2, weight: 200n * LPT },
      { voter: B, delegate: B, support: 0, weight: 400n * LPT },
    ];
    expect(replayTally(votes)).toEqual({ forVotes: 500n * LPT, againstVotes: 700n * LPT, abstainVotes: 200n * LPT });
    const c = countedWeights(votes);
    expect(c.get(A)).toBe(500n * LPT);
    expect(c.get(D1)).toBe(300n * LPT);
    expect([...c.values()].reduce((a, b) => a + b, 0n)).toBe(1400n * LPT);
  });

  it('pivotal votes are those whose removal flips the outcome', () => {
    // Quorum 1000, quota 50%. A for 600, B against 500: passes (600 ≥ 550) and quorum 1100 ≥ 1000.
    const votes = [
      { voter: A, delegate: A, support: 1, weight: 600n },
      { voter: B, delegate: B, support: 0, weight: 500n },
    ];
    // Without A: 0 for → fails. Without B: quorum 600 < 1000 → fails. Both pivotal.
    expect([...pivotalVoters(votes, 1000n, 500_000n)].sort()).toEqual([A, B]);
    // With quorum 500, removing B leaves A alone (passes): only A is pivotal.
    expect([...pivotalVoters(votes, 500n, 500_000n)]).toEqual([A]);
  });

  it('pivotal votes by closed form equal removing each vote and replaying the tally (random vote sets)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
    for (let k = 0; k < 300; k++) {
      const orchs = 1 + Math.floor(rnd() * 4);
      const votes: { voter: string; delegate: string; support: number; weight: bigint }[] = [];
      for (let i = 0; i < 2 + Math.floor(rnd() * 12); i++) {
        const o = addr(Math.floor(rnd() * orchs));
        const self = rnd() < 0.4;
        const voter = self ? o : addr(100 + i);
        if (votes.some((v) => v.voter === voter)) continue;
        votes.push({ voter, delegate: o, support: Math.floor(rnd() * 3), weight: BigInt(self ? 1000 + Math.floor(rnd() * 1000) : 1 + Math.floor(rnd() * 100)) });
      }
      // An orchestrator's weight includes its delegators' stake, as getVotes does.
      for (const v of votes) if (v.voter === v.delegate) v.weight += votes.filter((x) => x.delegate === v.voter && x.voter !== v.voter).reduce((a, x) => a + x.weight, 0n);
      const quorum = BigInt(Math.floor(rnd() * 3000));
      const outcome = (vs: typeof votes) => {
        const p = tallyProgress(replayTally(vs), quorum, 500_000n);
        return p.passing;
      };
      const slow = votes.filter((_, i) => outcome(votes.filter((_, j) => j !== i)) !== outcome(votes)).map((v) => v.voter);
      expect([...pivotalVoters(votes, quorum, 500_000n)].sort()).toEqual(slow.sort());
    }
  });

  it('participation counts proposals opened after activation, plus any voted on', () => {
    const ps = [
      { id: '1', voteStart: 10n, votingOpened: true },
      { id: '2', voteStart: 20n, votingOpened: true },
      { id: '3', voteStart: 30n, votingOpened: true },
      { id: '4', voteStart: 40n, votingOpened: false },
    ];
    expect(participation(15n, ps, new Set(['2']))).toEqual({ eligible: 2, voted: 1, rate: 0.5 });
    expect(participation(15n, ps, new Set(['1', '2', '3']))).toEqual({ eligible: 3, voted: 3, rate: 1 });
    expect(participation(null, ps, new Set())).toEqual({ eligible: 0, voted: 0, rate: null });
  });

  it('dates rounds from their start blocks and extrapolates future rounds by the median length', () => {
    const clock = roundClock([
      { round: 100n, time: 1000 },
      { round: 101n, time: 1100 },
      { round: 102n, time: 1300 },
      { round: 104n, time: 1500 }, // a skipped round: 100 s per round
    ]);
    expect(clock.medianLength).toBe(100);
    expect(roundStart(clock, 101n)).toEqual({ time: 1100, estimated: false });
    expect(roundStart(clock, 107n)).toEqual({ time: 1800, estimated: true });
  });

  it('finds LIP references and builds the calendar in chain order', () => {
    expect(lipReferences('# LIP-101: restore\nsee lip 92 and LIP#89, not LIPS-1 or LIP-101 again')).toEqual([89, 92, 101]);
    const cal = buildCalendar(
      [
        { block: 1n, logIndex: 3, name: 'BondingManager', id: '0x01', address: '0xaa', gitCommitHash: '0x1234567890abcdef' },
        { block: 9n, logIndex: 0, name: 'BondingManager', id: '0x01', address: '0xbb', gitCommitHash: '0xfedcba' },
      ],
      [
        { block: 2n, logIndex: 1, contract: 'BondingManager', param: 'treasuryBalanceCeiling', value: '750' },
        { block: 9n, logIndex: 5, contract: 'BondingManager', param: 'treasuryBalanceCeiling', value: '900' },
      ],
      [{ id: '7', title: 'Raise', description: 'Implements LIP-99', createdBlock: 5n, executedBlock: 9n, canceledBlock: null }],
      (b) => ({ time: Number(b) * 10, round: b / 2n }),
    );
    expect(cal.map((e) => e.kind)).toEqual(['contract-registered', 'parameter-change', 'proposal-created', 'contract-upgrade', 'parameter-change', 'proposal-executed']);
    const change = cal[4]!;
    expect(change).toMatchObject({ value: '900', previousValue: '750', proposalId: '7', lips: [99], time: 90, round: 4n });
    expect(cal[3]!.title).toContain('upgraded to 0xbb');
    // Two proposals executed in one block: the change goes to the one whose calls set that parameter.
    const shared = buildCalendar(
      [],
      [{ block: 9n, logIndex: 5, contract: 'BondingManager', param: 'nextRoundTreasuryRewardCutRate', value: '1' }],
      [
        { id: '1', title: 'Grant', description: 'x', createdBlock: 5n, executedBlock: 9n, canceledBlock: null, sets: [] },
        { id: '2', title: 'Cut', description: 'LIP-101', createdBlock: 5n, executedBlock: 9n, canceledBlock: null, sets: ['nextRoundTreasuryRewardCutRate'] },
      ],
      () => ({ time: null, round: null }),
    );
    expect(shared.find((e) => e.kind === 'parameter-change')).toMatchObject({ proposalId: '2', lips: [101] });
  });
});

const STATE_NAMES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'];

describe('governance over a simulated governor', () => {
  let client: Awaited<ReturnType<typeof governanceChain>>['client'];
  beforeAll(async () => {
    ({ client } = await governanceChain());
  }, 600_000);

  const gov = (functionName: 'proposalVotes' | 'state' | 'quorum' | 'hasVoted' | 'quota', args: readonly unknown[]) =>
    client.readContract({ address: CONTRACTS.LivepeerGovernor.address, abi: VIEWS, functionName, args } as never) as Promise<unknown>;

  describe.each(dbKinds)('indexed into %s', (kind) => {
    let db: TestDb;
    let app: Hono;
    let get: Awaited<ReturnType<typeof indexedApi>>['get'];
    beforeAll(async () => {
      ({ db, app, get } = await indexedApi(kind));
    }, 600_000);
    afterAll(async () => {
      await db?.close();
    });

    it('tallies, quorum and state equal the governor’s own views for passing, failing, below-quorum and overridden votes', async () => {
      const { res, body } = await get('/api/v1/governance/proposals');
      expect(res.status).toBe(200);
      const list = body.data as J[];
      expect(list.length).toBeGreaterThanOrEqual(5);
      const quota = (await gov('quota', [])) as bigint;
      for (const p of list) {
        const [against, forV, abstain] = (await gov('proposalVotes', [BigInt(p.id)])) as [bigint, bigint, bigint];
        expect(p.votes.for.wei).toBe(forV.toString());
        expect(p.votes.against.wei).toBe(against.toString());
        expect(p.votes.abstain.wei).toBe(abstain.toString());
        expect(p.progress.quorum.wei).toBe(((await gov('quorum', [BigInt(p.voteStart)])) as bigint).toString());
        expect(STATE_NAMES[Number(await gov('state', [BigInt(p.id)]))]).toBe(p.status);
        // The quota threshold as the contract floors it, by hand.
        expect(p.progress.quotaThreshold.wei).toBe((((forV + against) * ((quota * 1_000_000n) / 1_000_000n)) / 1_000_000n).toString());
        expect(p.progress.quotaReached).toBe(forV >= BigInt(p.progress.quotaThreshold.wei));
      }
      // Every outcome the brief asks for is present.
      const outcome = (p: J) => (p.status === 'executed' ? 'passed' : p.status === 'defeated' ? (p.progress.quorumReached ? 'failed' : 'below-quorum') : p.status);
      const outcomes = new Set(list.map(outcome));
      expect(outcomes.has('passed')).toBe(true);
      expect(outcomes.has('failed')).toBe(true);
      expect(outcomes.has('below-quorum')).toBe(true);
      // Summing VoteCast weights would double count overridden stake: the API must not.
      let overridden = 0;
      for (const p of list) {
        const { body: d } = await get(`/api/v1/governance/proposals/${p.id}`);
        const votes = d.votes as J[];
        for (const v of votes) expect(await gov('hasVoted', [BigInt(p.id), v.voter])).toBe(true);
        const counted = votes.reduce((a, v) => a + BigInt(v.counted.wei), 0n);
        expect(counted.toString()).toBe(p.progress.totalVotes.wei);
        if (votes.some((v) => v.overrides)) {
          overridden++;
          const raw = votes.reduce((a, v) => a + BigInt(v.weight.wei), 0n);
          expect(raw).toBeGreaterThan(counted);
          const orch = votes.find((v) => BigInt(v.overridden.wei) > 0n);
          expect(orch).toBeDefined();
          const deducted = votes.filter((v) => v.delegate === orch!.voter && v.voter !== orch!.voter).reduce((a, v) => a + BigInt(v.weight.wei), 0n);
          expect(orch!.overridden.wei).toBe(deducted.toString());
        }
        expect(d.proposal.timeline[0].event).toBe('created');
        expect(d.proposal.timeline.find((t: J) => t.event === 'voting-opens').round).toBe(p.voteStart + 1);
        if (p.status === 'executed') expect(d.proposal.timeline.find((t: J) => t.event === 'executed').time).toBeGreaterThan(0);
      }
      expect(overridden).toBeGreaterThanOrEqual(1);
    });

    it('decodes proposal actions: grants as LPT transfers, LIP-101 as the cut restoration', async () => {
      const { body } = await get('/api/v1/governance/proposals');
      const restore = (body.data as J[]).find((p) => p.lips.includes(101))!;
      expect(restore.actions).toEqual([expect.objectContaining({ kind: 'set-treasury-cut', value: (10n ** 26n).toString(), target: CONTRACTS.BondingManager.address.toLowerCase() })]);
      expect(restore.outflow.wei).toBe('0');
      const grant = (body.data as J[]).find((p) => /SPE grant/.test(p.title))!;
      const amount = BigInt(/(\d+) LPT/.exec(grant.title)![1]!) * LPT;
      expect(grant.actions[0]).toMatchObject({ kind: 'lpt-transfer', amount: { wei: amount.toString() } });
      expect(grant.outflow.wei).toBe(amount.toString());
    });

    it('delegate voting records agree with the stored votes', async () => {
      const [top] = (await sql<J>`select voter, count(*)::int as n from vote where voter = delegate group by voter order by n desc, voter limit 1`.execute(db.db)).rows;
      const { res, body } = await get(`/api/v1/governance/delegates/${top!.voter}`);
      expect(res.status).toBe(200);
      expect(body.voted).toBe(top!.n);
      expect(body.votes.filter((v: J) => v.support !== null)).toHaveLength(top!.n);
      expect(body.participation).toBeCloseTo(body.voted / body.eligible, 9);
      expect(body.label).toMatch(/^orchestrator/);
      const all = await get('/api/v1/governance/delegates');
      const row = (all.body.data as J[]).find((r) => r.address === top!.voter);
      expect(row).toMatchObject({ voted: body.voted, eligible: body.eligible });
      const csv = await get(`/api/v1/governance/delegates/${top!.voter}?format=csv`);
      expect(csv.res.headers.get('content-type')).toContain('text/csv');
      expect(csv.text.trim().split('\r\n')).toHaveLength(body.votes.length + 1);
    });

    it('calendar lists the registrations, the parameter changes with values and the LIP-101 change', async () => {
      const { body } = await get('/api/v1/calendar');
      const entries = body.data as J[];
      const [{ n }] = (await sql<J>`select count(*)::int as n from contract_info`.execute(db.db)).rows as J[];
      expect(entries.filter((e) => e.kind === 'contract-registered' || e.kind === 'contract-upgrade')).toHaveLength(n);
      const cuts = entries.filter((e) => e.kind === 'parameter-change' && e.param === 'nextRoundTreasuryRewardCutRate');
      expect(cuts.length).toBeGreaterThanOrEqual(2);
      const restored = cuts[cuts.length - 1]!;
      // Restored from 0: the ceiling had zeroed the cut without any ParameterUpdate.
      expect(restored).toMatchObject({ value: (10n ** 26n).toString(), previousValue: '0', lips: [101] });
      expect(restored.proposalId).not.toBeNull();
      expect(restored.time).toBeGreaterThan(0);
      const csv = await get('/api/v1/calendar?format=csv');
      expect(csv.text.split('\r\n')[0]).toBe('block,time,round,kind,title,contract,param,value,previous_value,proposal_id,lips');
    });

    it('GraphQL answers the same progress, treasury status, calendar and participation as REST', async () => {
      const gql = async (query: string) => {
        const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        return ((await res.json()) as J).data as J;
      };
      const rest = (await get('/api/v1/governance/proposals')).body.data as J[];
      const g = await gql('{ proposalProgresses { id status forVotes quorum quorumReached quotaThreshold passing lips } treasuryStatus { balance cutRate earmarked } protocolCalendar(kind: "parameter-change") { param value } }');
      expect(g.proposalProgresses).toHaveLength(rest.length);
      for (const p of rest) {
        expect(g.proposalProgresses.find((x: J) => x.id === p.id)).toEqual({
          id: p.id,
          status: p.status,
          forVotes: p.votes.for.formatted,
          quorum: p.progress.quorum.formatted,
          quorumReached: p.progress.quorumReached,
          quotaThreshold: p.progress.quotaThreshold.formatted,
          passing: p.progress.passing,
          lips: p.lips,
        });
      }
      const t = (await get('/api/v1/treasury')).body;
      expect(g.treasuryStatus).toEqual({ balance: t.balance.formatted, cutRate: t.cutRate, earmarked: t.earmarked.formatted });
      const cal = (await get('/api/v1/calendar?kind=parameter-change')).body.data as J[];
      expect(g.protocolCalendar).toEqual(cal.map((e) => ({ param: e.param, value: e.value })));
      const top = ((await get('/api/v1/governance/delegates')).body.data as J[])[0]!;
      const d = await gql(`{ delegateParticipation(id: "${top.address}") { id eligible voted participation } }`);
      expect(d.delegateParticipation).toEqual({ id: top.address, eligible: top.eligible, voted: top.voted, participation: top.participation });
    });

    it('rejects bad input with clear errors', async () => {
      expect((await get('/api/v1/governance/proposals/123')).res.status).toBe(404);
      const bad = await get('/api/v1/governance/proposals/abc');
      expect(bad.res.status).toBe(400);
      expect(bad.body.error.message).toContain('must be a decimal proposal id');
      expect((await get('/api/v1/governance/proposals?status=won')).res.status).toBe(400);
      expect((await get('/api/v1/governance/delegates/0x12')).res.status).toBe(400);
      expect((await get('/api/v1/calendar?format=xml')).res.status).toBe(400);
      expect((await get('/api/v1/governance/proposals?foo=1')).body.error.message).toContain('unknown query parameter "foo"');
    });

    it('exports proposals and votes as CSV', async () => {
      const list = await get('/api/v1/governance/proposals?format=csv');
      expect(list.res.headers.get('content-type')).toContain('text/csv');
      const lines = list.text.trim().split('\r\n');
      const json = (await get('/api/v1/governance/proposals')).body.data as J[];
      expect(lines).toHaveLength(json.length + 1);
      const votes = await get(`/api/v1/governance/proposals/${json[0]!.id}/votes?format=csv`);
      expect(votes.text.trim().split('\r\n')).toHaveLength(json[0]!.voters + 1);
    });
  });
});
