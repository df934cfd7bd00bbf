/**
 * C emitters of the int8 deploy ops, calling the runtime's int8 kernels (`runtime/src/bnn_int8.h`: TFLite's
 * reference integer semantics, Cortex-M4 DSP fast paths). Requantization multipliers and shifts are computed
 * here, once, with bnn-core's `channelMultipliers` / `int8AddParams` (TFLite's QuantizeMultiplier in double),
 * so the firmware does no float math for them. The binary conv with int8 output runs the runtime's binary conv
 * with LCE's effective float transform (m' = m / s_out, b' = b / s_out + zp, activation none) into scratch,
 * then rounds half away from zero and saturates (`bnn_s8_quantize` with scale 1, zero point 0).
 */
import {
  type AxisWindow,
  axisWindow,
  bconvInt8Effective,
  channelMultipliers,
  type DeployTensor,
  type Int8Constant,
  type Int8Quant,
  int8ActivationRange,
  int8AddParams,
  int8HardSwishParams,
  int8MeanParams,
  int8MulParams,
  int8RequantizeParams,
  int8SoftmaxParams,
  isHardSwishRefusal,
  type Padding,
} from '@bnn-studio/bnn-core';
import { cFloat, cI32 } from '../c-literals.js';
import {
  binaryPad,
  type CEmitContext,
  type CKernel,
  chans,
  cWindow,
  dotClampInit,
  pixels,
  prod,
  windowOf,
  words,
} from './emitter.js';

const q = (t: DeployTensor): Int8Quant => t.quant!;
const I8 = (c: CEmitContext, id: string) => `(int8_t *)${c.P(id)}`;
const CI8 = (c: CEmitContext, id: string) => `(const int8_t *)${c.P(id)}`;
const scratch32 = (c: CEmitContext) => `(int32_t *)BNN_PTR(${c.scratch})`;

/** `bnn_s8_window` of a window over an `[H, W, ·]` input (TensorFlow's valid / same split). */
function s8Window(
  inShape: number[],
  k: [number, number],
  s: [number, number],
  d: [number, number],
  padding: Padding,
): string {
  const y: AxisWindow = axisWindow(inShape[0]!, k[0], s[0], d[0], padding);
  const x: AxisWindow = axisWindow(inShape[1]!, k[1], s[1], d[1], padding);
  return (
    `{.in_h = ${inShape[0]}, .in_w = ${inShape[1]}, .out_h = ${y.out}, .out_w = ${x.out}, .k_h = ${k[0]}, ` +
    `.k_w = ${k[1]}, .stride_h = ${s[0]}, .stride_w = ${s[1]}, .dil_h = ${d[0]}, .dil_w = ${d[1]}, ` +
    `.pad_top = ${y.padBefore}, .pad_left = ${x.padBefore}, .pad_bottom = ${y.padAfter}, .pad_right = ${x.padAfter}}`
  );
}

/** Multipliers, shifts, offsets and the activation clamp of a per-channel int8 layer. */
function requant(c: CEmitContext, filterScales: Float32Array, activation: 'none' | 'relu'): string {
  const inQ = q(c.inT);
  const outQ = q(c.outT);
  const { multipliers, shifts } = channelMultipliers(inQ.scale, filterScales, outQ.scale);
  const m = c.e.ints(`${c.prefix}_multiplier`, multipliers);
  const s = c.e.ints(`${c.prefix}_shift`, shifts);
  const [lo, hi] = int8ActivationRange(activation, outQ);
  return (
    `.multiplier = ${m}, .shift = ${s}, .input_offset = ${cI32(-inQ.zeroPoint)}, ` +
    `.output_offset = ${cI32(outQ.zeroPoint)}, .act_min = ${lo}, .act_max = ${hi}`
  );
}

export const int8QuantizeC: CKernel<'int8_quantize'> = {
  emit: (_op, c) =>
    `bnn_s8_quantize(${c.F(c.inT.id)}, ${I8(c, c.outT.id)}, ${c.n}, ${cFloat(q(c.outT).scale)}, ${q(c.outT).zeroPoint});`,
};

