// Before the conformance suite: it cannot run without the reference material, so it stops at once with why.
import { sharedDir } from './sharedDir.mjs';

export default function setup(): void {
  if (sharedDir() === null) throw new Error('the conformance suite needs ../shared beside the checkout (or ATLAS_SHARED_DIR); npm run test:conformance skips it with a notice');
}
