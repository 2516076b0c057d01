/** Why a batch was refused; `status` and `code` map onto the API's error body, `reason` is stable for clients. */
export class TelemetryError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 409 | 413,
    readonly reason:
      | 'invalid'
      | 'clock_skew'
      | 'too_old'
      | 'bad_signature'
      | 'unknown_gateway'
      | 'replay'
      | 'duplicate_job'
      | 'duplicate_event'
      | 'batch_too_large',
    message: string,
  ) {
    super(message);
    this.name = 'TelemetryError';
  }
}
