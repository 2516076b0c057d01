import { useState, type FormEvent } from 'react';
import { queryString } from '../api/client.js';
import { useApi } from '../api/hooks.js';
import type { MatchResult } from '../api/types.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Stat } from '../components/ui.js';
import { percent, priceText, shortAddress, token } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';

/** Requirement fields as URL parameters: the search is a shareable link. */
const FIELDS = ['capability', 'model', 'warm', 'maxPrice', 'minSuccessRate', 'maxP95LatencyMs', 'region', 'minVramGb', 'tags', 'minStake', 'activeOnly'] as const;
type Field = (typeof FIELDS)[number];
type Form = Record<Field, string>;

const EMPTY: Form = { capability: 'text-to-image', model: '', warm: '', maxPrice: '', minSuccessRate: '', maxP95LatencyMs: '', region: '', minVramGb: '', tags: '', minStake: '', activeOnly: '' };

function formFrom(search: URLSearchParams): Form {
  const f = { ...EMPTY };
  for (const k of FIELDS) {
    const v = search.get(k);
    if (v !== null) f[k] = k === 'minSuccessRate' && v !== '' ? String(Number(v) * 100) : v;
  }
  return f;
}

/** Form values → API query (success rate typed in %, sent in parts of 1). */
function queryOf(f: Form): Record<string, string> {
  const q: Record<string, string> = {};
  for (const k of FIELDS) {
    const v = f[k].trim();
    if (v === '' || ((k === 'warm' || k === 'activeOnly') && v !== 'true')) continue;
    q[k] = k === 'minSuccessRate' ? String(Number(v) / 100) : v;
  }
  return q;
}

