import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, getNamedType, isEnumType, isInterfaceType, isObjectType, Kind, parse, print, type DefinitionNode, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/api/index.js';
import { buildSdl } from '../src/api/graphql/sdl.js';
import { viewAbi } from '../src/chain/abis.js';
import { eventTypeByName } from '../src/read/subgraph/events.js';
import { sharedChain } from './helpers/chains.js';
import { dbKinds } from './helpers/db.js';
import { indexedFixture, type IndexedFixture } from './e2e/fixture.js';

// The Livepeer subgraph's schema and the Livepeer Explorer's operations, vendored (vendor/README.md): /graphql must
// serve the first and answer every one of the second with data from the indexed simulator network.

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const subgraphSchema = readFileSync(path.join(repo, 'vendor/livepeer-subgraph/schema.graphql'), 'utf8');
const queriesDir = path.join(repo, 'vendor/livepeer-explorer-queries');

/** Every operation the Explorer sends, one document each (inline-operations.graphql holds four, two anonymous). */
export function explorerOperations(dir = queriesDir): { file: string; name: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .flatMap((file) => {
      const doc = parse(readFileSync(path.join(dir, file), 'utf8'));
      const frags = doc.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
      return doc.definitions
        .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
        .map((op, i) => ({ file, name: op.name?.value ?? `${file.replace('.graphql', '')}#${i}`, text: [op, ...frags].map((d) => print(d as DefinitionNode)).join('\n') }));
    });
}

// Where Atlas's type is deliberately looser than the subgraph's (documented in the README): null when unknown.
const NULLABLE_BY_DESIGN = new Set(['Protocol.lptPriceEth']);

const typeText = (t: TypeNode): string => (t.kind === Kind.NON_NULL_TYPE ? `${typeText(t.type)}!` : t.kind === Kind.LIST_TYPE ? `[${typeText(t.type)}]` : t.name.value);

