// `bnn-studio` command line. Each command calls the same services as the HTTP routes.
import { Command } from 'commander';
import { loadConfig } from '../config.js';
import { STUDIO_VERSION } from '../context.js';
import { migrateDatabase } from '../db/migrate.js';
import { serve } from '../server.js';

const program = new Command();
program.name('bnn-studio').description('BNN Studio server and command line').version(STUDIO_VERSION);

program
  .command('serve')
  .description('migrate the database, then serve the API under /api (and the web app with --web)')
  .option('--web <dir>', 'serve the production Next.js app from this directory')
  .option('--port <port>', 'port (default $PORT or 3000)', (v) => Number(v))
  .option('--host <host>', 'interface to bind (default $HOST or 0.0.0.0)')
  .option('--no-worker', 'do not train in this process (Postgres with external `bnn-studio worker`s)')
  .action(async (opts: { web?: string; port?: number; host?: string; worker: boolean }) => {
    await serve(opts);
  });

program
  .command('migrate')
  .description(
    'apply pending Prisma migrations to the database ($DATABASE_URL or $BNN_STUDIO_DATA/studio.db)',
  )
  .option('--json', 'print one JSON object')
  .action(async (opts: { json?: boolean }) => {
    const config = loadConfig();
    const { applied } = await migrateDatabase(config.provider, config.databaseUrl);
    if (opts.json) console.log(JSON.stringify({ provider: config.provider, applied }));
    else
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s) to ${config.provider}: ${applied.join(', ')}`
          : `Database (${config.provider}) is up to date.`,
      );
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`bnn-studio: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
