import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileHistoryVersion, HISTORY_UNITS, historyInputHash, readProtocolHistory, recordedAbi } from '../../src/sim/livepeer/history.js';
import { sharedPath } from '../helpers/sharedDir.mjs';

/**
 * Every implementation Arbitrum One ran (../shared/livepeer-protocol-history), compiled from its own exact compiler
 * input with solc 0.8.9: the ABI each gives is the one its deployment recorded, and compiling again gives the same code.
 */
const HISTORY = sharedPath('livepeer-protocol-history');
const versions = readProtocolHistory(HISTORY);

describe('the protocol history compiles from its own compiler inputs', () => {
  it('lists every version Arbitrum One ran: BondingManager v1-v9, TicketBroker v1-v3, Minter v1-v2, RoundsManager v1', () => {
    const count = (c: keyof typeof HISTORY_UNITS) => versions.filter((v) => v.contract === c).map((v) => v.version);
    expect(count('BondingManagerTarget')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(count('TicketBrokerTarget')).toEqual([1, 2, 3]);
    expect(count('Minter')).toEqual([1, 2]);
    expect(count('RoundsManagerTarget')).toEqual([1]);
  });

  it.each(versions.map((v) => [`${v.contract} v${v.version}`, v] as const))("%s: the compiled ABI is the deployment's abi.json", (_name, v) => {
    const art = compileHistoryVersion(HISTORY, v);
    expect(art.abi).toEqual(recordedAbi(HISTORY, v));
    expect(art.bytecode.length).toBeGreaterThan(2_000);
    // Only the BondingManager links a library (SortedDoublyLL), in every version.
    expect(art.links.map((l) => l.library)).toEqual(v.contract === 'BondingManagerTarget' ? ['SortedDoublyLL'] : []);
    // The compiler input is the recorded one: every source it lists, none missing.
    const listed = (JSON.parse(readFileSync(path.join(HISTORY, v.dir, 'solc-settings.json'), 'utf8')) as { sources: string[] }).sources;
    expect(listed.length).toBeGreaterThan(80);
  });

  it('versions differ where the history says they do: each BondingManager its own code, inputs shared only by the first deployment', () => {
    const bm = versions.filter((v) => v.contract === 'BondingManagerTarget').map((v) => compileHistoryVersion(HISTORY, v).bytecode);
    expect(new Set(bm).size).toBe(9);
    const v1 = versions.filter((v) => v.version === 1);
    // The four first targets were deployed from one compiler input (one commit); the hash names the contract built too.
    expect(new Set(v1.map((v) => v.solcInputHash)).size).toBe(1);
    expect(new Set(v1.map((v) => historyInputHash(HISTORY, v))).size).toBe(4);
  });

  it('compiles deterministically: a fresh compilation gives the cached code byte for byte', () => {
    // The smallest inputs of each generation (before and after the delta upgrade's 153 sources).
    for (const v of [versions.find((x) => x.contract === 'Minter' && x.version === 2)!, versions.find((x) => x.contract === 'BondingManagerTarget' && x.version === 9)!]) {
      const cached = compileHistoryVersion(HISTORY, v);
      const fresh = compileHistoryVersion(HISTORY, v, { fresh: true });
      expect(fresh).toEqual(cached);
    }
  });
});
