// Treasury ledger: what executed proposals do (decoded calldata), the LPT balance per round split into
// treasury-reward inflows, other inflows and outflows, and the balance-ceiling status of the treasury cut.
import { decodeFunctionData, parseAbi, type Hex } from 'viem';

const ACTION_ABI = parseAbi([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function transferFrom(address from, address to, uint256 amount) returns (bool)',
  'function setTreasuryRewardCutRate(uint256 value)',
  'function setTreasuryBalanceCeiling(uint256 value)',
]);

/** One call of a proposal, decoded; amounts in LPT-wei or ETH-wei, rates per 1e27. */
export type TreasuryAction =
  | { kind: 'lpt-transfer'; recipient: string; amount: bigint }
  | { kind: 'lpt-approve'; spender: string; amount: bigint }
  | { kind: 'lpt-transfer-from'; from: string; recipient: string; amount: bigint }
  | { kind: 'set-treasury-cut'; rate: bigint }
  | { kind: 'set-treasury-ceiling'; ceiling: bigint }
  | { kind: 'eth-transfer'; recipient: string; amount: bigint }
  | { kind: 'call'; target: string; selector: string | null; value: bigint };

/** Addresses the decoder recognises. */
export interface KnownContracts {
  token: string;
  bondingManager: string;
}

/** Decodes one proposal call (target, ETH value in wei, calldata) into what it does to the treasury. */
export function decodeAction(target: string, value: bigint, data: string, known: KnownContracts): TreasuryAction {
  const t = target.toLowerCase();
  const hex = (data.startsWith('0x') ? data : `0x${data}`) as Hex;
  if (hex === '0x') return value > 0n ? { kind: 'eth-transfer', recipient: t, amount: value } : { kind: 'call', target: t, selector: null, value };
  const selector = hex.length >= 10 ? hex.slice(0, 10) : null;
  if (t === known.token.toLowerCase() || t === known.bondingManager.toLowerCase()) {
    try {
      const d = decodeFunctionData({ abi: ACTION_ABI, data: hex });
      const a = d.args as readonly unknown[];
      if (t === known.token.toLowerCase()) {
        if (d.functionName === 'transfer') return { kind: 'lpt-transfer', recipient: String(a[0]).toLowerCase(), amount: a[1] as bigint };
        if (d.functionName === 'approve') return { kind: 'lpt-approve', spender: String(a[0]).toLowerCase(), amount: a[1] as bigint };
        if (d.functionName === 'transferFrom') return { kind: 'lpt-transfer-from', from: String(a[0]).toLowerCase(), recipient: String(a[1]).toLowerCase(), amount: a[2] as bigint };
      } else {
        if (d.functionName === 'setTreasuryRewardCutRate') return { kind: 'set-treasury-cut', rate: a[0] as bigint };
        if (d.functionName === 'setTreasuryBalanceCeiling') return { kind: 'set-treasury-ceiling', ceiling: a[0] as bigint };
      }
    } catch {
      // Not one of the calls above: shown as a raw call.
    }
  }
  return { kind: 'call', target: t, selector, value };
}

/** LPT leaving the treasury through a decoded action (LPT-wei); 0 for actions that move none. */
export function actionOutflow(a: TreasuryAction, treasury: string): bigint {
  if (a.kind === 'lpt-transfer') return a.amount;
  if (a.kind === 'lpt-transfer-from' && a.from === treasury.toLowerCase()) return a.amount;
  return 0n;
}

/** A change of the treasury's LPT balance as indexed: kind is 'treasury-reward', 'inflow' or 'outflow'. */
export interface BalanceChange {
  block: bigint;
  logIndex: number;
  /** Balance after the change (LPT-wei). */
  balance: bigint;
  /** Signed change (LPT-wei). */
  delta: bigint;
  kind: string;
}

/** One round of the ledger (LPT-wei). */
export interface LedgerRound {
  round: bigint;
  opening: bigint;
  treasuryRewards: bigint;
  otherInflows: bigint;
  outflows: bigint;
  closing: bigint;
  /** Treasury cut rate in force during the round (per 1e27). */
  cutRate: bigint;
}

/**
 * Per-round ledger: each change belongs to the last round initialized at or before its block; changes before
 * the first round are folded into that round's opening balance.
 */
export function ledgerByRound(changes: BalanceChange[], rounds: { round: bigint; block: bigint; cutRate: bigint }[]): LedgerRound[] {
  const sortedRounds = [...rounds].sort((a, b) => (a.block < b.block ? -1 : a.block > b.block ? 1 : 0));
  const sorted = [...changes].sort((a, b) => (a.block < b.block ? -1 : a.block > b.block ? 1 : a.logIndex - b.logIndex));
  const out: LedgerRound[] = [];
  let balance = 0n;
  let k = 0;
  while (k < sorted.length && sortedRounds.length && sorted[k]!.block < sortedRounds[0]!.block) balance = sorted[k++]!.balance;
  sortedRounds.forEach((r, i) => {
    const next = sortedRounds[i + 1]?.block ?? null;
    const row: LedgerRound = { round: r.round, opening: balance, treasuryRewards: 0n, otherInflows: 0n, outflows: 0n, closing: balance, cutRate: r.cutRate };
    while (k < sorted.length && (next === null || sorted[k]!.block < next)) {
      const c = sorted[k++]!;
      if (c.delta < 0n) row.outflows += -c.delta;
      else if (c.kind === 'treasury-reward') row.treasuryRewards += c.delta;
      else row.otherInflows += c.delta;
      balance = c.balance;
    }
    row.closing = balance;
    out.push(row);
  });
  return out;
}

/** Treasury cut against the balance ceiling (LPT-wei; rates per 1e27). */
export interface CeilingStatus {
  balance: bigint;
  ceiling: bigint | null;
  /** Rate applied in the current round. */
  cutRate: bigint;
  /** Rate set for the next round (nextRoundTreasuryRewardCutRate). */
  nextCutRate: bigint;
  /** balance ≥ ceiling: the contract zeroes the next round's cut. */
  atCeiling: boolean;
  /** LPT-wei until the ceiling (0 at or above it; null without a ceiling). */
  headroom: bigint | null;
}

/** Ceiling status from the balance (LPT-wei), ceiling (LPT-wei) and cut rates (per 1e27). */
export function ceilingStatus(balance: bigint, ceiling: bigint | null, cutRate: bigint, nextCutRate: bigint): CeilingStatus {
  const atCeiling = ceiling !== null && balance >= ceiling;
  return { balance, ceiling, cutRate, nextCutRate: atCeiling ? 0n : nextCutRate, atCeiling, headroom: ceiling === null ? null : atCeiling ? 0n : ceiling - balance };
}
