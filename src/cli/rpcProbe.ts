// The first call to a configured JSON-RPC endpoint, made before anything is created on disk: when it fails, the
// user gets one line naming the endpoint and why (refused, DNS, TLS, HTTP status, timeout, not JSON-RPC).
import { AtlasError } from '../base/errors.js';

/** The endpoint could not be used; the message is one line. */
export class RpcStartupError extends AtlasError {
  override name = 'RpcStartupError';
  constructor(message: string) {
    super('unavailable', message, { reason: 'rpc_unreachable' });
  }
}

/** Scheme, host and port of an endpoint: its path and query often carry an API key, which stays out of logs. */
export function endpointName(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname !== '/' || u.search ? '/…' : ''}`;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/;
const TLS_WORDS: Record<string, string> = {
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS (an http:// endpoint?)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not trusted (unknown issuer)',
};

/** OpenSSL's reason out of its "…:error:…:SSL routines:function:reason:file:line:" text. */
const tlsReason = (message: string) => /:error:[^:]*:[^:]*:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.split('\n')[0]!;

/** Why a fetch failed at the network level, in words, from the error's cause chain. */
export function networkCause(err: unknown, url: string, timeoutMs?: number): string {
  const timeout = `timeout: no answer${timeoutMs ? ` within ${timeoutMs} ms` : ''}`;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return timeout;
  const u = new URL(url);
  const host = u.hostname;
  let c: unknown = err;
  for (let depth = 0; depth < 5 && c instanceof Error; depth++) {
    const code = (c as NodeJS.ErrnoException).code ?? '';
    if (code === 'ECONNREFUSED') return `connection refused: nothing accepts connections at ${u.host}`;
    if (code === 'ENOTFOUND') return `DNS: host ${host} not found`;
    if (code === 'EAI_AGAIN') return `DNS: lookup of ${host} failed (no answer from the name server)`;
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return timeout;
    if (code === 'ENETUNREACH' || code === 'EHOSTUNREACH') return 'network unreachable';
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection closed by the server';
    if (TLS_CODES.test(code)) return `TLS: ${TLS_WORDS[code] ?? tlsReason(c.message)} (${code})`;
    if (c.message === 'bad port') return `port ${u.port} is one Node's fetch refuses to use; pick another port`;
    c = (c as { cause?: unknown }).cause;
  }
  return `request failed: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * Asks the endpoint for its chain id (eth_chainId) within `timeoutMs`; throws RpcStartupError with one line naming
 * the endpoint and the cause. Returns the chain id.
 */
export async function probeRpc(url: string, timeoutMs: number, fetchImpl: typeof fetch = fetch): Promise<number> {
  const name = endpointName(url);
  const fail = (why: string) => new RpcStartupError(`cannot use the JSON-RPC endpoint ${name}: ${why}`);
  let res: Response;
  let text: string;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (e) {
    throw fail(networkCause(e, url, timeoutMs));
  }
  if (!res.ok) throw fail(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail(`the answer is not JSON (${res.headers.get('content-type') ?? 'no content type'}): is this a JSON-RPC endpoint?`);
  }
  const b = body as { result?: unknown; error?: { code?: unknown; message?: unknown } };
  if (b && typeof b === 'object' && b.error) throw fail(`JSON-RPC error ${String(b.error.code)}: ${String(b.error.message).split('\n')[0]}`);
  if (typeof b?.result !== 'string' || !/^0x[0-9a-f]+$/i.test(b.result)) throw fail('eth_chainId did not answer with a chain id: is this a JSON-RPC endpoint?');
  return Number(BigInt(b.result));
}
