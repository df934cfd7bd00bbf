/**
 * `.tflite` (Larq Compute Engine converter layout, float32 or int8, any mix with binary layers) → DeployGraph
 * with its weights. The inverse of `../write-tflite.ts`, plus the extra builtins LCE's converter emits.
 *
 * How it works
 * 1. `readTflite` parses the flatbuffer; every buffer is checked against its tensor's shape and type.
 * 2. Operators are translated in file order by `OPERATOR_IMPORTERS` (one entry per supported op name). Each TFLite
 *    tensor becomes a *value*: a deploy tensor, a constant (weights, or the SHAPE/STRIDED_SLICE/PACK chains that
 *    feed RESHAPE, folded at import), a padded view (PAD/PADV2, folded into the convolution that reads it), or a
 *    flattened int8 view (RESHAPE to `[1, 1, 1, C]` feeding a 1×1 CONV_2D, i.e. LCE's dense layer).
 * 3. Exact peephole fusions undo what the writer splits (`./fuse.ts`): MUL + ADD with constants → scale_shift,
 *    LceBconv2d + RELU → the transform's activation, chained ADDs → one n-ary add, the unfused zero-padded
 *    binary conv → its clamped transform.
 * 4. `checkDeployGraph` validates the result; any issue becomes a refusal of the operator it came from.
 *
 * Anything the studio cannot run exactly is refused (operator index, op name, what is supported) — never
 * approximated. The one opt-in exception is `int8Softmax: 'float'` (listed in `approximations`); by default int8
 * SOFTMAX is the exact `int8_softmax`.
 */
import {
  axisWindow,
  checkDeployGraph,
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  INT8_MEAN_MAX_PIXELS,
  INT8_SOFTMAX_MAX_DEPTH,
  type Int8Quant,
  int8HardSwishParams,
  int8ReluBounds,
  int8SoftmaxParams,
  isHardSwishRefusal,
  isSoftmaxOutputQuant,
  type TensorKind,
} from '@bnn-studio/bnn-core';
import { dotClampOf } from '../lce-options.js';
import {
  readTflite,
  type TfliteModelView,
  type TfliteOperatorView,
  TfliteReadError,
} from '../read-tflite.js';
import { Activation, Padding, TENSOR_TYPE_NAME, TensorType } from '../schema.js';
import { fuseDeployOps, type PendingOp } from './fuse.js';
import {
  type ImportRefusal,
  RefusalSignal,
  TfliteImportError,
  type TfliteImportErrorCode,
} from './import-errors.js';

export interface ImportTfliteOptions {
  /** Name of the deploy graph (default: the file's subgraph name, or 'imported'). */
  name?: string;
  /**
   * int8 SOFTMAX: 'exact' (default) imports it as `int8_softmax`, TensorFlow Lite's reference fixed-point kernel
   * bit for bit; 'float' (the former opt-in, kept for callers that pass it) computes it as DEQUANTIZE → float
   * softmax → QUANTIZE and lists it in `approximations`; 'refuse' refuses it.
   */
  int8Softmax?: 'exact' | 'refuse' | 'float';
}

/** The model's input or an output as the file declares it (what `predict` takes and returns). */
export interface ImportedIo {
  /** Deploy tensor id. */
  tensor: string;
  /** TFLite shape (batch first). */
  shape: number[];
  type: 'float32' | 'int8';
  scale?: number;
  zeroPoint?: number;
}

export interface ImportedOperator {
  index: number;
  op: string;
  /** What it became: deploy op kinds, 'folded' (constant / padding / shape view) or 'refused'. */
  became: string[];
}

export interface ImportTfliteResult {
  /** The deploy graph, or null when an operator was refused. */
  graph: DeployGraph | null;
  operators: ImportedOperator[];
  refused: ImportRefusal[];
  /** Opt-in inexact imports (only `int8Softmax: 'float'`), each naming the operator. */
  approximations: { operatorIndex: number; op: string; message: string }[];
  io: { input: ImportedIo; outputs: ImportedIo[] } | null;
}

/** Deploy tensor under construction (ids can still change: aliases take the later, rank-2 name). */
export interface DT {
  id: string;
  shape: number[];
  kind: TensorKind;
  quant?: Int8Quant;
}

type Fill = 'zero' | 'one' | 'zero_point' | 'plus_one_float';
type Value =
  | { v: 'tensor'; t: DT }
  | { v: 'const'; type: number; shape: number[]; data: Float32Array | Int32Array | Int8Array }
  | { v: 'padded'; src: DT; pads: [number, number, number, number]; fill: Fill; opIndex: number }
  | { v: 'flat'; src: DT; opIndex: number; name: string; quant: Int8Quant }
  | { v: 'refused' };

const SUPPORTED_ACT = 'fused activation NONE or RELU (float ops also RELU_N1_TO_1 and RELU6).';
const words = (c: number) => Math.ceil(c / 32);
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function importTflite(bytes: Uint8Array, options: ImportTfliteOptions = {}): ImportTfliteResult {
  const model = parse(bytes);
  try {
    return new Importer(model, options).run();
  } catch (e) {
    if (e instanceof TfliteImportError) throw e;
    // A corrupt flatbuffer can hold anything the checks above did not foresee: still a coded error, never a crash.
    throw new TfliteImportError(
      'malformed',
      `the model is inconsistent (${(e as Error).message}).`,
      'Upload the original .tflite; if LCE’s converter wrote it, report the file.',
    );
  }
}

function parse(bytes: Uint8Array): TfliteModelView {
  if (!(bytes instanceof Uint8Array))
    throw new TfliteImportError('malformed', 'the input is not bytes.', 'Pass the file as a Uint8Array.');
  if (bytes.length < 8) {
    throw new TfliteImportError(
      'too_short',
      `the file is ${bytes.length} bytes; a .tflite file is at least a few hundred.`,
      'Upload the whole .tflite file (the one LCE’s converter or the studio wrote).',
    );
  }
  try {
    return readTflite(bytes);
  } catch (e) {
    const msg = (e as Error).message;
    if (e instanceof TfliteReadError && msg.includes('not "TFL3"')) {
      throw new TfliteImportError(
        'not_tflite',
        'the file identifier is not "TFL3"; this is not a TensorFlow Lite model.',
        'Upload a .tflite file written by LCE’s converter (lce.convert_keras_model) or by the studio.',
      );
    }
    throw new TfliteImportError(
      'malformed',
      `the flatbuffer is truncated or corrupt (${msg.replace(/^\.tflite reader: /, '')}).`,
      'Upload the file again; if it was copied or converted, use the original .tflite.',
    );
  }
}

class Importer {
  readonly sg: TfliteModelView['subgraphs'][number];
  readonly values = new Map<number, Value>();
  readonly pending: PendingOp[] = [];
  readonly operators: ImportedOperator[] = [];
  readonly refused: ImportRefusal[] = [];
  readonly approximations: ImportTfliteResult['approximations'] = [];
  readonly ids = new Set<string>();
  index = -1;
  opName = '';

  constructor(
    readonly model: TfliteModelView,
    readonly opts: ImportTfliteOptions,
  ) {
    if (model.subgraphs.length !== 1) {
      throw new TfliteImportError(
        'no_subgraph',
        `the model has ${model.subgraphs.length} subgraphs; the studio imports models with exactly one.`,
        'Convert a single Keras model (no control flow, no multiple signatures).',
      );
    }
    this.sg = model.subgraphs[0]!;
    this.checkStructure();
  }

  fail(code: TfliteImportErrorCode, message: string, fix: string): never {
    throw new TfliteImportError(code, message, fix, this.index >= 0 ? this.index : undefined);
  }

  /** Every tensor, buffer and operator index is in range and every constant buffer is as long as its tensor. */
  checkStructure(): void {
    const { tensors, operators, inputs, outputs } = this.sg;
    const nb = this.model.buffers.length;
    tensors.forEach((t, i) => {
      if (t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
        this.fail('bad_tensor', `tensor ${i} ("${t.name}") has shape [${t.shape}].`, 'Re-export the model.');
      }
      if (t.buffer >= nb) {
        this.fail(
          'bad_buffer',
          `tensor ${i} ("${t.name}") points at buffer ${t.buffer}; the file has ${nb}.`,
          'The file is corrupt; upload the original.',
        );
      }
      const data = this.model.buffers[t.buffer]?.data;
      if (t.buffer > 0 && data && data.length > 0) {
        const size = elementBytes(t.type);
        if (size > 0 && data.length !== prod(t.shape) * size) {
          this.fail(
            'bad_buffer',
            `tensor ${i} ("${t.name}", ${TENSOR_TYPE_NAME[t.type] ?? `type ${t.type}`} [${t.shape}]) needs ${prod(t.shape) * size} bytes; its buffer ${t.buffer} has ${data.length}.`,
            'The file is truncated or corrupt; upload the original.',
          );
        }
      }
    });
    const checkIdx = (i: number, what: string, allowOptional: boolean) => {
      if ((allowOptional && i === -1) || (i >= 0 && i < tensors.length)) return;
      this.fail(
        'bad_operator',
        `${what} names tensor ${i}; the subgraph has ${tensors.length}.`,
        'The file is corrupt; upload the original.',
      );
    };
    for (const i of inputs) checkIdx(i, 'the model input', false);
    for (const i of outputs) checkIdx(i, 'a model output', false);
    operators.forEach((op, k) => {
      this.index = k;
      if (op.outputs.length !== 1) {
        this.fail(
          'bad_operator',
          `operator ${k} (${op.opName}) has ${op.outputs.length} outputs; every operator the studio reads has one.`,
          'The file is corrupt or not a Larq/LCE model; upload the original.',
        );
      }
      for (const i of op.inputs) checkIdx(i, `operator ${k} (${op.opName}) input`, true);
      for (const i of op.outputs) checkIdx(i, `operator ${k} (${op.opName}) output`, false);
    });
    this.index = -1;
  }

