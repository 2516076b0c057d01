import { useState } from 'react';
import { useApi } from '../api/hooks.js';
import type { SupplyPoint, TagRow } from '../api/types.js';
import Chart from '../charts/Chart.js';
import { bar, line } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Stat } from '../components/ui.js';
import { priceText, weiText } from '../format.js';
import { Link } from '../router.js';

/** Capacity advertised against sessions declared and jobs observed, per day, for one tag. */
function TagSeries({ series, tags }: { series: SupplyPoint[]; tags: string[] }) {
  const [tag, setTag] = useState(tags[0] ?? '');
  const pts = series.filter((p) => p.tag === tag);
  const x = pts.map((p) => new Date(p.at * 1000 - 1).toISOString().slice(0, 10));
  return (
    <>
      <div className="filters">
        <label>
          Tag
          <select value={tag} onChange={(e) => setTag(e.target.value)} data-testid="series-tag">
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pts.length === 0 ? (
        <Empty>No history for this tag in the window.</Empty>
      ) : (
        <Chart
          x={x}
          yNames={['sessions', 'jobs']}
          series={[
            line('capacity advertised', pts.map((p) => p.capacity)),
            line('sessions wanted', pts.map((p) => p.expectedSessions)),
            bar('jobs observed', pts.map((p) => p.observedJobs), { yAxis: 1 }),
            bar('unserved', pts.map((p) => p.unserved), { yAxis: 1 }),
          ]}
          testId="chart-supply-demand"
        />
      )}
    </>
  );
}

const matchHref = (t: TagRow) => `/match?capability=${encodeURIComponent(String(t.capability))}${t.model ? `&model=${encodeURIComponent(t.model)}` : ''}`;

function TagTable({ rows, testId }: { rows: TagRow[]; testId: string }) {
  return (
    <DataTable
      rows={rows}
      rowKey={(t) => t.tag}
      row={(t) => ({ 'data-tag': t.tag })}
      testId={testId}
      className="directory"
      columns={[
        {
          head: 'Tag',
          cell: (t) => (
            <>
              <Link href={matchHref(t)}>{t.tag}</Link>
              {t.underSupplied && <span className="badge off">under-supplied</span>}
            </>
          ),
        },
        {
          head: 'Orchestrators',
          num: true,
          cell: (t) => (
            <>
              {t.orchestrators} <span className="muted">({t.warmOrchestrators} warm)</span>
            </>
          ),
        },
        {
          head: 'Capacity (free)',
          num: true,
          testId: 'cell-capacity',
          cell: (t) => (
            <>
              {t.capacity} <span className="muted">({t.freeCapacity})</span>
            </>
          ),
        },
        { head: 'Sessions wanted', num: true, testId: 'cell-wanted', cell: (t) => t.expectedSessions },
        { head: 'Jobs seen', num: true, cell: (t) => t.observedJobs },
        { head: 'Unserved', num: true, cell: (t) => t.unserved },
        { head: 'Price floor', num: true, testId: 'cell-floor', cell: (t) => priceText(t.prices?.floor ?? null) },
        { head: 'p50 / p90', num: true, wide: true, cell: (t) => (t.prices ? `${weiText(t.prices.p50)} / ${weiText(t.prices.p90)}` : '—') },
      ]}
    />
  );
}

export default function Market() {
  const rep = useApi('/api/v1/registry/market');
  const sd = useApi('/api/v1/registry/supply-demand', { query: { days: 30 } });
  if (!rep.data || !sd.data) return <ApiState q={[rep, sd]} what="Loading the market report" />;
  const r = rep.data;
  const under = r.inDemand.filter((t) => t.underSupplied);
  return (
    <div className="page">
      <h1>Orchestrator market</h1>
      <p className="muted">
        Supply is what current capability adverts state (sessions of capacity, prices per capability and model); demand is what gateways declare in their requirement
        profiles (sessions they expect to need) and what telemetry saw over the last {r.days} days (jobs run, requests no orchestrator could take). A tag is under-supplied when
        declared sessions exceed advertised capacity, requests went unserved, or a profile matches nobody.
      </p>
      <section className="cards">
        <Stat label="Tags in demand" value={r.inDemand.length} testId="market-in-demand" />
        <Stat label="Under-supplied" value={under.length} testId="market-under" sub={under.slice(0, 3).map((t) => t.tag).join(', ') || undefined} />
        <Stat label="Offered, not asked for" value={r.idleSupply.length} testId="market-idle" />
      </section>
      <h2>In demand</h2>
      {r.inDemand.length ? <TagTable rows={r.inDemand} testId="market-demand-table" /> : <Empty>No gateway has published a requirement profile and no job has been reported yet.</Empty>}
      <h2>Prices per capability</h2>
      <DataTable
        rows={r.capabilityPrices}
        rowKey={(c) => c.tag}
        row={(c) => ({ 'data-tag': c.tag })}
        testId="market-prices"
        className="directory"
        empty="No AI capability is advertised yet."
        columns={[
          { head: 'Capability', cell: (c) => c.capabilityName },
          { head: 'Orchestrators', num: true, cell: (c) => c.orchestrators },
          { head: 'Floor', num: true, cell: (c) => priceText(c.prices?.floor ?? null) },
          { head: 'p50', num: true, cell: (c) => (c.prices ? weiText(c.prices.p50) : '—') },
          { head: 'p90', num: true, cell: (c) => (c.prices ? weiText(c.prices.p90) : '—') },
          { head: 'Max', num: true, cell: (c) => (c.prices ? weiText(c.prices.max) : '—') },
        ]}
      />
      <h2>Over time</h2>
      <TagSeries series={sd.data.series} tags={[...new Set([...r.inDemand.map((t) => t.tag), ...sd.data.data.map((t) => t.tag)])]} />
      <h2>Supply and demand by tag</h2>
      {sd.data.data.length ? <TagTable rows={sd.data.data} testId="market-all-table" /> : <Empty>No capability advert yet.</Empty>}
      {r.idleSupply.length > 0 && (
        <>
          <h2>Offered, not asked for</h2>
          <TagTable rows={r.idleSupply} testId="market-idle-table" />
        </>
      )}
    </div>
  );
}