// graph-node's plural of an entity name (its inflector: -y → -ies, -s/-sh/-ch/-x → -es).
const plural = (s: string) => (/[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : /(s|sh|ch|x)$/.test(s) ? `${s}es` : `${s}s`);

describe('the subgraph schema on /graphql', () => {
  const atlas = buildSchema(buildSdl());
  const doc = parse(subgraphSchema);

  it('has every type, field, enum value and query of the Livepeer subgraph, with compatible types', () => {
    const problems: string[] = [];
    for (const d of doc.definitions) {
      if (!('name' in d) || !d.name) continue;
      const name = d.name.value;
      const t = atlas.getType(name);
      if (!t) {
        problems.push(`missing type ${name}`);
        continue;
      }
      if (d.kind === Kind.ENUM_TYPE_DEFINITION) {
        if (!isEnumType(t)) problems.push(`${name} is not an enum`);
        else for (const v of d.values ?? []) if (!t.getValue(v.name.value)) problems.push(`missing ${name}.${v.name.value}`);
        continue;
      }
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
      if (!isObjectType(t) && !isInterfaceType(t)) {
        problems.push(`${name} is not an object type`);
        continue;
      }
      for (const i of d.interfaces ?? []) if (!t.getInterfaces().some((x) => x.name === i.name.value)) problems.push(`${name} does not implement ${i.name.value}`);
      const fields = t.getFields();
      for (const f of d.fields ?? []) {
        const af = fields[f.name.value];
        const want = typeText(f.type);
        if (!af) problems.push(`missing ${name}.${f.name.value}: ${want}`);
        else if (String(af.type) !== want && !(NULLABLE_BY_DESIGN.has(`${name}.${f.name.value}`) && `${String(af.type)}!` === want)) problems.push(`${name}.${f.name.value}: ${String(af.type)}, subgraph ${want}`);
      }
      const q = atlas.getQueryType()!.getFields();
      const single = name[0]!.toLowerCase() + name.slice(1);
      if (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_DEFINITION) {
        for (const qn of [single, plural(single)]) {
          if (!q[qn]) problems.push(`missing query ${qn}`);
          else for (const arg of qn === single ? ['id', 'block'] : ['first', 'skip', 'orderBy', 'orderDirection', 'where', 'block']) if (!q[qn]!.args.some((a) => a.name === arg)) problems.push(`query ${qn} has no ${arg}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('generates the filters and orderings graph-node generates', () => {
    const filter = atlas.getType('Transcoder_filter') as unknown as { getFields(): Record<string, { type: unknown }> };
    const names = Object.keys(filter.getFields());
    for (const n of ['id', 'id_in', 'totalStake_gt', 'totalStake_lte', 'totalStake_not_in', 'serviceURI_contains_nocase', 'serviceURI_not_starts_with_nocase', 'serviceURI_not_ends_with', 'status', 'status_in', 'delegator_', 'delegators_', 'pools_', 'and', 'or', '_change_block']) {
      expect(names, n).toContain(n);
    }
    expect(names).not.toContain('status_gt'); // an enum compares for equality only
    const order = atlas.getType('Pool_orderBy');
    expect(isEnumType(order) && order.getValues().map((v) => v.name)).toEqual(expect.arrayContaining(['id', 'delegate', 'delegate__totalStake', 'round__startTimestamp']));
    expect(String(getNamedType(atlas.getQueryType()!.getFields().transcoders!.type))).toBe('Transcoder');
  });
});

describe.each(dbKinds)('the Livepeer Explorer operations on %s', (kind) => {
  let fx: IndexedFixture;
  let app: ReturnType<typeof createApp>;
  const q = async (text: ReturnType<typeof sql<J>>) => (await text.execute(fx.db.db)).rows;
  const gql = async (query: string, variables: J = {}, operationName?: string) => {
    const res = await app.request('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables, operationName }) });
    return { status: res.status, body: (await res.json()) as J };
  };
  const rest = async (p: string) => (await (await app.request(p)).json()) as J;

  // Accounts of each kind and the governance objects the operations are asked about.
  const v: J = {};

  beforeAll(async () => {
    fx = await indexedFixture(kind);
    // A busy machine (several test runs at once) gets time: what is tested here is the answers, not their speed.
    app = createApp({ db: fx.db.db, dbKind: kind, status: () => ({ headBlock: fx.headBlock, indexedBlock: fx.headBlock, lagBlocks: 0, phase: 'live' }), rateLimit: false, webDir: null, requestTimeoutMs: 120_000 });
    const one = async (text: ReturnType<typeof sql<J>>) => (await q(text))[0] ?? {};
    v.orchestrator = (await one(sql<J>`select t.address from transcoder t join delegator d on d.address = t.address and d.delegate = t.address where t.total_stake > 0 order by t.total_stake desc limit 1`)).address;
    v.delegator = (await one(sql<J>`select address from delegator where bonded_amount > 0 and delegate <> address and jsonb_array_length(unbonding_locks) > 0 order by bonded_amount desc limit 1`)).address;
    v.gateway = (await one(sql<J>`select sender as address from winning_ticket group by sender order by count(*) desc limit 1`)).address;
    v.round = (await one(sql<J>`select max(round)::text as r from protocol_round`)).r;
    const vote = await one(sql<J>`select a1 as voter, a2 as poll from chain_event where name = 'Vote' order by block_number desc limit 1`);
    v.poll = vote.poll;
    v.voter = vote.voter;
    v.proposal = (await one(sql<J>`select id from proposal order by created_block desc limit 1`)).id;
    v.treasuryVoter = (await one(sql<J>`select voter from vote order by block_number desc limit 1`)).voter;
    v.firstDay = Number((await one(sql<J>`select min(block_time) as t from protocol_round`)).t);
    v.pastBlock = Number((await one(sql<J>`select block_number from protocol_round order by round desc offset 2 limit 1`)).block_number);
    for (const k of ['orchestrator', 'delegator', 'gateway', 'round', 'poll', 'voter', 'proposal', 'treasuryVoter']) expect(v[k], k).toBeTruthy();
  });
  afterAll(async () => {
    await fx?.db.close();
  });

  /** Realistic variables per operation (as the Explorer's pages send them) and what must come back non-empty. */
  const cases = (): { name: string; variables: J; nonEmpty: string[]; label?: string }[] => [
    { name: 'account', label: 'account (orchestrator)', variables: { account: v.orchestrator }, nonEmpty: ['delegator', 'transcoder', 'transcoder.pools', 'transcoder.delegators', 'protocol'] },
    { name: 'account', label: 'account (delegator)', variables: { account: v.delegator }, nonEmpty: ['delegator', 'delegator.unbondingLocks', 'delegator.delegate', 'protocol'] },
    { name: 'account', label: 'account (gateway)', variables: { account: v.gateway }, nonEmpty: ['gateway', 'protocol'] },
    { name: 'accountInactive', variables: { id: v.delegator }, nonEmpty: ['delegator', 'protocol'] },
    { name: 'currentRound', variables: {}, nonEmpty: ['_meta', 'protocol.currentRound'] },
    { name: 'days', variables: { first: 365, orderBy: 'date', orderDirection: 'desc' }, nonEmpty: ['days'] },
    { name: 'events', variables: { first: 100 }, nonEmpty: ['transactions', 'transactions.0.events', 'transcoders'] },
    { name: 'gatewaySelfRedeem', variables: { account: v.gateway }, nonEmpty: [] },
    { name: 'gateways', variables: { first: 20, skip: 0, minActiveDay: 0 }, nonEmpty: ['gateways'] },
    { name: 'ProtocolDays', variables: { first: 1000, lastDate: 0 }, nonEmpty: ['days'] },
    { name: 'SupplyChange', variables: { rangeStartDate: v.firstDay }, nonEmpty: ['start', 'end'] },
    { name: 'inline-operations#2', variables: {}, nonEmpty: ['livepeerAccounts'] },
    { name: 'inline-operations#3', variables: {}, nonEmpty: ['polls'] },
    { name: 'meta', variables: {}, nonEmpty: ['_meta'] },
    { name: 'orchestratorDelegators', variables: { id: v.orchestrator, first: 10, skip: 0, orderBy: 'bondedAmount', orderDirection: 'desc' }, nonEmpty: ['transcoder', 'transcoder.delegators'] },
    { name: 'orchestrators', variables: { currentRound: v.round, currentRoundString: v.round, first: 100, skip: 0 }, nonEmpty: ['transcoders', 'transcoders.0.delegators', 'transcoders.0.pools'] },
    { name: 'orchestratorsSorted', variables: {}, nonEmpty: ['transcoders'] },
    { name: 'poll', variables: { id: v.poll }, nonEmpty: ['poll', 'poll.votes', 'poll.tally'] },
    { name: 'polls', variables: {}, nonEmpty: ['polls'] },
    { name: 'protocol', variables: {}, nonEmpty: ['protocol', 'protocol.currentRound', 'protocol.currentRound.pools'] },
    { name: 'protocolByBlock', variables: { block: { number: v.pastBlock } }, nonEmpty: ['protocol'] },
    { name: 'transactions', variables: { account: v.delegator, first: 10, skip: 0 }, nonEmpty: ['transactions', 'transactions.0.events'] },
    { name: 'transactions', label: 'transactions (orchestrator)', variables: { account: v.orchestrator, first: 10, skip: 0 }, nonEmpty: ['transactions', 'winningTicketRedeemedEvents', 'rewardEvents'] },
    { name: 'transcoderActivatedEvents', variables: { where: { delegate: v.orchestrator }, first: 5, orderBy: 'timestamp', orderDirection: 'desc' }, nonEmpty: ['transcoderActivatedEvents'] },
    { name: 'transcoderUpdateEvents', variables: { where: { delegate: v.orchestrator }, first: 5, orderBy: 'timestamp', orderDirection: 'desc' }, nonEmpty: ['transcoderUpdateEvents'] },
    { name: 'treasuryProposal', variables: { id: v.proposal }, nonEmpty: ['treasuryProposal'] },
    { name: 'treasuryProposals', variables: {}, nonEmpty: ['treasuryProposals'] },
    { name: 'treasuryVoteEvents', variables: { first: 100, where: { proposal: v.proposal } }, nonEmpty: ['treasuryVoteEvents'] },
    { name: 'treasuryVotes', variables: { where: { proposal: v.proposal } }, nonEmpty: ['treasuryVotes'] },
    { name: 'vote', variables: { id: `${v.voter}-${v.poll}` }, nonEmpty: ['vote', 'vote.poll.votes'] },
    { name: 'voteEvents', variables: { first: 100, where: { poll: v.poll } }, nonEmpty: ['voteEvents'] },
  ];

  const at = (data: J, p: string): unknown => p.split('.').reduce<unknown>((o, k) => (o === null || o === undefined ? o : (o as J)[k]), data);
  const empty = (x: unknown) => x === null || x === undefined || (Array.isArray(x) && x.length === 0);

  it('every one of the 28 operations validates and answers without errors, with data where the chain has it', async () => {
    const ops = explorerOperations();
    expect(ops.length).toBe(28);
    const covered = new Set(cases().map((c) => c.name));
    expect(ops.filter((o) => !covered.has(o.name)).map((o) => o.name)).toEqual([]);
    const failures: string[] = [];
    for (const c of cases()) {
      const op = ops.find((o) => o.name === c.name)!;
      const { status, body } = await gql(op.text, c.variables);
      if (status !== 200 || body.errors) {
        failures.push(`${c.label ?? c.name}: ${status} ${JSON.stringify(body.errors ?? body).slice(0, 400)}`);
        continue;
      }
      for (const p of c.nonEmpty) if (empty(at(body.data, p))) failures.push(`${c.label ?? c.name}: ${p} is empty`);
    }
    expect(failures).toEqual([]);
  });

  it('answers with the values the REST API gives for the same data', async () => {
    const ops = explorerOperations();
    const text = (n: string) => ops.find((o) => o.name === n)!.text;
    const acct = (await gql(text('account'), { account: v.orchestrator })).body.data;
    const orch = (await rest(`/api/v1/orchestrators/${v.orchestrator}`)).orchestrator;
    expect(acct.transcoder.totalStake).toBe(orch.totalStake.formatted);
    expect(acct.transcoder.rewardCut).toBe(String(orch.rewardCut.ppm));
    expect(acct.transcoder.active).toBe(orch.active);
    expect(acct.transcoder.status).toBe('Registered');
    expect(acct.transcoder.delegators.length).toBe(orch.delegators);
    const net = await rest('/api/v1/network');
    expect(acct.protocol.currentRound.id).toBe(String(net.currentRound.round));
    expect(acct.protocol.totalActiveStake).toBe(net.participation.totalActiveStake.formatted);
    const p = (await gql(text('protocol'))).body.data.protocol;
    expect(p.delegatorsCount).toMatch(/^\d+$/); // the subgraph's event count: tested below
    expect(BigInt(p.roundLength)).toBeGreaterThan(0n);
    expect(BigInt(p.lockPeriod)).toBeGreaterThan(0n);
    expect(p.paused).toBe(false);

    const d = (await gql(text('account'), { account: v.delegator })).body.data.delegator;
    const dr = await rest(`/api/v1/delegators/${v.delegator}`);
    expect(d.bondedAmount).toBe(dr.bondedAmount.formatted);
    expect(d.delegate.id).toBe(dr.delegate);
    // principal − unbonded covers what the delegator put in and kept bonded (rewards come on top).
    const [sums] = await q(sql<J>`select
        coalesce(sum((args->>'additionalAmount')::numeric) filter (where name = 'Bond'), 0)::text as bonded,
        coalesce(sum((args->>'amount')::numeric) filter (where name = 'Unbond'), 0)::text as unbonded
      from chain_event where a1 = ${v.delegator} and name in ('Bond', 'Unbond')`);
    expect(d.principal).toBe(formatWei(BigInt(sums!.bonded)));
    expect(BigInt(parseWei(d.unbonded))).toBeLessThanOrEqual(BigInt(sums!.unbonded));
    expect(d.unbondingLocks.every((l: J) => /^\d{10}-0x[0-9a-f]{40}$/.test(l.id))).toBe(true);

    const g = (await gql(text('account'), { account: v.gateway })).body.data.gateway;
    const [gw] = await q(sql<J>`select deposit::text, reserve::text, (select sum(face_value)::text from winning_ticket where sender = ${v.gateway}) as vol from gateway where address = ${v.gateway}`);
    expect(g.deposit).toBe(formatWei(BigInt(gw!.deposit)));
    expect(g.totalVolumeETH).toBe(formatWei(BigInt(gw!.vol)));
    expect(g.firstActiveDay % 86400).toBe(0);

    const poll = (await gql(text('poll'), { id: v.poll })).body.data.poll;
    const restPoll = (await rest(`/api/v1/governance/polls`)).data.find((x: J) => x.address === v.poll);
    expect(poll.votes.length).toBe(restPoll.voters);
    expect(poll.proposal).not.toMatch(/^0x/);

    const tx = (await gql(text('transactions'), { account: v.delegator, first: 10, skip: 0 })).body.data.transactions as J[];
    const [sent] = await q(sql<J>`select count(*)::int as n from chain_tx t where t.from_address = ${v.delegator}
      and exists (select 1 from chain_event e where e.block_number = t.block_number and e.tx_hash = t.hash and e.name in (${sql.join([...eventTypeByName.keys()])}))`);
    expect(tx.length).toBe(Math.min(10, sent!.n));
  });

  it("counts delegators as the subgraph's handlers do, with the node's getDelegator after each Unbond", async () => {
    // The handlers replayed over the chain's events: Bond from no delegate +1; Rebond by an account without a
    // delegate +1 (protocol only: the handler does not save its Round); Unbond leaving getDelegator's bondedAmount
    // at 0 (read at the event's block, as graph-node's eth_call does) −1. A round starts from the count at NewRound.
    const chain = await sharedChain('test');
    const bm = chain.network.contracts.BondingManager.address;
    const events = await q(sql<J>`select block_number::int as b, name, round::text as round, args::text as args from chain_event
      where name in ('Bond', 'Unbond', 'Rebond', 'NewRound') order by block_number, log_index`);
    const zero = '0x0000000000000000000000000000000000000000';
    let count = 0;
    let atPast: number | null = null;
    const delegated = new Map<string, boolean>();
    const rounds = new Map<string, number>();
    const starts = new Map<string, number>();
    const seen = { fromNone: 0, emptied: 0, rebondFromUnbonded: 0 };
    for (const e of events) {
      if (atPast === null && e.b > v.pastBlock) atPast = count;
      const a = JSON.parse(e.args) as J;
      if (e.name === 'NewRound') {
        rounds.set(String(a.round), count);
        starts.set(String(a.round), count);
        continue;
      }
      const who = String(a.delegator).toLowerCase();
      let d = 0;
      if (e.name === 'Bond') {
        if (String(a.oldDelegate).toLowerCase() === zero) d = 1;
        delegated.set(who, true);
      } else if (e.name === 'Rebond') {
        if (!delegated.get(who)) {
          count += 1;
          seen.rebondFromUnbonded += 1;
        }
        delegated.set(who, true);
        continue;
      } else {
        const [bonded] = await chain.client.readContract({ address: bm as `0x${string}`, abi: viewAbi, functionName: 'getDelegator', args: [who as `0x${string}`], blockNumber: BigInt(e.b) });
        if (bonded === 0n) {
          d = -1;
          delegated.set(who, false);
        }
      }
      if (d === 1) seen.fromNone += 1;
      if (d === -1) seen.emptied += 1;
      count += d;
      if (e.round !== null && rounds.has(e.round)) rounds.set(e.round, rounds.get(e.round)! + d);
    }
    // The simulator's agents unbond in part, never all: emptying Unbonds and rebonds from unbonded are tested on
    // hand-made events (test/subgraphDelegatorsCount.test.ts).
    expect(seen.fromNone).toBeGreaterThan(0);
    const r = (await gql(`{ protocol(id: "0") { delegatorsCount bondedDelegatorCount } rounds(first: 1000) { id delegatorsCount } past: protocol(id: "0", block: { number: ${v.pastBlock} }) { delegatorsCount } }`)).body;
    expect(r.errors).toBeUndefined();
    expect(r.data.protocol.delegatorsCount).toBe(String(count));
    expect(r.data.past.delegatorsCount).toBe(String(atPast ?? count));
    expect(r.data.protocol.bondedDelegatorCount).toBe(String((await rest('/api/v1/network')).delegators));
    expect(r.data.rounds.length).toBe(rounds.size);
    for (const x of r.data.rounds as J[]) expect(x.delegatorsCount, `round ${x.id}`).toBe(String(rounds.get(x.id)));
    // A day shows the count at the start of the last round initialized by its end.
    const days = (await gql('{ days(first: 1000) { date delegatorsCount } }')).body.data.days as J[];
    const inits = await q(sql<J>`select pr.round::text as round, pr.block_time::int as t from protocol_round pr order by pr.round`);
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) {
      const last = inits.filter((x) => x.t < day.date + 86400).at(-1);
      expect(day.delegatorsCount, `day ${day.date}`).toBe(String(last ? starts.get(last.round) : 0));
    }
  });

  it('answers as of a past block: the state the chain had then', async () => {
    const past = v.pastBlock as number;
    const [r] = await q(sql<J>`select round::text, total_active_stake::text from protocol_round where block_number <= ${past} order by round desc limit 1`);
    const p = (await gql(`{ protocol(id: "0", block: { number: ${past} }) { totalActiveStake currentRound { id } } transcoders(block: { number: ${past} }, first: 1000) { id totalStake } }`)).body;
    expect(p.errors).toBeUndefined();
    expect(p.data.protocol.currentRound.id).toBe(r!.round);
    expect(p.data.protocol.totalActiveStake).toBe(formatWei(BigInt(r!.total_active_stake)));
    // Each transcoder's stake is the last version written at or before the block.
    const then = await q(sql<J>`select distinct on (address) address, total_stake::text from transcoder_history where version_block <= ${past} order by address, version_block desc`);
    expect(p.data.transcoders.length).toBe(then.length);
    for (const t of p.data.transcoders as J[]) expect(t.totalStake).toBe(formatWei(BigInt(then.find((x) => x.address === t.id)!.total_stake)));
    const later = await q(sql<J>`select count(*)::int as n from transcoder_history where version_block > ${past}`);
    expect(later[0]!.n).toBeGreaterThan(0); // the chain moved on after that block: the answer is not the latest state
    const head = (await gql(`{ _meta { block { number hash } } }`)).body.data._meta.block;
    expect((await gql(`{ protocol(id: "0", block: { hash: "${head.hash}" }) { id } }`)).body.data.protocol.id).toBe('0');
    const ahead = (await gql(`{ protocol(id: "0", block: { number: ${head.number + 10} }) { id } }`)).body;
    expect(ahead.errors[0].message).toMatch(/has only indexed up to block number \d+ and data for block number \d+ is therefore not yet available/);
  });

  it('follows graph-node on paging limits and refuses unknown filters with its message', async () => {
    let r = await gql('{ transcoders(first: 1001) { id } }');
    expect(r.body.errors[0].message).toBe('The `first` argument must be between 0 and 1000, but is 1001');
    r = await gql('{ transcoders(skip: 5001) { id } }');
    expect(r.body.errors[0].message).toBe('The `skip` argument must be between 0 and 5000, but is 5001');
    r = await gql('query ($unused: Int) { protocol(id: "0") { id } }', { unused: 1 });
    expect(r.body.errors).toBeUndefined();
    // Nested filter and nested ordering.
    r = await gql(`{ delegators(first: 5, where: { delegate_: { totalStake_gt: "0" } }, orderBy: delegate__totalStake, orderDirection: desc) { id delegate { totalStake } } }`);
    expect(r.body.errors).toBeUndefined();
    const stakes = (r.body.data.delegators as J[]).map((x) => Number(x.delegate.totalStake));
    expect(stakes.length).toBeGreaterThan(0);
    expect([...stakes].sort((a, b) => b - a)).toEqual(stakes);
    r = await gql(`{ transcoders(where: { or: [{ id: "${v.orchestrator}" }, { totalStake_lt: "0" }] }) { id } }`);
    expect(r.body.data.transcoders).toEqual([{ id: v.orchestrator }]);
  });
});

function formatWei(x: bigint): string {
  const whole = x / 10n ** 18n;
  const frac = (x % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
function parseWei(s: string): bigint {
  const [w, f = ''] = s.split('.');
  return BigInt(w!) * 10n ** 18n + BigInt(f.padEnd(18, '0') || '0');
}