  run(): ImportTfliteResult {
    const io = this.importInput();
    this.sg.operators.forEach((op, k) => {
      this.index = k;
      this.opName = op.opName;
      const before = this.pending.length;
      let became: string[];
      try {
        if (op.inputs.some((i) => i >= 0 && this.values.get(i)?.v === 'refused')) {
          // Downstream of a refusal: nothing more to say about this operator.
          for (const o of op.outputs) this.values.set(o, { v: 'refused' });
          became = ['skipped'];
        } else {
          const imp = OPERATOR_IMPORTERS[op.opName as ImportedOpName];
          if (!imp) {
            throw new RefusalSignal(
              `${op.opName} is not an operator the studio can run.`,
              `${SUPPORTED_OPS.join(', ')}.`,
            );
          }
          imp(this, op);
          const made = this.pending.slice(before).map((p) => p.attrs.op);
          became = made.length > 0 ? made : ['folded'];
        }
      } catch (e) {
        if (!(e instanceof RefusalSignal)) throw e;
        this.pending.length = before;
        for (const o of op.outputs) this.values.set(o, { v: 'refused' });
        this.refused.push({ operatorIndex: k, op: op.opName, message: e.message, supported: e.supported });
        became = ['refused'];
      }
      this.operators.push({ index: k, op: op.opName, became });
    });
    this.index = -1;
    const outputs: ImportedIo[] = [];
    const outDts: DT[] = [];
    for (const o of this.sg.outputs) {
      const val = this.values.get(o);
      if (!val || val.v === 'refused') continue;
      try {
        const t = this.tensorOf(o, 'model output');
        outDts.push(t);
      } catch (e) {
        if (!(e instanceof RefusalSignal)) throw e;
        this.refused.push({ operatorIndex: -1, op: 'output', message: e.message, supported: e.supported });
      }
    }
    if (this.refused.length > 0 || !io) {
      return {
        graph: null,
        operators: this.operators,
        refused: this.refused,
        approximations: this.approximations,
        io: null,
      };
    }
    const fused = fuseDeployOps(this.pending, new Set(outDts));
    const graph = this.finish(io.dt, outDts, fused);
    const issues = checkDeployGraph(graph);
    for (const issue of issues) {
      const p = issue.opIndex !== undefined ? fused[issue.opIndex] : undefined;
      const tfOp = p ? this.sg.operators[p.opIndex] : undefined;
      this.refused.push({
        operatorIndex: tfOp ? p!.opIndex : -1,
        op: tfOp ? tfOp.opName : 'model',
        message: `the imported ${issue.op ?? 'graph'} breaks the deploy graph rule ${issue.rule}: ${issue.message}`,
        supported: issue.fix,
      });
    }
    this.sg.outputs.forEach((o, k) => {
      const t = this.sg.tensors[o]!;
      const dt = outDts[k]!;
      outputs.push(ioOf(dt.id, t.shape, dt.kind === 'int8' ? dt.quant : undefined));
    });
    return {
      graph: this.refused.length > 0 ? null : graph,
      operators: this.operators,
      refused: this.refused,
      approximations: this.approximations,
      io: { input: io.io, outputs },
    };
  }

  finish(input: DT, outputs: DT[], ops: PendingOp[]): DeployGraph {
    const tensors: DeployTensor[] = [];
    const seen = new Set<DT>();
    const add = (t: DT) => {
      if (seen.has(t)) return;
      seen.add(t);
      tensors.push({
        id: t.id,
        shape: [...t.shape],
        kind: t.kind,
        ...(t.quant ? { quant: { ...t.quant } } : {}),
      });
    };
    add(input);
    const deployOps: DeployOp[] = ops.map((p) => {
      for (const t of p.ins) add(t);
      add(p.out);
      return {
        ...p.attrs,
        sourceNode: p.source,
        inputs: p.ins.map((t) => t.id),
        outputs: [p.out.id],
      } as DeployOp;
    });
    return {
      format: DEPLOY_FORMAT,
      version: DEPLOY_VERSION,
      name: this.opts.name ?? (this.sg.name && this.sg.name !== 'main' ? this.sg.name : 'imported'),
      input: input.id,
      outputs: outputs.map((t) => t.id),
      tensors,
      ops: deployOps,
    };
  }

  // ---- tensors and values ----

  uniqueId(name: string): string {
    let n = name || `tensor_${this.ids.size}`;
    for (let i = 1; this.ids.has(n); i++) n = `${name}_${i}`;
    this.ids.add(n);
    return n;
  }

  newDT(tfIndex: number, kind: TensorKind, shape: number[], quant?: Int8Quant, suffix = ''): DT {
    const name = this.sg.tensors[tfIndex]?.name ?? '';
    return {
      id: this.uniqueId(name + suffix),
      shape,
      kind,
      ...(quant ? { quant } : {}),
    };
  }

  /** A tensor produced by the studio for its own plumbing (no TFLite counterpart). */
  tempDT(name: string, kind: TensorKind, shape: number[], quant?: Int8Quant): DT {
    return { id: this.uniqueId(name), shape, kind, ...(quant ? { quant } : {}) };
  }

  importInput(): { dt: DT; io: ImportedIo } | null {
    if (this.sg.inputs.length !== 1) {
      for (const i of this.sg.inputs) this.values.set(i, { v: 'refused' });
      this.refused.push({
        operatorIndex: -1,
        op: 'input',
        message: `the model has ${this.sg.inputs.length} inputs.`,
        supported: 'models with exactly one input (an image or a vector).',
      });
      return null;
    }
    const idx = this.sg.inputs[0]!;
    const t = this.sg.tensors[idx]!;
    try {
      const shape = this.deployShape(idx);
      if (t.type === TensorType.FLOAT32) {
        const dt = this.newDT(idx, 'float32', shape);
        this.values.set(idx, { v: 'tensor', t: dt });
        return { dt, io: ioOf(dt.id, t.shape) };
      }
      if (t.type === TensorType.INT8) {
        // The deploy graph's input is float32: the model's int8 input becomes float input + QUANTIZE (exact for
        // values on the int8 grid, which is what `predict` feeds from int8 samples).
        const quant = this.activationQuant(idx);
        const dt = this.newDT(idx, 'float32', shape);
        const q = this.newDT(idx, 'int8', shape, quant, ':int8');
        this.index = -1;
        this.pending.push({ attrs: { op: 'int8_quantize' }, ins: [dt], out: q, opIndex: -1, source: dt.id });
        this.values.set(idx, { v: 'tensor', t: q });
        return { dt, io: ioOf(dt.id, t.shape, quant) };
      }
      throw new RefusalSignal(
        `the model input "${t.name}" is ${TENSOR_TYPE_NAME[t.type] ?? `type ${t.type}`}.`,
        'float32 or int8 model inputs (a bit-packed INT32 input cannot be fed from data).',
      );
    } catch (e) {
      if (!(e instanceof RefusalSignal)) throw e;
      this.refused.push({ operatorIndex: -1, op: 'input', message: e.message, supported: e.supported });
      // Operators reading the refused input are skipped, not reported again.
      this.values.set(idx, { v: 'refused' });
      return null;
    }
  }

  /** `[1, H, W, C]` → `[H, W, C]`, `[1, C]` → `[C]`; anything else is refused. */
  deployShape(tfIndex: number, channels?: number): number[] {
    const t = this.sg.tensors[tfIndex]!;
    const s = t.shape;
    if (s.length !== 2 && s.length !== 4) {
      throw new RefusalSignal(
        `tensor "${t.name}" has rank ${s.length} ([${s}]).`,
        'activations of shape [1, H, W, C] or [1, C].',
      );
    }
    if (s[0] !== 1) {
      throw new RefusalSignal(
        `tensor "${t.name}" has batch size ${s[0]} ([${s}]).`,
        'batch size 1 (convert the model with a batch dimension of 1).',
      );
    }
    const out = s.slice(1);
    if (channels !== undefined) out[out.length - 1] = channels;
    return out;
  }

  activationQuant(tfIndex: number): Int8Quant {
    const t = this.sg.tensors[tfIndex]!;
    const q = t.quantization;
    if (q?.scale.length !== 1 || q.zeroPoint.length !== 1) {
      throw new RefusalSignal(
        `int8 tensor "${t.name}" has ${q ? q.scale.length : 0} scales.`,
        'int8 activations with one scale and one zero point (per-tensor quantization).',
      );
    }
    const scale = q.scale[0]!;
    const zeroPoint = q.zeroPoint[0]!;
    if (!(scale > 0) || !Number.isFinite(scale) || zeroPoint < -128 || zeroPoint > 127) {
      throw new RefusalSignal(
        `int8 tensor "${t.name}" has scale ${scale} and zero point ${zeroPoint}.`,
        'a positive finite scale and a zero point in [−128, 127].',
      );
    }
    return { scale, zeroPoint };
  }

  value(tfIndex: number): Value {
    if (tfIndex === undefined) {
      this.fail(
        'bad_operator',
        `operator ${this.index} (${this.opName}) has too few inputs.`,
        'The file is corrupt or not a Larq/LCE model; upload the original.',
      );
    }
    if (tfIndex < 0)
      throw new RefusalSignal('a required input is absent (-1).', 'every required input present.');
    const have = this.values.get(tfIndex);
    if (have) return have;
    const t = this.sg.tensors[tfIndex]!;
    const data = this.model.buffers[t.buffer]?.data;
    if (t.buffer > 0 && data && data.length > 0) {
      const copy = data.slice();
      let typed: Float32Array | Int32Array | Int8Array;
      if (t.type === TensorType.FLOAT32) typed = new Float32Array(copy.buffer);
      else if (t.type === TensorType.INT32) typed = new Int32Array(copy.buffer);
      else if (t.type === TensorType.INT8) typed = new Int8Array(copy.buffer);
      else if (t.type === TensorType.INT64) {
        const big = new BigInt64Array(copy.buffer);
        typed = Int32Array.from(big, (x) => Number(x));
      } else {
        throw new RefusalSignal(
          `constant "${t.name}" is ${TENSOR_TYPE_NAME[t.type] ?? `type ${t.type}`}.`,
          'FLOAT32, INT32 and INT8 constants.',
        );
      }
      const v: Value = { v: 'const', type: t.type, shape: t.shape, data: typed };
      this.values.set(tfIndex, v);
      return v;
    }
    this.fail(
      'bad_operator',
      `operator ${this.index} (${this.opName}) reads tensor ${tfIndex} ("${t.name}") before any operator writes it.`,
      'The file is corrupt or its operators are out of order; upload the original.',
    );
  }

  /** The deploy tensor of an activation input (materialising a flattened int8 view; padded views are refused). */
  tensorOf(tfIndex: number, role: string): DT {
    const v = this.value(tfIndex);
    if (v.v === 'tensor') return v.t;
    if (v.v === 'flat') {
      // A RESHAPE to [1, 1, 1, C] of an int8 tensor read by something other than a dense layer: exact as
      // DEQUANTIZE → reshape → QUANTIZE with the same parameters (both sides share them).
      const f = this.tempDT(`${v.name}:float_in`, 'float32', v.src.shape);
      const r = this.tempDT(`${v.name}:float`, 'float32', [prod(v.src.shape)]);
      const q = this.tempDT(v.name, 'int8', [prod(v.src.shape)], v.quant);
      const src = v.name;
      this.pending.push({
        attrs: { op: 'int8_dequantize' },
        ins: [v.src],
        out: f,
        opIndex: v.opIndex,
        source: src,
      });
      this.pending.push({ attrs: { op: 'reshape' }, ins: [f], out: r, opIndex: v.opIndex, source: src });
      this.pending.push({
        attrs: { op: 'int8_quantize' },
        ins: [r],
        out: q,
        opIndex: v.opIndex,
        source: src,
      });
      this.values.set(tfIndex, { v: 'tensor', t: q });
      return q;
    }
    if (v.v === 'padded') {
      throw new RefusalSignal(
        `its ${role} comes from the PAD/PADV2 operator ${v.opIndex}, which can only be folded into a following CONV_2D, DEPTHWISE_CONV_2D or LceBconv2d with VALID padding whose padding it turns into SAME.`,
        'PAD/PADV2 that make a VALID convolution SAME (zero padding for float, the zero point for int8, +1 words for bit-packed input).',
      );
    }
    if (v.v === 'const') {
      throw new RefusalSignal(
        `its ${role} is a constant.`,
        'activations computed from the model input (constant-only branches are folded only for SHAPE/STRIDED_SLICE/PACK feeding RESHAPE).',
      );
    }
    throw new RefusalSignal(`its ${role} comes from a refused operator.`, 'see the refusal above.');
  }

