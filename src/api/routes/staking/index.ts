// Staking intelligence by concept; the order is the OpenAPI document's.
import { activityRoutes } from './activity.js';
import { forecastRoutes } from './forecasts.js';
import { labelRoutes } from './labels.js';
import { riskRoutes } from './risk.js';
import { yieldRoutes } from './yields.js';

export const stakingRoutes = [...yieldRoutes, ...forecastRoutes, ...riskRoutes, ...activityRoutes, ...labelRoutes] as const;
