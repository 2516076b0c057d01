// The demo's off-chain statements, made the way real participants make them: the simulated gateways sign
// their self-identification labels and their job classes (requirement profiles with minimum node versions and
// price caps) with their own keys, and an example file of comparator series (other staking yields, GPU rental
// prices) is imported with its stated source. Every statement goes through the same verification as the API's.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { importPriceCsv } from '../prices/csv.js';
import { submitLabel, LABEL_TYPES } from '../registry/labels.js';
import { atlasDomain } from '../registry/signing.js';
import { PROFILE_TYPES, verifySignedProfile } from '../registry/statements.js';
import { insertProfile } from '../registry/store.js';
import { makePopulation } from '../sim/population.js';
import type { Scenario } from '../sim/scenario.js';
import type { Database } from '../store/schema.js';

const CHAIN_ID = 31337;
/** Example comparator series shipped for the demo (their source column says they are examples). */
export const DEMO_COMPARATORS = fileURLToPath(new URL('./comparators.csv', import.meta.url));

/** Job classes by what a gateway buys: AI gateways publish image and LLM classes, video gateways a transcoding class. */
function jobClasses(gateway: string, capabilities: number[]) {
  const ai = capabilities.some((c) => c >= 27);
  if (!ai)
    return [{ gateway, name: 'livestream-transcoding', description: 'H.264 ladder for live streams', expectedSessions: 40, requirements: { capability: 'h264', minVersion: '0.8.5', maxPrice: { pricePerUnit: '2000', pixelsPerUnit: '1' }, minSuccessRate: 0.9 } }];
  const out: object[] = [];
  if (capabilities.includes(27))
    out.push({ gateway, name: 'sdxl-images', description: 'Fast text-to-image', expectedSessions: 8, requirements: { capability: 'text-to-image', model: 'ByteDance/SDXL-Lightning', minVersion: '0.8.6', maxPrice: { pricePerUnit: '6000000', pixelsPerUnit: '1' }, minSuccessRate: 0.85 } });
  out.push({ gateway, name: 'llm-chat', description: 'Chat completions', expectedSessions: 4, requirements: { capability: 'llm', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', minVersion: '0.8.7', maxPrice: { pricePerUnit: '250000000', pixelsPerUnit: '1' } } });
  return out;
}

/** Signs and stores the demo gateways' labels and job classes, and imports the example comparator series. */
export async function seedDemoExtras(db: Kysely<Database>, scenario: Scenario, now = Math.floor(Date.now() / 1000)): Promise<{ labels: number; profiles: number; comparatorPoints: number }> {
  const population = makePopulation(scenario);
  let labels = 0;
  let profiles = 0;
  for (const [i, g] of population.gateways.entries()) {
    const account = privateKeyToAccount(g.privateKey);
    const ai = g.capabilities.some((c) => c >= 27);
    const name = `Demo gateway ${i + 1} (${ai ? 'AI' : 'video'})`;
    const message = { account: account.address, name, url: '', role: 'gateway', issuedAt: BigInt(now) };
    const signature = await account.signTypedData({ domain: atlasDomain(CHAIN_ID), types: LABEL_TYPES, primaryType: 'SelfIdentification', message });
    if (await submitLabel(db, { kind: 'identify', account: account.address.toLowerCase(), name, url: '', role: 'gateway', issuedAt: now, signature }, { chainId: CHAIN_ID, now })) labels++;
    for (const [k, p] of jobClasses(account.address.toLowerCase(), g.capabilities).entries()) {
      const text = JSON.stringify(p);
      const seq = k + 1;
      const sig = await account.signTypedData({ domain: atlasDomain(CHAIN_ID), types: PROFILE_TYPES, primaryType: 'GatewayProfile', message: { gateway: account.address, seq: BigInt(seq), issuedAt: BigInt(now), profile: text } });
      const verified = await verifySignedProfile({ gateway: account.address, seq, issuedAt: now, profile: text, signature: sig }, CHAIN_ID, now);
      await insertProfile(db, verified, text);
      profiles++;
    }
  }
  const comparators = await importPriceCsv(db, readFileSync(DEMO_COMPARATORS, 'utf8'));
  return { labels, profiles, comparatorPoints: comparators.points };
}
