import { decodeEventLog, type Address, type Hex } from 'viem';
import { bondingManagerEvents, minterEvents, ticketBrokerEvents } from '../chain/abis.js';
import { BondingLedger, ProtocolRevertError, type LedgerEvent } from '../protocol/index.js';
import type { Deployment, ProtocolParams } from './deploy.js';
import type { MinedTx, RawLog } from './driver.js';
import type { Snapshot } from './groundTruth.js';
import type { Population } from './population.js';
import type { Action, RoundContext } from './actions.js';

/** A place where the contracts and the agent model's own protocol math disagree. */
export interface Mismatch {
  round: number;
  what: string;
  expected: string;
  actual: string;
}

type Decoded = { name: string; args: Record<string, unknown> };

const lc = (a: string) => a.toLowerCase();

function decodeAll(logs: RawLog[], address: Address, abi: typeof bondingManagerEvents | typeof minterEvents | typeof ticketBrokerEvents): Decoded[] {
  const out: Decoded[] = [];
  for (const l of logs) {
    if (lc(l.address) !== lc(address)) continue;
    const ev = decodeEventLog({ abi, data: l.data, topics: l.topics as [Hex, ...Hex[]] });
    out.push({ name: ev.eventName, args: (ev.args ?? {}) as Record<string, unknown> });
  }
  return out;
}

