-- Small key/value store for process-wide facts (network id, schema flags,
-- sync checkpoints that are not per-table).
create table atlas_meta (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
