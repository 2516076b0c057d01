// Atlas's own fields on the subgraph's Poll entity (status, result, quorum, stake, voters), from the same loader
// as the REST poll endpoints, so both faces agree.
import type { ApiData } from '../data.js';
import { loadPolls } from './polls.js';

type Ctx = { data: ApiData };
type Parent = Record<string, unknown>;

async function pollOf(data: ApiData, id: string) {
  return (await loadPolls(data.db, id))[0] ?? null;
}

/** Resolvers of Poll's Atlas fields (the parent is a Poll row with its id). */
export const pollExtraResolvers = {
  status: async (p: Parent, _a: unknown, { data }: Ctx) => (await pollOf(data, String(p.id)))?.status ?? 'active',
  passed: async (p: Parent, _a: unknown, { data }: Ctx) => (await pollOf(data, String(p.id)))?.tally?.passed ?? null,
  quorumReached: async (p: Parent, _a: unknown, { data }: Ctx) => (await pollOf(data, String(p.id)))?.tally?.quorumReached ?? null,
  totalStake: async (p: Parent, _a: unknown, { data }: Ctx) => (await pollOf(data, String(p.id)))?.tally?.totalStake.formatted ?? null,
  voters: async (p: Parent, _a: unknown, { data }: Ctx) => (await pollOf(data, String(p.id)))?.voters ?? 0,
};
