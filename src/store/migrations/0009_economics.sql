-- Economics (src/prices, src/analytics/income.ts, src/registry/costSurvey.ts).

-- Prices read from chain logs, one row per log: the Chainlink ETH/USD aggregator's AnswerUpdated
-- (value = answer, 8 decimals) and the Uniswap V3 LPT/WETH pool's Swap (value = sqrtPriceX96,
-- ETH per LPT = value^2 / 2^192). Append-only; a reorg deletes rows from the fork block on.
create table price_tick (
  block_number bigint not null,
  log_index integer not null,
  block_time bigint not null,
  -- 'ETH/USD' or 'LPT/ETH'
  pair text not null,
  value numeric(78, 0) not null,
  primary key (block_number, log_index)
);
create index price_tick_pair_time_idx on price_tick (pair, block_time);

-- External price series imported from CSV (ETH/USD or LPT/ETH history before the chain sources,
-- GPU rental indices, power prices...). value is an exact decimal; unit names what it is per.
create table price_series_point (
  series text not null,
  time bigint not null,
  value numeric(40, 18) not null,
  unit text not null,
  imported_at timestamptz not null default now(),
  primary key (series, time)
);

-- Signed orchestrator cost self-reports. Never served individually: the API only publishes
-- aggregates over buckets holding at least k distinct reports.
create table cost_report (
  orchestrator text not null,
  -- The statement's own period (YYYY-MM); one report per orchestrator and period.
  period text not null,
  deployment text not null,
  gpu_model text not null,
  gpu_count integer not null,
  -- Monthly costs in US cents.
  hardware_cents bigint not null,
  power_cents bigint not null,
  bandwidth_cents bigint not null,
  other_cents bigint not null,
  region text not null,
  nonce text not null,
  signature text not null,
  received_at timestamptz not null default now(),
  primary key (orchestrator, period)
);
create index cost_report_bucket_idx on cost_report (period, deployment, gpu_model);

