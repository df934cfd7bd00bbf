// `bnn-studio` subcommands other than serve/migrate. Each opens the same context as the server and calls the same
// services as the HTTP routes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { FASHION_MNIST_INSTALL } from '@bnn-studio/bnn-core';
import {
  type BnnFile,
  BnnFormatError,
  formatRefusal,
  type ImportRefusal,
  readBnn,
  verifyStm32Bundle,
} from '@bnn-studio/exporters';
import { loadConfig } from '../config.js';
import { type AppContext, closeContext, noJobs, openContext } from '../context.js';
import { createPgBossQueue } from '../jobs/pgboss-queue.js';
import { runTrainingJob } from '../jobs/run-training-job.js';
import { threadExecutor } from '../jobs/thread-executor.js';
import { ApiError } from '../lib/errors.js';
import { type ExportTarget, RunListQuery, TrainConfig } from '../schemas.js';
import {
  ensureBuiltinDatasets,
  FASHION_MNIST_DATASET,
  fashionMnistDir,
  fashionMnistPresent,
} from '../services/datasets/ensure-builtin-datasets.js';
import { buildExport } from '../services/exports/build-export.js';
import { calibrateFromDataset } from '../services/exports/calibration.js';
import { exportRun } from '../services/exports/export-run.js';
import { importModel } from '../services/imports/import-model.js';
import { createRun } from '../services/runs/create-run.js';
import { getRun } from '../services/runs/get-run.js';
import { listRuns } from '../services/runs/list-runs.js';
import { predictRun } from '../services/runs/predict-run.js';
import { startSearchDriver } from '../services/searches/advance-search.js';
import { ProgressBar } from './progress.js';
import { describeTraining, resolveTrainOptions, type TrainFlags } from './train-options.js';

/** The exporter's refusal of an xcore .tflite without calibration data. */
const CALIBRATION_RULE = 'xcore.calibration_data_required';

export interface CommonOpts {
  json?: boolean;
}

/** Prints the human text, or (with --json) one JSON object as the last line. */
export function report(opts: CommonOpts, human: string, json: unknown): void {
  if (opts.json) console.log(JSON.stringify(json));
  else console.log(human);
}

async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(loadConfig());
  try {
    return await fn(ctx);
  } finally {
    await closeContext(ctx);
  }
}

