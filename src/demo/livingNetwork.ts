// The living demo network: a simulated history that ends at start-up, then a network that keeps running on the
// one clock — a round every few minutes with its rewards, tickets, bonding, votes and price posts, the gateways'
// telemetry of the same jobs the tickets pay for, and the orchestrators' signed adverts after every requote.
import type { Kysely } from 'kysely';
import { isAbortError, type Clock } from '../base/clock.js';
import { startAnvil, type AnvilNode } from '../sim/anvil.js';
import { livingSchedule, paceOnClock } from '../sim/living.js';
import { makePopulation } from '../sim/population.js';
import type { RoundSummary } from '../sim/groundTruth.js';
import type { Scenario } from '../sim/scenario.js';
import { runSimulation, simulatorNodeOptions } from '../sim/simulator.js';
import type { Database } from '../store/schema.js';
import { BatchNonces, submitTelemetry, type FeedTarget } from '../telemetry/feed.js';
import { hourEvents, planFromScenario } from '../telemetry/loadgen.js';
import type { JobReportInput } from '../telemetry/reportSchema.js';
import { publishAdverts, type Advertiser } from './adverts.js';
import { JobStream } from './jobs.js';

const CHAIN_ID = 31337;

export interface LivingNetworkOptions {
  db: Kysely<Database>;
  /** The scenario: its preset and seed; `rounds` rounds of history (its startTime is replaced). */
  scenario: Scenario;
  clock: Clock;
  /** Seconds each live round lasts; null: the network stops when the history is mined. */
  liveRoundSeconds: number | null;
  /** Unix seconds the history ends at (default: the clock's now). */
  endTime?: number;
  /** Jobs per hour of the simulated gateways (default 100). */
  jobsPerHour?: number;
  /** Stops the network (the run then ends). */
  signal: AbortSignal;
  onHistoryProgress?: (p: { roundsDone: number; roundsTotal: number; txs: number; logs: number }) => void;
  onRound?: (summary: RoundSummary, live: boolean) => void;
  /** Telemetry and advert failures are reported here and the network goes on. */
  onError?: (what: string, e: Error) => void;
}

