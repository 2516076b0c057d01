import { describe, expect, it } from 'vitest';
import { AtlasError, ERROR_STATUS, isAtlasError } from './errors.js';

describe('AtlasError', () => {
  it('answers with the status of its code and keeps reason and cause', () => {
    const cause = new Error('inner');
    const e = new AtlasError('unauthorized', 'signature is by 0xabc, not by the claimed signer 0xdef', { reason: 'bad_signature', cause });
    expect(e.status).toBe(401);
    expect(e.reason).toBe('bad_signature');
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(Error);
    expect(isAtlasError(e, 'unauthorized')).toBe(true);
    expect(isAtlasError(e, 'forbidden')).toBe(false);
    expect(isAtlasError(new Error('x'))).toBe(false);
  });

  it('maps 401 to an unproven identity and 403 to a proven one without the right', () => {
    expect(ERROR_STATUS.unauthorized).toBe(401);
    expect(ERROR_STATUS.forbidden).toBe(403);
    expect(new Set(Object.values(ERROR_STATUS))).toEqual(new Set([400, 401, 403, 404, 405, 409, 413, 414, 415, 422, 429, 500, 503]));
  });
});
