import type { ReactNode } from 'react';
import { ApiError } from './api.js';
import { usd } from './format.js';
import { useShowUsd } from './usdToggle.js';

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
