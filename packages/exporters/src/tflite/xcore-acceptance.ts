/**
 * What an xcore `.tflite` must satisfy for XMOS's xformer (xcore-opt) and LCE's kernels to take it, checked on the
 * file read back (not on the writer's intentions): the LCE ops' Prepare conditions, xcore-opt's binary-conv
 * patterns, and TFLite's int8 quantisation rules (per-tensor activations, symmetric filters, bias scale =
 * input scale · filter scale with as many scales as the filter, softmax output 1/256 with zero point −128, pools
 * and reshapes sharing their input's parameters). `xcoreFileProblems` lists every violation; an empty list is the
 * exporter's promise for every file the xcore profile writes.
 */
import type { TfliteModelView, TfliteOperatorView, TfliteTensorView } from './read-tflite.js';
import { Activation, Padding, TensorType } from './schema.js';

/** TFLite's bias-scale tolerance (kernel_util.cc: |s_in·s_w − s_b| ≤ 1e-6 · min(s_in·s_w, s_b)). */
const BIAS_SCALE_TOLERANCE = 1e-6;

/** Operators the xcore profile may write (int8 builtins, LCE ops xcore-opt lowers, the float I/O converters). */
const XCORE_OPERATORS = new Set([
  'LceQuantize',
  'LceBconv2d',
  'PAD',
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'MUL',
  'ADD',
  'MAX_POOL_2D',
  'AVERAGE_POOL_2D',
  'MEAN',
  'CONCATENATION',
  'RESHAPE',
  'RELU',
  'RELU6',
  'RELU_N1_TO_1',
  'HARD_SWISH',
  'PRELU',
  'MINIMUM',
  'MAXIMUM',
  'SOFTMAX',
  'QUANTIZE',
  'DEQUANTIZE',
]);

