import { replaceBigInts } from 'ponder';
import { ponder } from 'ponder:registry';
import { chainEvent } from 'ponder:schema';
import config from '../ponder.config.js';

// Ponder only fetches logs whose events have a handler, so every event of every ABI gets one,
// registered from the config instead of listed by hand so the two cannot drift apart.
type AnyHandler = (a: { event: { args: unknown; block: { number: bigint }; log: { logIndex: number } }; context: { db: { insert: (t: typeof chainEvent) => { values: (v: typeof chainEvent.$inferInsert) => Promise<unknown> } } } }) => Promise<void>;
const register = ponder.on.bind(ponder) as unknown as (name: string, fn: AnyHandler) => void;

for (const [contract, { abi }] of Object.entries(config.contracts)) {
  for (const item of abi) {
    if (item.type !== 'event') continue;
    const name = item.name;
    register(`${contract}:${name}`, async ({ event, context }) => {
      await context.db.insert(chainEvent).values({
        id: `${event.block.number}-${event.log.logIndex}`,
        block: event.block.number,
        logIndex: event.log.logIndex,
        contract,
        name,
        args: replaceBigInts(event.args, (v) => String(v)),
      });
    });
  }
}
