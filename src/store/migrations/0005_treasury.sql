-- Treasury spend labels (src/analytics/budget.ts): a labeler listed in the budget file tags a proposal's
-- spend with a budget category by an EIP-712 signed statement. The signature is kept so anyone can re-verify.
create table spend_label (
  proposal_id text not null,
  signer text not null,
  category text not null,
  issued_at bigint not null,
  signature text not null,
  received_at timestamptz not null default now(),
  primary key (proposal_id, signer)
);
