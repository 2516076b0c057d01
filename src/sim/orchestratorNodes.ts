// The simulated orchestrators' nodes: one real gRPC server (TLS, self-signed certificate) per service URI,
// answering GetOrchestrator with the orchestrator's offer (`offers.ts`, the one offer model of the simulator) at
// the simulated time, after checking the gateway's signature as go-livepeer does. Some nodes never listen,
// hang or are busy. URIs stay as registered on chain; `resolve` maps each host:port to the loopback port its
// server listens on, the way a resolver would.
import { webcrypto } from 'node:crypto';
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';
import { getAddress, keccak256, recoverMessageAddress, toBytes, toHex } from 'viem';
import { decodeOrchestratorRequest, encodeOrchestratorInfo, GET_ORCHESTRATOR_PATH } from '../chain/orchestratorWire.js';
import { orchestratorInfo, orchestratorOffer, type Offer } from './offers.js';
import type { OrchestratorAgent } from './population.js';
import { Rng } from './rng.js';

const DAY = 86_400;

/** One node of the population: an orchestrator's service URI or AI service URI; `index` is the orchestrator's in the population. */
export interface PopulationNode {
  agent: OrchestratorAgent;
  index: number;
  uri: string;
  ai: boolean;
}

/** Every node of a population: one per service URI, one more per AI service URI. */
export function populationNodes(orchestrators: readonly OrchestratorAgent[]): PopulationNode[] {
  const out: PopulationNode[] = [];
  orchestrators.forEach((agent, index) => {
    out.push({ agent, index, uri: agent.serviceUri, ai: false });
    if (agent.aiServiceUri) out.push({ agent, index, uri: agent.aiServiceUri, ai: true });
  });
  return out;
}

/** How a simulated node behaves when asked: answers, never listens, hangs past the deadline, or refuses. */
export type NodeHealth = 'up' | 'offline' | 'hangs' | 'busy';

/** A node's behaviour on the day of `time` (unix s): a few never listen or always hang, others are busy some days. */
export function nodeHealth(seed: string | number, n: PopulationNode, time: number): NodeHealth {
  const stream = `${seed}/node/${n.index}/${n.ai ? 'ai' : 'video'}`;
  const base = new Rng(stream);
  if (base.chance(0.04)) return 'offline';
  if (base.chance(0.02)) return 'hangs';
  const flakiness = base.lognormal(0.04, 0.8);
  return new Rng(`${stream}/day/${Math.floor(time / DAY)}`).chance(Math.min(0.5, flakiness)) ? 'busy' : 'up';
}

/**
 * What a node answers at `time`: its orchestrator's offer as OrchestratorInfo. An orchestrator with a transcoding
 * node and an AI node (both URIs, both kinds of capability) answers each with its part; otherwise a node answers
 * with the whole offer.
 */
export function nodeInfo(seed: string | number, n: PopulationNode, time: number): Record<string, unknown> {
  const offer = orchestratorOffer(seed, n.agent, n.index, time);
  const isAi = (c: number) => c >= 27;
  const split = n.agent.aiServiceUri !== null && n.agent.aiServiceUri !== undefined && offer.capabilities.some(isAi) && offer.capabilities.some((c) => !isAi(c));
  const part: Offer = !split
    ? offer
    : n.ai
      ? { ...offer, capabilities: offer.capabilities.filter(isAi), prices: offer.prices.filter((p) => p.capability !== null) }
      : { ...offer, capabilities: offer.capabilities.filter((c) => !isAi(c)), prices: offer.prices.filter((p) => p.capability === null), models: [], hardware: [] };
  return orchestratorInfo({ ...part, serviceUri: n.uri, capacities: Object.fromEntries(part.capabilities.map((c) => [c, offer.capacities[c] ?? 0])) });
}

let certificate: Promise<{ key: Buffer; cert: Buffer }> | null = null;

/** One self-signed certificate for every simulated node (a wildcard over the simulated domain). */
export function simulatedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  certificate ??= (async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Crypto);
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=orch.atlas-sim.net',
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
      keys: keys as CryptoKeyPair,
      signingAlgorithm: alg,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: '*.orch.atlas-sim.net' }, { type: 'dns', value: 'localhost' }])],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
    return { key: Buffer.from(keyPem), cert: Buffer.from(cert.toString('pem')) };
  })();
  return certificate;
}

