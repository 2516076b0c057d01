// The simulated orchestrators' nodes: one real gRPC server (TLS, self-signed certificate) per service URI,
// answering GetOrchestrator with the node's offer at the simulated time, after checking the gateway's
// signature as go-livepeer does. URIs stay as registered on chain; `resolve` maps each host:port to the
// loopback port its server listens on, the way a resolver would.
import { webcrypto } from 'node:crypto';
import { createServer } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as x509 from '@peculiar/x509';
import { getAddress, keccak256, recoverMessageAddress, toBytes, toHex } from 'viem';
import { decodeOrchestratorRequest, encodeOrchestratorInfo, GET_ORCHESTRATOR_PATH } from '../chain/orchestratorWire.js';
import { nodeOffer, type PopulationNode } from './nodeOffers.js';

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
export async function startOrchestratorNodes(opts: { seed: string | number; nodes: readonly PopulationNode[]; startTime: number; now: () => number }): Promise<SimulatedNodes> {
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
      const probe = nodeOffer(opts.seed, n.agent, n.index, n.uri, n.ai, opts.now(), opts.startTime);
      if (probe.health === 'offline') {
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
              const offer = nodeOffer(opts.seed, n.agent, n.index, n.uri, n.ai, opts.now(), opts.startTime);
              // Never answers: the gateway's deadline ends the call.
              if (offer.health === 'hangs') return;
              if (offer.health === 'busy' || !offer.info) return callback({ code: grpc.status.UNKNOWN, details: 'insufficient capacity' });
              callback(null, encodeOrchestratorInfo(offer.info));
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
