import { callCost, type ProviderProfile } from './profiles.js';

/**
 * The floor of a sync through a provider: the fewest calls its caps allow for a history, and the least
 * time its rate allows for them. Pure arithmetic over the replayed chain's blocks.
 */

/**
 * Fewest eth_getLogs calls covering [from, to] under a span cap and a result cap: each call as wide as
 * both caps let it be (greedy, which no other cover beats when every call must hold at most the caps).
 * `blocks` are the blocks that hold logs, ascending, with their log counts.
 */
export function fewestGetLogsCalls(blocks: readonly { number: number; logs: number }[], from: number, to: number, caps: { maxRange?: number; maxResults?: number }): number {
  const maxRange = caps.maxRange ?? Number.POSITIVE_INFINITY;
  const maxResults = caps.maxResults ?? Number.POSITIVE_INFINITY;
  let calls = 0;
  let i = blocks.findIndex((b) => b.number >= from);
  if (i < 0) i = blocks.length;
  for (let cur = from; cur <= to; ) {
    let end = Math.min(to, cur + maxRange - 1);
    let held = 0;
    while (i < blocks.length && blocks[i]!.number <= end) {
      const b = blocks[i]!;
      if (b.logs > maxResults) throw new RangeError(`block ${b.number} alone holds ${b.logs} logs, more than one call may return (${maxResults})`);
      if (held + b.logs > maxResults) {
        end = b.number - 1;
        break;
      }
      held += b.logs;
      i++;
    }
    calls++;
    cur = end + 1;
  }
  return calls;
}

export interface SyncFloor {
  /** Calls per method the history needs at the least. */
  calls: Record<string, number>;
  /** Their cost in the provider's units (0 without a rate limit). */
  units: number;
  /** Seconds the provider's rate needs for them, after its burst. */
  seconds: number;
}

/** The least time a provider's rate allows for `calls` (its bucket starts full). */
export function rateFloor(profile: ProviderProfile, calls: Record<string, number>): SyncFloor {
  const rate = profile.rate;
  let units = 0;
  for (const [method, n] of Object.entries(calls)) units += callCost(rate, method) * n;
  const seconds = rate ? Math.max(0, units - rate.unitsPerSecond * rate.burstSeconds) / rate.unitsPerSecond : 0;
  return { calls, units, seconds };
}
