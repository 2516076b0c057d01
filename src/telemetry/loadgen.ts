import type { LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { makePopulation } from '../sim/population.js';
import { Rng } from '../sim/rng.js';
import type { Scenario } from '../sim/scenario.js';
import { capabilitySlug } from './capabilities.js';
import type { JobReportInput } from './reportSchema.js';

/**
 * Load generator: report streams from the simulated gateways. Gateways buy the capabilities the simulator
 * gave them from the orchestrators that serve them, preferring their own region; orchestrators differ in
 * reliability and speed; traffic follows a daily cycle; some requests find no orchestrator.
 */

interface PipelineProfile {
  models: string[];
  /** Median successful round trip (ms). */
  rttMs: number;
  /** Units per job and wei per unit (median): a job costs about 1e14–1e15 wei. */
  units: number;
  weiPerUnit: number;
  segDurationMs?: number;
  errors: string[];
}

const PROFILES: Record<string, PipelineProfile> = {
  transcoding: { models: [''], rttMs: 800, units: 55_296_000, weiPerUnit: 2_000_000, segDurationMs: 2000, errors: ['transcode_failed', 'segment_upload_failed', 'timeout'] },
  'text-to-image': { models: ['ByteDance/SDXL-Lightning', 'black-forest-labs/FLUX.1-schnell'], rttMs: 2500, units: 1_048_576, weiPerUnit: 400_000_000, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  'image-to-image': { models: ['timbrooks/instruct-pix2pix'], rttMs: 3000, units: 1_048_576, weiPerUnit: 400_000_000, errors: ['inference_error', 'timeout'] },
  'image-to-video': { models: ['stabilityai/stable-video-diffusion-img2vid-xt-1-1'], rttMs: 25_000, units: 14_745_600, weiPerUnit: 300_000_000, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  upscale: { models: ['stabilityai/stable-diffusion-x4-upscaler'], rttMs: 8000, units: 4_194_304, weiPerUnit: 300_000_000, errors: ['inference_error', 'timeout'] },
  'audio-to-text': { models: ['openai/whisper-large-v3'], rttMs: 1500, units: 60_000, weiPerUnit: 3_000_000_000, errors: ['inference_error', 'timeout'] },
  'segment-anything-2': { models: ['facebook/sam2-hiera-large'], rttMs: 1200, units: 1_048_576, weiPerUnit: 200_000_000, errors: ['inference_error'] },
  llm: { models: ['meta-llama/Meta-Llama-3.1-8B-Instruct'], rttMs: 3000, units: 800, weiPerUnit: 2_000_000_000_000, errors: ['inference_error', 'timeout', 'orchestrator_busy'] },
  'image-to-text': { models: ['Salesforce/blip-image-captioning-large'], rttMs: 900, units: 1_048_576, weiPerUnit: 100_000_000, errors: ['inference_error'] },
  'live-video-to-video': { models: ['streamdiffusion'], rttMs: 180, units: 921_600, weiPerUnit: 200_000_000, errors: ['inference_error', 'no_response'] },
  'text-to-speech': { models: ['parler-tts/parler-tts-large-v1'], rttMs: 3000, units: 2_000, weiPerUnit: 100_000_000_000, errors: ['inference_error', 'timeout'] },
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
  /** Price multiplier (1 = typical). */
  price: number;
}

export interface LoadPlan {
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
  const orchestrators = pop.orchestrators.map((o) => {
    const m = /^https:\/\/([a-z]{3})-/.exec(o.serviceUri);
    return {
      address: o.address.toLowerCase(),
      region: m ? m[1]!.toUpperCase() : rng.pick(REGIONS),
      pipelines: slugs(o.capabilities),
      weight: o.weight,
      successRate: Math.min(0.999, Math.max(0.5, 1 - rng.lognormal(0.03, 0.9))),
      speed: rng.lognormal(1, 0.35),
      price: rng.lognormal(1, 0.3),
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

/**
 * Jobs of one UTC hour starting at `hourMs`: about `jobsPerHour` in all, shaped by a daily cycle (peak
 * 14:00 UTC). Job ids are unique per (gateway, hour, index).
 */
export function generateHour(plan: LoadPlan, hourMs: number, jobsPerHour: number): GeneratedHour {
  const rng = new Rng(`${plan.seed}/telemetry/${hourMs}`);
  const hourOfDay = new Date(hourMs).getUTCHours();
  const cycle = 1 + 0.5 * Math.sin((2 * Math.PI * (hourOfDay - 8)) / 24);
  const n = Math.max(0, Math.round(jobsPerHour * cycle * rng.lognormal(1, 0.1)));
  const gwWeights = plan.gateways.map((g) => (g.pipelines.length ? g.weight : 0));
  const reports = new Map<number, JobReportInput[]>();
  const unserved = new Map<number, Map<string, number>>();
  const servers = new Map<string, LoadOrchestrator[]>();
  for (const o of plan.orchestrators) for (const p of o.pipelines) (servers.get(p) ?? servers.set(p, []).get(p)!).push(o);
  for (let j = 0; j < n; j++) {
    const gi = rng.weighted(gwWeights);
    const g = plan.gateways[gi]!;
    const pipeline = rng.pick(g.pipelines);
    const prof = PROFILES[pipeline]!;
    const cands = servers.get(pipeline) ?? [];
    if (cands.length === 0 || rng.chance(0.01)) {
      const m = unserved.get(gi) ?? unserved.set(gi, new Map()).get(gi)!;
      m.set(pipeline, (m.get(pipeline) ?? 0) + 1);
      continue;
    }
    const o = cands[rng.weighted(cands.map((c) => c.weight * (c.region === g.region ? 3 : 1)))]!;
    const remote = o.region !== g.region;
    const ok = rng.chance(o.successRate);
    const rtt = Math.max(5, Math.round(prof.rttMs * o.speed * rng.lognormal(1, 0.3) * (remote ? 1.25 : 1)));
    const upload = Math.round(rtt * 0.08);
    const download = Math.round(rtt * 0.07);
    const queue = Math.round(rtt * 0.05 * rng.next());
    const finishedAt = hourMs + Math.floor(rng.next() * 3_600_000);
    const roundTrip = ok ? rtt : Math.round(rtt * (1 + 2 * rng.next()));
    const units = Math.round(prof.units * rng.lognormal(1, 0.2));
    const list = reports.get(gi) ?? reports.set(gi, []).get(gi)!;
    list.push({
      jobId: `${hourMs.toString(36)}-${j}`,
      capability: pipeline,
      model: rng.pick(prof.models),
      orchestrator: o.address,
      region: g.region,
      startedAt: Math.max(hourMs, finishedAt - roundTrip),
      finishedAt,
      latency: { queueMs: queue, uploadMs: upload, processingMs: Math.max(0, rtt - upload - download - queue), downloadMs: download, roundTripMs: roundTrip },
      ...(prof.segDurationMs !== undefined && ok ? { segDurationMs: prof.segDurationMs } : {}),
      success: ok,
      errorCode: ok ? null : rng.pick(prof.errors),
      pricePaid: ok ? String(BigInt(Math.round(units * prof.weiPerUnit * o.price))) : '0',
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
