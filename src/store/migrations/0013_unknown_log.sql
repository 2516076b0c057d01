-- Logs of protocol contracts that Atlas cannot name (an event missing from its ABIs). Each one is a defect
-- to fix, counted on /api/v1/status; the table should stay empty.
create table unknown_log (
  block_number bigint not null,
  log_index integer not null,
  tx_hash text not null,
  address text not null,
  topic0 text,
  primary key (block_number, log_index)
);
