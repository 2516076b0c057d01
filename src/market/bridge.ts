// The L1↔L2 LPT bridge on Arbitrum One: the L2 gateway mints LPT for deposits made on L1
// (DepositFinalized) and burns it for withdrawals to L1 (WithdrawalInitiated).
import type { Address } from 'viem';
import { arbitrumOne } from '../chain/networks.js';

/** L2LPTGateway on Arbitrum One (the indexer's contract list has its first block). */
export const L2_LPT_GATEWAY: Address = arbitrumOne.contracts.L2LPTGateway.address;
/** LPT on Ethereum, the L1 token the gateway bridges. */
export const L1_LPT: Address = '0x58b6A8A3302369DAEc383334672404Ee733aB239';
