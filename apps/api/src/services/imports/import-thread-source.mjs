// Import-thread entry when running from TypeScript sources (vitest, tsx): Node 20 workers do not inherit the
// parent's `--import tsx`, so register tsx here, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
await import('./import-thread.ts');
