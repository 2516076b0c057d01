import { useQuery } from '@tanstack/react-query';
import type { NeedsRoleLandingJson } from '../../../src/needs/apiSchemas.js';
import { api } from '../api.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading } from '../ui.js';
import { LiveAnswer, SummaryLine } from './NeedsAnswer.js';
import './needs.css';

/** Plain words for a dashboard path. */
const viewName = (p: string) => (p === '/' ? 'Network overview' : p.replace(/^\//, '').replace(/[/-]/g, ' '));

/** Everything one role of the report needs from Atlas, gathered on one page. */
export default function RoleLanding({ role }: { role: string }) {
  const q = useQuery({ queryKey: ['needs-role', role], queryFn: () => api<NeedsRoleLandingJson>(`/api/v1/needs/roles/${role}`) });
  if (q.isPending) return <Loading what="Loading the role" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const d = q.data;
  return (
    <div className="page">
      <div className="crumbs">
        <Link href="/needs">Data needs</Link> / {d.role.name}
      </div>
      <h1 data-testid="role-name">{d.role.name}</h1>
      <p data-testid="role-summary">
        <SummaryLine s={d.summary} />
      </p>
      <section className="panel">
        <h2>Views for this role</h2>
        {d.views.length === 0 ? (
          <Empty>No Atlas view answers this role&apos;s questions yet.</Empty>
        ) : (
          <ul data-testid="role-views">
            {d.views.map((v) => (
              <li key={v.path}>
                <Link href={v.path}>{viewName(v.path)}</Link> <span className="muted">answers {v.questions} question{v.questions === 1 ? '' : 's'}</span>
              </li>
            ))}
          </ul>
        )}
        {d.endpoints.length > 0 && (
          <p className="muted">
            API:{' '}
            {d.endpoints.map((e, i) => (
              <span key={e.path}>
                {i > 0 ? ', ' : ''}
                <code>{e.path}</code>
              </span>
            ))}{' '}
            · <a href="/docs">reference</a>
          </p>
        )}
      </section>
      {d.answers.length > 0 && (
        <section className="panel">
          <h2>Answers, live</h2>
          {d.answers.map((a) => (
            <div key={a.questionId} className="needs-q" data-testid={`role-answer-${a.questionId}`}>
              <div className="needs-q-head">
                <b className="needs-q-text">{a.text}</b>
              </div>
              <div className="muted">{a.scenario}</div>
              <LiveAnswer spec={a.answer} testId={`answer-${a.questionId}`} />
            </div>
          ))}
        </section>
      )}
      {d.planned.length > 0 && (
        <section className="panel">
          <h2>Planned</h2>
          {d.planned.map((p) => (
            <div key={p.issue}>
              <h3>Issue #{p.issue}</h3>
              <ul>
                {p.questions.map((x) => (
                  <li key={x.questionId}>
                    {x.text} <span className="muted">— {x.needs}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      )}
      {d.gaps.length > 0 && (
        <section className="panel">
          <h2>Gaps named by the report</h2>
          <ul>
            {d.gaps.map((g, i) => (
              <li key={i}>
                {g.group ? <b>{g.group}: </b> : null}
                {g.text}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
