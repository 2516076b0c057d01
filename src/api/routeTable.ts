import { coreRoutes, type RouteDef } from './rest.js';
import { governanceRoutes } from './routes/governance.js';
import { pollRoutes } from './routes/polls.js';
import { registryRoutes } from './routes/registry.js';
import { treasuryRoutes } from './routes/treasury.js';
import { needsRoutes } from './routes/needs.js';
import { telemetryRoutes } from './routes/telemetry.js';
import { stakingRoutes } from './routes/staking.js';
import { economicsRoutes } from './routes/economics.js';
import { statusRoutes } from './routes/status.js';

const byArea = [coreRoutes, treasuryRoutes, governanceRoutes, pollRoutes, registryRoutes, needsRoutes, telemetryRoutes, stakingRoutes, economicsRoutes, statusRoutes] as const;

/** Every REST endpoint, by area; each area's module owns its routes. */
export const routes: RouteDef[] = byArea.flat();

/** Every REST endpoint with its method, path and schemas as types (what the dashboard's typed client is derived from). */
export type ApiRoute = (typeof byArea)[number][number];
