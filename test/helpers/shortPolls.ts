// Legacy polls that end within a test, on the deployed contracts. PollCreator.POLL_PERIOD (57,600 blocks) lies far
// beyond what anvil can mine in a test (its cost per block grows with the chain), so the polls here come from the
// checkout's own PollCreator source with only that constant shortened, compiled as the checkout is (solc 0.8.9,
// optimizer 200 runs) and placed at the PollCreator's address for the creations alone: PollCreated comes from the
// address Atlas follows, the polls are the real Poll contract, and the stake they weigh is the real BondingManager's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createPublicClient, encodeFunctionData, http, parseAbi, type Address, type Hex, type PublicClient } from 'viem';
import type { Deployment } from '../../src/sim/deploy.js';
import { callTx } from '../../src/sim/deploy.js';
import { ChainDriver } from '../../src/sim/driver.js';
import { SimRpc, type SimTx } from '../../src/sim/simRpc.js';

const POLL = parseAbi(['function vote(uint256 _choiceID)', 'event Vote(address indexed voter, uint256 choiceID)']);
const ROUNDS = parseAbi([
  'function roundLength() view returns (uint256)',
  'function lastRoundLengthUpdateRound() view returns (uint256)',
  'function lastRoundLengthUpdateStartBlock() view returns (uint256)',
  'function lastInitializedRound() view returns (uint256)',
]);
const BM = parseAbi([
  'function getDelegator(address) view returns (uint256 bondedAmount, uint256 fees, address delegateAddress, uint256 delegatedAmount, uint256 startRound, uint256 lastClaimRound, uint256 nextUnbondingLockId)',
  'function pendingStake(address, uint256) view returns (uint256)',
  'function transcoderTotalStake(address) view returns (uint256)',
  'function transcoderStatus(address) view returns (uint8)',
  'function isActiveTranscoder(address) view returns (bool)',
  'function getTotalBonded() view returns (uint256)',
]);
const ZERO = '0x0000000000000000000000000000000000000000';

/** Blocks each short poll runs (its end block is its creation block plus this). */
export const SHORT_POLL_PERIOD = 8;

/** Runtime code of the checkout's PollCreator with POLL_PERIOD set to `period` blocks. */
function shortPollCreatorCode(checkout: string, period: number): Hex {
  const read = (unit: string) => readFileSync(path.join(checkout, unit), 'utf8');
  const creator = read('contracts/polling/PollCreator.sol');
  const shortened = creator.replace(/(uint256 public constant POLL_PERIOD\s*=\s*)[^;]+;/, `$1${period};`);
  if (shortened === creator) throw new Error('PollCreator.POLL_PERIOD not found in the checkout');
  const solc = createRequire(import.meta.url)('solc-0.8.9') as { compile(input: string): string };
  const out = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: 'Solidity',
        sources: { 'contracts/polling/PollCreator.sol': { content: shortened }, 'contracts/polling/Poll.sol': { content: read('contracts/polling/Poll.sol') } },
        settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['evm.deployedBytecode.object'] } } },
      }),
    ),
  ) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>> };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  return `0x${out.contracts['contracts/polling/PollCreator.sol']!.PollCreator!.evm.deployedBytecode.object}`;
}

/** A voter's last choice and what the contracts give for it at the poll's end block. */
export interface VoterAtEnd {
  voter: Address;
  choice: bigint;
  delegate: Address | null;
  registered: boolean;
  pendingStake: bigint;
  transcoderTotalStake: bigint;
  /** The stake the vote counts: an orchestrator's total stake minus its voting delegators' pending stake, else the voter's pending stake. */
  weight: bigint;
}

/** A tally from the contracts' own views at one block. */
export interface ContractTally {
  block: bigint;
  yes: bigint;
  no: bigint;
  totalBonded: bigint;
  voters: VoterAtEnd[];
}

export interface ShortPoll {
  address: Address;
  createdBlock: bigint;
  endBlock: bigint;
}

/**
 * The tally of a poll as the contracts give it at `block` (eth_call there: archive reads): each voter's last vote at
 * or before the block, weighed by BondingManager.pendingStake / transcoderTotalStake as the subgraph and the
 * Explorer combine them: a registered orchestrator delegated to itself counts its total stake minus the pending stake
 * of its delegators who voted themselves; anyone else its own pending stake.
 */