// A gateway sends the same signature with every request: recovering it once per distinct request is enough.
const verified = new Map<string, string | null>();

/** Verifies an OrchestratorRequest the way go-livepeer's verifyOrchestratorReq does; the gateway's address or null. */
async function requester(raw: Buffer): Promise<string | null> {
  const key = raw.toString('base64');
  if (verified.has(key)) return verified.get(key)!;
  if (verified.size > 10_000) verified.clear();
  const who = await recover(raw);
  verified.set(key, who);
  return who;
}

async function recover(raw: Buffer): Promise<string | null> {
  try {
    const req = decodeOrchestratorRequest(raw);
    if (req.address.length !== 20 || req.sig.length !== 65) return null;
    const addr = getAddress(toHex(req.address));
    const signer = await recoverMessageAddress({ message: { raw: keccak256(toBytes(addr)) }, signature: toHex(req.sig) });
    return signer === addr ? addr : null;
  } catch {
    return null;
  }
}

/** A port on the loopback nobody listens on (bound, then released): dialling it is refused, as an offline node is. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SimulatedNodes {
  /** host:port of each service URI → the loopback host:port serving it. */
  resolve: Map<string, string>;
  /** Nodes serving, and nodes registered on chain that never answer. */
  serving: number;
  offline: number;
  /** Calls answered so far. */
  calls: () => number;
  close: () => Promise<void>;
}

const authorityOf = (uri: string) => {
  const u = new URL(uri);
  return `${u.hostname}:${u.port || '443'}`;
};

/**
 * Starts a gRPC server per node (`populationNodes`, or some of them). `now` is the simulated clock (unix s) the offers are
 * computed at, so a poll at a simulated time sees what the node would have said then.
 */
export async function startOrchestratorNodes(opts: { seed: string | number; nodes: readonly PopulationNode[]; now: () => number }): Promise<SimulatedNodes> {
  const { key, cert } = await simulatedCertificate();
  // One TLS context for every node: building one per server costs more than the server.
  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: key, cert_chain: cert }], false);
  const servers: grpc.Server[] = [];
  const resolve = new Map<string, string>();
  let calls = 0;
  let offline = 0;
  // Hanging calls never finish on their own: shutting down cancels them.
  const close = async () => {
    for (const s of servers) s.forceShutdown();
  };
  try {
    const startNode = async (n: PopulationNode): Promise<void> => {
      if (nodeHealth(opts.seed, n, opts.now()) === 'offline') {
        resolve.set(authorityOf(n.uri), `127.0.0.1:${await closedPort()}`);
        offline++;
        return;
      }
      const server = new grpc.Server();
      server.addService(
        {
          GetOrchestrator: {
            path: GET_ORCHESTRATOR_PATH,
            requestStream: false,
            responseStream: false,
            requestSerialize: (b: Buffer) => b,
            requestDeserialize: (b: Buffer) => b,
            responseSerialize: (b: Buffer) => b,
            responseDeserialize: (b: Buffer) => b,
          },
        },
        {
          GetOrchestrator: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
            void (async () => {
              calls++;
              if (!(await requester(call.request))) return callback({ code: grpc.status.UNKNOWN, details: 'orchestrator req sig check failed' });
              const health = nodeHealth(opts.seed, n, opts.now());
              // Never answers: the gateway's deadline ends the call.
              if (health === 'hangs') return;
              if (health !== 'up') return callback({ code: grpc.status.UNKNOWN, details: 'insufficient capacity' });
              callback(null, encodeOrchestratorInfo(nodeInfo(opts.seed, n, opts.now())));
            })();
          },
        },
      );
      servers.push(server);
      const port = await new Promise<number>((res, rej) => server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? rej(err) : res(p))));
      resolve.set(authorityOf(n.uri), `127.0.0.1:${port}`);
    };
    // Bound a few dozen at a time: binding is I/O, the nodes are independent.
    for (let i = 0; i < opts.nodes.length; i += 32) await Promise.all(opts.nodes.slice(i, i + 32).map(startNode));
  } catch (e) {
    await close();
    throw e;
  }
  return { resolve, serving: servers.length, offline, calls: () => calls, close };
}
