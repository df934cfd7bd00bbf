import { describe, expect, it } from 'vitest';
import { parseDeployGraphJson } from './runner';

describe('parseDeployGraphJson (GET /api/runs/:id/deploy-graph)', () => {
  it('turns { $typed, base64 } back into the typed arrays the server sent', () => {
    const f = Float32Array.of(1.5, -2, 0.25);
    const i = Int32Array.of(-1, 0x10c73298, 7);
    const b = Int8Array.of(-128, 0, 127);
    const enc = (v: ArrayBufferView) => ({
      $typed: v.constructor.name,
      base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'),
    });
    const text = JSON.stringify({
      deploy: { ops: [{ op: 'x', filter: enc(i), multiplier: enc(f), weights: enc(b) }] },
      io: { input: { shape: [1, 2], type: 'int8', scale: 0.5, zeroPoint: 3 } },
    });
    const { deploy, io } = parseDeployGraphJson(text);
    const op = deploy.ops[0] as unknown as {
      filter: Int32Array;
      multiplier: Float32Array;
      weights: Int8Array;
    };
    expect(op.filter).toEqual(i);
    expect(op.multiplier).toEqual(f);
    expect(op.weights).toEqual(b);
    expect(io.input.zeroPoint).toBe(3);
    expect(() => parseDeployGraphJson('{"a":{"$typed":"Float64Array","base64":""}}')).toThrow(/Float64Array/);
  });
});
