import { Link, useLocation } from '../router.js';

const TABS: [string, string][] = [
  ['/staking', 'Yields & recommender'],
  ['/staking/issuance', 'Issuance & dilution'],
  ['/staking/risk', 'Risk'],
  ['/staking/delegators', 'Delegators'],
  ['/staking/delegates', 'Delegate activity'],
  ['/labels', 'Labels'],
];

/** Links between the staking pages. */
export default function StakingNav() {
  const { path } = useLocation();
  return (
    <nav aria-label="Staking pages" data-testid="staking-nav" style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 12px', marginBottom: 8, fontSize: 13 }}>
      {TABS.map(([href, label]) => (
        <Link key={href} href={href} aria-current={path === href ? 'page' : undefined} style={{ fontWeight: path === href ? 600 : 400 }}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
