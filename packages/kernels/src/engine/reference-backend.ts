/** Backend that runs every op with the readable TypeScript reference kernels, one sample at a time. */
import { unpackBits } from '../bitpack.js';
import { nonFiniteOutput } from '../errors.js';
import type { Plan } from '../plan.js';
import { runReferenceOp, type Value } from '../reference/kernels.js';
import type { Backend } from './types.js';

export function runPlanReferenceSample(plan: Plan, x: Float32Array): Value[] {
  const values = new Map<string, Value>([[plan.input.id, x]]);
  for (const { op, inputs, output } of plan.ops) {
    values.set(
      output.id,
      runReferenceOp(
        op,
        inputs.map((t) => values.get(t.id)!),
        inputs,
        output,
      ),
    );
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
          // int8 outputs are returned as their integer values (as the float oracle holds them).
          const f =
            t.kind === 'bitpacked'
              ? unpackBits(y as Int32Array, t.channels, t.positions)
              : t.kind === 'int8'
                ? Float32Array.from(y as Int8Array)
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
