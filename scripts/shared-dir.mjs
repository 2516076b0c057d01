// Prints where the reference material is (ATLAS_SHARED_DIR, else ../shared beside the checkout); exit 1 when absent.
import { sharedDir } from '../test/helpers/sharedDir.mjs';

const dir = sharedDir();
if (!dir) process.exit(1);
process.stdout.write(`${dir}\n`);