function describeError(err: unknown): string {
  if (err instanceof ApiError)
    return `${err.message}${err.fix && !err.message.includes(err.fix) ? ` Fix: ${err.fix}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

type TrainOpts = CommonOpts &
  TrainFlags & {
    name?: string;
    limit?: number;
    backend: 'wasm' | 'cpu';
    /** A seed group: one run per seed, named "<name> · seed N", then mean ± sd of their test accuracy. */
    seeds?: string;
  };

export async function trainCommand(graphFile: string, opts: TrainOpts) {
  if (opts.seeds === undefined) return trainOne(graphFile, opts);
  const seeds = opts.seeds.split(',').map((v) => Number(v.trim()));
  if (
    seeds.length < 2 ||
    seeds.some((n) => !Number.isInteger(n) || n < 0) ||
    new Set(seeds).size !== seeds.length
  )
    throw new Error(
      `train: --seeds '${opts.seeds}' must list two or more different whole numbers ≥ 0, e.g. --seeds 1,2,3.`,
    );
  const base = opts.name ?? `${basename(resolve(graphFile), '.json')} (cli)`;
  const runs: Array<Awaited<ReturnType<typeof trainOne>>> = [];
  for (const seed of seeds) {
    runs.push(await trainOne(graphFile, { ...opts, json: false, seed, name: `${base} · seed ${seed}` }));
    if (process.exitCode) break;
  }
  const acc = runs.map((r) => r.finalAccuracy).filter((a): a is number => typeof a === 'number');
  const mean = acc.length ? acc.reduce((a, b) => a + b, 0) / acc.length : null;
  const sd =
    mean !== null && acc.length > 1
      ? Math.sqrt(acc.reduce((a, b) => a + (b - mean) ** 2, 0) / (acc.length - 1))
      : null;
  const result = { name: base, seeds, runs, meanAccuracy: mean, sdAccuracy: sd };
  report(
    opts,
    mean !== null
      ? `Seed group '${base}': test accuracy ${(mean * 100).toFixed(2)} ± ${((sd ?? 0) * 100).toFixed(2)} % over seeds ${seeds.slice(0, runs.length).join(', ')}`
      : `Seed group '${base}': no run finished`,
    result,
  );
  return result;
}

async function trainOne(graphFile: string, opts: TrainOpts) {
  const path = resolve(graphFile);
  if (!existsSync(path))
    throw new Error(`train: ${path} does not exist. Pass a graph JSON file saved from the studio.`);
  let graph: unknown;
  try {
    graph = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`train: ${path} is not JSON (${(err as Error).message}).`);
  }
  const resolved = resolveTrainOptions(graph, opts);
  const parsed = TrainConfig.safeParse(resolved.config);
  if (!parsed.success)
    throw new Error(
      `train: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const datasetId = resolved.datasetId;
  const epochs = parsed.data.epochs;
  return withContext(async (ctx) => {
    ctx.jobs = noJobs; // this process trains the run itself
    const run = await createRun(ctx, {
      graph: graph as Record<string, unknown>,
      datasetId,
      config: parsed.data,
      location: 'server',
      name: opts.name ?? `${basename(path, '.json')} (cli)`,
      limits: opts.limit
        ? { trainSamples: opts.limit, testSamples: Math.max(100, Math.round(opts.limit / 5)) }
        : undefined,
    }).catch((err: unknown) => {
      throw new Error(`train: ${describeError(err)}`);
    });
    if (!opts.json) console.error(`Run ${run.id} — training ${describeTraining(resolved)}`);
    // A float-twin teacher created for this run trains first, here, as its own run.
    const teacherId = (run.options as { teacherRunId?: string }).teacherRunId;
    const teacher = teacherId ? await ctx.db.run.findUnique({ where: { id: teacherId } }) : null;
    if (teacher && teacher.status === 'queued') {
      if (!opts.json) console.error(`Teacher run ${teacher.id} (${teacher.name}) — training it first`);
      const t = await trainHere(ctx, teacher.id, teacher.epochs, opts, 'teacher');
      const done = await getRun(ctx, teacher.id);
      if (!opts.json)
        console.error(
          `Teacher run ${teacher.id} ${done.status}${done.finalAccuracy != null ? `: test accuracy ${(done.finalAccuracy * 100).toFixed(2)}%` : ''}`,
        );
      if (t !== 'completed') process.exitCode = 1;
    } else if (teacher && !opts.json) {
      console.error(
        `Teacher run ${teacher.id} (${teacher.name}, ${teacher.status}${teacher.finalAccuracy != null ? `, test accuracy ${(teacher.finalAccuracy * 100).toFixed(2)}%` : ''})`,
      );
    }
    const outcome = await trainHere(ctx, run.id, epochs, opts, 'training');
    const final = await getRun(ctx, run.id);
    const summary = {
      runId: run.id,
      status: final.status,
      finalAccuracy: final.finalAccuracy,
      finalLoss: final.finalLoss,
      packedBytes: final.packedBytes,
      durationMs: final.durationMs,
      epochs: final.epochsDone,
      error: final.error,
    };
    const d = final.distillation;
    const distilled = d
      ? `\nDistilled from run ${d.teacher.id}${d.teacher.finalAccuracy != null ? ` (teacher accuracy ${(d.teacher.finalAccuracy * 100).toFixed(2)}%)` : ''}${d.withoutDistillation?.finalAccuracy != null && d.gainPoints != null ? `; without distillation (run ${d.withoutDistillation.runId}) ${(d.withoutDistillation.finalAccuracy * 100).toFixed(2)}%, gain ${d.gainPoints >= 0 ? '+' : ''}${d.gainPoints.toFixed(2)} points` : ''}`
      : '';
    const p = final.results?.pruning;
    const pruned = p
      ? `\nPruned: binary MACs ${p.binaryMacsBefore} → ${p.binaryMacsAfter} (−${(100 * p.binaryMacsRemoved).toFixed(1)} %), ${p.layers.map((l) => `${l.before}→${l.after}`).join(', ')} channels${p.accuracyBeforePruning != null ? `; test accuracy before pruning ${(p.accuracyBeforePruning * 100).toFixed(2)}%` : ''}, after ${p.fineTuneEpochs} fine-tuning epochs above; architecture version ${final.architectureVersionId} (was ${p.originalArchitectureVersionId})`
      : '';
    report(
      opts,
      `Run ${run.id} ${final.status}${final.finalAccuracy != null ? `: test accuracy ${(final.finalAccuracy * 100).toFixed(2)}%` : ''}${final.packedBytes ? `, packed ${final.packedBytes} bytes` : ''}${distilled}${pruned}${final.error ? `\n${final.error}` : ''}`,
      { ...summary, ...(d ? { distillation: d } : {}), ...(p ? { pruning: p } : {}) },
    );
    if (outcome !== 'completed') process.exitCode = 1;
    return summary;
  });
}

/** Trains a queued server run in this process (a progress bar per epoch); the job's outcome. */
async function trainHere(ctx: AppContext, runId: string, epochs: number, opts: TrainOpts, label: string) {
  const bar = new ProgressBar(label, !opts.json);
  let shuttingDown = false;
  const onSig = () => {
    shuttingDown = true;
  };
  process.once('SIGINT', onSig);
  process.once('SIGTERM', onSig);
  try {
    return await runTrainingJob(ctx, runId, {
      workerId: `cli:${process.pid}`,
      leaseMs: 30_000,
      backend: opts.backend,
      isShuttingDown: () => shuttingDown,
      executor: (task, onMessage) =>
        threadExecutor(task, (m) => {
          if (m.type === 'epoch') {
            const e = Number(m.metrics.epoch);
            const acc = m.metrics.valAccuracy ?? m.metrics.accuracy;
            bar.update(
              e / epochs,
              `epoch ${e}/${epochs} loss ${Number(m.metrics.loss).toFixed(4)}${typeof acc === 'number' ? ` acc ${acc.toFixed(4)}` : ''}`,
            );
          }
          onMessage(m);
        }),
      onStart: (e) => {
        if (shuttingDown) e.stop();
      },
    });
  } finally {
    bar.done();
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}

export async function exportCommand(
  source: string,
  opts: CommonOpts & { target: ExportTarget; out: string },
) {
  const out = resolve(opts.out);
  if (source.endsWith('.bnn') && existsSync(source)) {
    const bytes = new Uint8Array(readFileSync(source));
    let deploy: BnnFile;
    try {
      deploy = readBnn(bytes);
    } catch (err) {
      throw new Error(
        err instanceof BnnFormatError ? `export: ${source}: ${err.message}` : `export: ${describeError(err)}`,
      );
    }
    const baseName = basename(source, '.bnn');
    // The xcore targets are int8: calibrate on the dataset the .bnn names in its provenance, like a run export.
    const dataset =
      opts.target === 'tflite-xcore' || opts.target === 'xcore' ? deploy.meta.dataset : undefined;
    const build = (ctx?: AppContext) =>
      buildExport(deploy.graph, opts.target, {
        baseName,
        ...(ctx && dataset ? { calibrate: () => calibrateFromDataset(ctx, dataset, deploy.graph) } : {}),
      });
    const built = await (dataset ? withContext(build) : build()).catch((err: unknown) => {
      if (
        err instanceof ApiError &&
        (err.details as { rule?: string } | undefined)?.rule === CALIBRATION_RULE
      )
        throw new Error(
          `export: ${source} names no dataset in its provenance, and the int8 xcore model needs one to calibrate on. Fix: export the run it came from (bnn-studio export <run-id> --target ${opts.target} --out …), which calibrates on the run's dataset.`,
        );
      throw new Error(`export: ${describeError(err)}`);
    });
    writeFileSync(out, built.bytes);
    const result = { source, target: opts.target, out, bytes: built.bytes.byteLength, report: built.report };
    report(
      opts,
      `Wrote ${out} (${built.bytes.byteLength} bytes, ${opts.target})${latencyNote(built.report)}`,
      result,
    );
    return result;
  }
  return withContext(async (ctx) => {
    const res = await exportRun(ctx, source, opts.target).catch((err: unknown) => {
      throw new Error(`export: ${describeError(err)}`);
    });
    writeFileSync(out, ctx.store.read(res.artifact.sha256));
    const result = { runId: source, target: opts.target, out, artifact: res.artifact, cached: res.cached };
    report(
      opts,
      `Wrote ${out} (${res.artifact.bytes} bytes, ${opts.target}${res.cached ? ', cached' : ''}) sha256 ${res.artifact.sha256}${latencyNote(res.report)}`,
      result,
    );
    return result;
  });
}

