import { decodeFunctionResult, encodeFunctionData, parseAbi, type Address, type Hex } from 'viem';
import { multicallAt, type ReadCall } from '../chain/multicall.js';
import type { RpcClient } from '../chain/rpc.js';
import type { StateDivergenceRow } from './rows.js';

// The BondingManager's own views, the same in every version Arbitrum One ran.
const views = parseAbi([
  'function getDelegator(address) view returns (uint256 bondedAmount, uint256 fees, address delegateAddress, uint256 delegatedAmount, uint256 startRound, uint256 lastClaimRound, uint256 nextUnbondingLockId)',
  'function getTranscoder(address) view returns (uint256 lastRewardRound, uint256 rewardCut, uint256 feeShare, uint256 lastActiveStakeUpdateRound, uint256 activationRound, uint256 deactivationRound, uint256 activeCumulativeRewards, uint256 cumulativeRewards, uint256 cumulativeFees, uint256 lastFeeRound)',
  'function getTranscoderEarningsPoolForRound(address, uint256) view returns (uint256 totalStake, uint256 transcoderRewardCut, uint256 transcoderFeeShare, uint256 cumulativeRewardFactor, uint256 cumulativeFeeFactor)',
]);

type View = 'getDelegator' | 'getTranscoder' | 'getTranscoderEarningsPoolForRound';

// Which column of Atlas's row each output of a view is compared with, in output order.
const COLUMNS: Record<View, string[]> = {
  getDelegator: ['bonded_amount', 'fees', 'delegate', 'delegated_amount', 'start_round', 'last_claim_round', 'next_unbonding_lock_id'],
  getTranscoder: ['last_reward_round', 'reward_cut', 'fee_share', 'last_active_stake_update_round', 'activation_round', 'deactivation_round', 'active_cumulative_rewards', 'cumulative_rewards', 'cumulative_fees', 'last_fee_round'],
  getTranscoderEarningsPoolForRound: ['total_stake', 'reward_cut', 'fee_share', 'cumulative_reward_factor', 'cumulative_fee_factor'],
};

type Row<K extends string> = Readonly<Record<K, unknown>> & Readonly<Record<string, unknown>>;

/**
 * The rows whose chain counterparts are read (what a batch wrote, or a sample of the index), by column name as in
 * the delegator, transcoder and earnings_pool tables; values as bigint or decimal text.
 */
export interface StateRows {
  delegators: readonly (Row<'address'> & { address: string })[];
  transcoders: readonly (Row<'address'> & { address: string })[];
  pools: readonly (Row<'transcoder' | 'round'> & { transcoder: string })[];
}

/** A state check's outcome: the differences, how many values were compared and how many eth_calls it took. */
export interface StateCheck {
  divergences: StateDivergenceRow[];
  compared: number;
  rpcCalls: number;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : String(v));

interface Planned {
  view: View;
  account: string;
  row: Record<string, unknown>;
  call: ReadCall;
}

/**
 * Reads the BondingManager's getDelegator / getTranscoder / getTranscoderEarningsPoolForRound for every row at
 * `blockNumber` (one multicall, chunked) and lists each value where Atlas's row and the chain differ.
 */
export async function checkState(rpc: RpcClient, bondingManager: Address, blockNumber: number, rows: StateRows): Promise<StateCheck> {
  const planned: Planned[] = [];
  const plan = (view: View, account: string, args: readonly unknown[], row: object) =>
    planned.push({ view, account, row: row as Record<string, unknown>, call: { target: bondingManager, callData: encodeFunctionData({ abi: views, functionName: view, args } as never) as Hex } });
  for (const d of rows.delegators) plan('getDelegator', d.address, [d.address], d);
  for (const t of rows.transcoders) plan('getTranscoder', t.address, [t.address], t);
  for (const p of rows.pools) plan('getTranscoderEarningsPoolForRound', p.transcoder, [p.transcoder, BigInt(String(p.round))], p);
  const { results, rpcCalls } = await multicallAt(rpc, planned.map((p) => p.call), blockNumber);

  const divergences: StateDivergenceRow[] = [];
  let compared = 0;
  planned.forEach((p, i) => {
    const raw = results[i];
    const view = p.view === 'getTranscoderEarningsPoolForRound' ? `${p.view}(${String(p.row.round)})` : p.view;
    if (raw === null || raw === undefined) {
      divergences.push({ block_number: blockNumber, account: p.account, view, field: '*', atlas: 'a row', chain: 'the call reverted' });
      return;
    }
    const out = decodeFunctionResult({ abi: views, functionName: p.view, data: raw } as never) as readonly unknown[];
    COLUMNS[p.view].forEach((col, k) => {
      compared++;
      const atlas = text(p.row[col]);
      const chain = text(out[k]);
      if (atlas !== chain) divergences.push({ block_number: blockNumber, account: p.account, view, field: col, atlas, chain });
    });
  });
  return { divergences, compared, rpcCalls };
}
