import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The data-needs report shipped with Atlas (vendor/livepeer-data-geography, MIT): what `atlas start` imports
 * when the database holds none. Resolved from this module so it is found from the sources and the build alike.
 */
export const VENDORED_REPORT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../vendor/livepeer-data-geography');
