// What each simulated orchestrator's node answers to GetOrchestrator: capabilities, per-capability and
// per-model prices, capacities, hardware and node version, as OrchestratorInfo JSON (proto field names).
// Offers change by day (requotes, upgrades, models loaded) and are deterministic in (seed, orchestrator, day).
import type { OrchestratorAgent } from './population.js';
import { Rng } from './rng.js';

const DAY = 86_400;

/** go-livepeer releases the simulated nodes run, oldest first; one more becomes current every RELEASE_DAYS. */
const RELEASES = ['0.7.9', '0.8.0', '0.8.1', '0.8.2', '0.8.3', '0.8.4', '0.8.5', '0.8.6', '0.8.7', '0.8.8'];
const RELEASE_DAYS = 21;
/** Runner (ai-runner) versions, in step with node releases. */
const RUNNERS = ['0.11.0', '0.12.0', '0.12.2', '0.13.0', '0.13.1', '0.14.0', '0.14.1', '0.15.0', '0.15.2', '0.16.0'];

/** Models per AI capability id and the median price per unit (wei), units as go-livepeer prices them. */
const AI_MODELS: Record<number, { models: string[]; weiPerUnit: number; pixelsPerUnit: number }> = {
  27: { models: ['ByteDance/SDXL-Lightning', 'black-forest-labs/FLUX.1-schnell', 'black-forest-labs/FLUX.1-dev'], weiPerUnit: 4_000, pixelsPerUnit: 1 },
  28: { models: ['timbrooks/instruct-pix2pix'], weiPerUnit: 4_000, pixelsPerUnit: 1 },
  29: { models: ['stabilityai/stable-video-diffusion-img2vid-xt-1-1'], weiPerUnit: 3_000, pixelsPerUnit: 1 },
  30: { models: ['stabilityai/stable-diffusion-x4-upscaler'], weiPerUnit: 3_000, pixelsPerUnit: 1 },
  31: { models: ['openai/whisper-large-v3'], weiPerUnit: 12_000, pixelsPerUnit: 1 },
  32: { models: ['facebook/sam2-hiera-large'], weiPerUnit: 2_000, pixelsPerUnit: 1 },
  33: { models: ['meta-llama/Meta-Llama-3.1-8B-Instruct', 'Qwen/Qwen2.5-7B-Instruct'], weiPerUnit: 20_000_000, pixelsPerUnit: 1 },
  34: { models: ['Salesforce/blip-image-captioning-large'], weiPerUnit: 1_000, pixelsPerUnit: 1 },
  35: { models: ['streamdiffusion', 'comfyui'], weiPerUnit: 2_000, pixelsPerUnit: 1 },
  36: { models: ['parler-tts/parler-tts-large-v1'], weiPerUnit: 1_000_000, pixelsPerUnit: 1 },
};
/** Transcoding: wei per pixel, as most orchestrators quote it. */
const TRANSCODING_WEI_PER_PIXEL = 1_200;

const GPUS: { name: string; major: number; minor: number; memoryGiB: number }[] = [
  { name: 'NVIDIA GeForce RTX 4090', major: 8, minor: 9, memoryGiB: 24 },
  { name: 'NVIDIA GeForce RTX 3090', major: 8, minor: 6, memoryGiB: 24 },
  { name: 'NVIDIA L40S', major: 8, minor: 9, memoryGiB: 48 },
  { name: 'NVIDIA A100-SXM4-80GB', major: 8, minor: 0, memoryGiB: 80 },
  { name: 'NVIDIA H100 80GB HBM3', major: 9, minor: 0, memoryGiB: 80 },
];

/** How a simulated node behaves when asked: answers, never listens, hangs past the deadline, or refuses. */
export type NodeHealth = 'up' | 'offline' | 'hangs' | 'busy';

export interface NodeOffer {
  uri: string;
  orchestrator: string;
  health: NodeHealth;
  /** OrchestratorInfo as JSON (int64 as decimal strings, addresses 0x-hex); null when the node does not answer. */
  info: Record<string, unknown> | null;
}

const words = (ids: number[]): string[] => {
  const w: bigint[] = [];
  for (const id of ids) {
    const i = id >> 6;
    while (w.length <= i) w.push(0n);
    w[i]! |= 1n << BigInt(id & 63);
  }
  return w.map(String);
};

/** The release current on a day, counted from the scenario's start. */
export function currentRelease(day: number): number {
  return Math.min(RELEASES.length - 1, 5 + Math.floor(day / RELEASE_DAYS));
}

/**
 * The offer of one orchestrator's node (its service URI, or its AI service URI) at `time` (unix s). `startTime`
 * anchors the release calendar. Prices move a few percent on some days; versions trail the current release.
 */