  constOf(tfIndex: number, role: string, type?: number): Extract<Value, { v: 'const' }> {
    const v = this.value(tfIndex);
    if (v.v !== 'const') {
      throw new RefusalSignal(
        `its ${role} is computed at run time.`,
        `a constant ${role} (as LCE’s converter writes it).`,
      );
    }
    if (type !== undefined && v.type !== type) {
      throw new RefusalSignal(
        `its ${role} is ${TENSOR_TYPE_NAME[v.type] ?? v.type}, not ${TENSOR_TYPE_NAME[type]}.`,
        `a ${TENSOR_TYPE_NAME[type]} ${role}.`,
      );
    }
    return v;
  }

  emit(attrs: PendingOp['attrs'], ins: DT[], out: DT, source?: string): void {
    this.pending.push({ attrs, ins, out, opIndex: this.index, source: source ?? this.sourceNode(out) });
  }

  /** The studio's node id of an operator: `node/…` of its constants (the writer's names), else its output's name. */
  sourceNode(out: DT): string {
    const op = this.sg.operators[this.index];
    if (op) {
      const named = (i: number) => (i >= 0 ? this.sg.tensors[i]!.name : '');
      const isConst = (i: number) => i >= 0 && this.sg.tensors[i]!.buffer > 0;
      const candidates = [
        ...op.inputs.filter(isConst).map(named),
        ...op.inputs.filter((i) => i >= 0 && !isConst(i)).map(named),
        ...op.outputs.map(named),
      ];
      const withNode = candidates.find((n) => n.includes('/'));
      if (withNode) return withNode.slice(0, withNode.lastIndexOf('/'));
    }
    return out.id.split(':')[0]!;
  }

  outTensor(op: TfliteOperatorView, kind: TensorKind, shape: number[], quantFrom?: 'file'): DT {
    const o = op.outputs[0]!;
    const quant = kind === 'int8' || quantFrom === 'file' ? this.activationQuant(o) : undefined;
    const t = this.newDT(o, kind, shape, quant);
    this.values.set(o, { v: 'tensor', t });
    return t;
  }

  /** Output kind from the file's tensor type (FLOAT32 → float32, INT8 → int8). */
  outKind(op: TfliteOperatorView, allowed: TensorKind[]): TensorKind {
    const t = this.sg.tensors[op.outputs[0]!]!;
    const kind: TensorKind | null =
      t.type === TensorType.FLOAT32
        ? 'float32'
        : t.type === TensorType.INT8
          ? 'int8'
          : t.type === TensorType.INT32
            ? 'bitpacked'
            : null;
    if (!kind || !allowed.includes(kind)) {
      throw new RefusalSignal(
        `its output "${t.name}" is ${TENSOR_TYPE_NAME[t.type] ?? `type ${t.type}`}.`,
        `${allowed.map((k) => (k === 'bitpacked' ? 'INT32 (bit-packed)' : k === 'int8' ? 'INT8' : 'FLOAT32')).join(' or ')} output.`,
      );
    }
    return kind;
  }

  expectShape(op: TfliteOperatorView, deployShape: number[], channels?: number): void {
    const o = op.outputs[0]!;
    const t = this.sg.tensors[o]!;
    const got = this.deployShape(o);
    const want = [...deployShape];
    if (channels !== undefined) want[want.length - 1] = words(channels);
    const vectorAs4d =
      want.length === 1 && got.length === 3 && got[0] === 1 && got[1] === 1 && got[2] === want[0];
    if (!vectorAs4d && (got.length !== want.length || got.some((d, i) => d !== want[i]))) {
      this.fail(
        'bad_tensor',
        `operator ${this.index} (${op.opName}) declares output "${t.name}" as [${t.shape}], but its inputs and options give [1, ${want.join(', ')}].`,
        'The file is inconsistent; re-convert the model.',
      );
    }
  }

  options(op: TfliteOperatorView): Record<string, number | number[]> {
    return op.builtinOptions ?? {};
  }

  /**
   * Fused activation of a float op: NONE / RELU fold into ops that take it; RELU_N1_TO_1 appends hard_tanh and
   * RELU6 a relu6 (TFLite clamps the op's float result, so the split is exact).
   */
  floatAct(code: number, allowN1To1: boolean): 'none' | 'relu' | 'n1to1' | 'relu6' {
    if (code === Activation.NONE) return 'none';
    if (code === Activation.RELU) return 'relu';
    if (code === Activation.RELU_N1_TO_1 && allowN1To1) return 'n1to1';
    if (code === Activation.RELU6 && allowN1To1) return 'relu6';
    throw new RefusalSignal(`fused activation ${activationName(code)} is not supported here.`, SUPPORTED_ACT);
  }

  /**
   * Emits an int8 op writing to the operator's output with its fused activation. NONE and RELU fold into the op's
   * `activation`. RELU6 and RELU_N1_TO_1 — TFLite clamps the op's int8 result to the activation's quantized range
   * (`CalculateActivationRangeQuantized`) — become the op (clamped to the int8 range only) followed by an
   * `int8_requantize` to the same quantization clamped to that range: exact, because requantizing to the same scale
   * is the identity and clamping to [−128, 127] first does not change a clamp to a narrower range.
   */
  emitInt8(
    op: TfliteOperatorView,
    attrs: (activation: 'none' | 'relu') => PendingOp['attrs'],
    ins: DT[],
    shape: number[],
    code: number,
  ): void {
    if (code === Activation.NONE || code === Activation.RELU) {
      const out = this.outTensor(op, 'int8', shape);
      this.emit(attrs(code === Activation.RELU ? 'relu' : 'none'), ins, out);
      return;
    }
    const range = INT8_FUSED_RANGES[code];
    if (!range) {
      throw new RefusalSignal(
        `fused activation ${activationName(code)} on an int8 operator is not supported.`,
        'int8 operators with fused activation NONE, RELU, RELU_N1_TO_1 or RELU6.',
      );
    }
    const outQ = this.activationQuant(op.outputs[0]!);
    const mid = this.tempDT(`${this.sg.tensors[op.outputs[0]!]!.name}:pre_activation`, 'int8', shape, outQ);
    this.emit(attrs('none'), ins, mid);
    const [min, max] = int8ReluBounds(range[0], range[1], outQ);
    this.emit({ op: 'int8_requantize', min, max }, [mid], this.outTensor(op, 'int8', shape));
  }

  /** Emits `op` writing to the operator's output, followed by a relu / hard_tanh / relu6 op for a fused activation. */
  emitWithAct(
    op: TfliteOperatorView,
    attrs: PendingOp['attrs'],
    ins: DT[],
    shape: number[],
    act: 'none' | 'relu' | 'n1to1' | 'relu6',
  ): void {
    if (act === 'none') {
      this.emit(attrs, ins, this.outTensor(op, 'float32', shape));
      return;
    }
    const o = op.outputs[0]!;
    const mid = this.tempDT(`${this.sg.tensors[o]!.name}:pre_activation`, 'float32', shape);
    this.emit(attrs, ins, mid);
    const out = this.outTensor(op, 'float32', shape);
    this.emit({ op: act === 'relu' ? 'relu' : act === 'relu6' ? 'relu6' : 'hard_tanh' }, [mid], out);
  }

  /** A SAME window equal to PAD + VALID (the padded view's pads), or a refusal naming the PAD operator. */
  foldPadding(
    v: Value,
    padding: number,
    kernel: [number, number],
    strides: [number, number],
    dilations: [number, number],
    fills: Fill[],
  ): { src: DT; padding: 'same' | 'valid'; fill: Fill | null } {
    const pad = padding === Padding.SAME ? 'same' : padding === Padding.VALID ? 'valid' : null;
    if (!pad) throw new RefusalSignal(`padding ${padding} is unknown.`, 'padding SAME (0) or VALID (1).');
    if (v.v !== 'padded') {
      if (v.v !== 'tensor')
        throw new RefusalSignal('its input is not an activation.', 'an activation input.');
      return { src: v.t, padding: pad, fill: null };
    }
    const [h, w] = v.src.shape as [number, number, number];
    const gh = axisWindow(h, kernel[0], strides[0], dilations[0], 'same');
    const gw = axisWindow(w, kernel[1], strides[1], dilations[1], 'same');
    const [pt, pb, pl, pr] = v.pads;
    const matches =
      pad === 'valid' &&
      gh.padBefore === pt &&
      gh.padAfter === pb &&
      gw.padBefore === pl &&
      gw.padAfter === pr;
    if (!matches || !fills.includes(v.fill)) {
      throw new RefusalSignal(
        `the PAD/PADV2 operator ${v.opIndex} before it (pads [${v.pads}], ${v.fill.replace(/_/g, ' ')}) is not the SAME padding of this ${pad.toUpperCase()} window (SAME would pad [${gh.padBefore}, ${gh.padAfter}, ${gw.padBefore}, ${gw.padAfter}]).`,
        `PAD/PADV2 folded into a VALID convolution as its SAME padding, with ${fills.map((f) => f.replace(/_/g, ' ')).join(' or ')} values.`,
      );
    }
    return { src: v.src, padding: 'same', fill: v.fill };
  }

  /** A float const as a per-channel [C] vector (shape [C], [1, C], [1, 1, 1, C]; a scalar is broadcast). */
  channelConst(v: Extract<Value, { v: 'const' }>, channels: number, role: string): Float32Array {
    if (v.type !== TensorType.FLOAT32) {
      throw new RefusalSignal(`its ${role} constant is ${TENSOR_TYPE_NAME[v.type]}.`, `a FLOAT32 ${role}.`);
    }
    const lead = v.shape.slice(0, -1);
    if (v.data.length === 1) return new Float32Array(channels).fill(v.data[0]!);
    if (v.data.length === channels && lead.every((d) => d === 1)) return Float32Array.from(v.data);
    throw new RefusalSignal(
      `its ${role} constant has shape [${v.shape}] for ${channels} channels.`,
      `a per-channel [${channels}] or scalar ${role}.`,
    );
  }

  /** Aliases the output of a shape-only operator to an existing deploy tensor (the rank-2 name wins). */
  alias(op: TfliteOperatorView, t: DT): void {
    const o = op.outputs[0]!;
    const tf = this.sg.tensors[o]!;
    if (tf.shape.length === 2 && tf.name) {
      this.ids.delete(t.id);
      t.id = this.uniqueId(tf.name);
    }
    this.values.set(o, { v: 'tensor', t });
  }
}

function ioOf(tensor: string, shape: number[], quant?: Int8Quant): ImportedIo {
  return quant
    ? { tensor, shape: [...shape], type: 'int8', scale: quant.scale, zeroPoint: quant.zeroPoint }
    : { tensor, shape: [...shape], type: 'float32' };
}

function elementBytes(type: number): number {
  switch (type) {
    case TensorType.FLOAT32:
    case TensorType.INT32:
      return 4;
    case TensorType.INT8:
      return 1;
    case TensorType.INT64:
      return 8;
    default:
      return 0;
  }
}

/** Real ranges of the fused activations an int8 op splits off into an `int8_requantize` clamp. */
const INT8_FUSED_RANGES: Partial<Record<number, [number, number]>> = {
  [Activation.RELU_N1_TO_1]: [-1, 1],
  [Activation.RELU6]: [0, 6],
};

