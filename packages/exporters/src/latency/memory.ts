/**
 * `estimateFirmwareMemory(deploy)`: the STM32L4 device image's memory figures without writing its C files — the
 * same arena plan (`modelArena` of firmware/codegen.ts), the same constant bytes (every op's C emitter run
 * against an emitter that only counts bytes), and code / runtime RAM from the generated table (`COST_TABLE.firmware`,
 * fitted to arm-none-eabi-size of the calibration graphs' device builds: code = base + per layer + the size of
 * each runtime kernel the model links). The bundle's manifest carries exactly these figures; the composer shows
 * them. Browser-safe and fast enough for every edit (no C text is formatted).
 */
import type { DeployGraph, DeployTensor } from '@bnn-studio/bnn-core';
import { modelArena } from '../firmware/codegen.js';
import { Emitter, prod } from '../firmware/ops/emitter.js';
import { cKernelOf } from '../firmware/ops/table.js';
import { STM32L4R9 } from '../stm32/targets.js';
import { COST_TABLE } from './cost-table.js';
import type { Features } from './features.js';
import { predict } from './fit.js';

/** An Emitter that counts constant bytes exactly like `Emitter` but formats no C arrays. */
class CountingEmitter extends Emitter {
  override floats(base: string, values: Float32Array): string {
    this.layerBytes += 4 * values.length;
    return this.name(base);
  }
  override words(base: string, values: Int32Array): string {
    this.layerBytes += 4 * values.length;
    return this.name(base);
  }
  override int8s(base: string, values: Int8Array): string {
    this.layerBytes += values.length;
    return this.name(base);
  }
  override ints(base: string, values: Int32Array): string {
    this.layerBytes += 4 * values.length;
    return this.name(base);
  }
  override params(_type: string, base: string, _body: string): string {
    return this.name(base);
  }
}

export interface FirmwareMemory {
  /** Constant model data (weights, thresholds, transforms, parameter arrays) in flash. */
  constBytes: number;
  /** Constant bytes per op (DeployGraph op order). */
  layerConstBytes: number[];
  /** The static tensor arena (activations, scratch, unpacked bit-packed outputs). */
  arenaBytes: number;
  /** Code (runtime kernels linked, per-layer calls and params, startup, app, newlib-nano/libm), fitted. */
  codeBytes: number;
  /** constBytes + codeBytes: the device image's text + data without the golden vectors; the manifest's `flashBytes`. */
  flashBytes: number;
  /** .data + .bss outside the arena (newlib-nano, app, runtime statics), measured. */
  runtimeRamBytes: number;
  /** Stack reserved by the linker script (`BNN_STACK_BYTES`). */
  stackBytes: number;
  /**
   * arena + runtime RAM + the linker's stack reserve = the device image's .data + .bss + stack; the manifest's
   * `ramBytes`. (The linker also asserts a 2 KiB heap floor is free: not counted.)
   */
  ramBytes: number;
  flashLimitBytes: number;
  ramLimitBytes: number;
}

/** What the device image's size depends on: constant bytes, arena and the runtime C functions the model calls. */
export interface ModelFootprint {
  constBytes: number;
  layerConstBytes: number[];
  arenaBytes: number;
  /** Ops (each one call and one params struct in bnn_model.c). */
  layers: number;
  /** The distinct runtime C functions the generated model calls (`bnn_*`), sorted. */
  functions: string[];
}

/** The constant bytes, arena and called kernels of `deploy`'s generated model (a graph `checkDeployGraph` accepts). */
export function modelFootprint(deploy: DeployGraph): ModelFootprint {
  const tensors = new Map<string, DeployTensor>(deploy.tensors.map((t) => [t.id, t]));
  const tensor = (id: string): DeployTensor => {
    const t = tensors.get(id);
    if (!t) throw new Error(`estimateFirmwareMemory: tensor "${id}" is not declared; lower the graph again`);
    return t;
  };
  const { plan, arenaBytes, outputBuffers } = modelArena(deploy, tensor);
  const e = new CountingEmitter();
  const ptr = (id: string) => `BNN_PTR(${plan.offsets.get(id)})`;
  const functions = new Set<string>();
  const layerConstBytes = deploy.ops.map((op, index) => {
    e.layerBytes = 0;
    const outT = tensor(op.outputs[0]!);
    const call = cKernelOf(op).emit(op, {
      e,
      prefix: `l${index}`,
      inT: tensor(op.inputs[0]!),
      outT,
      tensor,
      F: ptr,
      U: ptr,
      P: ptr,
      scratch: plan.scratch.get(index),
      n: prod(outT.shape),
    });
    for (const m of call.matchAll(/\b(bnn_\w+)\s*\(/g)) functions.add(m[1]!);
    return e.layerBytes;
  });
  // codegen.ts unpacks bit-packed model outputs with bnn_dequantize after the last layer
  if (outputBuffers.some((o) => o.bitpacked)) functions.add('bnn_dequantize');
  return {
    constBytes: layerConstBytes.reduce((a, b) => a + b, 0),
    layerConstBytes,
    arenaBytes,
    layers: deploy.ops.length,
    functions: [...functions].sort(),
  };
}

/**
 * Static helpers of runtime/src/bnn_runtime.c that several kernels call: linked once when any of them is, so a
 * per-kernel indicator alone cannot size them (the XOR-popcount + threshold rows `bnn_bits_out_*`, ~5 KiB, are
 * shared by the binary conv and the binary dense). Each is one `shared:<helper>` feature with its own fitted size.
 */
export const SHARED_KERNEL_CODE: Readonly<Record<string, readonly string[]>> = {
  bnn_bits_out: ['bnn_bconv2d', 'bnn_bdense'],
};

/** The code-size formula's features of a footprint (`COST_TABLE.firmware.code`). */
export function codeSizeFeatures(fp: Pick<ModelFootprint, 'layers' | 'functions'>): Features {
  const f: Features = { one: 1, layers: fp.layers };
  for (const fn of fp.functions) f[`fn:${fn}`] = 1;
  for (const [helper, callers] of Object.entries(SHARED_KERNEL_CODE))
    if (callers.some((c) => fp.functions.includes(c))) f[`shared:${helper}`] = 1;
  return f;
}

/** The STM32L4R9 device image's memory figures of `deploy` (a graph `checkDeployGraph` accepts). */
export function estimateFirmwareMemory(deploy: DeployGraph): FirmwareMemory {
  const fp = modelFootprint(deploy);
  const fw = COST_TABLE.firmware;
  const codeBytes = Math.round(predict(fw.code.coefficients, codeSizeFeatures(fp)));
  return {
    constBytes: fp.constBytes,
    layerConstBytes: fp.layerConstBytes,
    arenaBytes: fp.arenaBytes,
    codeBytes,
    flashBytes: fp.constBytes + codeBytes,
    runtimeRamBytes: fw.runtimeRamBytes,
    stackBytes: STM32L4R9.stackBytes,
    ramBytes: fp.arenaBytes + fw.runtimeRamBytes + STM32L4R9.stackBytes,
    flashLimitBytes: STM32L4R9.flashBytes,
    ramLimitBytes: STM32L4R9.ramBytes,
  };
}
