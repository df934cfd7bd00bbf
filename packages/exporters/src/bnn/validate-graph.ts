import type { DeployGraph, DeployOp, DeployTensor, OutputTransform } from '@bnn-studio/bnn-core';

type ArrayKind = 'int32' | 'float32';
interface Expect {
  path: string;
  value: unknown;
  kind: ArrayKind;
  length: number;
}

const words = (c: number) => Math.ceil(c / 32);

function transformExpects(t: OutputTransform, n: number): Expect[] {
  if (t.kind === 'bitpacked')
    return [{ path: 'transform.thresholds', value: t.thresholds, kind: 'int32', length: n }];
  return [
    { path: 'transform.multiplier', value: t.multiplier, kind: 'float32', length: n },
    { path: 'transform.bias', value: t.bias, kind: 'float32', length: n },
  ];
}

/** A bit-packed filter: `rows` rows of `channels` bits, each row in whole int32 words. */
const packedFilter = (value: Int32Array, rows: number, channels: number): Expect => ({
  path: 'filter',
  value,
  kind: 'int32',
  length: rows * words(channels),
});

/** The float bias, when the op has one. */
const optionalBias = (bias: Float32Array | null, n: number): Expect[] =>
  bias ? [{ path: 'bias', value: bias, kind: 'float32', length: n }] : [];

/** The typed arrays an op must carry, with their element type and length. */
function opExpects(op: DeployOp, channelsOf: (tensorId: string | undefined) => number): Expect[] {
  switch (op.op) {
    case 'bconv2d':
      return [
        packedFilter(op.filter, op.outChannels * op.kernel[0] * op.kernel[1], op.inChannels),
        ...transformExpects(op.transform, op.outChannels),
      ];
    case 'bdepthwise_conv2d':
      return [
        packedFilter(op.filter, op.kernel[0] * op.kernel[1], op.channels),
        ...transformExpects(op.transform, op.channels),
      ];
    case 'bdense':
      return [
        packedFilter(op.filter, op.outChannels, op.inChannels),
        ...transformExpects(op.transform, op.outChannels),
      ];
    case 'conv2d':
      return [
        {
          path: 'filter',
          value: op.filter,
          kind: 'float32',
          length: op.kernel[0] * op.kernel[1] * op.inChannels * op.outChannels,
        },
        ...optionalBias(op.bias, op.outChannels),
      ];
    case 'depthwise_conv2d': {
      const out = op.channels * op.depthMultiplier;
      return [
        { path: 'filter', value: op.filter, kind: 'float32', length: op.kernel[0] * op.kernel[1] * out },
        ...optionalBias(op.bias, out),
      ];
    }
    case 'dense':
      return [
        { path: 'weights', value: op.weights, kind: 'float32', length: op.inChannels * op.outChannels },
        ...optionalBias(op.bias, op.outChannels),
      ];
    case 'scale_shift': {
      const c = channelsOf(op.inputs[0]);
      return [
        { path: 'scale', value: op.scale, kind: 'float32', length: c },
        { path: 'shift', value: op.shift, kind: 'float32', length: c },
      ];
    }
    case 'prelu':
      return [{ path: 'alpha', value: op.alpha, kind: 'float32', length: channelsOf(op.inputs[0]) }];
    default:
      return [];
  }
}

const KNOWN_OPS = new Set([
  'quantize',
  'dequantize',
  'bconv2d',
  'bdepthwise_conv2d',
  'bdense',
  'bmaxpool2d',
  'conv2d',
  'depthwise_conv2d',
  'dense',
  'scale_shift',
  'maxpool2d',
  'avgpool2d',
  'global_avgpool',
  'add',
  'concat',
  'reshape',
  'relu',
  'prelu',
  'hard_tanh',
  'leaky_tanh',
  'softmax',
]);

/**
 * Structural checks on a DeployGraph read from a file: tensor references resolve, every op kind is known,
 * and every weight array has the element type and length its op's fields imply.
 * Returns the problems found (empty when the graph is consistent).
 */