function norm(v: unknown): string {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

function sameEvent(a: Decoded, b: LedgerEvent): boolean {
  if (a.name !== b.name) return false;
  const bArgs = b.args as Record<string, unknown>;
  return Object.keys(bArgs).every((k) => norm(a.args[k]) === norm(bArgs[k]));
}

const show = (evs: { name: string; args: unknown }[]) =>
  evs.map((e) => `${e.name}(${Object.entries(e.args as Record<string, unknown>).map(([k, v]) => `${k}=${norm(v)}`).join(',')})`).join(' ');

/**
 * The agent model's expectations: every mined action is replayed through the pure protocol
 * mirror, whose predicted events must equal the contracts' own, and whose state must equal the
 * contracts' views at every snapshot.
 */
export class ExpectationModel {
  readonly ledger: BondingLedger;
  readonly mismatches: Mismatch[] = [];
  /** Predicted treasury LPT balance (LPT-wei): genesis + treasury rewards − executed grants. */
  treasuryBalance: bigint;
  /** Predicted L2 LPT total supply and L1 circulating supply (LPT-wei). */
  l2Supply = 0n;
  l1Supply: bigint;
  eventsChecked = 0;
  txsReplayed = 0;

  constructor(
    private readonly d: Deployment,
    params: ProtocolParams,
    private readonly population: Population,
  ) {
    this.ledger = new BondingLedger({
      numActiveTranscoders: BigInt(params.numActiveTranscoders),
      unbondingPeriod: BigInt(params.unbondingPeriod),
      treasury: d.addresses.Treasury,
      treasuryRewardCutRate: 0n,
      treasuryBalanceCeiling: 0n,
      minter: { inflation: params.inflation, inflationChange: params.inflationChange, targetBondingRate: params.targetBondingRate },
    });
    this.treasuryBalance = 0n;
    this.l1Supply = params.l1CirculatingSupply;
  }

  private fail(round: number, what: string, expected: string, actual: string): void {
    if (this.mismatches.length < 200) this.mismatches.push({ round, what, expected, actual });
  }

  /** Feed a mined batch (hook for runSimulation). */
  onMined = (mined: MinedTx<Action>[], ctx: RoundContext): void => {
    for (const m of mined) if (m.ok) this.replay(m, BigInt(ctx.round), ctx.round);
  };

  private replay(m: MinedTx<Action>, R: bigint, round: number): void {
    const a = m.tx.tag;
    const A = this.d.addresses;
    const chainBm = () => decodeAll(m.logs, A.BondingManager, bondingManagerEvents);
    let predicted: LedgerEvent[] | null = null;
    this.txsReplayed++;
    try {
      switch (a.kind) {
        case 'setup':
          if (a.what === 'l1-supply') {
            const ev = m.tx.data; // setL1CirculatingSupply(uint256)
            this.l1Supply = BigInt(`0x${ev.slice(10, 74)}`);
          }
          return;
        case 'bridge':
          this.l2Supply += a.amount;
          if (lc(a.to) === lc(A.Treasury)) this.treasuryBalance += a.amount;
          return;
        case 'initializeRound': {
          predicted = this.ledger.initializeRound({ round: R, globalSupply: this.l2Supply + this.l1Supply });
          const minterEvs = decodeAll(m.logs, A.Minter, minterEvents);
          const want = predicted.filter((e) => e.contract === 'Minter');
          this.compare(round, 'initializeRound/Minter', minterEvs, want);
          predicted = predicted.filter((e) => e.contract === 'BondingManager');
          break;
        }
        case 'reward': {
          predicted = this.ledger.reward({ round: R, transcoder: a.orchestrator, treasuryBalance: this.treasuryBalance });
          for (const e of predicted) {
            if (e.name === 'TreasuryReward') this.treasuryBalance += e.args.amount;
          }
          const minted = predicted.reduce((acc, e) => (e.name === 'Reward' || e.name === 'TreasuryReward' ? acc + e.args.amount : acc), 0n);
          this.l2Supply += minted;
          break;
        }
        case 'ticket':
        case 'tickets': {
          // Each redeemed ticket ends with WinningTicketRedeemed; a WinningTicketTransfer before it carries what
          // was paid. A batch skips a ticket that fails: only one from a gateway whose funds ran dry may.
          const tickets = a.kind === 'ticket' ? [a] : a.tickets;
          const evs = decodeAll(m.logs, A.TicketBroker, ticketBrokerEvents).filter((e) => e.name === 'WinningTicketTransfer' || e.name === 'WinningTicketRedeemed');
          let k = 0;
          let paid = 0n;
          for (const e of evs) {
            if (e.name === 'WinningTicketTransfer') {
              paid = e.args.amount as bigint;
              continue;
            }
            while (k < tickets.length && !(lc(tickets[k]!.gateway) === lc(e.args.sender as string) && tickets[k]!.faceValue === e.args.faceValue)) {
              if (!this.underfunded(tickets[k]!.gateway)) this.fail(round, 'ticket skipped', 'redeemed', `not redeemed (gateway ${tickets[k]!.gateway})`);
              k++;
            }
            const t = tickets[k++];
            if (!t) {
              this.fail(round, 'ticket redeemed', 'a planned ticket', `unplanned ${show([e])}`);
              break;
            }
            if (!this.underfunded(t.gateway) && paid !== t.faceValue) this.fail(round, 'ticket payment', t.faceValue.toString(), paid.toString());
            if (paid > 0n) this.ledger.updateTranscoderWithFees({ round: R, transcoder: a.orchestrator, fees: paid });
            paid = 0n;
          }
          for (; k < tickets.length; k++) if (!this.underfunded(tickets[k]!.gateway)) this.fail(round, 'ticket skipped', 'redeemed', `not redeemed (gateway ${tickets[k]!.gateway})`);
          predicted = [];
          break;
        }
        case 'bond':
          predicted = this.ledger.bond({ round: R, delegator: a.delegator, amount: a.amount, to: a.to });
          break;
        case 'unbond':
          predicted = this.ledger.unbond({ round: R, delegator: a.delegator, amount: a.amount });
          break;
        case 'rebond':
          predicted = a.to
            ? this.ledger.rebondFromUnbonded({ round: R, delegator: a.delegator, to: a.to, unbondingLockId: a.lockId })
            : this.ledger.rebond({ round: R, delegator: a.delegator, unbondingLockId: a.lockId });
          break;
        case 'transferBond':
          predicted = this.ledger.transferBond({ round: R, delegator: a.delegator, receiver: a.receiver, amount: a.amount });
          break;
        case 'withdrawStake':
          predicted = this.ledger.withdrawStake({ round: R, delegator: a.delegator, unbondingLockId: a.lockId });
          break;
        case 'withdrawFees':
          predicted = this.ledger.withdrawFees({ round: R, delegator: a.delegator, recipient: a.delegator, amount: a.amount });
          break;
        case 'claim':
          predicted = this.ledger.claimEarnings({ round: R, delegator: a.delegator });
          break;
        case 'cut':
          predicted = this.ledger.transcoder({ round: R, transcoder: a.orchestrator, rewardCut: a.rewardCut, feeShare: a.feeShare });
          break;
        case 'governance':
          if (a.what === 'execute' && a.effect) {
            if ('grant' in a.effect) {
              this.treasuryBalance -= a.effect.grant.amount;
            } else {
              predicted = this.ledger.setTreasuryRewardCutRate(a.effect.treasuryRewardCutRate);
            }
          }
          if (!predicted) return;
          break;
        default:
          return;
      }
    } catch (e) {
      const msg = e instanceof ProtocolRevertError ? `reverts: ${e.message}` : `error: ${(e as Error).message}`;
      this.fail(round, `${a.kind} tx ${m.hash}`, msg, 'succeeded on chain');
      return;
    }
    if (predicted) this.compare(round, `${a.kind} tx ${m.hash}`, chainBm(), predicted);
  }

  private underfunded(gateway: string): boolean {
    return this.population.gateways.some((g) => lc(g.address) === lc(gateway) && g.underfunded);
  }

  private compare(round: number, what: string, actual: Decoded[], predicted: LedgerEvent[]): void {
    this.eventsChecked += predicted.length;
    const ok = actual.length === predicted.length && actual.every((e, i) => sameEvent(e, predicted[i]!));
    if (!ok) this.fail(round, what, show(predicted), show(actual));
  }

  /** Set deployment-time parameters the ledger must know (ceiling, cut) exactly as the chain has them. */
  genesis(params: ProtocolParams): void {
    this.ledger.setTreasuryBalanceCeiling(params.treasuryBalanceCeiling);
    this.ledger.setTreasuryRewardCutRate(params.treasuryRewardCutRate);
  }

  /** Compare every account of a ground-truth snapshot with the mirror; returns how many values were checked. */
  checkSnapshot(s: Snapshot): number {
    let checked = 0;
    const R = BigInt(s.round);
    for (const [addr, t] of Object.entries(s.transcoders)) {
      const mine = this.ledger.getTranscoder(addr);
      const fields = ['lastRewardRound', 'rewardCut', 'feeShare', 'lastActiveStakeUpdateRound', 'activationRound', 'deactivationRound', 'activeCumulativeRewards', 'cumulativeRewards', 'cumulativeFees', 'lastFeeRound'] as const;
      for (const f of fields) {
        checked++;
        if (mine[f] !== t[f]) this.fail(s.round, `transcoder ${addr}.${f}`, String(mine[f]), String(t[f]));
      }
      checked++;
      if (this.ledger.transcoderTotalStake(addr) !== t.totalStake) this.fail(s.round, `transcoder ${addr}.totalStake`, String(this.ledger.transcoderTotalStake(addr)), String(t.totalStake));
    }
    for (const [addr, dl] of Object.entries(s.delegators)) {
      const mine = this.ledger.getDelegator(addr);
      const pairs: [string, bigint | string, bigint | string][] = [
        ['bondedAmount', mine.bondedAmount, dl.bondedAmount],
        ['fees', mine.fees, dl.fees],
        ['delegateAddress', mine.delegateAddress, dl.delegateAddress.toLowerCase()],
        ['delegatedAmount', mine.delegatedAmount, dl.delegatedAmount],
        ['startRound', mine.startRound, dl.startRound],
        ['lastClaimRound', mine.lastClaimRound, dl.lastClaimRound],
        ['nextUnbondingLockId', mine.nextUnbondingLockId, dl.nextUnbondingLockId],
        ['pendingStake', 0n, dl.pendingStake],
        ['pendingFees', 0n, dl.pendingFees],
      ];
      let pending: [bigint, bigint];
      try {
        pending = [this.ledger.pendingStake(addr, R), this.ledger.pendingFees(addr, R)];
      } catch (e) {
        this.fail(s.round, `delegator ${addr} pending`, `error: ${(e as Error).message} ${JSON.stringify(mine, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Map ? [...v] : v))}`, `${dl.pendingStake}/${dl.pendingFees}`);
        continue;
      }
      pairs[7]![1] = pending[0];
      pairs[8]![1] = pending[1];
      for (const [f, e, act] of pairs) {
        checked++;
        if (e !== act) this.fail(s.round, `delegator ${addr}.${f}`, String(e), String(act));
      }
    }
    return checked;
  }
}
