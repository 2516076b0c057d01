import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (l: string) => lines.push(l) } };
}

describe('createLogger', () => {
  it('writes readable text lines with fields, tagging warnings', () => {
    const out = capture();
    const log = createLogger({ destination: out.destination });
    log.info('API and dashboard on http://127.0.0.1:8080');
    log.warn({ depth: 3, forkBlock: 120 }, 'reorg: rolled back');
    log.debug('not written at info');
    expect(out.lines).toEqual(['atlas: API and dashboard on http://127.0.0.1:8080\n', 'atlas: warn: reorg: rolled back (depth=3 forkBlock=120)\n']);
  });

  it('writes one JSON object per line with level, time and fields', () => {
    const out = capture();
    const log = createLogger({ destination: out.destination, format: 'json', level: 'debug' });
    log.debug({ path: '/api/v1/network' }, 'served');
    expect(out.lines).toHaveLength(1);
    const rec = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 20, msg: 'served', path: '/api/v1/network' });
    expect(typeof rec.time).toBe('string');
  });

  it('serializes an error with its type and message', () => {
    const out = capture();
    createLogger({ destination: out.destination, format: 'json' }).error({ err: new TypeError('boom') }, 'request failed');
    const rec = JSON.parse(out.lines[0]!) as { err: { type: string; message: string } };
    expect(rec.err.type).toBe('TypeError');
    expect(rec.err.message).toBe('boom');
  });
});
