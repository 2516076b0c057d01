import type { UseInfiniteQueryResult, UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { ErrorBox, Loading } from './ui.js';

type Result<T> = Pick<UseQueryResult<T> | UseInfiniteQueryResult<T>, 'data' | 'error' | 'isError' | 'fetchStatus' | 'refetch'>;
type Results = readonly Result<unknown>[];
type DataOf<Q extends Results> = { [K in keyof Q]: Q[K] extends Result<infer T> ? T : never };

interface Common {
  /** What is loading ("Loading the treasury"). */
  what?: string;
  /** A view of particular errors (e.g. 404 "nothing configured"); undefined falls back to the error box. */
  error?: (e: ApiError) => ReactNode | undefined;
}

/**
 * The one loading/error view of the dashboard: a spinner while an answer is on its way, the API's error with
 * a Retry button when it failed, nothing while a request waits for its form, else the content. Pages use it as
 * a guard (`if (!q.data) return <ApiState q={q} />`) or around a section (`<ApiState q={q}>{(d) => …}</ApiState>`);
 * several requests the content needs together go in as a list and come out in the same order.
 */
export function ApiState<T>(props: Common & { q: Result<T>; children?: (data: T) => ReactNode }): ReactNode;
export function ApiState<const Q extends Results>(props: Common & { q: Q; children?: (...data: DataOf<Q>) => ReactNode }): ReactNode;
export function ApiState({ q, what, error, children }: Common & { q: Result<unknown> | Results; children?: (...data: unknown[]) => ReactNode }): ReactNode {
  const all: Results = Array.isArray(q) ? q : [q as Result<unknown>];
  const failed = all.find((r) => r.data === undefined && r.isError);
  if (failed) {
    const own = failed.error instanceof ApiError ? error?.(failed.error) : undefined;
    return own ?? <ErrorBox error={failed.error} retry={() => void failed.refetch()} />;
  }
  if (all.some((r) => r.data === undefined)) {
    // A request that waits for its form (enabled: false) shows nothing rather than a spinner.
    return all.some((r) => r.data === undefined && r.fetchStatus !== 'idle') ? <Loading what={what} /> : null;
  }
  return children?.(...all.map((r) => r.data)) ?? null;
}