export function checkDeployGraphArrays(graph: DeployGraph): string[] {
  const problems: string[] = [];
  if (!Array.isArray(graph.tensors) || !Array.isArray(graph.ops) || !Array.isArray(graph.outputs)) {
    return ['graph lacks tensors, ops or outputs'];
  }
  const isStrArray = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const isDim = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x > 0;
  for (const t of graph.tensors as unknown[]) {
    const tt = t as Partial<DeployTensor> | null;
    if (
      tt === null ||
      typeof tt !== 'object' ||
      typeof tt.id !== 'string' ||
      !Array.isArray(tt.shape) ||
      !tt.shape.every(isDim) ||
      (tt.kind !== 'float32' && tt.kind !== 'bitpacked')
    ) {
      return [`tensor ${JSON.stringify(t)?.slice(0, 80)} is malformed`];
    }
  }
  for (const op of graph.ops as unknown[]) {
    const o = op as Partial<DeployOp> | null;
    if (
      o === null ||
      typeof o !== 'object' ||
      typeof o.op !== 'string' ||
      typeof o.sourceNode !== 'string' ||
      !isStrArray(o.inputs) ||
      !isStrArray(o.outputs)
    ) {
      return [`op ${JSON.stringify(op)?.slice(0, 80)} is malformed`];
    }
    for (const key of ['kernel', 'strides', 'dilations', 'pool'] as const) {
      const v = (o as Record<string, unknown>)[key];
      if (v !== undefined && !(Array.isArray(v) && v.length === 2 && v.every(isDim))) {
        return [`node "${o.sourceNode}": ${key} must be two positive integers`];
      }
    }
    for (const key of ['inChannels', 'outChannels', 'channels', 'depthMultiplier'] as const) {
      const v = (o as Record<string, unknown>)[key];
      if (v !== undefined && !isDim(v)) return [`node "${o.sourceNode}": ${key} must be a positive integer`];
    }
    const t = (o as { transform?: unknown }).transform;
    if (t !== undefined && (t === null || typeof t !== 'object'))
      return [`node "${o.sourceNode}": bad transform`];
  }
  if (typeof graph.input !== 'string' || !isStrArray(graph.outputs)) return ['graph input/outputs malformed'];
  const tensors = new Map(graph.tensors.map((t) => [t.id, t]));
  const channelsOf = (id: string | undefined) => {
    const shape = id === undefined ? undefined : tensors.get(id)?.shape;
    return shape && shape.length > 0 ? shape[shape.length - 1]! : Number.NaN;
  };
  if (!tensors.has(graph.input)) problems.push(`input tensor "${graph.input}" is not declared`);
  for (const o of graph.outputs) if (!tensors.has(o)) problems.push(`output tensor "${o}" is not declared`);
  for (const op of graph.ops) {
    if (!KNOWN_OPS.has(op.op)) {
      problems.push(`op "${String(op.op)}" of node "${op.sourceNode}" is unknown`);
      continue;
    }
    for (const id of [...op.inputs, ...op.outputs]) {
      if (!tensors.has(id)) problems.push(`node "${op.sourceNode}" refers to undeclared tensor "${id}"`);
    }
    if (
      op.op === 'bconv2d' &&
      op.padding === 'same' &&
      op.padValue === 0 &&
      op.transform?.kind === 'bitpacked'
    ) {
      problems.push(
        `node "${op.sourceNode}": zero-padding ("same", padValue 0) needs a float output transform`,
      );
    }
    for (const e of opExpects(op, channelsOf)) {
      const ok = e.kind === 'int32' ? e.value instanceof Int32Array : e.value instanceof Float32Array;
      if (!ok) problems.push(`node "${op.sourceNode}": ${e.path} should be ${e.kind}`);
      else if ((e.value as Int32Array | Float32Array).length !== e.length) {
        problems.push(
          `node "${op.sourceNode}": ${e.path} has ${(e.value as Int32Array).length} elements, expected ${e.length}`,
        );
      }
    }
  }
  return problems;
}