export default function Match() {
  const { search } = useLocation();
  const submitted = search.has('capability') ? queryOf(formFrom(search)) : null;
  const [form, setForm] = useState<Form>(() => formFrom(search));
  const set = (k: Field, v: string) => setForm((f) => ({ ...f, [k]: v }));

  const caps = useApi('/api/v1/registry/capabilities', {}, { staleTime: Infinity });
  const res = useApi('/api/v1/registry/match', { query: submitted ?? {} }, { enabled: submitted !== null, keepPrevious: true });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/match?${queryString(queryOf(form))}`);
  };
  const text = (k: Field, label: string, placeholder: string, width = 9) => (
    <label>
      {label}
      <input value={form[k]} placeholder={placeholder} onChange={(e) => set(k, e.target.value)} data-testid={`match-${k}`} style={{ width: `${width}em` }} />
    </label>
  );
  const check = (k: Field, label: string) => (
    <label className="check">
      <span>{label}</span>
      <input type="checkbox" checked={form[k] === 'true'} onChange={(e) => set(k, e.target.checked ? 'true' : '')} data-testid={`match-${k}`} />
    </label>
  );

  return (
    <div className="page">
      <h1>Which orchestrators can run my workload?</h1>
      <p className="muted">
        Requirements are matched against every orchestrator's current capability advert (signed by the orchestrator, else seen in a gateway's network-capabilities snapshot),
        with go-livepeer's compatibility rules, then price caps, telemetry from gateway job reports, stake and region. Prices are exact: wei per unit (pixel, ms or token, as the pipeline counts).
      </p>
      <form className="filters" onSubmit={submit} data-testid="match-form">
        <label>
          Capability
          <select value={form.capability} onChange={(e) => set('capability', e.target.value)} data-testid="match-capability">
            {(caps.data?.data ?? [{ id: 27, slug: 'text-to-image', name: 'Text to image', ai: true }]).map((c) => (
              <option key={c.id} value={c.slug}>
                {c.name} ({c.id})
              </option>
            ))}
          </select>
        </label>
        {text('model', 'Model', 'e.g. ByteDance/SDXL-Lightning', 16)}
        {check('warm', 'Warm')}
        {text('maxPrice', 'Max price (wei/unit)', 'e.g. 5000000 or 10/3')}
        {text('minSuccessRate', 'Min success %', 'e.g. 95', 6)}
        {text('maxP95LatencyMs', 'Max p95 ms', 'e.g. 2000', 6)}
        {text('region', 'Region', 'e.g. FRA', 5)}
        {text('minVramGb', 'Min VRAM GB', 'e.g. 20', 5)}
        {text('tags', 'Tags', 'e.g. gdpr', 7)}
        {text('minStake', 'Min stake LPT', 'e.g. 1000', 7)}
        {check('activeOnly', 'Active set only')}
        <button type="submit" data-testid="match-submit">
          Search
        </button>
      </form>
      {submitted === null ? (
        <Empty>Choose a capability (and any other requirement) and search.</Empty>
      ) : (
        <ApiState q={res} what="Matching">
          {(r) => <MatchView r={r} perModel={submitted.model === undefined && (caps.data?.data.find((c) => c.slug === submitted.capability)?.ai ?? false)} />}
        </ApiState>
      )}
    </div>
  );
}

/** `perModel`: an AI pipeline asked without a model, whose prices are stated per model only. */
function MatchView({ r, perModel }: { r: MatchResult; perModel: boolean }) {
  const counts = Object.entries(r.exclusionCounts).sort((a, b) => b[1] - a[1]);
  return (
    <>
      {perModel && (
        <p className="muted" data-testid="match-per-model">
          AI pipelines are priced per model: name a model to see each orchestrator's price and to cap it.
        </p>
      )}
      <section className="cards">
        <Stat label="Can run it" value={r.matched} testId="match-count" sub={`of ${r.candidates} orchestrators with an advert`} />
        <Stat label="Cheapest" value={priceText(r.matches[0]?.price ?? null)} testId="match-cheapest" />
        <Stat label="Most common exclusion" value={counts[0] ? `${counts[0][0]} (${counts[0][1]})` : '—'} testId="match-top-exclusion" />
      </section>
      <DataTable
        rows={r.matches}
        rowKey={(m) => m.address}
        row={(m) => ({ 'data-address': m.address })}
        testId="match-table"
        className="directory"
        empty="No orchestrator satisfies every requirement. The exclusions below say which rule each one fails."
        columns={[
          { head: '#', num: true, cell: (m) => m.rank },
          {
            head: 'Orchestrator',
            cell: (m) => (
              <>
                <Link href={`/orchestrators/${m.address}`} className="mono">
                  {shortAddress(m.address)}
                </Link>
                {m.verified ? <span className="badge on">signed</span> : <span className="badge off">snapshot</span>}
              </>
            ),
          },
          { head: 'Price', num: true, testId: 'cell-price', cell: (m) => priceText(m.price) },
          {
            head: 'Model',
            cell: (m) =>
              m.model ? (
                <>
                  {m.model.model} {m.model.warm && <span className="badge on">warm</span>} <span className="muted">{m.model.runnerVersion ?? ''}</span>
                </>
              ) : (
                '—'
              ),
          },
          { head: 'Free', num: true, cell: (m) => m.freeCapacity ?? '—' },
          { head: 'Success', num: true, testId: 'cell-success', cell: (m) => (m.telemetry ? percent(m.telemetry.successRate, 1) : '—') },
          { head: 'p95', num: true, cell: (m) => (m.telemetry?.p95LatencyMs != null ? `${m.telemetry.p95LatencyMs} ms` : '—') },
          { head: 'Stake', num: true, testId: 'cell-stake', cell: (m) => token(m.stake, 0) },
          { head: 'Regions', wide: true, cell: (m) => m.regions.join(', ') || '—' },
        ]}
      />
      {r.excluded.length > 0 && (
        <>
          <h2>Excluded ({r.candidates - r.matched})</h2>
          <p className="muted">{counts.map(([code, n]) => `${code}: ${n}`).join(' · ')}</p>
          <DataTable
            rows={r.excluded}
            rowKey={(x) => x.address}
            row={(x) => ({ 'data-address': x.address })}
            testId="excluded-table"
            className="directory"
            columns={[
              {
                head: 'Orchestrator',
                cell: (x) => (
                  <Link href={`/orchestrators/${x.address}`} className="mono">
                    {shortAddress(x.address)}
                  </Link>
                ),
              },
              {
                head: 'Why not',
                testId: 'cell-reasons',
                cell: (x) =>
                  x.reasons.map((y) => (
                    <div key={y.code + y.message}>
                      <b>{y.code}</b> <span className="muted">{y.message}</span>
                    </div>
                  )),
              },
            ]}
          />
        </>
      )}
    </>
  );
}
