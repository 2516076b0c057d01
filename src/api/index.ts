export { createApp, DEFAULT_RATE_LIMIT, DEFAULT_WEB_DIR, type AppOptions, type IndexerStatus } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { buildOpenApi } from './openapi.js';
export { routes } from './routeTable.js';
export type { Amount } from './format.js';
