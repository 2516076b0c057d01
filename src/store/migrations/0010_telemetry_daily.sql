-- Daily telemetry rollups: the hourly cells summed per UTC day, so long windows read 24× fewer rows.
-- Written in the same transaction as the hourly cells; a range query reads whole days here and only its
-- partial-day edges from telemetry_rollup (src/telemetry/rollupSource.ts).
create table telemetry_rollup_daily (
  -- start of the UTC day (timestamptz, like telemetry_rollup.hour, so the same filters apply)
  day timestamptz not null,
  orchestrator text not null,
  capability text not null,
  model text not null,
  region text not null,
  gateway text not null,
  jobs bigint not null,
  successes bigint not null,
  round_trip_sum_ms bigint not null,
  queue_sum_ms bigint not null,
  upload_sum_ms bigint not null,
  processing_sum_ms bigint not null,
  download_sum_ms bigint not null,
  seg_duration_sum_ms bigint not null,
  seg_jobs bigint not null,
  price_paid numeric(78, 0) not null,
  units numeric(78, 0) not null,
  latency_hist bigint[] not null,
  primary key (day, orchestrator, capability, model, region, gateway)
);
create index telemetry_rollup_daily_capability_idx on telemetry_rollup_daily (capability, day);
create index telemetry_rollup_daily_orch_idx on telemetry_rollup_daily (orchestrator, day);

-- Days already rolled up hourly before this table existed.
with hist as (
  select date_trunc('day', hour, 'UTC') as day, orchestrator, capability, model, region, gateway, i, sum(v) as s
  from telemetry_rollup, unnest(latency_hist) with ordinality as u(v, i)
  group by 1, 2, 3, 4, 5, 6, i
), hists as (
  select day, orchestrator, capability, model, region, gateway, array_agg(s order by i)::bigint[] as latency_hist
  from hist group by 1, 2, 3, 4, 5, 6
), sums as (
  select date_trunc('day', hour, 'UTC') as day, orchestrator, capability, model, region, gateway,
    sum(jobs) as jobs, sum(successes) as successes, sum(round_trip_sum_ms) as round_trip_sum_ms, sum(queue_sum_ms) as queue_sum_ms,
    sum(upload_sum_ms) as upload_sum_ms, sum(processing_sum_ms) as processing_sum_ms, sum(download_sum_ms) as download_sum_ms,
    sum(seg_duration_sum_ms) as seg_duration_sum_ms, sum(seg_jobs) as seg_jobs, sum(price_paid) as price_paid, sum(units) as units
  from telemetry_rollup group by 1, 2, 3, 4, 5, 6
)
insert into telemetry_rollup_daily
select s.day, s.orchestrator, s.capability, s.model, s.region, s.gateway, s.jobs, s.successes, s.round_trip_sum_ms, s.queue_sum_ms,
  s.upload_sum_ms, s.processing_sum_ms, s.download_sum_ms, s.seg_duration_sum_ms, s.seg_jobs, s.price_paid, s.units, h.latency_hist
from sums s join hists h using (day, orchestrator, capability, model, region, gateway);
