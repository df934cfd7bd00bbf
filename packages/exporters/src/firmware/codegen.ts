/**
 * DeployGraph → C source for the portable runtime: `include/bnn_model.h` (API, sizes, shapes) and
 * `src/bnn_model.c` (weights as aligned const arrays, one static arena, a straight-line `bnn_invoke`).
 */
import {
  checkDeployGraph,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  formatDeployIssue,
} from '@bnn-studio/bnn-core';
import { ExportRefusedError } from '../errors.js';
import { planArena, tensorBytes } from './arena.js';
import { cIdent } from './c-literals.js';
import { type ModelFileParts, modelHeader, modelSource, type OutputBuffer } from './model-files.js';
import { Emitter, prod } from './ops/emitter.js';
import { cKernelOf } from './ops/table.js';

export interface GeneratedLayer {
  index: number;
  op: DeployOp['op'];
  sourceNode: string;
  /** Bytes of constant data (weights, thresholds, transforms) this layer adds to flash. */
  constBytes: number;
}

export interface GeneratedModel {
  header: string;
  source: string;
  arenaBytes: number;
  /** Bytes of all constant model data (flash). */
  constBytes: number;
  layers: GeneratedLayer[];
  inputShape: number[];
  outputShapes: number[][];
  /** Largest per-layer stack frame of the runtime is small and fixed; see STACK_ESTIMATE_BYTES. */
}

/**
 * Stack of the runtime's deepest call path, bnn_invoke → kernel → helpers: arm-none-eabi-gcc -O2
 * -fstack-usage gives at most 296 bytes for a kernel frame (bnn_bdepthwise), 152 for the binary-conv pixel
 * loop (float kernels run on the FPU, no soft-double helpers); 1 KB covers it with margin. The linker scripts reserve 8 KB.
 */
export const STACK_ESTIMATE_BYTES = 1024;

const target = 'stm32l4';

function refuse(nodeId: string, rule: string, message: string, fix: string): never {
  throw new ExportRefusedError({ nodeId, rule, message, fix, target });
}

/** Scratch bytes an op needs during its run (the packed patch of a binary conv, int8 im2col columns). */
export function opScratchBytes(op: DeployOp, tensor: (id: string) => DeployTensor): number {
  return cKernelOf(op).scratchBytes?.(op, { inT: tensor(op.inputs[0]!), outT: tensor(op.outputs[0]!) }) ?? 0;
}

/**
 * The arena plan of the generated model: the liveness plan of `planArena` with each op's scratch, plus an
 * extra buffer after it for every bit-packed graph output (unpacked to ±1 floats, so bnn_output always returns
 * floats). The one computation of the firmware's arena size (the composer's estimate calls it too).
 */
export function modelArena(
  deploy: DeployGraph,
  tensor: (id: string) => DeployTensor,
): { plan: ReturnType<typeof planArena>; arenaBytes: number; outputBuffers: OutputBuffer[] } {
  const plan = planArena(deploy, (i) => opScratchBytes(deploy.ops[i]!, tensor));
  let arenaBytes = plan.arenaBytes;
  const outputBuffers: OutputBuffer[] = [];
  for (const id of deploy.outputs) {
    const t = tensor(id);
    if (t.kind === 'bitpacked') {
      outputBuffers.push({ id, offset: arenaBytes, bitpacked: true, shape: t.shape });
      arenaBytes += Math.ceil((4 * prod(t.shape)) / 8) * 8;
    } else {
      outputBuffers.push({ id, offset: plan.offsets.get(id)!, bitpacked: false, shape: t.shape });
    }
  }
  return { plan, arenaBytes, outputBuffers };
}

export interface CodegenOptions {
  /** Name compiled into the model (defaults to deploy.name). */
  modelName?: string;
}

export function generateModel(deploy: DeployGraph, options: CodegenOptions = {}): GeneratedModel {
  // The one validator: kinds, shapes, weight lengths, finite weights, the zero-padding rule (bnn-core's op contracts).
  const [issue] = checkDeployGraph(deploy);
  if (issue) {
    if (issue.rule !== 'deploy.structure')
      refuse(issue.sourceNode ?? '', issue.rule, issue.message, issue.fix);
    throw new Error(`stm32 codegen: ${formatDeployIssue(issue)} Fix: ${issue.fix}`);
  }
  const tensors = new Map<string, DeployTensor>(deploy.tensors.map((t) => [t.id, t]));
  const tensor = (id: string): DeployTensor => tensors.get(id)!;
  const inputT = tensor(deploy.input);

  for (const id of deploy.outputs) {
    if (tensor(id).kind !== 'int8') continue;
    const producer = deploy.ops.find((op) => op.outputs.includes(id));
    refuse(
      producer?.sourceNode ?? id,
      'firmware.int8_output',
      `graph output '${id}' is an int8 tensor, but the firmware's bnn_output returns floats`,
      'end the graph with a dequantize op (int8 → float32), e.g. exporters `withFloatOutputs(graph)`, or make the last layer float32',
    );
  }
  const { plan, arenaBytes, outputBuffers } = modelArena(deploy, tensor);

  const e = new Emitter();
  const calls: string[] = [];
  const layers: GeneratedLayer[] = [];
  const at = (id: string) => plan.offsets.get(id);
  const F = (id: string) => `BNN_F32(${at(id)})`;
  const U = (id: string) => `BNN_U32(${at(id)})`;
  const P = (id: string) => `BNN_PTR(${at(id)})`;

  deploy.ops.forEach((op, index) => {
    e.layerBytes = 0;
    const outT = tensor(op.outputs[0]!);
    const call = cKernelOf(op).emit(op, {
      e,
      prefix: `l${index}_${cIdent(op.sourceNode)}`,
      inT: tensor(op.inputs[0]!),
      outT,
      tensor,
      F,
      U,
      P,
      scratch: plan.scratch.get(index),
      n: prod(outT.shape),
    });
    calls.push(`  BNN_TRACE(${index}); /* ${op.op} ${op.sourceNode.replace(/\*\//g, '')} */\n  ${call}`);
    layers.push({ index, op: op.op, sourceNode: op.sourceNode, constBytes: e.layerBytes });
    e.constBytes += e.layerBytes;
  });

  outputBuffers.forEach((o, i) => {
    if (o.bitpacked) {
      const t = tensors.get(o.id)!;
      calls.push(
        `  bnn_dequantize(BNN_U32(${plan.offsets.get(o.id)}), BNN_F32(${o.offset}), ${prod(t.shape.slice(0, -1))}, ` +
          `${t.shape[t.shape.length - 1]}); /* output ${i} is bit-packed: unpack to +-1 */`,
      );
    }
  });
  calls.push(`  BNN_TRACE(${deploy.ops.length}); /* end */`);

  const parts: ModelFileParts = {
    name: options.modelName ?? deploy.name,
    arenaBytes,
    constBytes: e.constBytes,
    layerCount: deploy.ops.length,
    inputShape: inputT.shape,
    inputOffset: plan.offsets.get(deploy.input)!,
    outputs: outputBuffers,
    data: e.data,
    calls,
  };

  return {
    header: modelHeader(parts),
    source: modelSource(parts),
    arenaBytes,
    constBytes: e.constBytes,
    layers,
    inputShape: inputT.shape,
    outputShapes: outputBuffers.map((o) => o.shape),
  };
}

export { tensorBytes };