export async function contractTally(client: PublicClient, bondingManager: Address, poll: ShortPoll, block: bigint): Promise<ContractTally> {
  const logs = await client.getLogs({ address: poll.address, event: POLL[1], fromBlock: poll.createdBlock, toBlock: block });
  const last = new Map<Address, bigint>();
  for (const l of logs) last.set(l.args.voter!.toLowerCase() as Address, l.args.choiceID!);
  const read = <T>(functionName: string, args: readonly unknown[]) => client.readContract({ address: bondingManager, abi: BM, functionName, args, blockNumber: block } as never) as Promise<T>;
  const voters: VoterAtEnd[] = [];
  for (const [voter, choice] of last) {
    const [d, pending, total, status] = await Promise.all([
      read<readonly [bigint, bigint, Address, bigint, bigint, bigint, bigint]>('getDelegator', [voter]),
      read<bigint>('pendingStake', [voter, 0n]),
      read<bigint>('transcoderTotalStake', [voter]),
      read<number>('transcoderStatus', [voter]),
    ]);
    const delegate = d[2] === ZERO ? null : (d[2].toLowerCase() as Address);
    voters.push({ voter, choice, delegate, registered: status === 1, pendingStake: pending, transcoderTotalStake: total, weight: 0n });
  }
  const isOrchestrator = (v: VoterAtEnd) => v.registered && v.delegate === v.voter;
  for (const v of voters) {
    v.weight = isOrchestrator(v)
      ? v.transcoderTotalStake - voters.filter((u) => !isOrchestrator(u) && u.delegate === v.voter).reduce((a, u) => a + u.pendingStake, 0n)
      : v.pendingStake;
  }
  const sum = (c: bigint) => voters.filter((v) => v.choice === c).reduce((a, v) => a + v.weight, 0n);
  return { block, yes: sum(0n), no: sum(1n), totalBonded: await read<bigint>('getTotalBonded', []), voters };
}

/**
 * Two short polls on the chain at `rpcUrl`, after the scenario: orchestrators and delegators vote (yes and no, some
 * change their vote, a delegator against its own orchestrator, a vote in the end block), stake moves between the
 * votes and each end (rewards, partial unbonds, a voter's stake moved to another orchestrator, a non-voter's stake
 * moved to a voting orchestrator, one in the end block) and again after it, so the stake at the head is not the
 * stake at the end. Rounds are initialised as the clock crosses them, as the network's keepers do.
 */
