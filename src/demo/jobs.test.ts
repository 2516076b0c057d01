import { describe, expect, it } from 'vitest';
import { slotTimes } from '../sim/phases/round.js';
import type { DemandRound, TicketDraw } from '../sim/run.js';
import { resolveScenario } from '../sim/scenario.js';
import { planFromScenario } from '../telemetry/loadgen.js';
import type { JobReportInput } from '../telemetry/reportSchema.js';
import { JobStream } from './jobs.js';

const plan = planFromScenario(resolveScenario({ preset: 'test' }));
const everyone = new Set(plan.orchestrators.map((o) => o.address));
const payable = new Set(plan.gateways.map((g) => g.account.address.toLowerCase()));
const H = 3600;
const START = Date.UTC(2026, 0, 15, 0) / 1000;
// Four rounds of ten hours, six blocks each (the last block at 95% of the round).
const rounds: DemandRound[] = [0, 1, 2, 3].map((i) => ({ r: 100 + i, B: 6, slotTimes: slotTimes(START + i * 10 * H, 10 * H, 6), end: START + (i + 1) * 10 * H, active: everyone, payable }));

function run(stream: JobStream): { draws: (TicketDraw & { round: DemandRound })[]; reports: (JobReportInput & { gateway: string })[] } {
  const draws: (TicketDraw & { round: DemandRound })[] = [];
  const reports: (JobReportInput & { gateway: string })[] = [];
  for (const round of rounds) {
    for (const d of stream.ticketsFor(round)) draws.push({ ...d, round });
    for (const b of stream.finishedBy(round.end * 1000)) for (const [gi, list] of b.reports) for (const r of list) reports.push({ ...r, gateway: plan.gateways[gi]!.account.address.toLowerCase() });
  }
  return { draws, reports };
}

describe('job stream: the jobs behind the winning tickets', () => {
  const { draws, reports } = run(new JobStream(plan, { jobsPerHour: 100 }));
  const capabilityOf = (slug: string) => (slug === 'transcoding' ? 0 : { 'text-to-image': 27, 'image-to-image': 28, 'image-to-video': 29, upscale: 30, 'audio-to-text': 31, 'segment-anything-2': 32, llm: 33, 'image-to-text': 34, 'live-video-to-video': 35, 'text-to-speech': 36 }[slug]);

  it('redeems each winning ticket after a paid job of the same gateway, orchestrator and pipeline ended, in its round or the next', () => {
    expect(draws.length).toBeGreaterThan(20);
    for (const d of draws) {
      const redeemedAt = d.round.slotTimes[d.slot]! * 1000;
      expect(d.slot).toBeGreaterThanOrEqual(1);
      expect(d.creationRound === d.round.r || d.creationRound === d.round.r - 1).toBe(true);
      const job = reports.find((r) => r.gateway === d.gateway.toLowerCase() && r.orchestrator === d.orchestrator.toLowerCase() && capabilityOf(String(r.capability)) === d.capability && BigInt(r.pricePaid) > 0n && r.finishedAt <= redeemedAt);
      expect(job, `a job behind the ticket of ${d.gateway} to ${d.orchestrator}`).toBeDefined();
    }
    // A ticket won after the last block of a round is redeemed in the next one's first slot, created the round before.
    expect(draws.some((d) => d.creationRound === d.round.r - 1 && d.slot === 1)).toBe(true);
  });

  it('pays on chain what the jobs paid in expectation (face value of winners ≈ reported fees)', () => {
    const faces = draws.reduce((a, d) => a + d.faceValue, 0n);
    const fees = reports.filter((r) => r.finishedAt < rounds[3]!.slotTimes[5]! * 1000).reduce((a, r) => a + BigInt(r.pricePaid), 0n);
    const ratio = Number(faces) / Number(fees);
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.33);
  });

  it('hands each report to telemetry once, never past the rounds planned, and is the same for the same seed', () => {
    const ids = reports.map((r) => `${r.gateway}|${r.jobId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Math.max(...reports.map((r) => r.finishedAt))).toBeLessThanOrEqual(rounds[3]!.end * 1000);
    const again = run(new JobStream(plan, { jobsPerHour: 100 }));
    expect(again.draws.map((d) => `${d.gateway}|${d.orchestrator}|${d.faceValue}|${d.slot}|${d.round.r}`)).toEqual(draws.map((d) => `${d.gateway}|${d.orchestrator}|${d.faceValue}|${d.slot}|${d.round.r}`));
    const stream = new JobStream(plan, { jobsPerHour: 100 });
    stream.ticketsFor(rounds[0]!);
    // Asked for later than the planned rounds: only up to the first round's end.
    const early = stream.finishedBy(rounds[3]!.end * 1000).flatMap((b) => [...b.reports.values()].flat());
    expect(early.length).toBeGreaterThan(0);
    expect(Math.max(...early.map((r) => r.finishedAt))).toBeLessThanOrEqual(rounds[0]!.end * 1000);
  });
});
