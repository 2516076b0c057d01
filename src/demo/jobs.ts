// The demo's gateways at work: one stream of jobs that both the chain and the telemetry describe. Each job pays
// its orchestrator in probabilistic tickets whose expected value is the job's fee; the tickets that win are the
// ones the simulator redeems on chain, in the first block after the job finished. The same jobs, with the same
// gateways, orchestrators, pipelines and times, are what the gateways report as telemetry.
import type { Address } from 'viem';
import { Rng, units } from '../sim/rng.js';
import type { DemandRound, TicketDraw } from '../sim/run.js';
import { AI_PIPELINES } from '../sim/offers.js';
import { generateHour, type GeneratedHour, type LoadPlan } from '../telemetry/loadgen.js';
import type { JobReportInput } from '../telemetry/reportSchema.js';

const HOUR = 3_600_000;

const CAPABILITY_OF = new Map<string, number>(AI_PIPELINES.map((p) => [p.slug, p.capability]));
/** Transcoding jobs are paid as go-livepeer's H.264 capability (id 0). */
const capabilityOf = (pipeline: string): number => CAPABILITY_OF.get(pipeline) ?? 0;

/** A ticket won by a job, waiting for the first block after the job finished. */
interface Win {
  gateway: Address;
  orchestrator: Address;
  capability: number;
  faceValue: bigint;
  /** ms */
  finishedAt: number;
}

interface HourJobs {
  hour: GeneratedHour;
  wins: Win[];
  /** Per gateway index: reports handed out so far (reports are kept in finish order). */
  taken: Map<number, number>;
  eventsTaken: boolean;
}

/** Reports and events ready to be sent: per hour, per gateway. */
export interface TelemetryBatch {
  hourMs: number;
  /** Reports per gateway index, finished by the time asked for. */
  reports: Map<number, JobReportInput[]>;
  /** The whole hour, once it is over (for its payment and unserved-request events); null before. */
  completeHour: GeneratedHour | null;
}

export interface JobStreamOptions {
  /** Jobs per hour over all gateways, before the daily cycle (default 100). */
  jobsPerHour?: number;
}

/** Draws k ~ Poisson(lambda) (Knuth; lambda is small here: a job's fee over a ticket's face value). */
function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  const limit = Math.exp(-Math.min(lambda, 500));
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/**
 * The jobs of the simulated gateways, hour by hour, and the winning tickets they produce. `ticketsFor` is the
 * simulator's ticket demand for a round; `finishedBy` hands the same jobs to the telemetry feed once they are over.
 */
export class JobStream {
  private readonly hours = new Map<number, HourJobs>();
  private carried: Win[] = [];
  private readonly faceOf = new Map<string, bigint>();
  private readonly jobsPerHour: number;
  /** End (ms) of the latest round window planned: later rounds need no job before it. */
  private frontier = -Infinity;

  constructor(
    readonly plan: LoadPlan,
    opts: JobStreamOptions = {},
  ) {
    this.jobsPerHour = opts.jobsPerHour ?? 100;
    for (const o of plan.orchestrators) {
      // An orchestrator's ticket face value (TicketParams): about a hundredth of an ETH, its own.
      this.faceOf.set(o.address, units(0.012 * new Rng(`${plan.seed}/face/${o.index}`).lognormal(1, 0.35)));
    }
  }

  /** The jobs of the hour starting at `hourMs`, generated once among the orchestrators serving then. */
  private jobsOf(hourMs: number, serving: ReadonlySet<string>): HourJobs {
    let h = this.hours.get(hourMs);
    if (h) return h;
    const hour = generateHour(this.plan, hourMs, this.jobsPerHour, { serving });
    const rng = new Rng(`${this.plan.seed}/wins/${hourMs}`);
    const wins: Win[] = [];
    for (const [gi, reports] of hour.reports) {
      reports.sort((a, b) => a.finishedAt - b.finishedAt);
      const gateway = this.plan.gateways[gi]!.account.address;
      for (const r of reports) {
        const paid = BigInt(r.pricePaid);
        if (paid === 0n) continue;
        const face = this.faceOf.get(r.orchestrator)!;
        // Each ticket sent for the job is worth its fee in expectation; the count that win is Poisson.
        const n = poisson(rng, Number(paid) / Number(face));
        for (let i = 0; i < n; i++) wins.push({ gateway, orchestrator: r.orchestrator as Address, capability: capabilityOf(String(r.capability)), faceValue: face, finishedAt: r.finishedAt });
      }
    }
    h = { hour, wins, taken: new Map(), eventsTaken: false };
    this.hours.set(hourMs, h);
    return h;
  }

  /**
   * The simulator's ticket demand for one round: every ticket won by a job that finished between the round's
   * opening and the next round's, redeemed in the first slot after the job ended; a job that ended after the
   * last slot has its tickets redeemed early in the next round. Tickets of an orchestrator that is not active
   * or a gateway that cannot pay any more are dropped by the simulator.
   */
  ticketsFor(round: DemandRound): TicketDraw[] {
    const start = round.slotTimes[0]! * 1000;
    const end = round.end * 1000;
    this.frontier = Math.max(this.frontier, end);
    const out: TicketDraw[] = [];
    // Carried from the round before: created then, redeemed now.
    for (const w of this.carried) out.push({ gateway: w.gateway, orchestrator: w.orchestrator, capability: w.capability, faceValue: w.faceValue, creationRound: round.r - 1, slot: 1 });
    this.carried = [];
    const lastSlot = round.slotTimes[round.B - 1]! * 1000;
    for (let hourMs = Math.floor(start / HOUR) * HOUR; hourMs < end; hourMs += HOUR) {
      for (const w of this.jobsOf(hourMs, round.active).wins) {
        if (w.finishedAt < start || w.finishedAt >= end) continue;
        if (w.finishedAt > lastSlot) {
          this.carried.push(w);
          continue;
        }
        const slot = round.slotTimes.findIndex((t, b) => b >= 1 && t * 1000 >= w.finishedAt);
        out.push({ gateway: w.gateway, orchestrator: w.orchestrator, capability: w.capability, faceValue: w.faceValue, creationRound: round.r, slot });
      }
    }
    return out;
  }

  /**
   * Reports of jobs finished by `at` (ms) that were not handed out yet, and the hours that are over, oldest first;
   * never past the rounds planned so far, whose tickets are already decided.
   */
  finishedBy(at: number): TelemetryBatch[] {
    const t = Math.min(at, this.frontier);
    const out: TelemetryBatch[] = [];
    for (const hourMs of [...this.hours.keys()].sort((a, b) => a - b)) {
      if (hourMs > t) break;
      const h = this.hours.get(hourMs)!;
      const reports = new Map<number, JobReportInput[]>();
      for (const [gi, list] of h.hour.reports) {
        const from = h.taken.get(gi) ?? 0;
        let to = from;
        while (to < list.length && list[to]!.finishedAt <= t) to++;
        if (to > from) reports.set(gi, list.slice(from, to));
        h.taken.set(gi, to);
      }
      const over = hourMs + HOUR <= t;
      const completeHour = over && !h.eventsTaken ? h.hour : null;
      if (completeHour) h.eventsTaken = true;
      if (reports.size > 0 || completeHour) out.push({ hourMs, reports, completeHour });
      // Over and before the frontier: no round will ask for its tickets again.
      if (over) this.hours.delete(hourMs);
    }
    return out;
  }

  /** Hours held in memory (tests). */
  get heldHours(): number {
    return this.hours.size;
  }
}
