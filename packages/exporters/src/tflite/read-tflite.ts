/**
 * Reads a `.tflite` (TensorFlow Lite flatbuffer) into plain objects with the flatbuffers ByteBuffer API:
 * the tables and slots of ./schema.ts. Used by tests to check exported files and by tools that report what
 * an export contains. Custom options of LCE ops are decoded as FlexBuffers.
 */
import { ByteBuffer } from 'flatbuffers';
import { toReference } from 'flatbuffers/js/flexbuffers.js';
import {
  BUILTIN_NAME,
  type BuiltinOptionsName,
  BuiltinOptionsType,
  OPTION_FIELDS,
  SLOT,
  TFLITE_FILE_IDENTIFIER,
} from './schema.js';

export interface TfliteQuantView {
  scale: number[];
  zeroPoint: number[];
  quantizedDimension: number;
  min: number[];
  max: number[];
}
export interface TfliteTensorView {
  name: string;
  shape: number[];
  type: number;
  buffer: number;
  /** null when the tensor has no quantization table; empty arrays when it has an empty one. */
  quantization: TfliteQuantView | null;
}
export interface TfliteOperatorView {
  opcodeIndex: number;
  /** Custom code, or the builtin's name (e.g. 'CONV_2D'), or `BUILTIN_<n>` for codes outside our subset. */
  opName: string;
  builtinCode: number;
  version: number;
  inputs: number[];
  outputs: number[];
  builtinOptionsType: number;
  builtinOptions: Record<string, number | number[]> | null;
  customOptions: Uint8Array | null;
  /** FlexBuffer-decoded custom options (null when absent or empty). */
  customOptionsDecoded: Record<string, unknown> | null;
}
export interface TfliteModelView {
  version: number;
  description: string;
  operatorCodes: {
    builtinCode: number;
    deprecatedBuiltinCode: number;
    customCode: string | null;
    version: number;
  }[];
  subgraphs: {
    name: string;
    inputs: number[];
    outputs: number[];
    tensors: TfliteTensorView[];
    operators: TfliteOperatorView[];
  }[];
  /** data: the bytes (a view into the file), or null; offset: where they start in the file. */
  buffers: { data: Uint8Array | null; offset: number }[];
  metadata: { name: string; buffer: number }[];
  signatureDefs: {
    key: string;
    inputs: { name: string; tensorIndex: number }[];
    outputs: { name: string; tensorIndex: number }[];
  }[];
}

export class TfliteReadError extends Error {
  override readonly name = 'TfliteReadError';
}

export function readTflite(bytes: Uint8Array): TfliteModelView {
  try {
    return readModel(bytes);
  } catch (e) {
    if (e instanceof TfliteReadError) throw e;
    throw new TfliteReadError(`.tflite reader: the flatbuffer is malformed (${(e as Error).message}).`);
  }
}

