import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VENDORED_REPORT_DIR } from '../needs/vendored.js';
import { ConfigError, envSchema, loadConfig } from './config.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'atlas-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const BUDGET = 'version: 1\nname: Test\nperiods:\n  - id: q1\n    start: 2025-01-01\n    end: 2025-03-31\ncategories:\n  - id: spe\n    name: SPEs\n    amounts:\n      q1: 1000\n';
const goodBudget = file('budget.yaml', BUDGET);
const badBudget = file('bad-budget.yaml', BUDGET.replace('version: 1', 'version: -1'));
const notReport = path.join(tmp, 'empty');
mkdirSync(notReport);
const brokenReport = path.join(tmp, 'broken');
file('broken/model.md', readFileSync(path.join(VENDORED_REPORT_DIR, 'model.md'), 'utf8'));
file('broken/roles/gateway.md', readFileSync(path.join(VENDORED_REPORT_DIR, 'roles', 'gateway.md'), 'utf8').replace(/\*Data availability score: [^*]*\*/, '*Data availability score: eleven*'));

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('loadConfig accepted it');
}

describe('loadConfig', () => {
  it('defaults to the simulator, embedded database and port 8080', () => {
    const c = loadConfig({});
    expect(c.network).toEqual({ kind: 'simulator', preset: 'demo', seed: '42', rounds: undefined, roundSeconds: 300 });
    expect(c.database.kind).toBe('pglite');
    expect(c.database.kind === 'pglite' && c.database.dataDir.endsWith('.atlas/db')).toBe(true);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('takes the living network\'s round length, 0 for a network that stops at start-up', () => {
    expect(loadConfig({ ATLAS_SIM_ROUND_SECONDS: '60' }).network).toMatchObject({ kind: 'simulator', roundSeconds: 60 });
    expect(loadConfig({ ATLAS_SIM_ROUND_SECONDS: '0' }).network).toMatchObject({ kind: 'simulator', roundSeconds: 0 });
  });

  it('uses Postgres and a real RPC endpoint when given', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://a:b@127.0.0.1:5432/atlas', ATLAS_RPC_URL: 'https://arb1.example/rpc', ATLAS_PORT: '9000' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://a:b@127.0.0.1:5432/atlas' });
    expect(c.network).toEqual({ kind: 'rpc', url: 'https://arb1.example/rpc' });
    expect(c.http.port).toBe(9000);
  });

  it.each([
    [{ ATLAS_PORT: 'eighty' }, 'ATLAS_PORT must be a whole number'],
    [{ ATLAS_PORT: '70000' }, 'ATLAS_PORT must be at most 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgres: or postgresql: URL'],
    [{ ATLAS_RPC_URL: 'not a url' }, 'ATLAS_RPC_URL must be a http: or https: URL'],
    [{ ATLAS_SIM_PRESET: 'huge' }, 'ATLAS_SIM_PRESET must be one of demo, test, large'],
    [{ ATLAS_SIM_ROUND_SECONDS: '5m' }, 'ATLAS_SIM_ROUND_SECONDS must be a whole number'],
    [{ ATLAS_SIM_ROUND_SECONDS: '100000' }, 'ATLAS_SIM_ROUND_SECONDS must be at most 86400'],
  ])('rejects %o with one clear line', (env, message) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('defaults: the vendored needs report, no budget file, survey k 5, RPC timeout 15 s, ready within 10 minutes', () => {
    const c = loadConfig({});
    expect(c.needs.dir).toBe(VENDORED_REPORT_DIR);
    expect(c.treasury.budgetFile).toBeNull();
    expect(c.costSurvey.k).toBe(5);
    expect(c.sync.rpcTimeoutMs).toBe(15_000);
    expect(c.ready.maxHeadAgeS).toBe(600);
  });

  it('takes a report directory, budget file, survey k, RPC timeout and ready age that check out', () => {
    const c = loadConfig({ ATLAS_NEEDS_DIR: VENDORED_REPORT_DIR, ATLAS_BUDGET_FILE: goodBudget, ATLAS_COST_SURVEY_K: '3', ATLAS_RPC_TIMEOUT_MS: '2500', ATLAS_READY_MAX_AGE_S: '60' });
    expect(c.needs.dir).toBe(VENDORED_REPORT_DIR);
    expect(c.treasury.budgetFile).toBe(goodBudget);
    expect(c.costSurvey.k).toBe(3);
    expect(c.sync.rpcTimeoutMs).toBe(2500);
    expect(c.ready.maxHeadAgeS).toBe(60);
  });

  it('takes label authorities as role:address pairs', () => {
    const a = '0x00000000000000000000000000000000000000AA';
    const c = loadConfig({ ATLAS_LABEL_AUTHORITIES: `foundation:${a}, spe:${a}` });
    expect([...c.labels.authorities.get(a.toLowerCase())!]).toEqual(['foundation', 'spe']);
    expect(loadConfig({}).labels.authorities.size).toBe(0);
  });

  it.each([
    [{ ATLAS_COST_SURVEY_K: 'five' }, 'ATLAS_COST_SURVEY_K must be a whole number'],
    [{ ATLAS_COST_SURVEY_K: '1' }, 'ATLAS_COST_SURVEY_K must be at least 2'],
    [{ ATLAS_RPC_TIMEOUT_MS: '10' }, 'ATLAS_RPC_TIMEOUT_MS must be at least 100'],
    [{ ATLAS_LABEL_AUTHORITIES: 'king:0x00000000000000000000000000000000000000aa' }, 'ATLAS_LABEL_AUTHORITIES: "king:0x00000000000000000000000000000000000000aa" is not role:0xaddress with a role of orchestrator, delegator, delegate, gateway, spe, foundation, exchange, other'],
    [{ ATLAS_READY_MAX_AGE_S: '-5' }, 'ATLAS_READY_MAX_AGE_S must be a whole number'],
    [{ ATLAS_BUDGET_FILE: path.join(tmp, 'missing.yaml') }, `ATLAS_BUDGET_FILE: cannot read ${path.join(tmp, 'missing.yaml')} (ENOENT)`],
    [{ ATLAS_BUDGET_FILE: badBudget }, `ATLAS_BUDGET_FILE: ${badBudget}:1: version: must be a whole number from 1`],
    [{ ATLAS_NEEDS_DIR: path.join(tmp, 'nowhere') }, `ATLAS_NEEDS_DIR: ${path.join(tmp, 'nowhere')} is not a directory`],
    [{ ATLAS_NEEDS_DIR: notReport }, `ATLAS_NEEDS_DIR: ${notReport} holds no data-needs report (no roles/ folder)`],
  ])('rejects %o with one line naming the variable', (env, message) => {
    const m = errorOf(env);
    expect(m).toBe(message);
    expect(m).not.toContain('\n');
  });

  it('names the file and line of a data-needs report that does not parse', () => {
    const m = errorOf({ ATLAS_NEEDS_DIR: brokenReport });
    expect(m).toMatch(new RegExp(`^ATLAS_NEEDS_DIR: ${brokenReport}/roles/gateway\\.md:\\d+: `));
    expect(m).not.toContain('\n');
  });

  it('every variable it reads is in the README table, and the table lists no other', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 5));
    const listed = new Set([...section.matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)?/gm)].flatMap((m) => [m[1]!, ...(m[2] ? [m[2]] : [])]));
    expect([...listed].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it('is the only reader of the environment: product code hands process.env to loadConfig and reads no variable itself', () => {
    const src = path.resolve(import.meta.dirname, '..');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.split(path.sep).includes('testkit'));
    const readers = files.flatMap((f) =>
      readFileSync(path.join(src, f), 'utf8')
        .split('\n')
        .map((line, i) => ({ at: `${f}:${i + 1}`, line: line.replace(/loadConfig\(process\.env\b/g, '') }))
        .filter(({ line }) => /process\.env\b/.test(line) && !/^\s*(\/\/|\*)/.test(line))
        .map(({ at }) => at),
    );
    expect(readers.filter((at) => !at.startsWith(`cli${path.sep}config.ts:`))).toEqual([]);
  });

  it('lets CLI flags override the environment', () => {
    const c = loadConfig({ ATLAS_PORT: '9000' }, { ATLAS_PORT: '9100' });
    expect(c.http.port).toBe(9100);
  });
});
