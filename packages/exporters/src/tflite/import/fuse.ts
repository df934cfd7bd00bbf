/**
 * Exact peephole fusions of imported deploy ops: they undo the splits `../write-tflite.ts` (and LCE's converter)
 * make, so a file the studio wrote imports back to the graph it came from. Each one computes the same float32
 * steps as the operators it replaces (docs/deploy-graph.md §4.1):
 *
 * - MUL(x, s) then ADD(·, b) with constants → `scale_shift` { s, b }: `f(f(x·s) + b)` either way.
 * - A binary conv / dense with float output and no activation, read only by RELU → `activation: 'relu'`.
 * - LceBconv2d with unit multiplier and zero bias (the exact dot) → RELU / RELU6 / RELU_N1_TO_1 → MUL → ADD (the
 *   writer's unfused zero-padded form, LCE never fuses an activation there) → `clamp: 'relu'` / `'relu6'` /
 *   `'relu_n1_to_1'` with the MUL/ADD constants (the float clamp of the integer-valued dot is the int32 clamp).
 * - ADD chains whose intermediate sum is read once → one n-ary `add` (the sum runs left to right either way).
 */
import type { DeployOp, DotClamp } from '@bnn-studio/bnn-core';
import type { DT } from './import-tflite.js';

type Attrs = DeployOp extends infer O
  ? O extends DeployOp
    ? Omit<O, 'inputs' | 'outputs' | 'sourceNode'>
    : never
  : never;

/** A deploy op being imported: inputs / output as mutable tensors, the TFLite operator it came from. */
export interface PendingOp {
  attrs: Attrs | { op: string; [k: string]: unknown };
  ins: DT[];
  out: DT;
  /** TFLite operator index (-1: added for the model's input). */
  opIndex: number;
  source: string;
}

/** The dot clamp of each float clamp op that follows a unit LceBconv2d (RELU_N1_TO_1 imports as hard_tanh). */
const CLAMP_OF_OP: Record<string, DotClamp> = { relu: 'relu', relu6: 'relu6', hard_tanh: 'relu_n1_to_1' };

type FloatTransform = {
  kind: 'float';
  clamp: DotClamp;
  multiplier: Float32Array;
  bias: Float32Array;
  activation: 'none' | 'relu';
};

export function fuseDeployOps(ops: PendingOp[], outputs: Set<DT>): PendingOp[] {
  let list = [...ops];
  const consumers = () => {
    const m = new Map<DT, PendingOp[]>();
    for (const p of list) for (const t of p.ins) m.set(t, [...(m.get(t) ?? []), p]);
    return m;
  };
  /** The only reader of `t`, when `t` is not a model output. */
  const soleReader = (m: Map<DT, PendingOp[]>, t: DT): PendingOp | null => {
    const c = m.get(t);
    return !outputs.has(t) && c && c.length === 1 ? c[0]! : null;
  };
  const drop = (gone: Set<PendingOp>) => {
    list = list.filter((p) => !gone.has(p));
  };
  const attrs = (p: PendingOp) => p.attrs as Record<string, unknown>;

  // MUL + ADD → scale_shift.
  {
    const m = consumers();
    const gone = new Set<PendingOp>();
    for (const p of list) {
      if (gone.has(p) || p.attrs.op !== 'scale_shift') continue;
      const a = attrs(p) as { scale: Float32Array; shift: Float32Array };
      if (!a.shift.every((v) => v === 0 && !Object.is(v, -0))) continue;
      const next = soleReader(m, p.out);
      if (next?.attrs.op !== 'scale_shift' || gone.has(next)) continue;
      const b = attrs(next) as { scale: Float32Array; shift: Float32Array };
      if (!b.scale.every((v) => v === 1)) continue;
      next.attrs = { op: 'scale_shift', scale: a.scale, shift: b.shift };
      next.ins = p.ins;
      next.source = p.source;
      gone.add(p);
    }
    drop(gone);
  }

  // Unit LceBconv2d → RELU / RELU6 / RELU_N1_TO_1 → scale_shift [→ RELU] → clamped transform.
  {
    const m = consumers();
    const gone = new Set<PendingOp>();
    for (const p of list) {
      if (p.attrs.op !== 'bconv2d' || gone.has(p)) continue;
      const t = attrs(p).transform as FloatTransform | { kind: 'bitpacked' };
      if (t.kind !== 'float' || t.clamp !== 'none' || t.activation !== 'none') continue;
      if (!t.multiplier.every((v) => v === 1) || !t.bias.every((v) => v === 0)) continue;
      const relu = soleReader(m, p.out);
      const clamp = relu && Object.hasOwn(CLAMP_OF_OP, relu.attrs.op) ? CLAMP_OF_OP[relu.attrs.op]! : null;
      if (!relu || !clamp) continue;
      const ss = soleReader(m, relu.out);
      if (ss?.attrs.op !== 'scale_shift') continue;
      const { scale, shift } = attrs(ss) as { scale: Float32Array; shift: Float32Array };
      let out = ss.out;
      let activation: 'none' | 'relu' = 'none';
      const after = soleReader(m, ss.out);
      if (after && after.attrs.op === 'relu') {
        activation = 'relu';
        out = after.out;
        gone.add(after);
      }
      p.attrs = {
        ...p.attrs,
        transform: { kind: 'float', clamp, multiplier: scale, bias: shift, activation },
      } as PendingOp['attrs'];
      p.out = out;
      gone.add(relu);
      gone.add(ss);
    }
    drop(gone);
  }

  // Binary layer with float output → RELU: the transform's activation.
  {
    const m = consumers();
    const gone = new Set<PendingOp>();
    for (const p of list) {
      if ((p.attrs.op !== 'bconv2d' && p.attrs.op !== 'bdense') || gone.has(p)) continue;
      const t = attrs(p).transform as FloatTransform | { kind: 'bitpacked' };
      if (t.kind !== 'float' || t.activation !== 'none') continue;
      const relu = soleReader(m, p.out);
      if (relu?.attrs.op !== 'relu') continue;
      p.attrs = { ...p.attrs, transform: { ...t, activation: 'relu' } } as PendingOp['attrs'];
      p.out = relu.out;
      gone.add(relu);
    }
    drop(gone);
  }

  // ADD chains → n-ary add.
  for (let changed = true; changed; ) {
    changed = false;
    const m = consumers();
    for (const p of list) {
      if (p.attrs.op !== 'add') continue;
      const next = soleReader(m, p.out);
      if (next?.attrs.op !== 'add' || next.ins[0] !== p.out || next.ins.includes(p.out, 1)) continue;
      next.ins = [...p.ins, ...next.ins.slice(1)];
      next.source = p.source;
      drop(new Set([p]));
      changed = true;
      break;
    }
  }
  return list;
}
