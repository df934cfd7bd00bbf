// Process lifecycle only: open the context (migrate, token), start the job queue, listen, shut down gracefully.
import type { AddressInfo } from 'node:net';
import { buildApp } from './app.js';
import { loadConfig, type StudioConfig } from './config.js';
import { closeContext, openContext } from './context.js';
import { createJobQueue } from './jobs/create-job-queue.js';
import { loadCoreTf } from './lib/core-tf.js';
import { startAbandonedRunReaper } from './services/runs/reap-abandoned-runs.js';
import { startSearchDriver } from './services/searches/advance-search.js';
import { loadWebApp } from './web.js';

export interface ServeOptions {
  web?: string;
  port?: number;
  host?: string;
  /** Run training jobs in this process (default: yes). */
  worker?: boolean;
}

export async function serve(opts: ServeOptions = {}, config: StudioConfig = loadConfig()) {
  if (opts.port !== undefined) config.port = opts.port;
  if (opts.host !== undefined) config.host = opts.host;
  if (opts.worker === false) config.workers = 0;
  const ctx = await openContext(config);
  if (ctx.tokenCreated) {
    console.log(`Access token created (shown once; kept in ${config.dataDir}/access-token): ${ctx.token}`);
  }
  const web = opts.web ? await loadWebApp(opts.web) : undefined;
  const app = await buildApp(ctx, {
    logger: { level: process.env.BNN_STUDIO_LOG_LEVEL ?? 'info' },
    web,
  });
  ctx.jobs = await createJobQueue(ctx, { workers: config.workers, log: (m) => app.log.info(m) });
  await app.listen({ port: config.port, host: config.host });
  const stopReaper = startAbandonedRunReaper(ctx, (m) => app.log.warn(m));
  // Running searches (state in the database) advance as their runs complete, here or in workers.
  const stopSearches = startSearchDriver(ctx, { log: (m) => app.log.warn(m) });
  // Warm the training-config validator (bnn-core/tf loads tfjs) so the first run creation is quick.
  void loadCoreTf().catch(() => {});
  const port = (app.server.address() as AddressInfo).port;
  config.port = port;
  console.log(`Studio ready at http://localhost:${port}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing or re-queueing running jobs');
    try {
      stopReaper();
      stopSearches();
      await app.close();
      await web?.close();
      await closeContext(ctx);
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return { app, ctx, port };
}
