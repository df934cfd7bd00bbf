import type { DeployGraph } from './deploy-types.js';

export interface DeployStats {
  /** Bytes of all constant arrays (packed filters, thresholds, multipliers, biases, float weights). */
  weightBytes: number;
  /** Bytes of bit-packed filters alone. */
  packedFilterBytes: number;
  /** Ops by kind, e.g. `{ bconv2d: 4, conv2d: 1 }`. */
  opCounts: Record<string, number>;
}

/** Size and composition of a lowered graph's constants (what a `.bnn` or firmware image must store). */
export function deployStats(deploy: DeployGraph): DeployStats {
  let weightBytes = 0;
  let packedFilterBytes = 0;
  const opCounts: Record<string, number> = {};
  for (const op of deploy.ops) {
    opCounts[op.op] = (opCounts[op.op] ?? 0) + 1;
    for (const [key, value] of Object.entries(op)) {
      if (ArrayBuffer.isView(value)) {
        weightBytes += value.byteLength;
        if (key === 'filter' && value instanceof Int32Array) packedFilterBytes += value.byteLength;
      } else if (key === 'transform' && value) {
        for (const v of Object.values(value)) if (ArrayBuffer.isView(v)) weightBytes += v.byteLength;
      }
    }
  }
  return { weightBytes, packedFilterBytes, opCounts };
}
