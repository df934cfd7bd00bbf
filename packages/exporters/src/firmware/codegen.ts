/**
 * DeployGraph → C source for the portable runtime: `include/bnn_model.h` (API, sizes, shapes) and
 * `src/bnn_model.c` (weights as aligned const arrays, one static arena, a straight-line `bnn_invoke`).
 */
import {
  checkDeployGraph,
  type DeployGraph,
  type DeployOp,
  type DeployTensor,
  type FloatActivation,
  formatDeployIssue,
  type OutputTransform,
  type Padding,
  type Window2d,
  window2d,
} from '@bnn-studio/bnn-core';
import { ExportRefusedError } from '../errors.js';
import { planArena, tensorBytes } from './arena.js';
import { cDouble, cFloatArray, cI32Array, cIdent, cString, cU32Array } from './c-literals.js';

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
 * loop, plus libgcc soft-double helpers; 1 KB covers it with margin. The linker scripts reserve 8 KB.
 */
export const STACK_ESTIMATE_BYTES = 1024;

const target = 'stm32l4';

function refuse(nodeId: string, rule: string, message: string, fix: string): never {
  throw new ExportRefusedError({ nodeId, rule, message, fix, target });
}

type Window = Window2d;

/** The window of an op over its `[H, W, C]` input (bnn-core's one copy of TensorFlow's arithmetic). */
function windowOf(
  inShape: number[],
  k: [number, number],
  s: [number, number],
  d: [number, number],
  padding: Padding,
): Window {
  return window2d(inShape[0]!, inShape[1]!, k, s, d, padding);
}

function cWindow(w: Window, k: [number, number], s: [number, number], d: [number, number]): string {
  return (
    `{.in_h = ${w.inH}, .in_w = ${w.inW}, .out_h = ${w.outH}, .out_w = ${w.outW}, .k_h = ${k[0]}, .k_w = ${k[1]}, ` +
    `.stride_h = ${s[0]}, .stride_w = ${s[1]}, .dil_h = ${d[0]}, .dil_w = ${d[1]}, .pad_top = ${w.padTop}, ` +
    `.pad_left = ${w.padLeft}}`
  );
}

const act = (a: FloatActivation) => (a === 'relu' ? 'BNN_ACT_RELU' : 'BNN_ACT_NONE');
const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
const words = (c: number) => Math.ceil(c / 32);

class Emitter {
  data: string[] = [];
  constBytes = 0;
  layerBytes = 0;
  private used = new Set<string>();

  name(base: string): string {
    let n = cIdent(base);
    for (let i = 2; this.used.has(n); i++) n = `${cIdent(base)}_${i}`;
    this.used.add(n);
    return n;
  }

