import { z } from 'zod';

/**
 * Where in Arbitrum One's history a replayed log lands: how many Livepeer logs a day of the real
 * network would carry (from the Livepeer Explorer's daily export), and which L2 block a moment in time
 * is. Pure functions; the replay (replayChain.ts) places the simulator's transactions with them.
 */

const dayRowSchema = z.looseObject({
  dateS: z.number().int(),
  volumeEth: z.number().nonnegative(),
  activeTranscoderCount: z.number().nonnegative(),
  delegatorsCount: z.number().nonnegative(),
});

/** The daily history file: `dayData[]` rows, one per UTC day. */
export const dailyHistorySchema = z.looseObject({ dayData: z.array(dayRowSchema).min(2) });
export type DayRow = z.infer<typeof dayRowSchema>;

/** Logs of a recorded history by kind of activity, which the daily series scale over time. */
export interface ActivityMix {
  tickets: number;
  rewards: number;
  bonding: number;
  other: number;
}

/**
 * Expected share of the history's logs on each day (sums to 1). Ticket logs follow the day's fee volume,
 * reward logs the active orchestrators (each calls reward once a round, about daily), bonding logs the
 * day's change in delegators (plus a floor: bonding goes on when the count stands still), everything
 * else is spread evenly.
 */
export function dailyLogShares(days: readonly DayRow[], mix: ActivityMix): number[] {
  const bonding = days.map((d, i) => Math.abs(d.delegatorsCount - (days[i - 1]?.delegatorsCount ?? d.delegatorsCount)));
  const bondingFloor = Math.max(1, bonding.reduce((a, b) => a + b, 0) / days.length / 4);
  const series: [number, number[]][] = [
    [mix.tickets, days.map((d) => d.volumeEth)],
    [mix.rewards, days.map((d) => d.activeTranscoderCount)],
    [mix.bonding, bonding.map((b) => b + bondingFloor)],
    [mix.other, days.map(() => 1)],
  ];
  const total = mix.tickets + mix.rewards + mix.bonding + mix.other;
  if (total <= 0) throw new RangeError('dailyLogShares: the activity mix holds no logs');
  const shares = days.map(() => 0);
  for (const [weight, s] of series) {
    const sum = s.reduce((a, b) => a + b, 0);
    if (weight === 0) continue;
    // A series that is all zero (no fees recorded at all) falls back to an even spread.
    for (let i = 0; i < days.length; i++) shares[i]! += (weight / total) * (sum > 0 ? s[i]! / sum : 1 / days.length);
  }
  return shares;
}

/**
 * Times (Unix seconds, fractional) for items that hold `sizes[k]` logs each, in order: item k sits where
 * the cumulative day shares reach the middle of its logs, the share of a day spread evenly over it.
 */
export function placeInTime(sizes: readonly number[], days: readonly DayRow[], shares: readonly number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return sizes.map(() => days[0]!.dateS);
  const cum = [0];
  for (const s of shares) cum.push(cum.at(-1)! + s);
  const scale = cum.at(-1)!;
  const out: number[] = [];
  let before = 0;
  let d = 0;
  for (const size of sizes) {
    const target = ((before + size / 2) / total) * scale;
    before += size;
    while (d < days.length - 1 && cum[d + 1]! < target) d++;
    const within = shares[d]! > 0 ? (target - cum[d]!) / shares[d]! : 0;
    out.push(days[d]!.dateS + Math.min(1, Math.max(0, within)) * 86_400);
  }
  return out;
}

/** Known (L2 block, Unix time) points of a chain; block numbers between them are linear in time. */
export interface ChainTimeline {
  anchors: readonly { block: number; time: number }[];
}

/**
 * Arbitrum One as far as Livepeer saw it: the first Livepeer block (LivepeerToken, 5,856,156) at the start
 * of the daily history, the Nitro genesis block 22,207,817 on 2022-08-31, and block 397,731,482 at
 * 2025-11-07 11:33:16 UTC. Blocks came irregularly before Nitro and at ~3.7 per second after it.
 */
export function arbitrumOneTimeline(historyStart: number): ChainTimeline {
  return {
    anchors: [
      { block: 5_856_156, time: historyStart },
      { block: 22_207_817, time: Date.UTC(2022, 7, 31, 12) / 1000 },
      { block: 397_731_482, time: Date.UTC(2025, 10, 7, 11, 33, 16) / 1000 },
    ],
  };
}

function segmentFor<T>(anchors: readonly T[], pick: (a: T) => number, x: number): [T, T] {
  let i = 0;
  while (i < anchors.length - 2 && pick(anchors[i + 1]!) < x) i++;
  return [anchors[i]!, anchors[i + 1]!];
}

/** The block at time `t` (seconds), rounded down; extrapolates past the last anchor at the last rate. */
export function blockAtTime(tl: ChainTimeline, t: number): number {
  const [a, b] = segmentFor(tl.anchors, (x) => x.time, t);
  return Math.floor(a.block + ((t - a.time) * (b.block - a.block)) / (b.time - a.time));
}

/** The timestamp (whole seconds) of block `n`; never decreasing in n. */
export function timeAtBlock(tl: ChainTimeline, n: number): number {
  const [a, b] = segmentFor(tl.anchors, (x) => x.block, n);
  return Math.floor(a.time + ((n - a.block) * (b.time - a.time)) / (b.block - a.block));
}
