import type { OpBase, OutputTransform } from './common.js';
import { defineOp } from './contract.js';

/** Binary dense: input bitpacked `[Cin]`; output float32 or bitpacked `[Cout]`. K = Cin. */
export interface BDenseOp extends OpBase {
  op: 'bdense';
  /** Packed `[Cout, ceil(Cin/32)]` words. */
  filter: Int32Array;
  inChannels: number;
  outChannels: number;
  transform: OutputTransform;
}

export const bdenseOp = defineOp<BDenseOp>({
  kind: 'bdense',
  arity: 'one',
  summary: 'binary dense layer (XOR + popcount), float or bit-packed output',
  outputShape: (op) => [op.outChannels],
  check(op, c, [x], out) {
    c.kind(x!, 'bitpacked', 'input');
    c.rank(x!, 1, 'input');
    c.channels(op.inChannels, x!.channels, 'inChannels');
    c.positive(op.outChannels, 'outChannels');
    c.packedFilter(op.filter, op.outChannels, op.inChannels);
    c.transform(op.transform, op.outChannels, out, false);
  },
});
