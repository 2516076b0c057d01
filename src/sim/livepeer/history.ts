import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getAddress, type Abi, type Address, type Hex } from 'viem';
import { z } from 'zod';
import { LIVEPEER_CACHE_DIR, LivepeerCheckoutError, type LinkReference, type LivepeerArtifact } from './compile.js';

/**
 * The implementations the Livepeer protocol ran on Arbitrum One, as a protocol-history folder records them
 * (`manifest.json` and, per version, its exact compiler input `solc-settings.json` with every source beside it, and
 * its `abi.json`): each compiled from its own input with solc 0.8.9, so the upgrade path deploys the code that ran.
 */

/** The contract each manifest entry builds: its source unit and name in the compiler input. */
export const HISTORY_UNITS = {
  BondingManagerTarget: { unit: 'contracts/bonding/BondingManager.sol', name: 'BondingManager' },
  TicketBrokerTarget: { unit: 'contracts/pm/TicketBroker.sol', name: 'TicketBroker' },
  Minter: { unit: 'contracts/token/Minter.sol', name: 'Minter' },
  RoundsManagerTarget: { unit: 'contracts/rounds/RoundsManager.sol', name: 'RoundsManager' },
} as const;

export type HistoryContract = keyof typeof HISTORY_UNITS;

const manifestSchema = z.array(
  z.object({
    contract: z.enum(Object.keys(HISTORY_UNITS) as [HistoryContract, ...HistoryContract[]]),
    version: z.number().int().min(1),
    address: z.string().regex(/^0x[0-9a-fA-F]{40}$/).transform((a) => getAddress(a)),
    deployBlock: z.number().int().min(0),
    solcInputHash: z.string().min(1),
    dir: z.string().min(1),
  }),
);

/** One deployed implementation: which contract, its version (1 = the first on Arbitrum One), where it was deployed. */
export interface HistoryVersion {
  contract: HistoryContract;
  version: number;
  address: Address;
  deployBlock: number;
  solcInputHash: string;
  /** Its folder inside the protocol-history folder. */
  dir: string;
}

/** The manifest of a protocol-history folder, each contract's versions in order. */
export function readProtocolHistory(historyDir: string): HistoryVersion[] {
  const file = path.join(historyDir, 'manifest.json');
  if (!existsSync(file)) throw new LivepeerCheckoutError(`${file} is missing: is ${historyDir} a protocol-history folder?`);
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new LivepeerCheckoutError(`${file} is not a protocol-history manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return [...parsed.data].sort((a, b) => (a.contract === b.contract ? a.version - b.version : a.contract < b.contract ? -1 : 1));
}

/** The version `version` of `contract` in a manifest; throws when the history does not have it. */
export function historyVersion(history: HistoryVersion[], contract: HistoryContract, version: number): HistoryVersion {
  const v = history.find((h) => h.contract === contract && h.version === version);
  if (!v) throw new LivepeerCheckoutError(`the protocol history has no ${contract} v${version}`);
  return v;
}

/** The ABI the deployment recorded for a version (its `abi.json`). */
export function recordedAbi(historyDir: string, v: HistoryVersion): Abi {
  return JSON.parse(readFileSync(path.join(historyDir, v.dir, 'abi.json'), 'utf8')) as Abi;
}

interface SolcInput {
  language: string;
  settings: Record<string, unknown> & { outputSelection?: unknown };
  sources: Record<string, { content: string }>;
}

/**
 * A version's compiler input: its recorded settings and every source it lists. The output selection is narrowed to
 * the one contract's ABI and creation code: it chooses what solc reports, not the code it generates.
 */
function compilerInput(historyDir: string, v: HistoryVersion): SolcInput {
  const dir = path.join(historyDir, v.dir);
  const recorded = JSON.parse(readFileSync(path.join(dir, 'solc-settings.json'), 'utf8')) as { language: string; settings: Record<string, unknown>; sources: string[] };
  const sources: Record<string, { content: string }> = {};
  for (const unit of recorded.sources) {
    const file = path.join(dir, unit);
    if (!existsSync(file)) throw new LivepeerCheckoutError(`${unit} is missing from ${dir}: the compiler input is incomplete`);
    sources[unit] = { content: readFileSync(file, 'utf8') };
  }
  const { unit, name } = HISTORY_UNITS[v.contract];
  if (!sources[unit]) throw new LivepeerCheckoutError(`${unit} is not in the compiler input of ${v.contract} v${v.version}`);
  const settings = { ...recorded.settings, outputSelection: { [unit]: { [name]: ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences'] } } };
  return { language: recorded.language, settings, sources };
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> } } }>>;
}

const COMPILER = 'solc-0.8.9';

/** The hash a version's artifact is cached under: compiler, settings, every source and the contract built. */
export function historyInputHash(historyDir: string, v: HistoryVersion): string {
  return inputHash(compilerInput(historyDir, v));
}

const inputHash = (input: SolcInput): string => createHash('sha256').update(JSON.stringify({ COMPILER, input })).digest('hex').slice(0, 16);

/**
 * Compile one version from its own compiler input with solc 0.8.9, cached on disk by the input's hash (`fresh`
 * compiles even when cached, and leaves the cache alone).
 */
export function compileHistoryVersion(historyDir: string, v: HistoryVersion, opts: { fresh?: boolean } = {}): LivepeerArtifact {
  const input = compilerInput(historyDir, v);
  const cacheFile = path.join(LIVEPEER_CACHE_DIR, `history-${inputHash(input)}.json`);
  if (!opts.fresh && existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as LivepeerArtifact;

  let solc: { compile(input: string): string };
  try {
    solc = createRequire(import.meta.url)(COMPILER) as typeof solc;
  } catch {
    throw new LivepeerCheckoutError(`${COMPILER} is not installed: the real contracts compile with the development dependencies (npm install)`);
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new LivepeerCheckoutError(`${v.contract} v${v.version} does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const { unit, name } = HISTORY_UNITS[v.contract];
  const c = output.contracts?.[unit]?.[name];
  if (!c) throw new LivepeerCheckoutError(`${name} is missing from the compiler output of ${v.contract} v${v.version}`);
  const links: LinkReference[] = [];
  for (const byLib of Object.values(c.evm.bytecode.linkReferences)) {
    for (const [library, refs] of Object.entries(byLib)) links.push({ library, starts: refs.map((r) => r.start) });
  }
  const artifact: LivepeerArtifact = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` as Hex, links };
  if (!opts.fresh) {
    mkdirSync(LIVEPEER_CACHE_DIR, { recursive: true });
    writeFileSync(cacheFile, JSON.stringify(artifact));
  }
  return artifact;
}
