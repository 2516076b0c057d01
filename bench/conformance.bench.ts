import { loadavg } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { ProtocolIndexer } from '../src/projections/indexer.js';
import { atlasContracts, livepeerContracts, type ProtocolBackend } from '../src/sim/backend.js';
import { resolveScenario } from '../src/sim/scenario.js';
import { runSimulation } from '../src/sim/simulator.js';
import { createDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { sharedDir } from '../test/helpers/sharedDir.mjs';
import { round2, writeResult } from './results.js';

/**
 * The conformance scenario (the conformance suite's: 30 rounds, 110 orchestrators) generated on the deployed
 * Livepeer contracts (../shared/livepeer-protocol) and indexed into PGlite, against the same seeded scenario on
 * Atlas's own contracts (the offline simulator's): generation time and logs, indexer logs/s and the checks it made.
 */
export async function conformanceBench(): Promise<void> {
  const shared = sharedDir();
  if (!shared) {
    process.stderr.write('bench conformance: !!! SKIPPED: no ../shared beside this checkout (the real Livepeer contracts); set ATLAS_SHARED_DIR\n');
    return;
  }
  const load0 = loadavg()[0]!;
  const livepeer = livepeerContracts(path.join(shared, 'livepeer-protocol'));
  const real = await measure(livepeer);
  // With the parameters the deployed contracts fix (governor periods, poll period): the differential test's pair.
  const own = await measure(atlasContracts, livepeer.params);
  const r = writeResult({
    bench: 'conformance',
    figures: real.figures,
    baseline: own.figures,
    dataset: `preset test, seed ${real.seed}: 30 rounds, 110 orchestrators, 300 delegators, 6 gateways, on the livepeer/protocol contracts (solc 0.8.9, compiled artifacts cached), indexed into PGlite; baseline: the same scenario and parameters on Atlas's own contracts (the same protocol history, which the conformance suite's differential test checks; their deployment takes fewer transactions and logs). Measured on a 2-core machine shared with other work: 1-min load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end`,
  });
  console.log(JSON.stringify(r, null, 2));
}

async function measure(contracts: ProtocolBackend, params?: ProtocolBackend['params']): Promise<{ seed: string | number; figures: Record<string, number> }> {
  const scenario = resolveScenario({ preset: 'test', rounds: 30 });
  const sim = await runSimulation({ scenario, contracts, params, keepNode: true });
  const db = await createDb({ kind: 'pglite' });
  try {
    await migrate(db.db);
    const indexer = new ProtocolIndexer({ db: db.db, rpcUrl: sim.rpcUrl, network: sim.network, confirmations: 0 });
    const t0 = performance.now();
    await indexer.backfill();
    const secs = (performance.now() - t0) / 1000;
    const events = Number((await sql<{ n: string }>`select count(*)::text as n from chain_event`.execute(db.db)).rows[0]!.n);
    const divergences = Number((await sql<{ n: string }>`select count(*)::text as n from ledger_divergence`.execute(db.db)).rows[0]!.n);
    const st = sim.groundTruth.stats;
    return {
      seed: scenario.seed,
      figures: {
        generation_wall_s: round2(sim.elapsedMs / 1000),
        generation_logs_total: st.logs,
        generation_txs_total: st.txs,
        generation_reverted_txs: st.reverted,
        generation_logs_per_s: round2(st.logs / (sim.elapsedMs / 1000)),
        index_wall_s: round2(secs),
        index_events_total: events,
        index_logs_per_s: round2(events / secs),
        index_predictions_checked: indexer.stats.predictionsChecked,
        index_unknown_logs: indexer.stats.unknownLogs,
        index_divergences: divergences,
      },
    };
  } finally {
    await db.close();
    await sim.node?.stop();
  }
}