export async function runShortPolls(opts: { rpcUrl: string; deployment: Deployment; checkout: string; orchestrators: readonly Address[]; delegators: readonly Address[] }): Promise<ShortPoll[]> {
  const { deployment: d } = opts;
  const A = d.addresses;
  const client = createPublicClient({ transport: http(opts.rpcUrl, { batch: { batchSize: 200 } }) });
  const rpc = new SimRpc(opts.rpcUrl);
  const driver = new ChainDriver(rpc, 200, true);
  const head = await client.getBlock();
  await driver.init(Number(head.timestamp));

  // Who delegates to whom now: the voting orchestrators are the active ones with the most delegators.
  const views = await Promise.all(opts.delegators.map((a) => client.readContract({ address: A.BondingManager, abi: BM, functionName: 'getDelegator', args: [a] })));
  const byOrch = new Map<Address, Address[]>();
  opts.delegators.forEach((a, i) => {
    const [bonded, , delegate] = views[i]!;
    const del = delegate.toLowerCase() as Address;
    if (bonded > 0n && del !== ZERO && del !== a.toLowerCase()) byOrch.set(del, [...(byOrch.get(del) ?? []), a.toLowerCase() as Address]);
  });
  const candidates = [...byOrch.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
  const active = await Promise.all(candidates.map(([o]) => client.readContract({ address: A.BondingManager, abi: BM, functionName: 'isActiveTranscoder', args: [o] })));
  const orchs = candidates.filter((_, i) => active[i]).slice(0, 6);
  if (orchs.length < 6 || orchs.some(([, ds], i) => ds.length < [3, 3, 3, 3, 3, 1][i]!)) throw new Error('the scenario has too few active orchestrators with delegators for the short polls');
  const [[o1, d1], [o2, d2], [o3, d3], [o4, d4], [o5, d5], [o6, d6]] = orchs as [Address, Address[]][];
  // Poll b reaches its quorum: the largest other orchestrators, together over 40% of the bonded stake, vote yes.
  const others = opts.orchestrators.map((o) => o.toLowerCase() as Address).filter((o) => ![o1, o2, o3].includes(o));
  const totals = await Promise.all(others.map((o) => client.readContract({ address: A.BondingManager, abi: BM, functionName: 'transcoderTotalStake', args: [o] })));
  const bonded = await client.readContract({ address: A.BondingManager, abi: BM, functionName: 'getTotalBonded' });
  const whales: Address[] = [];
  let weight = 0n;
  for (const i of others.map((_, i) => i).sort((x, y) => (totals[y]! > totals[x]! ? 1 : totals[y]! < totals[x]! ? -1 : 0))) {
    if (weight * 10n >= bonded * 4n) break;
    whales.push(others[i]!);
    weight += totals[i]!;
  }
  const bondedOf = (a: Address) => views[opts.delegators.findIndex((x) => x.toLowerCase() === a)]![0];

  const [roundLength, updateRound, updateStart] = await Promise.all(
    (['roundLength', 'lastRoundLengthUpdateRound', 'lastRoundLengthUpdateStartBlock'] as const).map((f) => client.readContract({ address: A.RoundsManager, abi: ROUNDS, functionName: f })),
  );
  let initialized = await client.readContract({ address: A.RoundsManager, abi: ROUNDS, functionName: 'lastInitializedRound' });
  const roundOf = (block: bigint) => updateRound! + (block - updateStart!) / roundLength!;

  const tag = { kind: 'poll' } as const;
  const bm = (from: Address, fn: string, args: readonly unknown[]) => callTx(d, from, 'BondingManager', fn, args, tag);
  const vote = (poll: Address, from: Address, choice: 0 | 1): SimTx<typeof tag> => ({ from, to: poll, data: encodeFunctionData({ abi: POLL, functionName: 'vote', args: [BigInt(choice)] }), tag });
  const creatorCode = await rpc.call<Hex>('eth_getCode', [A.PollCreator, 'latest']);
  const shortCode = shortPollCreatorCode(opts.checkout, SHORT_POLL_PERIOD);

  const polls: ShortPoll[] = [];
  /** Mines one block; a block in a round not yet initialised starts with initializeRound and the voting orchestrators' rewards. */
  const block = async (txs: SimTx<typeof tag>[]) => {
    const number = BigInt(await driver.head()) + 1n;
    const pre: SimTx<typeof tag>[] = [];
    if (roundOf(number) > initialized) {
      pre.push(callTx(d, o6, 'RoundsManager', 'initializeRound', [], tag), ...[o1, o2, o3].map((o) => bm(o, 'reward', [])));
      initialized = roundOf(number);
    }
    const mined = await driver.mine([...pre, ...txs], driver.timestamp + 12);
    const failed = mined.filter((m) => !m.ok);
    if (failed.length > 0) throw new Error(`short polls: ${failed.length} transactions reverted in block ${number}: ${[...driver.revertReasons.keys()].join('; ')}`);
    return mined;
  };
  const create = async (creator: Address, proposal: string) => {
    await rpc.call('anvil_setCode', [A.PollCreator, shortCode]);
    try {
      const m = (await block([callTx(d, creator, 'PollCreator', 'createPoll', [`0x${Buffer.from(proposal).toString('hex')}`], tag)])).at(-1);
      const address = `0x${m!.logs[0]!.topics[1]!.slice(26)}` as Address;
      polls.push({ address, createdBlock: BigInt(m!.blockNumber), endBlock: BigInt(m!.blockNumber + SHORT_POLL_PERIOD) });
      return address;
    } finally {
      await rpc.call('anvil_setCode', [A.PollCreator, creatorCode]);
    }
  };
  const until = async (n: bigint) => {
    while (BigInt(await driver.head()) < n - 1n) await block([]);
  };

  const a = await create(o1, 'lip-short-poll-a');
  const a0 = polls[0]!.createdBlock;
  // Votes: orchestrators both ways, a delegator against its orchestrator, one whose orchestrator does not vote.
  await block([vote(a, o1, 0), vote(a, d1[0]!, 1), vote(a, d1[1]!, 0), vote(a, o2, 1), vote(a, d2[0]!, 1), vote(a, o3, 0), vote(a, d4[0]!, 0)]);
  const b = await create(o2, 'lip-short-poll-b');
  // A voter changes its vote; a voting delegator moves its stake to another voting orchestrator; a non-voter moves
  // its stake to a voting orchestrator.
  await block([vote(a, o3, 1), vote(b, o1, 1), vote(b, o3, 0), vote(b, d1[0]!, 0), vote(b, d4[0]!, 1), ...whales.map((w) => vote(b, w, 0)), bm(d2[0]!, 'bond', [0n, o3]), bm(d5[0]!, 'bond', [0n, o1])]);
  await block([vote(a, d1[1]!, 1), vote(b, o2, 0), bm(d1[0]!, 'unbond', [bondedOf(d1[0]!) / 3n])]);
  await until(a0 + BigInt(SHORT_POLL_PERIOD));
  // In poll a's end block: a last vote and a stake move, both counted.
  await block([vote(a, d1[2]!, 1), bm(d6[0]!, 'bond', [0n, o2])]);
  // Past a's end (still before b's): these count for b only.
  await block([bm(d4[0]!, 'unbond', [bondedOf(d4[0]!) / 2n]), bm(d5[1]!, 'bond', [0n, o1]), vote(b, d3[0]!, 1), vote(b, o3, 1)]);
  await until(polls[1]!.endBlock + 1n);
  // Past both ends: the stake at the head is not the stake at either end.
  await block([bm(d1[0]!, 'unbond', [bondedOf(d1[0]!) / 3n]), bm(d2[0]!, 'bond', [0n, o2]), bm(d3[0]!, 'bond', [0n, o4])]);
  await block([bm(d5[2]!, 'bond', [0n, o3])]);
  return polls;
}
