import type { AnswerSpec, NeedsSummaryJson } from '../../../src/needs/apiSchemas.js';
import { useApiUrl } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { decimal, percent, shortAddress, sumAmounts, token, type Amount } from '../format.js';
import { Link } from '../router.js';
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

const isAmount = (v: unknown): v is Amount => typeof v === 'object' && v !== null && 'wei' in v && 'unit' in v;

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

/** Total of a series: numbers add up, amounts add up exactly in wei. */
export function total(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  if (v.length > 0 && v.every(isAmount)) return sumAmounts(v);
  return v.reduce((s: number, x) => s + (typeof x === 'number' ? x : 0), 0);
}

/** A value of a chart's series as a number for drawing (amounts through `plot`). */
const num = (v: unknown): number | null => {
  const x = isAmount(v) ? plot(v) : typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return x !== null && Number.isFinite(x) ? x : null;
};

/** Atlas's live answer to one question: fetched from the mapped endpoint when shown. */
export function LiveAnswer({ spec, testId }: { spec: AnswerSpec; testId: string }) {
  const q = useApiUrl(spec.endpoint);
  if (q.data === undefined) return <ApiState q={q} what="Asking Atlas" />;
  if (spec.kind === 'figure')
    return (
      <div className="needs-figure">
        <span className="muted">{spec.label}</span> <b data-testid={testId}>{formatValue(at(q.data, spec.value), spec.format)}</b>
      </div>
    );
  if (spec.kind === 'chart') {
    const list = (at(q.data, spec.list) as unknown[] | undefined) ?? [];
    const chart = { x: list.map((r) => String(at(r, spec.x))), series: spec.y.map((y) => ({ name: y.label, type: spec.type, data: list.map((r) => num(at(r, y.path))) })) };
    return (
      <div className="needs-chart">
        <div className="muted">{spec.label}</div>
        {chart.x.length > 0 ? <Chart x={chart.x} series={chart.series} height={180} zoom={false} testId={testId} /> : <div className="muted">No data yet.</div>}
      </div>
    );
  }
  const rows = ((at(q.data, spec.list) as unknown[] | undefined) ?? []).slice(0, spec.rows);
  return (
    <div className="needs-table">
      <div className="muted">{spec.label}</div>
      <DataTable
        rows={rows}
        rowKey={(_, i) => i}
        testId={testId}
        empty="No rows yet."
        columns={spec.columns.map((c) => ({
          head: c.label,
          className: c.format === 'address' ? 'mono' : undefined,
          title: c.format === 'address' ? (r: unknown) => String(at(r, c.path)) : undefined,
          cell: (r: unknown) => formatValue(c.sum ? total(at(r, c.path)) : at(r, c.path), c.format),
        }))}
      />
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

const STATUS_TEXT: Record<string, string> = { answered: 'answered', partial: 'partial (proxy)', empty: 'no data', broken: 'view missing', planned: 'planned', 'out-of-scope': 'out of scope', unmapped: 'unmapped' };

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
      {s.answered} of {s.total} answered · {s.partial} partial · {s.empty} without data · {s.outOfScope} out of scope · availability {score1(s.scoreBefore)} → {score1(s.scoreAfter)}
    </span>
  );
}

/** The page address of a role's landing page. */
export const roleHref = (id: string) => `/roles/${id}`;
