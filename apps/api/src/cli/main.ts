// `bnn-studio` command line. Each command calls the same services as the HTTP routes.
import {
  DEFAULT_FINE_TUNE_EPOCHS,
  DISTILL_DEFAULTS,
  MAX_PRUNE_FRACTION,
  PRUNE_METHODS,
  PRUNE_SCOPES,
} from '@bnn-studio/bnn-core';
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig } from '../config.js';
import { STUDIO_VERSION } from '../context.js';
import { migrateDatabase } from '../db/migrate.js';
import { EXPORT_TARGETS, ExportTarget } from '../schemas.js';
import { serve } from '../server.js';
import {
  datasetsAddCommand,
  exportCommand,
  importCommand,
  predictCommand,
  runsListCommand,
  trainCommand,
  verifyCommand,
  workerCommand,
} from './commands.js';
import { searchCommand } from './search-command.js';

/** A numeric flag; a non-number names the flag's value and stops. */
function num(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new InvalidArgumentError('Give a number.');
  return n;
}

const program = new Command();
program.name('bnn-studio').description('BNN Studio server and command line').version(STUDIO_VERSION);

program
  .command('serve')
  .description('migrate the database, then serve the API under /api (and the web app with --web)')
  .option('--web <dir>', 'serve the production Next.js app from this directory')
  .option('--port <port>', 'port (default $PORT or 3000)', (v) => Number(v))
  .option('--host <host>', 'interface to bind (default $HOST or 127.0.0.1)')
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

program
  .command('worker')
  .description('train queued runs from Postgres (DATABASE_URL); run any number of these on any machines')
  .option('--concurrency <n>', 'jobs at a time', (v) => Number(v), 1)
  .action(async (opts: { concurrency: number }) => workerCommand(opts));

program
  .command('search')
  .description(
    'auto-size: search architectures (and pruning) for the best accuracy within a target budget; candidates train as ordinary runs',
  )
  .requiredOption('--dataset <id>', 'dataset id (e.g. mnist)')
  .requiredOption('--target <id>', 'stm32l4r9 | xcore (flash, RAM and latency estimates)')
  .option('--weights <size>', 'limit on packed weight bytes, e.g. 16KiB')
  .option('--flash <size>', 'limit on the device image flash, e.g. 64KiB')
  .option('--ram <size>', 'limit on the device image RAM, e.g. 128KiB')
  .option('--latency-ms <ms>', 'limit on the estimated latency on the target', num)
  .option('--trials <n>', 'most candidates trained', num)
  .option('--minutes <m>', 'wall-clock limit of the search', num)
  .option(
    '--from <preset>',
    'start from a preset (mnist-tiny, mnist-8k: mnist-trunk family; quicknet-28: quicknet family): its family, first candidate, its epochs',
  )
  .option('--parallel <n>', 'candidates trained at once (default 1)', num)
  .option('--seed <n>', 'seed of the search and of every candidate (default 1)', num)
  .option('--limit <n>', 'train on at most n samples per candidate (quick searches)', num)
  .option('--space <file>', 'JSON file of search space fields (docs/auto-size-search.md)')
  .option('--name <name>', 'search name')
  .option('--json', 'print the result as one JSON object (last line)')
  .action(async (opts) => {
    await searchCommand(opts);
  });

program
  .command('train <graph>')
  .description(
    "train a graph JSON on the server side and record the run; a preset's graph trains with the preset's recipe unless flags say otherwise",
  )
  .option('--dataset <id>', "dataset id (default: the preset recipe's, else mnist)")
  .option('--epochs <n>', "epochs (default: the preset recipe's, else 5)", num)
  .option('--seed <n>', 'random seed (default 0)', num)
  .option(
    '--seeds <list>',
    'a seed group: one run per seed (e.g. 1,2,3), then mean ± sd of the test accuracy',
  )
  .option('--batch-size <n>', "batch size (default: the preset recipe's, else 64)", num)
  .option('--optimizer <id>', 'adam | sgd | bop | case (default adam)')
  .option('--lr <x>', "learning rate (default: the preset recipe's, else the optimizer's)", num)
  .option('--schedule <id>', "constant | cosine | step (default: the preset recipe's, else constant)")
  .option('--warmup-epochs <n>', 'cosine: linear warm-up epochs', num)
  .option('--min-lr <x>', 'cosine: final learning rate', num)
  .option('--step-epochs <n>', 'step: decay every n epochs', num)
  .option('--step-gamma <x>', 'step: decay factor (default 0.1)', num)
  .option('--shift <px>', 'augmentation: random shifts of up to ±px pixels (0 = off)', num)
  .option('--flip', 'augmentation: random left–right flips')
  .option('--no-flip', 'augmentation: no flips')
  .option('--noise <sd>', 'augmentation: Gaussian noise of this standard deviation', num)
  .option('--validation-split <f>', 'hold out this fraction of the training set for validation metrics', num)
  .option(
    '--recalibrate-bn <batches>',
    "after the last epoch, re-estimate BatchNorm statistics on this many training batches (0 = off; default: the preset recipe's)",
    num,
  )
  .option('--no-recipe', "ignore the preset's recipe (plain defaults)")
  .option(
    '--distill-from <teacher>',
    "knowledge distillation from a completed run's id, or float-twin: the model's float twin (a completed one of this dataset is reused, else it trains first as its own run)",
  )
  .option(
    '--temperature <T>',
    `distillation: softmax temperature of the soft targets (default ${DISTILL_DEFAULTS.temperature})`,
    num,
  )
  .option(
    '--alpha <a>',
    `distillation: weight of the soft-target loss, 0–1 (default ${DISTILL_DEFAULTS.alpha})`,
    num,
  )
  .option(
    '--distill-warmup <epochs>',
    `distillation: epochs over which the soft-target weight ramps up from 0 (default ${DISTILL_DEFAULTS.warmupEpochs})`,
    num,
  )
  .option(
    '--attention <beta>',
    `distillation: weight of attention matching of the feature maps each binary layer signs (Real-to-Binary Net; default ${DISTILL_DEFAULTS.attention} = off)`,
    num,
  )
  .option('--teacher-epochs <n>', "float-twin: the teacher's epochs (default: the student's)", num)
  .option(
    '--prune <fraction>',
    `after training, prune this fraction (0–${MAX_PRUNE_FRACTION}) of the output channels of every prunable binary layer, then fine-tune; the run moves to the pruned architecture version`,
    num,
  )
  .option('--prune-method <m>', `pruning: channel score, ${PRUNE_METHODS.join(' | ')} (default weight)`)
  .option(
    '--prune-scope <s>',
    `pruning: ${PRUNE_SCOPES.join(' | ')} (default layer: each layer loses the fraction)`,
  )
  .option(
    '--prune-blocks <f>',
    'pruning: fraction of the residual blocks with an identity shortcut removed whole (default 0)',
    num,
  )
  .option(
    '--prune-epochs <n>',
    `pruning: fine-tuning epochs with the run's recipe (default ${DEFAULT_FINE_TUNE_EPOCHS})`,
    num,
  )
  .option('--limit <n>', 'train on the first N samples only', num)
  .option('--backend <name>', 'tfjs backend: wasm | cpu', 'wasm')
  .option('--name <name>', 'run name')
  .option('--json', 'print one JSON object as the last line')
  .action(async (graph: string, opts) => {
    await trainCommand(graph, opts);
  });

