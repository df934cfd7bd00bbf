/**
 * TensorFlow Lite schema constants used by the writer and the reader (values from TensorFlow Lite's
 * schema.fbs; ./schema/tflite-subset.fbs lists the same tables for flatc).
 * Field slots are the order of fields in a table (vtable slot n lives at byte 4 + 2n).
 */

export const TFLITE_FILE_IDENTIFIER = 'TFL3';
export const TFLITE_SCHEMA_VERSION = 3;

export const TensorType = { FLOAT32: 0, INT32: 2, INT64: 4, INT8: 9 } as const;
export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];
export const TENSOR_TYPE_NAME: Record<number, string> = { 0: 'FLOAT32', 2: 'INT32', 4: 'INT64', 9: 'INT8' };

export const BuiltinOperator = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  MAX_POOL_2D: 17,
  MUL: 18,
  RELU: 19,
  RELU_N1_TO_1: 20,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  CUSTOM: 32,
  PAD: 34,
  MEAN: 40,
  SUB: 41,
  STRIDED_SLICE: 45,
  PRELU: 54,
  MAXIMUM: 55,
  MINIMUM: 57,
  PADV2: 60,
  SHAPE: 77,
  PACK: 83,
  QUANTIZE: 114,
  HARD_SWISH: 117,
} as const;
export type BuiltinOperatorName = keyof typeof BuiltinOperator;
export const BUILTIN_NAME: Record<number, BuiltinOperatorName> = Object.fromEntries(
  Object.entries(BuiltinOperator).map(([k, v]) => [v, k]),
) as Record<number, BuiltinOperatorName>;

/** Ids of the BuiltinOptions union members (TensorFlow Lite's positions in its union). */
export const BuiltinOptionsType = {
  Conv2DOptions: 1,
  DepthwiseConv2DOptions: 2,
  Pool2DOptions: 5,
  FullyConnectedOptions: 8,
  SoftmaxOptions: 9,
  ConcatenationOptions: 10,
  AddOptions: 11,
  ReshapeOptions: 17,
  MulOptions: 21,
  PadOptions: 22,
  ReducerOptions: 27,
  SubOptions: 28,
  StridedSliceOptions: 32,
  DequantizeOptions: 38,
  MaximumMinimumOptions: 39,
  PadV2Options: 43,
  ShapeOptions: 55,
  PackOptions: 59,
  QuantizeOptions: 89,
} as const;
export type BuiltinOptionsName = keyof typeof BuiltinOptionsType;

/** Scalar field kinds in option tables. */
export type FieldKind = 'i8' | 'bool' | 'i32' | 'f32' | 'ivec';
export interface FieldDef {
  name: string;
  kind: FieldKind;
  default: number;
}
const f = (name: string, kind: FieldKind, def = 0): FieldDef => ({ name, kind, default: def });

