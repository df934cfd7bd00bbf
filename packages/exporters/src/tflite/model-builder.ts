/**
 * An in-memory TensorFlow Lite model (one subgraph) and its serialisation with the flatbuffers Builder API.
 * Buffer data is aligned to 16 bytes in the file (the schema's force_align; LCE files need 4).
 */
import { Builder } from 'flatbuffers';
import {
  BuiltinOperator,
  type BuiltinOptionsName,
  BuiltinOptionsType,
  OPTION_FIELDS,
  SLOT,
  type TensorTypeCode,
  TFLITE_FILE_IDENTIFIER,
  TFLITE_SCHEMA_VERSION,
} from './schema.js';

type Offset = number;

export interface QuantParams {
  scale: number[];
  zeroPoint: number[];
  /** Axis of per-channel parameters (0 for OHWI conv filters, 3 for depthwise 1HWC filters). */
  quantizedDimension?: number;
  min?: number[];
  max?: number[];
}

export interface TfTensor {
  name: string;
  shape: number[];
  type: TensorTypeCode;
  buffer: number;
  quant?: QuantParams;
}

export interface TfOptions {
  table: BuiltinOptionsName;
  values: Record<string, number | number[]>;
}

export interface TfOperator {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  builtinOptions?: TfOptions;
  customOptions?: Uint8Array;
}

export interface TfOpcode {
  builtin: number;
  custom?: string;
  version: number;
}

export class TfliteModelBuilder {
  readonly buffers: Uint8Array[] = [new Uint8Array(0)];
  readonly tensors: TfTensor[] = [];
  readonly operators: TfOperator[] = [];
  readonly opcodes: TfOpcode[] = [];
  inputs: number[] = [];
  outputs: number[] = [];
  description = 'MLIR Converted.';
  subgraphName = 'main';
  /** min_runtime_version metadata value. */
  minRuntimeVersion = '1.14.0';
  private names = new Set<string>();

  private uniqueName(name: string): string {
    let n = name;
    for (let i = 1; this.names.has(n); i++) n = `${name}_${i}`;
    this.names.add(n);
    return n;
  }

  addTensor(name: string, shape: number[], type: TensorTypeCode, quant?: QuantParams): number {
    this.tensors.push({ name: this.uniqueName(name), shape, type, buffer: 0, ...(quant ? { quant } : {}) });
    return this.tensors.length - 1;
  }

  addConstTensor(
    name: string,
    shape: number[],
    type: TensorTypeCode,
    data: Int32Array | Float32Array | Int8Array | BigInt64Array,
    quant?: QuantParams,
  ): number {
    const bytes = new Uint8Array(data.byteLength);
    bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.buffers.push(bytes);
    const t = this.addTensor(name, shape, type, quant);
    this.tensors[t]!.buffer = this.buffers.length - 1;
    return t;
  }

  opcode(builtin: number, version: number, custom?: string): number {
    const i = this.opcodes.findIndex(
      (o) => o.builtin === builtin && o.custom === custom && o.version === version,
    );
    if (i >= 0) return i;
    this.opcodes.push({ builtin, version, ...(custom ? { custom } : {}) });
    return this.opcodes.length - 1;
  }

  addBuiltin(code: number, version: number, inputs: number[], outputs: number[], options?: TfOptions): void {
    this.operators.push({
      opcodeIndex: this.opcode(code, version),
      inputs,
      outputs,
      ...(options ? { builtinOptions: options } : {}),
    });
  }

  addCustom(name: string, inputs: number[], outputs: number[], customOptions: Uint8Array): void {
    this.operators.push({
      opcodeIndex: this.opcode(BuiltinOperator.CUSTOM, 1, name),
      inputs,
      outputs,
      customOptions,
    });
  }

