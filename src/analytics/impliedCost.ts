import type { IncomeItem } from './income.js';

/**
 * Implied operating cost: the most an orchestrator can spend and still break even, given what it kept.
 *
 *   monthly kept income (USD) = Σ kept USD of its items in the window × (30 days / window length)
 *   break-even per GPU-hour   = monthly kept income / (gpus × hoursPerMonth × utilization)
 *   pixels per month          = fees (ETH-wei) in the window / pricePerPixelWei × (30 days / window)
 *   break-even per 1M pixels  = monthly kept fee income / pixels per month × 1e6
 *
 * Rewards count only when `includeRewards` (LPT is income only if sold; its USD value is at the time
 * of each reward call). Every assumption is echoed back with the answer so a reader sees what was used.
 */
export interface CostAssumptions {
  gpus: number;
  hoursPerMonth: number;
  /** Share of hours the GPUs do paid work (0–1]. */
  utilization: number;
  /** Price per pixel the orchestrator quotes, in wei (go-livepeer price_info as wei per pixel). */
  pricePerPixelWei: number;
  includeRewards: boolean;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = { gpus: 4, hoursPerMonth: 730, utilization: 1, pricePerPixelWei: 1200, includeRewards: true };

export interface ImpliedCost {
  orchestrator: string;
  windowSeconds: number;
  /** Kept income per 30 days in 1e-8 USD. */
  monthlyKeptUsdE8: bigint;
  monthlyKeptFeesUsdE8: bigint;
  /** Break-even USD per GPU-hour (float at the edge). */
  breakEvenUsdPerGpuHour: number;
  /** Pixels per 30 days implied by the fees and the quoted price. */
  pixelsPerMonth: number;
  /** Break-even USD per million pixels from fee income alone; null without fees. */
  breakEvenUsdPerMegapixel: number | null;
}

const MONTH = 30 * 86_400;

/** Implied costs per orchestrator from its split income items over a window of `windowSeconds`. */
export function impliedCosts(items: readonly IncomeItem[], windowSeconds: number, a: CostAssumptions): ImpliedCost[] {
  const by = new Map<string, { kept: bigint; keptFees: bigint; fees: bigint }>();
  for (const i of items) {
    let r = by.get(i.orchestrator);
    if (!r) by.set(i.orchestrator, (r = { kept: 0n, keptFees: 0n, fees: 0n }));
    if (i.kind === 'fee') {
      r.keptFees += i.keptUsdE8 ?? 0n;
      r.fees += i.amount;
      r.kept += i.keptUsdE8 ?? 0n;
    } else if (a.includeRewards) r.kept += i.keptUsdE8 ?? 0n;
  }
  const scale = (x: bigint) => (x * BigInt(MONTH)) / BigInt(Math.max(1, windowSeconds));
  const hours = a.gpus * a.hoursPerMonth * a.utilization;
  return [...by.entries()]
    .map(([orchestrator, r]) => {
      const monthlyKeptUsdE8 = scale(r.kept);
      const monthlyKeptFeesUsdE8 = scale(r.keptFees);
      const pixelsPerMonth = (Number(r.fees) / a.pricePerPixelWei) * (MONTH / Math.max(1, windowSeconds));
      return {
        orchestrator,
        windowSeconds,
        monthlyKeptUsdE8,
        monthlyKeptFeesUsdE8,
        breakEvenUsdPerGpuHour: Number(monthlyKeptUsdE8) / 1e8 / hours,
        pixelsPerMonth,
        breakEvenUsdPerMegapixel: pixelsPerMonth > 0 ? ((Number(monthlyKeptFeesUsdE8) / 1e8) / pixelsPerMonth) * 1e6 : null,
      };
    })
    .sort((x, y) => (y.monthlyKeptUsdE8 > x.monthlyKeptUsdE8 ? 1 : y.monthlyKeptUsdE8 < x.monthlyKeptUsdE8 ? -1 : 0));
}