/** Field lists of the option tables, in schema order (index = slot). */
export const OPTION_FIELDS: Record<BuiltinOptionsName, FieldDef[]> = {
  Conv2DOptions: [
    f('padding', 'i8'),
    f('stride_w', 'i32'),
    f('stride_h', 'i32'),
    f('fused_activation_function', 'i8'),
    f('dilation_w_factor', 'i32', 1),
    f('dilation_h_factor', 'i32', 1),
  ],
  DepthwiseConv2DOptions: [
    f('padding', 'i8'),
    f('stride_w', 'i32'),
    f('stride_h', 'i32'),
    f('depth_multiplier', 'i32'),
    f('fused_activation_function', 'i8'),
    f('dilation_w_factor', 'i32', 1),
    f('dilation_h_factor', 'i32', 1),
  ],
  Pool2DOptions: [
    f('padding', 'i8'),
    f('stride_w', 'i32'),
    f('stride_h', 'i32'),
    f('filter_width', 'i32'),
    f('filter_height', 'i32'),
    f('fused_activation_function', 'i8'),
  ],
  FullyConnectedOptions: [
    f('fused_activation_function', 'i8'),
    f('weights_format', 'i8'),
    f('keep_num_dims', 'bool'),
    f('asymmetric_quantize_inputs', 'bool'),
  ],
  SoftmaxOptions: [f('beta', 'f32')],
  ConcatenationOptions: [f('axis', 'i32'), f('fused_activation_function', 'i8')],
  AddOptions: [f('fused_activation_function', 'i8'), f('pot_scale_int16', 'bool', 1)],
  ReshapeOptions: [f('new_shape', 'ivec')],
  MulOptions: [f('fused_activation_function', 'i8')],
  PadOptions: [],
  ReducerOptions: [f('keep_dims', 'bool')],
  SubOptions: [f('fused_activation_function', 'i8'), f('pot_scale_int16', 'bool', 1)],
  StridedSliceOptions: [
    f('begin_mask', 'i32'),
    f('end_mask', 'i32'),
    f('ellipsis_mask', 'i32'),
    f('new_axis_mask', 'i32'),
    f('shrink_axis_mask', 'i32'),
    f('offset', 'bool'),
  ],
  DequantizeOptions: [],
  MaximumMinimumOptions: [],
  PadV2Options: [],
  ShapeOptions: [f('out_type', 'i8')],
  PackOptions: [f('values_count', 'i32'), f('axis', 'i32')],
  QuantizeOptions: [],
};

export const Padding = { SAME: 0, VALID: 1 } as const;
export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 } as const;

/** Custom op names of Larq Compute Engine. */
export const LceOp = {
  Quantize: 'LceQuantize',
  Bconv2d: 'LceBconv2d',
  Dequantize: 'LceDequantize',
  BMaxPool2d: 'LceBMaxPool2d',
} as const;

/** The custom code of an LCE op. */
export type LceOpName = (typeof LceOp)[keyof typeof LceOp];

/** The builtin operators the writer may emit (`write-tflite.ts` `builtin` takes only these names). */
export type TfliteBuiltinName =
  | 'CONV_2D'
  | 'DEPTHWISE_CONV_2D'
  | 'FULLY_CONNECTED'
  | 'MAX_POOL_2D'
  | 'AVERAGE_POOL_2D'
  | 'MEAN'
  | 'ADD'
  | 'SUB'
  | 'MUL'
  | 'MINIMUM'
  | 'MAXIMUM'
  | 'QUANTIZE'
  | 'DEQUANTIZE'
  | 'RESHAPE'
  | 'CONCATENATION'
  | 'SOFTMAX'
  | 'RELU'
  | 'RELU6'
  | 'RELU_N1_TO_1'
  | 'PRELU'
  | 'PAD'
  | 'PADV2'
  | 'HARD_SWISH';

/** Every TFLite operator a written file may contain; the reference interpreter has a kernel for each. */
export type TfliteOperatorName = TfliteBuiltinName | LceOpName;

/** Slots of the structural tables. */
export const SLOT = {
  Model: {
    version: 0,
    operator_codes: 1,
    subgraphs: 2,
    description: 3,
    buffers: 4,
    metadata_buffer: 5,
    metadata: 6,
    signature_defs: 7,
  },
  OperatorCode: { deprecated_builtin_code: 0, custom_code: 1, version: 2, builtin_code: 3 },
  SubGraph: { tensors: 0, inputs: 1, outputs: 2, operators: 3, name: 4 },
  Tensor: { shape: 0, type: 1, buffer: 2, name: 3, quantization: 4, is_variable: 5 },
  Quantization: {
    min: 0,
    max: 1,
    scale: 2,
    zero_point: 3,
    details_type: 4,
    details: 5,
    quantized_dimension: 6,
  },
  Operator: {
    opcode_index: 0,
    inputs: 1,
    outputs: 2,
    builtin_options_type: 3,
    builtin_options: 4,
    custom_options: 5,
    custom_options_format: 6,
  },
  Buffer: { data: 0 },
  Metadata: { name: 0, buffer: 1 },
  TensorMap: { name: 0, tensor_index: 1 },
  SignatureDef: { inputs: 0, outputs: 1, signature_key: 2, subgraph_index: 4 },
} as const;
