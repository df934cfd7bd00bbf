/**
 * Validation of a DeployGraph before anything runs. `planDeployGraph` checks every tensor and op against the
 * contract (kinds, shapes, weight lengths, transform consistency, execution order) and returns the resolved
 * shapes, so the executors never meet an inconsistent graph and never produce a wrong answer from one.
 */
import type { DeployGraph, DeployOp, DeployTensor, OutputTransform } from '@bnn-studio/bnn-core';
import { packedWords, tailBitsClear } from './bitpack.js';
import { KernelError } from './errors.js';
import { convGeometry } from './geometry.js';

export interface TensorInfo {
  id: string;
  shape: number[];
  kind: 'float32' | 'bitpacked';
  /** Logical elements per sample. */
  elements: number;
  /** Storage units per sample: floats for float32, int32 words for bitpacked. */
  size: number;
  /** Channel (last) dimension. */
  channels: number;
  /** Positions per sample (product of all dimensions but the last). */
  positions: number;
}

export interface PlannedOp {
  index: number;
  op: DeployOp;
  inputs: TensorInfo[];
  output: TensorInfo;
}

export interface Plan {
  graph: DeployGraph;
  input: TensorInfo;
  outputs: TensorInfo[];
  tensors: Map<string, TensorInfo>;
  ops: PlannedOp[];
}

function graphError(message: string, fix: string): never {
  throw new KernelError('bad_graph', `DeployGraph: ${message}`, fix);
}

