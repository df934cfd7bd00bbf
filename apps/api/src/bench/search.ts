// Auto-size search bench (issue 17's done-when): the built-in MNIST, STM32L4R9, a 16 KiB flash-for-weights
// (packed bytes) budget and a fixed search time on this machine, against the best hand preset under the same
// budget on the built-in split. Every candidate's cost is reported with the budget check (all must be within).
//
//   npx tsx --conditions=source src/bench/search.ts        (apps/api; or npm run bench:search -w @bnn-studio/api)
//
// Settings (environment):
//   BNN_SEARCH_MINUTES       search time limit (default 40: the issue's figure)
//   BNN_SEARCH_MAX_EPOCHS    epochs of the last rung (default 9; rungs 1 → 3 → 9 with η = 3)
//   BNN_SEARCH_MIN_EPOCHS    epochs of the first rung (default 1)
//   BNN_SEARCH_TRAIN_SAMPLES training samples per candidate (default: the whole split; a smoke run uses fewer)
//   BNN_SEARCH_BUDGET_BYTES  packed-bytes budget (default 16384)
//   BNN_SEARCH_SEED          seed (default 1)
//   BNN_SEARCH_PARALLEL      trials trained at once, one job-queue worker each (default: the machine's cores — the
//                            training is single-threaded, so a 2-core machine trains two candidates at a time)
//   BNN_SEARCH_FROM          a preset the search starts from (default none; e.g. mnist-tiny)
//   BNN_SEARCH_SPACE         a JSON search space (default: the mnist-trunk family's defaults), as a user edits it
//   BNN_SEARCH_BASELINE      'documented' (default: the presets' test accuracy measured by the bnn-core bench with
//                            their full recipes, DOCUMENTED_ACCURACY) or 'train' (train the best of them here with
//                            its recipe and the same sample limit, in the same run, before the search)
// Writes bench-results/api-search.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, listPresets, packedCost, recipeTrainConfig } from '@bnn-studio/bnn-core';
import { loadConfig } from '../config.js';
import { closeContext, openContext } from '../context.js';
import { createJobQueue } from '../jobs/create-job-queue.js';
import { REPO_ROOT } from '../lib/paths.js';
import { createRun } from '../services/runs/create-run.js';
import { startSearchDriver } from '../services/searches/advance-search.js';
import { createSearch } from '../services/searches/create-search.js';
import { getSearch } from '../services/searches/manage-search.js';

