// What each simulated orchestrator offers, in go-livepeer's terms: the capabilities it serves, models per AI
// pipeline (warm or not, capacity, runner version), its price per capability and model (exact wei per
// `pixelsPerUnit` units), hardware and node version. One model for every consumer: the orchestrators' signed
// adverts, the OrchestratorInfo their nodes answer with, and the prices the gateways' job reports pay.
//
// Deterministic in (seed, orchestrator, day): an orchestrator requotes every few days (its price level steps
// a few percent around its own level); everything else is fixed per orchestrator.
import type { OrchestratorAgent } from './population.js';
import { Rng } from './rng.js';

const DAY = 86_400;

/** What one unit of a pipeline's price is. */
export type PriceUnit = 'pixel' | 'ms' | 'token';

export interface PipelineSpec {
  capability: number;
  slug: string;
  unit: PriceUnit;
  /** Network median price, wei per unit; an orchestrator's price is this times its own level. */
  weiPerUnit: number;
  /** Models offered, most common first: every orchestrator of the pipeline loads the first. */
  models: string[];
}

/**
 * AI pipelines by go-livepeer capability id. Prices are in the range orchestrators configure in aiModels.json:
 * text-to-image 4,768,371 wei per output pixel and audio-to-text 12,882,811 wei per millisecond of audio are
 * the documented examples; live video to video is priced so a 512×512, 24 fps stream costs about $1.50 an hour
 * (the high-resource tier of Livepeer's pipeline pricing); the others are set relative to these by GPU time.
 */
export const AI_PIPELINES: readonly PipelineSpec[] = [
  { capability: 27, slug: 'text-to-image', unit: 'pixel', weiPerUnit: 4_768_371, models: ['ByteDance/SDXL-Lightning', 'SG161222/RealVisXL_V4.0_Lightning', 'black-forest-labs/FLUX.1-schnell'] },
  { capability: 28, slug: 'image-to-image', unit: 'pixel', weiPerUnit: 4_768_371, models: ['timbrooks/instruct-pix2pix'] },
  { capability: 29, slug: 'image-to-video', unit: 'pixel', weiPerUnit: 3_390_842, models: ['stabilityai/stable-video-diffusion-img2vid-xt-1-1'] },
  { capability: 30, slug: 'upscale', unit: 'pixel', weiPerUnit: 4_768_371, models: ['stabilityai/stable-diffusion-x4-upscaler'] },
  { capability: 31, slug: 'audio-to-text', unit: 'ms', weiPerUnit: 12_882_811, models: ['openai/whisper-large-v3'] },
  { capability: 32, slug: 'segment-anything-2', unit: 'pixel', weiPerUnit: 1_000_000, models: ['facebook/sam2-hiera-large'] },
  { capability: 33, slug: 'llm', unit: 'token', weiPerUnit: 200_000_000, models: ['meta-llama/Meta-Llama-3.1-8B-Instruct', 'Qwen/Qwen2.5-7B-Instruct'] },
  { capability: 34, slug: 'image-to-text', unit: 'pixel', weiPerUnit: 1_000_000, models: ['Salesforce/blip-image-captioning-large'] },
  { capability: 35, slug: 'live-video-to-video', unit: 'pixel', weiPerUnit: 22_000, models: ['streamdiffusion', 'comfyui'] },
  { capability: 36, slug: 'text-to-speech', unit: 'ms', weiPerUnit: 10_000_000, models: ['parler-tts/parler-tts-large-v1'] },
];

/** Transcoding: wei per output pixel (network median; gateways' caps sit near 1,000 wei per pixel). */
export const TRANSCODING_WEI_PER_PIXEL = 1_100;

const PIPELINE_BY_ID = new Map(AI_PIPELINES.map((p) => [p.capability, p]));

/** The AI pipeline of a capability id, or undefined for transcoding capabilities (ids below 27). */
export const aiPipeline = (capability: number): PipelineSpec | undefined => PIPELINE_BY_ID.get(capability);

/** go-livepeer node releases the simulated nodes run, oldest first, and the ai-runner release of each. */
const RELEASES = ['0.8.3', '0.8.4', '0.8.5', '0.8.6', '0.8.7', '0.8.8'];
const RUNNERS = ['0.13.1', '0.14.0', '0.14.1', '0.15.0', '0.15.2', '0.16.0'];

const GPUS = [
  { name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, memoryGiB: 24 },
  { name: 'NVIDIA GeForce RTX 3090', major: 8, minor: 6, memoryGiB: 24 },
  { name: 'NVIDIA L40S', major: 8, minor: 9, memoryGiB: 48 },
  { name: 'NVIDIA A100-SXM4-80GB', major: 8, minor: 0, memoryGiB: 80 },
  { name: 'NVIDIA H100 80GB HBM3', major: 9, minor: 0, memoryGiB: 80 },
];

