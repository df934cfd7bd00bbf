// Public API of @bnn-studio/api (for tests, the bench and the e2e harness).

export type { BuildAppOptions } from './app.js';
export { buildApp } from './app.js';
export type { Provider, StudioConfig } from './config.js';
export { loadConfig } from './config.js';
export type { AppContext, JobQueue } from './context.js';
export { closeContext, openContext, STUDIO_VERSION } from './context.js';
export { migrateDatabase } from './db/migrate.js';
export { serve } from './server.js';
