import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFunctionData, parseAbi, parseAbiItem, type PublicClient } from 'viem';
import { simulatorNetwork } from '../src/chain/networks.js';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { tallyPoll, type PollVoterStake } from '../src/protocol/polls.js';
import { callTx } from '../src/sim/deploy.js';
import { ChainDriver } from '../src/sim/driver.js';
import { SimRpc } from '../src/sim/simRpc.js';
import { createApp } from '../src/api/index.js';
import { dbKinds, freezeTestDb, openTestDb, seedDataDir, type TestDb } from './helpers/db.js';
import { dumpProjections } from './helpers/dump.js';
import { runIndexChild } from './helpers/indexChild.js';
import { createDb, type DbConfigInput } from '../src/store/db.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forkChain, type SharedChain } from './helpers/chains.js';
import { governanceChain } from './helpers/treasuryChain.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access
const CONTRACTS = simulatorNetwork().contracts;
const BM = parseAbi([
  'function getDelegator(address) view returns (uint256 bondedAmount, uint256 fees, address delegateAddress, uint256 delegatedAmount, uint256 startRound, uint256 lastClaimRound, uint256 nextUnbondingLockId)',
  'function pendingStake(address, uint256) view returns (uint256)',
  'function transcoderStatus(address) view returns (uint8)',
  'function getTotalBonded() view returns (uint256)',
]);
const pollCreated = parseAbiItem('event PollCreated(address indexed poll, bytes proposal, uint256 endBlock, uint256 quorum, uint256 quota)');
const pollAbi = parseAbi(['function vote(uint256 _choiceID)']);
const voteEvent = parseAbiItem('event Vote(address indexed voter, uint256 choiceID)');

interface ChainPoll {
  address: string;
  block: number;
  endBlock: bigint;
  votes: { voter: string; choice: bigint; block: number; logIndex: number }[];
}

/** Polls and votes as the node reports them (eth_getLogs by address, no indexer involved). */
async function chainPolls(client: PublicClient): Promise<ChainPoll[]> {
  const created = await client.getLogs({ address: CONTRACTS.PollCreator.address, event: pollCreated, fromBlock: 0n });
  const out: ChainPoll[] = [];
  for (const c of created) {
    const votes = await client.getLogs({ address: c.args.poll!, event: voteEvent, fromBlock: 0n });
    out.push({
      address: c.args.poll!.toLowerCase(),
      block: Number(c.blockNumber),
      endBlock: c.args.endBlock!,
      votes: votes.map((v) => ({ voter: v.args.voter!.toLowerCase(), choice: v.args.choiceID!, block: Number(v.blockNumber), logIndex: v.logIndex })),
    });
  }
  return out;
}

/** The tally from the contracts' own views at the end of the block before the one that closed the poll. */
async function tallyFromChain(client: PublicClient, poll: ChainPoll, closingBlock: number, quorum: bigint, quota: bigint) {
  const blockNumber = BigInt(closingBlock - 1);
  const last = new Map<string, bigint>();
  for (const v of poll.votes) if (v.block < closingBlock) last.set(v.voter, v.choice);
  const stakes = new Map<string, PollVoterStake>();
  const read = <T>(functionName: 'getDelegator' | 'pendingStake' | 'transcoderStatus' | 'getTotalBonded', args: readonly unknown[]) =>
    client.readContract({ address: CONTRACTS.BondingManager.address, abi: BM, functionName, args, blockNumber } as never) as Promise<T>;
  for (const voter of last.keys()) {
    const d = await read<readonly [bigint, bigint, string, bigint, bigint, bigint, bigint]>('getDelegator', [voter]);
    const pending = await read<bigint>('pendingStake', [voter, 0n]);
    const registered = (await read<number>('transcoderStatus', [voter])) === 1;
    const delegate = d[2].toLowerCase();
    stakes.set(voter, {
      delegate: delegate === '0x0000000000000000000000000000000000000000' ? null : delegate,
      pendingStake: pending,
      orchestratorStake: registered && delegate === voter ? d[3] : null,
    });
  }
  const total = await read<bigint>('getTotalBonded', []);
  return { ...tallyPoll(last, (v) => stakes.get(v)!, total, quorum, quota), total };
}

