/**
 * `npm run bench -w @bnn-studio/exporters` → bench-results/exporters.json (and a table on stdout).
 *
 * Firmware (all counts exact, from the QEMU TCG instruction-count plugin on an emulated Cortex-M4):
 *   - single 3×3 / 1×1 convs, in instructions per MAC: the runtime's int8 conv (bnn_s8_conv2d, TFLite int8
 *     semantics, SXTB16/SMLAD) against the published CMSIS-NN arm_convolve_s8 figures where they exist
 *     (CMSIS_NN_PUBLISHED_PER_MAC), and our binary conv (bit-packed and float output) against the better
 *     (lower) of the two int8 figures — an honest baseline, never a slower stand-in.
 *   - the other int8 kernels (runtime/bench/bench_int8.c: RGB stem conv, 1×1 convs, depthwise, dense), fast
 *     version against its TFLite-reference C loop, in instructions per MAC.
 *   - the popcount variants inside the binary conv, against __builtin_popcount (a libgcc call on M4).
 *   - per preset (seeded random weights): instructions per inference and per layer, flash and RAM of the
 *     device image (arm-none-eabi-size of the STM32L4R9 build), arena bytes.
 * Formats (.bnn, .tflite): formatCases() from ./formats.js; the .tflite importer: importCases() from ./import.js;
 * tflite-xcore on the MNIST test split against the TFLite/LCE int8 reference: xcoreSplitCases() from ./xcore-split.js.
 *
 * Environment: BNN_EXPORTERS_BENCH=conv,int8,presets,latency,formats,import,xcore-split (any comma-separated subset of the sections;
 * default all; a subset writes bench-results/exporters-<sections>.json instead of exporters.json),
 * BNN_BENCH_PRESETS=id,id (the presets measured). Each preset with a float first conv or a float last dense is
 * measured twice: as it ships (those two layers in int8, bnn-core's `PRESET_FIRST_LAST_PRECISION`) and with them in
 * float32 (`withFirstLastPrecision`, case names `<id> (float32 first/last)`), so the int8 deployment's figures sit
 * beside the float32 ones of the same run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  firstLastLayers,
  type GraphSpec,
  getPreset,
  listPresets,
  lower,
  randomWeights,
  withFirstLastPrecision,
} from '@bnn-studio/bnn-core';
import {
  type ConvShape,
  cmsisNnPublishedPerMac,
  convMacs,
  DEFAULT_POPCOUNT,
  POPCOUNT_VARIANTS,
  runConvBench,
  runInt8Bench,
} from '../firmware/conv-bench.js';
import { latencyCase, latencyRandomCases } from '../latency/bench.js';
import { estimateFirmwareMemory } from '../latency/memory.js';
import { buildStm32Bundle } from '../stm32/bundle.js';
import { run, unpackBundle, verifyStm32Bundle } from '../stm32/verify.js';
import { type BenchCase, formatCases } from './formats.js';
import { importCases } from './import.js';
import { xcoreSplitCases } from './xcore-split.js';

const LOWER = 'Cortex-M4 instructions (lower is better)';

const shapeName = (s: ConvShape) => `${s.k}x${s.k} conv ${s.h}x${s.w}x${s.cin}->${s.cout}`;

const CONV_SHAPES: ConvShape[] = [
  // the four shapes with published CMSIS-NN figures (CMSIS_NN_PUBLISHED_PER_MAC)
  { h: 32, w: 32, cin: 64, cout: 64, k: 3 },
  { h: 16, w: 16, cin: 128, cout: 128, k: 3 },
  { h: 8, w: 8, cin: 256, cout: 256, k: 3 },
  { h: 4, w: 4, cin: 512, cout: 512, k: 3 },
  { h: 16, w: 16, cin: 64, cout: 64, k: 3 },
  { h: 8, w: 8, cin: 128, cout: 128, k: 3 },
  { h: 4, w: 4, cin: 256, cout: 256, k: 3 },
  { h: 32, w: 32, cin: 32, cout: 32, k: 3 },
  { h: 16, w: 16, cin: 64, cout: 64, k: 1 },
  { h: 8, w: 8, cin: 256, cout: 256, k: 1 },
];

async function convCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const byVariant = new Map<number, Awaited<ReturnType<typeof runConvBench>>>();
  for (const v of POPCOUNT_VARIANTS) byVariant.set(v.id, await runConvBench(CONV_SHAPES, v.id));
  const best = byVariant.get(DEFAULT_POPCOUNT)!;
  for (const r of best) {
    const macs = convMacs(r.shape);
    const int8PerMac = r.int8 / macs;
    const published = cmsisNnPublishedPerMac(r.shape);
    cases.push({
      case: `int8 ${shapeName(r.shape)}, bnn_s8_conv2d (TFLite int8 semantics)`,
      metric: `${LOWER} per MAC; ratio = ours/published CMSIS-NN`,
      value: int8PerMac,
      unit: 'instructions/MAC',
      baseline: published === undefined ? null : 'CMSIS-NN arm_convolve_s8, published (gcc -O2, QEMU count)',
      baselineValue: published ?? null,
      ratio: published === undefined ? null : int8PerMac / published,
    });
    // the honest baseline: the better (lower) of our int8 kernel and the published CMSIS-NN figure
    const useOurs = published === undefined || int8PerMac <= published;
    const basePerMac = useOurs ? int8PerMac : published;
    const baseline = useOurs
      ? `int8 bnn_s8_conv2d, ${int8PerMac.toFixed(3)}/MAC, same harness${published === undefined ? '' : ` (published CMSIS-NN: ${published})`}`
      : `published CMSIS-NN arm_convolve_s8, ${published}/MAC (ours: ${int8PerMac.toFixed(3)})`;
    for (const [label, count] of [
      ['bit-packed output', r.binaryBitpacked],
      ['float output', r.binaryFloat],
    ] as const) {
      cases.push({
        case: `binary ${shapeName(r.shape)}, ${label}`,
        metric: `${LOWER} per MAC; ratio = ours/better int8 baseline`,
        value: count / macs,
        unit: 'instructions/MAC',
        baseline,
        baselineValue: basePerMac,
        ratio: count / macs / basePerMac,
      });
    }
  }
  const builtin = byVariant.get(4)!;
  for (const v of POPCOUNT_VARIANTS) {
    if (v.id === 4) continue;
    byVariant.get(v.id)!.forEach((r, i) => {
      if (r.shape.k !== 3) return;
      cases.push({
        case: `popcount ${v.name} in binary ${shapeName(r.shape)}`,
        metric: LOWER,
        value: r.binaryBitpacked,
        unit: 'instructions',
        baseline: POPCOUNT_VARIANTS[3].name,
        baselineValue: builtin[i]!.binaryBitpacked,
        ratio: r.binaryBitpacked / builtin[i]!.binaryBitpacked,
      });
    });
  }
  return cases;
}

/** The other int8 kernels (stem conv, 1×1, depthwise, dense): fast vs their TFLite-reference C loops. */
async function int8Cases(): Promise<BenchCase[]> {
  return (await runInt8Bench()).map((r) => ({
    case: `int8 ${r.name}, fast kernel`,
    metric: `${LOWER} per MAC; ratio = fast/reference`,
    value: r.fast / r.macs,
    unit: 'instructions/MAC',
    baseline: 'the TFLite-reference C loop of the same kernel (bnn_s8_*_ref), same harness',
    baselineValue: r.reference / r.macs,
    ratio: r.fast / r.reference,
  }));
}

