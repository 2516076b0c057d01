import { AtlasError, type ErrorCode } from '../base/errors.js';

/** Why a telemetry batch was refused; each reason is one kind of rejection. */
export type TelemetryRejection = 'invalid' | 'clock_skew' | 'too_old' | 'bad_signature' | 'unknown_gateway' | 'unknown_orchestrator' | 'replay' | 'duplicate_job' | 'duplicate_event' | 'batch_too_large';

const CODE_OF: Record<TelemetryRejection, ErrorCode> = {
  invalid: 'bad_request',
  clock_skew: 'bad_request',
  too_old: 'bad_request',
  bad_signature: 'unauthorized',
  unknown_gateway: 'forbidden',
  unknown_orchestrator: 'bad_request',
  replay: 'conflict',
  duplicate_job: 'conflict',
  duplicate_event: 'conflict',
  batch_too_large: 'payload_too_large',
};

/** A refused batch: nothing of it was stored. `reason` is stable for clients. */
export class TelemetryError extends AtlasError {
  override name = 'TelemetryError';
  declare readonly reason: TelemetryRejection;

  constructor(reason: TelemetryRejection, message: string) {
    super(CODE_OF[reason], message, { reason });
  }
}
