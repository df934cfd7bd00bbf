// Request bodies the web sends, from the schemas the routes validate with (src/schemas.ts imports only zod).
import type { z } from 'zod';
import type { RunCreate } from '../schemas.js';

export { CompleteJson, MetricsPost, RunCreate } from '../schemas.js';
/** POST /api/runs body as the client writes it (before defaults). */
export type RunCreateBody = z.input<typeof RunCreate>;
