import { useEffect, useRef, useState, type HTMLAttributes, type Key, type ReactNode } from 'react';
import { Empty } from './ui.js';

/** One column: its header, how a row fills its cell, and how the cell sits. */
export interface Column<R> {
  head: ReactNode;
  cell: (row: R, index: number) => ReactNode;
  /** Right-aligned tabular figures. */
  num?: boolean;
  /** Hidden on phone-width screens (secondary detail). */
  wide?: boolean;
  /** Further classes of the cells (`ellipsis`, `mono`). */
  className?: string;
  /** data-testid of every cell of the column. */
  testId?: string;
  title?: (row: R) => string | undefined;
  /** The header's aria-sort, for a table sorted by this column. */
  sort?: 'ascending' | 'descending';
}

/** "Load more" under a paged table. */
export interface More {
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  testId?: string;
  /** Shown at the left of the button ("50 shown"). */
  summary?: ReactNode;
}

/** The "Load more" props of a paged request (`useApiPages`). */
export function moreOf(q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown }, testId?: string, summary?: ReactNode): More {
  return { hasMore: q.hasNextPage, loading: q.isFetchingNextPage, onMore: () => void q.fetchNextPage(), testId, summary };
}

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

interface Props<R> {
  rows: readonly R[];
  columns: readonly (Column<R> | false | null | undefined)[];
  rowKey: (row: R, index: number) => Key;
  testId?: string;
  /** Table class (`directory`, `kv`). */
  className?: string;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** Attributes of each row (`data-address`, a class). */
  row?: (row: R, index: number) => RowAttributes;
  more?: More;
}

/** Whether a box is narrower than its content (tracked as the box or its content resizes). */
function useOverflows(): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [over, setOver] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const check = () => setOver(el.scrollWidth > el.clientWidth + 1);
    check();
    const ro = new ResizeObserver(check);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    return () => ro.disconnect();
  });
  return [ref, over];
}

/**
 * A table of rows in columns; every list of the dashboard. On a screen narrower than the table its first
 * column stays in place while the others scroll sideways, with an edge shadow and a line saying so.
 */
export function DataTable<R>({ rows, columns, rowKey, testId, className, empty, row, more }: Props<R>) {
  const [wrap, overflows] = useOverflows();
  if (rows.length === 0 && empty !== undefined) return <Empty>{empty}</Empty>;
  const cols = columns.filter((c): c is Column<R> => !!c);
  const cls = (c: Column<R>) => [c.num && 'num', c.wide && 'wide', c.className].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <div className={overflows ? 'table-wrap overflows' : 'table-wrap'} ref={wrap}>
        <table className={className} data-testid={testId}>
          <thead>
            <tr>
              {cols.map((c, i) => (
                <th key={i} className={cls(c)} aria-sort={c.sort}>
                  {c.head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={rowKey(r, i)} {...row?.(r, i)}>
                {cols.map((c, j) => (
                  <td key={j} className={cls(c)} data-testid={c.testId} title={c.title?.(r)}>
                    {c.cell(r, i)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="scroll-hint" aria-hidden>
        Scroll sideways for more columns →
      </p>
      {more && (more.hasMore || more.summary !== undefined) && (
        <div className="more">
          <span className="muted">{more.summary}</span>
          {more.hasMore && (
            <button type="button" onClick={more.onMore} disabled={more.loading} data-testid={more.testId}>
              {more.loading ? 'Loading…' : 'Load more'}
            </button>
          )}
        </div>
      )}
    </>
  );
}
