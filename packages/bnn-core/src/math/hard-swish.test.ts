import { describe, expect, it } from 'vitest';
import { checkDeployGraph } from '../deploy/check-deploy.js';
import type { DeployGraph } from '../deploy/deploy-types.js';
import {
  downScaleInt32ToInt16Multiplier,
  hardSwishF32,
  int8HardSwishElement,
  int8HardSwishParams,
  isHardSwishRefusal,
  relu6F32,
  sdhm16,
  srdhm16,
} from './hard-swish.js';

describe('HARD_SWISH / RELU6 (TFLite reference kernels)', () => {
  it('float32: TFLite’s order and clamps', () => {
    expect(hardSwishF32(-4)).toBe(-0); // −4 · 0 / 6
    expect(hardSwishF32(3)).toBe(3);
    expect(hardSwishF32(1)).toBe(Math.fround(4 / 6));
    expect(hardSwishF32(Number.NaN)).toBeNaN();
    expect([relu6F32(-0), relu6F32(-2), relu6F32(2.5), relu6F32(7), relu6F32(Number.NaN)]).toEqual([
      0, 0, 2.5, 6, 0,
    ]);
    expect(Object.is(relu6F32(-0), 0)).toBe(true);
  });

  it('int16 fixed-point primitives: rounding, truncation, the one overflow case', () => {
    expect(srdhm16(-32768, -32768)).toBe(32767);
    expect(sdhm16(-32768, -32768)).toBe(32767);
    expect(srdhm16(16384, 3)).toBe(2); // 1.5 rounds away from zero
    expect(srdhm16(-16384, 3)).toBe(-1); // −1.5: nudge 1 − 2^14, truncated toward zero → −1
    expect(sdhm16(16384, 3)).toBe(1);
    expect(sdhm16(-16384, 3)).toBe(-1);
    expect(downScaleInt32ToInt16Multiplier(2 ** 30)).toBe(16384);
    expect(downScaleInt32ToInt16Multiplier(2147483647 - 32768)).toBe(32767);
    expect(downScaleInt32ToInt16Multiplier(2147483647 - 32769)).toBe(32767); // (m + 2^15) >> 16 = 32767 too
  });

  it('int8: parameters as HardSwishPrepare, outputs near x·relu6(x + 3)/6 on the output grid', () => {
    const inQ = { scale: Math.fround(0.05), zeroPoint: -3 };
    const outQ = { scale: Math.fround(0.03), zeroPoint: -100 };
    const p = int8HardSwishParams(inQ, outQ);
    if (isHardSwishRefusal(p)) throw new Error(p.error);
    // hires = 0.05 / 128; M_out = hires / 0.03 ≈ 0.01302 = 0.833 · 2^−6; M_relu = hires · 32768 / 3 ≈ 4.27 = 0.533 · 2^3
    expect([p.outputExponent, p.reluishExponent]).toEqual([-6, 3]);
    for (let x = -128; x < 128; x++) {
      const real = inQ.scale * (x - inQ.zeroPoint);
      const want = outQ.zeroPoint + (real * Math.min(6, Math.max(0, real + 3))) / 6 / outQ.scale;
      expect(Math.abs(int8HardSwishElement(x, p) - Math.max(-128, Math.min(127, want)))).toBeLessThanOrEqual(
        1.5,
      );
    }
  });

  it('the deploy contract refuses scales TFLite refuses, with a fix', () => {
    const g: DeployGraph = {
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'hs',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [4], kind: 'float32' },
        { id: 'q', shape: [4], kind: 'int8', quant: { scale: 1, zeroPoint: 0 } },
        { id: 'h', shape: [4], kind: 'int8', quant: { scale: 2 ** -9, zeroPoint: 0 } },
        { id: 'y', shape: [4], kind: 'float32' },
      ],
      ops: [
        { op: 'int8_quantize', sourceNode: 'q', inputs: ['x'], outputs: ['q'] },
        { op: 'int8_hard_swish', sourceNode: 'hs', inputs: ['q'], outputs: ['h'] },
        { op: 'int8_dequantize', sourceNode: 'y', inputs: ['h'], outputs: ['y'] },
      ],
    };
    const issues = checkDeployGraph(g);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ sourceNode: 'hs' });
    expect(issues[0]!.message).toMatch(/too large/);
    expect(issues[0]!.fix).toMatch(/output a scale/);
    g.tensors[2]!.quant = { scale: Math.fround(0.01), zeroPoint: -120 };
    expect(checkDeployGraph(g)).toEqual([]);
  });
});
