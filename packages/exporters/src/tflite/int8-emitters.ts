/**
 * The TFLite operators of bnn-core's int8 deploy ops, in TensorFlow Lite's int8 quantization (both profiles):
 * int8 tensors carry their per-tensor scale / zero point; conv / depthwise / dense filters are INT8 with one
 * scale per output channel (zero points 0) and an INT32 bias whose scales are `in.scale · filterScales[c]` —
 * as many as the filter's. Dense is written as LCE's converter writes it: RESHAPE → CONV_2D 1×1 → RESHAPE.
 */
import { type Int8Constant, int8ReluBounds } from '@bnn-studio/bnn-core';
import { bconvOptions, DOT_CLAMP_ACTIVATION, EMPTY_CUSTOM_OPTIONS } from './lce-options.js';
import type { QuantParams } from './model-builder.js';
import { Activation, LceOp, BuiltinOperator as Op, Padding, TensorType } from './schema.js';
import type { TfliteEmitter, TfliteOpEmitter } from './write-tflite.js';

const act = (a: 'none' | 'relu') => (a === 'relu' ? Activation.RELU : Activation.NONE);

/** The second operand of an element-wise int8 op: its second input, or its constant as an INT8 [C] tensor. */
function secondOperand(em: TfliteEmitter, op: { inputs: string[]; constant?: Int8Constant | null }): number {
  if (!op.constant) return em.t(op.inputs[1]!);
  const k = op.constant;
  return em.mb.addConstTensor(`${em.node}/constant`, [k.values.length], TensorType.INT8, k.values, {
    scale: [k.quant.scale],
    zeroPoint: [k.quant.zeroPoint],
  });
}
const pad = (p: 'valid' | 'same') => (p === 'same' ? Padding.SAME : Padding.VALID);
const words = (c: number) => Math.ceil(c / 32);

/** INT8 per-channel filter and INT32 bias (scale in·s_w[c], zero bias when the op has none). */
function filterAndBias(
  em: TfliteEmitter,
  inputId: string,
  filter: Int8Array,
  shape: number[],
  filterScales: Float32Array,
  bias: Int32Array | null,
  quantizedDimension: number,
): [number, number] {
  const n = filterScales.length;
  const scales = Array.from(filterScales);
  const wQ: QuantParams = { scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension };
  const filterT = em.mb.addConstTensor(`${em.node}/filter`, shape, TensorType.INT8, filter, wQ);
  const inScale = em.tensorInfo(inputId).quant!.scale;
  const bScales = scales.map((s) => inScale * s);
  const biasT = em.constI32('bias', [n], bias ?? new Int32Array(n), {
    scale: bScales,
    zeroPoint: bScales.map(() => 0),
    quantizedDimension: 0,
  });
  return [filterT, biasT];
}

