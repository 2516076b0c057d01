-- Staking intelligence (src/analytics, src/registry/labels.ts): self-identified address labels.

-- Every accepted signed statement, kept with its signature so anyone can re-verify it.
create table address_label_statement (
  address text not null,
  issued_at bigint not null,
  -- 'identify' (name, url, role) or 'revoke'.
  kind text not null,
  name text,
  url text,
  role text,
  signature text not null,
  chain_id integer not null,
  received_at timestamptz not null default now(),
  primary key (address, issued_at)
);

-- The label in force per address: the newest statement; a revocation clears name, url and role.
create table address_label (
  address text primary key,
  issued_at bigint not null,
  revoked boolean not null,
  name text,
  url text,
  role text,
  signature text not null,
  updated_at timestamptz not null default now()
);
create index address_label_role_idx on address_label (role) where not revoked;
