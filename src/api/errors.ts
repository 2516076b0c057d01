import { z } from 'zod';
import { AtlasError, type ErrorCode } from '../base/errors.js';

export { AtlasError, type ErrorCode };

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable machine-readable code, e.g. bad_request, unauthorized, not_found, rate_limited' }),
      message: z.string().meta({ description: 'human-readable explanation' }),
      details: z.unknown().optional().meta({ description: 'e.g. { reason } with a finer stable code (bad_signature, replay, …), or the invalid fields' }),
    }),
  })
  .meta({ id: 'Error' });

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The answer for an error: its status and body. An AtlasError answers with its code's status, its message and
 * its details (or `{ reason }`); anything else is a fault of ours and answers a generic 500.
 */
export function errorResponse(e: unknown): { status: number; body: ErrorBody; expected: boolean } {
  if (e instanceof AtlasError) {
    const details = e.details ?? (e.reason === undefined ? undefined : { reason: e.reason });
    return { status: e.status, body: errorBody(e.code, e.message, details), expected: e.code !== 'internal' };
  }
  return { status: 500, body: errorBody('internal', 'internal error'), expected: false };
}

/**
 * One line per zod issue, naming the parameter, so a 400 says exactly which input was wrong
 * (e.g. `query parameter "limit": must be at most 500`).
 */
export function validationError(where: 'query parameter' | 'path parameter' | 'body field', error: z.ZodError): AtlasError {
  const lines = error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown ${where}${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    const name = i.path.length ? `"${i.path.join('.')}"` : '';
    return `${where} ${name}: ${i.message}`;
  });
  return new AtlasError('bad_request', lines.join('; '), { details: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}
