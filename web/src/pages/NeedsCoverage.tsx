import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { NeedsComparisonJson, NeedsCoverageJson, NeedsImportListJson } from '../../../src/needs/apiSchemas.js';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { percent } from '../format.js';
import { Link } from '../router.js';
import { Bar, ErrorBox, Loading, Stat } from '../ui.js';
import { roleHref, score1 } from './NeedsAnswer.js';
import './needs.css';

/** Imported report versions, and what changed in the newest against the one before. */
function Versions() {
  const list = useQuery({ queryKey: ['needs-imports'], queryFn: () => api<NeedsImportListJson>('/api/v1/needs/imports') });
  const [latest, previous] = list.data?.data ?? [];
  const cmp = useQuery({
    queryKey: ['needs-compare', previous?.id, latest?.id],
    queryFn: () => api<NeedsComparisonJson>('/api/v1/needs/compare', { from: previous!.id, to: latest!.id }),
    enabled: previous !== undefined && latest !== undefined,
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} />;
  const versions = list.data.data;
  return (
    <section className="panel table-wrap">
      <h2>Report versions</h2>
      {versions.length === 0 ? (
        <p className="muted">Served from ATLAS_NEEDS_DIR; nothing imported yet.</p>
      ) : (
        <table className="needs-cov" data-testid="needs-versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Label</th>
              <th className="wide">Imported</th>
              <th>Questions</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>{v.id}</td>
                <td>{v.label ?? '—'}</td>
                <td className="wide">{v.importedAt.slice(0, 16).replace('T', ' ')} UTC</td>
                <td>{v.questions + v.topics}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
    </section>
  );
}

export default function NeedsCoverage() {
  const q = useQuery({ queryKey: ['needs-coverage'], queryFn: () => api<NeedsCoverageJson>('/api/v1/needs/coverage') });
  const chart = useMemo(() => {
    const roles = q.data?.roles ?? [];
    return {
      x: roles.map((r) => r.name),
      series: [
        { name: 'Report score', type: 'bar' as const, data: roles.map((r) => Math.round(r.scoreBefore * 100) / 100), color: '#c8d6e5' },
        { name: 'With Atlas', type: 'bar' as const, data: roles.map((r) => Math.round(r.scoreAfter * 100) / 100) },
      ],
    };
  }, [q.data]);
  if (q.isPending) return <Loading what="Loading coverage" />;
  if (q.isError) return <ErrorBox error={q.error} retry={() => void q.refetch()} />;
  const { overall: o, roles } = q.data;
  return (
    <div className="page">
      <h1>Coverage of the data needs</h1>
      <p>
        How many of the report&apos;s {o.total} questions Atlas answers with a view that exists, and the mean data availability score (0–5) before and after. Unscored questions count as 0.5
        (the report&apos;s model reads them as 0 or 1). <Link href="/needs">The full map →</Link>
      </p>
      <section className="cards">
        <Stat label="Questions answered" value={<span data-testid="coverage-answered">{`${o.answered} of ${o.total}`}</span>} sub={<span data-testid="coverage-share">{percent(o.answeredShare, 1)}</span>} />
        <Stat label="Answered, in scope" value={<span data-testid="coverage-share-in-scope">{percent(o.answeredShareInScope, 1)}</span>} sub={`${o.outOfScope} out of scope`} />
        <Stat label="Planned" value={<span data-testid="coverage-planned">{o.planned}</span>} sub="by open issues" />
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
      <section className="panel">
        <h2>Availability by role, before and after</h2>
        <Chart x={chart.x} series={chart.series} yNames={['score 0–5']} height={240} zoom={false} testId="chart-coverage" />
      </section>
      <section className="panel table-wrap">
        <h2>By role</h2>
        <table className="needs-cov" data-testid="coverage-table">
          <thead>
            <tr>
              <th>Role</th>
              <th>Answered</th>
              <th className="wide">Share</th>
              <th className="wide">Planned</th>
              <th className="wide">Out of scope</th>
              <th>Score</th>
            </tr>
          </thead>
          <tbody>
            {roles.map((r) => (
              <tr key={r.roleId} data-testid={`coverage-role-${r.roleId}`}>
                <td>
                  <Link href={roleHref(r.roleId)}>{r.name}</Link>
                </td>
                <td data-testid={`coverage-role-answered-${r.roleId}`}>{`${r.answered} / ${r.total}`}</td>
                <td className="wide">
                  <Bar value={r.answeredShare} /> {percent(r.answeredShare, 1)}
                </td>
                <td className="wide">{r.planned}</td>
                <td className="wide">{r.outOfScope}</td>
                <td data-testid={`coverage-role-score-${r.roleId}`}>{`${score1(r.scoreBefore)} → ${score1(r.scoreAfter)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <Versions />
    </div>
  );
}
