import { describe, expect, it } from 'vitest';
import { rgbaToGray, toModelInput, toProbabilities } from './preprocess';

function square(size: number, x0: number, y0: number, w: number): Float32Array {
  const d = new Float32Array(size * size);
  for (let y = y0; y < y0 + w; y++) for (let x = x0; x < x0 + w; x++) d[y * size + x] = 1;
  return d;
}

describe('toModelInput', () => {
  it('centres and scales the ink into a 20-pixel box of a 28×28 input', () => {
    const out = toModelInput({ data: square(280, 10, 10, 50), width: 280, height: 280 }, [28, 28, 1]);
    expect(out.length).toBe(784);
    let minX = 28;
    let maxX = -1;
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++)
        if (out[y * 28 + x]! > 0.5) {
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
    expect(maxX - minX + 1).toBe(20);
    expect([4, 5]).toContain(minX); // centre of mass 9.5 lands half a pixel either side of the centre
  });
  it('maps onto the input range and repeats channels', () => {
    const out = toModelInput({ data: square(10, 0, 0, 10), width: 10, height: 10 }, [4, 4, 3], [0, 255]);
    expect(out.length).toBe(48);
    expect(Math.max(...out)).toBe(255);
    expect(out[0]).toBe(out[1]);
  });
  it('gives an empty input for an empty drawing', () => {
    expect(
      Math.max(...toModelInput({ data: new Float32Array(100), width: 10, height: 10 }, [28, 28, 1])),
    ).toBe(0);
  });
});

describe('rgbaToGray / toProbabilities', () => {
  it('inverts light backgrounds', () => {
    const px = new Uint8ClampedArray([255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
    const g = rgbaToGray(px, 3, 1);
    expect(Array.from(g.data)).toEqual([0, 0, 1]);
  });
  it('softmaxes logits, keeps probabilities', () => {
    const p = toProbabilities(new Float32Array([0.2, 0.8]));
    expect(p[1]).toBeCloseTo(0.8);
    const q = toProbabilities(new Float32Array([0, Math.log(3)]));
    expect(q[1]).toBeCloseTo(0.75);
  });
});
