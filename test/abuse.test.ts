// The abuse suite: the attacks of the hardening review (GraphQL bombs, aliases and nested lists, REST floods, a
// rotating IPv6 /64, two writers on one data directory, anonymous and oversized registry writes, cost-survey
// identities and differencing, CSV injection, SSE hoarding) replayed together, under concurrency, against one
// running server on loopback configured as `atlas serve` runs it (rate limit on, GraphQL budget, worker, time
// limits) over the indexed test chain in an embedded data directory. Each attack asserts its defended outcome;
// a monitor asserts /health and /api/v1/network keep answering while they run; the acknowledged writes are all
// there after a clean shutdown. The per-item tests (src/api/graphql/*.test.ts, test/registry.test.ts,
// test/economics.test.ts, test/csv.test.ts, test/oneWriter.test.ts) prove each defence in detail.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import type { LocalAccount } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, startServer, type RunningServer } from '../src/api/index.js';
import { COST_REPORT_TYPES, costReportMessage, type CostReportInput } from '../src/registry/costSurvey.js';
import { atlasDomain } from '../src/registry/signing.js';
import { lockDataDir, type DataDirLock } from '../src/store/dataDirLock.js';
import { atlasDbFromPGlite, createDb, pgliteParsers, type AtlasDb } from '../src/store/db.js';
import { indexedFixture } from './e2e/fixture.js';
import { dangerousCell, HOSTILE_CELL, parseCsv } from './helpers/csv.js';
import { putGateway, putTranscoder, signedAdvert, signedSnapshot } from './helpers/registry.js';
import { testAccount } from './helpers/telemetry.js';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test-side JSON access

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LPT = 10n ** 18n;
const lc = (a: { address: string }) => a.address.toLowerCase();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The 152-byte query: three lists of 1,000 nested under each other (a billion objects). */
const BOMB = '{transcoders(first:1000){delegators(first:1000){delegate{delegators(first:1000){id}}}}}';
/** The most expensive shape the budget admits: the same three nested lists at 60 (cost 223,260 of 250,000). */
const WORST_ALLOWED = '{transcoders(first:60){delegators(first:60){delegate{delegators(first:60){id}}}}}';
const WORST_COST = 60 + 60 * 60 + 60 * 60 + 60 * 60 * 60;

const orch = testAccount('abuse-orchestrator');
const gateway = testAccount('abuse-gateway');
const stranger = testAccount('abuse-stranger');
/** Survey reporters: three registered with stake; four fresh keys (the colluders' fake identities). */
const reporters = [1, 2, 3].map((i) => testAccount(`abuse-reporter-${i}`));
const sybils = [1, 2, 3, 4].map((i) => privateKeyToAccount(`0x${(0xa000 + i).toString(16).padStart(64, '0')}`));
const snap = JSON.parse(readFileSync(new URL('./fixtures/registry/networkCapabilities.json', import.meta.url), 'utf8')) as { orchestrators: J[] };

const advertOf = (a: { address: string }, price: number) => ({
  orchestrator: a.address,
  version: '0.8.6',
  serviceUri: 'https://orch.example:8935',
  capabilities: ['text-to-image'],
  models: [{ capability: 'text-to-image', model: 'sdxl', warm: true, capacity: 2, runnerVersion: '0.14.1' }],
  prices: [{ capability: 'text-to-image', model: 'sdxl', pricePerUnit: String(price), pixelsPerUnit: '1' }],
  regions: ['FRA'],
});

/** 'YYYY-MM' `back` months before now (UTC). */
function period(back: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - back);
  return d.toISOString().slice(0, 7);
}

async function costReport(signer: LocalAccount, nonce: number, over: Partial<CostReportInput> = {}): Promise<CostReportInput> {
  const base = {
    orchestrator: signer.address,
    period: period(0),
    deployment: 'cloud' as const,
    gpuModel: 'A100',
    gpuCount: 2,
    hardwareCents: 100_000,
    powerCents: 20_000,
    bandwidthCents: 5_000,
    otherCents: 0,
    region: 'FRA',
    nonce,
    ...over,
  };
  const signature = await signer.signTypedData({ domain: atlasDomain(31337), types: COST_REPORT_TYPES, primaryType: 'CostReport', message: costReportMessage(base) as never });
  return { ...base, signature };
}

