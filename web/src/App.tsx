import { Suspense, useState, type FormEvent, type ReactElement } from 'react';
import { useLiveUpdates } from './live.js';
import { Link, navigate, useLocation } from './router.js';
import { navItems, pageRoutes, type NavItem } from './routes.js';
import { LiveBadge } from './components/LiveBadge.js';
import { Loading } from './components/ui.js';
import { setShowUsd, useShowUsd } from './usdToggle.js';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function AddressSearch() {
  const [value, setValue] = useState('');
  const [bad, setBad] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = value.trim();
    if (!ADDRESS.test(v)) {
      setBad(true);
      return;
    }
    setBad(false);
    setValue('');
    // The address page asks the API what the address is and moves on to its hub.
    navigate(`/address/${v.toLowerCase()}`);
  };
  return (
    <form className="search" onSubmit={submit} role="search">
      <input
        aria-label="Look up an address: orchestrator, delegator, gateway or treasury recipient"
        placeholder="Search an address 0x…"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={bad}
        data-testid="account-search"
      />
      <button type="submit">Go</button>
      {bad && <span className="hint">Enter a 0x address of 40 hex digits</span>}
    </form>
  );
}

/** Top-level items in order, with grouped items gathered into one menu where the group first appears. */
function navEntries(): ({ item: NavItem } | { group: string; items: NavItem[] })[] {
  const out: ({ item: NavItem } | { group: string; items: NavItem[] })[] = [];
  for (const item of navItems) {
    if (!item.group) out.push({ item });
    else {
      const g = out.find((e) => 'group' in e && e.group === item.group) as { group: string; items: NavItem[] } | undefined;
      if (g) g.items.push(item);
      else out.push({ group: item.group, items: [item] });
    }
  }
  return out;
}

function UsdToggle() {
  const on = useShowUsd();
  return (
    <label className="usd-toggle" title="Show the US dollar value next to ETH and LPT amounts (at the time it happened)">
      <input type="checkbox" checked={on} onChange={(e) => setShowUsd(e.target.checked)} data-testid="usd-toggle" /> Show USD
    </label>
  );
}

export default function App() {
  const { path } = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const live = useLiveUpdates();
  let page: ReactElement | null = null;
  for (const r of pageRoutes) {
    const m = r.pattern.exec(path);
    if (m) {
      page = r.render(m);
      break;
    }
  }
  page ??= (
    <div className="state empty">
      <h1>Page not found</h1>
      <p>
        <Link href="/">Back to the overview</Link>
      </p>
    </div>
  );
  const isActive = (item: NavItem) => (item.href === '/' ? path === '/' : item.href === '/needs' ? path === '/needs' : path.startsWith(item.prefix ?? item.href));
  const nav = (item: (typeof navItems)[number]) =>
    item.external ? (
      <a key={item.href} href={item.href}>
        {item.label}
      </a>
    ) : (
      <Link key={item.href} href={item.href} className={isActive(item) ? 'active' : ''}>
        {item.label}
      </Link>
    );
  return (
    <>
      <header className={`top${menuOpen ? ' open' : ''}`}>
        <Link href="/" className="brand">
          <span className="logo" aria-hidden /> <span className="brand-name">Livepeer Atlas</span>
        </Link>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="top-nav" onClick={() => setMenuOpen(!menuOpen)} data-testid="menu-toggle">
          Menu
        </button>
        <nav id="top-nav" onClick={(e) => (e.target as HTMLElement).closest('a') && setMenuOpen(false)}>
          {navEntries().map((e) =>
            'group' in e ? (
              <details key={e.group} className={`navgroup${e.items.some(isActive) ? ' active' : ''}`} data-testid={`nav-${e.group.toLowerCase()}`}>
                <summary>{e.group}</summary>
                <div className="navmenu" onClick={(ev) => (ev.currentTarget.parentElement as HTMLDetailsElement).removeAttribute('open')}>
                  {e.items.map(nav)}
                </div>
              </details>
            ) : (
              nav(e.item)
            ),
          )}
        </nav>
        <AddressSearch />
        <UsdToggle />
        <LiveBadge stream={live.state} lastEvent={live.lastEvent} />
      </header>
      <main>
        <Suspense fallback={<Loading />}>{page}</Suspense>
      </main>
      <footer>Open data from the Livepeer contracts · amounts exact to the wei · <a href="/openapi.json">OpenAPI</a> · <a href="/graphql">GraphQL</a></footer>
    </>
  );
}