export const int8DequantizeC: CKernel<'int8_dequantize'> = {
  emit: (_op, c) =>
    `bnn_s8_dequantize(${CI8(c, c.inT.id)}, ${c.F(c.outT.id)}, ${c.n}, ${cFloat(q(c.inT).scale)}, ${q(c.inT).zeroPoint});`,
};

export const int8BitpackC: CKernel<'int8_bitpack'> = {
  emit: (_op, c) =>
    `bnn_s8_to_bitpacked(${CI8(c, c.inT.id)}, ${c.U(c.outT.id)}, ${pixels(c.inT)}, ${chans(c.inT)}, ${q(c.inT).zeroPoint});`,
};

export const int8Conv2dC: CKernel<'int8_conv2d'> = {
  scratchBytes: (op) => 4 * op.kernel[0] * op.kernel[1] * op.inChannels,
  emit(op, c) {
    const f = c.e.int8s(`${c.prefix}_filter`, op.filter);
    const b = op.bias ? c.e.ints(`${c.prefix}_bias`, op.bias) : 'NULL';
    const p = c.e.params(
      'bnn_s8_conv2d_params',
      `${c.prefix}_params`,
      `{.win = ${s8Window(c.inT.shape, op.kernel, op.strides, op.dilations, op.padding)}, .in_c = ${op.inChannels}, ` +
        `.out_c = ${op.outChannels}, .filter = ${f}, .bias = ${b}, ${requant(c, op.filterScales, op.activation)}}`,
    );
    return `bnn_s8_conv2d(&${p}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${scratch32(c)});`;
  },
};

export const int8DepthwiseConv2dC: CKernel<'int8_depthwise_conv2d'> = {
  scratchBytes: (op) => 4 * op.channels * op.depthMultiplier,
  emit(op, c) {
    const f = c.e.int8s(`${c.prefix}_filter`, op.filter);
    const b = op.bias ? c.e.ints(`${c.prefix}_bias`, op.bias) : 'NULL';
    const p = c.e.params(
      'bnn_s8_depthwise_params',
      `${c.prefix}_params`,
      `{.win = ${s8Window(c.inT.shape, op.kernel, op.strides, op.dilations, op.padding)}, .in_c = ${op.channels}, ` +
        `.depth_multiplier = ${op.depthMultiplier}, .filter = ${f}, .bias = ${b}, ` +
        `${requant(c, op.filterScales, op.activation)}}`,
    );
    return `bnn_s8_depthwise(&${p}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${scratch32(c)});`;
  },
};

export const int8DenseC: CKernel<'int8_dense'> = {
  scratchBytes: (op) => 2 * op.inChannels + 4,
  emit(op, c) {
    const f = c.e.int8s(`${c.prefix}_weights`, op.weights);
    const b = op.bias ? c.e.ints(`${c.prefix}_bias`, op.bias) : 'NULL';
    const p = c.e.params(
      'bnn_s8_fc_params',
      `${c.prefix}_params`,
      `{.in_c = ${op.inChannels}, .out_c = ${op.outChannels}, .filter = ${f}, .bias = ${b}, .per_channel = 1, ` +
        `${requant(c, op.filterScales, op.activation)}}`,
    );
    return `bnn_s8_fully_connected(&${p}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, 1, ${scratch32(c)});`;
  },
};

/**
 * The operands of an element-wise int8 op as C expressions and the call(s): two tensors in one call, or a constant
 * broadcast along channels (its C values in flash) with one call per pixel.
 */
function elementwiseCall(
  c: CEmitContext,
  fn: string,
  params: string,
  op: { inputs: string[]; constant?: Int8Constant | null },
): string {
  if (!op.constant) {
    const [a, b] = op.inputs.map((id) => c.tensor(id));
    return `${fn}(&${params}, ${CI8(c, a!.id)}, ${CI8(c, b!.id)}, ${I8(c, c.outT.id)}, ${c.n});`;
  }
  const ch = chans(c.inT);
  const v = op.constant.values;
  const k = c.e.int8s(
    `${c.prefix}_constant`,
    Int8Array.from({ length: ch }, (_, i) => v[v.length === 1 ? 0 : i]!),
  );
  const px = c.n / ch;
  return (
    `for (int px = 0; px < ${px}; px++) ${fn}(&${params}, ${CI8(c, c.inT.id)} + px * ${ch}, ${k}, ` +
    `${I8(c, c.outT.id)} + px * ${ch}, ${ch});`
  );
}

