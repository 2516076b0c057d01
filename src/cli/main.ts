#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { AtlasError } from '../base/errors.js';
import { indexCommand } from './indexCommand.js';
import { needsCheckCommand, needsImportCommand } from './needsCommand.js';
import { simCommand } from './simCommand.js';
import { pricesImportCommand } from './pricesCommand.js';
import { serveCommand, startCommand } from './startCommand.js';

function int(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(v);
  };
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('atlas')
    .description('Livepeer Atlas: index, analyse and serve the Livepeer network')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('start')
    .description('simulator (or ATLAS_RPC_URL) + indexer + API + dashboard in one process on the configured database')
    .option('--price-aggregators <list>', 'Arbitrum One: comma-separated Chainlink ETH/USD aggregator addresses (default: ATLAS_PRICE_AGGREGATORS)')
    .option('--lpt-pool <address>', 'Arbitrum One: Uniswap V3 LPT/WETH pool address (default: ATLAS_LPT_POOL)')
    .action(startCommand);

  program
    .command('serve')
    .description('API and dashboard over the configured database, for an indexer running elsewhere')
    .action(serveCommand);

  program
    .command('sim')
    .description('run the offline Livepeer network simulator on a local anvil node')
    .option('--preset <name>', 'demo | test | large', 'demo')
    .option('--seed <seed>', 'random seed (same seed, same network)')
    .option('--rounds <n>', 'rounds to simulate', int('--rounds'))
    .option('--orchestrators <n>', 'number of orchestrators', int('--orchestrators'))
    .option('--delegators <n>', 'number of delegators', int('--delegators'))
    .option('--gateways <n>', 'number of gateways', int('--gateways'))
    .option('--tickets <n>', 'winning tickets per round', int('--tickets'))
    .option('--snapshot-rounds <list>', 'comma-separated rounds (1-based) to snapshot as ground truth')
    .option('--out <file>', 'write the ground truth JSON here')
    .option('--port <n>', 'anvil port (default: a free port)', int('--port'))
    .option('--keep', 'keep the node running after the scenario (Ctrl-C to stop)')
    .action(simCommand);

  program
    .command('index')
    .description('index the Livepeer contracts of a chain into the database (DATABASE_URL or the embedded one)')
    .option('--rpc-url <url>', 'JSON-RPC endpoint (default: ATLAS_RPC_URL)')
    .option('--network <name>', 'arbitrum-one | simulator (addresses and start blocks)', 'arbitrum-one')
    .option('--follow', 'keep following the head after the backfill')
    .option('--price-aggregators <list>', 'Arbitrum One: comma-separated Chainlink ETH/USD aggregator addresses (default: ATLAS_PRICE_AGGREGATORS)')
    .option('--lpt-pool <address>', 'Arbitrum One: Uniswap V3 LPT/WETH pool address (default: ATLAS_LPT_POOL)')
    .action(indexCommand);

  const needs = program.command('needs').description('the data-needs report: import versions, check the mapping to Atlas views');
  needs
    .command('import <dir>')
    .description('parse a report directory (model.md, roles/*.md) and store it as a new version')
    .option('--label <text>', 'a name for this version')
    .action(needsImportCommand);
  needs
    .command('check [dir]')
    .description('fail if a mapped view or endpoint does not exist (and, given a report, if a question is unmapped)')
    .action(needsCheckCommand);

  program
    .command('prices')
    .description('external price series (CSV: series,time,value,unit; see src/prices/README.md)')
    .command('import <file>')
    .description('import a price series CSV; one bad line rejects the whole file')
    .action(pricesImportCommand);

  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (e) {
    // Refusals (bad configuration, bad input) are one line; only faults of ours exit 1.
    if ((e instanceof AtlasError && e.code !== 'internal') || (e as { code?: string }).code === 'ATLAS_USAGE') {
      process.stderr.write(`atlas: ${(e as Error).message}\n`);
      process.exit(2);
    }
    process.stderr.write(`atlas: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\/src\//, '/src/'))) {
  void main();
}