const datasets = program.command('datasets').description('built-in datasets');
datasets
  .command('add <name>')
  .description(
    'add a built-in dataset: fashion-mnist (Debian dataset-fashion-mnist; prints the apt command when missing)',
  )
  .option('--json', 'print one JSON object as the last line')
  .action(async (name: string, opts: { json?: boolean }) => {
    await datasetsAddCommand(name, opts);
  });

program
  .command('export <source>')
  .description('export a run (id) or a .bnn file to a target')
  .requiredOption('--target <target>', 'bnn | tflite-arm | tflite-xcore | stm32l4 | xcore')
  .requiredOption('--out <file>', 'output file')
  .option('--json', 'print one JSON object as the last line')
  .action(async (source: string, opts: { target: string; out: string; json?: boolean }) => {
    const target = ExportTarget.safeParse(opts.target);
    if (!target.success)
      throw new Error(`export: unknown target '${opts.target}' (one of ${EXPORT_TARGETS.join(', ')})`);
    await exportCommand(source, { ...opts, target: target.data });
  });

program
  .command('verify <bundle>')
  .description('build an STM32L4 bundle and run its self-check on the Cortex-M4 emulator')
  .option('--json', 'print one JSON object as the last line')
  .action(async (bundle: string, opts: { json?: boolean }) => {
    await verifyCommand(bundle, opts);
  });

program
  .command('import <file>')
  .description('import a Larq Compute Engine .tflite as a completed run (kind imported)')
  .option('--name <name>', 'run name (default: the file name)')
  .option('--project <id>', 'project id')
  .option(
    '--int8-softmax <mode>',
    "int8 SOFTMAX: exact by default (TFLite's fixed-point kernel); float: in float32 (reported); refuse",
  )
  .option('--json', 'print one JSON object as the last line')
  .action(
    async (file: string, opts: { name?: string; project?: string; int8Softmax?: string; json?: boolean }) => {
      await importCommand(file, opts);
    },
  );

program
  .command('predict <run>')
  .description(
    'run a completed run on samples: --input FILE.json with { "inputs": [[…]] } → { "outputs": [[…]] }',
  )
  .requiredOption(
    '--input <file>',
    'JSON file { "inputs": [[…]] }, each sample flattened NHWC in the input type',
  )
  .option('--json', 'print one JSON object as the last line')
  .action(async (run: string, opts: { input: string; json?: boolean }) => {
    await predictCommand(run, opts);
  });

const runs = program.command('runs').description('experiment runs');
runs
  .command('list')
  .description('list runs')
  .option('--status <s>', 'queued,running,completed,failed,cancelled')
  .option('--q <text>', 'search names')
  .option('--sort <field>', 'createdAt | name | status | finalAccuracy | packedBytes | durationMs')
  .option('--order <o>', 'asc | desc')
  .option('--page <n>')
  .option('--page-size <n>')
  .option('--json', 'print one JSON object as the last line')
  .action(async (opts) => {
    await runsListCommand(opts);
  });

program
  .parseAsync(process.argv)
  .then(() => {
    // Commands other than serve/worker are done: do not wait for idle handles (pools, timers).
    const cmd = process.argv[2];
    if (cmd !== 'serve' && cmd !== 'worker') setTimeout(() => process.exit(), 50).unref();
  })
  .catch((err: unknown) => {
    console.error(`bnn-studio: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
