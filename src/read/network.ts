import { sql } from 'kysely';
import { chainIdOfNetwork } from '../chain/networks.js';
import { rows, type Db } from './db.js';

/** Which network a database holds, as the indexer claimed it in atlas_meta. */
export interface NetworkIdentity {
  /** `arbitrum-one`, `simulator`, or null for a database nothing has claimed yet. */
  name: string | null;
  /** The chain id statements signed for this network carry (EIP-712 domains): 42161 on Arbitrum One, else the simulator's 31337. */
  chainId: number;
  /** Hash of the chain's genesis block as the indexer saw it when it claimed the database (null while unclaimed). */
  genesisHash: string | null;
}

/** The network of a database (atlas_meta `network`); an unclaimed one reads as the simulator. */
export async function readNetwork(db: Db): Promise<NetworkIdentity> {
  const r = await rows(db, sql<{ value: unknown }>`select value from atlas_meta where key = 'network'`);
  const v = r[0]?.value;
  const parsed = v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as { name?: string; genesisHash?: string });
  const name = parsed?.name ?? null;
  return { name, chainId: chainIdOfNetwork(name), genesisHash: parsed?.genesisHash ?? null };
}

/** Chain id of the indexed network (see NetworkIdentity.chainId). */
export async function indexedChainId(db: Db): Promise<number> {
  return (await readNetwork(db)).chainId;
}