export interface LivingNetwork {
  rpcUrl: string;
  node: AnvilNode;
  /** Unix seconds of the history's last block. */
  endTime: number;
  /** Unix seconds the first live round opens (null: no live rounds). */
  liveFrom: number | null;
  /** Settles when the network stops (the signal aborted) or fails. */
  done: Promise<void>;
  /** Figures so far: telemetry reports and events sent, adverts published, live rounds mined. */
  stats: { reports: number; events: number; adverts: number; liveRounds: number; historyDone: boolean };
  /** Sends every job report due by the clock's now (tests call it to settle). */
  flushTelemetry(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts anvil and the living network on it; the history is mined in the background (`done` follows it). */
export async function startLivingNetwork(o: LivingNetworkOptions): Promise<LivingNetwork> {
  const endTime = o.endTime ?? Math.floor(o.clock.now() / 1000);
  const live = o.liveRoundSeconds !== null && o.liveRoundSeconds > 0;
  const { startTime, schedule, liveFrom } = livingSchedule({ endTime, historyRounds: o.scenario.rounds, liveRoundSeconds: o.liveRoundSeconds ?? 0 });
  const scenario: Scenario = { ...o.scenario, startTime };
  const node = await startAnvil(simulatorNodeOptions(scenario));
  const population = makePopulation(scenario);
  const jobs = new JobStream(planFromScenario(scenario), { jobsPerHour: o.jobsPerHour });
  const stats = { reports: 0, events: 0, adverts: 0, liveRounds: 0, historyDone: false };
  const report = (what: string, e: unknown) => {
    if (!isAbortError(e)) o.onError?.(what, e instanceof Error ? e : new Error(String(e)));
  };

  // Telemetry: the simulated gateways sign and send the reports of jobs as they finish, at the time they would
  // have sent them (the end of the hour for the history, now for live jobs).
  const allowList = new Set(population.gateways.map((g) => g.address.toLowerCase()));
  let sentAt = 0;
  const target: FeedTarget = { kind: 'db', db: o.db, ingest: { chainId: CHAIN_ID, allowList, now: () => sentAt } };
  const nonces = new BatchNonces();
  let pumping: Promise<void> = Promise.resolve();
  const pump = (upTo: number): Promise<void> => {
    pumping = pumping.then(async () => {
      try {
        // One batch per gateway for everything due: many small transactions cost more than the rows.
        const reports = new Map<number, JobReportInput[]>();
        const events = new Map<number, string[]>();
        for (const b of jobs.finishedBy(upTo)) {
          for (const [gi, list] of b.reports) (reports.get(gi) ?? reports.set(gi, []).get(gi)!).push(...list);
          if (b.completeHour) for (const [gi, lines] of hourEvents(jobs.plan, b.hourMs, b.completeHour)) (events.get(gi) ?? events.set(gi, []).get(gi)!).push(...lines);
        }
        if (reports.size === 0 && events.size === 0) return;
        sentAt = upTo;
        const done = await submitTelemetry(jobs.plan, target, reports, events, { nonces });
        stats.reports += done.reports;
        stats.events += done.events;
      } catch (e) {
        report('telemetry', e);
      }
    });
    return pumping;
  };

  // Adverts: each orchestrator's offer from its registration, and again at every requote.
  const advertisers: Advertiser[] = population.orchestrators.map((agent, index) => ({ agent, index, since: agent.joinRound === 0 ? startTime : schedule.roundStart(agent.joinRound) }));
  const seqs = new Map<string, bigint>();
  let advertisedTo = startTime - 1;
  let advertising: Promise<void> = Promise.resolve();
  const advertise = (to: number): Promise<void> => {
    advertising = advertising.then(async () => {
      if (to <= advertisedTo) return;
      try {
        stats.adverts += await publishAdverts(o.db, scenario.seed, advertisers, { from: advertisedTo + 1, to }, { chainId: CHAIN_ID, seqs });
        advertisedTo = to;
      } catch (e) {
        report('adverts', e);
      }
    });
    return advertising;
  };

  const done = (async () => {
    // The history's adverts go out while the history is mined (both wait on I/O most of the time).
    void advertise(endTime);
    try {
      await runSimulation({
        scenario,
        rpcUrl: node.url,
        schedule,
        liveUntil: live ? o.signal : undefined,
        demand: (round) => jobs.ticketsFor(round),
        hooks: {
          beforeMine: paceOnClock(o.clock, o.signal),
          // Live jobs are reported block by block; the history's once a round, in fewer and larger batches.
          onMined: (_mined, ctx, blockTime) => (stats.historyDone || ctx.blockInRound === scenario.blocksPerRound - 1 ? pump(Math.min(blockTime * 1000, o.clock.now())) : undefined),
          onRound: async (summary) => {
            const live = stats.historyDone;
            if (live) {
              stats.liveRounds++;
              void advertise(Math.floor(o.clock.now() / 1000));
            }
            o.onRound?.(summary, live);
          },
          onProgress: (p) => {
            if (p.roundsDone > p.roundsTotal) return;
            o.onHistoryProgress?.(p);
            if (p.roundsDone === p.roundsTotal) stats.historyDone = true;
          },
        },
      });
    } catch (e) {
      if (!isAbortError(e)) throw e;
    } finally {
      await advertising;
      await pumping;
    }
  })();

  return {
    rpcUrl: node.url,
    node,
    endTime,
    liveFrom: live ? liveFrom : null,
    done,
    stats,
    flushTelemetry: () => pump(o.clock.now()),
    stop: async () => {
      await done.catch(() => undefined);
      await node.stop();
    },
  };
}
