/** The reference material's folder (ATLAS_SHARED_DIR, else ../shared beside the checkout), or null when there is none. */
export function sharedDir(): string | null;
/** A path inside the reference material; throws a clear error when there is none (conformance tests only). */
export function sharedPath(...parts: string[]): string;
