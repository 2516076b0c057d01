import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Abi, Hex } from 'viem';

const here = path.dirname(fileURLToPath(import.meta.url));
const contractsDir = path.join(here, 'contracts');

export interface CompiledContract {
  abi: Abi;
  /** Runtime code, placed directly at an address with anvil_setCode (constructors never run). */
  deployedBytecode: Hex;
}

export type ContractName =
  | 'Controller'
  | 'LivepeerToken'
  | 'Minter'
  | 'RoundsManager'
  | 'BondingManager'
  | 'BondingVotes'
  | 'TicketBroker'
  | 'ServiceRegistry'
  | 'L2LPTDataCache'
  | 'Treasury'
  | 'LivepeerGovernor'
  | 'PollCreator';

export type Artifacts = Record<ContractName, CompiledContract>;

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { deployedBytecode: { object: string } } }>>;
}

function sources(): Record<string, { content: string }> {
  const out: Record<string, { content: string }> = {};
  for (const f of readdirSync(contractsDir).sort()) {
    if (f.endsWith('.sol')) out[f] = { content: readFileSync(path.join(contractsDir, f), 'utf8') };
  }
  return out;
}

function cacheDir(): string {
  return path.join(here, '..', '..', 'node_modules', '.cache', 'atlas-contracts');
}

/** Compile the simulator's contracts with the bundled solc, cached by source hash. */
export function compileContracts(): Artifacts {
  const src = sources();
  const hash = createHash('sha256').update(JSON.stringify(src)).digest('hex').slice(0, 16);
  const cacheFile = path.join(cacheDir(), `artifacts-${hash}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as Artifacts;

  const require = createRequire(import.meta.url);
  const solc = require('solc') as { compile(input: string): string };
  const input = {
    language: 'Solidity',
    sources: src,
    settings: {
      evmVersion: 'shanghai',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['abi', 'evm.deployedBytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solidity compile failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);

  const names: ContractName[] = [
    'Controller', 'LivepeerToken', 'Minter', 'RoundsManager', 'BondingManager', 'BondingVotes',
    'TicketBroker', 'ServiceRegistry', 'L2LPTDataCache', 'Treasury', 'LivepeerGovernor', 'PollCreator',
  ];
  const artifacts = {} as Artifacts;
  for (const name of names) {
    const c = output.contracts[`${name}.sol`]?.[name];
    if (!c) throw new Error(`contract ${name} missing from compiler output`);
    artifacts[name] = { abi: c.abi, deployedBytecode: `0x${c.evm.deployedBytecode.object}` as Hex };
  }
  mkdirSync(cacheDir(), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(artifacts));
  return artifacts;
}
