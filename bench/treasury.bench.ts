import { performance } from 'node:perf_hooks';
import { parseBudget } from '../src/analytics/budget.js';
import { pivotalVoters, replayTally } from '../src/analytics/governance.js';
import { forecastTreasury } from '../src/analytics/treasuryForecast.js';
import { round2, writeResult } from './results.js';

const CATEGORIES = 200;
const PERIODS = 24;
const VOTES = 500;

/** A large budget: 24 monthly periods × 200 categories with an amount each and a recipient. */
function budgetYaml(): string {
  const lines = ['version: 1', 'name: Bench budget', 'periods:'];
  for (let p = 0; p < PERIODS; p++) {
    const y = 2025 + Math.floor(p / 12);
    const m = String((p % 12) + 1).padStart(2, '0');
    const last = new Date(Date.UTC(y, (p % 12) + 1, 0)).getUTCDate();
    lines.push(`  - id: p${p}`, `    start: ${y}-${m}-01`, `    end: ${y}-${m}-${last}`);
  }
  lines.push('categories:');
  for (let c = 0; c < CATEGORIES; c++) {
    lines.push(`  - id: c${c}`, `    name: Category ${c}`, '    amounts:');
    for (let p = 0; p < PERIODS; p++) lines.push(`      p${p}: ${1000 + c * 7 + p}.5`);
    lines.push(`    recipients: [0x${(c + 1).toString(16).padStart(40, '0')}]`);
  }
  return `${lines.join('\n')}\n`;
}

function time(fn: () => void, reps: number): number {
  fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

/** Budget parsing with line tracking, tally replay and pivotal votes, forecast. */
export async function treasuryBench(): Promise<void> {
  const yaml = budgetYaml();
  const r = parseBudget(yaml);
  if (!r.ok) throw new Error(`bench budget invalid: ${r.issues[0]?.message}`);
  const json = JSON.stringify({
    version: 1,
    name: 'Bench budget',
    periods: r.budget.periods.map(({ id, start, end }) => ({ id, start, end })),
    categories: r.budget.categories.map((c) => ({ id: c.id, name: c.name, amounts: Object.fromEntries([...c.amounts].map(([k]) => [k, '1000.5'])), recipients: c.recipients })),
  }, null, 2);
  const votes = Array.from({ length: VOTES }, (_, i) => {
    const orch = `0x${(i % 50).toString(16).padStart(40, '0')}`;
    const voter = i < 50 ? orch : `0x${(1000 + i).toString(16).padStart(40, '0')}`;
    return { voter, delegate: orch, support: i % 3, weight: BigInt(1000 + i) * 10n ** 18n };
  });
  const figures = {
    yaml_budget_parse_ms: round2(time(() => parseBudget(yaml), 5)),
    json_budget_parse_ms: round2(time(() => parseBudget(json), 5)),
    tally_replay_500_votes_ms: round2(time(() => replayTally(votes), 20)),
    pivotal_500_votes_ms: round2(time(() => pivotalVoters(votes, 10n ** 22n, 500_000n), 2)),
    forecast_2000_rounds_ms: round2(
      time(() => forecastTreasury({ round: 4000n, balance: 10n ** 24n, supply: 5n * 10n ** 25n, inflation: 600_000n, inflationChange: 500n, direction: -1, cutRate: 10n ** 26n, ceiling: 75n * 10n ** 22n, callSharesPpm: [900_000n, 950_000n, 990_000n], spendPerRound: 10n ** 21n, rounds: 2000 }), 5),
    ),
    budget_lines: yaml.split('\n').length,
  };
  // Baselines: native JSON.parse without line tracking or validation; summing VoteCast weights (the naive, wrong tally).
  const baseline = {
    yaml_budget_parse_ms: round2(time(() => JSON.parse(json), 5)),
    json_budget_parse_ms: round2(time(() => JSON.parse(json), 5)),
    tally_replay_500_votes_ms: round2(time(() => votes.reduce((a, v) => a + v.weight, 0n), 20)),
    pivotal_500_votes_ms: round2(time(() => votes.reduce((a, v) => a + v.weight, 0n), 20)),
    forecast_2000_rounds_ms: 0,
    budget_lines: figures.budget_lines,
  };
  const res = writeResult({
    bench: 'treasury',
    figures,
    baseline,
    dataset: `generated budget of ${CATEGORIES} categories × ${PERIODS} periods (${figures.budget_lines} YAML lines) and its JSON form; ${VOTES} votes on 50 orchestrators with 450 overriding delegators; a 2000-round forecast. Baselines: native JSON.parse (no lines, no validation) and a plain sum of VoteCast weights. Measured on a 2-core machine shared with other work`,
  });
  process.stdout.write(`${JSON.stringify(res.figures)}\n`);
}
