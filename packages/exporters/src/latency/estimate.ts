/**
 * `estimateLatency(deploy, target)`: instructions per op from the generated cost table (exact QEMU counts of the
 * runtime's kernels, fitted per kernel variant: cost-table.ts, scripts/latency-table.ts), turned into
 * milliseconds by a documented cycles-per-instruction figure per target. Pure and browser-safe: the composer
 * calls it on every edit.
 *
 * Accuracy: the instruction estimate is tested within ±10 % of the QEMU count for every preset
 * (latency-qemu.test.ts); milliseconds add the CPI assumption below, which is not measured on hardware here.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { COST_TABLE } from './cost-table.js';
import type { CostTable } from './cost-table-types.js';
import { opCostFeatures } from './features.js';
import { predict } from './fit.js';

export type LatencyTargetId = 'stm32l4r9' | 'xcore';

export interface LatencyTarget {
  id: LatencyTargetId;
  label: string;
  /** Core clock the estimate assumes. */
  clockHz: number;
  /** Core clock cycles per (Cortex-M4) instruction of the runtime. */
  cyclesPerInstruction: number;
  /** Where the figures come from and what they leave out. */
  basis: string;
  /** True where the figure is an estimate beyond the instruction count (always, until measured on a board). */
  estimate: true;
}

export const LATENCY_TARGETS = {
  stm32l4r9: {
    id: 'stm32l4r9',
    label: 'STM32L4R9 (Cortex-M4F, 120 MHz)',
    clockHz: 120_000_000,
    cyclesPerInstruction: 1.2,
    basis:
      'Cortex-M4 r0p1 TRM instruction timings: data-processing, MUL/MLA, SMLAD/SMLABB, VADD/VMUL.F32 1 cycle; ' +
      'LDR 2 (1 when pipelined after another load), LDM/STM 1+N, VLDR 2, VMLA 3 (the runtime builds with ' +
      '-ffp-contract=off, so none), taken branches 2–4 (pipeline refill). The kernels are load-heavy loops ' +
      '(≈1 load per 2–4 instructions, a taken branch per loop iteration), and the STM32L4R9 ART accelerator ' +
      '(instruction cache + prefetch) hides the 5 flash wait states at 120 MHz for such loops: 1.2 cycles per ' +
      "instruction. It matches the issue #15 budget (20 M instructions ≈ 200 ms at 120 MHz) and Plumerai's MLPerf " +
      'Tiny v1.0 visual wake words figure on a 120 MHz STM32L4R5 (208.6 ms); not measured on a board here.',
    estimate: true,
  },
  xcore: {
    id: 'xcore',
    label: 'XMOS xcore.ai (one hardware thread, 800 MHz tile)',
    clockHz: 800_000_000,
    cyclesPerInstruction: 5,
    basis:
      'XMOS xcore.ai (XU316) datasheet: 800 MHz tile clock, 8 hardware threads sharing a 5-stage pipeline, so ' +
      'one thread issues at most every 5th cycle (160 MIPS per thread, 800 MIPS per tile when ≥ 5 threads run). ' +
      "The bundle's portable C runtime runs scalar on one thread; the estimate takes the Cortex-M4 instruction " +
      'count as the XS3 count (both 32-bit load/store ISAs; not measured) and ignores dual issue. The 256-bit ' +
      'vector unit (32 int8 or 256 binary MACs per instruction), used by xformer/LCE kernels of the .tflite path, ' +
      'is not used by the portable runtime, so that path would be faster: an estimate, not a measurement.',
    estimate: true,
  },
} as const satisfies Record<LatencyTargetId, LatencyTarget>;

export const LATENCY_TARGET_IDS: readonly LatencyTargetId[] = ['stm32l4r9', 'xcore'];

export interface OpLatency {
  /** DeployGraph op index. */
  index: number;
  op: string;
  /** The graph node this op was lowered from. */
  sourceNode: string;
  variant: string;
  instructions: number;
  ms: number;
}