/** Quantization of the second operand: the second input's, or the constant's. */
function secondQuant(c: CEmitContext, op: { inputs: string[]; constant?: Int8Constant | null }): Int8Quant {
  return op.constant ? op.constant.quant : q(c.tensor(op.inputs[1]!));
}

export const int8AddC: CKernel<'int8_add'> = {
  emit(op, c) {
    const outQ = q(c.outT);
    const ap = int8AddParams(q(c.inT), secondQuant(c, op), outQ);
    const [lo, hi] = int8ActivationRange(op.activation, outQ);
    const p = c.e.params(
      'bnn_s8_add_params',
      `${c.prefix}_params`,
      `{.input1_offset = ${ap.input1Offset}, .input2_offset = ${ap.input2Offset}, ` +
        `.input1_multiplier = ${cI32(ap.input1Multiplier)}, .input1_shift = ${ap.input1Shift}, ` +
        `.input2_multiplier = ${cI32(ap.input2Multiplier)}, .input2_shift = ${ap.input2Shift}, ` +
        `.output_multiplier = ${cI32(ap.outputMultiplier)}, .output_shift = ${ap.outputShift}, ` +
        `.output_offset = ${ap.outputOffset}, .act_min = ${lo}, .act_max = ${hi}}`,
    );
    return elementwiseCall(c, 'bnn_s8_add', p, op);
  },
};

export const int8MulC: CKernel<'int8_mul'> = {
  emit(op, c) {
    const outQ = q(c.outT);
    const inQ = q(c.inT);
    const bQ = secondQuant(c, op);
    const mp = int8MulParams(inQ, bQ, outQ);
    const [lo, hi] = int8ActivationRange(op.activation, outQ);
    const p = c.e.params(
      'bnn_s8_mul_params',
      `${c.prefix}_params`,
      `{.input1_offset = ${cI32(-inQ.zeroPoint)}, .input2_offset = ${cI32(-bQ.zeroPoint)}, ` +
        `.output_multiplier = ${cI32(mp.multiplier)}, .output_shift = ${mp.shift}, ` +
        `.output_offset = ${cI32(outQ.zeroPoint)}, .act_min = ${lo}, .act_max = ${hi}}`,
    );
    return elementwiseCall(c, 'bnn_s8_mul', p, op);
  },
};

function pool(fn: 'bnn_s8_max_pool' | 'bnn_s8_avg_pool') {
  return (
    op: { pool: [number, number]; strides: [number, number]; padding: Padding },
    c: CEmitContext,
  ): string => {
    const p = c.e.params(
      'bnn_s8_pool_params',
      `${c.prefix}_params`,
      `{.win = ${s8Window(c.inT.shape, op.pool, op.strides, [1, 1], op.padding)}, .channels = ${chans(c.inT)}, ` +
        '.act_min = -128, .act_max = 127}',
    );
    return `${fn}(&${p}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)});`;
  };
}

export const int8Maxpool2dC: CKernel<'int8_maxpool2d'> = { emit: pool('bnn_s8_max_pool') };
export const int8Avgpool2dC: CKernel<'int8_avgpool2d'> = { emit: pool('bnn_s8_avg_pool') };

/** Scratch of the int8-output binary conv: the float outputs, then the packed patch of one pixel. */
const floatOutBytes = (outT: DeployTensor) => Math.ceil((4 * prod(outT.shape)) / 8) * 8;

