/**
 * The provider-shaped JSON-RPC server in a process of its own, so the indexer under test and the
 * server do not share an event loop (a busy indexer would otherwise delay the server's answers and
 * the other way round). Driven over the IPC channel of `fork`: it reads the replay plan from the file
 * named in ATLAS_PROVIDER_PROCESS, answers `stats`, `reset`, `live` and `stop` messages.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { providerProfiles, unshaped } from '../../src/sync/testkit/provider/profiles.js';
import { startProviderServer } from '../../src/sync/testkit/provider/providerServer.js';
import { ReplayChain, type ReplayPlan } from '../../src/sync/testkit/provider/replayChain.js';

const init = z
  .object({ planFile: z.string(), profile: z.string(), upstream: z.string().url(), seed: z.number().int().default(1) })
  .parse(JSON.parse(process.env.ATLAS_PROVIDER_PROCESS ?? 'null'));
const profile = [...providerProfiles, unshaped].find((p) => p.name === init.profile);
if (!profile) throw new Error(`unknown provider profile ${init.profile}`);
const chain = new ReplayChain(JSON.parse(readFileSync(init.planFile, 'utf8')) as ReplayPlan);
const server = await startProviderServer({ chain, profile, upstream: init.upstream, seed: init.seed });

const message = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stats') }),
  z.object({ kind: z.literal('reset') }),
  z.object({ kind: z.literal('live'), blocksPerSecond: z.number().positive(), everyBlocks: z.number().int().positive() }),
  z.object({ kind: z.literal('stop') }),
]);
process.on('message', (raw) => {
  const m = message.parse(raw);
  if (m.kind === 'stats') process.send!({ kind: 'stats', stats: server.stats() });
  else if (m.kind === 'reset') {
    server.resetStats();
    process.send!({ kind: 'reset' });
  } else if (m.kind === 'live') process.send!({ kind: 'live', blocks: chain.startLive({ blocksPerSecond: m.blocksPerSecond, everyBlocks: m.everyBlocks }) });
  else void server.close().then(() => process.exit(0));
});
process.send!({ kind: 'ready', url: server.url });
