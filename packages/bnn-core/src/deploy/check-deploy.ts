import { windowGeometry } from '../eval/float-ops.js';
import {
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  type DeployGraph,
  type DeployOp,
  type OutputTransform,
  type TensorKind,
} from './deploy-types.js';

/** A structural problem of a deploy graph, located by op index and source node. */
export interface DeployIssue {
  opIndex?: number;
  sourceNode?: string;
  tensor?: string;
  message: string;
}

const product = (s: number[]) => s.reduce((a, b) => a * b, 1);
const words = (n: number) => Math.ceil(n / 32);

/**
 * Checks that a deploy graph is internally consistent: declared tensors, execution order, tensor kinds per op,
 * output shapes from the window geometry, filter and transform array sizes. Returns every problem (empty when
 * the graph is well formed). For readers of untrusted files (`.bnn`) and for executors' own assertions.
 */
export function checkDeployGraph(d: DeployGraph): DeployIssue[] {
  const issues: DeployIssue[] = [];
  if (d.format !== DEPLOY_FORMAT)
    issues.push({ message: `format is ${JSON.stringify(d.format)}, not "${DEPLOY_FORMAT}"` });
  if (d.version !== DEPLOY_VERSION) issues.push({ message: `version ${d.version} is not ${DEPLOY_VERSION}` });
  const tensors = new Map<string, { shape: number[]; kind: TensorKind }>();
  for (const t of d.tensors) {
    if (tensors.has(t.id)) issues.push({ tensor: t.id, message: `tensor '${t.id}' is declared twice` });
    if (!t.shape.length || !t.shape.every((n) => Number.isInteger(n) && n > 0)) {
      issues.push({ tensor: t.id, message: `tensor '${t.id}' has invalid shape [${t.shape.join(', ')}]` });
    }
    if (t.kind !== 'float32' && t.kind !== 'bitpacked')
      issues.push({ tensor: t.id, message: `tensor '${t.id}' has unknown kind` });
    tensors.set(t.id, { shape: t.shape, kind: t.kind });
  }
  const inT = tensors.get(d.input);
  if (!inT) issues.push({ tensor: d.input, message: `input tensor '${d.input}' is not declared` });
  else if (inT.kind !== 'float32')
    issues.push({ tensor: d.input, message: 'the input tensor must be float32' });
  const written = new Set<string>([d.input]);
  d.ops.forEach((op, opIndex) => {
    const at = { opIndex, sourceNode: op.sourceNode };
    const fail = (message: string) =>
      issues.push({ ...at, message: `op ${opIndex} '${op.op}' (${op.sourceNode}): ${message}` });
    for (const id of op.inputs) {
      if (!tensors.has(id)) fail(`reads undeclared tensor '${id}'`);
      else if (!written.has(id)) fail(`reads '${id}' before any op writes it`);
    }
    if (op.outputs.length !== 1) fail(`must have exactly one output, has ${op.outputs.length}`);
    const outId = op.outputs[0]!;
    if (!tensors.has(outId)) {
      fail(`writes undeclared tensor '${outId}'`);
      return;
    }
    if (written.has(outId)) fail(`writes '${outId}', which is already written`);
    written.add(outId);
    const ins = op.inputs.map((id) => tensors.get(id)).filter((t) => t !== undefined);
    if (ins.length !== op.inputs.length || ins.length === 0) return;
    const x = ins[0]!;
    const out = tensors.get(outId)!;
    checkOp(op, x, ins, out, fail);
  });
  for (const id of d.outputs) {
    const t = tensors.get(id);
    if (!t) issues.push({ tensor: id, message: `output tensor '${id}' is not declared` });
    else if (!written.has(id)) issues.push({ tensor: id, message: `output tensor '${id}' is never written` });
    else if (t.kind !== 'float32')
      issues.push({ tensor: id, message: `output tensor '${id}' must be float32` });
  }
  return issues;
}

type T = { shape: number[]; kind: TensorKind };