export interface OfferPrice {
  /** null: the transcoding price (OrchestratorInfo.price_info). */
  capability: number | null;
  model: string | null;
  pricePerUnit: bigint;
  pixelsPerUnit: bigint;
}

export interface OfferModel {
  capability: number;
  model: string;
  warm: boolean;
  capacity: number;
  runnerVersion: string;
}

export interface OfferGpu {
  id: string;
  name: string;
  major: number;
  minor: number;
  memoryTotal: bigint;
  memoryFree: bigint;
}

export interface Offer {
  /** Lower-case address. */
  orchestrator: string;
  serviceUri: string;
  /** Upper-case region code the node serves from (FRA, LAX, …). */
  region: string;
  version: string;
  capabilities: number[];
  capacities: Record<number, number>;
  models: OfferModel[];
  prices: OfferPrice[];
  hardware: { pipeline: string; model: string; gpus: OfferGpu[] }[];
  /** Unix seconds since which this offer holds (its last requote). */
  since: number;
}

/** Fixed traits of one orchestrator's nodes, drawn once from the seed. */
interface Traits {
  region: string;
  priceLevel: number;
  requoteEveryDays: number;
  requotePhase: number;
  release: number;
  gpu: (typeof GPUS)[number];
  gpuCount: number;
  extraModels: Map<string, boolean>;
  warmExtra: Map<string, boolean>;
}

const traitCache = new Map<string, Traits>();

function traits(seed: string | number, o: OrchestratorAgent, index: number): Traits {
  const key = `${seed}/${index}`;
  const hit = traitCache.get(key);
  if (hit) return hit;
  const rng = new Rng(`${seed}/offer/${index}`);
  const extraModels = new Map<string, boolean>();
  const warmExtra = new Map<string, boolean>();
  for (const p of AI_PIPELINES) {
    p.models.forEach((m, k) => {
      extraModels.set(m, k === 0 || rng.chance(0.45));
      warmExtra.set(m, k === 0 || rng.chance(0.5));
    });
  }
  const t: Traits = {
    region: regionOf(o.serviceUri),
    priceLevel: rng.lognormal(1, 0.35),
    requoteEveryDays: rng.int(2, 9),
    requotePhase: rng.int(0, 8),
    release: Math.max(0, RELEASES.length - 1 - rng.weighted([50, 30, 15, 5])),
    gpu: GPUS[rng.weighted([40, 20, 15, 15, 10])]!,
    gpuCount: rng.int(1, 8),
    extraModels,
    warmExtra,
  };
  if (traitCache.size > 50_000) traitCache.clear();
  traitCache.set(key, t);
  return t;
}

/** Upper-case region of a simulated service URI (https://fra-12.orch…), GLOBAL when it names none. */
export function regionOf(serviceUri: string): string {
  const m = /^https:\/\/([a-z]{3})-/.exec(serviceUri);
  return m ? m[1]!.toUpperCase() : 'GLOBAL';
}

/** Index of the requote step in effect on `day`, and the day it began. */
function requoteStep(t: Traits, day: number): { step: number; since: number } {
  const step = Math.floor((day + t.requotePhase) / t.requoteEveryDays);
  return { step, since: step * t.requoteEveryDays - t.requotePhase };
}

/** An orchestrator's price multiplier on `day`: its own level, moved a few percent at each requote. */
function priceLevel(seed: string | number, index: number, t: Traits, day: number): number {
  const { step } = requoteStep(t, day);
  return t.priceLevel * new Rng(`${seed}/offer/${index}/requote/${step}`).lognormal(1, 0.06);
}

const wei = (x: number): bigint => BigInt(Math.max(1, Math.round(x)));

