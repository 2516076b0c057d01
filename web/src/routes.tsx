import { lazy, type ReactElement } from 'react';
import Orchestrators from './pages/Orchestrators.js';

// Chart-heavy pages load on demand, so the directory's first load stays small.
const Overview = lazy(() => import('./pages/Overview.js'));
const OrchestratorPage = lazy(() => import('./pages/Orchestrator.js'));
const AccountPage = lazy(() => import('./pages/Account.js'));

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
}

const addr = (m: RegExpExecArray, i = 1) => m[i]!.toLowerCase();

export const pageRoutes: PageRoute[] = [
  { pattern: /^\/?$/, render: () => <Overview /> },
  { pattern: /^\/orchestrators$/, render: () => <Orchestrators /> },
  { pattern: /^\/orchestrators\/(0x[0-9a-fA-F]{40})$/, render: (m) => <OrchestratorPage address={addr(m)} /> },
  { pattern: /^\/accounts\/(0x[0-9a-fA-F]{40})$/, render: (m) => <AccountPage address={addr(m)} /> },
];

export const navItems: NavItem[] = [
  { href: '/', label: 'Overview' },
  { href: '/orchestrators', label: 'Orchestrators' },
];