/** "; latency estimate …" from a firmware report's `latency` (exporters' manifest), or nothing. */
export function latencyNote(report: unknown): string {
  const l = (
    report as {
      latency?: { estimatedMs?: unknown; estimatedInstructions?: unknown; target?: unknown };
    } | null
  )?.latency;
  if (!l || typeof l.estimatedMs !== 'number' || typeof l.estimatedInstructions !== 'number') return '';
  return `; latency estimate ${l.estimatedMs.toFixed(1)} ms (${l.estimatedInstructions} instructions) on ${String(l.target)} — \`make qemu-test\` in the bundle prints the exact count`;
}

export async function verifyCommand(bundle: string, opts: CommonOpts) {
  const path = resolve(bundle);
  if (!existsSync(path))
    throw new Error(
      `verify: ${path} does not exist. Export a bundle with: bnn-studio export <run-id> --target stm32l4 --out bundle.zip`,
    );
  const bar = new ProgressBar('building and running on qemu', !opts.json);
  bar.update(0.1, 'arm-none-eabi-gcc …');
  const result = await verifyStm32Bundle(new Uint8Array(readFileSync(path)), {});
  bar.done();
  report(
    opts,
    `${result.passed ? 'PASSED' : 'FAILED'}: ${path}${result.instructions ? ` (${result.instructions} instructions per inference)` : ''}\n${result.log.trim().split('\n').slice(-15).join('\n')}`,
    { bundle: path, passed: result.passed, instructions: result.instructions ?? null, log: result.log },
  );
  if (!result.passed) process.exitCode = 1;
  return result;
}

