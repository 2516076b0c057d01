import type { RouteDef } from './route.js';
import { accountRoutes } from './routes/accounts.js';
import { addressRoutes } from './routes/addresses.js';
import { economicsRoutes } from './routes/economics.js';
import { eventRoutes } from './routes/events.js';
import { governanceRoutes } from './routes/governance.js';
import { headRoutes } from './routes/head.js';
import { needsRoutes } from './routes/needs.js';
import { networkRoutes } from './routes/network.js';
import { orchestratorRoutes } from './routes/orchestrators.js';
import { pollRoutes } from './routes/polls.js';
import { proposalRoutes } from './routes/proposals.js';
import { registryRoutes } from './routes/registry.js';
import { stakingRoutes } from './routes/staking/index.js';
import { statusRoutes } from './routes/status.js';
import { telemetryRoutes } from './routes/telemetry.js';
import { discoveryRoutes } from './routes/discovery.js';
import { marketRoutes } from './routes/market.js';
import { preferenceRoutes } from './routes/preferences.js';
import { comparatorRoutes } from './routes/comparators.js';
import { treasuryRoutes } from './routes/treasury.js';

// By area; each area's module owns its routes (the order is the OpenAPI document's).
const byArea = [
  networkRoutes,
  orchestratorRoutes,
  accountRoutes,
  addressRoutes,
  eventRoutes,
  proposalRoutes,
  treasuryRoutes,
  governanceRoutes,
  pollRoutes,
  registryRoutes,
  needsRoutes,
  telemetryRoutes,
  stakingRoutes,
  economicsRoutes,
  statusRoutes,
  headRoutes,
  discoveryRoutes,
  marketRoutes,
  preferenceRoutes,
  comparatorRoutes,
] as const;

/** Every REST endpoint. */
export const routes: RouteDef[] = byArea.flat();

/** Every REST endpoint with its method, path and schemas as types (what the dashboard's typed client is derived from). */
export type ApiRoute = (typeof byArea)[number][number];