  floats(base: string, values: Float32Array): string {
    const n = this.name(base);
    this.data.push(`static const float ${n}[${values.length}] BNN_ALIGN(8) = {\n${cFloatArray(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  words(base: string, values: Int32Array): string {
    const n = this.name(base);
    this.data.push(`static const uint32_t ${n}[${values.length}] BNN_ALIGN(8) = {\n${cU32Array(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  ints(base: string, values: Int32Array): string {
    const n = this.name(base);
    this.data.push(`static const int32_t ${n}[${values.length}] BNN_ALIGN(8) = {\n${cI32Array(values)}\n};`);
    this.layerBytes += 4 * values.length;
    return n;
  }

  params(type: string, base: string, body: string): string {
    const n = this.name(base);
    this.data.push(`static const ${type} ${n} = ${body};`);
    return n;
  }
}

function transformInit(e: Emitter, prefix: string, t: OutputTransform): string {
  if (t.kind === 'bitpacked') {
    const th = e.ints(`${prefix}_thresholds`, t.thresholds);
    return `{.bitpacked = 1, .thresholds = ${th}, .clamp_relu = 0, .multiplier = NULL, .bias = NULL, .activation = 0}`;
  }
  const m = e.floats(`${prefix}_multiplier`, t.multiplier);
  const b = e.floats(`${prefix}_bias`, t.bias);
  return (
    `{.bitpacked = 0, .thresholds = NULL, .clamp_relu = ${t.clamp === 'relu' ? 1 : 0}, .multiplier = ${m}, ` +
    `.bias = ${b}, .activation = ${act(t.activation)}}`
  );
}

function binaryPad(op: { padding: Padding; padValue: 0 | 1 }): string {
  if (op.padding === 'valid') return 'BNN_PAD_VALID';
  return op.padValue === 1 ? 'BNN_PAD_ONE' : 'BNN_PAD_ZERO';
}

/** Scratch bytes an op needs during its run (the packed patch of a binary conv). */
export function opScratchBytes(op: DeployOp): number {
  if (op.op !== 'bconv2d') return 0;
  return 4 * op.kernel[0] * op.kernel[1] * words(op.inChannels);
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

  const plan = planArena(deploy, (i) => opScratchBytes(deploy.ops[i]!));
  // Bit-packed graph outputs are unpacked to ±1 floats in an extra buffer after the arena, so bnn_output
  // always returns floats.
  let arenaBytes = plan.arenaBytes;
  const outputBuffers: { id: string; offset: number; bitpacked: boolean; shape: number[] }[] = [];
  for (const id of deploy.outputs) {
    const t = tensor(id);
    if (t.kind === 'bitpacked') {
      outputBuffers.push({ id, offset: arenaBytes, bitpacked: true, shape: t.shape });
      arenaBytes += Math.ceil((4 * prod(t.shape)) / 8) * 8;
    } else {
      outputBuffers.push({ id, offset: plan.offsets.get(id)!, bitpacked: false, shape: t.shape });
    }
  }

  const e = new Emitter();
  const calls: string[] = [];
  const layers: GeneratedLayer[] = [];
  const F = (id: string) => `BNN_F32(${plan.offsets.get(id)})`;
  const U = (id: string) => `BNN_U32(${plan.offsets.get(id)})`;

  deploy.ops.forEach((op, index) => {
    e.layerBytes = 0;
    const prefix = `l${index}_${cIdent(op.sourceNode)}`;
    const inT = tensor(op.inputs[0]!);
    const outT = tensor(op.outputs[0]!);
    const pixels = (t: DeployTensor) => prod(t.shape.slice(0, -1));
    const chans = (t: DeployTensor) => t.shape[t.shape.length - 1] ?? 1;
    const n = prod(outT.shape);
    let call = '';
    switch (op.op) {
      case 'quantize':
        call = `bnn_quantize(${F(inT.id)}, ${U(outT.id)}, ${pixels(inT)}, ${chans(inT)});`;
        break;
      case 'dequantize':
        call = `bnn_dequantize(${U(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${chans(inT)});`;
        break;
      case 'bconv2d': {
        const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
        const filter = e.words(`${prefix}_filter`, op.filter);
        const ot = transformInit(e, prefix, op.transform);
        const p = e.params(
          'bnn_bconv2d_params',
          `${prefix}_params`,
          `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
            `.out_c = ${op.outChannels}, .pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}}`,
        );
        call = `bnn_bconv2d(&${p}, ${U(inT.id)}, BNN_PTR(${plan.offsets.get(outT.id)}), BNN_U32(${plan.scratch.get(index)}));`;
        break;
      }
      case 'bdepthwise_conv2d': {
        const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
        const filter = e.words(`${prefix}_filter`, op.filter);
        const ot = transformInit(e, prefix, op.transform);
        const p = e.params(
          'bnn_bdepthwise_params',
          `${prefix}_params`,
          `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .channels = ${op.channels}, ` +
            `.pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}}`,
        );
        call = `bnn_bdepthwise(&${p}, ${U(inT.id)}, ${F(outT.id)});`;
        break;
      }
      case 'bdense': {
        const filter = e.words(`${prefix}_filter`, op.filter);
        const ot = transformInit(e, prefix, op.transform);
        const p = e.params(
          'bnn_bdense_params',
          `${prefix}_params`,
          `{.in_c = ${op.inChannels}, .out_c = ${op.outChannels}, .filter = ${filter}, .ot = ${ot}}`,
        );
        call = `bnn_bdense(&${p}, ${U(inT.id)}, BNN_PTR(${plan.offsets.get(outT.id)}));`;
        break;
      }
      case 'bmaxpool2d': {
        const w = windowOf(inT.shape, op.pool, op.strides, [1, 1], op.padding);
        const p = e.params('bnn_window', `${prefix}_window`, cWindow(w, op.pool, op.strides, [1, 1]));
        call = `bnn_bmaxpool(&${p}, ${chans(inT)}, ${U(inT.id)}, ${U(outT.id)});`;
        break;
      }
      case 'conv2d': {
        const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
        const f = e.floats(`${prefix}_filter`, op.filter);
        const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
        const p = e.params(
          'bnn_conv2d_params',
          `${prefix}_params`,
          `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
            `.out_c = ${op.outChannels}, .filter = ${f}, .bias = ${b}, .activation = ${act(op.activation)}}`,
        );
        call = `bnn_conv2d(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
        break;
      }
      case 'depthwise_conv2d': {
        const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
        const m = op.depthMultiplier;
        const f = e.floats(`${prefix}_filter`, op.filter);
        const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
        const p = e.params(
          'bnn_depthwise_params',
          `${prefix}_params`,
          `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .channels = ${op.channels}, ` +
            `.multiplier = ${m}, .filter = ${f}, .bias = ${b}, .activation = ${act(op.activation)}}`,
        );
        call = `bnn_depthwise(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
        break;
      }
      case 'dense': {
        const wts = e.floats(`${prefix}_weights`, op.weights);
        const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
        const p = e.params(
          'bnn_dense_params',
          `${prefix}_params`,
          `{.in_c = ${op.inChannels}, .out_c = ${op.outChannels}, .weights = ${wts}, .bias = ${b}, ` +
            `.activation = ${act(op.activation)}}`,
        );
        call = `bnn_dense(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
        break;
      }
      case 'scale_shift': {
        const c = chans(inT);
        const s = e.floats(`${prefix}_scale`, op.scale);
        const sh = e.floats(`${prefix}_shift`, op.shift);
        call = `bnn_scale_shift(${F(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${c}, ${s}, ${sh});`;
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const w = windowOf(inT.shape, op.pool, op.strides, [1, 1], op.padding);
        const p = e.params('bnn_window', `${prefix}_window`, cWindow(w, op.pool, op.strides, [1, 1]));
        const fn = op.op === 'maxpool2d' ? 'bnn_maxpool' : 'bnn_avgpool';
        call = `${fn}(&${p}, ${chans(inT)}, ${F(inT.id)}, ${F(outT.id)});`;
        break;
      }
      case 'global_avgpool':
        call = `bnn_global_avgpool(${F(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${chans(inT)});`;
        break;
      case 'add': {
        const parts =
          op.inputs.length === 2
            ? [`bnn_add(${F(op.inputs[0]!)}, ${F(op.inputs[1]!)}, ${F(outT.id)}, ${n});`]
            : [
                `{ const float *const terms[${op.inputs.length}] = {${op.inputs.map((id) => F(id)).join(', ')}};`,
                `  bnn_add_n(terms, ${op.inputs.length}, ${F(outT.id)}, ${n}); }`,
              ];
        call = parts.join('\n  ');
        break;
      }
      case 'concat': {
        const outC = chans(outT);
        let offset = 0;
        const parts: string[] = [];
        for (const id of op.inputs) {
          const t = tensor(id);
          parts.push(
            `bnn_concat_part(${F(id)}, ${F(outT.id)}, ${pixels(t)}, ${chans(t)}, ${outC}, ${offset});`,
          );
          offset += chans(t);
        }
        call = parts.join('\n  ');
        break;
      }
      case 'reshape':
        call = `/* reshape [${inT.shape}] -> [${outT.shape}]: a view of the same arena bytes */`;
        break;
      case 'relu':
        call = `bnn_relu(${F(inT.id)}, ${F(outT.id)}, ${n});`;
        break;
      case 'prelu': {
        const c = op.alpha.length === n ? n : chans(inT);
        const a = e.floats(`${prefix}_alpha`, op.alpha);
        call = `bnn_prelu(${F(inT.id)}, ${F(outT.id)}, ${n / c}, ${c}, ${a});`;
        break;
      }
      case 'hard_tanh':
        call = `bnn_hard_tanh(${F(inT.id)}, ${F(outT.id)}, ${n});`;
        break;
      case 'leaky_tanh':
        call = `bnn_leaky_tanh(${F(inT.id)}, ${F(outT.id)}, ${n}, ${cDouble(op.alpha)});`;
        break;
      case 'softmax':
        call = `bnn_softmax(${F(inT.id)}, ${F(outT.id)}, ${n / chans(inT)}, ${chans(inT)});`;
        break;
      default: {
        const unknown = op as { op: string; sourceNode: string };
        refuse(
          unknown.sourceNode,
          'stm32.unsupported_op',
          `op "${unknown.op}" has no firmware kernel.`,
          'Replace the layer with a supported one or update BNN Studio.',
        );
      }
    }
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

  const name = options.modelName ?? deploy.name;
  const inSize = prod(inputT.shape);
  const header = `/* Generated by BNN Studio (@bnn-studio/exporters) for model ${name.replace(/\*\//g, '')}. Do not edit. */
#ifndef BNN_MODEL_H
#define BNN_MODEL_H

#ifdef __cplusplus
extern "C" {
#endif

#define BNN_MODEL_NAME ${cString(name)}
/* Bytes of the one static arena that holds every intermediate tensor (liveness-planned). */
#define BNN_ARENA_BYTES ${arenaBytes}
/* Bytes of constant model data in flash (weights, thresholds, output transforms). */
#define BNN_MODEL_CONST_BYTES ${e.constBytes}
#define BNN_NUM_LAYERS ${deploy.ops.length}

/* Input: float32, per-sample shape [${inputT.shape.join(', ')}] (NHWC without N). */
#define BNN_INPUT_RANK ${inputT.shape.length}
#define BNN_INPUT_SHAPE {${inputT.shape.join(', ')}}
#define BNN_INPUT_SIZE ${inSize}

#define BNN_NUM_OUTPUTS ${deploy.outputs.length}
${outputBuffers
  .map(
    (o, i) =>
      `/* Output ${i}: float32, shape [${o.shape.join(', ')}]${o.bitpacked ? ' (bit-packed in the graph, unpacked to +-1)' : ''}. */
#define BNN_OUTPUT${i}_RANK ${o.shape.length}
#define BNN_OUTPUT${i}_SHAPE {${o.shape.join(', ')}}
#define BNN_OUTPUT${i}_SIZE ${prod(o.shape)}`,
  )
  .join('\n')}

/* Prepares the model; returns 0. Call once before anything else. */
int bnn_init(void);
/* The input buffer (BNN_INPUT_SIZE floats): write one sample here before bnn_invoke. */
float *bnn_input(void);
/* Runs one inference; returns 0 on success. */
int bnn_invoke(void);
/* Output \`index\` (BNN_OUTPUTn_SIZE floats), valid until the next bnn_invoke; NULL for a bad index. */
const float *bnn_output(int index);
/* Number of floats in output \`index\` (0 for a bad index). */
int bnn_output_size(int index);

#ifdef __cplusplus
}
#endif
#endif /* BNN_MODEL_H */
`;

  const source = `/* Generated by BNN Studio (@bnn-studio/exporters). Do not edit: regenerate from the studio instead. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "bnn_model.h"
#include "bnn_runtime.h"

#if defined(__GNUC__)
#define BNN_ALIGN(n) __attribute__((aligned(n)))
#define BNN_NOINLINE __attribute__((noinline))
#else
#define BNN_ALIGN(n)
#define BNN_NOINLINE
#endif

/* One arena for every intermediate tensor; offsets were assigned by the generator's liveness planner. */
static union {
  uint64_t align;
  uint32_t words[BNN_ARENA_BYTES / 4];
} bnn_arena;

#define BNN_PTR(offset) ((void *)((uint8_t *)bnn_arena.words + (offset)))
#define BNN_F32(offset) ((float *)BNN_PTR(offset))
#define BNN_U32(offset) ((uint32_t *)BNN_PTR(offset))

#ifdef BNN_TRACE_LAYERS
/* Layer boundary marker: the instruction-count plugin records the count each time this runs. */
BNN_NOINLINE void bnn_trace_layer(int index);
BNN_NOINLINE void bnn_trace_layer(int index) { __asm volatile("" : : "r"(index) : "memory"); }
#define BNN_TRACE(index) bnn_trace_layer(index)
#else
#define BNN_TRACE(index) ((void)0)
#endif

/* ---- model data (flash) ---- */
${e.data.join('\n')}

/* ---- API ---- */
int bnn_init(void) { return 0; }

float *bnn_input(void) { return BNN_F32(${plan.offsets.get(deploy.input)}); }

static const uint32_t bnn_output_offsets[BNN_NUM_OUTPUTS] = {${outputBuffers.map((o) => `${o.offset}u`).join(', ')}};
static const int bnn_output_sizes[BNN_NUM_OUTPUTS] = {${outputBuffers.map((o) => prod(o.shape)).join(', ')}};

const float *bnn_output(int index) {
  if (index < 0 || index >= BNN_NUM_OUTPUTS) return NULL;
  return BNN_F32(bnn_output_offsets[index]);
}

int bnn_output_size(int index) {
  if (index < 0 || index >= BNN_NUM_OUTPUTS) return 0;
  return bnn_output_sizes[index];
}

int bnn_invoke(void) {
${calls.join('\n')}
  return 0;
}
`;
  return {
    header,
    source,
    arenaBytes,
    constBytes: e.constBytes,
    layers,
    inputShape: inputT.shape,
    outputShapes: outputBuffers.map((o) => o.shape),
  };
}

export { tensorBytes };
