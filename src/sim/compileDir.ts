import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Abi, Hex } from 'viem';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface CompiledRuntime {
  abi: Abi;
  /** Runtime code, placed at an address with anvil_setCode (constructors never run). */
  deployedBytecode: Hex;
}

/**
 * Compiles every .sol file of one folder of src/sim/contracts with the bundled solc (cached by source
 * hash) and returns the named contracts. Kept apart from the protocol's contracts so they add no work there.
 */
export function compileSolidityDir<N extends string>(folder: string, names: readonly N[]): Record<N, CompiledRuntime> {
  const dir = path.join(here, 'contracts', folder);
  const sources: Record<string, { content: string }> = {};
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.sol')) sources[f] = { content: readFileSync(path.join(dir, f), 'utf8') };
  const hash = createHash('sha256').update(JSON.stringify(sources)).digest('hex').slice(0, 16);
  const cacheDir = path.join(here, '..', '..', 'node_modules', '.cache', 'atlas-contracts');
  const cacheFile = path.join(cacheDir, `${folder}-${hash}.json`);
  if (existsSync(cacheFile)) return JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<N, CompiledRuntime>;
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string };
  const input = { language: 'Solidity', sources, settings: { evmVersion: 'shanghai', optimizer: { enabled: true, runs: 200 }, outputSelection: { '*': { '*': ['abi', 'evm.deployedBytecode.object'] } } } };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<string, Record<string, { abi: Abi; evm: { deployedBytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`${folder} contracts do not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const art = {} as Record<N, CompiledRuntime>;
  for (const name of names) {
    const c = out.contracts[`${name}.sol`]?.[name];
    if (!c) throw new Error(`contract ${name} missing from compiler output`);
    art[name] = { abi: c.abi, deployedBytecode: `0x${c.evm.deployedBytecode.object}` as Hex };
  }
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(art));
  return art;
}