export const INT8_TFLITE_EMITTERS = {
  int8_quantize: (em, op) => {
    if (em.inputQuant && op.inputs[0] === em.deploy.input) {
      // xcore: the file's input already is this int8 tensor (`impliedInputQuant`).
      em.tensorOf.set(op.outputs[0]!, em.t(op.inputs[0]!));
      return;
    }
    em.builtin(Op.QUANTIZE, 'QUANTIZE', [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)], undefined, 1);
  },
  int8_dequantize: (em, op) => {
    const [x, y] = [em.t(op.inputs[0]!), em.t(op.outputs[0]!)];
    // xcore quantises every float tensor, so the output may be int8 too: TFLite's DEQUANTIZE writes float32
    // only (Prepare refuses another type); int8 → int8 is QUANTIZE's requantisation.
    if (em.mb.tensors[y]!.type === TensorType.INT8)
      em.builtin(Op.QUANTIZE, 'QUANTIZE', [x], [y], undefined, 1);
    else em.builtin(Op.DEQUANTIZE, 'DEQUANTIZE', [x], [y], undefined, 2);
  },
  int8_bitpack: (em, op) => {
    let x = em.t(op.inputs[0]!);
    const xt = em.mb.tensors[x]!;
    if (xt.shape.length === 2) {
      // An int8 vector [1, C] is viewed as [1, 1, 1, C] before packing (as float vectors are).
      const x4 = em.temp('input_4d', [1, 1, 1, xt.shape[1]!], xt.type, xt.quant);
      em.reshape(x, [1, 1, 1, xt.shape[1]!], x4);
      x = x4;
    }
    em.custom(LceOp.Quantize, [x], [em.t(op.outputs[0]!)], EMPTY_CUSTOM_OPTIONS);
  },
  int8_conv2d: (em, op) => {
    const [kh, kw] = op.kernel;
    const [filterT, biasT] = filterAndBias(
      em,
      op.inputs[0]!,
      op.filter,
      [op.outChannels, kh, kw, op.inChannels],
      op.filterScales,
      op.bias,
      0,
    );
    em.builtin(
      Op.CONV_2D,
      'CONV_2D',
      [em.t(op.inputs[0]!), filterT, biasT],
      [em.t(op.outputs[0]!)],
      {
        table: 'Conv2DOptions',
        values: {
          padding: pad(op.padding),
          stride_w: op.strides[1],
          stride_h: op.strides[0],
          fused_activation_function: act(op.activation),
          dilation_w_factor: op.dilations[1],
          dilation_h_factor: op.dilations[0],
        },
      },
      3,
    );
  },
  int8_depthwise_conv2d: (em, op) => {
    const [kh, kw] = op.kernel;
    const n = op.channels * op.depthMultiplier;
    const [filterT, biasT] = filterAndBias(
      em,
      op.inputs[0]!,
      op.filter,
      [1, kh, kw, n],
      op.filterScales,
      op.bias,
      3,
    );
    em.builtin(
      Op.DEPTHWISE_CONV_2D,
      'DEPTHWISE_CONV_2D',
      [em.t(op.inputs[0]!), filterT, biasT],
      [em.t(op.outputs[0]!)],
      {
        table: 'DepthwiseConv2DOptions',
        values: {
          padding: pad(op.padding),
          stride_w: op.strides[1],
          stride_h: op.strides[0],
          depth_multiplier: op.depthMultiplier,
          fused_activation_function: act(op.activation),
          dilation_w_factor: op.dilations[1],
          dilation_h_factor: op.dilations[0],
        },
      },
      3,
    );
  },
  int8_dense: (em, op) => {
    const x = em.t(op.inputs[0]!);
    const xt = em.mb.tensors[x]!;
    const out = em.t(op.outputs[0]!);
    const outTf = em.mb.tensors[out]!;
    const x4 = em.temp('input_4d', [1, 1, 1, op.inChannels], TensorType.INT8, xt.quant);
    em.reshape(x, [1, 1, 1, op.inChannels], x4);
    const [filterT, biasT] = filterAndBias(
      em,
      op.inputs[0]!,
      op.weights,
      [op.outChannels, 1, 1, op.inChannels],
      op.filterScales,
      op.bias,
      0,
    );
    const y4 = em.temp('output_4d', [1, 1, 1, op.outChannels], TensorType.INT8, outTf.quant);
    em.builtin(
      Op.CONV_2D,
      'CONV_2D',
      [x4, filterT, biasT],
      [y4],
      {
        table: 'Conv2DOptions',
        values: {
          padding: Padding.VALID,
          stride_w: 1,
          stride_h: 1,
          fused_activation_function: act(op.activation),
          dilation_w_factor: 1,
          dilation_h_factor: 1,
        },
      },
      3,
    );
    em.reshape(y4, outTf.shape, out);
  },
  int8_add: (em, op) => {
    em.builtin(Op.ADD, 'ADD', [em.t(op.inputs[0]!), secondOperand(em, op)], [em.t(op.outputs[0]!)], {
      table: 'AddOptions',
      values: { fused_activation_function: act(op.activation) },
    });
  },
  int8_mul: (em, op) => {
    em.builtin(Op.MUL, 'MUL', [em.t(op.inputs[0]!), secondOperand(em, op)], [em.t(op.outputs[0]!)], {
      table: 'MulOptions',
      values: { fused_activation_function: act(op.activation) },
    });
  },
  int8_requantize: (em, op) => {
    // The TFLite operator whose clamp these bounds are (QUANTIZE: none; RELU / RELU6 / RELU_N1_TO_1: QuantizedReluX).
    const outQ = em.tensorInfo(op.outputs[0]!).quant!;
    const is = (lo: number, hi: number) => {
      const [a, b] = int8ReluBounds(lo, hi, outQ);
      return a === op.min && b === op.max;
    };
    const x = [em.t(op.inputs[0]!)];
    const y = [em.t(op.outputs[0]!)];
    if (op.min === -128 && op.max === 127) em.builtin(Op.QUANTIZE, 'QUANTIZE', x, y);
    else if (is(0, Number.POSITIVE_INFINITY)) em.builtin(Op.RELU, 'RELU', x, y);
    else if (is(0, 6)) em.builtin(Op.RELU6, 'RELU6', x, y);
    else if (is(-1, 1)) em.builtin(Op.RELU_N1_TO_1, 'RELU_N1_TO_1', x, y);
    else
      throw new Error(
        `.tflite writer: int8_requantize "${op.sourceNode}" clamps to [${op.min}, ${op.max}], which no TFLite int8 QUANTIZE / RELU / RELU6 / RELU_N1_TO_1 computes.`,
      );
  },
  int8_mean: (em, op) => {
    // TFLite int8 MEAN over axes [1, 2] with keep_dims false (LCE's converter's global average pooling).
    const axes = em.constI32('axes', [2], Int32Array.of(1, 2));
    em.builtin(Op.MEAN, 'MEAN', [em.t(op.inputs[0]!), axes], [em.t(op.outputs[0]!)], {
      table: 'ReducerOptions',
      values: { keep_dims: 0 },
    });
  },
  int8_softmax: (em, op) => {
    em.builtin(Op.SOFTMAX, 'SOFTMAX', [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)], {
      table: 'SoftmaxOptions',
      values: { beta: op.beta },
    });
  },
  int8_maxpool2d: (em, op) => emitInt8Pool(em, op, Op.MAX_POOL_2D, 'MAX_POOL_2D'),
  int8_avgpool2d: (em, op) => emitInt8Pool(em, op, Op.AVERAGE_POOL_2D, 'AVERAGE_POOL_2D'),
  int8_bconv2d: (em, op) => {
    const [kh, kw] = op.kernel;
    const filterT = em.constI32('filter', [op.outChannels, kh, kw, words(op.inChannels)], op.filter);
    let input = em.t(op.inputs[0]!);
    let padding = op.padding;
    if (em.profile === 'xcore' && op.padding === 'same') {
      input = em.padPackedOnes(op.inputs[0]!, op.kernel, op.strides, op.dilations);
      padding = 'valid';
    }
    em.custom(
      LceOp.Bconv2d,
      [
        input,
        filterT,
        em.constF32('post_activation_multiplier', [op.outChannels], op.multiplier),
        em.constF32('post_activation_bias', [op.outChannels], op.bias),
        -1,
      ],
      [em.t(op.outputs[0]!)],
      bconvOptions({
        channels_in: op.inChannels,
        dilation_height_factor: op.dilations[0],
        dilation_width_factor: op.dilations[1],
        fused_activation_function: DOT_CLAMP_ACTIVATION[op.clamp],
        pad_values: padding === 'same' ? op.padValue : 0,
        padding: pad(padding),
        stride_height: op.strides[0],
        stride_width: op.strides[1],
      }),
    );
  },
} satisfies {
  [K in
    | 'int8_quantize'
    | 'int8_dequantize'
    | 'int8_bitpack'
    | 'int8_conv2d'
    | 'int8_depthwise_conv2d'
    | 'int8_dense'
    | 'int8_add'
    | 'int8_maxpool2d'
    | 'int8_avgpool2d'
    | 'int8_bconv2d'
    | 'int8_softmax'
    | 'int8_mul'
    | 'int8_requantize'
    | 'int8_mean']: TfliteOpEmitter<K>;
};

function emitInt8Pool(
  em: TfliteEmitter,
  op: {
    inputs: string[];
    outputs: string[];
    pool: [number, number];
    strides: [number, number];
    padding: 'valid' | 'same';
  },
  code: number,
  name: 'MAX_POOL_2D' | 'AVERAGE_POOL_2D',
): void {
  em.builtin(code, name, [em.t(op.inputs[0]!)], [em.t(op.outputs[0]!)], {
    table: 'Pool2DOptions',
    values: {
      padding: pad(op.padding),
      stride_w: op.strides[1],
      stride_h: op.strides[0],
      filter_width: op.pool[1],
      filter_height: op.pool[0],
    },
  });
}
