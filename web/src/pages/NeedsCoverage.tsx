import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Bar, Panel, Stat } from '../components/ui.js';
import { percent } from '../format.js';
import { Link } from '../router.js';
import { roleHref, score1 } from './NeedsAnswer.js';
import './needs.css';

/** Imported report versions, and what changed in the newest against the one before. */
function Versions() {
  const list = useApi('/api/v1/needs/imports');
  const [latest, previous] = list.data?.data ?? [];
  const cmp = useApi('/api/v1/needs/compare', { query: { from: previous?.id, to: latest?.id } }, { enabled: previous !== undefined && latest !== undefined });
  if (!list.data) return <ApiState q={list} />;
  const versions = list.data.data;
  return (
    <Panel title="Report versions">
      {versions.length === 0 ? (
        <p className="muted">Served from ATLAS_NEEDS_DIR; nothing imported yet.</p>
      ) : (
        <DataTable
          rows={versions}
          rowKey={(v) => v.id}
          testId="needs-versions"
          className="needs-cov"
          columns={[
            { head: 'Version', cell: (v) => v.id },
            { head: 'Label', cell: (v) => v.label ?? '—' },
            { head: 'Imported', wide: true, cell: (v) => `${v.importedAt.slice(0, 16).replace('T', ' ')} UTC` },
            { head: 'Questions', cell: (v) => v.questions + v.topics },
          ]}
        />
      )}
      {cmp.data && (
        <div data-testid="needs-compare">
          <p>
            Version {cmp.data.to} against {cmp.data.from}: {cmp.data.added.length} added, {cmp.data.removed.length} removed, {cmp.data.rescored.length} re-scored.
          </p>
          <ul>
            {[...cmp.data.added.map((c) => ['added', c] as const), ...cmp.data.removed.map((c) => ['removed', c] as const), ...cmp.data.rescored.map((c) => ['re-scored', c] as const)].map(([what, c]) => (
              <li key={`${what}${c.questionId}`}>
                <i>{what}</i> {c.text} <span className="muted">({c.scoreFrom ?? 'unscored'} → {c.scoreTo ?? 'unscored'})</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}

export default function NeedsCoverage() {
  const q = useApi('/api/v1/needs/coverage');
  if (!q.data) return <ApiState q={q} what="Loading coverage" />;
  const { overall: o, roles, items } = q.data;
  return (
    <div className="page">
      <h1>Coverage of the data needs</h1>
      <p>
        How many of the report&apos;s {o.total} questions, {items.gaps.total} role gaps and {items.actions.total} action items Atlas answers, and the mean data availability score (0–5) before and after. An answer
        counts only when its endpoint, asked now, returns data of the kind the question asks for{q.data.checkedAt ? ` (checked ${q.data.checkedAt.slice(0, 16).replace('T', ' ')} UTC)` : ''}; a proxy — related
        data, not what was asked — counts as partial, with its reason on the map. Unscored questions count as 0.5 (the report&apos;s model reads them as 0 or 1). <Link href="/needs">The full map →</Link>
      </p>
      <section className="cards">
        <Stat label="Questions answered" value={<span data-testid="coverage-answered">{`${o.answered} of ${o.total}`}</span>} sub={<span data-testid="coverage-share">{percent(o.answeredShare, 1)}</span>} />
        <Stat label="Partial (proxies)" value={<span data-testid="coverage-partial">{o.partial}</span>} sub={<span data-testid="coverage-empty">{`${o.empty} mapped without data`}</span>} />
        <Stat label="Answered, in scope" value={<span data-testid="coverage-share-in-scope">{percent(o.answeredShareInScope, 1)}</span>} sub={`${o.outOfScope} out of scope · ${o.planned} planned`} />
        <Stat
          label="Gaps and action items answered"
          value={<span data-testid="coverage-items-answered">{`${items.overall.answered} of ${items.overall.total}`}</span>}
          sub={`gaps ${items.gaps.answered}/${items.gaps.total} · actions ${items.actions.answered}/${items.actions.total} · ${items.overall.partial} partial · ${items.overall.outOfScope} out of scope`}
        />
        <Stat
          label="Availability score"
          value={
            <span>
              <span data-testid="score-before">{score1(o.scoreBefore)}</span> → <span data-testid="score-after">{score1(o.scoreAfter)}</span>
            </span>
          }
          sub={`${o.scored} questions scored by the report`}
        />
      </section>
      <Panel title="Availability by role, before and after">
        <Chart
          x={roles.map((r) => r.name)}
          series={[bar('Report score', roles.map((r) => Math.round(r.scoreBefore * 100) / 100), { color: '#c8d6e5' }), bar('With Atlas', roles.map((r) => Math.round(r.scoreAfter * 100) / 100))]}
          yNames={['score 0–5']}
          height={240}
          zoom={false}
          testId="chart-coverage"
        />
      </Panel>
      <Panel title="By role">
        <DataTable
          rows={roles}
          rowKey={(r) => r.roleId}
          row={(r) => ({ 'data-testid': `coverage-role-${r.roleId}` })}
          testId="coverage-table"
          className="needs-cov"
          columns={[
            { head: 'Role', cell: (r) => <Link href={roleHref(r.roleId)}>{r.name}</Link> },
            { head: 'Answered', cell: (r) => <span data-testid={`coverage-role-answered-${r.roleId}`}>{`${r.answered} / ${r.total}`}</span> },
            { head: 'Partial', wide: true, cell: (r) => r.partial },
            {
              head: 'Share',
              wide: true,
              cell: (r) => (
                <>
                  <Bar value={r.answeredShare} /> {percent(r.answeredShare, 1)}
                </>
              ),
            },
            { head: 'No data', wide: true, cell: (r) => r.empty },
            { head: 'Out of scope', wide: true, cell: (r) => r.outOfScope },
            { head: 'Score', cell: (r) => <span data-testid={`coverage-role-score-${r.roleId}`}>{`${score1(r.scoreBefore)} → ${score1(r.scoreAfter)}`}</span> },
          ]}
        />
      </Panel>
      <Versions />
    </div>
  );
}
