import { coreRoutes, type RouteDef } from './rest.js';

/** Every REST endpoint, by area; each area's module owns its routes. */
export const routes: RouteDef[] = [...coreRoutes];
