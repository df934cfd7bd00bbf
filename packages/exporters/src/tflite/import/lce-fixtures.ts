/**
 * `.tflite` files laid out like Larq Compute Engine's converter writes them (operator order, tensor types,
 * FlexBuffer options, `-1` optional inputs, int8 quantization parameters; see the reference model's facts in
 * `lce-tflite-format.md`), written with the studio's model builder for the importer's tests and bench.
 */
import { type DeployGraph, int8ReluBounds } from '@bnn-studio/bnn-core';
import { rng } from '../../bnn/test-graphs.js';
import { bconvOptions, EMPTY_CUSTOM_OPTIONS } from '../lce-options.js';
import { type QuantParams, TfliteModelBuilder } from '../model-builder.js';
import { Activation, BuiltinOperator as Op, Padding, TensorType } from '../schema.js';

const q1 = (scale: number, zeroPoint: number): QuantParams => ({ scale: [scale], zeroPoint: [zeroPoint] });
export const randInt = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export function conv2dOptions(padding: number, stride: number, act: number) {
  return {
    table: 'Conv2DOptions' as const,
    values: {
      padding,
      stride_w: stride,
      stride_h: stride,
      fused_activation_function: act,
      dilation_w_factor: 1,
      dilation_h_factor: 1,
    },
  };
}

/** LCE bit-packing of OHWI sign bits: bit i of word w is channel 32·w + i, 1 = −1. */
export function packFilter(bits: number[][], taps: number, cin: number): Int32Array {
  const wpc = Math.ceil(cin / 32);
  const out = new Int32Array(bits.length * taps * wpc);
  bits.forEach((row, o) => {
    for (let t = 0; t < taps; t++)
      for (let i = 0; i < cin; i++)
        if (row[t * cin + i]) out[(o * taps + t) * wpc + (i >> 5)]! |= 1 << (i & 31);
  });
  return out;
}

/**
 * The reference doc's int8 BNN, scaled down: int8 conv → LceQuantize → 2 LceBconv2d → SHAPE/STRIDED_SLICE/PACK →
 * RESHAPE → int8 dense (CONV_2D 1×1) → RESHAPE [→ int8 SOFTMAX]. `width` multiplies the 32 channels (width 3 ≈ 25 KB).
 */