/** Operators whose int8 output must carry exactly its input's scale and zero point. */
const SHARES_INPUT_QUANT = new Set(['MAX_POOL_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'MINIMUM', 'MAXIMUM']);

/** Every reason xformer / LCE / TFLite's int8 kernels would refuse `model` (empty when none). */
export function xcoreFileProblems(model: TfliteModelView): string[] {
  const problems: string[] = [];
  const sg = model.subgraphs[0];
  if (!sg) return ['the model has no subgraph'];
  const tensor = (i: number): TfliteTensorView | null => (i >= 0 ? (sg.tensors[i] ?? null) : null);
  const isConst = (t: TfliteTensorView) => (model.buffers[t.buffer]?.data?.length ?? 0) > 0;
  const constData = (t: TfliteTensorView) => model.buffers[t.buffer]!.data!;
  const perTensor = (t: TfliteTensorView, where: string) => {
    const q = t.quantization;
    if (q?.scale.length !== 1 || q.zeroPoint.length !== 1) {
      problems.push(`${where}: int8 tensor "${t.name}" needs one scale and zero point (per tensor)`);
      return;
    }
    if (!(q.scale[0]! > 0) || !Number.isFinite(q.scale[0]!))
      problems.push(`${where}: tensor "${t.name}" has scale ${q.scale[0]}`);
    if (q.zeroPoint[0]! < -128 || q.zeroPoint[0]! > 127)
      problems.push(`${where}: tensor "${t.name}" has zero point ${q.zeroPoint[0]} outside int8`);
  };

  // Floats only where the float I/O converters or LCE's float multiplier/bias need them.
  const floatAllowed = new Set<number>();
  for (const op of sg.operators) {
    if (op.opName === 'QUANTIZE') floatAllowed.add(op.inputs[0]!);
    if (op.opName === 'DEQUANTIZE') floatAllowed.add(op.outputs[0]!);
    if (op.opName === 'LceBconv2d') for (const i of [op.inputs[2]!, op.inputs[3]!]) floatAllowed.add(i);
  }
  sg.tensors.forEach((t, i) => {
    if (t.type === TensorType.FLOAT32 && !floatAllowed.has(i))
      problems.push(`tensor "${t.name}" is FLOAT32 in an int8 model`);
    if (t.type === TensorType.INT8 && !isConst(t)) perTensor(t, 'activation');
  });

  sg.operators.forEach((op, index) => {
    const where = `operator ${index} (${op.opName})`;
    if (!XCORE_OPERATORS.has(op.opName)) {
      problems.push(`${where}: xcore-opt does not lower ${op.opName}`);
      return;
    }
    const inT = tensor(op.inputs[0]!);
    const outT = tensor(op.outputs[0]!);
    if (!inT || !outT) {
      problems.push(`${where}: missing input or output tensor`);
      return;
    }
    switch (op.opName) {
      case 'LceQuantize':
        if (inT.type !== TensorType.INT8)
          problems.push(`${where}: input must be int8 (xcore-opt's LceQuantize)`);
        if (outT.type !== TensorType.INT32) problems.push(`${where}: output must be bit-packed INT32`);
        break;
      case 'LceBconv2d':
        checkBconv(op, where, tensor, problems);
        break;
      case 'CONV_2D':
      case 'DEPTHWISE_CONV_2D':
      case 'FULLY_CONNECTED':
        checkWeighted(op, where, tensor, constData, problems);
        break;
      case 'DEQUANTIZE':
        if (inT.type !== TensorType.INT8 || outT.type !== TensorType.FLOAT32)
          problems.push(`${where}: TFLite's DEQUANTIZE reads int8 and writes float32 only`);
        break;
      case 'QUANTIZE':
        if (outT.type !== TensorType.INT8) problems.push(`${where}: output must be int8`);
        break;
      case 'SOFTMAX': {
        const q = outT.quantization;
        if (!q || q.zeroPoint[0] !== -128 || Math.abs(q.scale[0]! - 1 / 256) > 1e-9)
          problems.push(`${where}: int8 softmax output needs scale 1/256 and zero point −128`);
        break;
      }
      default:
        if (SHARES_INPUT_QUANT.has(op.opName) && inT.type === TensorType.INT8) {
          const a = inT.quantization;
          const b = outT.quantization;
          if (!a || !b || a.scale[0] !== b.scale[0] || a.zeroPoint[0] !== b.zeroPoint[0])
            problems.push(`${where}: int8 output must share the input's scale and zero point`);
        }
    }
  });
  return problems;
}

function checkBconv(
  op: TfliteOperatorView,
  where: string,
  tensor: (i: number) => TfliteTensorView | null,
  problems: string[],
): void {
  const o = (op.customOptionsDecoded ?? {}) as Record<string, number>;
  const input = tensor(op.inputs[0]!)!;
  const filter = tensor(op.inputs[1]!);
  const out = tensor(op.outputs[0]!)!;
  const cin = o.channels_in ?? 0;
  if (input.type !== TensorType.INT32) problems.push(`${where}: input must be bit-packed INT32`);
  if (cin % 32 !== 0) problems.push(`${where}: channels_in ${cin} is not a multiple of 32 (xcore-opt)`);
  if (!filter || filter.type !== TensorType.INT32 || filter.shape[3] !== Math.ceil(cin / 32))
    problems.push(`${where}: filter must be INT32 [Cout, KH, KW, ceil(channels_in/32)]`);
  if (o.padding !== Padding.VALID)
    problems.push(`${where}: padding must be VALID (one-padding is written as PAD + VALID for xcore-opt)`);
  if (o.padding === Padding.SAME && o.pad_values === 0 && o.fused_activation_function !== Activation.NONE)
    problems.push(`${where}: LCE refuses a fused activation with SAME zero-padding`);
  const cout = out.shape[out.shape.length - 1]!;
  if (out.type === TensorType.INT32) {
    const th = tensor(op.inputs[4]!);
    if (!th || th.type !== TensorType.INT32 || op.inputs[2] !== -1 || op.inputs[3] !== -1)
      problems.push(`${where}: bit-packed output takes [in, filter, -1, -1, thresholds]`);
    if (o.fused_activation_function !== Activation.NONE)
      problems.push(`${where}: bit-packed output cannot fuse an activation`);
  } else if (out.type === TensorType.INT8) {
    if (op.inputs[4] !== -1 || !tensor(op.inputs[2]!) || !tensor(op.inputs[3]!))
      problems.push(`${where}: int8 output takes [in, filter, multiplier, bias, -1]`);
    if (o.fused_activation_function !== Activation.RELU)
      problems.push(`${where}: xcore-opt lowers int8-output LceBconv2d only with a fused ReLU`);
    if (cout % 4 !== 0) problems.push(`${where}: int8 output needs Cout % 4 == 0 (has ${cout})`);
  } else {
    problems.push(`${where}: output must be INT32 (bit-packed) or INT8`);
  }
}

function checkWeighted(
  op: TfliteOperatorView,
  where: string,
  tensor: (i: number) => TfliteTensorView | null,
  constData: (t: TfliteTensorView) => Uint8Array,
  problems: string[],
): void {
  const input = tensor(op.inputs[0]!)!;
  const filter = tensor(op.inputs[1]!);
  const bias = tensor(op.inputs[2] ?? -1);
  if (input.type !== TensorType.INT8) problems.push(`${where}: input must be int8`);
  if (!filter || filter.type !== TensorType.INT8 || !filter.quantization) {
    problems.push(`${where}: filter must be int8 with quantisation parameters`);
    return;
  }
  const fq = filter.quantization;
  const channels =
    op.opName === 'CONV_2D' ? filter.shape[0]! : op.opName === 'DEPTHWISE_CONV_2D' ? filter.shape[3]! : 1;
  const dim = op.opName === 'DEPTHWISE_CONV_2D' ? 3 : 0;
  if (fq.scale.length !== channels)
    problems.push(
      `${where}: filter has ${fq.scale.length} scales; expected ${channels} (${op.opName === 'FULLY_CONNECTED' ? 'per tensor' : 'per output channel'})`,
    );
  if (fq.scale.length > 1 && fq.quantizedDimension !== dim)
    problems.push(`${where}: filter quantized_dimension ${fq.quantizedDimension}, expected ${dim}`);
  if (fq.zeroPoint.some((z) => z !== 0)) problems.push(`${where}: filter zero points must be 0 (symmetric)`);
  const data = new Int8Array(
    constData(filter).buffer,
    constData(filter).byteOffset,
    constData(filter).length,
  );
  if (data.some((v) => v === -128)) problems.push(`${where}: symmetric int8 filter holds −128`);
  if (!bias) return;
  const bq = bias.quantization;
  if (bias.type !== TensorType.INT32 || !bq) {
    problems.push(`${where}: bias must be INT32 with quantisation parameters`);
    return;
  }
  if (bq.scale.length !== fq.scale.length)
    problems.push(
      `${where}: bias has ${bq.scale.length} scales, its filter ${fq.scale.length}: they must match`,
    );
  if (bq.zeroPoint.some((z) => z !== 0)) problems.push(`${where}: bias zero points must be 0`);
  const sIn = input.quantization?.scale[0] ?? 0;
  bq.scale.forEach((s, c) => {
    const want = sIn * (fq.scale[c] ?? Number.NaN);
    if (!(Math.abs(s - want) <= BIAS_SCALE_TOLERANCE * Math.min(s, want)))
      problems.push(`${where}: bias scale ${s} of channel ${c} is not input scale · filter scale (${want})`);
  });
}
