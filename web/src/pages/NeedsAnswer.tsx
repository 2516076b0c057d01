import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { AnswerSpec, NeedsSummaryJson } from '../../../src/needs/apiSchemas.js';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { decimal, percent, shortAddress, token, type AmountLike } from '../format.js';
import { Link } from '../router.js';
import { ErrorBox, Loading } from '../ui.js';
import './needs.css';

/** Value at a dot path ("totals.fees", "data.0.address") of a JSON answer. */
export function at(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

const isAmount = (v: unknown): v is AmountLike => typeof v === 'object' && v !== null && 'formatted' in v && 'unit' in v;

/** One value as the mapping's format asks: amounts exact to the shown digits, ratios as percent. */
export function formatValue(v: unknown, format: 'amount' | 'percent' | 'number' | 'text' | 'address'): string {
  if (v === null || v === undefined) return '—';
  switch (format) {
    case 'amount':
      return isAmount(v) ? token(v, 2) : String(v);
    case 'percent':
      return typeof v === 'number' ? percent(v) : String(v);
    case 'number':
      return typeof v === 'number' ? decimal(String(v), 2) : String(v);
    case 'address':
      return typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? shortAddress(v) : String(v);
    default:
      return isAmount(v) ? token(v, 2) : String(v);
  }
}

/** Total of a series: numbers add up, amounts add up exactly in wei (formatted with 18 decimals). */
export function total(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length > 0 && v.every(isAmount)) {
    const wei = v.reduce((s: bigint, a: AmountLike) => s + BigInt(a.wei), 0n);
    const neg = wei < 0n;
    const digits = (neg ? -wei : wei).toString().padStart(19, '0');
    const formatted = `${neg ? '-' : ''}${digits.slice(0, -18)}.${digits.slice(-18)}`.replace(/\.?0+$/, '');
    return { wei: wei.toString(), formatted, unit: (v[0] as AmountLike).unit };
  }
  return v.reduce((s: number, x) => s + (typeof x === 'number' ? x : 0), 0);
}

const num = (v: unknown): number | null => {
  const x = isAmount(v) ? Number(v.formatted) : typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(x) ? x : null;
};

/** Atlas's live answer to one question: fetched from the mapped endpoint when shown. */
export function LiveAnswer({ spec, testId }: { spec: AnswerSpec; testId: string }) {
  const q = useQuery({ queryKey: ['needs-answer', spec.endpoint], queryFn: () => api<unknown>(spec.endpoint) });
  const chart = useMemo(() => {
    if (spec.kind !== 'chart' || !q.data) return null;
    const list = (at(q.data, spec.list) as unknown[] | undefined) ?? [];
    return { x: list.map((r) => String(at(r, spec.x))), series: spec.y.map((y) => ({ name: y.label, type: spec.type, data: list.map((r) => num(at(r, y.path))) })) };
  }, [q.data, spec]);
  if (q.isPending) return <Loading what="Asking Atlas" />;
  if (q.isError) return <ErrorBox error={q.error} />;
  if (spec.kind === 'figure')
    return (
      <div className="needs-figure">
        <span className="muted">{spec.label}</span> <b data-testid={testId}>{formatValue(at(q.data, spec.value), spec.format)}</b>
      </div>
    );
  if (spec.kind === 'chart')
    return (
      <div className="needs-chart">
        <div className="muted">{spec.label}</div>
        {chart && chart.x.length > 0 ? <Chart x={chart.x} series={chart.series} height={180} zoom={false} testId={testId} /> : <div className="muted">No data yet.</div>}
      </div>
    );
  const rows = ((at(q.data, spec.list) as unknown[] | undefined) ?? []).slice(0, spec.rows);
  return (
    <div className="needs-table table-wrap">
      <div className="muted">{spec.label}</div>
      <table data-testid={testId}>
        <thead>
          <tr>
            {spec.columns.map((c) => (
              <th key={c.path}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={spec.columns.length} className="muted">
                No rows yet.
              </td>
            </tr>
          ) : (
            rows.map((r, i) => (
              <tr key={i}>
                {spec.columns.map((c) => (
                  <td key={c.path} className={c.format === 'address' ? 'mono' : undefined} title={c.format === 'address' ? String(at(r, c.path)) : undefined}>
                    {formatValue(c.sum ? total(at(r, c.path)) : at(r, c.path), c.format)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Links to the dashboard pages that answer a question in full. */
export function ViewLinks({ views }: { views: string[] }) {
  return (
    <span className="needs-views">
      {views.map((v) => (
        <Link key={v} href={v}>
          {v === '/' ? 'Overview' : v}
        </Link>
      ))}
    </span>
  );
}

const STATUS_TEXT: Record<string, string> = { answered: 'answered', broken: 'view missing', planned: 'planned', 'out-of-scope': 'out of scope', unmapped: 'unmapped' };

export function StatusBadge({ status, issue }: { status: string; issue?: number | null }) {
  return (
    <span className={`needs-status needs-${status}`} data-status={status}>
      {STATUS_TEXT[status] ?? status}
      {issue ? ` · #${issue}` : ''}
    </span>
  );
}

/** A mean availability score (0–5) with one decimal. */
export const score1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

export function SummaryLine({ s }: { s: NeedsSummaryJson }) {
  return (
    <span className="muted">
      {s.answered} of {s.total} answered · {s.planned} planned · {s.outOfScope} out of scope · availability {score1(s.scoreBefore)} → {score1(s.scoreAfter)}
    </span>
  );
}

/** The page address of a role's landing page. */
export const roleHref = (id: string) => `/roles/${id}`;