export async function runsListCommand(
  opts: CommonOpts & {
    status?: string;
    q?: string;
    page?: string;
    pageSize?: string;
    sort?: string;
    order?: string;
  },
) {
  const q = RunListQuery.safeParse({
    status: opts.status,
    q: opts.q,
    page: opts.page,
    pageSize: opts.pageSize,
    sort: opts.sort,
    order: opts.order,
  });
  if (!q.success)
    throw new Error(
      `runs list: ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return withContext(async (ctx) => {
    const page = await listRuns(ctx, q.data);
    const rows = page.runs.map(
      (r) =>
        `${r.id.padEnd(32)} ${r.status.padEnd(10)} ${r.location.padEnd(8)} ${(r.finalAccuracy != null ? `${(r.finalAccuracy * 100).toFixed(2)}%` : '—').padStart(8)} ${String(r.packedBytes ?? '—').padStart(9)}  ${r.name}`,
    );
    report(
      opts,
      [
        `${'ID'.padEnd(32)} ${'STATUS'.padEnd(10)} ${'WHERE'.padEnd(8)} ${'ACCURACY'.padStart(8)} ${'BYTES'.padStart(9)}  NAME`,
        ...rows,
        `${page.runs.length} of ${page.total} run(s), page ${page.page}`,
      ].join('\n'),
      page,
    );
    return page;
  });
}

export async function workerCommand(opts: { concurrency: number }) {
  const config = loadConfig();
  if (config.provider !== 'postgresql')
    throw new Error(
      'worker: workers share jobs through Postgres. Set DATABASE_URL=postgres://... (the same database as the server).',
    );
  const ctx = await openContext(config);
  ctx.jobs = await createPgBossQueue(ctx, {
    workers: opts.concurrency,
    log: (m) => console.log(`${new Date().toISOString()} ${m}`),
  });
  // Workers advance running searches too (the search's lease lets one process at a time do it).
  const stopSearches = startSearchDriver(ctx, {
    log: (m) => console.log(`${new Date().toISOString()} ${m}`),
  });
  console.log(`Worker ${process.pid} ready (${opts.concurrency} job(s) at a time)`);
  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    console.log('Worker stopping: finishing or re-queueing running jobs');
    stopSearches();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  await new Promise(() => {});
}

/**
 * `bnn-studio datasets add fashion-mnist`: registers Debian's dataset-fashion-mnist as the built-in dataset
 * `fashion-mnist` when it is installed; otherwise prints the one apt command that installs it and fails.
 */
export async function datasetsAddCommand(name: string, opts: CommonOpts) {
  if (name !== FASHION_MNIST_DATASET.id)
    throw new Error(
      `datasets add: '${name}' is not a built-in dataset. Built-ins: ${FASHION_MNIST_DATASET.id} (MNIST is always there). Upload your own IDX, CSV or image-folder zip in the studio (Datasets) or with POST /api/datasets.`,
    );
  if (!fashionMnistPresent()) {
    const result = { dataset: name, installed: false, install: FASHION_MNIST_INSTALL };
    report(
      opts,
      `Fashion-MNIST is not installed (no IDX files in ${fashionMnistDir()}). Install it with:\n  ${FASHION_MNIST_INSTALL}`,
      result,
    );
    process.exitCode = 1;
    return result;
  }
  return withContext(async (ctx) => {
    await ensureBuiltinDatasets(ctx.db);
    const result = { dataset: name, installed: true, dir: fashionMnistDir(), train: 60_000, test: 10_000 };
    report(
      opts,
      `Fashion-MNIST ready as dataset '${name}' (${fashionMnistDir()}): 60,000 training and 10,000 test images.\nTrain on it with: bnn-studio train model.json --dataset ${name}`,
      result,
    );
    return result;
  });
}

/**
 * `bnn-studio import FILE.tflite [--name NAME] [--int8-softmax float] [--json]`: the same service as
 * POST /api/imports. Last line (--json): `{ runId, architectureVersionId, operators, refused: [] }`; on a refusal
 * `{ error, refused: [...] }` and exit code 1.
 */
export async function importCommand(
  file: string,
  opts: CommonOpts & { name?: string; int8Softmax?: string; project?: string },
) {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`import: ${file} does not exist.`);
  if (opts.int8Softmax !== undefined && opts.int8Softmax !== 'float' && opts.int8Softmax !== 'refuse')
    throw new Error(`import: --int8-softmax is '${opts.int8Softmax}'; use float or refuse.`);
  const bytes = new Uint8Array(readFileSync(path));
  return withContext(async (ctx) => {
    try {
      const res = await importModel(ctx, {
        bytes,
        filename: basename(path),
        ...(opts.name ? { name: opts.name } : {}),
        ...(opts.project ? { projectId: opts.project } : {}),
        ...(opts.int8Softmax ? { int8Softmax: opts.int8Softmax as 'float' | 'refuse' } : {}),
      });
      const json = {
        runId: res.runId,
        architectureVersionId: res.architectureVersionId,
        operators: res.operators,
        refused: [],
      };
      const approx = res.approximations.map(
        (a) => `\n  approximated: operator ${a.operatorIndex} (${a.op}): ${a.message}`,
      );
      report(
        opts,
        `Imported ${basename(path)} as run ${res.runId} (${res.operators} operators; input ${res.io.input.type} [${res.io.input.shape}])${approx.join('')}\n${res.composer.maps ? `Its layers map onto studio layers: architecture version ${res.architectureVersionId} opens in the composer.` : res.composer.reason}`,
        json,
      );
      return json;
    } catch (err) {
      const refused =
        (err instanceof ApiError && (err.details as { refused?: ImportRefusal[] } | undefined)?.refused) ||
        null;
      if (refused) {
        const lines = refused.map((r) => `  ${formatRefusal(r)}`).join('\n');
        if (opts.json)
          console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err), refused }));
        throw new Error(
          `import: ${basename(path)}: ${refused.length} operator(s) the studio cannot run exactly:\n${lines}`,
        );
      }
      throw new Error(`import: ${describeError(err)}`);
    }
  });
}

/**
 * `bnn-studio predict RUN --input FILE.json [--json]`: `{ "inputs": [[…]] }` (each sample flattened NHWC in the
 * input tensor's type) → `{ "outputs": [[…]] }` in the output tensors' types. Any completed run.
 */
export async function predictCommand(runId: string, opts: CommonOpts & { input: string }) {
  const path = resolve(opts.input);
  if (!existsSync(path)) throw new Error(`predict: ${opts.input} does not exist.`);
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(
      `predict: ${opts.input} is not JSON (${(err as Error).message}). Fix: write { "inputs": [[…]] }.`,
    );
  }
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  return withContext(async (ctx) => {
    const res = await predictRun(ctx, runId, inputs).catch((err: unknown) => {
      throw new Error(`predict: ${describeError(err)}`);
    });
    const json = { outputs: res.outputs };
    const human = res.outputs
      .map((o, i) => {
        const best = o.indexOf(Math.max(...o));
        return `sample ${i}: argmax ${best} [${o.map((v) => (Number.isInteger(v) ? v : v.toPrecision(4))).join(', ')}]`;
      })
      .join('\n');
    report(opts, human, json);
    return json;
  });
}