describe('legacy polls (each poll a contract of its own)', () => {
  let sim: SharedChain;
  let client: PublicClient;
  let polls: ChainPoll[];

  beforeAll(async () => {
    sim = await governanceChain();
    client = sim.client;
    polls = await chainPolls(client);
  }, 300_000);

  it('the simulated network holds polls with votes, some voters voting twice', () => {
    expect(polls.length).toBeGreaterThanOrEqual(2);
    for (const p of polls) expect(p.votes.length).toBeGreaterThan(3);
    const revotes = polls.flatMap((p) => p.votes.map((v) => `${p.address}:${v.voter}`));
    expect(new Set(revotes).size).toBeLessThan(revotes.length);
  });

  describe.each(dbKinds)('indexed into %s', (kind) => {
    let db: TestDb;
    afterAll(async () => {
      await db?.close();
    });

    // Small batches: a poll's creation and its votes land in different batches (and in prefetched ones).
    for (const batchBlocks of [7, 100_000]) {
      it(`every vote of every poll is indexed, and tallies equal the contracts' stake (batches of ${batchBlocks} blocks)`, async () => {
        await db?.close();
        db = await openTestDb(kind, { migrate: true });
        const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: sim.network, confirmations: 0, batchBlocks, extensions: [] });
        await indexer.backfill();

        const children = await sql<{ address: string; from_block: string }>`select address, from_block from sync_child where source = 'PollCreator' order by from_block`.execute(db.db);
        expect(children.rows.map((r) => [r.address, Number(r.from_block)])).toEqual(polls.map((p) => [p.address, p.block]));

        const votes = await sql<{ a1: string; a2: string; block_number: string; log_index: number; args: unknown }>`
          select a1, a2, block_number, log_index, args from chain_event where contract = 'Poll' and name = 'Vote' order by block_number, log_index`.execute(db.db);
        const expected = polls.flatMap((p) => p.votes.map((v) => [p.address, v.voter, v.block, v.logIndex])).sort((x, y) => (x[2] as number) - (y[2] as number) || (x[3] as number) - (y[3] as number));
        expect(votes.rows.map((r) => [r.a2, r.a1, Number(r.block_number), r.log_index])).toEqual(expected);

        const tallies = await sql<Record<string, string | number | boolean>>`select * from poll_tally order by block_number`.execute(db.db);
        expect(tallies.rows.length).toBe(polls.length);
        for (const row of tallies.rows) {
          const poll = polls.find((p) => p.address === row.poll)!;
          expect(BigInt(row.end_block as string)).toBe(poll.endBlock);
          const truth = await tallyFromChain(client, poll, Number(row.block_number), 333_300n, 500_000n);
          expect({ yes: BigInt(row.yes_stake as string), no: BigInt(row.no_stake as string), total: BigInt(row.total_stake as string), voters: row.voters, passed: row.passed }).toEqual({
            yes: truth.yes,
            no: truth.no,
            total: truth.total,
            voters: truth.voters,
            passed: truth.passed,
          });
          expect(truth.yes + truth.no).toBeGreaterThan(0n);
        }
      }, 300_000);
    }

    it('kill -9 at several points of a backfill across polls, then a restart, ends identical to the uninterrupted sync', async () => {
      const reference = await dumpProjections(db.db);
      const holder = kind === 'postgres' ? await openTestDb('postgres') : null;
      const dir = kind === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'atlas-poll-kill-')) : null;
      if (dir) await seedDataDir(dir);
      const config: DbConfigInput = holder ? holder.config : { kind: 'pglite', dataDir: dir! };
      try {
        const cfg = { db: config, rpcUrl: sim.rpcUrl, batchBlocks: 7, startBlock: sim.network.contracts.BondingManager.startBlock };
        let kills = 0;
        for (const after of [5, 12]) if ((await runIndexChild(cfg, after)).signal === 'SIGKILL') kills++;
        expect(kills).toBeGreaterThanOrEqual(2);
        const last = await runIndexChild(cfg);
        expect(last.signal, last.stderr).toBeNull();
        const again = await createDb(config);
        try {
          const got = await dumpProjections(again.db);
          expect(got.sync_child!.length).toBe(polls.length);
          expect(got).toEqual(reference);
        } finally {
          await again.close();
        }
      } finally {
        await holder?.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    }, 300_000);

    it('the API lists each poll with its votes, the counted vote per voter and the stored result', async () => {
      const app = createApp({ db: db.db, dbKind: kind, status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null });
      const list = (await (await app.request('/api/v1/governance/polls')).json()) as { data: J[] };
      expect(list.data.map((p) => p.address).sort()).toEqual(polls.map((p) => p.address).sort());
      const tallies = new Map((await sql<Record<string, string>>`select poll, yes_stake, no_stake from poll_tally`.execute(db.db)).rows.map((r) => [r.poll, r]));
      for (const p of polls) {
        const res = await app.request(`/api/v1/governance/polls/${p.address.toUpperCase().replace('0X', '0x')}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { poll: J; votes: J[] };
        expect(body.poll.status).toBe('ended');
        expect(body.poll.endBlock).toBe(Number(p.endBlock));
        expect(body.poll.proposalText).toMatch(/^lip-poll-\d+:/);
        expect(body.poll.tally.yes.wei).toBe(tallies.get(p.address)!.yes_stake);
        expect(body.poll.tally.no.wei).toBe(tallies.get(p.address)!.no_stake);
        expect(body.votes.map((v) => [v.voter, BigInt(v.choiceId), v.block])).toEqual(p.votes.map((v) => [v.voter, v.choice, v.block]));
        const counted = body.votes.filter((v) => v.counted);
        expect(counted.length).toBe(new Set(p.votes.map((v) => v.voter)).size);
        expect(body.poll.voters).toBe(counted.length);
        for (const c of counted) expect(c.choiceId).toBe(String([...p.votes].reverse().find((v) => v.voter === c.voter)!.choice));
      }
      const missing = await app.request('/api/v1/governance/polls/0x00000000000000000000000000000000000000ff');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as J).error.code).toBe('not_found');
      const bad = await app.request('/api/v1/governance/polls/0x123');
      expect(bad.status).toBe(400);
      const open = (await (await app.request('/api/v1/governance/polls?status=active')).json()) as { data: J[] };
      expect(open.data).toEqual([]);

      // GraphQL in the subgraph's shape: a Vote is a voter's current choice.
      const gql = await app.request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ polls { id endBlock quorum quota tally { yes no } votes { id voter choiceID } passed } }' }),
      });
      const g = (await gql.json()) as { data: { polls: J[] }; errors?: unknown };
      expect(g.errors).toBeUndefined();
      // The Graph orders by id when no orderBy is given; REST lists the newest poll first.
      expect(g.data.polls.map((p) => p.id)).toEqual(list.data.map((p) => p.address as string).sort());
      for (const gp of g.data.polls) {
        const rest = list.data.find((p) => p.address === gp.id)!;
        expect([gp.endBlock, gp.quorum, gp.quota, gp.tally.yes, gp.tally.no, gp.passed]).toEqual([String(rest.endBlock), String(rest.quorum), String(rest.quota), rest.tally.yes.formatted, rest.tally.no.formatted, rest.tally.passed]);
        const chain = polls.find((p) => p.address === gp.id)!;
        const lastChoice = new Map(chain.votes.map((v) => [v.voter, v.choice]));
        expect(gp.votes.length).toBe(lastChoice.size);
        for (const v of gp.votes) expect(v.choiceID).toBe(lastChoice.get(v.voter) === 0n ? 'Yes' : 'No');
      }
    });
  });

  it.each(dbKinds)('a reorg across a poll created and voted on the unconfirmed tip leaves %s equal to a fresh sync', async (kind) => {
    const confirmations = 4;
    // Mining happens on a node of this test's own, on top of the shared chain.
    const own = await forkChain('governance');
    const rpc = new SimRpc(own.rpcUrl);
    let db: TestDb | undefined;
    let fresh: TestDb | undefined;
    try {
      const head = await rpc.call<{ timestamp: `0x${string}` }>('eth_getBlockByNumber', ['latest', false]);
      let time = Number(head.timestamp);
      for (let i = 0; i < confirmations; i++) await rpc.call('evm_mine', [++time]);
      // The confirmed chain, the same before and after the reorg, is backfilled once; both databases start from it.
      const seed = await openTestDb(kind, { migrate: true });
      const seeded = new ProtocolIndexer({ db: seed.db, rpcUrl: own.rpcUrl, network: own.network, confirmations, extensions: [] });
      await seeded.backfill().catch(async (e: unknown) => {
        await seed.close();
        throw e;
      });
      const synced = await freezeTestDb(seed);
      db = await synced();
      fresh = await synced();
      const reorgs: number[] = [];
      const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: own.rpcUrl, network: own.network, confirmations, extensions: [], onReorg: (r) => reorgs.push(r.depth) });
      await indexer.backfill();
      await indexer.engine.syncOnce();
      const fork = await rpc.call<string>('evm_snapshot', []);
      const d = sim.deployment;
      const orchs = sim.population.orchestrators.slice(0, 6).map((o) => o.address);
      /** A poll created in one block and voted on in the next, by voters and choices that differ per branch. */
      const branch = async (tag: string, voters: readonly `0x${string}`[], choice: number, extraBlocks: number) => {
        const driver = new ChainDriver(rpc, 150, true);
        await driver.init(time);
        const created = await driver.mine([callTx(d, orchs[0]!, 'PollCreator', 'createPoll', [`0x${Buffer.from(tag).toString('hex')}`], { kind: 'poll', what: 'create', poll: 0 })], ++time);
        const poll = `0x${created[0]!.logs[0]!.topics[1]!.slice(26)}` as `0x${string}`;
        const votes = voters.map((v) => ({ from: v, to: poll, data: encodeFunctionData({ abi: pollAbi, functionName: 'vote', args: [BigInt(choice)] }), tag: { kind: 'poll' as const, what: 'vote' as const, poll: 0 } }));
        const mined = await driver.mine(votes, ++time);
        expect(mined.every((m) => m.ok)).toBe(true);
        for (let i = 0; i < extraBlocks; i++) await rpc.call('evm_mine', [++time]);
      };
      await branch('branch-a', orchs.slice(0, 3), 0, 0);
      await indexer.engine.syncOnce();
      const seen = await sql<{ n: string }>`select count(*) as n from chain_event where contract = 'Poll'`.execute(db.db);
      await rpc.call('evm_revert', [fork]);
      await branch('branch-b', orchs.slice(2, 6), 1, 2);
      await indexer.engine.syncOnce();
      expect(reorgs.length).toBe(1);

      const other = new ProtocolIndexer({ db: fresh.db, rpcUrl: own.rpcUrl, network: own.network, confirmations, extensions: [] });
      await other.backfill();
      await other.engine.syncOnce();
      const [got, want] = await Promise.all([dumpProjections(db.db), dumpProjections(fresh.db)]);
      for (const table of Object.keys(want)) expect({ table, rows: got[table] }).toEqual({ table, rows: want[table] });
      // Branch a's three votes were indexed before the reorg; branch b's four replaced them.
      const after = await sql<{ n: string }>`select count(*) as n from chain_event where contract = 'Poll'`.execute(db.db);
      expect(Number(after.rows[0]!.n) - Number(seen.rows[0]!.n)).toBe(1);
      expect(got.sync_child!.length).toBe(polls.length + 1);
    } finally {
      await own.node.stop();
      await db?.close();
      await fresh?.close();
    }
  }, 300_000);
});
