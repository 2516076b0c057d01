import { z } from 'zod';

export type ErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'method_not_allowed'
  | 'rate_limited'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'not_ready'
  | 'invalid_json'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'unprocessable'
  | 'unavailable'
  | 'internal';

/** An error that maps onto one HTTP status and the JSON body `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 414 | 415 | 422 | 429 | 500 | 503,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable machine-readable code, e.g. bad_request, not_found, rate_limited' }),
      message: z.string().meta({ description: 'human-readable explanation' }),
      details: z.unknown().optional(),
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
 * One line per zod issue, naming the parameter, so a 400 says exactly which input was wrong
 * (e.g. `query parameter "limit": must be at most 500`).
 */
export function validationError(where: 'query parameter' | 'path parameter' | 'body field', error: z.ZodError): ApiError {
  const lines = error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown ${where}${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    const name = i.path.length ? `"${i.path.join('.')}"` : '';
    return `${where} ${name}: ${i.message}`;
  });
  return new ApiError(
    400,
    'bad_request',
    lines.join('; '),
    error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