function checkOp(op: DeployOp, x: T, ins: T[], out: T, fail: (m: string) => void): void {
  const kinds = (i: TensorKind, o: TensorKind | null) => {
    if (x.kind !== i) fail(`input must be ${i}, is ${x.kind}`);
    if (o !== null && out.kind !== o) fail(`output must be ${o}, is ${out.kind}`);
  };
  const sameShape = () => {
    if (product(x.shape) !== product(out.shape))
      fail(`output [${out.shape}] does not match input [${x.shape}]`);
  };
  const spatial = (
    k: [number, number],
    s: [number, number],
    dl: [number, number],
    padding: 'valid' | 'same',
    c: number,
  ) => {
    if (x.shape.length !== 3) {
      fail(`input must be [H, W, C], is [${x.shape}]`);
      return;
    }
    const gy = windowGeometry(x.shape[0]!, k[0], s[0], dl[0], padding);
    const gx = windowGeometry(x.shape[1]!, k[1], s[1], dl[1], padding);
    const want = [gy.out, gx.out, c];
    if (out.shape.join() !== want.join()) fail(`output shape [${out.shape}] should be [${want}]`);
  };
  const len = (name: string, a: { length: number } | null, n: number) => {
    if (a && a.length !== n) fail(`${name} has ${a.length} values, expected ${n}`);
  };
  const transformLens = (t: OutputTransform, n: number) => {
    if (t.kind === 'bitpacked') len('thresholds', t.thresholds, n);
    else {
      len('multiplier', t.multiplier, n);
      len('bias', t.bias, n);
    }
  };
  switch (op.op) {
    case 'quantize':
      kinds('float32', 'bitpacked');
      sameShape();
      return;
    case 'dequantize':
      kinds('bitpacked', 'float32');
      sameShape();
      return;
    case 'bconv2d': {
      kinds('bitpacked', op.transform.kind === 'bitpacked' ? 'bitpacked' : 'float32');
      if (x.shape[2] !== op.inChannels)
        fail(`inChannels ${op.inChannels} but input has ${x.shape[2]} channels`);
      len('filter', op.filter, op.outChannels * op.kernel[0] * op.kernel[1] * words(op.inChannels));
      transformLens(op.transform, op.outChannels);
      const zeroPadded = op.padding === 'same' && op.padValue === 0 && op.kernel[0] * op.kernel[1] > 1;
      if (op.transform.kind === 'bitpacked' && zeroPadded) {
        fail('bit-packed output needs constant K: zero-padding allows float output only');
      }
      spatial(op.kernel, op.strides, op.dilations, op.padding, op.outChannels);
      return;
    }
    case 'bdepthwise_conv2d':
      kinds('bitpacked', 'float32');
      if ((op.transform as { kind: string }).kind !== 'float') fail('transform must be float');
      len('filter', op.filter, op.kernel[0] * op.kernel[1] * words(op.channels));
      len('multiplier', op.transform.multiplier, op.channels);
      len('bias', op.transform.bias, op.channels);
      spatial(op.kernel, op.strides, op.dilations, op.padding, op.channels);
      return;
    case 'bdense':
      kinds('bitpacked', op.transform.kind === 'bitpacked' ? 'bitpacked' : 'float32');
      if (x.shape.length !== 1 || x.shape[0] !== op.inChannels)
        fail(`input must be [${op.inChannels}], is [${x.shape}]`);
      if (out.shape.join() !== String(op.outChannels))
        fail(`output must be [${op.outChannels}], is [${out.shape}]`);
      len('filter', op.filter, op.outChannels * words(op.inChannels));
      transformLens(op.transform, op.outChannels);
      return;
    case 'bmaxpool2d':
      kinds('bitpacked', 'bitpacked');
      spatial(op.pool, op.strides, [1, 1], op.padding, x.shape[2] ?? 0);
      return;
    case 'maxpool2d':
    case 'avgpool2d':
      kinds('float32', 'float32');
      spatial(op.pool, op.strides, [1, 1], op.padding, x.shape[2] ?? 0);
      return;
    case 'conv2d':
      kinds('float32', 'float32');
      if (x.shape[2] !== op.inChannels)
        fail(`inChannels ${op.inChannels} but input has ${x.shape[2]} channels`);
      len('filter', op.filter, op.kernel[0] * op.kernel[1] * op.inChannels * op.outChannels);
      len('bias', op.bias, op.outChannels);
      spatial(op.kernel, op.strides, op.dilations, op.padding, op.outChannels);
      return;
    case 'depthwise_conv2d':
      kinds('float32', 'float32');
      if (x.shape[2] !== op.channels) fail(`channels ${op.channels} but input has ${x.shape[2]}`);
      len('filter', op.filter, op.kernel[0] * op.kernel[1] * op.channels * op.depthMultiplier);
      len('bias', op.bias, op.channels * op.depthMultiplier);
      spatial(op.kernel, op.strides, op.dilations, op.padding, op.channels * op.depthMultiplier);
      return;
    case 'dense':
      kinds('float32', 'float32');
      if (x.shape.length !== 1 || x.shape[0] !== op.inChannels)
        fail(`input must be [${op.inChannels}], is [${x.shape}]`);
      if (out.shape.join() !== String(op.outChannels))
        fail(`output must be [${op.outChannels}], is [${out.shape}]`);
      len('weights', op.weights, op.inChannels * op.outChannels);
      len('bias', op.bias, op.outChannels);
      return;
    case 'scale_shift':
    case 'prelu': {
      kinds('float32', 'float32');
      if (x.shape.join() !== out.shape.join()) fail('output shape must equal input shape');
      const c = x.shape[x.shape.length - 1]!;
      if (op.op === 'scale_shift') {
        len('scale', op.scale, c);
        len('shift', op.shift, c);
      } else len('alpha', op.alpha, c);
      return;
    }
    case 'global_avgpool':
      kinds('float32', 'float32');
      if (x.shape.length !== 3 || out.shape.join() !== String(x.shape[2])) fail(`[H, W, C] → [C] expected`);
      return;
    case 'add':
      kinds('float32', 'float32');
      for (const t of ins)
        if (t.kind !== 'float32' || t.shape.join() !== out.shape.join())
          fail('inputs must be float32 of the output shape');
      if (ins.length < 2) fail('needs at least two inputs');
      return;
    case 'concat': {
      kinds('float32', 'float32');
      const c = ins.reduce((a, t) => a + (t.shape[t.shape.length - 1] ?? 0), 0);
      const ok = ins.every(
        (t) =>
          t.kind === 'float32' &&
          t.shape.length === out.shape.length &&
          t.shape.slice(0, -1).join() === out.shape.slice(0, -1).join(),
      );
      if (!ok || out.shape[out.shape.length - 1] !== c)
        fail('inputs must be float32 and match the output except in channels');
      return;
    }
    case 'reshape':
    case 'relu':
    case 'hard_tanh':
    case 'leaky_tanh':
    case 'softmax':
      kinds('float32', 'float32');
      if (op.op !== 'reshape' && x.shape.join() !== out.shape.join())
        fail('output shape must equal input shape');
      sameShape();
      return;
    default:
      fail('unknown op');
  }
}
