// `npm start`: install if needed, build (cached by turbo), migrate and serve the studio (web + API, one origin).
// PORT (default 3000) and BNN_STUDIO_DATA (default ./data) configure it.

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureNodeModules, quietEnv, repoRoot, run, section } from './lib/run.mjs';

await ensureNodeModules();

section('Building (turbo reuses cached outputs)');
const buildCode = await run('npx', [
  'turbo',
  'run',
  'build',
  '--output-logs=errors-only',
  '--log-order=grouped',
]);
if (buildCode !== 0) {
  console.error('Build failed: see the errors above. Nothing was started.');
  process.exit(buildCode);
}

section('Starting the studio');
const env = {
  ...quietEnv,
  NODE_ENV: 'production',
  PORT: process.env.PORT ?? '3000',
  BNN_STUDIO_DATA: resolve(process.env.BNN_STUDIO_DATA ?? resolve(repoRoot, 'data')),
};
const server = spawn(process.execPath, ['apps/api/bin/bnn-studio.mjs', 'serve', '--web', 'apps/web'], {
  cwd: repoRoot,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) =>
  process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)),
);
