import { keepPreviousData, useInfiniteQuery, useQuery, type InfiniteData, type UseInfiniteQueryResult, type UseQueryResult } from '@tanstack/react-query';
import { apiGet, apiGetUrl, queryString, type Answer, type ApiPath, type ApiRequest, type RequestArgs } from './client.js';

export interface UseApiOptions {
  /** Ask only while true (default true): forms that ask once submitted. */
  enabled?: boolean;
  /** Keep showing the previous answer while the next one loads (filters and pickers). */
  keepPrevious?: boolean;
  /** false: no retries (answers such as "no budget configured" will not change on retry). */
  retry?: false;
  /** How long an answer counts as fresh (ms); default the app's. */
  staleTime?: number;
  /** Ask again every this many ms while the page is open (figures that age without new data, such as the head's age). */
  refetchEveryMs?: number;
}

/**
 * A request's cache key: path, placeholders and the query as its query string (so empty values, which are
 * never sent, do not make distinct keys). Invalidating `[path]` refreshes every request of that endpoint.
 */
export function apiKey(path: string, req: { params?: unknown; query?: unknown } | undefined): readonly unknown[] {
  return [path, req?.params ?? {}, queryString((req?.query ?? {}) as Parameters<typeof queryString>[0])];
}

/** One endpoint's typed answer, cached and refreshed on live updates (TanStack Query underneath). */
export function useApi<P extends ApiPath>(path: P, ...[req, opts = {}]: RequestArgs<P, UseApiOptions>): UseQueryResult<Answer<P>> {
  return useQuery({
    queryKey: apiKey(path, req),
    queryFn: () => apiGet(path, ...([req] as RequestArgs<P>)),
    enabled: opts.enabled,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
    ...(opts.retry === false ? { retry: false } : {}),
    ...(opts.staleTime !== undefined ? { staleTime: opts.staleTime } : {}),
    ...(opts.refetchEveryMs !== undefined ? { refetchInterval: opts.refetchEveryMs } : {}),
  });
}

export interface UseApiPagesOptions<A> {
  /** The next page's cursor in an answer (default `page.nextCursor`); null or undefined on the last page. */
  cursor?: (last: A) => string | null | undefined;
  keepPrevious?: boolean;
}

const pageCursor = (last: unknown): string | null | undefined => (last as { page?: { nextCursor?: string | null } }).page?.nextCursor;

/** A cursor-paged endpoint: the first page, then `fetchNextPage()` appends the next (its `cursor` query). */
export function useApiPages<P extends ApiPath>(path: P, req: ApiRequest<P>, opts: UseApiPagesOptions<Answer<P>> = {}): UseInfiniteQueryResult<InfiniteData<Answer<P>>> {
  return useInfiniteQuery({
    queryKey: ['pages', ...apiKey(path, req)],
    queryFn: ({ pageParam }) => apiGet(path, ...([{ ...req, query: { ...req.query, cursor: pageParam } }] as RequestArgs<P>)),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (opts.cursor ?? pageCursor)(last) ?? undefined,
    placeholderData: opts.keepPrevious ? keepPreviousData : undefined,
  });
}

/** A URL that is data (the data-needs map names one per question): the answer stays `unknown` until read. */
export function useApiUrl(url: string): UseQueryResult<unknown> {
  return useQuery({ queryKey: ['url', url], queryFn: () => apiGetUrl(url) });
}
