/**
 * Node-only side of the latency model: the hash of the runtime C sources a table was measured on, exact QEMU
 * instruction counts per layer of a DeployGraph (the STM32L4 bundle's emulator build: the device flags,
 * arm-none-eabi-gcc -O2, counted by the TCG plugin of stm32/verify.ts), and the table generator itself
 * (`generateCostTable`, run by scripts/latency-table.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { deployGraphSha256 } from '../firmware/model-hash.js';
import { RUNTIME_DIR } from '../firmware/runtime-files.js';
import { buildStm32Bundle } from '../stm32/bundle.js';
import { limiter } from '../stm32/limit.js';
import { run, unpackBundle, verifyStm32Bundle } from '../stm32/verify.js';
import { calibrationGraphs, calibrationRandomGraphs } from './calibration-graphs.js';
import type { CostTable, FirmwareImageCost, VariantCost } from './cost-table-types.js';
import { opCostFeatures } from './features.js';
import { fitCostFormula, type Sample } from './fit.js';
import { codeSizeFeatures, modelFootprint } from './memory.js';

/** The command that regenerates the committed table (printed by the staleness test). */
export const REGENERATE_COMMAND = 'npm run latency-table -w @bnn-studio/exporters';

/** The runtime C sources the table depends on: every file of runtime/src, sorted by name. */
export function runtimeSourceFiles(): string[] {
  return readdirSync(join(RUNTIME_DIR, 'src'))
    .filter((f) => /\.[ch]$/.test(f))
    .sort();
}

/** SHA-256 over (name, NUL, content, NUL) of every runtime/src C file, in name order. */
export function runtimeSourcesHash(): string {
  const h = createHash('sha256');
  for (const f of runtimeSourceFiles()) {
    h.update(f)
      .update('\0')
      .update(readFileSync(join(RUNTIME_DIR, 'src', f)))
      .update('\0');
  }
  return h.digest('hex');
}

/**
 * Besides runtime/src, what the device image's code size depends on: the cortex-m4 startup, retarget, linker
 * scripts and Makefile, and the TS that writes the self-check app and the model's C files.
 */
export const DEVICE_SOURCE_FILES = [
  'runtime/targets/cortex-m4/Makefile',
  'runtime/targets/cortex-m4/retarget.c',
  'runtime/targets/cortex-m4/sections.ld.inc',
  'runtime/targets/cortex-m4/startup_cm4.c',
  'runtime/targets/cortex-m4/stm32l4r9.ld',
  'src/firmware/app.ts',
  'src/firmware/model-files.ts',
] as const;

/** SHA-256 over (path, NUL, content, NUL) of `DEVICE_SOURCE_FILES` (paths relative to the exporters package). */
export function deviceSourcesHash(): string {
  const pkg = fileURLToPath(new URL('../../', import.meta.url));
  const h = createHash('sha256');
  for (const f of DEVICE_SOURCE_FILES) {
    h.update(f)
      .update('\0')
      .update(readFileSync(join(pkg, f)))
      .update('\0');
  }
  return h.digest('hex');
}

export interface LayerCounts {
  graph: DeployGraph;
  /** Exact instructions of each op (DeployGraph op order) for one inference. */
  layers: number[];
  total: number;
}

/** Builds `graph`'s STM32L4 bundle, runs its self-check in QEMU and returns the per-layer instruction counts. */
export async function countGraphInstructions(graph: DeployGraph, goldenSeed = 1): Promise<LayerCounts> {
  const { zip } = await buildStm32Bundle(graph, { goldenCount: 1, goldenSeed });
  const result = await verifyStm32Bundle(zip, { countInstructions: true });
  if (!result.passed)
    throw new Error(`latency: graph "${graph.name}" failed its QEMU self-check:\n${result.log}`);
  if (!result.layerInstructions || result.instructions === undefined)
    throw new Error(
      `latency: no instruction counts for "${graph.name}" (the QEMU plugin needs the host gcc and the qemu-system-arm plugin API):\n${result.log}`,
    );
  return { graph, layers: result.layerInstructions, total: result.instructions };
}

/** arm-none-eabi-size of a device image, and the parts of it that are not code. */
export interface DeviceImageSize {
  text: number;
  data: number;
  bss: number;
  /** The self-check app's golden vectors (const, in .text): not part of a deployed model. */
  goldenBytes: number;
}

