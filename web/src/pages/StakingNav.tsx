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
    <nav className="segmented" aria-label="Staking pages" data-testid="staking-nav">
      {TABS.map(([href, label]) => (
        <Link key={href} href={href} className={path === href ? 'on' : ''}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
