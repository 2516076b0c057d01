-- Capability registry: orchestrator adverts (signed, or seen in a gateway's network-capabilities
-- snapshot), every version kept so requotes and capability changes stay queryable; gateway requirement
-- profiles, every version kept too.

create table registry_advert (
  id bigserial primary key,
  orchestrator text not null,
  -- 'signed': EIP-712 statement by the orchestrator; 'snapshot': imported OrchestratorInfo.
  source text not null check (source in ('signed', 'snapshot')),
  seq numeric(20, 0),
  signature text,
  -- The signed text exactly as signed, so the statement can be verified again later.
  statement text,
  issued_at bigint not null,
  last_seen_at bigint not null,
  received_at timestamptz not null default now(),
  body jsonb not null,
  price_changed boolean not null,
  capabilities_changed boolean not null,
  check ((source = 'signed') = (seq is not null and signature is not null and statement is not null))
);
create index registry_advert_orch_idx on registry_advert (orchestrator, id);
create index registry_advert_time_idx on registry_advert (issued_at);
-- A sequence number is used once per orchestrator: a replayed or reordered statement cannot land twice.
create unique index registry_advert_seq_idx on registry_advert (orchestrator, seq) where source = 'signed';

create table registry_profile (
  id bigserial primary key,
  gateway text not null,
  name text not null,
  seq numeric(20, 0) not null,
  signature text not null,
  statement text not null,
  issued_at bigint not null,
  received_at timestamptz not null default now(),
  body jsonb not null,
  expected_sessions integer not null,
  -- A gateway withdraws a job class by publishing it again with retired = true.
  retired boolean not null default false
);
create index registry_profile_name_idx on registry_profile (gateway, name, id);
create unique index registry_profile_seq_idx on registry_profile (gateway, seq);
