export { createApp, DEFAULT_RATE_LIMIT, DEFAULT_WEB_DIR, type AppOptions, type IndexerStatus } from './app.js';
export { startServer, type RunningServer } from './server.js';
export { buildOpenApi } from './openapi.js';
export { routes } from './rest.js';
export type { Amount } from './format.js';