/** One HTTP exchange as a client at `ip` (the server trusts X-Forwarded-For, as behind its load balancer). */
interface Answer {
  status: number;
  ms: number;
  body: J;
  text: string;
  headers: Headers;
}

describe('abuse suite: the review’s attacks at once against a running server (loopback)', () => {
  let root: string;
  let dataDir: string;
  let lock: DataDirLock;
  let atlas: AtlasDb;
  let server: RunningServer;
  /** Every answer any attack got, to check none was a 5xx or leaked internals. */
  const answers: { what: string; status: number; text: string }[] = [];

  const call = async (what: string, ip: string, p: string, init: RequestInit = {}): Promise<Answer> => {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${p}`, { ...init, headers: { 'x-forwarded-for': ip, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string> | undefined) } });
    const text = await res.text();
    const ms = performance.now() - t0;
    let body: J = {};
    try {
      body = JSON.parse(text) as J;
    } catch {
      // CSV and the like
    }
    answers.push({ what, status: res.status, text: text.slice(0, 2000) });
    return { status: res.status, ms, body, text, headers: res.headers };
  };
  const post = (what: string, ip: string, p: string, body: unknown) => call(what, ip, p, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    // The indexed test chain, restored into a data directory this process holds as `atlas serve` does.
    const fx = await indexedFixture('pglite');
    const dump = await fx.db.dumpDataDir!();
    await fx.db.close();
    root = await mkdtemp(path.join(tmpdir(), 'atlas-abuse-'));
    dataDir = path.join(root, 'db');
    lock = await lockDataDir(dataDir);
    atlas = atlasDbFromPGlite(await PGlite.create({ dataDir, parsers: pgliteParsers, loadDataDir: dump }));
    const db = atlas.db;
    await putTranscoder(db, orch.address, 5_000n * LPT);
    for (const r of reporters) await putTranscoder(db, r.address, 1_000n * LPT);
    await putGateway(db, gateway.address, 10n ** 17n);
    // Text an outsider controls (ServiceRegistry.setServiceURI) carrying a spreadsheet formula.
    await sql`update orchestrator set service_uri = ${HOSTILE_CELL} where address = (select min(address) from orchestrator)`.execute(db);
    const app = createApp({ db, dbKind: 'pglite', status: () => ({ headBlock: 0, indexedBlock: 0, lagBlocks: 0, phase: 'live' }), trustProxy: true, webDir: null });
    server = await startServer({ app, port: 0 });
  }, 240_000);
  afterAll(async () => {
    await server?.close();
    await atlas?.close();
    await lock?.release();
    if (root) await rm(root, { recursive: true, force: true });
  });

  // ------------------------------------------------------------------ the attacks

  /** Finding 1: the 152-byte bomb and 1,000 aliases are refused before they run, naming their cost. */
  async function graphqlBombs(): Promise<void> {
    expect(Buffer.byteLength(JSON.stringify({ query: BOMB }))).toBeLessThan(200);
    const bomb = await post('bomb', '203.0.113.1', '/graphql', { query: BOMB });
    expect([bomb.status, bomb.body.errors?.[0]?.extensions]).toEqual([400, { code: 'QUERY_TOO_COSTLY', cost: 1_002_001_000, budget: 250_000 }]);
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}:transcoders(first:1000){id}`).join(' ');
    const alias = await post('aliases', '203.0.113.2', '/graphql', { query: `{${aliases}}` });
    expect([alias.status, alias.body.errors?.[0]?.extensions?.code, alias.body.errors?.[0]?.extensions?.cost]).toEqual([400, 'QUERY_TOO_COSTLY', 1_000_000]);
    const get = await call('bomb GET', '203.0.113.1', `/graphql?query=${encodeURIComponent(BOMB)}`);
    expect(get.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  }

  /**
   * Finding 1: three clients each send the costliest admitted query as fast as their rate limit lets them. Each is
   * answered (200, its cost in X-Query-Cost) or told to wait (429 naming the cost in tokens, Retry-After).
   */
  async function worstAllowedQueries(untilMs: number): Promise<{ ok: number; limited: number }> {
    const counts = { ok: 0, limited: 0 };
    await Promise.all(
      ['203.0.113.10', '203.0.113.11', '203.0.113.12'].map(async (ip) => {
        while (performance.now() < untilMs) {
          // Two at once: the burst pays for one (45 of 60 tokens), so the second meets the limit.
          const pair = await Promise.all([post('worst allowed', ip, '/graphql', { query: WORST_ALLOWED }), post('worst allowed', ip, '/graphql', { query: WORST_ALLOWED })]);
          let wait = 0;
          for (const r of pair) {
            if (r.status === 200) {
              counts.ok++;
              expect(r.headers.get('x-query-cost')).toBe(String(WORST_COST));
              expect(r.body.errors).toBeUndefined();
              expect(r.body.data.transcoders.length).toBe(60);
            } else {
              counts.limited++;
              expect([r.status, r.body.errors?.[0]?.extensions]).toEqual([429, { code: 'RATE_LIMITED', cost: WORST_COST, tokens: Math.ceil(WORST_COST / 5000) }]);
              wait = Math.max(wait, Number(r.headers.get('retry-after')) * 1000);
            }
          }
          // Wait as told, but no longer than the attack lasts.
          await sleep(Math.min(wait, Math.max(0, untilMs - performance.now())));
        }
      }),
    );
    return counts;
  }

  /** Finding 8: one client flooding REST, and one rotating its address through an IPv6 /64, both meet the rate limit. */
  async function floods(): Promise<void> {
    // A cheap route, so the flood arrives faster than the bucket refills. How many get through depends on how fast
    // the (shared, busy) machine delivers them, so the test bounds what the limiter let through: a burst of 60 and
    // 20 a second of the time the flood took, never more.
    const flood = async (what: string, ipOf: (i: number) => string) => {
      const t0 = performance.now();
      const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => call(what, ipOf(i), '/api/v1/registry/capabilities')));
      const allowed = 60 + Math.ceil(((performance.now() - t0) / 1000) * 20);
      const ok = answers.filter((r) => r.status === 200).length;
      expect(ok).toBeLessThanOrEqual(allowed);
      expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
      const limited = answers.find((r) => r.status === 429);
      if (limited) expect([limited.body.error.code, limited.headers.get('retry-after')]).toEqual(['rate_limited', expect.stringMatching(/^\d+$/)]);
    };
    await flood('flood', () => '203.0.113.20');
    // Rotating through one IPv6 /64 is one client.
    await flood('ipv6 rotation', (i) => `2001:db8:1:2::${(i + 1).toString(16)}`);
    // Malformed input is a 400 naming the parameter, never a 500.
    expect((await call('NUL byte', '203.0.113.21', '/api/v1/orchestrators?q=a%00b')).status).toBe(400);
    const hex = await call('hex number', '203.0.113.21', '/api/v1/rounds?limit=0x10');
    expect([hex.status, hex.body.error?.message]).toEqual([400, expect.stringContaining('limit')]);
  }

  /** Finding 2: a second `atlas serve`, and `atlas start --fresh`, on the data directory in use: one line naming this pid. */
  async function secondWriters(): Promise<void> {
    const run = (args: string[], port: number) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(repo, 'bin/atlas.js'), ...args], {
          cwd: repo,
          env: { ...process.env, ATLAS_LOG_FORMAT: 'text', DATABASE_URL: '', ATLAS_RPC_URL: '', ATLAS_NEEDS_DIR: '', ATLAS_DATA_DIR: dataDir, ATLAS_PORT: String(port), ATLAS_SIM_PRESET: 'test', ATLAS_SIM_ROUNDS: '1' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stderr });
        });
      });
    for (const r of await Promise.all([run(['serve'], await freePort()), run(['start', '--fresh'], await freePort())])) {
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(`in use by another Atlas process (pid ${process.pid}`)]);
    }
  }

  /**
   * Finding 3: the orchestrator publishes its signed advert (acknowledged writes); an anonymous import replacing it,
   * a stranger's signed advert, and a gateway's import of 10,000 orchestrators are refused and store nothing.
   */
  async function registry(acknowledged: number[]): Promise<void> {
    const attacks = (async () => {
      const replaced = { orchestrators: [{ ...snap.orchestrators[0], address: Buffer.from(orch.address.slice(2), 'hex').toString('base64'), transcoder: 'https://evil.example:8935' }] };
      const anon = await post('anonymous import', '203.0.113.30', '/api/v1/registry/adverts/import', { gateway: gateway.address, observedAt: Math.floor(Date.now() / 1000), snapshot: JSON.stringify(replaced) });
      expect([anon.status, anon.body.error?.details?.reason]).toEqual([401, 'bad_signature']);
      const unsigned = await post('unsigned advert', '203.0.113.30', '/api/v1/registry/adverts', { orchestrator: orch.address, seq: 10_000, issuedAt: Math.floor(Date.now() / 1000), advert: JSON.stringify(advertOf(orch, 1)) });
      expect(unsigned.status).toBe(401);
      const foreign = await post('stranger advert', '203.0.113.31', '/api/v1/registry/adverts', await signedAdvert(stranger, advertOf(stranger, 1), 1));
      expect([foreign.status, foreign.body.error?.details?.reason]).toEqual([403, 'not_orchestrator']);
      // 10,000 fake orchestrators in one signed request (the review's was 2.6 MB).
      const fakes = Array.from({ length: 10_000 }, (_, i) => ({ transcoder: `https://fake-${i}.example:8935`, address: Buffer.from(i.toString(16).padStart(40, '0'), 'hex').toString('base64') }));
      const many = await post('10,000 orchestrators', '203.0.113.32', '/api/v1/registry/adverts/import', await signedSnapshot(gateway, { orchestrators: fakes }));
      expect(many.status).toBe(400);
      expect(many.body.error.message).toMatch(/at most 1000 orchestrators/);
    })();
    for (let seq = 1; seq <= 12; seq++) {
      const r = await post('advert', '198.51.100.5', '/api/v1/registry/adverts', await signedAdvert(orch, advertOf(orch, 4_000_000 + seq), seq));
      expect(r.status, r.text).toBe(200);
      acknowledged.push(seq);
    }
    await attacks;
  }

  /**
   * Finding 4: fake identities cannot report; a report for a closed period is refused; one new report does not
   * move the published answer (no before/after difference exists).
   */
  async function survey(): Promise<void> {
    const SURVEY = '/api/v1/economics/cost-survey';
    for (const [i, s] of sybils.entries()) {
      const r = await post('sybil report', `203.0.113.${40 + i}`, SURVEY, await costReport(s, 1, { hardwareCents: 100_000 + i }));
      expect([r.status, r.body.error?.message]).toEqual([403, expect.stringContaining('not a registered orchestrator')]);
    }
    const closed = await post('closed period', '198.51.100.6', SURVEY, await costReport(reporters[0]!, 2, { period: period(2) }));
    expect([closed.status, closed.body.error?.details?.reason]).toEqual([409, 'period_closed']);
    const before = await call('survey before', '198.51.100.6', `${SURVEY}?group=bucket`);
    for (const [i, r] of reporters.entries()) expect((await post('report', '198.51.100.6', SURVEY, await costReport(r, 3 + i))).status).toBe(200);
    const after = await call('survey after', '198.51.100.6', `${SURVEY}?group=bucket`);
    expect(before.status).toBe(200);
    expect(after.body).toEqual(before.body);
  }

  /** Finding 5: a service URL carrying a formula is served quote-prefixed; no cell of the CSV would be evaluated. */
  async function csvInjection(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const r = await call('orchestrators csv', `198.51.100.${10 + i}`, '/api/v1/orchestrators?format=csv');
      expect(r.status).toBe(200);
      const cells = parseCsv(r.text).flat();
      expect(cells).toContain(`'${HOSTILE_CELL}`);
      expect(cells.filter(dangerousCell)).toEqual([]);
    }
  }

  /** Finding 8: one client cannot take the SSE cap: its eleventh stream is refused while another client still gets one. */
  async function sseHoarding(): Promise<void> {
    const aborts: AbortController[] = [];
    // Each response is kept: fetch cancels the body of a response that is garbage-collected, which would end a held stream.
    const responses: Response[] = [];
    const open = async (ip: string) => {
      const ac = new AbortController();
      aborts.push(ac);
      const res = await fetch(`${server.url}/events`, { headers: { 'x-forwarded-for': ip }, signal: ac.signal });
      responses.push(res);
      if (res.status !== 200) await res.text();
      return res.status;
    };
    try {
      const held = await Promise.all(Array.from({ length: 10 }, () => open('203.0.113.50')));
      expect(held).toEqual(Array(10).fill(200));
      expect(await open('203.0.113.50')).toBe(429);
      expect(await open('198.51.100.20')).toBe(200);
    } finally {
      for (const ac of aborts) ac.abort();
    }
  }

  // ------------------------------------------------------------------ the run

  it('defends every attack at once; /health and /api/v1/network keep answering; nothing acknowledged is lost', async () => {
    const acknowledged: number[] = [];
    const health: number[] = [];
    const network: number[] = [];
    let attacking = true;
    // The monitor: a load balancer's health check every 25 ms, a dashboard reading the overview every 250 ms.
    const monitor = Promise.all([
      (async () => {
        while (attacking) {
          const r = await call('health', '127.0.0.1', '/health');
          expect(r.status).toBe(200);
          health.push(r.ms);
          await sleep(25);
        }
      })(),
      (async () => {
        while (attacking) {
          const r = await call('network', '198.51.100.1', '/api/v1/network');
          expect(r.status).toBe(200);
          network.push(r.ms);
          await sleep(250);
        }
      })(),
    ]);
    const until = performance.now() + 12_000;
    try {
      // Every attack runs to its end even when another fails, so none is left talking to a server that closes.
      const [heavy, ...rest] = await Promise.allSettled([worstAllowedQueries(until), graphqlBombs(), floods(), secondWriters(), registry(acknowledged), survey(), csvInjection(), sseHoarding()]);
      for (const r of [heavy, ...rest]) if (r.status === 'rejected') throw r.reason;
      const counts = (heavy as PromiseFulfilledResult<{ ok: number; limited: number }>).value;
      expect(counts.ok).toBeGreaterThanOrEqual(3);
      expect(counts.limited).toBeGreaterThan(0);
    } finally {
      attacking = false;
      await monitor;
    }
    // Unprotected, /health went unanswered for 9 minutes (issue 20, finding 1). Here every check was answered (the
    // monitor asserts 200s), and each within seconds even on a loaded test machine; its tail under the worst
    // admitted query is measured, not asserted to the millisecond, in `npm run bench -- abuse`.
    expect(health.length).toBeGreaterThan(50);
    expect(Math.max(...health)).toBeLessThan(5_000);
    // Every overview read answered 200, so within the request time limit (a 503 past 10 s).
    expect(network.length).toBeGreaterThan(5);
    expect(acknowledged).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // No 5xx, and no answer shows a stack trace or a server path.
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.filter((a) => /\n\s+at |\/work\/|node_modules|\.ts:\d+/.test(a.text)).map((a) => a.what)).toEqual([]);
  }, 120_000);

  it('after a clean shutdown every acknowledged write is in the data directory, and no refused one', async () => {
    await server.close();
    await atlas.close();
    await lock.release();
    const reopened = await createDb({ kind: 'pglite', dataDir });
    try {
      const seqs = (await sql<{ seq: string }>`select seq::text as seq from registry_advert where orchestrator = ${lc(orch)} order by registry_advert.seq`.execute(reopened.db)).rows.map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      const fakes = (await sql<{ n: number }>`select count(*)::int as n from registry_advert where orchestrator <> ${lc(orch)}`.execute(reopened.db)).rows[0]!.n;
      expect(fakes).toBe(0);
      const reports = (await sql<{ orchestrator: string }>`select orchestrator from cost_report order by orchestrator`.execute(reopened.db)).rows.map((r) => r.orchestrator);
      expect(reports).toEqual(reporters.map(lc).sort());
    } finally {
      await reopened.close();
    }
  }, 60_000);
});
