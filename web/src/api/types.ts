import type { Answer } from './client.js';

// Names for answers and rows that components take as props. Each is a slice of an endpoint's answer type
// (see client.ts), never a shape written by hand.

export type AddressLabel = Answer<'/api/v1/labels'>['data'][number];
export type ApiEvent = Answer<'/api/v1/events'>['data'][number];
export type Poll = Answer<'/api/v1/governance/polls'>['data'][number];
export type TagRow = Answer<'/api/v1/registry/supply-demand'>['data'][number];
export type SupplyPoint = Answer<'/api/v1/registry/supply-demand'>['series'][number];
export type MatchResult = Answer<'/api/v1/registry/match'>;
/** One step of a forecast fan: days ahead and the prediction's percentiles there. */
export type FanPoint = Answer<'/api/v1/telemetry/demand'>['forecast']['jobs'][number];
export type Orchestrator = Answer<'/api/v1/orchestrators'>['data'][number];
