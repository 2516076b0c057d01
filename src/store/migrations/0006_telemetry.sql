-- Gateway telemetry: signed job-report batches, raw reports by day, additive hourly rollups.

-- One row per accepted batch: (gateway, nonce) is unique, so a replayed batch is refused.
create table telemetry_batch (
  gateway text not null,
  nonce numeric(20, 0) not null,
  batch_hash text not null,
  kind text not null,
  sent_at timestamptz not null,
  received_at timestamptz not null default now(),
  items integer not null,
  primary key (gateway, nonce)
);
create index telemetry_batch_received_idx on telemetry_batch (received_at);

-- Raw job outcomes. Partitions are per UTC day (created on demand, dropped by retention).
create table telemetry_report (
  day date not null,
  gateway text not null,
  job_id text not null,
  batch_nonce numeric(20, 0) not null,
  capability text not null,
  model text not null,
  orchestrator text not null,
  region text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  queue_ms integer,
  upload_ms integer,
  processing_ms integer,
  download_ms integer,
  round_trip_ms integer not null,
  seg_duration_ms integer,
  success boolean not null,
  error_code text,
  price_paid numeric(78, 0) not null,
  units numeric(78, 0) not null,
  primary key (day, gateway, job_id)
) partition by range (day);

-- Raw gateway event envelopes ({id, type, timestamp, gateway, data}) received as JSON lines.
create table telemetry_event (
  day date not null,
  gateway text not null,
  event_id text not null,
  type text not null,
  subtype text,
  source text not null,
  at timestamptz not null,
  data jsonb not null,
  primary key (day, gateway, event_id)
) partition by range (day);

-- Hourly rollups: only counts and sums, so any range is summed exactly and rates are derived at query time.
create table telemetry_rollup (
  hour timestamptz not null,
  orchestrator text not null,
  capability text not null,
  model text not null,
  region text not null,
  gateway text not null,
  jobs bigint not null,
  successes bigint not null,
  -- sums over successful jobs (ms), for mean latencies
  round_trip_sum_ms bigint not null,
  queue_sum_ms bigint not null,
  upload_sum_ms bigint not null,
  processing_sum_ms bigint not null,
  download_sum_ms bigint not null,
  seg_duration_sum_ms bigint not null,
  seg_jobs bigint not null,
  price_paid numeric(78, 0) not null,
  units numeric(78, 0) not null,
  -- successful round-trip latencies per bucket of src/telemetry/histogram.ts
  latency_hist bigint[] not null,
  primary key (hour, orchestrator, capability, model, region, gateway)
);
create index telemetry_rollup_orch_idx on telemetry_rollup (orchestrator, hour);
-- Leaderboards select one pipeline over a window: read only its rows, not every pipeline's.
create index telemetry_rollup_capability_idx on telemetry_rollup (capability, hour);

create table telemetry_rollup_error (
  hour timestamptz not null,
  orchestrator text not null,
  capability text not null,
  model text not null,
  region text not null,
  gateway text not null,
  error_code text not null,
  count bigint not null,
  primary key (hour, orchestrator, capability, model, region, gateway, error_code)
);

-- Hourly counts of gateway events: payments (expected value in wei), unserved requests, swaps, stream status.
create table telemetry_event_rollup (
  hour timestamptz not null,
  gateway text not null,
  type text not null,
  subtype text not null,
  capability text not null,
  orchestrator text not null,
  events bigint not null,
  tickets bigint not null,
  fee_wei numeric(78, 0) not null,
  primary key (hour, gateway, type, subtype, capability, orchestrator)
);
