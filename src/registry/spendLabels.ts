// Signed treasury spend labels (migration 0005): a budget's labeler signs which category a proposal's spending
// belongs to; a newer statement of the same labeler replaces its label, an equal or older one is a replay.
import { sql } from 'kysely';
import { rows, type Db } from '../read/db.js';

/** An accepted signed spend label. */
export interface SpendLabel {
  proposalId: string;
  signer: string;
  category: string;
  issuedAt: number;
  signature: string;
}

/** Stored spend labels, newest first per proposal. */
export async function spendLabels(db: Db): Promise<SpendLabel[]> {
  const r = await rows(db, sql<{ proposal_id: string; signer: string; category: string; issued_at: string; signature: string }>`select proposal_id, signer, category, issued_at::text, signature from spend_label order by proposal_id, issued_at desc, signer`);
  return r.map((x) => ({ proposalId: String(x.proposal_id), signer: String(x.signer), category: String(x.category), issuedAt: Number(x.issued_at), signature: String(x.signature) }));
}

/** Stores (or replaces, when newer) a labeler's label for a proposal; false when an equal or newer one exists. */
export async function saveSpendLabel(db: Db, l: SpendLabel): Promise<boolean> {
  const r = await rows(
    db,
    sql<{ proposal_id: string }>`
      insert into spend_label (proposal_id, signer, category, issued_at, signature)
      values (${l.proposalId}, ${l.signer}, ${l.category}, ${l.issuedAt}, ${l.signature})
      on conflict (proposal_id, signer) do update set category = excluded.category, issued_at = excluded.issued_at,
        signature = excluded.signature, received_at = now()
      where spend_label.issued_at < excluded.issued_at
      returning proposal_id`,
  );
  return r.length > 0;
}
