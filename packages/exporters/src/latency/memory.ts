/**
 * `estimateFirmwareMemory(deploy)`: the STM32L4 bundle's memory figures without writing its C files — the
 * same arena plan (`modelArena` of firmware/codegen.ts) and the same constant bytes (every op's C emitter run
 * against an emitter that only counts bytes), so the composer's flash and RAM equal the bundle manifest's.
 * Browser-safe and fast enough for every edit (no C text is formatted).
 */
import type { DeployGraph, DeployTensor } from '@bnn-studio/bnn-core';
import { modelArena } from '../firmware/codegen.js';
import { Emitter, prod } from '../firmware/ops/emitter.js';
import { cKernelOf } from '../firmware/ops/table.js';
import { CODE_FLASH_ESTIMATE_BYTES, RUNTIME_RAM_ESTIMATE_BYTES, STM32L4R9 } from '../stm32/targets.js';

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
  /** constBytes + the code estimate: the manifest's `flashBytes`. */
  flashBytes: number;
  /** arena + stack reserve + runtime RAM: the manifest's `ramBytes`. */
  ramBytes: number;
  flashLimitBytes: number;
  ramLimitBytes: number;
}

/** The STM32L4 bundle's memory figures of `deploy` (a graph `checkDeployGraph` accepts). */
export function estimateFirmwareMemory(deploy: DeployGraph): FirmwareMemory {
  const tensors = new Map<string, DeployTensor>(deploy.tensors.map((t) => [t.id, t]));
  const tensor = (id: string): DeployTensor => {
    const t = tensors.get(id);
    if (!t) throw new Error(`estimateFirmwareMemory: tensor "${id}" is not declared; lower the graph again`);
    return t;
  };
  const { plan, arenaBytes } = modelArena(deploy, tensor);
  const e = new CountingEmitter();
  const ptr = (id: string) => `BNN_PTR(${plan.offsets.get(id)})`;
  const layerConstBytes = deploy.ops.map((op, index) => {
    e.layerBytes = 0;
    const outT = tensor(op.outputs[0]!);
    cKernelOf(op).emit(op, {
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
    return e.layerBytes;
  });
  const constBytes = layerConstBytes.reduce((a, b) => a + b, 0);
  return {
    constBytes,
    layerConstBytes,
    arenaBytes,
    flashBytes: constBytes + CODE_FLASH_ESTIMATE_BYTES,
    ramBytes: arenaBytes + STM32L4R9.stackBytes + RUNTIME_RAM_ESTIMATE_BYTES,
    flashLimitBytes: STM32L4R9.flashBytes,
    ramLimitBytes: STM32L4R9.ramBytes,
  };
}
