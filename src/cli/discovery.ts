import type { Kysely } from 'kysely';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { DiscoveryPoller } from '../discovery/poller.js';
import type { Database } from '../store/schema.js';
import type { AtlasConfig } from './config.js';

/**
 * Discovery of the real network: every registered orchestrator polled every `intervalSeconds` with
 * go-livepeer's limits, signed with ATLAS_DISCOVERY_KEY (a fresh key when unset: orchestrators only check
 * that the request is signed by the address it names).
 */
export async function runDiscovery(db: Kysely<Database>, cfg: AtlasConfig['discovery'], signal: AbortSignal, log: (m: string) => void): Promise<void> {
  const poller = new DiscoveryPoller({ db, account: privateKeyToAccount(cfg.key ?? generatePrivateKey()) });
  let first = true;
  await poller.run(signal, cfg.intervalSeconds, {
    onPoll: (s) => {
      if (first) log(`discovery: ${s.answered} of ${s.targets} registered orchestrator nodes answered (${s.wallMs} ms); polling every ${cfg.intervalSeconds} s`);
      first = false;
    },
    onError: (e) => log(`discovery: ${e.message} (retrying at the next poll)`),
  });
}
