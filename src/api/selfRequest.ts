/**
 * The app's own in-process requests (RouteOptions.selfRequest) carry this in their environment, which no client
 * can set: the app's checks of its own answers are not a client's traffic and take no rate-limit tokens.
 */
export const SELF_REQUEST_ENV = { atlasSelfRequest: true } as const;

/** True for a request made through RouteOptions.selfRequest. */
export const isSelfRequest = (env: unknown): boolean => typeof env === 'object' && env !== null && (env as { atlasSelfRequest?: unknown }).atlasSelfRequest === true;
