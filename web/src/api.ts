import type { z } from 'zod';
import type * as S from '../../src/api/schemas.js';

export type Network = z.output<typeof S.networkSchema>;
export type Round = z.output<typeof S.roundSchema>;
export type Orchestrator = z.output<typeof S.orchestratorSchema>;
export type OrchestratorDetail = z.output<typeof S.orchestratorDetailSchema>;
export type Account = z.output<typeof S.accountSchema>;
export type ApiEvent = z.output<typeof S.eventSchema>;
export type FeeBucket = z.output<typeof S.feeBucketSchema>;
export type DelegatorRow = z.output<typeof S.delegatorRowSchema>;
export interface Page<T> {
  data: T[];
  page: { limit: number; nextCursor: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, params: Record<string, string | number | boolean | undefined | null> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const url = `${path}${q.toString() ? `?${q}` : ''}`;
  let res: Response;
  try {
    // no-cache = always revalidate: the ETag makes that a cheap 304, while max-age alone would let the
    // browser serve a stale copy right after a live notification asked for fresh data.
    res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-cache' });
  } catch {
    throw new ApiError(0, 'network', 'The API cannot be reached. Check your connection and retry.');
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}