/** text+data (flash) and data+bss (static RAM) of the STM32L4R9 device image. */
/** The device image's flash (text + data without the self-check's golden vectors) and static RAM (data + bss). */
async function deviceSize(
  zip: Uint8Array,
  goldenBytes: number,
): Promise<{ flash: number; ram: number } | null> {
  const dir = mkdtempSync(join(os.tmpdir(), 'bnn-bench-size-'));
  try {
    const root = unpackBundle(zip, dir);
    const make = await run('make', ['build/firmware.elf'], root, 300_000);
    if (make.code !== 0) return null;
    const size = await run('arm-none-eabi-size', ['build/firmware.elf'], root, 30_000);
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)/m.exec(size.stdout.split('\n')[1] ?? '');
    if (!m) return null;
    const [text, data, bss] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return { flash: text + data - goldenBytes, ram: data + bss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function presetCases(): Promise<BenchCase[]> {
  const cases: BenchCase[] = [];
  const none = { baseline: null, baselineValue: null, ratio: null };
  const only = process.env.BNN_BENCH_PRESETS?.split(',').filter(Boolean);
  const variants: Array<{ id: string; graph: GraphSpec }> = [];
  for (const p of listPresets()) {
    if (only && !only.includes(p.id)) continue;
    const graph = getPreset(p.id);
    variants.push({ id: p.id, graph });
    const { firstConv, lastDense } = firstLastLayers(graph);
    const ids = [firstConv, lastDense].filter((x): x is string => x !== undefined);
    const float = withFirstLastPrecision(graph, 'float32');
    if (ids.length > 0 && JSON.stringify(float) !== JSON.stringify(graph)) {
      variants.push({ id: `${p.id} (float32 first/last)`, graph: float });
    }
  }
  for (const p of variants) {
    const graph = p.graph;
    const deploy = lower(graph, randomWeights(graph, 1));
    const { zip, manifest } = await buildStm32Bundle(deploy, { goldenCount: 1 });
    const result = await verifyStm32Bundle(zip, { countInstructions: true });
    if (!result.passed) throw new Error(`bench: preset ${p.id} failed its self-check:\n${result.log}`);
    cases.push({
      case: `${p.id}: instructions per inference`,
      metric: LOWER,
      value: result.instructions ?? 0,
      unit: 'instructions',
      ...none,
    });
    if (result.instructions) cases.push(latencyCase(p.id, deploy, result.instructions));
    const size = await deviceSize(zip, manifest.memory.goldenBytes);
    if (size) {
      cases.push({
        case: `${p.id}: flash (STM32L4R9 image text+data − golden vectors)`,
        metric: 'bytes (lower is better)',
        value: size.flash,
        unit: 'B',
        baseline: 'flash size',
        baselineValue: manifest.memory.flashLimitBytes,
        ratio: size.flash / manifest.memory.flashLimitBytes,
      });
      const ram = size.ram + 8 * 1024;
      cases.push({
        case: `${p.id}: RAM (data+bss incl. arena, + 8 KB stack)`,
        metric: 'bytes (lower is better)',
        value: ram,
        unit: 'B',
        baseline: 'SRAM size',
        baselineValue: manifest.memory.ramLimitBytes,
        ratio: ram / manifest.memory.ramLimitBytes,
      });
      const est = estimateFirmwareMemory(deploy);
      cases.push({
        case: `${p.id}: composer flash estimate (model data + code estimate) vs the device image`,
        metric: 'bytes; ratio = estimate / arm-none-eabi-size text+data − golden vectors',
        value: est.flashBytes,
        unit: 'B',
        baseline: 'STM32L4R9 image text+data − golden vectors',
        baselineValue: size.flash,
        ratio: est.flashBytes / size.flash,
      });
      cases.push({
        case: `${p.id}: composer RAM estimate (arena + stack + runtime) vs the device image`,
        metric: 'bytes; ratio = estimate / (data+bss + 8 KB stack)',
        value: est.ramBytes,
        unit: 'B',
        baseline: 'STM32L4R9 image data+bss + 8 KB stack',
        baselineValue: ram,
        ratio: est.ramBytes / ram,
      });
    }
    cases.push({
      case: `${p.id}: arena`,
      metric: 'bytes (lower is better)',
      value: manifest.memory.arenaBytes,
      unit: 'B',
      ...none,
    });
    const layers = result.layerInstructions ?? [];
    // per layer, grouped by op kind share and listed individually
    layers.forEach((n, i) => {
      const op = deploy.ops[i]!;
      cases.push({
        case: `${p.id}: layer ${i} ${op.op} (${op.sourceNode})`,
        metric: LOWER,
        value: n,
        unit: 'instructions',
        ...none,
      });
    });
  }
  return cases;
}

function printTable(cases: BenchCase[]): void {
  const rows = cases.map((c) => [
    c.case,
    `${c.value} ${c.unit}`,
    c.baseline === null ? '-' : `${c.baselineValue} (${c.baseline})`,
    c.ratio === null ? '-' : c.ratio.toFixed(3),
  ]);
  const header = ['case', 'value', 'baseline', 'ratio'];
  const widths = header.map((h, i) => Math.min(90, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((x, i) => x.slice(0, 90).padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
}

/** The bench's sections; `BNN_EXPORTERS_BENCH=conv,int8` runs only those (and writes exporters-conv-int8.json). */
const SECTIONS = {
  conv: convCases,
  int8: int8Cases,
  presets: presetCases,
  latency: latencyRandomCases,
  formats: formatCases,
  import: async () => importCases(),
  'xcore-split': xcoreSplitCases,
} satisfies Record<string, () => Promise<BenchCase[]>>;
type Section = keyof typeof SECTIONS;

function selectedSections(): Section[] {
  const only = process.env.BNN_EXPORTERS_BENCH;
  if (!only) return Object.keys(SECTIONS) as Section[];
  const names = only.split(',').map((s) => s.trim());
  const bad = names.filter((n) => !(n in SECTIONS));
  if (bad.length > 0)
    throw new Error(
      `BNN_EXPORTERS_BENCH: unknown section ${bad.join(', ')} (fix: a comma-separated subset of ${Object.keys(SECTIONS).join(', ')})`,
    );
  return names as Section[];
}

async function main() {
  const sections = selectedSections();
  const cases: BenchCase[] = [];
  for (const s of sections) cases.push(...(await SECTIONS[s]()));
  const cpus = os.cpus();
  const out = {
    package: '@bnn-studio/exporters',
    machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length },
    cases,
  };
  const repo = fileURLToPath(new URL('../../../../', import.meta.url));
  mkdirSync(join(repo, 'bench-results'), { recursive: true });
  const subset = process.env.BNN_EXPORTERS_BENCH || process.env.BNN_BENCH_PRESETS;
  const file = subset ? `exporters-${sections.join('-')}.json` : 'exporters.json';
  writeFileSync(join(repo, 'bench-results', file), `${JSON.stringify(out, null, 2)}\n`);
  printTable(cases);
}

await main();
