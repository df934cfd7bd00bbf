import type { AppContext } from '../context.js';

/** What services need; routes, workers and the CLI all pass their AppContext. */
export type ServiceCtx = Pick<AppContext, 'db' | 'dbHandle' | 'store' | 'config' | 'jobs' | 'cache' | 'runs'>;