function tensorInfo(t: DeployTensor): TensorInfo {
  if (typeof t !== 'object' || t === null || typeof t.id !== 'string' || t.id === '') {
    graphError('a tensor has no string id.', 'Give every tensor a unique non-empty id.');
  }
  if (
    !Array.isArray(t.shape) ||
    t.shape.length < 1 ||
    t.shape.length > 3 ||
    !t.shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    graphError(
      `tensor "${t.id}" has shape ${JSON.stringify(t.shape)}.`,
      'Shapes are per sample: [H, W, C] or [C] with positive integer dimensions.',
    );
  }
  if (t.kind !== 'float32' && t.kind !== 'bitpacked') {
    graphError(`tensor "${t.id}" has kind ${JSON.stringify(t.kind)}.`, "Use 'float32' or 'bitpacked'.");
  }
  const channels = t.shape[t.shape.length - 1]!;
  const positions = t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const elements = positions * channels;
  return {
    id: t.id,
    shape: [...t.shape],
    kind: t.kind,
    elements,
    size: t.kind === 'float32' ? elements : positions * packedWords(channels),
    channels,
    positions,
  };
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

function isPair(v: unknown, min: number): v is [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((d) => Number.isInteger(d) && d >= min);
}

/** Checks of one op; `fail` prefixes the op index, kind and source node. */
class OpChecker {
  constructor(
    readonly op: DeployOp,
    readonly index: number,
  ) {}

  fail(message: string, fix: string): never {
    throw new KernelError(
      'bad_op',
      `DeployGraph op #${this.index} (${this.op.op}, node "${this.op.sourceNode}"): ${message}`,
      fix,
      this.op.sourceNode,
    );
  }

  kind(t: TensorInfo, kind: TensorInfo['kind'], role: string): void {
    if (t.kind !== kind) this.fail(`${role} "${t.id}" is ${t.kind}, expected ${kind}.`, 'Fix the lowering.');
  }

  rank(t: TensorInfo, rank: number, role: string): void {
    if (t.shape.length !== rank) {
      this.fail(`${role} "${t.id}" has shape [${t.shape}], expected rank ${rank}.`, 'Fix the tensor shape.');
    }
  }

  outShape(out: TensorInfo, expected: number[]): void {
    if (!sameShape(out.shape, expected)) {
      this.fail(
        `output "${out.id}" is declared [${out.shape}] but the op produces [${expected}].`,
        'Declare the shape the op computes.',
      );
    }
  }

  array(
    v: unknown,
    type: typeof Int32Array | typeof Float32Array,
    length: number,
    name: string,
  ): asserts v is Int32Array | Float32Array {
    if (!(v instanceof type)) {
      this.fail(`${name} must be a ${type.name}.`, `Store ${name} as a ${type.name}.`);
    }
    if (v.length !== length) {
      this.fail(
        `${name} has ${v.length} elements, expected ${length} (truncated or mismatched weights).`,
        'Re-export the model so the weights match the layer.',
      );
    }
    if (v instanceof Float32Array) {
      for (let i = 0; i < v.length; i++) {
        if (!Number.isFinite(v[i]!))
          this.fail(`${name}[${i}] is ${v[i]}.`, 'Weights must be finite numbers.');
      }
    }
  }

  packedFilter(filter: Int32Array, channels: number): void {
    if (!tailBitsClear(filter, channels)) {
      this.fail(
        'filter has non-zero tail bits past the last input channel.',
        'Pack filters with tail bits 0.',
      );
    }
  }

  pairs(op: { strides?: unknown; dilations?: unknown; kernel?: unknown; pool?: unknown }): void {
    for (const key of ['kernel', 'pool', 'strides', 'dilations'] as const) {
      if (key in op && !isPair(op[key], 1)) this.fail(`${key} must be two positive integers.`, `Fix ${key}.`);
    }
  }

  padding(p: unknown, padValue?: unknown): void {
    if (p !== 'valid' && p !== 'same')
      this.fail(`padding ${JSON.stringify(p)} is unknown.`, "Use 'valid' or 'same'.");
    if (padValue !== undefined && padValue !== 0 && padValue !== 1) {
      this.fail(
        `padValue ${JSON.stringify(padValue)} is not 0 or 1.`,
        'Use 1 (one-padding) or 0 (zero-padding).',
      );
    }
  }

  activation(a: unknown, name: string): void {
    if (a !== 'none' && a !== 'relu')
      this.fail(`${name} ${JSON.stringify(a)} is unknown.`, "Use 'none' or 'relu'.");
  }

  channels(n: unknown, actual: number, name: string): void {
    if (n !== actual) this.fail(`${name} is ${n} but the input has ${actual} channels.`, 'Fix the lowering.');
  }

  transform(t: OutputTransform, outChannels: number, out: TensorInfo, zeroPad: boolean): void {
    if (typeof t !== 'object' || t === null)
      this.fail('transform is missing.', 'Give the op an output transform.');
    if (t.kind === 'float') {
      this.kind(out, 'float32', 'output');
      this.activation(t.clamp, 'transform.clamp');
      this.activation(t.activation, 'transform.activation');
      this.array(t.multiplier, Float32Array, outChannels, 'transform.multiplier');
      this.array(t.bias, Float32Array, outChannels, 'transform.bias');
    } else if (t.kind === 'bitpacked') {
      this.kind(out, 'bitpacked', 'output');
      this.array(t.thresholds, Int32Array, outChannels, 'transform.thresholds');
      if (zeroPad) {
        this.fail(
          'bit-packed output with zero-padding: K varies at the borders, so thresholds are undefined.',
          'Use one-padding (padValue 1) or a float output transform.',
        );
      }
    } else {
      this.fail(
        `transform kind ${JSON.stringify((t as { kind: unknown }).kind)} is unknown.`,
        "Use 'float' or 'bitpacked'.",
      );
    }
  }
}

/** Validates the graph and resolves every op's tensors. Throws `KernelError` on the first problem. */
export function planDeployGraph(graph: DeployGraph): Plan {
  if (typeof graph !== 'object' || graph === null)
    graphError('not an object.', 'Pass the DeployGraph from lower().');
  if (graph.format !== 'bnn-studio.deploy') {
    graphError(`format is ${JSON.stringify(graph.format)}.`, "Pass a graph with format 'bnn-studio.deploy'.");
  }
  if (graph.version !== 1) {
    graphError(
      `version ${JSON.stringify(graph.version)} is not supported (this engine runs version 1).`,
      'Re-lower the model with a matching bnn-core.',
    );
  }
  if (!Array.isArray(graph.tensors) || !Array.isArray(graph.ops) || !Array.isArray(graph.outputs)) {
    graphError('tensors, ops and outputs must be arrays.', 'Pass the DeployGraph from lower().');
  }
  const tensors = new Map<string, TensorInfo>();
  for (const t of graph.tensors) {
    const info = tensorInfo(t);
    if (tensors.has(info.id))
      graphError(`tensor id "${info.id}" is declared twice.`, 'Make tensor ids unique.');
    tensors.set(info.id, info);
  }
  const input = tensors.get(graph.input);
  if (!input) graphError(`input tensor "${graph.input}" is not declared.`, 'Declare the input tensor.');
  if (input.kind !== 'float32')
    graphError(`input "${input.id}" must be float32.`, 'The graph input is raw float data.');
  const available = new Set<string>([input.id]);
  const ops: PlannedOp[] = [];
  graph.ops.forEach((op, index) => {
    const check: OpChecker = new OpChecker(op, index);
    if (!Array.isArray(op.inputs) || !Array.isArray(op.outputs) || op.outputs.length !== 1) {
      check.fail('an op needs an inputs array and exactly one output.', 'Fix the lowering.');
    }
    const ins = op.inputs.map((id) => {
      const t = tensors.get(id);
      if (!t) check.fail(`input tensor "${id}" is not declared.`, 'Declare every tensor an op reads.');
      if (!available.has(id)) {
        check.fail(`input "${id}" is read before any op produces it.`, 'List ops in execution order.');
      }
      return t;
    });
    const outId = op.outputs[0]!;
    const out = tensors.get(outId);
    if (!out) check.fail(`output tensor "${outId}" is not declared.`, 'Declare every tensor an op writes.');
    if (available.has(outId))
      check.fail(`output "${outId}" is written twice.`, 'Give each op its own output tensor.');
    const multi = op.op === 'add' || op.op === 'concat';
    if (multi ? ins.length < 1 : ins.length !== 1) {
      check.fail(
        `has ${ins.length} inputs.`,
        multi ? 'Give it at least one input.' : 'Give it exactly one input.',
      );
    }
    checkOp(check, op, ins, out);
    available.add(outId);
    ops.push({ index, op, inputs: ins, output: out });
  });
  const outputs = graph.outputs.map((id) => {
    const t = tensors.get(id);
    if (!t || !available.has(id))
      graphError(`output "${id}" is never produced.`, 'List produced tensors as outputs.');
    return t;
  });
  if (outputs.length === 0) graphError('no outputs.', 'List at least one output tensor.');
  return { graph, input, outputs, tensors, ops };
}

function checkOp(check: OpChecker, op: DeployOp, ins: TensorInfo[], out: TensorInfo): void {
  const x = ins[0]!;
  switch (op.op) {
    case 'quantize':
    case 'dequantize':
      check.kind(x, op.op === 'quantize' ? 'float32' : 'bitpacked', 'input');
      check.kind(out, op.op === 'quantize' ? 'bitpacked' : 'float32', 'output');
      check.outShape(out, x.shape);
      return;
    case 'bconv2d': {
      check.kind(x, 'bitpacked', 'input');
      check.rank(x, 3, 'input');
      check.pairs(op);
      check.padding(op.padding, op.padValue);
      check.channels(op.inChannels, x.channels, 'inChannels');
      if (!Number.isInteger(op.outChannels) || op.outChannels < 1)
        check.fail('outChannels must be ≥ 1.', 'Fix it.');
      const [kh, kw] = op.kernel;
      check.array(op.filter, Int32Array, op.outChannels * kh * kw * packedWords(op.inChannels), 'filter');
      check.packedFilter(op.filter, op.inChannels);
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.kernel, op.strides, op.dilations, op.padding);
      if (g.outH < 1 || g.outW < 1)
        check.fail('the kernel is larger than the input.', "Use 'same' padding or a smaller kernel.");
      check.outShape(out, [g.outH, g.outW, op.outChannels]);
      check.transform(op.transform, op.outChannels, out, op.padding === 'same' && op.padValue === 0);
      return;
    }
    case 'bdepthwise_conv2d': {
      check.kind(x, 'bitpacked', 'input');
      check.rank(x, 3, 'input');
      check.pairs(op);
      check.padding(op.padding, op.padValue);
      check.channels(op.channels, x.channels, 'channels');
      check.array(op.filter, Int32Array, op.kernel[0] * op.kernel[1] * packedWords(op.channels), 'filter');
      check.packedFilter(op.filter, op.channels);
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.kernel, op.strides, op.dilations, op.padding);
      if (g.outH < 1 || g.outW < 1) check.fail('the kernel is larger than the input.', "Use 'same' padding.");
      check.outShape(out, [g.outH, g.outW, op.channels]);
      if (op.transform?.kind !== 'float')
        check.fail('needs a float output transform.', 'Use a float transform.');
      check.transform(op.transform, op.channels, out, false);
      return;
    }
    case 'bdense':
      check.kind(x, 'bitpacked', 'input');
      check.rank(x, 1, 'input');
      check.channels(op.inChannels, x.channels, 'inChannels');
      if (!Number.isInteger(op.outChannels) || op.outChannels < 1)
        check.fail('outChannels must be ≥ 1.', 'Fix it.');
      check.array(op.filter, Int32Array, op.outChannels * packedWords(op.inChannels), 'filter');
      check.packedFilter(op.filter, op.inChannels);
      check.outShape(out, [op.outChannels]);
      check.transform(op.transform, op.outChannels, out, false);
      return;
    case 'bmaxpool2d':
    case 'maxpool2d':
    case 'avgpool2d': {
      check.kind(x, op.op === 'bmaxpool2d' ? 'bitpacked' : 'float32', 'input');
      check.kind(out, x.kind, 'output');
      check.rank(x, 3, 'input');
      check.pairs(op);
      check.padding(op.padding);
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.pool, op.strides, [1, 1], op.padding);
      if (g.outH < 1 || g.outW < 1)
        check.fail('the pool window is larger than the input.', "Use 'same' padding.");
      check.outShape(out, [g.outH, g.outW, x.channels]);
      return;
    }
    case 'conv2d': {
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.rank(x, 3, 'input');
      check.pairs(op);
      check.padding(op.padding);
      check.activation(op.activation, 'activation');
      check.channels(op.inChannels, x.channels, 'inChannels');
      check.array(
        op.filter,
        Float32Array,
        op.kernel[0] * op.kernel[1] * op.inChannels * op.outChannels,
        'filter',
      );
      if (op.bias !== null) check.array(op.bias, Float32Array, op.outChannels, 'bias');
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.kernel, op.strides, op.dilations, op.padding);
      if (g.outH < 1 || g.outW < 1) check.fail('the kernel is larger than the input.', "Use 'same' padding.");
      check.outShape(out, [g.outH, g.outW, op.outChannels]);
      return;
    }
    case 'depthwise_conv2d': {
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.rank(x, 3, 'input');
      check.pairs(op);
      check.padding(op.padding);
      check.activation(op.activation, 'activation');
      check.channels(op.channels, x.channels, 'channels');
      const m = op.depthMultiplier;
      if (!Number.isInteger(m) || m < 1) check.fail('depthMultiplier must be ≥ 1.', 'Fix it.');
      check.array(op.filter, Float32Array, op.kernel[0] * op.kernel[1] * op.channels * m, 'filter');
      if (op.bias !== null) check.array(op.bias, Float32Array, op.channels * m, 'bias');
      const g = convGeometry(x.shape[0]!, x.shape[1]!, op.kernel, op.strides, op.dilations, op.padding);
      if (g.outH < 1 || g.outW < 1) check.fail('the kernel is larger than the input.', "Use 'same' padding.");
      check.outShape(out, [g.outH, g.outW, op.channels * m]);
      return;
    }
    case 'dense':
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.rank(x, 1, 'input');
      check.activation(op.activation, 'activation');
      check.channels(op.inChannels, x.channels, 'inChannels');
      check.array(op.weights, Float32Array, op.inChannels * op.outChannels, 'weights');
      if (op.bias !== null) check.array(op.bias, Float32Array, op.outChannels, 'bias');
      check.outShape(out, [op.outChannels]);
      return;
    case 'scale_shift':
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.array(op.scale, Float32Array, x.channels, 'scale');
      check.array(op.shift, Float32Array, x.channels, 'shift');
      check.outShape(out, x.shape);
      return;
    case 'global_avgpool':
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.rank(x, 3, 'input');
      check.outShape(out, [x.channels]);
      return;
    case 'add':
      for (const t of ins) {
        check.kind(t, 'float32', 'input');
        if (!sameShape(t.shape, x.shape))
          check.fail(`inputs have shapes [${x.shape}] and [${t.shape}].`, 'Add tensors of equal shape.');
      }
      check.kind(out, 'float32', 'output');
      check.outShape(out, x.shape);
      return;
    case 'concat': {
      for (const t of ins) {
        check.kind(t, 'float32', 'input');
        if (!sameShape(t.shape.slice(0, -1), x.shape.slice(0, -1))) {
          check.fail(
            `inputs [${x.shape}] and [${t.shape}] differ outside the channel axis.`,
            'Concatenate equal-sized maps.',
          );
        }
      }
      check.kind(out, 'float32', 'output');
      check.outShape(out, [...x.shape.slice(0, -1), ins.reduce((a, t) => a + t.channels, 0)]);
      return;
    }
    case 'reshape':
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      if (out.elements !== x.elements)
        check.fail(`cannot reshape ${x.elements} elements into [${out.shape}].`, 'Keep the element count.');
      return;
    case 'relu':
    case 'hard_tanh':
    case 'softmax':
    case 'leaky_tanh':
    case 'prelu':
      check.kind(x, 'float32', 'input');
      check.kind(out, 'float32', 'output');
      check.outShape(out, x.shape);
      if (op.op === 'leaky_tanh' && !Number.isFinite(op.alpha))
        check.fail('alpha must be finite.', 'Fix alpha.');
      if (op.op === 'prelu') {
        const n = op.alpha instanceof Float32Array ? op.alpha.length : -1;
        check.array(op.alpha, Float32Array, n === x.elements ? x.elements : x.channels, 'alpha');
      }
      return;
    default:
      throw new KernelError(
        'unsupported',
        `DeployGraph op #${check.index}: op kind ${JSON.stringify((op as { op: unknown }).op)} is unknown to this engine.`,
        'Update @bnn-studio/kernels or re-lower the model.',
        (op as { sourceNode?: string }).sourceNode,
      );
  }
}
