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
} from '@bnn-studio/bnn-core';
import { packedWords } from './bitpack.js';
import { KernelError } from './errors.js';

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

function tensorInfo(t: DeployTensor): TensorInfo {
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