export interface LatencyEstimate {
  target: LatencyTarget;
  instructions: number;
  ms: number;
  ops: OpLatency[];
  /** Instructions and ms summed per source node (several deploy ops can come from one node). */
  byNode: Record<string, { instructions: number; ms: number }>;
  /** Kernel variants the table has no formula for (estimated from a sibling variant, or 0): re-run the table. */
  unmeasured: string[];
}

export class LatencyError extends Error {
  constructor(
    readonly code: 'latency.unknown_target',
    message: string,
    readonly fix: string,
  ) {
    super(`${message} Fix: ${fix}`);
    this.name = 'LatencyError';
  }
}

function resolveTarget(target: LatencyTargetId | LatencyTarget): LatencyTarget {
  if (typeof target !== 'string') return target;
  const t = (LATENCY_TARGETS as Record<string, LatencyTarget>)[target];
  if (!t)
    throw new LatencyError(
      'latency.unknown_target',
      `estimateLatency: unknown target "${target}".`,
      `use one of ${LATENCY_TARGET_IDS.join(', ')}, or pass a LatencyTarget object.`,
    );
  return t;
}

/** The formula of `variant`, else of a sibling variant of the same op kind (`kind/…`), else none. */
function formulaOf(table: CostTable, variant: string): Record<string, number> | undefined {
  const own = table.variants[variant];
  if (own) return own.coefficients;
  const kind = variant.split('/')[0]!;
  const sibling = Object.keys(table.variants).find((v) => v === kind || v.startsWith(`${kind}/`));
  return sibling ? table.variants[sibling]!.coefficients : undefined;
}

/** Instructions and milliseconds of one inference of `deploy` on `target`, per op and in total. */
export function estimateLatency(
  deploy: DeployGraph,
  target: LatencyTargetId | LatencyTarget,
  table: CostTable = COST_TABLE,
): LatencyEstimate {
  const t = resolveTarget(target);
  const msPer = (1000 * t.cyclesPerInstruction) / t.clockHz;
  const byId = new Map(deploy.tensors.map((x) => [x.id, x]));
  const unmeasured = new Set<string>();
  const ops: OpLatency[] = deploy.ops.map((op, index) => {
    const { variant, features } = opCostFeatures(op, byId);
    if (!table.variants[variant]) unmeasured.add(variant);
    const coef = formulaOf(table, variant);
    const instructions = coef ? Math.max(0, Math.round(predict(coef, features))) : 0;
    return { index, op: op.op, sourceNode: op.sourceNode, variant, instructions, ms: instructions * msPer };
  });
  const byNode: Record<string, { instructions: number; ms: number }> = {};
  for (const o of ops) {
    const n = byNode[o.sourceNode] ?? { instructions: 0, ms: 0 };
    n.instructions += o.instructions;
    n.ms += o.ms;
    byNode[o.sourceNode] = n;
  }
  const instructions = ops.reduce((a, o) => a + o.instructions, 0);
  return {
    target: t,
    instructions,
    ms: instructions * msPer,
    ops,
    byNode,
    unmeasured: [...unmeasured].sort(),
  };
}

/** The latency estimate as firmware manifests (and the API's export report) carry it. */
export interface ManifestLatency {
  estimatedInstructions: number;
  estimatedMs: number;
  target: string;
  clockHz: number;
  cyclesPerInstruction: number;
  basis: string;
}

export function manifestLatency(deploy: DeployGraph, target: LatencyTargetId): ManifestLatency {
  const est = estimateLatency(deploy, target);
  return {
    estimatedInstructions: est.instructions,
    estimatedMs: Number(est.ms.toFixed(3)),
    target: est.target.label,
    clockHz: est.target.clockHz,
    cyclesPerInstruction: est.target.cyclesPerInstruction,
    basis: est.target.basis,
  };
}