export const int8Bconv2dC: CKernel<'int8_bconv2d'> = {
  scratchBytes: (op, { outT }) =>
    floatOutBytes(outT) + 4 * op.kernel[0] * op.kernel[1] * words(op.inChannels),
  emit(op, c) {
    const w = windowOf(c.inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    const filter = c.e.words(`${c.prefix}_filter`, op.filter);
    const eff = bconvInt8Effective(op.multiplier, op.bias, q(c.outT));
    const m = c.e.floats(`${c.prefix}_multiplier`, eff.multiplier);
    const b = c.e.floats(`${c.prefix}_bias`, eff.bias);
    const ot =
      `{.bitpacked = 0, .thresholds = NULL, ${dotClampInit(op.clamp)}, .multiplier = ${m}, ` +
      `.bias = ${b}, .activation = BNN_ACT_NONE}`;
    const p = c.e.params(
      'bnn_bconv2d_params',
      `${c.prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
        `.out_c = ${op.outChannels}, .pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}}`,
    );
    const y = `BNN_F32(${c.scratch})`;
    const patch = `BNN_U32(${c.scratch! + floatOutBytes(c.outT)})`;
    return (
      `bnn_bconv2d(&${p}, ${c.U(c.inT.id)}, ${y}, ${patch});\n` +
      `  bnn_s8_quantize(${y}, ${I8(c, c.outT.id)}, ${c.n}, 1.0f, 0); /* LCE: saturate(round(y)) */`
    );
  },
};

/** int8 softmax: TFLite's Prepare parameters (beta · s_in as a Q5.26 multiplier, diff_min) computed here. */
export const int8SoftmaxC: CKernel<'int8_softmax'> = {
  scratchBytes: (_op, { inT }) => 4 * chans(inT),
  emit(op, c) {
    const sp = int8SoftmaxParams(op.beta, q(c.inT).scale)!;
    const depth = chans(c.inT);
    const p = c.e.params(
      'bnn_s8_softmax_params',
      `${c.prefix}_params`,
      `{.input_multiplier = ${cI32(sp.inputMultiplier)}, .input_left_shift = ${sp.inputLeftShift}, ` +
        `.diff_min = ${cI32(sp.diffMin)}}`,
    );
    return `bnn_s8_softmax(&${p}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${c.n / depth}, ${depth}, ${scratch32(c)});`;
  },
};

/** int8 → int8 rescale and clamp (TFLite QUANTIZE int8 → int8, int8 RELU / RELU6 / RELU_N1_TO_1). */
export const int8RequantizeC: CKernel<'int8_requantize'> = {
  emit(op, c) {
    const inQ = q(c.inT);
    const outQ = q(c.outT);
    const p = int8RequantizeParams(inQ, outQ);
    return (
      `bnn_s8_requantize_clamp(${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${c.n}, ${cI32(inQ.zeroPoint)}, ` +
      `${cI32(p.multiplier)}, ${p.shift}, ${cI32(outQ.zeroPoint)}, ${op.min}, ${op.max});`
    );
  },
};

/** int8 HARD_SWISH (TFLite's reference int16 fixed-point kernel; parameters from bnn-core's HardSwishPrepare). */
export const int8HardSwishC: CKernel<'int8_hard_swish'> = {
  emit(_op, c) {
    const p = int8HardSwishParams(q(c.inT), q(c.outT));
    if (isHardSwishRefusal(p)) throw new Error(`int8_hard_swish "${c.outT.id}": ${p.error} ${p.fix}`);
    const params = c.e.params(
      'bnn_s8_hard_swish_params',
      `${c.prefix}_params`,
      `{.input_zero_point = ${cI32(p.inputZeroPoint)}, .output_zero_point = ${cI32(p.outputZeroPoint)}, ` +
        `.output_multiplier = ${cI32(p.outputMultiplier)}, .output_exponent = ${cI32(p.outputExponent)}, ` +
        `.reluish_multiplier = ${cI32(p.reluishMultiplier)}, .reluish_exponent = ${cI32(p.reluishExponent)}}`,
    );
    return `bnn_s8_hard_swish(&${params}, ${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${c.n});`;
  },
};

/** int8 mean over height and width (TFLite int8 MEAN): the 1/n folded into the multiplier here, as TFLite's kernel
 * folds it (bnn-core `int8MeanParams`). */
export const int8MeanC: CKernel<'int8_mean'> = {
  emit(_op, c) {
    const inQ = q(c.inT);
    const outQ = q(c.outT);
    const n = pixels(c.inT);
    const p = int8MeanParams(inQ, outQ, n);
    return (
      `bnn_s8_mean(${CI8(c, c.inT.id)}, ${I8(c, c.outT.id)}, ${n}, ${chans(c.inT)}, ${cI32(inQ.zeroPoint)}, ` +
      `${cI32(p.multiplier)}, ${p.shift}, ${cI32(outQ.zeroPoint)});`
    );
  },
};