/**
 * Builds `graph`'s STM32L4 bundle for the STM32L4R9 (`make build/firmware.elf`: the device build, no BOARD) and
 * returns arm-none-eabi-size's text/data/bss. Flash of the deployed model = text + data − goldenBytes; static
 * RAM = data + bss (the linker script reserves the stack on top).
 */
export async function measureDeviceImage(graph: DeployGraph, goldenSeed = 1): Promise<DeviceImageSize> {
  const { zip, manifest } = await buildStm32Bundle(graph, { goldenCount: 1, goldenSeed });
  const dir = mkdtempSync(join(tmpdir(), 'bnn-stm32-size-'));
  try {
    const root = unpackBundle(zip, dir);
    const build = await run('make', ['build/firmware.elf'], root, 600_000);
    if (build.code !== 0)
      throw new Error(
        `latency: the device build of "${graph.name}" failed (needs arm-none-eabi-gcc and libnewlib-arm-none-eabi):\n${build.stdout}${build.stderr}`,
      );
    const size = await run('arm-none-eabi-size', ['build/firmware.elf'], root, 60_000);
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+[0-9a-f]+\s+build\/firmware\.elf\s*$/m.exec(size.stdout);
    if (!m)
      throw new Error(`latency: cannot read arm-none-eabi-size's output:\n${size.stdout}${size.stderr}`);
    return {
      text: Number(m[1]),
      data: Number(m[2]),
      bss: Number(m[3]),
      goldenBytes: manifest.memory.goldenBytes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Code bytes and runtime RAM of a measured device image of `graph` (see `FirmwareImageCost`). */
export function imageParts(graph: DeployGraph, size: DeviceImageSize) {
  const fp = modelFootprint(graph);
  return {
    footprint: fp,
    codeBytes: size.text + size.data - size.goldenBytes - fp.constBytes,
    runtimeRamBytes: size.data + size.bss - fp.arenaBytes,
  };
}

/** Fits `FirmwareImageCost` to measured device images. */
export function fitFirmwareImage(
  images: { graph: DeployGraph; size: DeviceImageSize }[],
): Omit<FirmwareImageCost, 'deviceSourcesSha256'> {
  const round = (x: number) => Number(x.toPrecision(6));
  const samples: Sample[] = [];
  const rams: number[] = [];
  const functions = new Set<string>();
  for (const { graph, size } of images) {
    const p = imageParts(graph, size);
    samples.push({ features: codeSizeFeatures(p.footprint), count: p.codeBytes });
    rams.push(p.runtimeRamBytes);
    for (const f of p.footprint.functions) functions.add(f);
  }
  const fit = fitCostFormula(samples);
  return {
    code: {
      coefficients: Object.fromEntries(Object.entries(fit.coefficients).map(([f, c]) => [f, round(c)])),
      samples: samples.length,
      maxRelError: round(fit.maxRelError),
      rmsRelError: round(fit.rmsRelError),
    },
    measuredFunctions: [...functions].sort(),
    runtimeRamBytes: Math.max(...rams),
    runtimeRamMinBytes: Math.min(...rams),
  };
}

/** Per-variant samples (features + measured count) of a counted graph. */
export function samplesOf(counts: LayerCounts): Map<string, Sample[]> {
  const byId = new Map(counts.graph.tensors.map((t) => [t.id, t]));
  const out = new Map<string, Sample[]>();
  counts.graph.ops.forEach((op, i) => {
    const { variant, features } = opCostFeatures(op, byId);
    const count = counts.layers[i]!;
    if (!out.has(variant)) out.set(variant, []);
    out.get(variant)!.push({ features, count });
  });
  return out;
}

async function compilerVersion(): Promise<string> {
  const r = await run('arm-none-eabi-gcc', ['--version'], process.cwd(), 30_000);
  return r.stdout.split('\n')[0]?.trim() || 'arm-none-eabi-gcc (version unknown)';
}

/**
 * Counts every calibration graph in QEMU (two at a time), fits each kernel variant's formula, measures each
 * graph's device image (arm-none-eabi-size) and fits the code-size formula, and returns the table. `log` receives progress lines.
 */
export async function generateCostTable(
  log: (line: string) => void = () => {},
  opts: { countsFile?: string } = {},
): Promise<CostTable> {
  const hashBefore = runtimeSourcesHash();
  const deviceHash = deviceSourcesHash();
  // Counts of an earlier run on the same runtime sources, keyed by each graph's SHA-256 (a refit after changing
  // features.ts needs no QEMU; a changed graph is counted again).
  let cache: Map<string, number[]> | undefined;
  let sizeCache: Map<string, DeviceImageSize> | undefined;
  if (opts.countsFile && existsSync(opts.countsFile)) {
    const saved = JSON.parse(readFileSync(opts.countsFile, 'utf8')) as {
      hash: string;
      layers: Record<string, number[]>;
      sizes?: Record<string, DeviceImageSize>;
      deviceHash?: string;
    };
    if (saved.hash === hashBefore) {
      cache = new Map(Object.entries(saved.layers));
      // sizes also depend on the device files (startup, linker script, app)
      if (saved.deviceHash === deviceHash) sizeCache = new Map(Object.entries(saved.sizes ?? {}));
    }
  }
  const graphs = [...calibrationGraphs(), ...calibrationRandomGraphs()];
  const limit = limiter(2);
  const started = Date.now();
  let done = 0;
  const counted = await Promise.all(
    graphs.map((g, i) =>
      limit(async () => {
        const cached = cache?.get(deployGraphSha256(g));
        if (cached && cached.length === g.ops.length) {
          return { graph: g, layers: cached, total: cached.reduce((a, b) => a + b, 0) };
        }
        const c = await countGraphInstructions(g, i + 1);
        done++;
        log(
          `  [${done}/${graphs.length}] ${g.name}: ${g.ops.length} layers, ${c.total} instructions (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
        return c;
      }),
    ),
  );
  let sized = 0;
  const images = await Promise.all(
    graphs.map((g, i) =>
      limit(async () => {
        const cached = sizeCache?.get(deployGraphSha256(g));
        if (cached) return { graph: g, size: cached };
        const size = await measureDeviceImage(g, i + 1);
        sized++;
        log(
          `  [device ${sized}] ${g.name}: text ${size.text}, data ${size.data}, bss ${size.bss} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
        return { graph: g, size };
      }),
    ),
  );
  if (runtimeSourcesHash() !== hashBefore || deviceSourcesHash() !== deviceHash)
    throw new Error('latency: the runtime sources changed while the table was being measured; run it again');
  if (opts.countsFile) {
    const layers = Object.fromEntries(counted.map((c) => [deployGraphSha256(c.graph), c.layers]));
    const sizes = Object.fromEntries(images.map((c) => [deployGraphSha256(c.graph), c.size]));
    writeFileSync(opts.countsFile, JSON.stringify({ hash: hashBefore, layers, sizes, deviceHash }));
  }
  const firmware = { deviceSourcesSha256: deviceHash, ...fitFirmwareImage(images) };
  log(
    `  device code: ${firmware.code.samples} images, rms ${(firmware.code.rmsRelError * 100).toFixed(2)} %, max ${(firmware.code.maxRelError * 100).toFixed(2)} %; runtime RAM ${firmware.runtimeRamMinBytes}–${firmware.runtimeRamBytes} B`,
  );
  const samples = new Map<string, Sample[]>();
  for (const c of counted) {
    for (const [v, s] of samplesOf(c)) samples.set(v, [...(samples.get(v) ?? []), ...s]);
  }
  const variants: Record<string, VariantCost> = {};
  for (const v of [...samples.keys()].sort()) {
    const s = samples.get(v)!;
    const fit = fitCostFormula(s);
    const round = (x: number) => Number(x.toPrecision(6));
    variants[v] = {
      coefficients: Object.fromEntries(Object.entries(fit.coefficients).map(([f, c]) => [f, round(c)])),
      samples: s.length,
      maxRelError: round(fit.maxRelError),
      rmsRelError: round(fit.rmsRelError),
    };
    log(
      `  ${v}: ${s.length} samples, rms ${(fit.rmsRelError * 100).toFixed(2)} %, max ${(fit.maxRelError * 100).toFixed(2)} %`,
    );
  }
  return {
    generatedBy: REGENERATE_COMMAND,
    runtimeSourcesSha256: hashBefore,
    runtimeFiles: runtimeSourceFiles(),
    compiler: `${await compilerVersion()}; -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 (the bundle's emulator build)`,
    graphs: graphs.length,
    variants,
    firmware,
  };
}
