import { useApi } from '../api/hooks.js';
import { ApiState } from '../components/ApiState.js';
import { Empty, Panel } from '../components/ui.js';
import { Link } from '../router.js';
import { LiveAnswer, SummaryLine } from './NeedsAnswer.js';
import './needs.css';

/** Plain words for a dashboard path. */
const viewName = (p: string) => (p === '/' ? 'Network overview' : p.replace(/^\//, '').replace(/[/-]/g, ' '));

/** Everything one role of the report needs from Atlas, gathered on one page. */
export default function RoleLanding({ role }: { role: string }) {
  const q = useApi('/api/v1/needs/roles/{role}', { params: { role } });
  if (!q.data) return <ApiState q={q} what="Loading the role" />;
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
      <Panel title="Views for this role">
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
      </Panel>
      {d.answers.length > 0 && (
        <Panel title="Answers, live">
          {d.answers.map((a) => (
            <div key={a.questionId} className="needs-q" data-testid={`role-answer-${a.questionId}`}>
              <div className="needs-q-head">
                <b className="needs-q-text">{a.text}</b>
              </div>
              <div className="muted">{a.scenario}</div>
              <LiveAnswer spec={a.answer} testId={`answer-${a.questionId}`} />
            </div>
          ))}
        </Panel>
      )}
      {d.planned.length > 0 && (
        <Panel title="Planned">
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
        </Panel>
      )}
      {d.gaps.length > 0 && (
        <Panel title="Gaps named by the report">
          <ul>
            {d.gaps.map((g, i) => (
              <li key={i}>
                {g.group ? <b>{g.group}: </b> : null}
                {g.text}
              </li>
            ))}
          </ul>
        </Panel>
      )}
    </div>
  );
}
