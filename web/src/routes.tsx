import { lazy, type ReactElement } from 'react';
import Orchestrators from './pages/Orchestrators.js';

// Chart-heavy pages load on demand, so the directory's first load stays small.
const Overview = lazy(() => import('./pages/Overview.js'));
const OrchestratorPage = lazy(() => import('./pages/Orchestrator.js'));
const AccountPage = lazy(() => import('./pages/Account.js'));
const Treasury = lazy(() => import('./pages/Treasury.js'));
const Proposals = lazy(() => import('./pages/Proposals.js'));
const ProposalPage = lazy(() => import('./pages/Proposal.js'));
const Polls = lazy(() => import('./pages/Polls.js'));
const PollPage = lazy(() => import('./pages/Polls.js').then((m) => ({ default: m.PollPage })));
const DelegateVotes = lazy(() => import('./pages/Delegates.js'));
const DelegateList = lazy(() => import('./pages/Delegates.js').then((m) => ({ default: m.DelegateList })));
const Calendar = lazy(() => import('./pages/Calendar.js'));
const NeedsMap = lazy(() => import('./pages/NeedsMap.js'));
const NeedsCoverage = lazy(() => import('./pages/NeedsCoverage.js'));
const RoleLanding = lazy(() => import('./pages/RoleLanding.js'));
const Leaderboard = lazy(() => import('./pages/Leaderboard.js'));
const Reliability = lazy(() => import('./pages/Reliability.js'));
const ReliabilityIndex = lazy(() => import('./pages/Reliability.js').then((m) => ({ default: m.ReliabilityIndex })));
const Capacity = lazy(() => import('./pages/Capacity.js'));
const Demand = lazy(() => import('./pages/Demand.js'));
const StakingYields = lazy(() => import('./pages/StakingYields.js'));
const StakingIssuance = lazy(() => import('./pages/StakingIssuance.js'));
const StakingRisk = lazy(() => import('./pages/StakingRisk.js'));
const DelegatorsPage = lazy(() => import('./pages/Delegators.js'));
const DelegateActivity = lazy(() => import('./pages/DelegateActivity.js'));
const DelegateActivityList = lazy(() => import('./pages/DelegateActivity.js').then((m) => ({ default: m.DelegateActivityList })));
const LabelsPage = lazy(() => import('./pages/Labels.js'));

const IncomePage = lazy(() => import('./pages/Income.js'));
const InvestorPage = lazy(() => import('./pages/Investor.js'));

const MatchPage = lazy(() => import('./pages/Match.js'));
const GatewayPage = lazy(() => import('./pages/Gateway.js'));
const AddressHub = lazy(() => import('./pages/AddressHub.js'));
const About = lazy(() => import('./pages/About.js'));
const MarketPage = lazy(() => import('./pages/Market.js'));
const LptMarketPage = lazy(() => import('./pages/LptMarket.js'));
const NetworkPage = lazy(() => import('./pages/Network.js'));

/** One dashboard page: the first route whose pattern matches the path renders. */
export interface PageRoute {
  pattern: RegExp;
  render: (m: RegExpExecArray) => ReactElement;
}

/** One entry of the top navigation; `prefix` marks it active (default: its href). */
export interface NavItem {
  href: string;
  label: string;
  prefix?: string;
  /** Items of one group share a menu in the top navigation. */
  group?: string;
  /** A page the server renders (not the dashboard's router). */
  external?: boolean;
}

const addr = (m: RegExpExecArray, i = 1) => m[i]!.toLowerCase();