const env = process.env;
const MINUTES = Number(env.BNN_SEARCH_MINUTES ?? 40);
const MAX_EPOCHS = Number(env.BNN_SEARCH_MAX_EPOCHS ?? 9);
const MIN_EPOCHS = Number(env.BNN_SEARCH_MIN_EPOCHS ?? 1);
const TRAIN_SAMPLES = env.BNN_SEARCH_TRAIN_SAMPLES ? Number(env.BNN_SEARCH_TRAIN_SAMPLES) : undefined;
const BUDGET = Number(env.BNN_SEARCH_BUDGET_BYTES ?? 16384);
const SEED = Number(env.BNN_SEARCH_SEED ?? 1);
const BASELINE = env.BNN_SEARCH_BASELINE === 'train' ? 'train' : 'documented';
const PARALLEL = Number(env.BNN_SEARCH_PARALLEL ?? cpus().length);
const FROM = env.BNN_SEARCH_FROM || undefined;
const SPACE = env.BNN_SEARCH_SPACE ? (JSON.parse(env.BNN_SEARCH_SPACE) as Record<string, unknown>) : {};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hand presets on MNIST within the budget, best documented accuracy first. */
function presetsInBudget() {
  return listPresets()
    .filter((p) => p.recipe.dataset === 'mnist' && p.inputShape.join('x') === '28x28x1')
    .map((p) => ({ p, packedBytes: packedCost(getPreset(p.id)).packedBytes }))
    .filter((x) => x.packedBytes <= BUDGET)
    .sort((a, b) => (b.p.documentedAccuracy?.accuracy ?? 0) - (a.p.documentedAccuracy?.accuracy ?? 0));
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bnn-search-bench-'));
  const config = loadConfig({
    ...env,
    BNN_STUDIO_DATA: dataDir,
    DATABASE_URL: '',
    BNN_STUDIO_TOKEN: 'bench-token-0123456789',
  });
  const ctx = await openContext(config);
  ctx.jobs = await createJobQueue(ctx, { workers: PARALLEL });
  const stopDriver = startSearchDriver(ctx, { log: (m) => console.error(m) });
  const load0 = loadavg()[0]!;
  const limits = TRAIN_SAMPLES ? { trainSamples: TRAIN_SAMPLES, testSamples: 10_000 } : undefined;
  try {
    const candidates = presetsInBudget();
    if (!candidates.length) throw new Error(`no MNIST preset fits ${BUDGET} packed bytes`);
    const hand = candidates[0]!;
    let baseline: Record<string, unknown> = {
      preset: hand.p.id,
      packedBytes: hand.packedBytes,
      kind: 'documented',
      accuracy: hand.p.documentedAccuracy?.accuracy ?? null,
      documented: hand.p.documentedAccuracy ?? null,
      otherPresetsInBudget: candidates.slice(1).map((c) => ({
        preset: c.p.id,
        packedBytes: c.packedBytes,
        accuracy: c.p.documentedAccuracy?.accuracy ?? null,
      })),
    };
    if (BASELINE === 'train') {
      const t0 = Date.now();
      const run = await createRun(ctx, {
        graph: getPreset(hand.p.id) as unknown as Record<string, unknown>,
        datasetId: 'mnist',
        config: recipeTrainConfig(hand.p.recipe, SEED) as never,
        location: 'server',
        name: `${hand.p.id} (search bench baseline)`,
        ...(limits ? { limits } : {}),
      });
      console.error(`baseline: training ${hand.p.id} (${hand.p.recipe.epochs} epochs) as run ${run.id}`);
      let r = await ctx.db.run.findUniqueOrThrow({ where: { id: run.id } });
      while (r.status === 'queued' || r.status === 'running') {
        await sleep(2000);
        r = await ctx.db.run.findUniqueOrThrow({ where: { id: run.id } });
      }
      baseline = {
        ...baseline,
        kind: 'trained here',
        runId: run.id,
        status: r.status,
        accuracy: r.finalAccuracy,
        minutes: (Date.now() - t0) / 60000,
      };
    }

    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const created = await createSearch(ctx, {
      datasetId: 'mnist',
      target: 'stm32l4r9',
      budget: { packedBytes: BUDGET },
      minutes: MINUTES,
      parallel: PARALLEL,
      seed: SEED,
      ...(FROM ? { from: FROM } : {}),
      space: { ...SPACE, maxEpochs: MAX_EPOCHS, minEpochs: MIN_EPOCHS },
      validationSplit: 0.1,
      batchSize: 64,
      ...(limits ? { limits } : {}),
    });
    console.error(
      `search ${created.id}: ${MINUTES} min, rungs ${created.rungs.join(' → ')} epochs, budget ${BUDGET} B`,
    );
    let s = await getSearch(ctx, created.id);
    let said = 0;
    while (s.status === 'running') {
      await sleep(2000);
      s = await getSearch(ctx, created.id);
      const done = s.candidates.flatMap((c) => c.trials).filter((t) => t.status === 'completed').length;
      if (done !== said) {
        said = done;
        console.error(
          `  ${((Date.now() - t0) / 60000).toFixed(1)} min: ${s.started} started, ${done} trials done, best ${s.best?.accuracy ?? '—'}`,
        );
      }
    }
    const wallMinutes = (Date.now() - t0) / 60000;
    const cpu = process.cpuUsage(cpu0);
    // The share of the machine this process had: its CPU time (all threads, the training workers included) over
    // wall time × cores. Near 1 means the search had the machine to itself.
    const cpuShare = (cpu.user + cpu.system) / 1e6 / (wallMinutes * 60 * cpus().length);
    const accepted = s.candidates.filter((c) => c.status === 'accepted');
    const allWithin = accepted.every((c) => c.cost.packedBytes <= BUDGET);
    const best = s.best;
    const baselineAcc = typeof baseline.accuracy === 'number' ? baseline.accuracy : null;
    const result = {
      bench: 'auto-size search',
      settings: {
        minutes: MINUTES,
        maxEpochs: MAX_EPOCHS,
        minEpochs: MIN_EPOCHS,
        trainSamples: TRAIN_SAMPLES ?? 'all (minus 10 % validation)',
        budgetPackedBytes: BUDGET,
        seed: SEED,
        target: 'stm32l4r9',
        baseline: BASELINE,
        parallel: PARALLEL,
        from: FROM ?? null,
        space: s.space,
      },
      machine: { cpus: cpus().length, loadAvgStart: load0, loadAvgEnd: loadavg()[0], cpuShare },
      search: {
        id: s.id,
        status: s.status,
        reason: s.reason,
        wallMinutes,
        elapsedMs: s.elapsedMs,
        started: s.started,
        rejected: s.rejected,
        rungs: s.rungs,
      },
      best,
      baseline,
      bestBeatsBaseline: best?.accuracy != null && baselineAcc !== null ? best.accuracy > baselineAcc : null,
      differencePoints:
        best?.accuracy != null && baselineAcc !== null ? 100 * (best.accuracy - baselineAcc) : null,
      everyCandidateWithinBudget: allWithin,
      candidates: s.candidates.map((c) => ({
        key: c.key,
        status: c.status,
        reason: c.reason,
        cost: c.cost,
        withinBudget: c.cost.packedBytes <= BUDGET,
        trials: c.trials,
      })),
      front: s.front,
    };
    mkdirSync(join(REPO_ROOT, 'bench-results'), { recursive: true });
    const out = join(REPO_ROOT, 'bench-results', 'api-search.json');
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `search: ${s.started} candidates trained, ${s.rejected} rejected over budget, ${wallMinutes.toFixed(1)} min; best ${best ? `${((best.accuracy ?? 0) * 100).toFixed(2)} % (run ${best.runId}, ${best.packedBytes} B, ${best.epochs} epochs)` : 'none'}; baseline ${baseline.preset} ${baselineAcc !== null ? `${(baselineAcc * 100).toFixed(2)} %` : '—'} (${baseline.kind}); every candidate within budget: ${allWithin}. → ${out}`,
    );
    if (!allWithin) process.exitCode = 1;
  } finally {
    stopDriver();
    await closeContext(ctx);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
process.exit(process.exitCode ?? 0);
