/** Backend that runs every op with the readable TypeScript reference kernels, one sample at a time. */
import { packBits, unpackBits } from '../bitpack.js';
import { nonFiniteOutput, nonFiniteQuantize } from '../errors.js';
import type { Plan } from '../plan.js';
import {
  bconv2dReference,
  bdenseReference,
  bdepthwiseConv2dReference,
  bmaxpool2dReference,
} from '../reference/binary.js';
import { isFloatOp, runFloatOp } from '../reference/float-ops.js';
import type { Backend } from './types.js';

type Value = Float32Array | Int32Array;

export function runPlanReferenceSample(plan: Plan, x: Float32Array): Value[] {
  const values = new Map<string, Value>([[plan.input.id, x]]);
  for (const { op, inputs, output } of plan.ops) {
    const xs = inputs.map((t) => values.get(t.id)!);
    const a = inputs[0]!;
    const x0 = xs[0]!;
    let y: Value;
    if (isFloatOp(op)) {
      y = runFloatOp(op, xs as Float32Array[], inputs);
    } else {
      switch (op.op) {
        case 'quantize':
          if (!x0.every(Number.isFinite)) throw nonFiniteQuantize(op.sourceNode);
          y = packBits(x0, a.channels);
          break;
        case 'dequantize':
          y = unpackBits(x0 as Int32Array, a.channels, a.positions);
          break;
        case 'bconv2d':
          y = bconv2dReference(x0 as Int32Array, a.shape[0]!, a.shape[1]!, op);
          break;
        case 'bdense':
          y = bdenseReference(x0 as Int32Array, op);
          break;
        case 'bdepthwise_conv2d':
          y = bdepthwiseConv2dReference(x0 as Int32Array, a.shape[0]!, a.shape[1]!, op);
          break;
        case 'bmaxpool2d':
          y = bmaxpool2dReference(x0 as Int32Array, a.shape[0]!, a.shape[1]!, a.channels, op);
          break;
      }
    }
    values.set(output.id, y);
  }
  return plan.outputs.map((t) => values.get(t.id)!);
}

export function createReferenceBackend(plan: Plan): Backend {
  return {
    threads: 1,
    run(input, batch) {
      const outs = plan.outputs.map((t) => new Float32Array(batch * t.elements));
      for (let b = 0; b < batch; b++) {
        const x = input.subarray(b * plan.input.elements, (b + 1) * plan.input.elements);
        const ys = runPlanReferenceSample(plan, x);
        ys.forEach((y, i) => {
          const t = plan.outputs[i]!;
          const f =
            t.kind === 'bitpacked'
              ? unpackBits(y as Int32Array, t.channels, t.positions)
              : (y as Float32Array);
          if (!f.every(Number.isFinite)) throw nonFiniteOutput(t.id);
          outs[i]!.set(f, b * t.elements);
        });
      }
      return outs;
    },
    dispose() {},
  };
}