export function lceInt8Bnn(seed: number, withSoftmax: boolean, width = 1) {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const inQ = { s: 0.02, z: -5 };
  const x = mb.addTensor('serving_default_input:0', [1, 8, 8, 3], TensorType.INT8, q1(inQ.s, inQ.z));
  // 0 CONV_2D int8, SAME, stride 2, per-channel filter.
  const c1 = 32 * width;
  const w1 = Int8Array.from({ length: c1 * 27 }, () => randInt(r, -127, 127));
  const s1 = Array.from({ length: c1 }, () => Math.fround(0.002 + r() * 0.004));
  const b1 = Int32Array.from({ length: c1 }, () => randInt(r, -500, 500));
  const fT = mb.addConstTensor('model/conv2d/Conv2D', [c1, 3, 3, 3], TensorType.INT8, w1, {
    scale: s1,
    zeroPoint: s1.map(() => 0),
    quantizedDimension: 0,
  });
  const bS = s1.map((s) => Math.fround(inQ.s) * s);
  const bT = mb.addConstTensor('model/conv2d/BiasAdd', [c1], TensorType.INT32, b1, {
    scale: bS,
    zeroPoint: bS.map(() => 0),
    quantizedDimension: 0,
  });
  const y1Q = { s: 0.05, z: 3 };
  const y1 = mb.addTensor('model/conv2d/Relu', [1, 4, 4, c1], TensorType.INT8, q1(y1Q.s, y1Q.z));
  mb.addBuiltin(Op.CONV_2D, 3, [x, fT, bT], [y1], conv2dOptions(Padding.SAME, 2, Activation.NONE));
  // 1 LceQuantize.
  const p1 = mb.addTensor('model/quant_conv2d/LceQuantize', [1, 4, 4, width], TensorType.INT32);
  mb.addCustom('LceQuantize', [y1], [p1], EMPTY_CUSTOM_OPTIONS);
  // 2 LceBconv2d, bit-packed output (thresholds), SAME one-padding, RELU (ignored for bit-packed output).
  const K = 9 * c1;
  const bits2 = Array.from({ length: c1 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const th2 = Int32Array.from({ length: c1 }, () => randInt(r, 130, 158));
  const f2 = mb.addConstTensor(
    'model/quant_conv2d/filter',
    [c1, 3, 3, width],
    TensorType.INT32,
    packFilter(bits2, 9, c1),
  );
  const t2 = mb.addConstTensor('model/quant_conv2d/threshold', [c1], TensorType.INT32, th2);
  const p2 = mb.addTensor('model/quant_conv2d/LceBconv2d', [1, 4, 4, width], TensorType.INT32);
  const opts = (stride: number) =>
    bconvOptions({
      channels_in: c1,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: Activation.RELU,
      pad_values: 1,
      padding: Padding.SAME,
      stride_height: stride,
      stride_width: stride,
    });
  mb.addCustom('LceBconv2d', [p1, f2, -1, -1, t2], [p2], opts(1));
  // 3 LceBconv2d, int8 output (multiplier, bias), stride 2.
  const bits3 = Array.from({ length: c1 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const m3 = Float32Array.from({ length: c1 }, () => 0.01 + r() * 0.05);
  const bb3 = Float32Array.from({ length: c1 }, () => (r() - 0.5) * 2);
  const f3 = mb.addConstTensor(
    'model/quant_conv2d_1/filter',
    [c1, 3, 3, width],
    TensorType.INT32,
    packFilter(bits3, 9, c1),
  );
  const m3T = mb.addConstTensor(
    'model/quant_conv2d_1/post_activation_multiplier',
    [c1],
    TensorType.FLOAT32,
    m3,
  );
  const b3T = mb.addConstTensor('model/quant_conv2d_1/post_activation_bias', [c1], TensorType.FLOAT32, bb3);
  const y3Q = { s: 0.1, z: -20 };
  const y3 = mb.addTensor(
    'model/quant_conv2d_1/LceBconv2d',
    [1, 2, 2, c1],
    TensorType.INT8,
    q1(y3Q.s, y3Q.z),
  );
  mb.addCustom('LceBconv2d', [p2, f3, m3T, b3T, -1], [y3], opts(2));
  // 4–7 Flatten: SHAPE → STRIDED_SLICE → PACK → RESHAPE.
  const sh = mb.addTensor('model/flatten/Shape', [4], TensorType.INT32);
  mb.addBuiltin(Op.SHAPE, 1, [y3], [sh], { table: 'ShapeOptions', values: { out_type: TensorType.INT32 } });
  const c0 = mb.addConstTensor('model/flatten/strided_slice/stack', [1], TensorType.INT32, Int32Array.of(0));
  const c1b = mb.addConstTensor(
    'model/flatten/strided_slice/stack_1',
    [1],
    TensorType.INT32,
    Int32Array.of(1),
  );
  const c1s = mb.addConstTensor(
    'model/flatten/strided_slice/stack_2',
    [1],
    TensorType.INT32,
    Int32Array.of(1),
  );
  const ss = mb.addTensor('model/flatten/strided_slice', [], TensorType.INT32);
  mb.addBuiltin(Op.STRIDED_SLICE, 1, [sh, c0, c1b, c1s], [ss], {
    table: 'StridedSliceOptions',
    values: { shrink_axis_mask: 1 },
  });
  const one = mb.addConstTensor('model/flatten/Reshape/shape/1', [], TensorType.INT32, Int32Array.of(1));
  const one2 = mb.addConstTensor('model/flatten/Reshape/shape/2', [], TensorType.INT32, Int32Array.of(1));
  const n = mb.addConstTensor('model/flatten/Reshape/shape/3', [], TensorType.INT32, Int32Array.of(4 * c1));
  const pk = mb.addTensor('model/flatten/Reshape/shape', [4], TensorType.INT32);
  mb.addBuiltin(Op.PACK, 1, [ss, one, one2, n], [pk], {
    table: 'PackOptions',
    values: { values_count: 4, axis: 0 },
  });
  const fl = mb.addTensor('model/flatten/Reshape', [1, 1, 1, 4 * c1], TensorType.INT8, q1(y3Q.s, y3Q.z));
  mb.addBuiltin(Op.RESHAPE, 1, [y3, pk], [fl]);
  // 8 CONV_2D 1×1 (the dense layer), 9 RESHAPE to [1, 10].
  const w4 = Int8Array.from({ length: 10 * 4 * c1 }, () => randInt(r, -127, 127));
  const s4 = Array.from({ length: 10 }, () => Math.fround(0.001 + r() * 0.002));
  const b4 = Int32Array.from({ length: 10 }, () => randInt(r, -2000, 2000));
  const f4 = mb.addConstTensor('model/dense/MatMul', [10, 1, 1, 4 * c1], TensorType.INT8, w4, {
    scale: s4,
    zeroPoint: s4.map(() => 0),
    quantizedDimension: 0,
  });
  const b4S = s4.map((s) => Math.fround(y3Q.s) * s);
  const b4T = mb.addConstTensor('model/dense/BiasAdd', [10], TensorType.INT32, b4, {
    scale: b4S,
    zeroPoint: b4S.map(() => 0),
    quantizedDimension: 0,
  });
  const y4Q = { s: 0.2, z: 4 };
  const y4 = mb.addTensor('model/dense/BiasAdd1', [1, 1, 1, 10], TensorType.INT8, q1(y4Q.s, y4Q.z));
  mb.addBuiltin(Op.CONV_2D, 3, [fl, f4, b4T], [y4], conv2dOptions(Padding.VALID, 1, Activation.NONE));
  const shp = mb.addConstTensor('model/dense/shape', [2], TensorType.INT32, Int32Array.of(1, 10));
  const logits = mb.addTensor('model/dense/Reshape', [1, 10], TensorType.INT8, q1(y4Q.s, y4Q.z));
  mb.addBuiltin(Op.RESHAPE, 1, [y4, shp], [logits]);
  let out = logits;
  if (withSoftmax) {
    out = mb.addTensor('StatefulPartitionedCall:0', [1, 10], TensorType.INT8, q1(1 / 256, -128));
    mb.addBuiltin(Op.SOFTMAX, 2, [logits], [out], { table: 'SoftmaxOptions', values: { beta: 1 } });
  }
  mb.inputs = [x];
  mb.outputs = [out];
  const bytes = mb.serialize({ inputs: ['input'], outputs: ['output'] });
  return { bytes, params: { inQ, c1, w1, s1, b1, y1Q, K, bits2, th2, bits3, m3, bb3, y3Q, w4, s4, b4, y4Q } };
}

/** int8 MUL by a per-channel constant, ADD of a constant, MUL of two tensors (TFLite int8, broadcast as xcore
 * writes), then an int8 RELU6 into another quantization (int8_requantize). */
export function int8ElementwiseGraph(): DeployGraph {
  const q = (scale: number, zeroPoint: number) => ({ scale: Math.fround(scale), zeroPoint });
  const t = (id: string, quant?: { scale: number; zeroPoint: number }) =>
    quant
      ? { id, shape: [4, 4, 8], kind: 'int8' as const, quant }
      : { id, shape: [4, 4, 8], kind: 'float32' as const };
  const k = (seed: number) => Int8Array.from({ length: 8 }, (_, i) => ((i * 37 + seed) % 255) - 127);
  return {
    format: 'bnn-studio.deploy',
    version: 1,
    name: 'int8-elementwise',
    input: 'x',
    outputs: ['y'],
    tensors: [
      t('x'),
      t('q', q(0.03, -4)),
      t('m', q(0.05, 2)),
      t('a', q(0.06, -10)),
      t('p', q(0.02, 0)),
      t('r', q(0.015, -30)),
      t('y'),
    ],
    ops: [
      { op: 'int8_quantize', sourceNode: 'q', inputs: ['x'], outputs: ['q'] },
      {
        op: 'int8_mul',
        sourceNode: 'm',
        inputs: ['q'],
        outputs: ['m'],
        activation: 'none',
        constant: { values: k(1), quant: q(0.01, 3) },
      },
      {
        op: 'int8_add',
        sourceNode: 'a',
        inputs: ['m'],
        outputs: ['a'],
        activation: 'relu',
        constant: { values: k(2), quant: q(0.04, -1) },
      },
      {
        op: 'int8_mul',
        sourceNode: 'p',
        inputs: ['q', 'a'],
        outputs: ['p'],
        activation: 'none',
        constant: null,
      },
      // TFLite int8 RELU6 into another quantization: rescale, clamp to [zp, zp + round(6 / s)].
      {
        op: 'int8_requantize',
        sourceNode: 'r',
        inputs: ['p'],
        outputs: ['r'],
        min: int8ReluBounds(0, 6, q(0.015, -30))[0],
        max: int8ReluBounds(0, 6, q(0.015, -30))[1],
      },
      { op: 'int8_dequantize', sourceNode: 'y', inputs: ['r'], outputs: ['y'] },
    ],
  };
}

/**
 * A float32 model with TFLite's float activations in LCE's layout: CONV_2D (SAME, fused RELU6) → HARD_SWISH →
 * DEPTHWISE_CONV_2D (fused RELU6) → ADD (fused RELU6) → LceQuantize → LceBconv2d (float output, VALID) → RELU6 →
 * RESHAPE → FULLY_CONNECTED (fused RELU6) → HARD_SWISH. Input [1, 6, 6, 4], output [1, 5].
 */
export function lceFloatActivations(seed: number) {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const F = TensorType.FLOAT32;
  const rnd = (n: number, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => lo + r() * (hi - lo));
  const x = mb.addTensor('serving_default_input:0', [1, 6, 6, 4], F);
  // 0 CONV_2D 3×3 SAME, fused RELU6 (weights large enough that the clamp at 6 bites).
  const w1 = rnd(8 * 9 * 4, -1.5, 1.5);
  const b1 = rnd(8, -1, 3);
  const c1 = mb.addTensor('model/conv2d/Relu6', [1, 6, 6, 8], F);
  mb.addBuiltin(
    Op.CONV_2D,
    1,
    [
      x,
      mb.addConstTensor('model/conv2d/w', [8, 3, 3, 4], F, w1),
      mb.addConstTensor('model/conv2d/b', [8], F, b1),
    ],
    [c1],
    conv2dOptions(Padding.SAME, 1, Activation.RELU6),
  );
  // 1 HARD_SWISH.
  const h1 = mb.addTensor('model/hard_swish/mul_1', [1, 6, 6, 8], F);
  mb.addBuiltin(Op.HARD_SWISH, 1, [c1], [h1]);
  // 2 DEPTHWISE_CONV_2D 3×3 SAME, multiplier 1, fused RELU6.
  const wd = rnd(9 * 8, -1, 1);
  const bd = rnd(8, -2, 2);
  const d1 = mb.addTensor('model/depthwise/Relu6', [1, 6, 6, 8], F);
  mb.addBuiltin(
    Op.DEPTHWISE_CONV_2D,
    1,
    [
      h1,
      mb.addConstTensor('model/depthwise/w', [1, 3, 3, 8], F, wd),
      mb.addConstTensor('model/depthwise/b', [8], F, bd),
    ],
    [d1],
    {
      table: 'DepthwiseConv2DOptions',
      values: {
        padding: Padding.SAME,
        stride_w: 1,
        stride_h: 1,
        depth_multiplier: 1,
        fused_activation_function: Activation.RELU6,
        dilation_w_factor: 1,
        dilation_h_factor: 1,
      },
    },
  );
  // 3 ADD (the residual), fused RELU6.
  const a1 = mb.addTensor('model/add/Relu6', [1, 6, 6, 8], F);
  mb.addBuiltin(Op.ADD, 1, [h1, d1], [a1], {
    table: 'AddOptions',
    values: { fused_activation_function: Activation.RELU6 },
  });
  // 4 ADD of a per-channel constant (a bias to make signs vary before binarisation).
  const shift = rnd(8, -4, -1);
  const s1 = mb.addTensor('model/shift', [1, 6, 6, 8], F);
  mb.addBuiltin(Op.ADD, 1, [a1, mb.addConstTensor('model/shift/y', [8], F, shift)], [s1], {
    table: 'AddOptions',
    values: { fused_activation_function: Activation.NONE },
  });
  // 5 LceQuantize, 6 LceBconv2d float output, VALID 3×3.
  const p1 = mb.addTensor('model/quant_conv2d/LceQuantize', [1, 6, 6, 1], TensorType.INT32);
  mb.addCustom('LceQuantize', [s1], [p1], EMPTY_CUSTOM_OPTIONS);
  const K = 9 * 8;
  const bits = Array.from({ length: 16 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const mult = rnd(16, 0.05, 0.3);
  const bias = rnd(16, -1, 4);
  const e1 = mb.addTensor('model/quant_conv2d/LceBconv2d', [1, 4, 4, 16], F);
  mb.addCustom(
    'LceBconv2d',
    [
      p1,
      mb.addConstTensor('model/quant_conv2d/filter', [16, 3, 3, 1], TensorType.INT32, packFilter(bits, 9, 8)),
      mb.addConstTensor('model/quant_conv2d/post_activation_multiplier', [16], F, mult),
      mb.addConstTensor('model/quant_conv2d/post_activation_bias', [16], F, bias),
      -1,
    ],
    [e1],
    bconvOptions({
      channels_in: 8,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: Activation.NONE,
      pad_values: 0,
      padding: Padding.VALID,
      stride_height: 1,
      stride_width: 1,
    }),
  );
  // 7 RELU6, 8 RESHAPE to [1, 256], 9 FULLY_CONNECTED fused RELU6, 10 HARD_SWISH.
  const r6 = mb.addTensor('model/re_lu/Relu6', [1, 4, 4, 16], F);
  mb.addBuiltin(Op.RELU6, 1, [e1], [r6]);
  const flat = mb.addTensor('model/flatten/Reshape', [1, 256], F);
  mb.addBuiltin(
    Op.RESHAPE,
    1,
    [r6, mb.addConstTensor('model/flatten/shape', [2], TensorType.INT32, Int32Array.of(1, 256))],
    [flat],
  );
  const wf = rnd(5 * 256, -0.3, 0.3);
  const bf = rnd(5, -1, 1);
  const fc = mb.addTensor('model/dense/Relu6', [1, 5], F);
  mb.addBuiltin(
    Op.FULLY_CONNECTED,
    1,
    [
      flat,
      mb.addConstTensor('model/dense/w', [5, 256], F, wf),
      mb.addConstTensor('model/dense/b', [5], F, bf),
    ],
    [fc],
    { table: 'FullyConnectedOptions', values: { fused_activation_function: Activation.RELU6 } },
  );
  const out = mb.addTensor('StatefulPartitionedCall:0', [1, 5], F);
  mb.addBuiltin(Op.HARD_SWISH, 1, [fc], [out]);
  mb.inputs = [x];
  mb.outputs = [out];
  const bytes = mb.serialize({ inputs: ['input'], outputs: ['output'] });
  return { bytes, params: { w1, b1, wd, bd, shift, bits, mult, bias, wf, bf } };
}

/**
 * An int8 model with int8 HARD_SWISH in LCE's layout: CONV_2D int8 (SAME, 32 channels) → HARD_SWISH (int8, finer
 * output grid) → LceQuantize → LceBconv2d (int8 output, VALID, RELU) → HARD_SWISH (int8) → RESHAPE [1,1,1,C] →
 * CONV_2D 1×1 (the dense layer) → RESHAPE [1, 10]. Input int8 [1, 6, 6, 3].
 */
export function lceInt8HardSwish(seed: number) {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const inQ = { s: Math.fround(0.03), z: 7 };
  const x = mb.addTensor('serving_default_input:0', [1, 6, 6, 3], TensorType.INT8, q1(inQ.s, inQ.z));
  const c1 = 32;
  const w1 = Int8Array.from({ length: c1 * 27 }, () => randInt(r, -127, 127));
  const s1 = Array.from({ length: c1 }, () => Math.fround(0.003 + r() * 0.004));
  const b1 = Int32Array.from({ length: c1 }, () => randInt(r, -3000, 3000));
  const perChannel = (s: number[]) => ({ scale: s, zeroPoint: s.map(() => 0), quantizedDimension: 0 });
  const y1Q = { s: Math.fround(0.04), z: -10 };
  const y1 = mb.addTensor('model/conv2d/BiasAdd', [1, 6, 6, c1], TensorType.INT8, q1(y1Q.s, y1Q.z));
  mb.addBuiltin(
    Op.CONV_2D,
    3,
    [
      x,
      mb.addConstTensor('model/conv2d/Conv2D', [c1, 3, 3, 3], TensorType.INT8, w1, perChannel(s1)),
      mb.addConstTensor(
        'model/conv2d/bias',
        [c1],
        TensorType.INT32,
        b1,
        perChannel(s1.map((s) => Math.fround(inQ.s) * s)),
      ),
    ],
    [y1],
    conv2dOptions(Padding.SAME, 1, Activation.NONE),
  );
  // HARD_SWISH int8: output range [−0.375, max] on a finer grid with a zero point near the bottom.
  const h1Q = { s: Math.fround(0.02), z: -110 };
  const h1 = mb.addTensor('model/hard_swish/mul_1', [1, 6, 6, c1], TensorType.INT8, q1(h1Q.s, h1Q.z));
  mb.addBuiltin(Op.HARD_SWISH, 1, [y1], [h1]);
  const p1 = mb.addTensor('model/quant_conv2d/LceQuantize', [1, 6, 6, 1], TensorType.INT32);
  mb.addCustom('LceQuantize', [h1], [p1], EMPTY_CUSTOM_OPTIONS);
  const K = 9 * c1;
  const bits = Array.from({ length: c1 }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
  const m2 = Float32Array.from({ length: c1 }, () => 0.005 + r() * 0.02);
  const b2 = Float32Array.from({ length: c1 }, () => (r() - 0.6) * 2);
  const y2Q = { s: Math.fround(0.02), z: -40 };
  const y2 = mb.addTensor('model/quant_conv2d/LceBconv2d', [1, 4, 4, c1], TensorType.INT8, q1(y2Q.s, y2Q.z));
  mb.addCustom(
    'LceBconv2d',
    [
      p1,
      mb.addConstTensor(
        'model/quant_conv2d/filter',
        [c1, 3, 3, 1],
        TensorType.INT32,
        packFilter(bits, 9, c1),
      ),
      mb.addConstTensor('model/quant_conv2d/post_activation_multiplier', [c1], TensorType.FLOAT32, m2),
      mb.addConstTensor('model/quant_conv2d/post_activation_bias', [c1], TensorType.FLOAT32, b2),
      -1,
    ],
    [y2],
    bconvOptions({
      channels_in: c1,
      dilation_height_factor: 1,
      dilation_width_factor: 1,
      fused_activation_function: Activation.RELU,
      pad_values: 0,
      padding: Padding.VALID,
      stride_height: 1,
      stride_width: 1,
    }),
  );
  // HARD_SWISH int8 again, into a coarser grid (reluish shift > 0 and output shift −6).
  const h2Q = { s: Math.fround(0.03), z: -90 };
  const h2 = mb.addTensor('model/hard_swish_1/mul_1', [1, 4, 4, c1], TensorType.INT8, q1(h2Q.s, h2Q.z));
  mb.addBuiltin(Op.HARD_SWISH, 1, [y2], [h2]);
  const n = 16 * c1;
  const fl = mb.addTensor('model/flatten/Reshape', [1, 1, 1, n], TensorType.INT8, q1(h2Q.s, h2Q.z));
  mb.addBuiltin(
    Op.RESHAPE,
    1,
    [h2, mb.addConstTensor('model/flatten/shape', [4], TensorType.INT32, Int32Array.of(1, 1, 1, n))],
    [fl],
  );
  const w4 = Int8Array.from({ length: 10 * n }, () => randInt(r, -127, 127));
  const s4 = Array.from({ length: 10 }, () => Math.fround(0.001 + r() * 0.002));
  const b4 = Int32Array.from({ length: 10 }, () => randInt(r, -2000, 2000));
  const y4Q = { s: Math.fround(0.08), z: 2 };
  const y4 = mb.addTensor('model/dense/BiasAdd', [1, 1, 1, 10], TensorType.INT8, q1(y4Q.s, y4Q.z));
  mb.addBuiltin(
    Op.CONV_2D,
    3,
    [
      fl,
      mb.addConstTensor('model/dense/MatMul', [10, 1, 1, n], TensorType.INT8, w4, perChannel(s4)),
      mb.addConstTensor(
        'model/dense/bias',
        [10],
        TensorType.INT32,
        b4,
        perChannel(s4.map((s) => Math.fround(h2Q.s) * s)),
      ),
    ],
    [y4],
    conv2dOptions(Padding.VALID, 1, Activation.NONE),
  );
  const out = mb.addTensor('StatefulPartitionedCall:0', [1, 10], TensorType.INT8, q1(y4Q.s, y4Q.z));
  mb.addBuiltin(
    Op.RESHAPE,
    1,
    [y4, mb.addConstTensor('model/dense/shape', [2], TensorType.INT32, Int32Array.of(1, 10))],
    [out],
  );
  mb.inputs = [x];
  mb.outputs = [out];
  const bytes = mb.serialize({ inputs: ['input'], outputs: ['output'] });
  return { bytes, inQ };
}

/** Parameters of `lceInt8GapModel`: an `h × w × c` int8 map, its mean's and the dense head's quantizations. */
export interface Int8GapParams {
  h: number;
  w: number;
  c: number;
  inQ: { s: number; z: number };
  meanQ: { s: number; z: number };
  classes: number;
}

/**
 * A Keras `GlobalAveragePooling2D → Dense` head as LCE's converter writes it for an int8 model: MEAN over the
 * reduction indices [1, 2] (an INT32 constant) with keep_dims false → FULLY_CONNECTED int8 (per-tensor filter,
 * INT32 bias at `s_in · s_w`) → SOFTMAX (output 1/256, −128). Input `[1, h, w, c]` int8.
 */
export function lceInt8GapModel(seed: number, p: Int8GapParams): Uint8Array {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const x = mb.addTensor(
    'serving_default_input:0',
    [1, p.h, p.w, p.c],
    TensorType.INT8,
    q1(p.inQ.s, p.inQ.z),
  );
  const axes = mb.addConstTensor(
    'model/global_average_pooling2d/Mean/reduction_indices',
    [2],
    TensorType.INT32,
    Int32Array.of(1, 2),
  );
  const m = mb.addTensor(
    'model/global_average_pooling2d/Mean',
    [1, p.c],
    TensorType.INT8,
    q1(p.meanQ.s, p.meanQ.z),
  );
  mb.addBuiltin(Op.MEAN, 1, [x, axes], [m], { table: 'ReducerOptions', values: { keep_dims: 0 } });
  const ws = Math.fround(0.002 + r() * 0.01);
  const w = Int8Array.from({ length: p.classes * p.c }, () => randInt(r, -127, 127));
  const wT = mb.addConstTensor('model/dense/MatMul', [p.classes, p.c], TensorType.INT8, w, q1(ws, 0));
  const bs = Math.fround(p.meanQ.s) * ws;
  const bT = mb.addConstTensor(
    'model/dense/BiasAdd/ReadVariableOp',
    [p.classes],
    TensorType.INT32,
    Int32Array.from({ length: p.classes }, () => randInt(r, -300, 300)),
    q1(bs, 0),
  );
  const lq = { s: Math.fround(Math.max(1e-3, bs * Math.sqrt(p.c) * 40)), z: randInt(r, -20, 20) };
  const logits = mb.addTensor('model/dense/BiasAdd', [1, p.classes], TensorType.INT8, q1(lq.s, lq.z));
  mb.addBuiltin(Op.FULLY_CONNECTED, 4, [m, wT, bT], [logits], {
    table: 'FullyConnectedOptions',
    values: { fused_activation_function: Activation.NONE },
  });
  const out = mb.addTensor('StatefulPartitionedCall:0', [1, p.classes], TensorType.INT8, q1(1 / 256, -128));
  mb.addBuiltin(Op.SOFTMAX, 2, [logits], [out], { table: 'SoftmaxOptions', values: { beta: 1 } });
  mb.inputs = [x];
  mb.outputs = [out];
  return mb.serialize({ inputs: ['input'], outputs: ['output'] });
}

/**
 * Builtin int8 operators with the fused activations TFLite clamps in the quantized domain (LCE's converter keeps a
 * Keras ReLU6 or hard-tanh fused into the int8 op before it): CONV_2D (RELU6) → DEPTHWISE_CONV_2D (RELU_N1_TO_1)
 * → ADD of the two (RELU6) → MUL by itself (RELU_N1_TO_1) → ADD of an INT8 per-channel constant (RELU6) → MEAN
 * → FULLY_CONNECTED (RELU6). Input `[1, 6, 6, 3]` int8; the output scales put each clamp inside the int8 range.
 */
export function lceInt8FusedActivations(seed: number) {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const I8 = TensorType.INT8;
  const c = 16;
  const inQ = { s: Math.fround(0.03), z: 7 };
  const x = mb.addTensor('serving_default_input:0', [1, 6, 6, 3], I8, q1(inQ.s, inQ.z));
  const perChannel = (s: number[], dim: number) => ({
    scale: s,
    zeroPoint: s.map(() => 0),
    quantizedDimension: dim,
  });
  const scales = (n: number) => Array.from({ length: n }, () => Math.fround(0.004 + r() * 0.006));
  const ints = (n: number, lo: number, hi: number) =>
    Int32Array.from({ length: n }, () => randInt(r, lo, hi));
  const filter = (n: number) => Int8Array.from({ length: n }, () => randInt(r, -127, 127));
  // 0 CONV_2D 3×3 SAME, fused RELU6: 6 is q = −100 + 200 = 100 on the output grid.
  const s1 = scales(c);
  const y1 = mb.addTensor('model/conv2d/Relu6', [1, 6, 6, c], I8, q1(Math.fround(0.03), -100));
  mb.addBuiltin(
    Op.CONV_2D,
    3,
    [
      x,
      mb.addConstTensor('model/conv2d/Conv2D', [c, 3, 3, 3], I8, filter(c * 27), perChannel(s1, 0)),
      mb.addConstTensor(
        'model/conv2d/bias',
        [c],
        TensorType.INT32,
        ints(c, -2000, 4000),
        perChannel(
          s1.map((s) => Math.fround(inQ.s) * s),
          0,
        ),
      ),
    ],
    [y1],
    conv2dOptions(Padding.SAME, 1, Activation.RELU6),
  );
  // 1 DEPTHWISE_CONV_2D 3×3 SAME, multiplier 1, fused RELU_N1_TO_1: ±1 is 5 ± 100.
  const s2 = scales(c);
  const y2 = mb.addTensor('model/depthwise/clip', [1, 6, 6, c], I8, q1(Math.fround(0.01), 5));
  mb.addBuiltin(
    Op.DEPTHWISE_CONV_2D,
    1,
    [
      y1,
      mb.addConstTensor('model/depthwise/w', [1, 3, 3, c], I8, filter(9 * c), perChannel(s2, 3)),
      mb.addConstTensor(
        'model/depthwise/b',
        [c],
        TensorType.INT32,
        ints(c, -3000, 3000),
        perChannel(
          s2.map((s) => Math.fround(0.03) * s),
          0,
        ),
      ),
    ],
    [y2],
    {
      table: 'DepthwiseConv2DOptions',
      values: {
        padding: Padding.SAME,
        stride_w: 1,
        stride_h: 1,
        depth_multiplier: 1,
        fused_activation_function: Activation.RELU_N1_TO_1,
        dilation_w_factor: 1,
        dilation_h_factor: 1,
      },
    },
  );
  // 2 ADD of the two, fused RELU6 (6 is −60 + 150 = 90).
  const y3 = mb.addTensor('model/add/Relu6', [1, 6, 6, c], I8, q1(Math.fround(0.04), -60));
  mb.addBuiltin(Op.ADD, 1, [y1, y2], [y3], {
    table: 'AddOptions',
    values: { fused_activation_function: Activation.RELU6 },
  });
  // 3 MUL by itself, fused RELU_N1_TO_1 (±1 is ±80).
  const y4 = mb.addTensor('model/mul/clip', [1, 6, 6, c], I8, q1(Math.fround(1 / 80), 0));
  mb.addBuiltin(Op.MUL, 1, [y3, y3], [y4], {
    table: 'MulOptions',
    values: { fused_activation_function: Activation.RELU_N1_TO_1 },
  });
  // 4 ADD of an INT8 per-channel constant, fused RELU6 (6 is −120 + 240 > 127: only the lower bound bites).
  const k = mb.addConstTensor('model/add_1/y', [c], I8, filter(c), q1(Math.fround(0.01), 3));
  const y5 = mb.addTensor('model/add_1/Relu6', [1, 6, 6, c], I8, q1(Math.fround(0.025), -120));
  mb.addBuiltin(Op.ADD, 1, [y4, k], [y5], {
    table: 'AddOptions',
    values: { fused_activation_function: Activation.RELU6 },
  });
  // 5 MEAN over [1, 2] → 6 FULLY_CONNECTED, fused RELU6 (6 is −20 + 120 = 100).
  const axes = mb.addConstTensor(
    'model/gap/Mean/reduction_indices',
    [2],
    TensorType.INT32,
    Int32Array.of(1, 2),
  );
  const mQ = { s: Math.fround(0.02), z: -110 };
  const m = mb.addTensor('model/gap/Mean', [1, c], I8, q1(mQ.s, mQ.z));
  mb.addBuiltin(Op.MEAN, 1, [y5, axes], [m], { table: 'ReducerOptions', values: { keep_dims: 0 } });
  const classes = 10;
  const ws = Math.fround(0.01);
  const out = mb.addTensor('StatefulPartitionedCall:0', [1, classes], I8, q1(Math.fround(0.05), -20));
  mb.addBuiltin(
    Op.FULLY_CONNECTED,
    4,
    [
      m,
      mb.addConstTensor('model/dense/MatMul', [classes, c], I8, filter(classes * c), q1(ws, 0)),
      mb.addConstTensor(
        'model/dense/BiasAdd/ReadVariableOp',
        [classes],
        TensorType.INT32,
        ints(classes, -4000, 4000),
        q1(mQ.s * ws, 0),
      ),
    ],
    [out],
    { table: 'FullyConnectedOptions', values: { fused_activation_function: Activation.RELU6 } },
  );
  mb.inputs = [x];
  mb.outputs = [out];
  return {
    bytes: mb.serialize({ inputs: ['input'], outputs: ['output'] }),
    inQ,
    tensors: { y1, y2, y3, y4, y5, out },
  };
}

/**
 * Two binary convs with LCE's other fused activations on the integer dot (issue 16): `x [1, 6, 6, 32]` →
 * LceQuantize → LceBconv2d 3×3 SAME one-padding (pad_values 1), stride 1, fused `acts[0]` → LceQuantize →
 * LceBconv2d 3×3 VALID, stride 2, fused `acts[1]` → `[1, 2, 2, 8]`. `type` int8: every activation tensor int8
 * (LCE's int8-output transform), else float32 (its float-output transform). The filters, multipliers and
 * biases are returned for the tests' reference.
 */
export function lceFusedClampModel(seed: number, acts: [number, number], type: 'int8' | 'float32') {
  const r = rng(seed);
  const mb = new TfliteModelBuilder();
  const int8 = type === 'int8';
  const T = int8 ? TensorType.INT8 : TensorType.FLOAT32;
  const quant = (s: number, z: number) => (int8 ? q1(s, z) : undefined);
  const inQ = { s: 0.05, z: 3 };
  const x = mb.addTensor('serving_default_input:0', [1, 6, 6, 32], T, quant(inQ.s, inQ.z));
  const layers: {
    bits: number[][];
    mult: Float32Array;
    bias: Float32Array;
    outQ: { s: number; z: number };
    act: number;
    same: boolean;
    stride: number;
    cout: number;
  }[] = [];
  let input = x;
  let [h, w] = [6, 6];
  for (const [i, cout, same, stride] of [
    [0, 32, true, 1],
    [1, 8, false, 2],
  ] as const) {
    const packed = mb.addTensor(`model/quant_conv2d_${i}/LceQuantize`, [1, h, w, 1], TensorType.INT32);
    mb.addCustom('LceQuantize', [input], [packed], EMPTY_CUSTOM_OPTIONS);
    const K = 9 * 32;
    const bits = Array.from({ length: cout }, () => Array.from({ length: K }, () => (r() < 0.5 ? 1 : 0)));
    const mult = Float32Array.from({ length: cout }, () => (r() < 0.2 ? -1 : 1) * (0.05 + r() * 0.45));
    const bias = Float32Array.from({ length: cout }, () => (r() - 0.5) * 2);
    const outQ = { s: 0.06 + 0.02 * i, z: i === 0 ? -7 : 11 };
    [h, w] = same ? [h, w] : [Math.floor((h - 3) / stride) + 1, Math.floor((w - 3) / stride) + 1];
    const f = mb.addConstTensor(
      `model/quant_conv2d_${i}/filter`,
      [cout, 3, 3, 1],
      TensorType.INT32,
      packFilter(bits, 9, 32),
    );
    const mT = mb.addConstTensor(
      `model/quant_conv2d_${i}/post_activation_multiplier`,
      [cout],
      TensorType.FLOAT32,
      mult,
    );
    const bT = mb.addConstTensor(
      `model/quant_conv2d_${i}/post_activation_bias`,
      [cout],
      TensorType.FLOAT32,
      bias,
    );
    const y = mb.addTensor(`model/quant_conv2d_${i}/LceBconv2d`, [1, h, w, cout], T, quant(outQ.s, outQ.z));
    mb.addCustom(
      'LceBconv2d',
      [packed, f, mT, bT, -1],
      [y],
      bconvOptions({
        channels_in: 32,
        dilation_height_factor: 1,
        dilation_width_factor: 1,
        fused_activation_function: acts[i],
        pad_values: same ? 1 : 0,
        padding: same ? Padding.SAME : Padding.VALID,
        stride_height: stride,
        stride_width: stride,
      }),
    );
    layers.push({ bits, mult, bias, outQ, act: acts[i], same, stride, cout });
    input = y;
  }
  mb.inputs = [x];
  mb.outputs = [input];
  return { bytes: mb.serialize(), inQ, layers };
}