export const pageRoutes: PageRoute[] = [
  { pattern: /^\/?$/, render: () => <Overview /> },
  { pattern: /^\/orchestrators$/, render: () => <Orchestrators /> },
  { pattern: /^\/orchestrators\/(0x[0-9a-fA-F]{40})$/, render: (m) => <OrchestratorPage address={addr(m)} /> },
  { pattern: /^\/accounts\/(0x[0-9a-fA-F]{40})$/, render: (m) => <AccountPage address={addr(m)} /> },
  { pattern: /^\/gateways\/(0x[0-9a-fA-F]{40})$/, render: (m) => <GatewayPage address={addr(m)} /> },
  { pattern: /^\/address\/(0x[0-9a-fA-F]{40})$/, render: (m) => <AddressHub address={addr(m)} /> },
  { pattern: /^\/about$/, render: () => <About /> },
  { pattern: /^\/treasury$/, render: () => <Treasury /> },
  { pattern: /^\/proposals$/, render: () => <Proposals /> },
  { pattern: /^\/polls$/, render: () => <Polls /> },
  { pattern: /^\/polls\/(0x[0-9a-fA-F]{40})$/, render: (m) => <PollPage address={addr(m)} /> },
  { pattern: /^\/proposals\/(\d{1,78})$/, render: (m) => <ProposalPage id={m[1]!} /> },
  { pattern: /^\/governance\/delegates$/, render: () => <DelegateList /> },
  { pattern: /^\/governance\/delegates\/(0x[0-9a-fA-F]{40})$/, render: (m) => <DelegateVotes address={addr(m)} /> },
  { pattern: /^\/calendar$/, render: () => <Calendar /> },
  { pattern: /^\/needs$/, render: () => <NeedsMap /> },
  { pattern: /^\/needs\/coverage$/, render: () => <NeedsCoverage /> },
  { pattern: /^\/roles\/([a-z0-9-]+)$/, render: (m) => <RoleLanding role={m[1]!} /> },
  { pattern: /^\/leaderboard$/, render: () => <Leaderboard /> },
  { pattern: /^\/reliability$/, render: () => <ReliabilityIndex /> },
  { pattern: /^\/reliability\/(0x[0-9a-fA-F]{40})$/, render: (m) => <Reliability address={addr(m)} /> },
  { pattern: /^\/capacity$/, render: () => <Capacity /> },
  { pattern: /^\/demand$/, render: () => <Demand /> },
  { pattern: /^\/staking$/, render: () => <StakingYields /> },
  { pattern: /^\/staking\/issuance$/, render: () => <StakingIssuance /> },
  { pattern: /^\/staking\/risk$/, render: () => <StakingRisk /> },
  { pattern: /^\/staking\/delegators$/, render: () => <DelegatorsPage /> },
  { pattern: /^\/staking\/delegates$/, render: () => <DelegateActivityList /> },
  { pattern: /^\/staking\/delegates\/(0x[0-9a-fA-F]{40})$/, render: (m) => <DelegateActivity address={addr(m)} /> },
  { pattern: /^\/labels$/, render: () => <LabelsPage /> },
  { pattern: /^\/income$/, render: () => <IncomePage /> },
  { pattern: /^\/income\/(0x[0-9a-fA-F]{40})$/, render: (m) => <IncomePage address={addr(m)} /> },
  { pattern: /^\/investors$/, render: () => <InvestorPage /> },
  { pattern: /^\/match$/, render: () => <MatchPage /> },
  { pattern: /^\/market$/, render: () => <MarketPage /> },
  { pattern: /^\/lpt$/, render: () => <LptMarketPage /> },
  { pattern: /^\/network$/, render: () => <NetworkPage /> },
];

export const navItems: NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/orchestrators', label: 'Orchestrators' },
  { href: '/staking', label: 'Staking', group: 'Stake' },
  { href: '/labels', label: 'Labels', group: 'Stake' },
  { href: '/investors', label: 'Investors', group: 'Stake' },
  { href: '/lpt', label: 'LPT market', group: 'Stake' },
  { href: '/leaderboard', label: 'Leaderboard', group: 'Jobs' },
  { href: '/capacity', label: 'Capacity', group: 'Jobs' },
  { href: '/demand', label: 'Demand', group: 'Jobs' },
  { href: '/match', label: 'Match', group: 'Jobs' },
  { href: '/market', label: 'Market', group: 'Jobs' },
  { href: '/network', label: 'Network', group: 'Jobs' },
  { href: '/income', label: 'Income', group: 'Jobs' },
  { href: '/treasury', label: 'Treasury', group: 'Governance' },
  { href: '/proposals', label: 'Proposals', group: 'Governance' },
  { href: '/polls', label: 'Legacy polls', group: 'Governance' },
  { href: '/calendar', label: 'Calendar', group: 'Governance' },
  { href: '/about', label: 'About Atlas', group: 'About' },
  { href: '/needs', label: 'Data needs', group: 'About' },
  { href: '/needs/coverage', label: 'Coverage', group: 'About' },
  { href: '/docs', label: 'API reference', group: 'About', external: true },
];
