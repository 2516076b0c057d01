import { useState } from 'react';
import type { Answer } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { Empty } from '../components/ui.js';
import { Link, useLocation } from '../router.js';
import { LiveAnswer, roleHref, score1, StatusBadge, SummaryLine, ViewLinks } from './NeedsAnswer.js';

type Question = Answer<'/api/v1/needs'>['roles'][number]['scenarios'][number]['questions'][number];
type Score = Question['scores'][number];

/** The report's score as written: "4", "0–2", "3 (transcoding) · 0 (AI)". */
export function scoreText(scores: Score[]): string {
  if (scores.length === 0) return 'unscored';
  return scores
    .flatMap((s) => s.entries)
    .map((e) => `${e.min === e.max ? e.min : `${e.min}–${e.max}`}${e.qualifier ? ` (${e.qualifier})` : ''}`)
    .join(' · ');
}

const FIELD_LABEL: Record<string, string> = {
  source: 'Source',
  'potential-source': 'Potential source',
  resource: 'Resource',
  'potential-resource': 'Potential resource',
  representation: 'Representation',
  note: 'Note',
};

function QuestionRow({ q }: { q: Question }) {
  const a = q.atlas;
  return (
    <div className={`needs-q needs-depth-${Math.min(q.depth, 4)}`} data-testid={`need-${q.id}`} data-status={a.status}>
      <div className="needs-q-head">
        <span className="needs-q-text">{q.text}</span>
        <span className="needs-q-meta">
          <span className="needs-score" title={q.reportScore.assumed ? 'the report gives no score; its model reads that as 0 or 1' : 'data availability score in the report'}>
            report: <span data-testid={`report-score-${q.id}`}>{scoreText(q.scores)}</span>
          </span>
          <StatusBadge status={a.status} issue={a.issue} />
          <span className="needs-score" title="availability (0–5) with Atlas">
            Atlas: {score1(a.score)}
          </span>
        </span>
      </div>
      <div className="needs-q-body">
        {(a.status === 'answered' || a.status === 'partial') && a.answer && (
          <>
            <LiveAnswer spec={a.answer} testId={`answer-${q.id}`} />
            <div>
              Full view: <ViewLinks views={a.views} />
              {a.note && <span className="muted"> · {a.note}</span>}
            </div>
          </>
        )}
        {a.status === 'planned' && (
          <span className="muted">
            Planned in issue #{a.issue}: {a.needs}
          </span>
        )}
        {a.status === 'partial' && <div className="muted">Partial: {a.reason}</div>}
        {a.status === 'empty' && <span className="muted">Mapped, but no data of the kind asked: {a.reason}</span>}
        {a.status === 'out-of-scope' && <span className="muted">Out of scope: {a.reason}</span>}
        {a.status === 'broken' && <span className="muted">Mapped, but missing: {a.problems.join('; ')}</span>}
        {(q.fields.length > 0 || q.scores.some((s) => s.note)) && (
          <details>
            <summary className="muted">
              What the report lists ({q.file}:{q.line})
            </summary>
            <ul>
              {q.fields.map((f, i) => (
                <li key={i}>
                  <i>{FIELD_LABEL[f.kind]}.</i> {f.text}{' '}
                  {f.links.map((l) => (
                    <a key={l.url} href={l.url} rel="noreferrer noopener" target="_blank">
                      [{l.text || 'link'}]
                    </a>
                  ))}
                </li>
              ))}
              {q.scores
                .filter((s) => s.note)
                .map((s, i) => (
                  <li key={`s${i}`}>
                    <i>Score note.</i> {s.note}
                  </li>
                ))}
            </ul>
          </details>
        )}
      </div>
    </div>
  );
}

const STATUSES: [string, string][] = [
  ['all', 'All'],
  ['answered', 'Answered'],
  ['partial', 'Partial (proxy)'],
  ['empty', 'No data'],
  ['planned', 'Planned'],
  ['out-of-scope', 'Out of scope'],
];

