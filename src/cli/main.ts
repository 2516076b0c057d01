#!/usr/bin/env node
// The atlas command. Only commander is loaded up front: each command's modules (database, indexer, simulator,
// API) are imported when that command runs, so `atlas --help` and `atlas --version` answer at once.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { AtlasError } from '../base/errors.js';

function int(name: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number`);
    return Number(v);
  };
}

/** The package's version, read from package.json (two levels up from both src/cli and dist/cli). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('atlas')
    .description('Livepeer Atlas: index, analyse and serve the Livepeer network')
    .version(version(), '-V, --version', 'print the version')
    .option('--verbose', 'print the stack trace of an error')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(str) });

  program
    .command('start')
    .description('simulator (or ATLAS_RPC_URL) + indexer + API + dashboard in one process on the configured database')
    .option('--price-aggregators <list>', 'Arbitrum One: comma-separated Chainlink ETH/USD aggregator addresses (default: ATLAS_PRICE_AGGREGATORS)')
    .option('--lpt-pool <address>', 'Arbitrum One: Uniswap V3 LPT/WETH pool address (default: ATLAS_LPT_POOL)')
    .option('--fresh', 'simulator: replace the database of an earlier simulator run in ATLAS_DATA_DIR (never deleted otherwise)')
    .action(async (flags) => (await import('./startCommand.js')).startCommand(flags));

  program
    .command('serve')
    .description('API and dashboard over the configured database, for an indexer running elsewhere')
    .action(async () => (await import('./startCommand.js')).serveCommand());

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
    .option('--contracts <dir>', 'a livepeer/protocol checkout: compile and run the real contracts instead of Atlas\'s own')
    .action(async (flags) => (await import('./simCommand.js')).simCommand(flags));

  program
    .command('index')
    .description('index the Livepeer contracts of a chain into the database (DATABASE_URL or the embedded one)')
    .option('--rpc-url <url>', 'JSON-RPC endpoint (default: ATLAS_RPC_URL)')
    .option('--network <name>', 'arbitrum-one | simulator (addresses and start blocks)', 'arbitrum-one')
    .option('--follow', 'keep following the head after the backfill')
    .option('--price-aggregators <list>', 'Arbitrum One: comma-separated Chainlink ETH/USD aggregator addresses (default: ATLAS_PRICE_AGGREGATORS)')
    .option('--lpt-pool <address>', 'Arbitrum One: Uniswap V3 LPT/WETH pool address (default: ATLAS_LPT_POOL)')
    .option('--verify-state', 'after each batch read the chain\'s BondingManager views of what it changed (one multicall per batch; an archive node while backfilling) and record differences (default: ATLAS_VERIFY_STATE)')
    .action(async (flags) => (await import('./indexCommand.js')).indexCommand(flags));

  program
    .command('verify')
    .description('compare a sample of indexed delegators, orchestrators and their latest pools with the chain\'s views at the indexed block; exit code 1 on any difference')
    .option('--rpc-url <url>', 'JSON-RPC endpoint (default: ATLAS_RPC_URL)')
    .option('--network <name>', 'arbitrum-one | simulator', 'arbitrum-one')
    .option('--sample <n>', 'accounts to sample (delegators, and orchestrators among them)', '100')
    .action(async (flags) => (await import('./verifyCommand.js')).verifyCommand(flags));

  const needs = program.command('needs').description('the data-needs report: import versions, check the mapping to Atlas views');
  needs
    .command('import <dir>')
    .description('parse a report directory (model.md, roles/*.md) and store it as a new version')
    .option('--label <text>', 'a name for this version')
    .action(async (dir, flags) => (await import('./needsCommand.js')).needsImportCommand(dir, flags));
  needs
    .command('check [dir]')
    .description('fail if a mapped view or endpoint does not exist (and, given a report, if a question is unmapped)')
    .action(async (dir) => (await import('./needsCommand.js')).needsCheckCommand(dir));

  program
    .command('prices')
    .description('external price series (CSV: series,time,value,unit; see src/prices/README.md)')
    .command('import <file>')
    .description('import a price series CSV; one bad line rejects the whole file')
    .action(async (file) => (await import('./pricesCommand.js')).pricesImportCommand(file));

  return program;
}

/** One `atlas: …` line for an error: the message alone for a refusal, else its first line and a hint. */
function report(e: unknown, verbose: boolean): number {
  // Refusals (configuration, input, an endpoint that does not answer) are the user's to fix; the rest are faults.
  const usage = e instanceof AtlasError && e.code !== 'internal';
  const message = e instanceof Error ? e.message : String(e);
  if (verbose && e instanceof Error && e.stack) process.stderr.write(`atlas: ${message}\n${e.stack}\n`);
  else if (usage) process.stderr.write(`atlas: ${message}\n`);
  else process.stderr.write(`atlas: ${message.split('\n')[0]} (run with --verbose for the stack trace)\n`);
  return usage ? 2 : 1;
}

/**
 * Runs the command line. Errors end as one `atlas: …` line on stderr, never a stack trace (`--verbose` adds it):
 * exit code 2 for what the user fixes (configuration, arguments, an endpoint that does not answer), 1 otherwise.
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const verbose = argv.includes('--verbose');
  const fail = (e: unknown) => process.exit(report(e, verbose));
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    fail(e);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
