import { decodeAbiParameters, decodeEventLog, toEventSelector, type Address, type Hex } from 'viem';
import { roundsManagerEvents, ticketBrokerEvents } from '../../src/chain/abis.js';
import type { MinedTx, RawLog } from '../../src/sim/driver.js';
import type { Action, RoundContext } from '../../src/sim/simulator.js';

/** One mined transaction of a simulation: who sent what (the agent model's choice) and the logs the contracts gave. */
export interface HistoryTx {
  round: number;
  slot: number;
  kind: Action['kind'];
  from: Address;
  to: Address;
  selector: Hex;
  ok: boolean;
  logs: Pick<RawLog, 'address' | 'topics' | 'data'>[];
}

/** Records a simulation's protocol history (every transaction from genesis on) through its onMined hook. */
export function historyRecorder(): { history: HistoryTx[]; onMined: (mined: MinedTx<Action>[], ctx: RoundContext) => void } {
  const history: HistoryTx[] = [];
  return {
    history,
    onMined: (mined, ctx) => {
      for (const m of mined) {
        history.push({
          round: ctx.round,
          slot: ctx.blockInRound,
          kind: m.tx.tag.kind,
          from: m.tx.from,
          to: m.tx.to,
          selector: m.tx.data.slice(0, 10) as Hex,
          ok: m.ok,
          logs: m.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data })),
        });
      }
    },
  };
}

const NEW_ROUND = toEventSelector(roundsManagerEvents.find((e) => e.type === 'event' && e.name === 'NewRound')!);
const TICKET = toEventSelector(ticketBrokerEvents.find((e) => e.type === 'event' && e.name === 'WinningTicketRedeemed')!);

/**
 * Where the same seeded scenario may differ between Atlas's own contracts and the deployed ones, and why. Nothing
 * else may differ: every transaction, its success and every log (address, topics, data) in order.
 */
export const INTENDED_DIFFERENCES = {
  'RoundsManager.NewRound.blockHash':
    "a block hash commits to the state root, and the two chains hold different bytecode (Atlas's own contracts; the deployed proxies and targets), so no block hash is the same",
  'TicketBroker.WinningTicketRedeemed.auxData':
    "a ticket's auxData is its creation round and that round's block hash (TicketBroker checks it against RoundsManager.blockHashForRound): the round is the same, the hash is each chain's own",
  'TicketBroker.WinningTicketRedeemed.senderNonce':
    'a ticket wins when keccak256(signature, recipientRand) < winProb; the signature covers auxData, so the gateway reaches a winning ticket at another nonce of its own',
} as const;

export interface HistoryComparison {
  /** Differences outside INTENDED_DIFFERENCES (at most `limit`), one line each. */
  differences: string[];
  /** How often each intended difference occurred. */
  intended: Record<keyof typeof INTENDED_DIFFERENCES, number>;
  /** Transactions and logs compared. */
  txs: number;
  logs: number;
  /** Violations of what the intended differences promise (auxData's hash is its chain's round hash, no nonce twice). */
  broken: string[];
}

interface TicketArgs {
  sender: Address;
  recipient: Address;
  faceValue: bigint;
  winProb: bigint;
  senderNonce: bigint;
  recipientRand: bigint;
  auxData: Hex;
}

const decodeTicket = (l: HistoryTx['logs'][number]): TicketArgs =>
  decodeEventLog({ abi: ticketBrokerEvents, eventName: 'WinningTicketRedeemed', topics: l.topics as [Hex, ...Hex[]], data: l.data }).args as TicketArgs;
const decodeAux = (aux: Hex): readonly [bigint, Hex] => decodeAbiParameters([{ type: 'uint256' }, { type: 'bytes32' }], aux);

/** Checks one chain's own consistency where the intended differences apply. */
class ChainCheck {
  private readonly roundHash = new Map<bigint, Hex>();
  private readonly nonces = new Set<string>();
  constructor(
    private readonly name: string,
    private readonly broken: string[],
  ) {}
  newRound(l: HistoryTx['logs'][number]): void {
    this.roundHash.set(BigInt(l.topics[1]!), `0x${l.data.slice(2, 66)}`);
  }
  ticket(t: TicketArgs, at: string): void {
    const [round, hash] = decodeAux(t.auxData);
    if (this.roundHash.get(round) !== hash) this.broken.push(`${at}: ${this.name} ticket's auxData hash is not that chain's NewRound hash of round ${round}`);
    const key = `${t.sender.toLowerCase()}/${t.senderNonce}`;
    if (this.nonces.has(key)) this.broken.push(`${at}: ${this.name} sender ${t.sender} used nonce ${t.senderNonce} twice`);
    this.nonces.add(key);
  }
}

