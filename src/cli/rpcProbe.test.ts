import { describe, expect, it } from 'vitest';
import { endpointName, networkCause } from './rpcProbe.js';

const failed = (code: string, message = code) => new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

describe('start-up RPC errors in words', () => {
  it('names an endpoint by scheme, host and port, never its path or query (API keys live there)', () => {
    expect(endpointName('https://arb-mainnet.example.com/v2/KEY')).toBe('https://arb-mainnet.example.com/…');
    expect(endpointName('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(endpointName('http://127.0.0.1:8545/?key=1')).toBe('http://127.0.0.1:8545/…');
  });

  it.each([
    ['EAI_AGAIN', 'DNS: lookup of node.example failed (no answer from the name server)'],
    ['ENETUNREACH', 'network unreachable'],
    ['ECONNRESET', 'connection closed by the server'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout: no answer within 500 ms'],
    ['CERT_HAS_EXPIRED', 'TLS: the certificate has expired (CERT_HAS_EXPIRED)'],
  ])('%s', (code, words) => {
    expect(networkCause(failed(code), 'https://node.example:8545', 500)).toBe(words);
  });

  it("keeps OpenSSL's reason and drops its file and line", () => {
    const e = failed('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'C0570BCA:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:');
    expect(networkCause(e, 'https://node.example', 500)).toBe('TLS: sslv3 alert handshake failure (ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE)');
  });

  it('an abort by the time limit is a timeout', () => {
    expect(networkCause(new DOMException('signal timed out', 'TimeoutError'), 'http://x', 300)).toBe('timeout: no answer within 300 ms');
  });
});
