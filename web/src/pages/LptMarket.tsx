import { useApi } from '../api/hooks.js';
import Chart from '../charts/Chart.js';
import { bar, line, plot } from '../charts/series.js';
import { ApiState } from '../components/ApiState.js';
import { DataTable } from '../components/DataTable.js';
import { Empty, Stat } from '../components/ui.js';
import { dateTime, decimal, dollars, percent, shortAddress, token } from '../format.js';
import { Link } from '../router.js';

const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

/** Entering and leaving LPT: Uniswap V3 liquidity and slippage, LP returns, the bridge, the unbonding queue, and other yields beside Livepeer's. */
export default function LptMarketPage() {
  const market = useApi('/api/v1/market/lpt');
  const depth = useApi('/api/v1/market/lpt/depth', { query: { amounts: '1000,10000,50000,100000' } });
  const volume = useApi('/api/v1/market/lpt/volume', { query: { interval: 'day', days: 90 } });
  const bridge = useApi('/api/v1/market/bridge', { query: { interval: 'day', top: 5 } });
  const unbonding = useApi('/api/v1/staking/unbonding');
  const comparators = useApi('/api/v1/comparators');
  if (!market.data || !depth.data) return <ApiState q={[market, depth]} what="Loading the LPT market" />;
  const m = market.data;
  return (
    <div className="page">
      <h1>LPT market: liquidity, exit and comparison</h1>
      <p className="muted">
        From every event of the Uniswap V3 LPT/WETH pools on Arbitrum One (swaps, liquidity added and removed, fees collected): what it costs to buy or sell LPT now, computed with the pools’ own swap math, and
        what liquidity providers earn. Below: LPT bridged between Ethereum and Arbitrum, stake on its way out (the unbonding queue), and other yields. Staking yields themselves: <Link href="/staking">Staking</Link>,{' '}
        <Link href="/investors">Investors</Link>.
      </p>
      <section className="cards">
        <Stat label="LPT price" value={<span data-testid="lpt-price">{m.price.weth ? `${decimal(m.price.weth, 6)} ETH` : '—'}</span>} sub={m.price.usd ? dollars(m.price.usd) : undefined} />
        <Stat label="Value locked" value={<span data-testid="lpt-tvl">{token(m.totals.tvlWeth, 1)}</span>} sub={m.totals.tvlUsd ? dollars(m.totals.tvlUsd, 0) : undefined} />
        <Stat label="Volume, 7 days" value={token(m.totals.volume7d.weth, 1)} sub={`${m.totals.volume7d.swaps} swaps · ${token(m.totals.volume7d.lpt, 0)}`} />
        <Stat label="Fees to liquidity providers, 7 days" value={token(m.totals.volume7d.feesWeth, 3)} />
      </section>
      <h2>Cost of buying and selling LPT</h2>
      <DataTable
        rows={depth.data.best}
        rowKey={(q) => `${q.side}-${q.amount.wei}`}
        testId="lpt-depth"
        columns={[
          { head: 'Trade', cell: (q) => `${q.side === 'buy' ? 'Buy' : 'Sell'} ${token(q.amount, 0)}` },
          { head: 'WETH paid / received', num: true, cell: (q) => token(q.weth, 4) },
          { head: 'Average price', num: true, cell: (q) => `${decimal(q.averagePrice, 6)} ETH` },
          { head: 'Slippage', num: true, testId: 'cell-slippage', cell: (q) => percent(q.slippage) },
          { head: 'Price impact', num: true, cell: (q) => percent(q.priceImpact) },
          { head: 'Pool', cell: (q) => q.feeTier },
        ]}
      />
      <h2>Pools</h2>
      <DataTable
        rows={m.pools}
        rowKey={(p) => p.address}
        testId="lpt-pools"
        columns={[
          { head: 'Pool', cell: (p) => `LPT/WETH ${p.feeTier}` },
          { head: 'Price', num: true, cell: (p) => `${decimal(p.price, 6)} ETH` },
          { head: 'Value locked', num: true, cell: (p) => token(p.tvl.weth, 1) },
          { head: 'Volume 7 d', num: true, cell: (p) => token(p.volume7d.weth, 1) },
          { head: 'LP fee return (APR, 7 d)', num: true, cell: (p) => percent(p.feeApr7d) },
          { head: 'Depth to ±2%', num: true, cell: (p) => depthText(depth.data!.pools.find((x) => x.address === p.address)?.depth) },
        ]}
      />
      {volume.data && volume.data.data.length > 0 && (
        <>
          <h2>Volume per day</h2>
          <Chart x={volume.data.data.map((d) => day(d.at))} series={[bar('WETH traded', volume.data.data.map((d) => plot(d.weth))), line('LP fees (WETH)', volume.data.data.map((d) => plot(d.feesWeth)))]} testId="lpt-volume" zoom={false} />
        </>
      )}
      <h2>Bridge: LPT between Ethereum and Arbitrum</h2>
      {!bridge.data ? (
        <ApiState q={[bridge]} what="Loading bridge flows" />
      ) : bridge.data.data.length === 0 ? (
        <Empty>No bridge transfer indexed yet.</Empty>
      ) : (
        <>
          <p className="muted">
            Deposits from Ethereum {token(bridge.data.totals.deposits, 0)} ({bridge.data.totals.depositCount}), withdrawals to Ethereum {token(bridge.data.totals.withdrawals, 0)} ({bridge.data.totals.withdrawalCount}); net{' '}
            {token(bridge.data.totals.net, 0)}.
          </p>
          <Chart x={bridge.data.data.map((d) => day(d.at))} series={[bar('In from Ethereum', bridge.data.data.map((d) => plot(d.deposits))), bar('Out to Ethereum', bridge.data.data.map((d) => plot(d.withdrawals)))]} testId="bridge-chart" zoom={false} />
        </>
      )}
      <h2>Unbonding queue</h2>
      {!unbonding.data ? (
        <ApiState q={[unbonding]} what="Loading the unbonding queue" />
      ) : (
        <>
          <section className="cards">
            <Stat label="Withdrawable now" value={<span data-testid="withdrawable-now">{token(unbonding.data.withdrawableNow, 0)}</span>} sub="unbonded, not yet withdrawn" />
            <Stat label="Still unbonding" value={token(unbonding.data.pending, 0)} sub={`round ${unbonding.data.currentRound ?? '—'}`} />
          </section>
          {unbonding.data.queue.length > 0 && <Chart x={unbonding.data.queue.map((q) => String(q.round))} series={[bar('LPT withdrawable from this round', unbonding.data.queue.map((q) => plot(q.amount)))]} testId="unbonding-chart" zoom={false} />}
        </>
      )}
      <h2>Beside other opportunities</h2>
      {!comparators.data ? (
        <ApiState q={[comparators]} what="Loading comparators" />
      ) : (
        <>
          {comparators.data.stakingYields.livepeer && (
            <p>
              Livepeer staking: {percent(comparators.data.stakingYields.livepeer.nominal)} a year nominal, <b data-testid="lpt-real-yield">{percent(comparators.data.stakingYields.livepeer.dilutionAdjusted)}</b> net of dilution, {percent(comparators.data.stakingYields.livepeer.realized)} realized over the last 30 rounds. Orchestrators earned{' '}
              {comparators.data.gpuPrices.livepeer.feesPerGpuHourUsd ? dollars(comparators.data.gpuPrices.livepeer.feesPerGpuHourUsd, 4) : '—'} in fees per GPU-hour ({comparators.data.gpuPrices.livepeer.gpus} GPUs discovered).
            </p>
          )}
          <DataTable
            rows={[...comparators.data.stakingYields.others.map((s) => ({ ...s, kind: 'Staking yield' })), ...comparators.data.gpuPrices.others.map((s) => ({ ...s, kind: 'GPU rental' }))]}
            rowKey={(s) => s.series}
            testId="comparators"
            columns={[
              { head: 'Comparator', cell: (s) => `${s.kind}: ${s.name}` },
              { head: 'Latest', num: true, cell: (s) => `${s.latest.value} ${s.unit}` },
              { head: 'As of', cell: (s) => dateTime(s.latest.time).slice(0, 10) },
              { head: 'Source', cell: (s) => s.latest.source ?? '—' },
            ]}
          />
          <p className="muted">Comparator series are imported with their source (atlas prices import, CSV with a source column).</p>
        </>
      )}
      <p className="muted">Largest bridge users: {bridge.data?.top.map((t) => shortAddress(t.account)).join(', ') || '—'}</p>
    </div>
  );
}

function depthText(d: { move: number; lpt: { wei: string; formatted: string; unit: 'LPT' | 'ETH' } }[] | undefined): string {
  const up = d?.find((x) => Math.abs(x.move - 0.02) < 1e-9);
  const down = d?.find((x) => Math.abs(x.move + 0.02) < 1e-9);
  return up && down ? `+${token(up.lpt, 0)} / −${token(down.lpt, 0)}` : '—';
}