function activationName(code: number): string {
  return (
    (
      { 0: 'NONE', 1: 'RELU', 2: 'RELU_N1_TO_1', 3: 'RELU6', 4: 'TANH', 5: 'SIGN_BIT' } as Record<
        number,
        string
      >
    )[code] ?? `#${code}`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// One importer per operator name.

type OperatorImporter = (im: Importer, op: TfliteOperatorView) => void;

const num = (o: Record<string, number | number[]>, k: string, d = 0): number => {
  const v = o[k];
  return typeof v === 'number' ? v : d;
};

function lceOptions(op: TfliteOperatorView, keys: string[]): Record<string, number> {
  const o = op.customOptionsDecoded;
  const missing = keys.filter((k) => typeof o?.[k] !== 'number' && typeof o?.[k] !== 'bigint');
  if (!o || missing.length > 0) {
    throw new RefusalSignal(
      `its custom options lack ${missing.join(', ')}.`,
      `${op.opName} options as LCE writes them: a FlexBuffer map with the INT keys ${keys.join(', ')}.`,
    );
  }
  return Object.fromEntries(keys.map((k) => [k, Number(o[k])]));
}

function positive(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RefusalSignal(`${name} is ${v}.`, `${name} ≥ 1.`);
  return v;
}

const BCONV_KEYS = [
  'channels_in',
  'dilation_height_factor',
  'dilation_width_factor',
  'fused_activation_function',
  'pad_values',
  'padding',
  'stride_height',
  'stride_width',
];

function importBconv(im: Importer, op: TfliteOperatorView): void {
  if (op.inputs.length !== 5 || op.outputs.length !== 1) {
    throw new RefusalSignal(
      `it has ${op.inputs.length} inputs and ${op.outputs.length} outputs.`,
      'LceBconv2d with 5 inputs [input, filter, post_activation_multiplier, post_activation_bias, output_threshold] (-1 for absent) and 1 output.',
    );
  }
  const o = lceOptions(op, BCONV_KEYS);
  const cin = positive(o.channels_in!, 'channels_in');
  const strides: [number, number] = [
    positive(o.stride_height!, 'stride_height'),
    positive(o.stride_width!, 'stride_width'),
  ];
  const dilations: [number, number] = [
    positive(o.dilation_height_factor!, 'dilation_height_factor'),
    positive(o.dilation_width_factor!, 'dilation_width_factor'),
  ];
  if (o.pad_values !== 0 && o.pad_values !== 1) {
    throw new RefusalSignal(
      `pad_values is ${o.pad_values}.`,
      'pad_values 0 (zero-padding) or 1 (one-padding).',
    );
  }
  const [inIdx, filterIdx, multIdx, biasIdx, threshIdx] = op.inputs as [
    number,
    number,
    number,
    number,
    number,
  ];
  const filter = im.constOf(filterIdx, 'filter', TensorType.INT32);
  if (filter.shape.length !== 4 || filter.shape[3] !== words(cin)) {
    throw new RefusalSignal(
      `its filter has shape [${filter.shape}] for channels_in ${cin}.`,
      `an INT32 OHWI filter [Cout, KH, KW, ${words(cin)}] (⌈channels_in/32⌉ words).`,
    );
  }
  const [cout, kh, kw] = filter.shape as [number, number, number, number];
  const kernel: [number, number] = [kh, kw];
  const inVal = im.value(inIdx);
  const fold = im.foldPadding(inVal, o.padding!, kernel, strides, dilations, ['one']);
  const x = fold.src;
  if (x.kind !== 'bitpacked') {
    throw new RefusalSignal(
      `its input is ${x.kind}.`,
      'a bit-packed INT32 input (from LceQuantize or another LceBconv2d).',
    );
  }
  const xc = x.shape[x.shape.length - 1]!;
  if (xc !== cin) {
    throw new RefusalSignal(
      `channels_in is ${cin} but its input has ${xc} channels.`,
      'channels_in equal to the input’s channel count.',
    );
  }
  const padding = fold.padding;
  const padValue: 0 | 1 = fold.fill === 'one' ? 1 : padding === 'same' ? (o.pad_values as 0 | 1) : 0;
  const kind = im.outKind(op, ['bitpacked', 'float32', 'int8']);
  const has = (i: number) => i >= 0;
  const isVector = x.shape.length === 1;
  const dense =
    isVector && kh === 1 && kw === 1 && strides.every((s) => s === 1) && dilations.every((d) => d === 1);
  if (isVector && !dense) {
    throw new RefusalSignal(
      'its input is a bit-packed vector but the window is not 1×1, stride 1.',
      'a 1×1 LceBconv2d on a vector (a binary dense layer), or any window on a [1, H, W, words] map.',
    );
  }
  let outShape: number[];
  if (dense) outShape = [cout];
  else {
    const [h, w] = x.shape as [number, number, number];
    const gh = axisWindow(h, kh, strides[0], dilations[0], padding);
    const gw = axisWindow(w, kw, strides[1], dilations[1], padding);
    outShape = [gh.out, gw.out, cout];
  }
  im.expectShape(op, outShape, kind === 'bitpacked' ? cout : undefined);
  const filterData = Int32Array.from(filter.data);
  const geometry = dense
    ? { filter: filterData, inChannels: cin, outChannels: cout }
    : {
        filter: filterData,
        inChannels: cin,
        outChannels: cout,
        kernel,
        strides,
        dilations,
        padding,
        padValue,
      };
  if (kind === 'bitpacked') {
    if (has(multIdx) || has(biasIdx) || !has(threshIdx)) {
      throw new RefusalSignal(
        'its bit-packed output is not given by thresholds alone.',
        'bit-packed output with inputs [input, filter, -1, -1, output_threshold].',
      );
    }
    const th = im.constOf(threshIdx, 'output_threshold', TensorType.INT32);
    if (th.data.length !== cout) {
      throw new RefusalSignal(
        `it has ${th.data.length} thresholds for ${cout} output channels.`,
        'one threshold per output channel.',
      );
    }
    // The fused activation is already in the thresholds (LCE ignores it for bit-packed output).
    const out = im.outTensor(op, 'bitpacked', outShape);
    const transform = { kind: 'bitpacked' as const, thresholds: Int32Array.from(th.data) };
    im.emit(
      dense ? { op: 'bdense', ...geometry, transform } : ({ op: 'bconv2d', ...geometry, transform } as never),
      [x],
      out,
    );
    return;
  }
  if (has(threshIdx) || !has(multIdx) || !has(biasIdx)) {
    throw new RefusalSignal(
      `its ${kind === 'int8' ? 'INT8' : 'FLOAT32'} output is not given by a multiplier and a bias.`,
      'float or int8 output with inputs [input, filter, post_activation_multiplier, post_activation_bias, -1].',
    );
  }
  // LCE clamps the int32 dot to the fused activation's range (TFLite's integer CalculateActivationRange).
  const fa = o.fused_activation_function!;
  const clamp = dotClampOf(fa);
  if (clamp === null) {
    throw new RefusalSignal(
      `fused_activation_function is ${activationName(fa)} (${fa}); LCE defines no clamp of the binary dot product for it.`,
      'fused_activation_function 0 (NONE), 1 (RELU), 2 (RELU_N1_TO_1) or 3 (RELU6) for float and int8 output (any value for bit-packed output).',
    );
  }

  const mult = im.constOf(multIdx, 'post_activation_multiplier', TensorType.FLOAT32);
  const bias = im.constOf(biasIdx, 'post_activation_bias', TensorType.FLOAT32);
  if (mult.data.length !== cout || bias.data.length !== cout) {
    throw new RefusalSignal(
      `it has ${mult.data.length} multipliers and ${bias.data.length} biases for ${cout} output channels.`,
      'one multiplier and one bias per output channel.',
    );
  }
  const multiplier = Float32Array.from(mult.data);
  const b = Float32Array.from(bias.data);
  if (kind === 'int8') {
    if (dense) {
      throw new RefusalSignal(
        'it is a binary dense layer (1×1 on a vector) with int8 output.',
        'int8 output from binary convolutions on [1, H, W, words] maps; binary dense layers with float or bit-packed output.',
      );
    }
    const out = im.outTensor(op, 'int8', outShape);
    im.emit(
      { op: 'int8_bconv2d', ...(geometry as Required<typeof geometry>), clamp, multiplier, bias: b } as never,
      [x],
      out,
    );
    return;
  }
  const out = im.outTensor(op, 'float32', outShape);
  const transform = { kind: 'float' as const, clamp, multiplier, bias: b, activation: 'none' as const };
  im.emit(
    dense ? { op: 'bdense', ...geometry, transform } : ({ op: 'bconv2d', ...geometry, transform } as never),
    [x],
    out,
  );
}

/** OHWI → HWIO. */
function ohwiToHwio(w: ArrayLike<number>, o: number, h: number, wd: number, i: number): Float32Array {
  const out = new Float32Array(o * h * wd * i);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < h; b++)
      for (let c = 0; c < wd; c++)
        for (let d = 0; d < i; d++) out[((b * wd + c) * i + d) * o + a] = w[((a * h + b) * wd + c) * i + d]!;
  return out;
}

/** Per-output-channel int8 weights: symmetric (zero points 0), values in [−127, 127]; one scale is broadcast. */
function int8Filter(
  im: Importer,
  idx: number,
  channels: number,
  dim: number,
): { data: Int8Array; scales: Float32Array } {
  const f = im.constOf(idx, 'filter', TensorType.INT8);
  const q = im.sg.tensors[idx]!.quantization;
  if (!q || (q.scale.length !== 1 && q.scale.length !== channels)) {
    throw new RefusalSignal(
      `its int8 filter has ${q?.scale.length ?? 0} scales for ${channels} output channels.`,
      'int8 filters quantized per tensor or per output channel.',
    );
  }
  if (q.scale.length > 1 && q.quantizedDimension !== dim) {
    throw new RefusalSignal(
      `its filter is quantized along dimension ${q.quantizedDimension}.`,
      `per-channel filters quantized along dimension ${dim} (the output channels).`,
    );
  }
  if (q.zeroPoint.some((z) => z !== 0)) {
    throw new RefusalSignal(
      'its int8 filter has non-zero zero points.',
      'symmetric int8 filters (zero points 0).',
    );
  }
  const data = Int8Array.from(f.data);
  if (data.some((v) => v === -128)) {
    throw new RefusalSignal(
      'its int8 filter holds −128.',
      'symmetric int8 filters with values in [−127, 127] (TFLite’s converter never writes −128).',
    );
  }
  const scales = Float32Array.from({ length: channels }, (_, c) => q.scale[q.scale.length === 1 ? 0 : c]!);
  return { data, scales };
}

function int8Bias(im: Importer, idx: number, channels: number): Int32Array | null {
  if (idx < 0) return null;
  const b = im.constOf(idx, 'bias', TensorType.INT32);
  if (b.data.length !== channels) {
    throw new RefusalSignal(
      `it has ${b.data.length} biases for ${channels} channels.`,
      'one INT32 bias per output channel.',
    );
  }
  // The writer stores an absent bias as zeros; zeros and no bias compute the same accumulator.
  return b.data.every((v) => v === 0) ? null : Int32Array.from(b.data);
}

function floatBias(im: Importer, idx: number, channels: number): Float32Array | null {
  if (idx < 0) return null;
  const b = im.constOf(idx, 'bias', TensorType.FLOAT32);
  if (b.data.length !== channels) {
    throw new RefusalSignal(
      `it has ${b.data.length} biases for ${channels} channels.`,
      'one bias per output channel.',
    );
  }
  // An all-(+0) bias is what the writer stores for "no bias": the accumulator starts at +0 either way.
  return b.data.every((v) => Object.is(v, 0)) ? null : Float32Array.from(b.data);
}

function importConv(im: Importer, op: TfliteOperatorView, depthwise: boolean): void {
  const o = im.options(op);
  const [inIdx, filterIdx, biasIdx = -1] = op.inputs as [number, number, number?];
  const fv = im.value(filterIdx);
  if (fv.v !== 'const') throw new RefusalSignal('its filter is computed at run time.', 'a constant filter.');
  if (fv.shape.length !== 4) throw new RefusalSignal(`its filter has shape [${fv.shape}].`, 'a 4-D filter.');
  const [fo, kh, kw, fi] = fv.shape as [number, number, number, number];
  const strides: [number, number] = [
    positive(num(o, 'stride_h', 1), 'stride_h'),
    positive(num(o, 'stride_w', 1), 'stride_w'),
  ];
  const dilations: [number, number] = [
    positive(num(o, 'dilation_h_factor', 1), 'dilation_h_factor'),
    positive(num(o, 'dilation_w_factor', 1), 'dilation_w_factor'),
  ];
  const kernel: [number, number] = [kh, kw];
  const fa = num(o, 'fused_activation_function');
  const inVal = im.value(inIdx);
  const srcKind =
    inVal.v === 'tensor'
      ? inVal.t.kind
      : inVal.v === 'padded'
        ? inVal.src.kind
        : inVal.v === 'flat'
          ? 'int8'
          : null;
  if (srcKind !== 'float32' && srcKind !== 'int8') {
    throw new RefusalSignal(`its input is ${srcKind ?? 'not an activation'}.`, 'a FLOAT32 or INT8 input.');
  }
  const int8 = srcKind === 'int8';
  // LCE's dense layer: RESHAPE to [1, 1, 1, Cin] → CONV_2D 1×1 → RESHAPE.
  const vectorIn = inVal.v === 'flat' || (inVal.v === 'tensor' && inVal.t.shape.length === 1);
  if (vectorIn && !depthwise) {
    if (kh !== 1 || kw !== 1 || strides.some((s) => s !== 1)) {
      throw new RefusalSignal(
        'its input is a vector but its window is not 1×1, stride 1.',
        'a 1×1 CONV_2D on a [1, 1, 1, C] vector (a dense layer).',
      );
    }
    const x = inVal.v === 'flat' ? inVal.src : (inVal as { t: DT }).t;
    const cin = prod(x.shape);
    if (cin !== fi)
      throw new RefusalSignal(`its filter takes ${fi} inputs; the vector has ${cin}.`, 'matching sizes.');
    im.expectShape(op, [fo]);
    if (int8) {
      im.outKind(op, ['int8']);
      const w = int8Filter(im, filterIdx, fo, 0);
      const bias = int8Bias(im, biasIdx, fo);
      im.emitInt8(
        op,
        (activation) => ({
          op: 'int8_dense',
          weights: w.data,
          filterScales: w.scales,
          bias,
          inChannels: cin,
          outChannels: fo,
          activation,
        }),
        [x],
        [fo],
        fa,
      );
      return;
    }
    im.outKind(op, ['float32']);
    const weights = new Float32Array(cin * fo);
    for (let i = 0; i < cin; i++) for (let c = 0; c < fo; c++) weights[i * fo + c] = fv.data[c * cin + i]!;
    const bias = floatBias(im, biasIdx, fo);
    const act = im.floatAct(fa, true);
    im.emitWithAct(
      op,
      {
        op: 'dense',
        weights,
        bias,
        inChannels: cin,
        outChannels: fo,
        activation: act === 'relu' ? 'relu' : 'none',
      },
      [x],
      [fo],
      act === 'relu' ? 'none' : act,
    );
    return;
  }
  const fold = im.foldPadding(inVal, num(o, 'padding'), kernel, strides, dilations, [
    int8 ? 'zero_point' : 'zero',
  ]);
  const x = fold.src;
  if (x.shape.length !== 3) throw new RefusalSignal('its input is not a [1, H, W, C] map.', 'a 4-D input.');
  const [h, w, cin] = x.shape as [number, number, number];
  const gh = axisWindow(h, kh, strides[0], dilations[0], fold.padding);
  const gw = axisWindow(w, kw, strides[1], dilations[1], fold.padding);
  const geometry = { kernel, strides, dilations, padding: fold.padding };
  if (depthwise) {
    if (fo !== 1)
      throw new RefusalSignal(`its filter has shape [${fv.shape}].`, 'a depthwise filter [1, KH, KW, C·M].');
    const mult = num(o, 'depth_multiplier', 0) || fi / cin;
    if (!Number.isInteger(mult) || mult < 1 || cin * mult !== fi) {
      throw new RefusalSignal(
        `depth_multiplier ${mult} does not match ${cin} input and ${fi} output channels.`,
        'output channels = input channels · depth_multiplier.',
      );
    }
    im.expectShape(op, [gh.out, gw.out, fi]);
    if (int8) {
      im.outKind(op, ['int8']);
      const wq = int8Filter(im, filterIdx, fi, 3);
      im.emitInt8(
        op,
        (activation) => ({
          op: 'int8_depthwise_conv2d',
          filter: wq.data,
          filterScales: wq.scales,
          bias: int8Bias(im, biasIdx, fi),
          channels: cin,
          depthMultiplier: mult,
          ...geometry,
          activation,
        }),
        [x],
        [gh.out, gw.out, fi],
        fa,
      );
      return;
    }
    im.outKind(op, ['float32']);
    const act = im.floatAct(fa, true);
    im.emitWithAct(
      op,
      {
        op: 'depthwise_conv2d',
        filter: Float32Array.from(fv.data),
        bias: floatBias(im, biasIdx, fi),
        channels: cin,
        depthMultiplier: mult,
        ...geometry,
        activation: act === 'relu' ? 'relu' : 'none',
      },
      [x],
      [gh.out, gw.out, fi],
      act === 'relu' ? 'none' : act,
    );
    return;
  }
  if (fi !== cin)
    throw new RefusalSignal(
      `its filter takes ${fi} channels; the input has ${cin}.`,
      'matching channel counts (no grouped convolutions).',
    );
  im.expectShape(op, [gh.out, gw.out, fo]);
  if (int8) {
    im.outKind(op, ['int8']);
    const wq = int8Filter(im, filterIdx, fo, 0);
    im.emitInt8(
      op,
      (activation) => ({
        op: 'int8_conv2d',
        filter: wq.data,
        filterScales: wq.scales,
        bias: int8Bias(im, biasIdx, fo),
        inChannels: cin,
        outChannels: fo,
        ...geometry,
        activation,
      }),
      [x],
      [gh.out, gw.out, fo],
      fa,
    );
    return;
  }
  im.outKind(op, ['float32']);
  const act = im.floatAct(fa, true);
  im.emitWithAct(
    op,
    {
      op: 'conv2d',
      filter: ohwiToHwio(fv.data, fo, kh, kw, cin),
      bias: floatBias(im, biasIdx, fo),
      inChannels: cin,
      outChannels: fo,
      ...geometry,
      activation: act === 'relu' ? 'relu' : 'none',
    },
    [x],
    [gh.out, gw.out, fo],
    act === 'relu' ? 'none' : act,
  );
}

function importFullyConnected(im: Importer, op: TfliteOperatorView): void {
  const o = im.options(op);
  if (num(o, 'weights_format') !== 0)
    throw new RefusalSignal('its weights_format is shuffled.', 'weights_format DEFAULT.');
  const [inIdx, wIdx, biasIdx = -1] = op.inputs as [number, number, number?];
  const wv = im.constOf(wIdx, 'weights');
  if (wv.shape.length !== 2)
    throw new RefusalSignal(`its weights have shape [${wv.shape}].`, 'weights [Cout, Cin].');
  const [cout, cin] = wv.shape as [number, number];
  const inVal = im.value(inIdx);
  let x: DT = inVal.v === 'flat' ? inVal.src : im.tensorOf(inIdx, 'input');
  if (prod(x.shape) !== cin)
    throw new RefusalSignal(`it takes ${cin} inputs; its input has ${prod(x.shape)}.`, 'matching sizes.');
  im.expectShape(op, [cout]);
  const fa = num(o, 'fused_activation_function');
  if (x.kind === 'int8') {
    im.outKind(op, ['int8']);
    const w = int8Filter(im, wIdx, cout, 0);
    im.emitInt8(
      op,
      (activation) => ({
        op: 'int8_dense',
        weights: w.data,
        filterScales: w.scales,
        bias: int8Bias(im, biasIdx, cout),
        inChannels: cin,
        outChannels: cout,
        activation,
      }),
      [x],
      [cout],
      fa,
    );
    return;
  }
  if (x.kind !== 'float32') throw new RefusalSignal(`its input is ${x.kind}.`, 'FLOAT32 or INT8 input.');
  im.outKind(op, ['float32']);
  if (wv.type !== TensorType.FLOAT32)
    throw new RefusalSignal(
      'its weights are not FLOAT32.',
      'FLOAT32 weights for a float layer (no hybrid quantization).',
    );
  if (x.shape.length !== 1) {
    const flat = im.tempDT(`${x.id}:flat`, 'float32', [cin]);
    im.emit({ op: 'reshape' }, [x], flat);
    x = flat;
  }
  const weights = new Float32Array(cin * cout);
  for (let i = 0; i < cin; i++) for (let c = 0; c < cout; c++) weights[i * cout + c] = wv.data[c * cin + i]!;
  const act = im.floatAct(fa, true);
  im.emitWithAct(
    op,
    {
      op: 'dense',
      weights,
      bias: floatBias(im, biasIdx, cout),
      inChannels: cin,
      outChannels: cout,
      activation: act === 'relu' ? 'relu' : 'none',
    },
    [x],
    [cout],
    act === 'relu' ? 'none' : act,
  );
}

function importAddMul(im: Importer, op: TfliteOperatorView, mul: boolean): void {
  const [aIdx, bIdx] = op.inputs as [number, number];
  const a = im.value(aIdx);
  const b = im.value(bIdx);
  const fa = num(im.options(op), 'fused_activation_function');
  const constSide = a.v === 'const' ? a : b.v === 'const' ? b : null;
  const varIdx = a.v === 'const' ? bIdx : aIdx;
  if (constSide) {
    const x = im.tensorOf(varIdx, 'input');
    if (x.kind === 'int8') {
      importInt8WithConstant(im, op, x, a.v === 'const' ? aIdx : bIdx, mul, fa);
      return;
    }
    if (x.kind !== 'float32') {
      throw new RefusalSignal(
        `${op.opName} with a constant on a ${x.kind} tensor has no deploy op.`,
        `${op.opName} with a per-channel constant on FLOAT32 tensors (a scale_shift) or on INT8 tensors (an INT8 constant).`,
      );
    }
    const c = x.shape[x.shape.length - 1]!;
    const k = im.channelConst(constSide, c, mul ? 'scale' : 'shift');
    im.outKind(op, ['float32']);
    im.expectShape(op, x.shape);
    const scale = mul ? k : new Float32Array(c).fill(1);
    const shift = mul ? new Float32Array(c) : k;
    im.emitWithAct(op, { op: 'scale_shift', scale, shift }, [x], x.shape, im.floatAct(fa, true));
    return;
  }
  const x = im.tensorOf(aIdx, 'first input');
  const y = im.tensorOf(bIdx, 'second input');
  if (x.shape.join() !== y.shape.join() || x.kind !== y.kind) {
    throw new RefusalSignal(
      `it combines ${x.kind} [${x.shape}] and ${y.kind} [${y.shape}].`,
      `${op.opName} of two tensors of the same shape and type (no broadcasting), or with a per-channel constant.`,
    );
  }
  im.expectShape(op, x.shape);
  if (mul) {
    if (x.kind !== 'int8') {
      throw new RefusalSignal(
        `MUL of two ${x.kind} activations has no deploy op.`,
        'MUL of two INT8 tensors, or by a per-channel constant (FLOAT32 or INT8).',
      );
    }
    im.outKind(op, ['int8']);
    im.emitInt8(op, (activation) => ({ op: 'int8_mul', activation, constant: null }), [x, y], x.shape, fa);
    return;
  }
  if (x.kind === 'int8') {
    im.outKind(op, ['int8']);
    im.emitInt8(op, (activation) => ({ op: 'int8_add', activation }), [x, y], x.shape, fa);
    return;
  }
  if (x.kind !== 'float32') throw new RefusalSignal(`it adds ${x.kind} tensors.`, 'FLOAT32 or INT8 ADD.');
  im.outKind(op, ['float32']);
  im.emitWithAct(op, { op: 'add' }, [x, y], x.shape, im.floatAct(fa, true));
}

/** int8 ADD / MUL by an INT8 constant broadcast along channels (TFLite's int8 kernels; the xcore writer's
 * scale_shift): `int8_add` / `int8_mul` with the constant's values and per-tensor quantization. */
function importInt8WithConstant(
  im: Importer,
  op: TfliteOperatorView,
  x: DT,
  constIdx: number,
  mul: boolean,
  fa: number,
): void {
  const k = im.constOf(constIdx, 'constant');
  const tf = im.sg.tensors[constIdx]!;
  const c = x.shape[x.shape.length - 1]!;
  if (k.type !== TensorType.INT8) {
    throw new RefusalSignal(
      `its constant "${tf.name}" is ${TENSOR_TYPE_NAME[k.type] ?? k.type} on an int8 tensor.`,
      `int8 ${op.opName} with an INT8 constant.`,
    );
  }
  const q = tf.quantization;
  if (q?.scale.length !== 1 || q.zeroPoint.length !== 1 || !(q.scale[0]! > 0)) {
    throw new RefusalSignal(
      `its int8 constant "${tf.name}" has ${q?.scale.length ?? 0} scales.`,
      'an int8 constant quantized per tensor (one scale, one zero point).',
    );
  }
  const lead = k.shape.slice(0, -1);
  if (!((k.data.length === c || k.data.length === 1) && lead.every((d) => d === 1))) {
    throw new RefusalSignal(
      `its constant has shape [${k.shape}] for ${c} channels.`,
      `an int8 constant of shape [${c}] (per channel) or [1].`,
    );
  }
  im.outKind(op, ['int8']);
  im.expectShape(op, x.shape);
  const constant = {
    values: Int8Array.from(k.data),
    quant: { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! },
  };
  im.emitInt8(
    op,
    (activation) => ({ op: mul ? 'int8_mul' : 'int8_add', activation, constant }),
    [x],
    x.shape,
    fa,
  );
}

function importPad(im: Importer, op: TfliteOperatorView, v2: boolean): void {
  const x = im.tensorOf(op.inputs[0]!, 'input');
  const p = im.constOf(op.inputs[1]!, 'paddings');
  const tfShape = im.sg.tensors[op.inputs[0]!]!.shape;
  if (tfShape.length !== 4 || p.data.length !== 8) {
    throw new RefusalSignal(
      `it pads a rank-${tfShape.length} tensor with [${Array.from(p.data)}].`,
      'PAD of [1, H, W, C] maps.',
    );
  }
  const d = Array.from(p.data);
  if (d[0] !== 0 || d[1] !== 0 || d[6] !== 0 || d[7] !== 0 || d.some((v) => v < 0)) {
    throw new RefusalSignal(
      `it pads batch or channels ([${d}]).`,
      'PAD of height and width only, by non-negative amounts.',
    );
  }
  let fill: Fill;
  if (x.kind === 'bitpacked') {
    const val = v2 ? im.constOf(op.inputs[2]!, 'pad value').data[0] : 0;
    if (val !== 0)
      throw new RefusalSignal(
        `it pads bit-packed words with ${val}.`,
        'PAD of bit-packed words with 0 (+1 bits: one-padding).',
      );
    fill = 'one';
  } else if (x.kind === 'int8') {
    const inQ = x.quant!;
    const outQ = im.activationQuant(op.outputs[0]!);
    if (outQ.scale !== inQ.scale || outQ.zeroPoint !== inQ.zeroPoint) {
      throw new RefusalSignal(
        'its output quantization differs from its input’s.',
        'int8 PAD keeping the input’s scale and zero point.',
      );
    }
    const val = v2 ? im.constOf(op.inputs[2]!, 'pad value').data[0] : inQ.zeroPoint;
    if (val !== inQ.zeroPoint)
      throw new RefusalSignal(
        `it pads with ${val}, not the zero point ${inQ.zeroPoint}.`,
        'int8 PAD with the zero point (real 0).',
      );
    fill = 'zero_point';
  } else {
    const val = v2 ? im.constOf(op.inputs[2]!, 'pad value', TensorType.FLOAT32).data[0] : 0;
    if (val === 0) fill = 'zero';
    else if (val === 1) fill = 'plus_one_float';
    else throw new RefusalSignal(`it pads with ${val}.`, 'PAD/PADV2 with 0 before a float convolution.');
  }
  const pads: [number, number, number, number] = [d[2]!, d[3]!, d[4]!, d[5]!];
  im.values.set(op.outputs[0]!, { v: 'padded', src: x, pads, fill, opIndex: im.index });
}

function importPool(im: Importer, op: TfliteOperatorView, max: boolean): void {
  const o = im.options(op);
  const x = im.tensorOf(op.inputs[0]!, 'input');
  if (x.shape.length !== 3) throw new RefusalSignal('its input is not a [1, H, W, C] map.', 'a 4-D input.');
  const pool: [number, number] = [
    positive(num(o, 'filter_height'), 'filter_height'),
    positive(num(o, 'filter_width'), 'filter_width'),
  ];
  const strides: [number, number] = [
    positive(num(o, 'stride_h'), 'stride_h'),
    positive(num(o, 'stride_w'), 'stride_w'),
  ];
  const pv = num(o, 'padding');
  const padding = pv === Padding.SAME ? 'same' : pv === Padding.VALID ? 'valid' : null;
  if (!padding) throw new RefusalSignal(`padding ${pv} is unknown.`, 'SAME or VALID.');
  const [h, w, c] = x.shape as [number, number, number];
  const shape = [
    axisWindow(h, pool[0], strides[0], 1, padding).out,
    axisWindow(w, pool[1], strides[1], 1, padding).out,
    c,
  ];
  im.expectShape(op, shape);
  const fa = num(o, 'fused_activation_function');
  if (x.kind === 'int8') {
    im.outKind(op, ['int8']);
    if (fa !== Activation.NONE)
      throw new RefusalSignal(
        `an int8 pool has fused activation ${activationName(fa)}.`,
        'int8 pools without fused activation.',
      );
    const outQ = im.activationQuant(op.outputs[0]!);
    if (outQ.scale !== x.quant!.scale || outQ.zeroPoint !== x.quant!.zeroPoint) {
      throw new RefusalSignal(
        'its output quantization differs from its input’s.',
        'int8 pools whose output shares the input’s scale and zero point (as TFLite requires).',
      );
    }
    const out = im.outTensor(op, 'int8', shape);
    im.emit({ op: max ? 'int8_maxpool2d' : 'int8_avgpool2d', pool, strides, padding }, [x], out);
    return;
  }
  if (x.kind !== 'float32')
    throw new RefusalSignal(
      `its input is ${x.kind}.`,
      'FLOAT32 or INT8 pools (LceBMaxPool2d for bit-packed input).',
    );
  im.outKind(op, ['float32']);
  im.emitWithAct(
    op,
    { op: max ? 'maxpool2d' : 'avgpool2d', pool, strides, padding },
    [x],
    shape,
    im.floatAct(fa, true),
  );
}

function importReshape(im: Importer, op: TfliteOperatorView): void {
  const inIdx = op.inputs[0]!;
  const outIdx = op.outputs[0]!;
  const xv = im.value(inIdx);
  const ys = im.sg.tensors[outIdx]!.shape;
  // The target shape: a constant (or a folded SHAPE/STRIDED_SLICE/PACK chain) or the options' new_shape.
  let target: number[] | null = null;
  if (op.inputs.length > 1 && op.inputs[1]! >= 0)
    target = Array.from(im.constOf(op.inputs[1]!, 'shape').data);
  else if (Array.isArray(im.options(op).new_shape)) target = im.options(op).new_shape as number[];
  const inTf = im.sg.tensors[inIdx]!.shape;
  if (target) {
    const known = target.filter((d) => d !== -1);
    const rest = prod(inTf) / Math.max(1, prod(known));
    const resolved = target.map((d) => (d === -1 ? rest : d));
    if (resolved.join() !== ys.join()) {
      im.fail(
        'bad_tensor',
        `RESHAPE operator ${im.index} targets [${target}] but declares [${ys}].`,
        'The file is inconsistent; re-convert the model.',
      );
    }
  }
  if (prod(inTf) !== prod(ys)) {
    im.fail(
      'bad_tensor',
      `RESHAPE operator ${im.index} maps [${inTf}] onto [${ys}].`,
      'The file is inconsistent; re-convert the model.',
    );
  }
  const x = xv.v === 'flat' ? xv.src : im.tensorOf(inIdx, 'input');
  const yDeploy = im.deployShape(outIdx);
  const isVec4 = ys.length === 4 && ys[1] === 1 && ys[2] === 1;
  if (x.kind === 'int8') {
    const outQ = im.activationQuant(outIdx);
    if (outQ.scale !== x.quant!.scale || outQ.zeroPoint !== x.quant!.zeroPoint) {
      throw new RefusalSignal(
        'its output quantization differs from its input’s.',
        'int8 RESHAPE keeping the scale and zero point (TFLite copies the bytes).',
      );
    }
  } else im.outKind(op, [x.kind]);
  if (xv.v === 'flat') {
    if (isVec4 || ys.length === 2) {
      im.values.set(outIdx, { ...xv, name: im.sg.tensors[outIdx]!.name, opIndex: im.index });
      return;
    }
  }
  const xIsVector = x.shape.length === 1 && xv.v !== 'flat';
  if (xIsVector && (isVec4 || ys.length === 2)) {
    im.alias(op, x);
    return;
  }
  if (x.kind === 'bitpacked') {
    throw new RefusalSignal(
      'it reshapes a bit-packed tensor.',
      'RESHAPE of float32 or int8 tensors; bit-packed tensors only as the [1, C] ↔ [1, 1, 1, words] vector view.',
    );
  }
  const shape = isVec4 ? [ys[3]!] : yDeploy;
  if (x.kind === 'int8') {
    if (isVec4 || ys.length === 2) {
      // Flattening for a dense layer: int8_dense reads any rank flattened; other readers get an exact
      // DEQUANTIZE → reshape → QUANTIZE (see tensorOf).
      im.values.set(outIdx, {
        v: 'flat',
        src: x,
        opIndex: im.index,
        name: im.sg.tensors[outIdx]!.name,
        quant: x.quant!,
      });
      return;
    }
    throw new RefusalSignal(
      'it reshapes an int8 map into another map.',
      'int8 RESHAPE that flattens ([1, C] or [1, 1, 1, C]).',
    );
  }
  const out = im.outTensor(op, 'float32', shape);
  im.emit({ op: 'reshape' }, [x], out);
}

function importSoftmax(im: Importer, op: TfliteOperatorView): void {
  const beta = num(im.options(op), 'beta', 1);
  const x = im.tensorOf(op.inputs[0]!, 'input');
  im.expectShape(op, x.shape);
  if (x.kind === 'float32') {
    if (beta !== 1)
      throw new RefusalSignal(
        `beta is ${beta}.`,
        'FLOAT32 SOFTMAX with beta 1 (int8 SOFTMAX with any beta).',
      );
    im.outKind(op, ['float32']);
    im.emit({ op: 'softmax' }, [x], im.outTensor(op, 'float32', x.shape));
    return;
  }
  if (x.kind !== 'int8') throw new RefusalSignal(`its input is ${x.kind}.`, 'FLOAT32 or INT8 SOFTMAX.');
  const mode = im.opts.int8Softmax ?? 'exact';
  if (mode === 'refuse') {
    throw new RefusalSignal(
      'int8 SOFTMAX was refused on request (int8Softmax: refuse).',
      'FLOAT32 SOFTMAX; int8 SOFTMAX imports exactly (TFLite’s reference fixed-point kernel) unless refused.',
    );
  }
  im.outKind(op, ['int8']);
  const outQ = im.activationQuant(op.outputs[0]!);
  if (!isSoftmaxOutputQuant(outQ)) {
    throw new RefusalSignal(
      `its output has scale ${outQ.scale} and zero point ${outQ.zeroPoint}.`,
      'int8 SOFTMAX with TFLite’s output quantization: scale 1/256, zero point −128.',
    );
  }
  if (mode === 'float') {
    const name = im.sg.tensors[op.outputs[0]!]!.name;
    if (beta !== 1)
      throw new RefusalSignal(`beta is ${beta}.`, 'int8Softmax float with beta 1 (exact import: any beta).');
    const f = im.tempDT(`${name}:logits_float`, 'float32', x.shape);
    const s = im.tempDT(`${name}:float`, 'float32', x.shape);
    im.emit({ op: 'int8_dequantize' }, [x], f);
    im.emit({ op: 'softmax' }, [f], s);
    im.emit({ op: 'int8_quantize' }, [s], im.outTensor(op, 'int8', x.shape));
    im.approximations.push({
      operatorIndex: im.index,
      op: 'SOFTMAX',
      message:
        'int8 SOFTMAX computed as DEQUANTIZE → float32 softmax → QUANTIZE (int8Softmax: float); may differ from TFLite’s fixed-point kernel by one output step (1/256).',
    });
    return;
  }
  if (!int8SoftmaxParams(beta, x.quant!.scale)) {
    throw new RefusalSignal(
      `beta · input scale (${beta} · ${x.quant!.scale}) is at most 2^−26, which TFLite’s int8 kernel refuses.`,
      'int8 SOFTMAX whose beta · input scale exceeds 2^−26.',
    );
  }
  const depth = x.shape[x.shape.length - 1]!;
  if (depth > INT8_SOFTMAX_MAX_DEPTH) {
    throw new RefusalSignal(
      `its last axis has ${depth} values.`,
      `int8 SOFTMAX over at most ${INT8_SOFTMAX_MAX_DEPTH} values (FLOAT32 SOFTMAX for wider rows).`,
    );
  }
  im.emit({ op: 'int8_softmax', beta }, [x], im.outTensor(op, 'int8', x.shape));
}

/** int8 → float → op → int8 with the same quantization: exact for RELU / CONCATENATION of shared parameters. */
function viaFloat(
  im: Importer,
  op: TfliteOperatorView,
  ins: DT[],
  kind: 'relu' | 'concat',
  shape: number[],
): void {
  const outQ = im.activationQuant(op.outputs[0]!);
  for (const x of ins) {
    if (x.quant!.scale !== outQ.scale || x.quant!.zeroPoint !== outQ.zeroPoint) {
      throw new RefusalSignal(
        'an int8 input’s quantization differs from the output’s.',
        `int8 ${op.opName} whose inputs share the output’s scale and zero point.`,
      );
    }
  }
  const name = im.sg.tensors[op.outputs[0]!]!.name;
  const floats = ins.map((x, k) => {
    const f = im.tempDT(`${name}:in${k}_float`, 'float32', x.shape);
    im.emit({ op: 'int8_dequantize' }, [x], f);
    return f;
  });
  const y = im.tempDT(`${name}:float`, 'float32', shape);
  im.emit({ op: kind }, floats, y);
  im.emit({ op: 'int8_quantize' }, [y], im.outTensor(op, 'int8', shape));
}

/** int8 → int8 with TFLite's rescale and `QuantizedReluX` clamp to the real range [lo, hi]. */
function requantize(im: Importer, op: TfliteOperatorView, x: DT, lo: number, hi: number): void {
  im.outKind(op, ['int8']);
  const outQ = im.activationQuant(op.outputs[0]!);
  const [min, max] = lo === Number.NEGATIVE_INFINITY ? [-128, 127] : int8ReluBounds(lo, hi, outQ);
  im.emit({ op: 'int8_requantize', min, max }, [x], im.outTensor(op, 'int8', x.shape));
}

function importUnary(im: Importer, op: TfliteOperatorView, kind: 'relu' | 'hard_tanh' | 'relu6'): void {
  const x = im.tensorOf(op.inputs[0]!, 'input');
  im.expectShape(op, x.shape);
  if (x.kind === 'int8') {
    const outQ = im.activationQuant(op.outputs[0]!);
    const same = outQ.scale === x.quant!.scale && outQ.zeroPoint === x.quant!.zeroPoint;
    if (kind === 'relu' && same) {
      im.outKind(op, ['int8']);
      viaFloat(im, op, [x], 'relu', x.shape);
      return;
    }
    // TFLite's int8 ReluX: rescale to the output's quantization, clamp to the activation's range.
    const [lo, hi] = kind === 'relu' ? [0, Number.POSITIVE_INFINITY] : kind === 'relu6' ? [0, 6] : [-1, 1];
    requantize(im, op, x, lo, hi);
    return;
  }
  if (x.kind !== 'float32')
    throw new RefusalSignal(
      `its input is ${x.kind}.`,
      `FLOAT32 ${op.opName}${kind === 'relu' ? ' (or int8 with shared quantization)' : ''}.`,
    );
  im.outKind(op, ['float32']);
  im.emit({ op: kind }, [x], im.outTensor(op, 'float32', x.shape));
}

/**
 * HARD_SWISH: float → `hard_swish` (TFLite's reference float formula and order); int8 → `int8_hard_swish`
 * (TFLite's reference int16 fixed-point kernel with HardSwishPrepare's parameters, bit for bit). Scales that
 * TensorFlow Lite's Prepare refuses, or whose fixed-point shifts leave the exact range, are refused here.
 */
function importHardSwish(im: Importer, op: TfliteOperatorView): void {
  const x = im.tensorOf(op.inputs[0]!, 'input');
  im.expectShape(op, x.shape);
  if (x.kind === 'int8') {
    im.outKind(op, ['int8']);
    const p = int8HardSwishParams(x.quant!, im.activationQuant(op.outputs[0]!));
    if (isHardSwishRefusal(p)) throw new RefusalSignal(p.error, p.fix);
    im.emit({ op: 'int8_hard_swish' }, [x], im.outTensor(op, 'int8', x.shape));
    return;
  }
  if (x.kind !== 'float32')
    throw new RefusalSignal(`its input is ${x.kind}.`, 'HARD_SWISH of FLOAT32 or INT8 tensors.');
  im.outKind(op, ['float32']);
  im.emit({ op: 'hard_swish' }, [x], im.outTensor(op, 'float32', x.shape));
}

// ---- constant folding: SHAPE → STRIDED_SLICE → PACK feeding RESHAPE ----

function setConst(im: Importer, op: TfliteOperatorView, data: number[], shape: number[]): void {
  im.values.set(op.outputs[0]!, { v: 'const', type: TensorType.INT32, shape, data: Int32Array.from(data) });
}

function foldShape(im: Importer, op: TfliteOperatorView): void {
  const s = im.sg.tensors[op.inputs[0]!]!.shape;
  im.value(op.inputs[0]!);
  setConst(im, op, s, [s.length]);
}

function foldStridedSlice(im: Importer, op: TfliteOperatorView): void {
  const notConst =
    'SHAPE/STRIDED_SLICE/PACK are folded when their inputs are constant; this one depends on data.';
  const inputs = op.inputs.map((i) => im.value(i));
  if (inputs.some((v) => v.v !== 'const'))
    throw new RefusalSignal(notConst, 'STRIDED_SLICE of constant (or SHAPE) values feeding RESHAPE.');
  const [x, b, e, s] = inputs as Extract<Value, { v: 'const' }>[];
  const o = im.options(op);
  if (x!.shape.length !== 1 || b!.data.length !== 1 || e!.data.length !== 1 || s!.data.length !== 1) {
    throw new RefusalSignal(
      'it slices more than one axis.',
      'a 1-D STRIDED_SLICE (as in LCE’s flatten chain).',
    );
  }
  if (num(o, 'ellipsis_mask') || num(o, 'new_axis_mask') || num(o, 'offset')) {
    throw new RefusalSignal(
      'it uses ellipsis_mask, new_axis_mask or offset.',
      'begin_mask, end_mask and shrink_axis_mask only.',
    );
  }
  const n = x!.data.length;
  const stride = s!.data[0]!;
  if (stride === 0) throw new RefusalSignal('its stride is 0.', 'a non-zero stride.');
  const clampIdx = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
  const shrink = (num(o, 'shrink_axis_mask') & 1) === 1;
  let begin = b!.data[0]!;
  let end = e!.data[0]!;
  const out: number[] = [];
  if (shrink) {
    const i = begin < 0 ? begin + n : begin;
    if (i < 0 || i >= n)
      throw new RefusalSignal(`it reads index ${begin} of ${n}.`, 'an index inside the array.');
    setConst(im, op, [x!.data[i]!], []);
    return;
  }
  if (stride > 0) {
    begin = num(o, 'begin_mask') & 1 ? 0 : clampIdx(begin, 0, n);
    end = num(o, 'end_mask') & 1 ? n : clampIdx(end, 0, n);
    for (let i = begin; i < end; i += stride) out.push(x!.data[i]!);
  } else {
    begin = num(o, 'begin_mask') & 1 ? n - 1 : clampIdx(begin, -1, n - 1);
    end = num(o, 'end_mask') & 1 ? -1 : clampIdx(end, -1, n - 1);
    for (let i = begin; i > end; i += stride) out.push(x!.data[i]!);
  }
  setConst(im, op, out, [out.length]);
}

function foldPack(im: Importer, op: TfliteOperatorView): void {
  const inputs = op.inputs.map((i) => im.value(i));
  if (inputs.some((v) => v.v !== 'const')) {
    throw new RefusalSignal(
      'SHAPE/STRIDED_SLICE/PACK are folded when their inputs are constant; this one depends on data.',
      'PACK of constant (or folded) scalars feeding RESHAPE.',
    );
  }
  if (num(im.options(op), 'axis') !== 0)
    throw new RefusalSignal('it packs along an axis other than 0.', 'PACK along axis 0.');
  const cs = inputs as Extract<Value, { v: 'const' }>[];
  if (cs.some((c) => c.shape.length !== 0 && !(c.shape.length === 1 && c.shape[0] === 1))) {
    throw new RefusalSignal('it packs non-scalars.', 'PACK of scalars (as in LCE’s flatten chain).');
  }
  setConst(
    im,
    op,
    cs.map((c) => c.data[0]!),
    [cs.length],
  );
}

function importMean(im: Importer, op: TfliteOperatorView): void {
  const x = im.tensorOf(op.inputs[0]!, 'input');
  const axes = Array.from(im.constOf(op.inputs[1]!, 'axes').data).sort();
  const supported =
    'FLOAT32 or INT8 MEAN over axes [1, 2] of a [1, H, W, C] map with keep_dims false (global average pooling).';
  if (x.kind !== 'float32' && x.kind !== 'int8')
    throw new RefusalSignal(`its input is ${x.kind}.`, supported);
  if (x.shape.length !== 3 || axes.join() !== '1,2')
    throw new RefusalSignal(`it averages axes [${axes}].`, supported);
  if (num(im.options(op), 'keep_dims'))
    throw new RefusalSignal(
      x.kind === 'int8'
        ? 'keep_dims is true (TFLite runs int8 MEAN with keep_dims through another kernel than its reference one, which rounds differently).'
        : 'keep_dims is true.',
      supported,
    );
  const c = x.shape[2]!;
  im.expectShape(op, [c]);
  if (x.kind === 'int8') {
    // TFLite's int8 reduction (QuantizedMeanOrSum): int32 sum, 1/n folded into the s_in/s_out multiplier.
    im.outKind(op, ['int8']);
    if (x.shape[0]! * x.shape[1]! > INT8_MEAN_MAX_PIXELS)
      throw new RefusalSignal(
        `it averages ${x.shape[0]! * x.shape[1]!} pixels.`,
        `${supported} At most ${INT8_MEAN_MAX_PIXELS} pixels.`,
      );
    im.emit({ op: 'int8_mean' }, [x], im.outTensor(op, 'int8', [c]));
    return;
  }
  im.outKind(op, ['float32']);
  im.emit({ op: 'global_avgpool' }, [x], im.outTensor(op, 'float32', [c]));
}

function importConcat(im: Importer, op: TfliteOperatorView): void {
  const xs = op.inputs.map((i, k) => im.tensorOf(i, `input ${k}`));
  const rank = im.sg.tensors[op.outputs[0]!]!.shape.length;
  const o = im.options(op);
  const axis = num(o, 'axis');
  if (axis !== -1 && axis !== rank - 1)
    throw new RefusalSignal(
      `it concatenates along axis ${axis}.`,
      'CONCATENATION along the channel (last) axis.',
    );
  if (num(o, 'fused_activation_function') !== 0)
    throw new RefusalSignal('it has a fused activation.', 'CONCATENATION without fused activation.');
  const x0 = xs[0]!;
  const shape = [...x0.shape.slice(0, -1), xs.reduce((a, t) => a + t.shape[t.shape.length - 1]!, 0)];
  im.expectShape(op, shape);
  if (xs.every((t) => t.kind === 'float32')) {
    im.outKind(op, ['float32']);
    im.emit({ op: 'concat' }, xs, im.outTensor(op, 'float32', shape));
    return;
  }
  if (xs.every((t) => t.kind === 'int8')) {
    im.outKind(op, ['int8']);
    viaFloat(im, op, xs, 'concat', shape);
    return;
  }
  throw new RefusalSignal(
    'its inputs mix tensor types.',
    'CONCATENATION of FLOAT32 tensors, or of int8 tensors sharing one quantization.',
  );
}

function importPrelu(im: Importer, op: TfliteOperatorView): void {
  const x = im.tensorOf(op.inputs[0]!, 'input');
  if (x.kind !== 'float32') throw new RefusalSignal(`its input is ${x.kind}.`, 'FLOAT32 PRELU.');
  const a = im.constOf(op.inputs[1]!, 'alpha', TensorType.FLOAT32);
  const c = x.shape[x.shape.length - 1]!;
  const elements = prod(x.shape);
  let alpha: Float32Array;
  if (a.data.length === elements && a.data.length !== c) alpha = Float32Array.from(a.data);
  else alpha = im.channelConst(a, c, 'alpha');
  im.outKind(op, ['float32']);
  im.expectShape(op, x.shape);
  im.emit({ op: 'prelu', alpha }, [x], im.outTensor(op, 'float32', x.shape));
}

/** Every TFLite / LCE operator the importer knows, one entry each. */
const OPERATOR_IMPORTERS = {
  CONV_2D: (im, op) => importConv(im, op, false),
  DEPTHWISE_CONV_2D: (im, op) => importConv(im, op, true),
  FULLY_CONNECTED: importFullyConnected,
  ADD: (im, op) => importAddMul(im, op, false),
  MUL: (im, op) => importAddMul(im, op, true),
  PAD: (im, op) => importPad(im, op, false),
  PADV2: (im, op) => importPad(im, op, true),
  MAX_POOL_2D: (im, op) => importPool(im, op, true),
  AVERAGE_POOL_2D: (im, op) => importPool(im, op, false),
  MEAN: importMean,
  CONCATENATION: importConcat,
  RESHAPE: importReshape,
  SHAPE: foldShape,
  STRIDED_SLICE: foldStridedSlice,
  PACK: foldPack,
  SOFTMAX: importSoftmax,
  RELU: (im, op) => importUnary(im, op, 'relu'),
  RELU_N1_TO_1: (im, op) => importUnary(im, op, 'hard_tanh'),
  PRELU: importPrelu,
  RELU6: (im, op) => importUnary(im, op, 'relu6'),
  HARD_SWISH: importHardSwish,
  QUANTIZE: (im, op) => {
    const x = im.tensorOf(op.inputs[0]!, 'input');
    if (x.kind === 'int8') {
      // int8 → int8 QUANTIZE: TFLite's Requantize (rescale, saturate).
      im.expectShape(op, x.shape);
      requantize(im, op, x, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
      return;
    }
    if (x.kind !== 'float32') {
      throw new RefusalSignal(`it quantizes a ${x.kind} tensor.`, 'QUANTIZE from FLOAT32 or INT8 to INT8.');
    }
    im.outKind(op, ['int8']);
    im.expectShape(op, x.shape);
    im.emit({ op: 'int8_quantize' }, [x], im.outTensor(op, 'int8', x.shape));
  },
  DEQUANTIZE: (im, op) => {
    const x = im.tensorOf(op.inputs[0]!, 'input');
    if (x.kind !== 'int8')
      throw new RefusalSignal(`it dequantizes ${x.kind}.`, 'DEQUANTIZE from INT8 to FLOAT32.');
    im.outKind(op, ['float32']);
    im.expectShape(op, x.shape);
    im.emit({ op: 'int8_dequantize' }, [x], im.outTensor(op, 'float32', x.shape));
  },
  LceQuantize: (im, op) => {
    const x = im.tensorOf(op.inputs[0]!, 'input');
    im.outKind(op, ['bitpacked']);
    const c = x.shape[x.shape.length - 1]!;
    im.expectShape(op, x.shape, c);
    if (x.kind === 'float32') im.emit({ op: 'quantize' }, [x], im.outTensor(op, 'bitpacked', x.shape));
    else if (x.kind === 'int8') im.emit({ op: 'int8_bitpack' }, [x], im.outTensor(op, 'bitpacked', x.shape));
    else
      throw new RefusalSignal('its input is already bit-packed.', 'LceQuantize of FLOAT32 or INT8 tensors.');
  },
  LceDequantize: (im, op) => {
    const x = im.tensorOf(op.inputs[0]!, 'input');
    if (x.kind !== 'bitpacked')
      throw new RefusalSignal(`its input is ${x.kind}.`, 'LceDequantize of bit-packed tensors.');
    im.outKind(op, ['float32']);
    im.expectShape(op, x.shape);
    im.emit({ op: 'dequantize' }, [x], im.outTensor(op, 'float32', x.shape));
  },
  LceBconv2d: importBconv,
  LceBMaxPool2d: (im, op) => {
    const o = lceOptions(op, ['padding', 'stride_width', 'stride_height', 'filter_width', 'filter_height']);
    const x = im.tensorOf(op.inputs[0]!, 'input');
    if (x.kind !== 'bitpacked' || x.shape.length !== 3)
      throw new RefusalSignal(
        `its input is ${x.kind} [${x.shape}].`,
        'LceBMaxPool2d of bit-packed [1, H, W, words] maps.',
      );
    const pool: [number, number] = [
      positive(o.filter_height!, 'filter_height'),
      positive(o.filter_width!, 'filter_width'),
    ];
    const strides: [number, number] = [
      positive(o.stride_height!, 'stride_height'),
      positive(o.stride_width!, 'stride_width'),
    ];
    const padding = o.padding === Padding.SAME ? 'same' : o.padding === Padding.VALID ? 'valid' : null;
    if (!padding)
      throw new RefusalSignal(`padding ${o.padding} is unknown.`, 'padding SAME (0) or VALID (1).');
    const [h, w, c] = x.shape as [number, number, number];
    const shape = [
      axisWindow(h, pool[0], strides[0], 1, padding).out,
      axisWindow(w, pool[1], strides[1], 1, padding).out,
      c,
    ];
    im.outKind(op, ['bitpacked']);
    im.expectShape(op, shape, c);
    im.emit({ op: 'bmaxpool2d', pool, strides, padding }, [x], im.outTensor(op, 'bitpacked', shape));
  },
} satisfies Record<string, OperatorImporter>;

export type ImportedOpName = keyof typeof OPERATOR_IMPORTERS;

/** The operators the importer runs (folds or translates), for messages. */
export const SUPPORTED_OPS: readonly string[] = Object.keys(OPERATOR_IMPORTERS);
