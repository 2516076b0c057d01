/** True when dist/ is missing or older than a source file. */
export function isStale(): boolean;
/** Compiles src/ into dist/. */
export function build(): Promise<void>;
/** Builds when a source changed since the last build. */
export function ensureBuilt(): Promise<void>;
