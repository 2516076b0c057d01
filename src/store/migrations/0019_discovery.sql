-- Orchestrator discovery: every poll of the registered service URIs over go-livepeer's GetOrchestrator,
-- and what each node answered (or how it failed). The offers themselves go to registry_advert as
-- snapshots; the prices each node quoted are kept per answer so price floors can be charted over time.

create table discovery_poll (
  id bigserial primary key,
  -- Unix seconds on the poller's clock (the simulated clock in the demo).
  started_at bigint not null,
  wall_ms integer not null,
  targets integer not null,
  answered integer not null,
  failed integer not null,
  -- Targets not asked this time: still backing off after failures.
  skipped integer not null
);
create index discovery_poll_time_idx on discovery_poll (started_at);

create table discovery_result (
  poll_id bigint not null references discovery_poll (id) on delete cascade,
  orchestrator text not null,
  uri text not null,
  -- Which registry the URI comes from: ServiceRegistry ('service') or AIServiceRegistry ('ai').
  registry text not null check (registry in ('service', 'ai')),
  observed_at bigint not null,
  ok boolean not null,
  -- invalid-uri | unreachable | timeout | refused | malformed; null when ok.
  failure text,
  detail text,
  latency_ms real,
  version text,
  -- [{capability, model, pricePerUnit, pixelsPerUnit}] as quoted (exact integers as strings); null when failed.
  prices jsonb,
  primary key (poll_id, orchestrator, registry)
);
create index discovery_result_orch_idx on discovery_result (orchestrator, observed_at);
create index discovery_result_time_idx on discovery_result (observed_at);