/** Compares two protocol histories of one scenario: `own` on Atlas's contracts, `real` on the deployed ones. */
export function compareHistories(own: HistoryTx[], real: HistoryTx[], limit = 20): HistoryComparison {
  const differences: string[] = [];
  const broken: string[] = [];
  const intended = { 'RoundsManager.NewRound.blockHash': 0, 'TicketBroker.WinningTicketRedeemed.auxData': 0, 'TicketBroker.WinningTicketRedeemed.senderNonce': 0 };
  const checks = [new ChainCheck('own', broken), new ChainCheck('real', broken)] as const;
  const differ = (s: string) => {
    if (differences.length < limit) differences.push(s);
  };
  if (own.length !== real.length) differ(`transactions: own ${own.length}, real ${real.length}`);
  let logs = 0;
  const n = Math.min(own.length, real.length);
  for (let i = 0; i < n; i++) {
    const a = own[i]!;
    const b = real[i]!;
    const at = `tx ${i} (round ${a.round} slot ${a.slot}, ${a.kind} from ${a.from})`;
    if (a.round !== b.round || a.slot !== b.slot || a.kind !== b.kind || a.from !== b.from || a.to !== b.to || a.selector !== b.selector) {
      // The agent model chose differently: everything after is another scenario.
      differ(`${at}: the real chain's transaction is ${b.kind} from ${b.from} in round ${b.round} slot ${b.slot}; histories part here`);
      break;
    }
    if (a.ok !== b.ok) differ(`${at}: ${a.ok ? 'succeeded' : 'reverted'} on Atlas's contracts, ${b.ok ? 'succeeded' : 'reverted'} on the real ones`);
    if (a.logs.length !== b.logs.length) differ(`${at}: ${a.logs.length} logs on Atlas's contracts, ${b.logs.length} on the real ones`);
    for (let j = 0; j < Math.min(a.logs.length, b.logs.length); j++) {
      logs++;
      const p = a.logs[j]!;
      const q = b.logs[j]!;
      const topic = p.topics[0];
      const sameAddress = p.address.toLowerCase() === q.address.toLowerCase();
      if (sameAddress && topic === NEW_ROUND && q.topics[0] === NEW_ROUND) {
        checks[0].newRound(p);
        checks[1].newRound(q);
        if (p.topics[1] !== q.topics[1]) differ(`${at} log ${j}: NewRound of round ${BigInt(p.topics[1]!)} on Atlas's contracts, ${BigInt(q.topics[1]!)} on the real ones`);
        else if (p.data !== q.data) intended['RoundsManager.NewRound.blockHash']++;
        continue;
      }
      if (sameAddress && topic === TICKET && q.topics[0] === TICKET) {
        const x = decodeTicket(p);
        const y = decodeTicket(q);
        checks[0].ticket(x, at);
        checks[1].ticket(y, at);
        if (x.senderNonce !== y.senderNonce) intended['TicketBroker.WinningTicketRedeemed.senderNonce']++;
        if (x.auxData !== y.auxData) intended['TicketBroker.WinningTicketRedeemed.auxData']++;
        const same = (t: TicketArgs) => [t.sender, t.recipient, t.faceValue, t.winProb, t.recipientRand, decodeAux(t.auxData)[0]].join();
        if (same(x) !== same(y)) differ(`${at} log ${j}: WinningTicketRedeemed ${same(x)} on Atlas's contracts, ${same(y)} on the real ones`);
        continue;
      }
      if (!sameAddress || p.topics.join() !== q.topics.join() || p.data !== q.data) {
        differ(`${at} log ${j}: ${p.address} ${p.topics.join(',')} ${p.data} on Atlas's contracts, ${q.address} ${q.topics.join(',')} ${q.data} on the real ones`);
      }
    }
  }
  return { differences, intended, txs: n, logs, broken };
}
