-- The LPT market: every event of the indexed Uniswap V3 LPT pools (Initialize, Swap, Mint, Burn, Collect,
-- Flash). Pool state (price, tick liquidity, reserves), volume and liquidity providers' fees are derived
-- from these rows at read time; a reorg deletes the rows of abandoned blocks.

create table market_pool_event (
  pool text not null,
  block_number bigint not null,
  log_index integer not null,
  block_time bigint not null,
  tx_hash text not null,
  kind text not null check (kind in ('initialize', 'swap', 'mint', 'burn', 'collect', 'flash')),
  -- Mint, Burn, Collect: the position's owner; Swap, Flash: the recipient.
  owner text,
  -- Mint, Swap, Flash: msg.sender of the pool call.
  sender text,
  tick_lower integer,
  tick_upper integer,
  -- Mint/Burn: liquidity added/removed; Swap: in-range liquidity after the swap.
  liquidity numeric(78, 0),
  -- Swap: signed, from the pool's side (positive = paid in); Mint/Burn/Collect: the token amounts; Flash: paid fees.
  amount0 numeric(78, 0),
  amount1 numeric(78, 0),
  -- Initialize, Swap: the price after.
  sqrt_price numeric(78, 0),
  tick integer,
  primary key (block_number, log_index)
);
create index market_pool_event_pool_idx on market_pool_event (pool, kind, block_number);
create index market_pool_event_time_idx on market_pool_event (block_time);
