// Where the reference material of the conformance suite is (the real contracts, the Explorer's operations, …):
// ATLAS_SHARED_DIR, else ../shared beside the checkout. A user's clone has neither; the default suite never reads it.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The reference material's folder, or null when there is none. */
export function sharedDir() {
  const dir = path.resolve(process.env.ATLAS_SHARED_DIR ?? path.join(repo, '..', 'shared'));
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : null;
}

/** A path inside the reference material; throws a clear error when there is none (conformance tests only). */
export function sharedPath(...parts) {
  const dir = sharedDir();
  if (!dir) throw new Error('the conformance suite needs ../shared beside the checkout (or ATLAS_SHARED_DIR); run it with npm run test:conformance');
  return path.join(dir, ...parts);
}
