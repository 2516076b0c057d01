import { AtlasError } from '../base/errors.js';

/** A command used wrongly, or given a file it cannot use: the CLI prints the message alone and exits with code 2. */
export class UsageError extends AtlasError {
  override name = 'UsageError';
  constructor(message: string) {
    super('bad_request', message, { reason: 'usage' });
  }
}
