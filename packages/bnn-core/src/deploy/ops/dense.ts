import type { FloatActivation, OpBase } from './common.js';
import { defineOp } from './contract.js';

/** Float dense: `[Cin]` → `[Cout]`, weights `[Cin, Cout]`. */
export interface DenseOp extends OpBase {
  op: 'dense';
  weights: Float32Array;
  bias: Float32Array | null;
  inChannels: number;
  outChannels: number;
  activation: FloatActivation;
}

export const denseOp = defineOp<DenseOp>({
  kind: 'dense',
  arity: 'one',
  summary: 'float dense layer, optional bias and ReLU',
  outputShape: (op) => [op.outChannels],
  check(op, c, ins, out) {
    const x = ins[0]!;
    c.kinds(ins, 'float32', out, 'float32');
    c.rank(x, 1, 'input');
    c.activation(op.activation, 'activation');
    c.channels(op.inChannels, x.channels, 'inChannels');
    c.array(op.weights, Float32Array, op.inChannels * op.outChannels, 'weights');
    if (op.bias !== null) c.array(op.bias, Float32Array, op.outChannels, 'bias');
  },
});