export function nodeOffer(seed: string | number, o: OrchestratorAgent, index: number, uri: string, ai: boolean, time: number, startTime: number): NodeOffer {
  const day = Math.max(0, Math.floor((time - startTime) / DAY));
  const base = new Rng(`${seed}/node/${index}/${ai ? 'ai' : 'video'}`);
  const today = new Rng(`${seed}/node/${index}/${ai ? 'ai' : 'video'}/day/${day}`);
  // Fixed traits of the node.
  const permanentlyOffline = base.chance(0.04);
  const hangs = base.chance(0.02);
  const flakiness = base.lognormal(0.04, 0.8);
  const priceLevel = base.lognormal(1, 0.35);
  const upgradeLag = base.int(0, 3);
  const requoteEvery = base.int(2, 9);
  const gpu = GPUS[base.weighted([40, 20, 15, 15, 10])]!;
  const gpuCount = base.int(1, 8);
  if (permanentlyOffline) return { uri, orchestrator: o.address.toLowerCase(), health: 'offline', info: null };
  if (hangs) return { uri, orchestrator: o.address.toLowerCase(), health: 'hangs', info: null };
  if (today.chance(Math.min(0.5, flakiness))) return { uri, orchestrator: o.address.toLowerCase(), health: 'busy', info: null };

  // Requotes: the price level steps by a few percent every `requoteEvery` days, deterministic per step.
  const step = Math.floor(day / requoteEvery);
  let level = priceLevel;
  for (let k = 1; k <= step; k++) level *= new Rng(`${seed}/node/${index}/${ai ? 'ai' : 'video'}/requote/${k}`).lognormal(1, 0.06);
  const release = Math.max(0, currentRelease(day) - upgradeLag);
  const caps = ai ? o.capabilities.filter((c) => c >= 27) : o.capabilities.filter((c) => c < 27);
  const served = caps.length > 0 ? caps : ai ? [27] : [0];
  const capabilities = [...new Set([...served, ...(ai ? [] : [1, 2])])].sort((a, b) => a - b);
  const capacities: Record<string, number> = {};
  const perCapability: Record<string, { models: Record<string, { warm: boolean; capacity: number; runnerVersion: string; capacityInUse: number }> }> = {};
  const prices: { pricePerUnit: string; pixelsPerUnit: string; capability: number; constraint: string }[] = [];
  const hardware: { pipeline: string; model_id: string; gpu_info: Record<string, { id: string; name: string; major: number; minor: number; memory_free: string; memory_total: string }> }[] = [];
  for (const c of capabilities) {
    capacities[String(c)] = ai ? gpuCount : base.int(4, 40);
    const m = AI_MODELS[c];
    if (!m) continue;
    const models: Record<string, { warm: boolean; capacity: number; runnerVersion: string; capacityInUse: number }> = {};
    for (const [k, model] of m.models.entries()) {
      // The first model of a pipeline is everywhere; others on some nodes only.
      if (k > 0 && !new Rng(`${seed}/node/${index}/model/${c}/${k}`).chance(0.45)) continue;
      const capacity = Math.max(1, Math.floor(gpuCount / m.models.length));
      models[model] = { warm: k === 0 || today.chance(0.5), capacity, runnerVersion: RUNNERS[release]!, capacityInUse: today.int(0, capacity) };
      const wei = Math.max(1, Math.round(m.weiPerUnit * level * (1 + 0.25 * k)));
      prices.push({ pricePerUnit: String(wei), pixelsPerUnit: String(m.pixelsPerUnit), capability: c, constraint: model });
      const gpuInfo: Record<string, { id: string; name: string; major: number; minor: number; memory_free: string; memory_total: string }> = {};
      for (let g = 0; g < capacity; g++) {
        const total = BigInt(gpu.memoryGiB) * 1024n ** 3n;
        gpuInfo[String(g)] = { id: `GPU-${index}-${c}-${k}-${g}`, name: gpu.name, major: gpu.major, minor: gpu.minor, memory_free: String((total * BigInt(today.int(5, 60))) / 100n), memory_total: String(total) };
      }
      hardware.push({ pipeline: capabilityPipeline(c), model_id: model, gpu_info: gpuInfo });
    }
    perCapability[String(c)] = { models };
  }
  const info: Record<string, unknown> = {
    transcoder: uri,
    address: o.address.toLowerCase(),
    ticket_params: { recipient: o.address.toLowerCase() },
    price_info: ai ? undefined : { pricePerUnit: String(Math.max(1, Math.round(TRANSCODING_WEI_PER_PIXEL * level))), pixelsPerUnit: '1' },
    capabilities: { bitstring: words(capabilities), mandatories: [], capacities, version: RELEASES[release]!, constraints: { minVersion: '', PerCapability: perCapability } },
    capabilities_prices: prices,
    hardware,
  };
  return { uri, orchestrator: o.address.toLowerCase(), health: 'up', info };
}

const PIPELINES: Record<number, string> = { 27: 'text-to-image', 28: 'image-to-image', 29: 'image-to-video', 30: 'upscale', 31: 'audio-to-text', 32: 'segment-anything-2', 33: 'llm', 34: 'image-to-text', 35: 'live-video-to-video', 36: 'text-to-speech' };
const capabilityPipeline = (c: number) => PIPELINES[c] ?? String(c);

/** One node of the population: an orchestrator's service URI or AI service URI; `index` is the orchestrator's in the population. */
export interface PopulationNode {
  agent: OrchestratorAgent;
  index: number;
  uri: string;
  ai: boolean;
}

/** Every node of a population: one per service URI, one more per AI service URI. */
export function populationNodes(orchestrators: readonly OrchestratorAgent[]): PopulationNode[] {
  const out: PopulationNode[] = [];
  orchestrators.forEach((agent, index) => {
    out.push({ agent, index, uri: agent.serviceUri, ai: false });
    if (agent.aiServiceUri) out.push({ agent, index, uri: agent.aiServiceUri, ai: true });
  });
  return out;
}
