// The simulated orchestrators publish what they offer as go-livepeer operators would to Atlas: a CapabilityAdvert
// (EIP-712, signed with the orchestrator's own key) wrapping the OrchestratorInfo its node answers with, sent
// through the same verification and store the POST /api/v1/registry/adverts route uses. A new advert follows
// every requote, so the registry keeps each orchestrator's price history.
import type { Kysely } from 'kysely';
import { privateKeyToAccount } from 'viem/accounts';
import { insertSignedAdvert } from '../registry/store.js';
import { atlasDomain } from '../registry/signing.js';
import { ADVERT_TYPES, verifySignedAdvert } from '../registry/statements.js';
import { orchestratorInfo, orchestratorOffer, requoteTimes } from '../sim/offers.js';
import type { OrchestratorAgent } from '../sim/population.js';
import type { Database } from '../store/schema.js';

/** An orchestrator of the population and the moment (unix s) it registered on chain. */
export interface Advertiser {
  agent: OrchestratorAgent;
  index: number;
  since: number;
}

/** Signs one orchestrator's offer at `time` as a CapabilityAdvert body (what a client POSTs). */
export async function signedOfferAdvert(seed: string | number, a: Advertiser, time: number, seq: bigint, chainId: number) {
  const offer = orchestratorOffer(seed, a.agent, a.index, time);
  const text = JSON.stringify({ orchestratorInfo: orchestratorInfo(offer), regions: [offer.region] });
  const account = privateKeyToAccount(a.agent.privateKey);
  const message = { orchestrator: account.address, seq, issuedAt: BigInt(time), advert: text };
  const signature = await account.signTypedData({ domain: atlasDomain(chainId), types: ADVERT_TYPES, primaryType: 'CapabilityAdvert', message });
  return { orchestrator: account.address, seq: seq.toString(), issuedAt: time, advert: text, signature };
}

/**
 * Publishes adverts of the population's orchestrators: for each one registered by `to`, its offer when it
 * registered (or at `from`, whichever is later) and after every requote up to `to` (unix s), each signature checked
 * and stored as the registry route does (without its registration check: the indexer may not have reached the
 * orchestrator's registration yet, which the simulator made at `since`). `seqs` carries each orchestrator's last
 * sequence number between calls.
 */
export async function publishAdverts(
  db: Kysely<Database>,
  seed: string | number,
  advertisers: readonly Advertiser[],
  range: { from: number; to: number },
  opts: { chainId: number; seqs: Map<string, bigint> },
): Promise<number> {
  let published = 0;
  for (const a of advertisers) {
    if (a.since > range.to) continue;
    const first = Math.max(a.since, range.from);
    const known = opts.seqs.has(a.agent.address);
    const times = [...(known ? [] : [first]), ...requoteTimes(seed, a.agent, a.index, first, range.to).filter((t) => t > first || known)];
    for (const t of times) {
      const seq = (opts.seqs.get(a.agent.address) ?? 0n) + 1n;
      const body = await signedOfferAdvert(seed, a, t, seq, opts.chainId);
      const verified = await verifySignedAdvert(body, opts.chainId, range.to);
      await insertSignedAdvert(db, verified, body.advert);
      opts.seqs.set(a.agent.address, seq);
      published++;
    }
  }
  return published;
}