  /** Serialises the model; `signatureInputs`/`Outputs` name the I/O in the serving_default signature. */
  serialize(ioNames?: { inputs: string[]; outputs: string[] }): Uint8Array {
    const b = new Builder(1024);
    // A flatbuffers vector is built back to front: elements are prepended, last one first.
    const vec = <T>(elemSize: number, v: ArrayLike<T>, align: number, add: (x: T) => void) => {
      b.startVector(elemSize, v.length, align);
      for (let i = v.length - 1; i >= 0; i--) add(v[i]!);
      return b.endVector();
    };
    const intVec = (v: number[]) => vec(4, v, 4, (x) => b.addInt32(x));
    const floatVec = (v: number[]) => vec(4, v, 4, (x) => b.addFloat32(x));
    const longVec = (v: number[]) => vec(8, v, 8, (x) => b.addInt64(BigInt(x)));
    const byteVec = (v: Uint8Array, align: number) => vec(1, v, align, (x) => b.addInt8(x));
    const tableVec = (offsets: Offset[]) => vec(4, offsets, 4, (x) => b.addOffset(x));

    // Metadata buffer: min_runtime_version, NUL-padded to 16 bytes, is the last buffer.
    const runtime = new Uint8Array(16);
    runtime.set(new TextEncoder().encode(this.minRuntimeVersion));
    const buffers = [...this.buffers, runtime];
    const metadataBuffer = buffers.length - 1;

    // Buffers (written first so their 16-byte alignment is cheap to honour).
    const bufferOffsets = buffers.map((data) => {
      const dataOff = data.length > 0 ? byteVec(data, 16) : 0;
      b.startObject(3);
      if (dataOff) b.addFieldOffset(SLOT.Buffer.data, dataOff, 0);
      return b.endObject();
    });

    const tensorOffsets = this.tensors.map((t) => {
      const name = b.createString(t.name);
      const shape = intVec(t.shape);
      let quant = 0;
      if (t.quant) {
        const q = t.quant;
        const min = q.min ? floatVec(q.min) : 0;
        const max = q.max ? floatVec(q.max) : 0;
        const scale = floatVec(q.scale);
        const zp = longVec(q.zeroPoint);
        b.startObject(7);
        if (min) b.addFieldOffset(SLOT.Quantization.min, min, 0);
        if (max) b.addFieldOffset(SLOT.Quantization.max, max, 0);
        b.addFieldOffset(SLOT.Quantization.scale, scale, 0);
        b.addFieldOffset(SLOT.Quantization.zero_point, zp, 0);
        b.addFieldInt32(SLOT.Quantization.quantized_dimension, q.quantizedDimension ?? 0, 0);
        quant = b.endObject();
      } else {
        // LCE files carry an empty quantization table on INT32/FLOAT32 tensors.
        b.startObject(7);
        quant = b.endObject();
      }
      b.startObject(6);
      b.addFieldOffset(SLOT.Tensor.shape, shape, 0);
      b.addFieldInt8(SLOT.Tensor.type, t.type, 0);
      b.addFieldInt32(SLOT.Tensor.buffer, t.buffer, 0);
      b.addFieldOffset(SLOT.Tensor.name, name, 0);
      b.addFieldOffset(SLOT.Tensor.quantization, quant, 0);
      return b.endObject();
    });

    const operatorOffsets = this.operators.map((op) => {
      const inputs = intVec(op.inputs);
      const outputs = intVec(op.outputs);
      const custom = op.customOptions ? byteVec(op.customOptions, 1) : 0;
      let options = 0;
      if (op.builtinOptions) options = this.writeOptions(b, op.builtinOptions, intVec);
      b.startObject(9);
      b.addFieldInt32(SLOT.Operator.opcode_index, op.opcodeIndex, 0);
      b.addFieldOffset(SLOT.Operator.inputs, inputs, 0);
      b.addFieldOffset(SLOT.Operator.outputs, outputs, 0);
      if (op.builtinOptions) {
        b.addFieldInt8(SLOT.Operator.builtin_options_type, BuiltinOptionsType[op.builtinOptions.table], 0);
        b.addFieldOffset(SLOT.Operator.builtin_options, options, 0);
      }
      if (op.customOptions) b.addFieldOffset(SLOT.Operator.custom_options, custom, 0);
      return b.endObject();
    });

    const subgraphName = b.createString(this.subgraphName);
    const tensorsVec = tableVec(tensorOffsets);
    const sgInputs = intVec(this.inputs);
    const sgOutputs = intVec(this.outputs);
    const operatorsVec = tableVec(operatorOffsets);
    b.startObject(5);
    b.addFieldOffset(SLOT.SubGraph.tensors, tensorsVec, 0);
    b.addFieldOffset(SLOT.SubGraph.inputs, sgInputs, 0);
    b.addFieldOffset(SLOT.SubGraph.outputs, sgOutputs, 0);
    b.addFieldOffset(SLOT.SubGraph.operators, operatorsVec, 0);
    b.addFieldOffset(SLOT.SubGraph.name, subgraphName, 0);
    const subgraph = b.endObject();

    const opcodeOffsets = this.opcodes.map((oc) => {
      const custom = oc.custom ? b.createString(oc.custom) : 0;
      b.startObject(4);
      // deprecated_builtin_code is a byte: codes ≥ 127 store 127 (PLACEHOLDER_FOR_GREATER_OP_CODES).
      b.addFieldInt8(SLOT.OperatorCode.deprecated_builtin_code, Math.min(oc.builtin, 127), 0);
      if (custom) b.addFieldOffset(SLOT.OperatorCode.custom_code, custom, 0);
      b.addFieldInt32(SLOT.OperatorCode.version, oc.version, 1);
      b.addFieldInt32(SLOT.OperatorCode.builtin_code, oc.builtin, 0);
      return b.endObject();
    });

    const metaName = b.createString('min_runtime_version');
    b.startObject(2);
    b.addFieldOffset(SLOT.Metadata.name, metaName, 0);
    b.addFieldInt32(SLOT.Metadata.buffer, metadataBuffer, 0);
    const metadata = b.endObject();

    const tensorMap = (name: string, index: number) => {
      const n = b.createString(name);
      b.startObject(2);
      b.addFieldOffset(SLOT.TensorMap.name, n, 0);
      b.addFieldInt32(SLOT.TensorMap.tensor_index, index, 0);
      return b.endObject();
    };
    const sigIn = this.inputs.map((t, i) => tensorMap(ioNames?.inputs[i] ?? this.tensors[t]!.name, t));
    const sigOut = this.outputs.map((t, i) => tensorMap(ioNames?.outputs[i] ?? this.tensors[t]!.name, t));
    const sigInVec = tableVec(sigIn);
    const sigOutVec = tableVec(sigOut);
    const sigKey = b.createString('serving_default');
    b.startObject(5);
    b.addFieldOffset(SLOT.SignatureDef.inputs, sigInVec, 0);
    b.addFieldOffset(SLOT.SignatureDef.outputs, sigOutVec, 0);
    b.addFieldOffset(SLOT.SignatureDef.signature_key, sigKey, 0);
    b.addFieldInt32(SLOT.SignatureDef.subgraph_index, 0, 0);
    const signature = b.endObject();

    const description = b.createString(this.description);
    const opcodesVec = tableVec(opcodeOffsets);
    const subgraphsVec = tableVec([subgraph]);
    const buffersVec = tableVec(bufferOffsets);
    const metadataVec = tableVec([metadata]);
    const signaturesVec = tableVec([signature]);
    b.startObject(8);
    b.addFieldInt32(SLOT.Model.version, TFLITE_SCHEMA_VERSION, 0);
    b.addFieldOffset(SLOT.Model.operator_codes, opcodesVec, 0);
    b.addFieldOffset(SLOT.Model.subgraphs, subgraphsVec, 0);
    b.addFieldOffset(SLOT.Model.description, description, 0);
    b.addFieldOffset(SLOT.Model.buffers, buffersVec, 0);
    b.addFieldOffset(SLOT.Model.metadata, metadataVec, 0);
    b.addFieldOffset(SLOT.Model.signature_defs, signaturesVec, 0);
    const model = b.endObject();
    b.finish(model, TFLITE_FILE_IDENTIFIER);
    return b.asUint8Array().slice();
  }

  private writeOptions(b: Builder, o: TfOptions, intVec: (v: number[]) => number): Offset {
    const fields = OPTION_FIELDS[o.table];
    const vecs = fields.map((fd) =>
      fd.kind === 'ivec' ? intVec((o.values[fd.name] as number[] | undefined) ?? []) : 0,
    );
    for (const k of Object.keys(o.values)) {
      if (!fields.some((fd) => fd.name === k))
        throw new Error(`tflite writer: ${o.table} has no field "${k}"`);
    }
    b.startObject(fields.length);
    fields.forEach((fd, slot) => {
      const v = o.values[fd.name];
      if (fd.kind === 'ivec') {
        if (v !== undefined) b.addFieldOffset(slot, vecs[slot]!, 0);
        return;
      }
      const n = (v as number | undefined) ?? fd.default;
      // forceDefaults is off, so values equal to the schema default are omitted, as TFLite's writer does.
      if (fd.kind === 'i8' || fd.kind === 'bool') b.addFieldInt8(slot, n, fd.default);
      else if (fd.kind === 'i32') b.addFieldInt32(slot, n, fd.default);
      else b.addFieldFloat32(slot, n, fd.default);
    });
    return b.endObject();
  }
}
