import { sql } from 'kysely';
import { big, rows, type Db, type Text } from './db.js';

/** A Controller.SetContractInfo: the contract registered under an id (keccak of its name) at a block. */
export interface ContractInfoRow {
  block: bigint;
  logIndex: number;
  id: string;
  /** The registered name, when the id is one Atlas knows. */
  name: string | null;
  address: string;
  gitCommitHash: string;
}

/** Every SetContractInfo, in chain order. */
export async function contractRegistrations(db: Db): Promise<ContractInfoRow[]> {
  const r = await rows(
    db,
    sql<{ block: Text; log_index: number; id: string; name: string | null; address: string; git_commit_hash: string }>`
      select block_number::text as block, log_index, id, name, address, git_commit_hash from contract_info order by block_number, log_index`,
  );
  return r.map((x) => ({ block: big(x.block), logIndex: Number(x.log_index), id: String(x.id), name: x.name === null ? null : String(x.name), address: String(x.address), gitCommitHash: String(x.git_commit_hash) }));
}
