// An imported LCE-layout int8 BNN (with TFLite's int8 SOFTMAX head; and a global-average-pooling head with int8
// MEAN) exported to firmware: the STM32L4 bundle's `make qemu-test` (Cortex-M4 on QEMU)
// and the xcore bundle's portable `make host-test` pass, bit-exact with the studio's own run of the imported
// graph (the bundles' golden vectors come from kernels' reference engine). The firmware returns float outputs, so
// the int8 logits are dequantized (withFloatOutputs); without it the code generator refuses the int8 output.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ExportRefusedError } from '../../errors.js';
import { generateModel } from '../../firmware/codegen.js';
import { buildStm32Bundle } from '../../stm32/bundle.js';
import { unpackZip, verifyStm32Bundle } from '../../stm32/verify.js';
import { buildXcoreBundle } from '../../xcore/bundle.js';
import { writeTflite } from '../write-tflite.js';
import { withFloatOutputs } from './float-outputs.js';
import { importTflite } from './import-tflite.js';
import {
  int8ElementwiseGraph,
  lceFloatActivations,
  lceFusedClampModel,
  lceInt8Bnn,
  lceInt8GapModel,
  lceInt8HardSwish,
} from './lce-fixtures.js';

const TIMEOUT = 300_000;

describe('imported .tflite → firmware', () => {
  it('an int8 graph output is refused with the node and the fix, never read as floats', () => {
    const raw = importTflite(lceInt8Bnn(7, false).bytes).graph!;
    let error: unknown;
    try {
      generateModel(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExportRefusedError);
    const refused = error as ExportRefusedError;
    expect(refused.message).toMatch(/int8 tensor/);
    expect(refused.message).toMatch(/dequantize/);
  });

  // The model with its int8 SOFTMAX head (the exact int8_softmax, `bnn_s8_softmax` in the runtime); its int8
  // probabilities leave the firmware dequantized (bnn_output returns floats).
  const imported = importTflite(lceInt8Bnn(7, true).bytes).graph!;
  const graph = withFloatOutputs(imported);

  it('the imported graph ends in the exact int8 softmax', () => {
    expect(imported.ops.at(-1)!.op).toBe('int8_softmax');
  });

  it(
    'STM32L4 bundle: make qemu-test passes bit-exact',
    async () => {
      const { zip } = await buildStm32Bundle(graph, { goldenCount: 2, goldenSeed: 3 });
      const result = await verifyStm32Bundle(zip, { countInstructions: false });
      expect(result.passed, result.log).toBe(true);
      expect(result.log).toMatch(/vector 1: 0 mismatching values/);
    },
    TIMEOUT,
  );

  it(
    'int8 MUL (constant and two tensors) and ADD of a constant, imported back from .tflite: make qemu-test bit-exact',
    async () => {
      const bytes = writeTflite(int8ElementwiseGraph(), { profile: 'arm' });
      const g = importTflite(bytes).graph!;
      expect(g.ops.map((o) => o.op)).toContain('int8_mul');
      const { zip } = await buildStm32Bundle(g, { goldenCount: 2, goldenSeed: 5 });
      const result = await verifyStm32Bundle(zip, { countInstructions: false });
      expect(result.passed, result.log).toBe(true);
      expect(result.log).toMatch(/vector 1: 0 mismatching values/);
    },
    TIMEOUT,
  );

  // Imported activations: int8 HARD_SWISH (TFLite's int16 fixed-point kernel, bnn_s8_hard_swish) and float RELU6 /
  // HARD_SWISH (standalone and split off fused convs / dense / add): make qemu-test bit-exact on the emulated M4,
  // and the same sources on the host under ASan/UBSan (make host-test).
  for (const [name, bytes, op] of [
    ['int8 HARD_SWISH', lceInt8HardSwish(5).bytes, 'int8_hard_swish'],
    ['float RELU6 and HARD_SWISH', lceFloatActivations(4).bytes, 'relu6'],
  ] as const) {
    it(
      `${name}, imported: make qemu-test bit-exact and the host build clean under ASan/UBSan`,
      async () => {
        const g = withFloatOutputs(importTflite(bytes).graph!);
        expect(g.ops.map((o) => o.op)).toContain(op);
        const { zip } = await buildStm32Bundle(g, { goldenCount: 2, goldenSeed: 7 });
        const result = await verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
        expect(result.passed, result.log).toBe(true);
        expect(result.hostSanitizersPassed, result.log).toBe(true);
        expect(result.log).toMatch(/vector 1: 0 mismatching values/);
      },
      TIMEOUT,
    );
  }

  // LceBconv2d with fused RELU6 and RELU_N1_TO_1 (the int32 dot clamped to [0, 6] / [−1, 1], bnn_float_transform's
  // clamp_min / clamp_max), int8 and float32 outputs in one bundle each.
  for (const type of ['int8', 'float32'] as const) {
    it(
      `LceBconv2d with fused RELU6 and RELU_N1_TO_1, ${type} output, imported: make qemu-test bit-exact`,
      async () => {
        const acts: [number, number] = type === 'int8' ? [3, 2] : [2, 3];
        const g = withFloatOutputs(importTflite(lceFusedClampModel(13, acts, type).bytes).graph!);
        const clamps = g.ops.map((o) =>
          o.op === 'int8_bconv2d'
            ? o.clamp
            : o.op === 'bconv2d' && o.transform.kind === 'float'
              ? o.transform.clamp
              : '',
        );
        expect(clamps.filter(Boolean).sort()).toEqual(['relu6', 'relu_n1_to_1']);
        const { zip } = await buildStm32Bundle(g, { goldenCount: 2, goldenSeed: 13 });
        const result = await verifyStm32Bundle(zip, { countInstructions: false });
        expect(result.passed, result.log).toBe(true);
        expect(result.log).toMatch(/vector 1: 0 mismatching values/);
      },
      TIMEOUT,
    );
  }

  it(
    'int8 MEAN (global average pooling, bnn_s8_mean) → FULLY_CONNECTED → SOFTMAX, imported from LCE’s layout: make qemu-test bit-exact, host ASan/UBSan clean',
    async () => {
      const bytes = lceInt8GapModel(11, {
        h: 5,
        w: 7,
        c: 12,
        inQ: { s: 0.04, z: -128 },
        meanQ: { s: 0.013, z: 37 },
        classes: 6,
      });
      const g = withFloatOutputs(importTflite(bytes).graph!);
      expect(g.ops.map((o) => o.op)).toContain('int8_mean');
      const { zip } = await buildStm32Bundle(g, { goldenCount: 2, goldenSeed: 9 });
      const result = await verifyStm32Bundle(zip, { countInstructions: false, hostSanitizers: true });
      expect(result.passed, result.log).toBe(true);
      expect(result.hostSanitizersPassed).toBe(true);
      expect(result.log).toMatch(/vector 1: 0 mismatching values/);
    },
    TIMEOUT,
  );

  it(
    'xcore bundle: the portable host test passes bit-exact',
    async () => {
      const { zip } = await buildXcoreBundle(graph, { goldenCount: 2 });
      const dir = mkdtempSync(join(tmpdir(), 'bnn-import-xcore-'));
      try {
        const root = unpackZip(zip, dir);
        // Asynchronous, so a slow build on a loaded machine does not block the test worker's RPC.
        const { stdout: out } = await promisify(execFile)('make', ['host-test'], {
          cwd: join(root, 'portable'),
        });
        expect(out).toMatch(/^PASS$/m);
        expect(out).toMatch(/vector 1: 0 mismatching values/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );
});
