// Treasury income forecast and runway. Inflow per round = minted rewards × cut rate, where minted rewards =
// mintable × the share of it that reward calls actually mint; mintable follows supply × inflation, inflation
// moving by its per-round step in its latest direction. The fan comes from the spread of the observed
// reward-call share (10th/50th/90th percentile). The cut drops to 0 from the round after the balance reaches
// the ceiling, as the BondingManager does. Runway spends the budget's rate each round. A higher call share reaches
// the ceiling sooner and then stops earning, so it can end below a lower one: each round's low/mid/high are the
// smallest, middle and largest of the three scenarios there, not the scenario of each share.

const PPB = 1_000_000_000n;
const RATE = 10n ** 27n;
const MILLION = 1_000_000n;

/** State the forecast starts from (LPT-wei, inflation per 1e9, cut per 1e27). */
export interface ForecastInput {
  round: bigint;
  balance: bigint;
  /** L2 + L1 supply. */
  supply: bigint;
  inflation: bigint;
  /** Per-round inflation step (per 1e9, ≥ 0) and the direction it last moved (+1 up, −1 down, 0 flat). */
  inflationChange: bigint;
  direction: -1 | 0 | 1;
  /** Cut rate of the next round (per 1e27). */
  cutRate: bigint;
  ceiling: bigint | null;
  /** Observed reward-call share of mintable per past round, parts per 1e6. */
  callSharesPpm: bigint[];
  /** Budgeted spend per round (LPT-wei). */
  spendPerRound: bigint;
  rounds: number;
}

/** One forecast round: inflow and balance per band (LPT-wei), each band ordered low ≤ mid ≤ high. */
export interface ForecastRound {
  round: bigint;
  mintable: bigint;
  inflow: { low: bigint; mid: bigint; high: bigint };
  balance: { low: bigint; mid: bigint; high: bigint };
}

export interface Forecast {
  /** Call-share percentiles used (parts per 1e6). */
  shares: { low: bigint; mid: bigint; high: bigint };
  rounds: ForecastRound[];
  /** Rounds until the balance can no longer pay a round of budget, per band; null = lasts beyond the horizon or no spend. */
  runwayRounds: { low: number | null; mid: number | null; high: number | null };
  /** balance / spendPerRound with no income at all (null without spend). */
  runwayWithoutIncome: bigint | null;
}

/** p-th percentile (0–100, nearest rank) of parts-per-1e6 values; 1e6 (every reward called) when there is no history. */
export function percentilePpm(values: bigint[], p: number): bigint {
  if (values.length === 0) return MILLION;
  const s = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

/** Share of mintable that reward calls minted in a round, parts per 1e6 (rewards incl. treasury part, LPT-wei). */
export function callSharePpm(minted: bigint, mintable: bigint): bigint {
  if (mintable === 0n) return 0n;
  const s = (minted * MILLION) / mintable;
  return s > MILLION ? MILLION : s;
}

/** The three values sorted: low ≤ mid ≤ high. */
function ordered(v: { low: bigint; mid: bigint; high: bigint }): { low: bigint; mid: bigint; high: bigint } {
  const [low, mid, high] = [v.low, v.mid, v.high].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { low: low!, mid: mid!, high: high! };
}

/** Runs the forecast; all arithmetic in integers, floors as the contracts do. */
export function forecastTreasury(f: ForecastInput): Forecast {
  const shares = { low: percentilePpm(f.callSharesPpm, 10), mid: percentilePpm(f.callSharesPpm, 50), high: percentilePpm(f.callSharesPpm, 90) };
  const bands = ['low', 'mid', 'high'] as const;
  const state = Object.fromEntries(bands.map((b) => [b, { balance: f.balance, cut: f.cutRate, supply: f.supply, dead: null as number | null }])) as Record<
    (typeof bands)[number],
    { balance: bigint; cut: bigint; supply: bigint; dead: number | null }
  >;
  let inflation = f.inflation;
  const rounds: ForecastRound[] = [];
  for (let n = 1; n <= f.rounds; n++) {
    inflation = f.direction > 0 ? inflation + f.inflationChange : f.direction < 0 ? (inflation > f.inflationChange ? inflation - f.inflationChange : 0n) : inflation;
    const row: ForecastRound = { round: f.round + BigInt(n), mintable: 0n, inflow: { low: 0n, mid: 0n, high: 0n }, balance: { low: 0n, mid: 0n, high: 0n } };
    for (const b of bands) {
      const s = state[b];
      const mintable = (s.supply * inflation) / PPB;
      if (b === 'mid') row.mintable = mintable;
      const minted = (mintable * shares[b]) / MILLION;
      const inflow = (minted * s.cut) / RATE;
      s.supply += minted;
      if (s.dead === null && f.spendPerRound > 0n && s.balance + inflow < f.spendPerRound) s.dead = n - 1;
      s.balance = s.balance + inflow - f.spendPerRound;
      if (s.balance < 0n) s.balance = 0n;
      // The contract checks the balance at the next round's start: reaching the ceiling zeroes later cuts.
      if (f.ceiling !== null && s.balance >= f.ceiling) s.cut = 0n;
      row.inflow[b] = inflow;
      row.balance[b] = s.balance;
    }
    row.inflow = ordered(row.inflow);
    row.balance = ordered(row.balance);
    rounds.push(row);
  }
  // A scenario that never runs dry (null) lasts longest.
  const [low, mid, high] = bands.map((b) => state[b].dead).sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
  return {
    shares,
    rounds,
    runwayRounds: { low: low!, mid: mid!, high: high! },
    runwayWithoutIncome: f.spendPerRound > 0n ? f.balance / f.spendPerRound : null,
  };
}
