import type { LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { AI_PIPELINES, offerPrice, orchestratorOffer, regionOf, type Offer } from '../sim/offers.js';
import { makePopulation, type OrchestratorAgent } from '../sim/population.js';
import { Rng } from '../sim/rng.js';
import type { Scenario } from '../sim/scenario.js';
import { capabilitySlug } from './capabilities.js';
import type { JobReportInput } from './reportSchema.js';

/**
 * Load generator: report streams from the simulated gateways. Gateways buy the capabilities the simulator
 * gave them from the orchestrators that serve them, preferring their own region, at the price each
 * orchestrator's offer asks (src/sim/offers.ts); orchestrators differ in reliability and speed; traffic
 * follows a daily cycle; some requests find no orchestrator. Transcoding and live video are reported one job
 * per stream session (latency per segment or frame), the other AI pipelines one job per request.
 */

interface PipelineProfile {
  /** Median successful round trip (ms): of one segment or frame for the streaming pipelines. */
  rttMs: number;
  /** Median units of work per job (pixels, ms of audio, tokens), as priced by the orchestrators' offers. */
  units: number;
  /** Streaming pipelines report one job per stream session of about this many seconds (median). */
  sessionSeconds?: number;
  segDurationMs?: number;
  errors: string[];
}

/** Output pixels per second of a 30 fps stream transcoded to 1080p, 720p, 480p and 360p renditions. */
const LADDER_PIXELS_PER_SECOND = 30 * (1920 * 1080 + 1280 * 720 + 854 * 480 + 640 * 360);
/** Output pixels per second of a 512×512, 24 fps live AI stream. */
const LIVE_AI_PIXELS_PER_SECOND = 24 * 512 * 512;

const PROFILES: Record<string, PipelineProfile> = {
  transcoding: { rttMs: 800, sessionSeconds: 10_800, units: 10_800 * LADDER_PIXELS_PER_SECOND, segDurationMs: 2000, errors: ['transcode_failed', 'segment_upload_failed', 'timeout'] },
  'text-to-image': { rttMs: 2500, units: 1024 * 1024, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  'image-to-image': { rttMs: 3000, units: 1024 * 1024, errors: ['inference_error', 'timeout'] },
  'image-to-video': { rttMs: 25_000, units: 1024 * 576 * 25, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  upscale: { rttMs: 8000, units: 2048 * 2048, errors: ['inference_error', 'timeout'] },
  'audio-to-text': { rttMs: 1500, units: 60_000, errors: ['inference_error', 'timeout'] },
  'segment-anything-2': { rttMs: 1200, units: 1024 * 1024, errors: ['inference_error'] },
  llm: { rttMs: 3000, units: 800, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  'image-to-text': { rttMs: 900, units: 1024 * 1024, errors: ['inference_error'] },
  'live-video-to-video': { rttMs: 180, sessionSeconds: 1_800, units: 1_800 * LIVE_AI_PIXELS_PER_SECOND, errors: ['inference_error', 'no_response'] },
  'text-to-speech': { rttMs: 3000, units: 8_000, errors: ['inference_error', 'timeout'] },
};

export interface LoadGateway {
  account: LocalAccount;
  region: string;
  pipelines: string[];
  weight: number;
}

export interface LoadOrchestrator {
  address: string;
  region: string;
  pipelines: string[];
  weight: number;
  /** Chance a job succeeds, 0..1. */
  successRate: number;
  /** Latency multiplier (1 = typical). */
  speed: number;
  /** The simulated agent and its index in the population: its offer prices the jobs. */
  agent: OrchestratorAgent;
  index: number;
}

export interface LoadPlan {
  /** The scenario's seed: offers are drawn from it. */
  seed: string;
  gateways: LoadGateway[];
  orchestrators: LoadOrchestrator[];
}

const REGIONS = ['FRA', 'LAX', 'MDW', 'NYC', 'SIN', 'SEA', 'LON', 'SAO'];

const slugs = (ids: number[]): string[] => [...new Set(ids.map((id) => capabilitySlug(id)).filter((s): s is string => s !== null && s in PROFILES))];

/** A load plan from the simulator's population: its orchestrators (addresses, capabilities, regions) and gateways. */
export function planFromScenario(s: Scenario): LoadPlan {
  const pop = makePopulation(s);
  const rng = new Rng(`${s.seed}/telemetry-plan`);
  const orchestrators = pop.orchestrators.map((o, index) => {
    const region = regionOf(o.serviceUri);
    return {
      address: o.address.toLowerCase(),
      region: region === 'GLOBAL' ? rng.pick(REGIONS) : region,
      pipelines: slugs(o.capabilities),
      weight: o.weight,
      successRate: Math.min(0.999, Math.max(0.5, 1 - rng.lognormal(0.03, 0.9))),
      speed: rng.lognormal(1, 0.35),
      agent: o,
      index,
    };
  });
  // Each gateway signs with its own on-chain key, so its batches pass the TicketBroker check and its reports join its tickets.
  const gateways = pop.gateways.map((g, i) => ({ account: privateKeyToAccount(g.privateKey), region: REGIONS[i % REGIONS.length]!, pipelines: slugs(g.capabilities), weight: g.weight }));
  return { seed: String(s.seed), gateways, orchestrators };
}

export interface GeneratedHour {
  /** Reports per gateway index. */
  reports: Map<number, JobReportInput[]>;
  /** Requests no orchestrator could serve, per gateway index and pipeline. */
  unserved: Map<number, Map<string, number>>;
}

const CAPABILITY_OF: Record<string, number> = Object.fromEntries(AI_PIPELINES.map((p) => [p.slug, p.capability]));

export interface HourOptions {
  /** Only these orchestrators (lower-case addresses) take jobs: those registered and active on chain. */
  serving?: ReadonlySet<string>;
}

/**
 * Jobs of one UTC hour starting at `hourMs`: about `jobsPerHour` in all, shaped by a daily cycle (peak
 * 14:00 UTC). Job ids are unique per (gateway, hour, index). A job pays its units at the price the chosen
 * orchestrator's offer asks at that time (an AI job: for the model it ran).
 */
export function generateHour(plan: LoadPlan, hourMs: number, jobsPerHour: number, opts: HourOptions = {}): GeneratedHour {
  const rng = new Rng(`${plan.seed}/telemetry/${hourMs}`);
  const hourOfDay = new Date(hourMs).getUTCHours();
  const cycle = 1 + 0.5 * Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24);
  const n = Math.max(0, Math.round(jobsPerHour * cycle * rng.lognormal(1, 0.1)));
  const gwWeights = plan.gateways.map((g) => (g.pipelines.length ? g.weight : 0));
  const reports = new Map<number, JobReportInput[]>();
  const unserved = new Map<number, Map<string, number>>();
  const servers = new Map<string, LoadOrchestrator[]>();
  for (const o of plan.orchestrators) {
    if (opts.serving && !opts.serving.has(o.address)) continue;
    for (const p of o.pipelines) (servers.get(p) ?? servers.set(p, []).get(p)!).push(o);
  }
  // Offers change at most daily: one per orchestrator serves the whole hour.
  const offers = new Map<string, Offer>();
  const offerOf = (o: LoadOrchestrator) => offers.get(o.address) ?? offers.set(o.address, orchestratorOffer(plan.seed, o.agent, o.index, Math.floor(hourMs / 1000))).get(o.address)!;
  for (let j = 0; j < n; j++) {
    const gi = rng.weighted(gwWeights);
    const g = plan.gateways[gi]!;
    const pipeline = rng.pick(g.pipelines);
    const prof = PROFILES[pipeline]!;
    const cands = servers.get(pipeline) ?? [];
    // Now and then a request finds every orchestrator busy or above the gateway's price.
    if (cands.length === 0 || rng.chance(0.003)) {
      const m = unserved.get(gi) ?? unserved.set(gi, new Map()).get(gi)!;
      m.set(pipeline, (m.get(pipeline) ?? 0) + 1);
      continue;
    }
    const o = cands[rng.weighted(cands.map((c) => c.weight * (c.region === g.region ? 3 : 1)))]!;
    const offer = offerOf(o);
    const capability = CAPABILITY_OF[pipeline] ?? 0;
    // The first model of a pipeline carries most of its traffic.
    const served = offer.models.filter((m) => m.capability === capability).map((m) => m.model);
    const model = served.length === 0 ? '' : served[rng.weighted(served.map((_, k) => (k === 0 ? 3 : 1)))]!;
    const price = offerPrice(offer, capability, model || null);
    const remote = o.region !== g.region;
    const ok = rng.chance(o.successRate);
    const rtt = Math.max(5, Math.round(prof.rttMs * o.speed * rng.lognormal(1, 0.3) * (remote ? 1.25 : 1)));
    const upload = Math.round(rtt * 0.08);
    const download = Math.round(rtt * 0.07);
    const queue = Math.round(rtt * 0.05 * rng.next());
    const finishedAt = hourMs + Math.floor(rng.next() * 3_600_000);
    const roundTrip = ok ? rtt : Math.round(rtt * (1 + 2 * rng.next()));
    const size = rng.lognormal(1, prof.sessionSeconds ? 0.6 : 0.2);
    const units = BigInt(Math.max(1, Math.round(prof.units * size)));
    // A session started its duration before it finished; a request its round trip before.
    const durationMs = prof.sessionSeconds ? Math.min(6 * 3_600_000, Math.round(prof.sessionSeconds * size * 1000)) : roundTrip;
    const list = reports.get(gi) ?? reports.set(gi, []).get(gi)!;
    const paid = ok && price ? (units * price.pricePerUnit) / price.pixelsPerUnit : 0n;
    list.push({
      jobId: `${hourMs.toString(36)}-${j}`,
      capability: pipeline,
      model,
      orchestrator: o.address,
      region: g.region,
      startedAt: finishedAt - durationMs,
      finishedAt,
      latency: { queueMs: queue, uploadMs: upload, processingMs: Math.max(0, rtt - upload - download - queue), downloadMs: download, roundTripMs: roundTrip },
      ...(prof.segDurationMs !== undefined && ok ? { segDurationMs: prof.segDurationMs } : {}),
      success: ok,
      errorCode: ok ? null : rng.pick(prof.errors),
      pricePaid: String(paid),
      units: ok ? String(units) : '0',
    });
  }
  return { reports, unserved };
}

/** Gateway event envelopes for one generated hour: payments per (gateway, orchestrator) and unserved-request traces. */
export function hourEvents(plan: LoadPlan, hourMs: number, hour: GeneratedHour): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [gi, reports] of hour.reports) {
    const g = plan.gateways[gi]!;
    const lines = out.get(gi) ?? out.set(gi, []).get(gi)!;
    const paid = new Map<string, { wei: bigint; capability: string }>();
    for (const r of reports) {
      const k = `${r.orchestrator}|${String(r.capability)}`;
      const e = paid.get(k) ?? { wei: 0n, capability: String(r.capability) };
      e.wei += BigInt(r.pricePaid);
      paid.set(k, e);
    }
    let i = 0;
    for (const [k, e] of paid) {
      if (e.wei === 0n) continue;
      // Tickets of 1e15 wei face value at the probability that makes their expected value the fees owed (at most 1).
      const face = 10n ** 15n;
      const tickets = BigInt(Math.max(10, Math.ceil(Number(e.wei) / 1e15)));
      const winProb = Number(e.wei) / Number(face * tickets);
      lines.push(JSON.stringify({ id: `pay-${hourMs}-${i++}`, type: 'create_new_payment', timestamp: hourMs + 3_599_000, gateway: g.account.address, data: { capability: e.capability, sessionID: `s-${hourMs}-${i}`, recipient: k.split('|')[0], sender: g.account.address, faceValue: `${face} WEI`, winProb: winProb.toFixed(18), numTickets: String(tickets) } }));
    }
  }
  for (const [gi, m] of hour.unserved) {
    const g = plan.gateways[gi]!;
    const lines = out.get(gi) ?? out.set(gi, []).get(gi)!;
    let i = 0;
    for (const [pipeline, count] of m) for (let c = 0; c < count; c++) {
      lines.push(JSON.stringify({ id: `nop-${hourMs}-${i++}`, type: 'stream_trace', timestamp: hourMs + 1_800_000, gateway: g.account.address, data: { type: 'gateway_no_orchestrators_available', pipeline } }));
    }
  }
  return out;
}
