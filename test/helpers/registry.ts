import { sql, type Kysely } from 'kysely';
import { keccak256, toBytes, type LocalAccount } from 'viem';
import { atlasDomain } from '../../src/registry/signing.js';
import { ADVERT_TYPES, PROFILE_TYPES, SNAPSHOT_TYPES } from '../../src/registry/statements.js';
import type { Database } from '../../src/store/schema.js';

/** The POST /api/v1/registry/adverts body for `advert`, signed by `account`. */
export async function signedAdvert(account: LocalAccount, advert: unknown, seq: number, issuedAt = Math.floor(Date.now() / 1000), chainId = 31337) {
  const text = JSON.stringify(advert);
  const signature = await account.signTypedData({ domain: atlasDomain(chainId), types: ADVERT_TYPES, primaryType: 'CapabilityAdvert', message: { orchestrator: account.address, seq: BigInt(seq), issuedAt: BigInt(issuedAt), advert: text } });
  return { orchestrator: account.address, seq, issuedAt, advert: text, signature };
}

/** The POST /api/v1/registry/profiles body for `profile`, signed by `account`. */
export async function signedProfile(account: LocalAccount, profile: unknown, seq: number, issuedAt = Math.floor(Date.now() / 1000), chainId = 31337) {
  const text = JSON.stringify(profile);
  const signature = await account.signTypedData({ domain: atlasDomain(chainId), types: PROFILE_TYPES, primaryType: 'GatewayProfile', message: { gateway: account.address, seq: BigInt(seq), issuedAt: BigInt(issuedAt), profile: text } });
  return { gateway: account.address, seq, issuedAt, profile: text, signature };
}

/** The POST /api/v1/registry/adverts/import body for `snapshot` ({orchestrators: [...]}), signed by the gateway `account`. */
export async function signedSnapshot(account: LocalAccount, snapshot: unknown, observedAt = Math.floor(Date.now() / 1000), chainId = 31337) {
  const text = typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot);
  const signature = await account.signTypedData({ domain: atlasDomain(chainId), types: SNAPSHOT_TYPES, primaryType: 'NetworkSnapshot', message: { gateway: account.address, observedAt: BigInt(observedAt), contentHash: keccak256(toBytes(text)) } });
  return { gateway: account.address, observedAt, snapshot: text, signature };
}

/** A TicketBroker gateway record as the indexer stores it (deposit and reserve in wei). */
export async function putGateway(db: Kysely<Database>, address: string, deposit: bigint, reserve = 0n): Promise<void> {
  await sql`insert into gateway (address, deposit, reserve, withdraw_round, winning_tickets, face_value_total, fees_paid, first_block, updated_block)
    values (${address.toLowerCase()}, ${deposit.toString()}, ${reserve.toString()}, null, 0, 0, 0, 1, 1)`.execute(db);
}

/** A BondingManager transcoder record as the indexer stores it (stake in LPT-wei; active in `round` unless deactivated). */
export async function putTranscoder(db: Kysely<Database>, address: string, stake: bigint, opts: { activation?: number; deactivation?: bigint } = {}): Promise<void> {
  await sql`insert into transcoder (address, last_reward_round, reward_cut, fee_share, last_active_stake_update_round, activation_round, deactivation_round,
      active_cumulative_rewards, cumulative_rewards, cumulative_fees, last_fee_round, total_stake, updated_block)
    values (${address.toLowerCase()}, 0, 0, 0, 0, ${opts.activation ?? 1}, ${(opts.deactivation ?? 2n ** 256n - 1n).toString()}, 0, 0, 0, 0, ${stake.toString()}, 1)`.execute(db);
}

/** The latest indexed round (the matcher's "active" is membership in it). */
export async function putRound(db: Kysely<Database>, round: number): Promise<void> {
  await sql`insert into protocol_round (round, block_number, block_time, l1_block, block_hash, mintable, inflation, total_active_stake, l2_supply, l1_supply,
      treasury_reward_cut_rate, treasury_balance, active_transcoders)
    values (${round}, 1, 1700000000, null, '0x00', 0, 0, 0, 0, null, 0, 0, 0)`.execute(db);
}
