/**
 * Pruned vs unpruned firmware (`npx tsx --conditions=source src/bench/prune-qemu.ts` in packages/exporters, after
 * bnn-core's pruning bench `BNN_CORE_BENCH=prune npm run bench -w @bnn-studio/bnn-core` has written the trained
 * and the pruned + fine-tuned graphs and weights to bench-results/prune/): for each seed, both STM32L4 bundles are
 * built, `make qemu-test` runs each on the emulated Cortex-M4 (every golden output bit for bit), and the QEMU
 * plugin counts the instructions of one inference. Writes bench-results/exporters-prune.json.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserializeWeights, type GraphSpec, lower } from '@bnn-studio/bnn-core';
import { buildStm32Bundle } from '../stm32/bundle.js';
import { verifyStm32Bundle } from '../stm32/verify.js';
import type { BenchCase } from './formats.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = join(repoRoot, 'bench-results', 'prune');

async function firmware(stem: string) {
  const graph = JSON.parse(readFileSync(join(dir, `${stem}.graph.json`), 'utf8')) as GraphSpec;
  const weights = deserializeWeights(new Uint8Array(readFileSync(join(dir, `${stem}.bnnw`))));
  const { zip, manifest } = await buildStm32Bundle(lower(graph, weights), { goldenCount: 2 });
  const result = await verifyStm32Bundle(zip, { countInstructions: true });
  if (!result.passed) throw new Error(`${stem}: make qemu-test failed:\n${result.log}`);
  return { instructions: result.instructions!, flash: manifest.memory, passed: result.passed };
}

async function main(): Promise<void> {
  if (!existsSync(dir))
    throw new Error(
      `${dir} is missing: run BNN_CORE_BENCH=prune npm run bench -w @bnn-studio/bnn-core first.`,
    );
  const cases: BenchCase[] = [];
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('-pruned.graph.json'))
    .sort()) {
    const stem = f.replace('-pruned.graph.json', '');
    const before = await firmware(stem);
    const after = await firmware(`${stem}-pruned`);
    console.error(
      `[bench:prune-qemu] ${stem}: ${before.instructions} → ${after.instructions} instructions, both bit-exact`,
    );
    cases.push({
      case: `${stem} pruned + fine-tuned vs trained, STM32L4 bundle under QEMU (make qemu-test passed bit-exact for both)`,
      metric: 'Cortex-M4 instructions per inference (lower is better)',
      value: after.instructions,
      unit: 'instructions',
      baseline: 'the unpruned trained model, same bench',
      baselineValue: before.instructions,
      ratio: after.instructions / before.instructions,
    });
  }
  const out = join(repoRoot, 'bench-results', 'exporters-prune.json');
  writeFileSync(out, `${JSON.stringify({ package: '@bnn-studio/exporters', cases }, null, 2)}\n`);
  console.table(
    cases.map((c) => ({ case: c.case, value: c.value, baseline: c.baselineValue, ratio: c.ratio })),
  );
  console.log(`wrote ${out}`);
}

await main();
