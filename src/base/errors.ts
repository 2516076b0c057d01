/**
 * The one error family of Atlas. Every refusal or failure a caller can act on is an AtlasError with a stable
 * public `code` (the kind of rejection) and, where a finer distinction helps clients, a stable `reason`
 * (e.g. code `unauthorized`, reason `bad_signature`). Messages are for people: they name the input that was
 * wrong and never carry stack traces or internals.
 *
 * 401 versus 403: `unauthorized` means the caller did not prove who it is (no credential, a malformed
 * signature, or a signature that does not recover to the claimed signer); `forbidden` means the identity is
 * proven but lacks the right (a key that is no on-chain gateway, a labeler the budget does not list, a
 * surveyor that is no registered orchestrator).
 */

/** Each code with the HTTP status it answers with: the one mapping from errors to HTTP. */
export const ERROR_STATUS = {
  /** Malformed or out-of-range input (names the parameter and what is allowed). */
  bad_request: 400,
  /** A request body that is not JSON. */
  invalid_json: 400,
  /** No credential, or a signature that does not verify for the claimed signer. */
  unauthorized: 401,
  /** A verified identity without the right to do this. */
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  /** Replayed, stale or duplicate statement; state that already moved on. */
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  /** Well-formed input that cannot be used as it stands (an invalid budget file, an unknown category). */
  unprocessable: 422,
  rate_limited: 429,
  /** A fault of Atlas or of what it depends on (database, node); the message is generic towards clients. */
  internal: 500,
  /** Temporarily unable to answer (too many subscribers, a missing or broken data source). */
  unavailable: 503,
  /** The indexer lags the chain head. */
  not_ready: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

export interface AtlasErrorOptions {
  /** Stable finer code for clients (e.g. `bad_signature`, `replay`, `unknown_gateway`). */
  reason?: string;
  /** Structured context for the client (e.g. one entry per invalid field). */
  details?: unknown;
  cause?: unknown;
}

export class AtlasError extends Error {
  override name = 'AtlasError';
  readonly reason: string | undefined;
  readonly details: unknown;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: AtlasErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = opts.reason;
    this.details = opts.details;
  }

  /** The HTTP status this error answers with. */
  get status(): ErrorStatus {
    return ERROR_STATUS[this.code];
  }
}

/** True for an AtlasError of one of the given codes. */
export function isAtlasError(e: unknown, ...codes: ErrorCode[]): e is AtlasError {
  return e instanceof AtlasError && (codes.length === 0 || codes.includes(e.code));
}
