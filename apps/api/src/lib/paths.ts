import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/api (same depth from src/lib and dist/lib). */
export const API_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = resolve(API_ROOT, '..', '..');
export const PRISMA_ROOT = join(REPO_ROOT, 'prisma');
