// Request bodies the web sends, from the schemas the routes validate with (src/schemas.ts imports only zod).
import type { z } from 'zod';
import type { DatasetSplitPut, FailPost, RunCreate } from '../schemas.js';

export { CompleteJson, DatasetSplitPut, FailPost, MetricsPost, RunCreate } from '../schemas.js';
/** POST /api/runs body as the client writes it (before defaults). */
export type RunCreateBody = z.input<typeof RunCreate>;
/** POST /api/runs/:id/fail body (browser runs: why training failed in the page). */
export type FailBody = z.input<typeof FailPost>;
/** PUT /api/datasets/:id/split body. */
export type DatasetSplitBody = z.input<typeof DatasetSplitPut>;
