import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.js';
import Chart from '../Chart.js';
import { Link } from '../router.js';
import { Empty, ErrorBox, Loading, Stat } from '../ui.js';
import { priceText, weiText, type MarketReport, type SeriesPoint, type SupplyDemand, type TagRow } from './registryApi.js';

/** Capacity advertised against sessions declared and jobs observed, per day, for one tag. */
function TagSeries({ series, tags }: { series: SeriesPoint[]; tags: string[] }) {
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
            { name: 'capacity advertised', type: 'line', data: pts.map((p) => p.capacity) },
            { name: 'sessions wanted', type: 'line', data: pts.map((p) => p.expectedSessions) },
            { name: 'jobs observed', type: 'bar', data: pts.map((p) => p.observedJobs), yAxis: 1 },
            { name: 'unserved', type: 'bar', data: pts.map((p) => p.unserved), yAxis: 1 },
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
    <div className="table-wrap">
      <table className="directory" data-testid={testId}>
        <thead>
          <tr>
            <th>Tag</th>
            <th>Orchestrators</th>
            <th>Capacity (free)</th>
            <th>Sessions wanted</th>
            <th>Jobs seen</th>
            <th>Unserved</th>
            <th>Price floor</th>
            <th className="wide">p50 / p90</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.tag} data-tag={t.tag}>
              <td>
                <Link href={matchHref(t)}>{t.tag}</Link>
                {t.underSupplied && <span className="badge off">under-supplied</span>}
              </td>
              <td className="num">
                {t.orchestrators} <span className="muted">({t.warmOrchestrators} warm)</span>
              </td>
              <td className="num" data-testid="cell-capacity">
                {t.capacity} <span className="muted">({t.freeCapacity})</span>
              </td>
              <td className="num" data-testid="cell-wanted">{t.expectedSessions}</td>
              <td className="num">{t.observedJobs}</td>
              <td className="num">{t.unserved}</td>
              <td className="num" data-testid="cell-floor">{priceText(t.prices?.floor ?? null)}</td>
              <td className="num wide">{t.prices ? `${weiText(t.prices.p50)} / ${weiText(t.prices.p90)}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Market() {
  const rep = useQuery({ queryKey: ['registry-market'], queryFn: () => api<MarketReport>('/api/v1/registry/market') });
  const sd = useQuery({ queryKey: ['registry-supply-demand'], queryFn: () => api<SupplyDemand>('/api/v1/registry/supply-demand', { days: 30 }) });
  if (rep.isPending || sd.isPending) return <Loading what="Loading the market report" />;
  if (rep.isError) return <ErrorBox error={rep.error} retry={() => void rep.refetch()} />;
  if (sd.isError) return <ErrorBox error={sd.error} retry={() => void sd.refetch()} />;
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
      {r.capabilityPrices.length ? (
        <div className="table-wrap">
          <table className="directory" data-testid="market-prices">
            <thead>
              <tr>
                <th>Capability</th>
                <th>Orchestrators</th>
                <th>Floor</th>
                <th>p50</th>
                <th>p90</th>
                <th>Max</th>
              </tr>
            </thead>
            <tbody>
              {r.capabilityPrices.map((c) => (
                <tr key={c.tag} data-tag={c.tag}>
                  <td>{c.capabilityName}</td>
                  <td className="num">{c.orchestrators}</td>
                  <td className="num">{priceText(c.prices?.floor ?? null)}</td>
                  <td className="num">{c.prices ? weiText(c.prices.p50) : '—'}</td>
                  <td className="num">{c.prices ? weiText(c.prices.p90) : '—'}</td>
                  <td className="num">{c.prices ? weiText(c.prices.max) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No AI capability is advertised yet.</Empty>
      )}
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