/** The offer of orchestrator `index` of the population (agent `o`) in effect at `time` (unix s). */
export function orchestratorOffer(seed: string | number, o: OrchestratorAgent, index: number, time: number): Offer {
  const t = traits(seed, o, index);
  const day = Math.floor(time / DAY);
  const level = priceLevel(seed, index, t, day);
  const capabilities = [...new Set(o.capabilities)].sort((a, b) => a - b);
  const capacities: Record<number, number> = {};
  const models: OfferModel[] = [];
  const prices: OfferPrice[] = [];
  const hardware: Offer['hardware'] = [];
  const transcodes = capabilities.some((c) => c < 27);
  if (transcodes) prices.push({ capability: null, model: null, pricePerUnit: wei(TRANSCODING_WEI_PER_PIXEL * level), pixelsPerUnit: 1n });
  const memoryTotal = BigInt(t.gpu.memoryGiB) * 1024n ** 3n;
  for (const c of capabilities) {
    const p = PIPELINE_BY_ID.get(c);
    capacities[c] = p ? t.gpuCount : 8 * t.gpuCount;
    if (!p) continue;
    const served = p.models.filter((m) => t.extraModels.get(m));
    served.forEach((model, k) => {
      const capacity = Math.max(1, Math.floor(t.gpuCount / served.length));
      models.push({ capability: c, model, warm: t.warmExtra.get(model) ?? false, capacity, runnerVersion: RUNNERS[t.release]! });
      // A second or third model of a pipeline is dearer: it is loaded on demand or on a larger GPU.
      prices.push({ capability: c, model, pricePerUnit: wei(p.weiPerUnit * level * (1 + 0.25 * k)), pixelsPerUnit: 1n });
      hardware.push({
        pipeline: p.slug,
        model,
        gpus: Array.from({ length: capacity }, (_, g) => ({ id: `GPU-${index}-${c}-${k}-${g}`, name: t.gpu.name, major: t.gpu.major, minor: t.gpu.minor, memoryTotal, memoryFree: memoryTotal / 4n })),
      });
    });
  }
  return {
    orchestrator: o.address.toLowerCase(),
    serviceUri: o.aiServiceUri && !transcodes ? o.aiServiceUri : o.serviceUri,
    region: t.region,
    version: RELEASES[t.release]!,
    capabilities,
    capacities,
    models,
    prices,
    hardware,
    since: Math.max(0, requoteStep(t, day).since) * DAY,
  };
}

/** Unix-second days in [from, to] on which this orchestrator's offer changes (its requotes). */
export function requoteTimes(seed: string | number, o: OrchestratorAgent, index: number, from: number, to: number): number[] {
  const t = traits(seed, o, index);
  const out: number[] = [];
  for (let day = Math.floor(from / DAY); day <= Math.floor(to / DAY); day++) {
    const since = requoteStep(t, day).since;
    if (since === day && day * DAY >= from && day * DAY <= to) out.push(day * DAY);
  }
  return out;
}

/** The price an offer asks for a job of `capability` (and `model`), or null when it does not serve it. */
export function offerPrice(offer: Offer, capability: number, model: string | null): OfferPrice | null {
  if (capability < 27) return offer.prices.find((p) => p.capability === null) ?? null;
  return offer.prices.find((p) => p.capability === capability && p.model === model) ?? offer.prices.find((p) => p.capability === capability) ?? null;
}

/** Capability ids as go-livepeer's bitstring: uint64 words, bit n of word n/64 for capability n (decimal strings). */
function bitstring(ids: number[]): string[] {
  const words: bigint[] = [];
  for (const id of ids) {
    while (words.length <= id >> 6) words.push(0n);
    words[id >> 6]! |= 1n << BigInt(id & 63);
  }
  return words.map(String);
}

/**
 * The offer as the OrchestratorInfo a node answers GetOrchestrator with, in protobuf JSON (proto field names;
 * int64 as decimal strings; addresses 0x-hex).
 */
export function orchestratorInfo(offer: Offer): Record<string, unknown> {
  const perCapability: Record<string, { models: Record<string, { warm: boolean; capacity: number; runnerVersion: string; capacityInUse: number }> }> = {};
  for (const m of offer.models) {
    (perCapability[String(m.capability)] ??= { models: {} }).models[m.model] = { warm: m.warm, capacity: m.capacity, runnerVersion: m.runnerVersion, capacityInUse: 0 };
  }
  const transcoding = offer.prices.find((p) => p.capability === null);
  return {
    transcoder: offer.serviceUri,
    address: offer.orchestrator,
    ticket_params: { recipient: offer.orchestrator },
    ...(transcoding ? { price_info: { pricePerUnit: String(transcoding.pricePerUnit), pixelsPerUnit: String(transcoding.pixelsPerUnit) } } : {}),
    capabilities: {
      bitstring: bitstring(offer.capabilities),
      mandatories: [],
      capacities: Object.fromEntries(Object.entries(offer.capacities).map(([k, v]) => [k, v])),
      version: offer.version,
      constraints: { minVersion: '', PerCapability: perCapability },
    },
    capabilities_prices: offer.prices
      .filter((p) => p.capability !== null)
      .map((p) => ({ pricePerUnit: String(p.pricePerUnit), pixelsPerUnit: String(p.pixelsPerUnit), capability: p.capability, constraint: p.model ?? '' })),
    hardware: offer.hardware.map((h) => ({
      pipeline: h.pipeline,
      model_id: h.model,
      gpu_info: Object.fromEntries(h.gpus.map((g, i) => [String(i), { id: g.id, name: g.name, major: g.major, minor: g.minor, memory_free: String(g.memoryFree), memory_total: String(g.memoryTotal) }])),
    })),
  };
}