function readModel(bytes: Uint8Array): TfliteModelView {
  if (bytes.length < 8)
    throw new TfliteReadError(`.tflite reader: file is ${bytes.length} bytes, too short.`);
  const bb = new ByteBuffer(bytes);
  if (!bb.__has_identifier(TFLITE_FILE_IDENTIFIER)) {
    throw new TfliteReadError('.tflite reader: file identifier is not "TFL3"; not a TensorFlow Lite model.');
  }
  const field = (table: number, slot: number) => bb.__offset(table, 4 + 2 * slot);
  const check = (pos: number) => {
    if (pos < 0 || pos >= bytes.length)
      throw new TfliteReadError(`.tflite reader: offset ${pos} outside the file.`);
    return pos;
  };
  /** A reader of a scalar field: its value in slot `s` of table `t`, or `d` when the field is absent. */
  const scalar =
    (read: (pos: number) => number) =>
    (t: number, s: number, d = 0) => {
      const o = field(t, s);
      return o ? read(t + o) : d;
    };
  const u32 = scalar((pos) => bb.readUint32(pos));
  const i32 = scalar((pos) => bb.readInt32(pos));
  const i8 = scalar((pos) => bb.readInt8(pos));
  const f32 = scalar((pos) => bb.readFloat32(pos));
  const str = (t: number, s: number): string | null => {
    const o = field(t, s);
    return o ? (bb.__string(t + o) as string) : null;
  };
  const vec = (t: number, s: number, elementBytes = 1): { start: number; length: number } | null => {
    const o = field(t, s);
    if (!o) return null;
    const start = bb.__vector(t + o);
    const length = bb.__vector_len(t + o);
    if (start < 0 || length < 0 || start + length * elementBytes > bytes.length) {
      throw new TfliteReadError(
        `.tflite reader: a vector at ${start} of ${length} elements runs past the end.`,
      );
    }
    return { start, length };
  };
  /** A reader of a vector field of `elementBytes`-sized elements, each read by `read`; [] when absent. */
  const elements =
    (elementBytes: number, read: (pos: number) => number) =>
    (t: number, s: number): number[] => {
      const v = vec(t, s, elementBytes);
      return v ? Array.from({ length: v.length }, (_, i) => read(v.start + elementBytes * i)) : [];
    };
  const intVec = elements(4, (pos) => bb.readInt32(pos));
  const floatVec = elements(4, (pos) => bb.readFloat32(pos));
  const longVec = elements(8, (pos) => Number(bb.readInt64(pos)));
  const tables = elements(4, (pos) => check(bb.__indirect(pos)));
  const table = (t: number, s: number): number | null => {
    const o = field(t, s);
    return o ? check(bb.__indirect(t + o)) : null;
  };

  const model = check(bb.readInt32(bb.position()) + bb.position());
  const operatorCodes = tables(model, SLOT.Model.operator_codes).map((oc) => {
    const deprecated = i8(oc, SLOT.OperatorCode.deprecated_builtin_code);
    const builtin = i32(oc, SLOT.OperatorCode.builtin_code);
    return {
      builtinCode: Math.max(deprecated, builtin),
      deprecatedBuiltinCode: deprecated,
      customCode: str(oc, SLOT.OperatorCode.custom_code),
      version: i32(oc, SLOT.OperatorCode.version, 1),
    };
  });
  const optionsByType = new Map<number, BuiltinOptionsName>(
    Object.entries(BuiltinOptionsType).map(([k, v]) => [v, k as BuiltinOptionsName]),
  );

  const subgraphs = tables(model, SLOT.Model.subgraphs).map((sg) => {
    const tensors: TfliteTensorView[] = tables(sg, SLOT.SubGraph.tensors).map((t) => {
      const q = table(t, SLOT.Tensor.quantization);
      return {
        name: str(t, SLOT.Tensor.name) ?? '',
        shape: intVec(t, SLOT.Tensor.shape),
        type: i8(t, SLOT.Tensor.type),
        buffer: u32(t, SLOT.Tensor.buffer),
        quantization:
          q === null
            ? null
            : {
                scale: floatVec(q, SLOT.Quantization.scale),
                zeroPoint: longVec(q, SLOT.Quantization.zero_point),
                quantizedDimension: i32(q, SLOT.Quantization.quantized_dimension),
                min: floatVec(q, SLOT.Quantization.min),
                max: floatVec(q, SLOT.Quantization.max),
              },
      };
    });
    const operators: TfliteOperatorView[] = tables(sg, SLOT.SubGraph.operators).map((op) => {
      const opcodeIndex = u32(op, SLOT.Operator.opcode_index);
      const code = operatorCodes[opcodeIndex];
      if (!code) throw new TfliteReadError(`.tflite reader: operator uses missing opcode ${opcodeIndex}.`);
      const optType = i8(op, SLOT.Operator.builtin_options_type) & 0xff;
      const optTable = table(op, SLOT.Operator.builtin_options);
      let builtinOptions: Record<string, number | number[]> | null = null;
      const optName = optionsByType.get(optType);
      if (optTable !== null && optName) {
        builtinOptions = {};
        OPTION_FIELDS[optName].forEach((fd, slot) => {
          if (fd.kind === 'ivec') builtinOptions![fd.name] = intVec(optTable, slot);
          else if (fd.kind === 'i32') builtinOptions![fd.name] = i32(optTable, slot, fd.default);
          else if (fd.kind === 'f32') builtinOptions![fd.name] = f32(optTable, slot, fd.default);
          else builtinOptions![fd.name] = i8(optTable, slot, fd.default);
        });
      }
      const cv = vec(op, SLOT.Operator.custom_options);
      const customOptions = cv ? bytes.subarray(cv.start, cv.start + cv.length) : null;
      let customOptionsDecoded: Record<string, unknown> | null = null;
      if (customOptions && customOptions.length > 0) {
        const copy = customOptions.slice();
        customOptionsDecoded = toReference(copy.buffer).toObject() as Record<string, unknown>;
      }
      return {
        opcodeIndex,
        opName: code.customCode ?? BUILTIN_NAME[code.builtinCode] ?? `BUILTIN_${code.builtinCode}`,
        builtinCode: code.builtinCode,
        version: code.version,
        inputs: intVec(op, SLOT.Operator.inputs),
        outputs: intVec(op, SLOT.Operator.outputs),
        builtinOptionsType: optType,
        builtinOptions,
        customOptions,
        customOptionsDecoded,
      };
    });
    return {
      name: str(sg, SLOT.SubGraph.name) ?? '',
      inputs: intVec(sg, SLOT.SubGraph.inputs),
      outputs: intVec(sg, SLOT.SubGraph.outputs),
      tensors,
      operators,
    };
  });

  const buffers = tables(model, SLOT.Model.buffers).map((buf) => {
    const v = vec(buf, SLOT.Buffer.data);
    return v
      ? { data: bytes.subarray(v.start, v.start + v.length), offset: v.start }
      : { data: null, offset: 0 };
  });
  const metadata = tables(model, SLOT.Model.metadata).map((m) => ({
    name: str(m, SLOT.Metadata.name) ?? '',
    buffer: u32(m, SLOT.Metadata.buffer),
  }));
  const tensorMaps = (t: number, s: number) =>
    tables(t, s).map((m) => ({
      name: str(m, SLOT.TensorMap.name) ?? '',
      tensorIndex: u32(m, SLOT.TensorMap.tensor_index),
    }));
  const signatureDefs = tables(model, SLOT.Model.signature_defs).map((sd) => ({
    key: str(sd, SLOT.SignatureDef.signature_key) ?? '',
    inputs: tensorMaps(sd, SLOT.SignatureDef.inputs),
    outputs: tensorMaps(sd, SLOT.SignatureDef.outputs),
  }));
  return {
    version: u32(model, SLOT.Model.version),
    description: str(model, SLOT.Model.description) ?? '',
    operatorCodes,
    subgraphs,
    buffers,
    metadata,
    signatureDefs,
  };
}