export default function NeedsMap() {
  const { search } = useLocation();
  const q = useApi('/api/v1/needs');
  const [role, setRole] = useState(search.get('role') ?? 'all');
  const [status, setStatus] = useState(search.get('status') ?? 'all');
  if (!q.data) return <ApiState q={q} what="Loading the data-needs map" />;
  const m = q.data;
  const roles = m.roles.filter((r) => role === 'all' || r.id === role);
  const shown = (x: Question) => status === 'all' || x.atlas.status === status;
  return (
    <div className="page">
      <h1>Data needs map</h1>
      <p>
        Every question of the data-needs report (version {m.import.id}
        {m.import.label ? ` "${m.import.label}"` : ''}), by role and scenario, with the report&apos;s availability score (0–5) and Atlas&apos;s live answer.{' '}
        <Link href="/needs/coverage">Coverage →</Link>
      </p>
      <p data-testid="needs-summary">
        <SummaryLine s={m.overall} />
      </p>
      <nav className="needs-roles" aria-label="Role pages">
        {m.roles.map((r) => (
          <Link key={r.id} href={roleHref(r.id)}>
            {r.name}
          </Link>
        ))}
      </nav>
      <div className="filters">
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="needs-role-filter">
            <option value="all">All roles</option>
            {m.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="needs-status-filter">
            {STATUSES.map(([v, t]) => (
              <option key={v} value={v}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      {roles.map((r) => (
        <section key={r.id} className="panel needs-role" data-testid={`needs-role-${r.id}`}>
          <div className="panel-head">
            <h2>
              <Link href={roleHref(r.id)}>{r.name}</Link>
            </h2>
            <SummaryLine s={r.summary} />
          </div>
          {r.scenarios.map((s) => {
            const qs = s.questions.filter(shown);
            if (status !== 'all' && qs.length === 0) return null;
            return (
              <div key={s.id} className="needs-scenario">
                <h3>{s.text}</h3>
                {s.seeAlso.length > 0 && <div className="muted">The report refers to the questions of: {s.seeAlso.join(', ')}.</div>}
                {s.reportOutOfScope && <div className="muted">{s.reportOutOfScope}</div>}
                {s.questions.length === 0 && s.seeAlso.length === 0 && !s.reportOutOfScope && <div className="muted">The report lists no questions for this scenario.</div>}
                {qs.map((x) => (
                  <QuestionRow key={x.id} q={x} />
                ))}
              </div>
            );
          })}
        </section>
      ))}
      {roles.length === 0 && <Empty>No role matches.</Empty>}
      <section className="panel needs-role" data-testid="needs-items">
        <div className="panel-head">
          <h2>Gaps and action items</h2>
          <span className="muted">
            {m.items.overall.answered} of {m.items.overall.total} answered · {m.items.overall.partial} partial · {m.items.overall.outOfScope} out of scope
          </span>
        </div>
        {m.items.list
          .filter((i) => status === 'all' || i.atlas.status === status)
          .map((i) => (
            <div key={i.id} className="needs-q" data-testid={`item-${i.id}`} data-status={i.atlas.status}>
              <div className="needs-q-head">
                <span className="needs-q-text">
                  <span className="muted">{i.kind === 'gap' ? `Gap (${i.roleId})` : i.group === 'executive-summary' ? 'Executive summary' : 'Key finding'}:</span> {i.text}
                </span>
                <StatusBadge status={i.atlas.status} issue={i.atlas.issue} />
              </div>
              <div className="needs-q-body">
                {i.atlas.answer && <LiveAnswer spec={i.atlas.answer} testId={`answer-${i.id}`} />}
                {i.atlas.views.length > 0 && (
                  <div>
                    Full view: <ViewLinks views={i.atlas.views} />
                  </div>
                )}
                {i.atlas.reason && <span className="muted">{i.atlas.status === 'partial' ? 'Partial: ' : i.atlas.status === 'out-of-scope' ? 'Out of scope: ' : ''}{i.atlas.reason}</span>}
              </div>
            </div>
          ))}
      </section>
    </div>
  );
}
