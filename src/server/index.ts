/** The HTTP service: `startServer` on a socket, or `createApp` for `app.request(…)` without one. */
export { createApp } from './app.js';
export { startServer, type ServeOptions, type RunningServer } from './serve.js';
export { ServerContext, type ServerOptions } from './context.js';
export { KeyStore, ROLES, type Role, type KeyRecord, type Principal } from './keys.js';
export { ApiError, type ErrorBody } from './errors.js';
export { SEGMENT_EVENT_TYPES, DEFAULT_LIMITS, type IngestLimits, type CanonicalRow } from './ingest/segment.js';
export { insertNewEvents } from './ingest/insert.js';
