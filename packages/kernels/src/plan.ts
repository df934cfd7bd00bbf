/**
 * Validation of a DeployGraph before anything runs. `planDeployGraph` runs bnn-core's `checkDeployGraph` (the
 * one validator: every op against its contract in bnn-core's `src/deploy/ops/`) and resolves every op's
 * tensors, so the executors never meet an inconsistent graph and never produce a wrong answer from one.
 */
import {
  checkDeployGraph,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  formatDeployIssue,
  type Int8Quant,
} from '@bnn-studio/bnn-core';
import { packedWords } from './bitpack.js';
import { KernelError } from './errors.js';

export interface TensorInfo {
  id: string;
  shape: number[];
  kind: 'float32' | 'bitpacked' | 'int8';
  /** Quantization of an int8 tensor. */
  quant?: Int8Quant;
  /** Logical elements per sample. */
  elements: number;
  /** Storage units per sample: floats for float32, int32 words for bitpacked, bytes for int8. */
  size: number;
  /** Storage bytes per sample. */
  bytes: number;
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

function tensorInfo(t: DeployTensor): TensorInfo {
  const channels = t.shape[t.shape.length - 1]!;
  const positions = t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const elements = positions * channels;
  const size = t.kind === 'bitpacked' ? positions * packedWords(channels) : elements;
  const info: TensorInfo = {
    id: t.id,
    shape: [...t.shape],
    kind: t.kind,
    elements,
    size,
    bytes: t.kind === 'int8' ? size : size * 4,
    channels,
    positions,
  };
  if (t.quant) info.quant = { ...t.quant };
  return info;
}

/**
 * Validates the graph with `checkDeployGraph` and resolves every op's tensors. Throws `KernelError` on the
 * first problem (code `bad_graph`, `bad_op` or `unsupported`, with the op's source node).
 */
export function planDeployGraph(graph: DeployGraph): Plan {
  const [issue] = checkDeployGraph(graph);
  if (issue) throw new KernelError(issue.code, formatDeployIssue(issue), issue.fix, issue.sourceNode);
  const tensors = new Map<string, TensorInfo>(graph.tensors.map((t) => [t.id, tensorInfo(t)]));
  const ops: PlannedOp[] = graph.ops.map((op, index) => ({
    index,
    op,
    inputs: op.inputs.map((id) => tensors.get(id)!),
    output: tensors.get(op.outputs[0]!)!,
  }));
  return {
    graph,
    input: tensors.get(graph.input)!,
    outputs: graph.outputs.map((id) => tensors.get(id)!),
    tensors,
    ops,
  };
}
