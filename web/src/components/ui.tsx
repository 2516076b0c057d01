import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';
import { token, usd, type Amount } from '../format.js';
import { useShowUsd } from '../usdToggle.js';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden /> {what}…
    </div>
  );
}

export function ErrorBox({ error, retry }: { error: unknown; retry?: () => void }) {
  const e = error instanceof ApiError ? error : null;
  return (
    <div className="state error" role="alert" data-testid="error">
      <b>{e?.status === 404 ? 'Not found' : 'Something went wrong'}</b>
      <p>{e?.message ?? (error instanceof Error ? error.message : String(error))}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="state empty" data-testid="empty">
      {children}
    </div>
  );
}

export function Stat({ label, value, sub, testId }: { label: string; value: ReactNode; sub?: ReactNode; testId?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {sub !== undefined && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

export function Bar({ value, testId }: { value: number | null; testId?: string }) {
  const v = Math.max(0, Math.min(1, value ?? 0));
  return (
    <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(v * 100)} data-testid={testId}>
      <div style={{ width: `${v * 100}%` }} />
    </div>
  );
}

export function Segmented<T extends string>({ value, options, onChange, label }: { value: T; options: [T, string][]; onChange: (v: T) => void; label: string }) {
  return (
    <div className="segmented" role="group" aria-label={label}>
      {options.map(([v, text]) => (
        <button type="button" key={v} aria-pressed={v === value} className={v === value ? 'on' : ''} onClick={() => onChange(v)}>
          {text}
        </button>
      ))}
    </div>
  );
}

/** The API's USD figure of an amount, shown beside it while the "Show USD" toggle is on (nothing otherwise). */
export function Usd({ value, testId }: { value: string | null | undefined; testId?: string }) {
  const on = useShowUsd();
  if (!on) return null;
  return (
    <span className="muted usd" data-testid={testId} title={value === null || value === undefined ? 'no price known at that time' : 'US dollars at the time it happened (stocks: at the latest price)'}>
      {' '}
      ({usd(value)})
    </span>
  );
}

/** A titled section of a page; `actions` (a toggle, an export link) sit at the right of the title. */
export function Panel({ title, actions, testId, children }: { title?: ReactNode; actions?: ReactNode; testId?: string; children?: ReactNode }) {
  return (
    <section className="panel" data-testid={testId}>
      {actions !== undefined ? (
        <div className="panel-head">
          <h2>{title}</h2>
          {actions}
        </div>
      ) : (
        title !== undefined && <h2>{title}</h2>
      )}
      {children}
    </section>
  );
}

/** A download link of an endpoint's CSV answer (`href` from `apiUrl(…, { query: { format: 'csv' } })`). */
export function CsvLink({ href, label = 'Export CSV', file, testId }: { href: string; label?: string; file?: string; testId?: string }) {
  return (
    <a className="button" href={href} download={file ?? true} data-testid={testId}>
      {label}
    </a>
  );
}

/** Named values as a two-column table (assumptions, figures), scrolling sideways inside its box when narrow. */
export function KeyValues({ rows, testId }: { rows: [key: string, value: ReactNode][]; testId?: string }) {
  return (
    <div className="table-wrap">
      <table className="kv" data-testid={testId}>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** An amount cut to `digits` decimals with its unit, and beside it its USD figure while "Show USD" is on. */
export function TokenAmount({ amount, digits = 2, usd, testId, usdTestId }: { amount: Amount; digits?: number; usd?: string | null; testId?: string; usdTestId?: string }) {
  return (
    <>
      {testId ? <span data-testid={testId}>{token(amount, digits)}</span> : token(amount, digits)}
      {usd !== undefined && <Usd value={usd} testId={usdTestId} />}
    </>
  );
}
