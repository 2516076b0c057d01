import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';
import { AtlasError } from '../../base/errors.js';

/**
 * The livepeer/protocol contracts the simulator deploys, by name: the source unit that defines each. The checkout
 * is compiled as its own build does: solc 0.8.9 with the optimizer at 200 runs, OpenZeppelin 4.9.2 from npm.
 */
export const LIVEPEER_CONTRACTS = {
  Controller: 'contracts/Controller.sol',
  ManagerProxy: 'contracts/ManagerProxy.sol',
  BondingManager: 'contracts/bonding/BondingManager.sol',
  SortedDoublyLL: 'contracts/libraries/SortedDoublyLL.sol',
  BondingVotes: 'contracts/bonding/BondingVotes.sol',
  TicketBroker: 'contracts/pm/TicketBroker.sol',
  RoundsManager: 'contracts/rounds/RoundsManager.sol',
  Minter: 'contracts/token/Minter.sol',
  ServiceRegistry: 'contracts/ServiceRegistry.sol',
  LivepeerToken: 'contracts/token/LivepeerToken.sol',
  Treasury: 'contracts/treasury/Treasury.sol',
  LivepeerGovernor: 'contracts/treasury/LivepeerGovernor.sol',
  PollCreator: 'contracts/polling/PollCreator.sol',
} as const;

export type LivepeerContractName = keyof typeof LIVEPEER_CONTRACTS;

export interface LinkReference {
  /** Library name as solc reports it (e.g. SortedDoublyLL). */
  library: string;
  /** Byte offsets of the 20-byte placeholder in the creation code. */
  starts: number[];
}

export interface LivepeerArtifact {
  abi: Abi;
  /** Creation code, library placeholders not yet linked. */
  bytecode: Hex;
  links: LinkReference[];
}

export type LivepeerArtifacts = Record<LivepeerContractName, LivepeerArtifact>;

const COMPILER = 'solc-0.8.9';
const SETTINGS = { optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.bytecode.linkReferences'] } } };

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string; linkReferences: Record<string, Record<string, { start: number; length: number }[]>> } } }>>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** Where compiled protocol contracts are cached (by input hash). */
export const LIVEPEER_CACHE_DIR = path.join(here, '..', '..', '..', 'node_modules', '.cache', 'atlas-contracts');

/** A failure the user can act on (a checkout that is not livepeer/protocol, missing dev dependencies). */
export class LivepeerCheckoutError extends AtlasError {
  constructor(message: string) {
    super('unprocessable', message);
  }
}

function requireFrom(name: string): unknown {
  const require = createRequire(import.meta.url);
  try {
    return require(name);
  } catch {
    throw new LivepeerCheckoutError(`${name} is not installed: the real contracts compile with the development dependencies (npm install)`);
  }
}

/** Every source unit the entry contracts import, read from the checkout or from the OpenZeppelin packages. */
function collectSources(checkout: string): Record<string, { content: string }> {
  const require = createRequire(import.meta.url);
  const sources: Record<string, { content: string }> = {};
  const read = (unit: string): string => {
    if (unit.startsWith('@openzeppelin/')) {
      const [scope, pkg, ...rest] = unit.split('/');
      let root: string;
      try {
        root = path.dirname(require.resolve(`${scope}/${pkg}/package.json`));
      } catch {
        throw new LivepeerCheckoutError(`${scope}/${pkg} is not installed: the real contracts compile with the development dependencies (npm install)`);
      }
      return readFileSync(path.join(root, ...rest), 'utf8');
    }
    const file = path.join(checkout, unit);
    if (!existsSync(file)) throw new LivepeerCheckoutError(`${unit} is missing from ${checkout}: is it a livepeer/protocol checkout?`);
    return readFileSync(file, 'utf8');
  };
  const todo: string[] = Object.values(LIVEPEER_CONTRACTS);
  while (todo.length > 0) {
    const unit = todo.pop()!;
    if (sources[unit]) continue;
    const content = read(unit);
    sources[unit] = { content };
    for (const m of content.matchAll(/^\s*import\s+(?:[^'"]*from\s+)?["']([^"']+)["']/gm)) {
      const spec = m[1]!;
      todo.push(spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(unit), spec)) : spec);
    }
  }
  return sources;
}

/**
 * Compile the protocol contracts of a livepeer/protocol checkout (its `contracts/` folder), cached by the hash of
 * every source, the compiler and its settings.
 */
export function compileLivepeer(checkout: string): LivepeerArtifacts {
  const sources = collectSources(checkout);
  const hash = createHash('sha256').update(JSON.stringify({ COMPILER, SETTINGS, sources })).digest('hex').slice(0, 16);
  const cacheFile = path.join(LIVEPEER_CACHE_DIR, `livepeer-${hash}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as LivepeerArtifacts;

  const solc = requireFrom(COMPILER) as { compile(input: string): string };
  const output = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings: SETTINGS }))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new LivepeerCheckoutError(`the protocol contracts do not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const artifacts = {} as LivepeerArtifacts;
  for (const [name, unit] of Object.entries(LIVEPEER_CONTRACTS) as [LivepeerContractName, string][]) {
    const c = output.contracts[unit]?.[name];
    if (!c) throw new LivepeerCheckoutError(`${name} is missing from the compiler output of ${unit}`);
    const links: LinkReference[] = [];
    for (const byLib of Object.values(c.evm.bytecode.linkReferences)) {
      for (const [library, refs] of Object.entries(byLib)) links.push({ library, starts: refs.map((r) => r.start) });
    }
    artifacts[name] = { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` as Hex, links };
  }
  mkdirSync(LIVEPEER_CACHE_DIR, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(artifacts));
  return artifacts;
}

/** Creation code with each library placeholder replaced by the library's address. */
export function linkBytecode(a: LivepeerArtifact, libraries: Record<string, Hex>): Hex {
  let hex = a.bytecode.slice(2);
  for (const link of a.links) {
    const address = libraries[link.library];
    if (!address) throw new Error(`no address for library ${link.library}`);
    for (const start of link.starts) hex = hex.slice(0, start * 2) + address.slice(2).toLowerCase() + hex.slice(start * 2 + 40);
  }
  if (hex.includes('__$')) throw new Error('unlinked library placeholder left in bytecode');
  return `0x${hex}`;
}
