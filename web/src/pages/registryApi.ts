import type { AmountLike } from '../format.js';

/** JSON shapes of /api/v1/registry/* (see src/api/routes/registry.ts). */
export interface RegistryPrice {
  pricePerUnit: string;
  pixelsPerUnit: string;
  weiPerUnit: number;
}

interface CandidateFacts {
  address: string;
  serviceUri: string | null;
  version: string | null;
  regions: string[];
  stake: AmountLike;
  active: boolean;
  verified: boolean;
  advertAt: number;
}

export interface RegistryMatch extends CandidateFacts {
  rank: number;
  price: RegistryPrice | null;
  model: { model: string; warm: boolean; capacity: number; capacityInUse: number; runnerVersion: string | null } | null;
  freeCapacity: number | null;
  vramBytes: string | null;
  telemetry: { successRate: number; p95LatencyMs: number | null; samples: number } | null;
}

export interface RegistryExclusion extends CandidateFacts {
  reasons: { code: string; message: string }[];
}

export interface MatchResult {
  candidates: number;
  matched: number;
  exclusionCounts: Record<string, number>;
  matches: RegistryMatch[];
  excluded: RegistryExclusion[];
}

export interface Capability {
  id: number;
  slug: string;
  name: string;
  ai: boolean;
}

export interface PriceStats {
  floor: RegistryPrice;
  p50: number;
  p90: number;
  max: number;
  distribution: number[];
}

export interface TagRow {
  tag: string;
  capability: number;
  capabilityName: string;
  model: string | null;
  orchestrators: number;
  warmOrchestrators: number;
  capacity: number;
  freeCapacity: number;
  prices: PriceStats | null;
  profiles: number;
  expectedSessions: number;
  observedJobs: number;
  unserved: number;
  demandToCapacity: number | null;
  underSupplied: boolean;
}

export interface MarketReport {
  days: number;
  inDemand: TagRow[];
  idleSupply: TagRow[];
  capabilityPrices: { capability: number; tag: string; capabilityName: string; prices: PriceStats | null; orchestrators: number }[];
}

export interface SeriesPoint {
  at: number;
  tag: string;
  orchestrators: number;
  capacity: number;
  expectedSessions: number;
  observedJobs: number;
  unserved: number;
  priceFloor: RegistryPrice | null;
}

export interface SupplyDemand {
  days: number;
  data: TagRow[];
  series: SeriesPoint[];
}

/** Price as the node states it ("4768371 wei / unit", "3/2 wei / unit"): exact, no float. */
export function priceText(p: RegistryPrice | null): string {
  if (!p) return '—';
  return p.pixelsPerUnit === '1' ? `${p.pricePerUnit} wei/unit` : `${p.pricePerUnit}/${p.pixelsPerUnit} wei/unit`;
}

/** A float wei-per-unit figure with 4 significant digits, for distributions. */
export function weiText(x: number): string {
  return `${Number(x.toPrecision(4))} wei/unit`;
}
