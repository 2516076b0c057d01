import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the simulator, embedded database and port 8080', () => {
    const c = loadConfig({});
    expect(c.network).toEqual({ kind: 'simulator', preset: 'demo', seed: '42', rounds: undefined });
    expect(c.database.kind).toBe('pglite');
    expect(c.database.kind === 'pglite' && c.database.dataDir.endsWith('.atlas/db')).toBe(true);
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8080 });
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

  it('lets CLI flags override the environment', () => {
    const c = loadConfig({ ATLAS_PORT: '9000' }, { ATLAS_PORT: '9100' });
    expect(c.http.port).toBe(9100);
  });
});
