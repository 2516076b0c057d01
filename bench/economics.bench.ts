import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { incomeItems, sumIncome } from '../src/analytics/income.js';
import { loadPriceBook } from '../src/prices/lookup.js';
import { surveyAggregates } from '../src/registry/costSurvey.js';
import { openTestDb } from '../test/helpers/db.js';
import { round2, writeResult } from './results.js';

const ORCHS = 100;
const ROUNDS = 300;
const TICKETS_PER_ROUND = 400;
const REPORTS = 10_000;
const ROUND_SECONDS = 76_524;

async function time<T>(fn: () => Promise<T>, reps: number): Promise<number> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  return (performance.now() - t0) / reps;
}

/** Income split and USD valuation over a year of rounds, price book load, k-anonymous survey aggregates (PGlite). */
export async function economicsBench(): Promise<void> {
  const db = await openTestDb('pglite', { migrate: true });
  try {
    const orch = (i: string) => sql.raw(`'0x' || lpad(to_hex(${i}), 40, '0')`);
    await sql`insert into earnings_pool (transcoder, round, total_stake, reward_cut, fee_share, rewards, fees)
      select ${orch('o')}, r, 1000000000000000000000000, (o * 7919) % 1000000, (o * 104729) % 1000000, 50000000000000000000 + o, 0
      from generate_series(1, ${ORCHS}) o, generate_series(1, ${ROUNDS}) r`.execute(db.db);
    await sql`insert into chain_event (block_number, log_index, tx_hash, tx_index, block_time, round, contract, name, a1, amount, args)
      select r * 1000 + o, 0, '0x', 0, r * ${ROUND_SECONDS} + o, r, 'BondingManager', 'Reward', ${orch('o')}, 50000000000000000000 + o, '{}'
      from generate_series(1, ${ORCHS}) o, generate_series(1, ${ROUNDS}) r`.execute(db.db);
    await sql`insert into winning_ticket (block_number, log_index, tx_hash, block_time, round, sender, recipient, face_value, win_prob, sender_nonce, creation_round, paid)
      select r * 1000 + 500, t, '0x', r * ${ROUND_SECONDS} + 500 + t, r, '0xg', ${orch(`(t % ${ORCHS}) + 1`)}, 0, 0, t, r, 3000000000000000 + t
      from generate_series(1, ${ROUNDS}) r, generate_series(1, ${TICKETS_PER_ROUND}) t`.execute(db.db);
    await sql`insert into price_tick (block_number, log_index, block_time, pair, value)
      select r * 1000, p, r * ${ROUND_SECONDS}, case when p = 0 then 'ETH/USD' else 'LPT/ETH' end,
        case when p = 0 then 260000000000 + r else 3881297113842787659845632000 end
      from generate_series(1, ${ROUNDS}) r, generate_series(0, 1) p`.execute(db.db);
    await sql`insert into cost_report (orchestrator, period, deployment, gpu_model, gpu_count, hardware_cents, power_cents, bandwidth_cents, other_cents, region, nonce, signature)
      select ${orch('i')}, '2026-' || lpad(((i % 12) + 1)::text, 2, '0'), (array['onsite','datacenter','cloud'])[(i % 3) + 1], 'GPU' || (i % 40), 1 + i % 8,
        100000 + i, 20000, 5000, 0, 'FRA', i::text, '0x'
      from generate_series(1, ${REPORTS}) i`.execute(db.db);

    const book = await loadPriceBook(db.db);
    let items = 0;
    const figures = {
      income_year_split_usd_ms: round2(await time(async () => {
        const it = await incomeItems(db.db, book, { fromRound: 1, toRound: ROUNDS });
        items = it.length;
        sumIncome(it, 'quarter', (i) => i.orchestrator);
      }, 2)),
      income_30_rounds_ms: round2(await time(async () => sumIncome(await incomeItems(db.db, book, { fromRound: ROUNDS - 29, toRound: ROUNDS }), 'round'), 5)),
      price_book_load_ms: round2(await time(() => loadPriceBook(db.db), 5)),
      survey_aggregates_10k_reports_ms: round2(await time(() => surveyAggregates(db.db, { k: 5, group: 'deployment', filters: {}, nowS: Date.UTC(2027, 1, 1) / 1000 }), 5)),
      income_items: items,
    };
    // Baselines: the same totals as plain SQL sums of the pool ledger (no per-payment split, no USD), and the survey's
    // GROUP BY without the k rule.
    const baseline = {
      income_year_split_usd_ms: round2(await time(() => sql`select transcoder, round, sum(rewards), sum(fees) from earnings_pool group by transcoder, round`.execute(db.db), 2)),
      income_30_rounds_ms: round2(await time(() => sql`select round, sum(rewards), sum(fees) from earnings_pool where round > ${ROUNDS - 30} group by round`.execute(db.db), 5)),
      price_book_load_ms: round2(await time(() => sql`select * from price_tick`.execute(db.db), 5)),
      survey_aggregates_10k_reports_ms: round2(await time(() => sql`select deployment, count(*), avg(hardware_cents) from cost_report group by deployment`.execute(db.db), 5)),
      income_items: ORCHS * ROUNDS,
    };
    const res = writeResult({
      bench: 'economics',
      figures,
      baseline,
      dataset: `PGlite, generated: ${ORCHS} orchestrators × ${ROUNDS} rounds of pools and reward calls, ${TICKETS_PER_ROUND} fee payments per round, ${2 * ROUNDS} price ticks, ${REPORTS} cost reports. Baselines: plain SQL sums of the pool ledger (no per-payment split, no USD) and the survey GROUP BY without the k rule. Measured on a 2-core machine shared with other work`,
    });
    process.stdout.write(`${JSON.stringify(res.figures)}\n`);
  } finally {
    await db.close();
  }
}
