/**
 * What the int8 conv / depthwise / dense ops share: TFLite's reference integer kernels
 * (`reference_integer_ops::ConvPerChannel`, `DepthwiseConvPerChannel`, `FullyConnectedPerChannel`):
 *
 *   acc[c] = Σ_taps w[c, tap] · (x[tap] − in.zeroPoint) + bias[c]       (int32; taps outside the input skipped)
 *   y[c]   = clamp(MultiplyByQuantizedMultiplier(acc[c], M[c], S[c]) + out.zeroPoint, lo, hi)
 *
 * with symmetric per-output-channel int8 weights (zero point 0, values in [−127, 127]), an int32 bias of scale
 * `in.scale · filterScales[c]`, and `(M[c], S[c]) = QuantizeMultiplier(in.scale · filterScales[c] / out.scale)`
 * (bnn-core `math/int8.ts`, `channelMultipliers`). `[lo, hi]` is [−128, 127], or [max(−128, out.zeroPoint), 127]
 * with a fused ReLU.
 */
import type { OpChecker, OpTensor } from './contract.js';

/** The largest accumulator magnitude has to fit int32: Σ |w|·|x − zp| ≤ taps · 127 · 255, plus |bias|. */
export function checkAccumulator(c: OpChecker, taps: number, bias: Int32Array | null, name: string): void {
  let maxBias = 0;
  if (bias) for (let i = 0; i < bias.length; i++) maxBias = Math.max(maxBias, Math.abs(bias[i]!));
  if (taps * 127 * 255 + maxBias > 2147483647) {
    c.fail(
      `${name}: ${taps} taps per output (and bias up to ${maxBias}) can overflow the int32 accumulator.`,
      'Split the layer or keep it float32.',
    );
  }
}

/** Input, output int8; weights, scales and bias of `outChannels` channels. */
export function checkInt8Weights(
  c: OpChecker,
  ins: readonly OpTensor[],
  out: OpTensor,
  op: { filterScales: Float32Array; bias: Int32Array | null; activation: unknown },
  weights: { value: unknown; length: number; name: string },
  outChannels: number,
): void {
  c.kinds(ins, 'int8', out, 'int8');
  c.quant(ins[0]!);
  c.quant(out);
  c.activation(op.activation, 'activation');
  c.int8Weights(weights.value, weights.length, weights.name);
  c.scales(op.filterScales, outChannels, 'filterScales');
  if (op.bias !== null) c.array(op.bias, Int32Array, outChannels, 'bias');
}
