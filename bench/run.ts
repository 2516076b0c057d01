import { abuseBench } from './abuse.bench.js';
import { leaderboardBench } from './leaderboard.bench.js';
import { apiBench } from './api.bench.js';
import { indexerBench } from './indexer.bench.js';
import { syncBench } from './sync.bench.js';
import { matcherBench } from './matcher.bench.js';
import { simBench } from './sim.bench.js';
import { telemetryBench } from './telemetry.bench.js';
import { treasuryBench } from './treasury.bench.js';
import { backtestBench } from './backtest.bench.js';
import { needsBench } from './needs.bench.js';
import { economicsBench } from './economics.bench.js';
import { cliBench } from './cli.bench.js';
import { webBench } from './web.bench.js';
import { suiteBench } from './suite.bench.js';
import { conformanceBench } from './conformance.bench.js';
import { graphqlBench } from './graphql.bench.js';
import { discoveryBench } from './discovery.bench.js';
import type { PresetName } from '../src/sim/scenario.js';

// `npm run bench` runs every benchmark; `npm run bench -- sim [preset]` runs one.
const benches: Record<string, (arg?: string) => Promise<void>> = {
  sim: (preset) => simBench((preset as PresetName | undefined) ?? 'demo'),
  indexer: (preset) => indexerBench(preset as PresetName | undefined),
  sync: () => syncBench(),
  matcher: () => matcherBench(),
  telemetry: () => telemetryBench(),
  api: (preset) => apiBench(preset as PresetName | undefined),
};

benches.treasury = () => treasuryBench();
benches.backtest = () => backtestBench();

benches.needs = (preset) => needsBench((preset as PresetName | undefined) ?? 'demo');
benches.economics = () => economicsBench();
benches.cli = () => cliBench();
benches.web = (arg) => webBench(arg);
benches.suite = () => suiteBench();
benches.conformance = () => conformanceBench();
benches.graphql = (preset) => graphqlBench(preset as PresetName | undefined);
benches.abuse = (preset) => abuseBench(preset as PresetName | undefined);
benches.leaderboard = () => leaderboardBench();
benches.discovery = () => discoveryBench();
const [only, arg] = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  process.stderr.write(`bench ${name}…\n`);
  await run(arg);
}
