// int8 softmax: bnn-core's fixed-point implementation (`int8SoftmaxRow`, the oracle of every backend) against an
// independent rebuild of TensorFlow Lite's reference int8 Softmax written here with BigInt (64-bit products,
// gemmlowp's definitions spelled out: SaturatingRoundingDoublingHighMul, RoundingDivideByPOT, the exp barrel
// shifter, the Newton–Raphson reciprocal), on seeded random rows, betas and input scales; and against float64
// softmax (within one output step plus TFLite's fixed-point error).
import { describe, expect, it } from 'vitest';
import {
  checkDeployGraph,
  type DeployGraph,
  evaluateDeployGraphFloat,
  int8SoftmaxParams,
  int8SoftmaxRow,
  seededRandom,
} from '../index.js';

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
const wrap = (x: bigint) => BigInt.asIntN(32, x);

/** gemmlowp SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31 truncated, INT32_MIN² saturated. */
function srdhm(a: bigint, b: bigint): bigint {
  if (a === I32_MIN && b === I32_MIN) return I32_MAX;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return (ab + nudge) / (1n << 31n); // BigInt division truncates toward zero, like C
}

/** gemmlowp RoundingDivideByPOT: to nearest, ties away from zero. */
function rdbp(x: bigint, e: bigint): bigint {
  const mask = (1n << e) - 1n;
  const rem = BigInt.asUintN(32, x) & mask;
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> e) + (rem > threshold ? 1n : 0n);
}

/** SaturatingRoundingMultiplyByPOT<e>. */
function srmbp(x: bigint, e: number): bigint {
  if (e === 0) return x;
  if (e < 0) return rdbp(x, BigInt(-e));
  const threshold = (1n << BigInt(31 - e)) - 1n;
  if (x > threshold) return I32_MAX;
  if (x < -threshold) return I32_MIN;
  return x << BigInt(e);
}

function expQuarter(a: bigint): bigint {
  const constantTerm = 1895147668n;
  const third = 715827883n;
  const x = wrap(a + (1n << 28n));
  const x2 = srdhm(x, x);
  const x3 = srdhm(x2, x);
  const x4 = srdhm(x2, x2);
  const x4o4 = srmbp(x4, -2);
  const poly = srmbp(wrap(srdhm(wrap(x4o4 + x3), third) + x2), -1);
  return wrap(constantTerm + srdhm(constantTerm, wrap(x + poly)));
}

function expNeg(a: bigint): bigint {
  const quarter = 1n << 24n;
  const aMod = wrap((BigInt.asUintN(32, a) & (quarter - 1n)) - quarter);
  let result = expQuarter(srmbp(aMod, 5));
  const remainder = BigInt.asUintN(32, wrap(aMod - a));
  const barrel: [number, bigint][] = [
    [-2, 1672461947n],
    [-1, 1302514674n],
    [0, 790015084n],
    [1, 290630308n],
    [2, 39332535n],
    [3, 720401n],
    [4, 242n],
  ];
  for (const [e, m] of barrel) if (remainder & (1n << BigInt(26 + e))) result = srdhm(result, m);
  return a === 0n ? I32_MAX : result;
}

function reciprocal(sum: bigint): { scale: bigint; bitsOverUnit: number } {
  let headroom = 0;
  while (((BigInt.asUintN(32, sum) << BigInt(headroom)) & (1n << 31n)) === 0n) headroom++;
  const shifted = wrap(BigInt.asUintN(32, BigInt.asUintN(32, sum) << BigInt(headroom)) - (1n << 31n));
  const s = shifted + I32_MAX;
  const half = (s + (s >= 0n ? 1n : -1n)) / 2n;
  let x = wrap(1515870810n + srdhm(half, -1010580540n));
  for (let i = 0; i < 3; i++) {
    const oneMinus = wrap((1n << 29n) - srdhm(half, x));
    x = wrap(x + srmbp(srdhm(x, oneMinus), 2));
  }
  return { scale: srmbp(x, 1), bitsOverUnit: 12 - headroom };
}

/** TFLite's Prepare, from its definitions in double: QuantizeMultiplierGreaterThanOne, CalculateInputRadius. */
function prepare(beta: number, inScale: number) {
  const real = Math.min(beta * inScale * 2 ** 26, 2 ** 31 - 1);
  let e = 0;
  let q = real;
  while (q >= 1) {
    q /= 2;
    e++;
  }
  while (q < 0.5) {
    q *= 2;
    e--;
  }
  let m = BigInt(Math.round(q * 2 ** 31)); // q·2^31 > 0: Math.round = round half away from zero
  if (m === 1n << 31n) {
    m /= 2n;
    e++;
  }
  const radius = Math.floor((31 * 2 ** 26) / 2 ** e);
  return { m, shift: e, diffMin: -radius };
}

function softmaxBigInt(row: number[], beta: number, inScale: number): number[] {
  const { m, shift, diffMin } = prepare(beta, inScale);
  const max = Math.max(-128, ...row);
  const exps = row.map((v) => {
    const diff = v - max;
    if (diff < diffMin) return null;
    return expNeg(srdhm(wrap(BigInt(diff) * (1n << BigInt(shift))), m));
  });
  let sum = 0n;
  for (const e of exps) if (e !== null) sum += rdbp(e, 12n);
  const { scale, bitsOverUnit } = reciprocal(sum);
  return exps.map((e) => {
    if (e === null) return -128;
    const v = rdbp(srdhm(scale, e), BigInt(bitsOverUnit + 23)) - 128n;
    return Number(v < -128n ? -128n : v > 127n ? 127n : v);
  });
}

function bnnCore(row: number[], beta: number, inScale: number): number[] {
  const out = new Array<number>(row.length);
  int8SoftmaxRow(row, out, 0, row.length, int8SoftmaxParams(beta, inScale)!);
  return out;
}

describe('int8 softmax (TFLite reference, fixed point)', () => {
  it('equals the BigInt rebuild of TFLite’s kernel on seeded random rows, betas and scales', () => {
    const r = seededRandom(7);
    let rows = 0;
    for (let k = 0; k < 3000; k++) {
      const depth = 1 + Math.floor(r() * (k % 10 === 0 ? 511 : 40));
      const inScale = Math.fround(2 ** (-12 + r() * 13)); // 2^−12 … 2^1
      const beta = Math.fround(k % 3 === 0 ? 1 : 0.1 + r() * 3);
      const spread = 1 + Math.floor(r() * 255);
      const lo = -128 + Math.floor(r() * (256 - spread));
      const row = Array.from({ length: depth }, () => lo + Math.floor(r() * spread));
      expect(bnnCore(row, beta, inScale), `case ${k}: beta ${beta} scale ${inScale} [${row}]`).toEqual(
        softmaxBigInt(row, beta, inScale),
      );
      rows++;
    }
    expect(rows).toBe(3000);
  });

  it('is within two output steps of float64 softmax and keeps the argmax', () => {
    const r = seededRandom(11);
    for (let k = 0; k < 500; k++) {
      const depth = 2 + Math.floor(r() * 30);
      const inScale = Math.fround(0.02 + r() * 0.3);
      const row = Array.from({ length: depth }, () => -128 + Math.floor(r() * 256));
      const got = bnnCore(row, 1, inScale);
      const max = Math.max(...row);
      const e = row.map((v) => Math.exp(inScale * (v - max)));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, i) => {
        const want = Math.min(127, Math.round((v / s) * 256) - 128);
        expect(Math.abs(got[i]! - want), `case ${k} [${i}]`).toBeLessThanOrEqual(2);
      });
      const argmax = row.indexOf(max);
      expect(got[argmax]).toBe(Math.max(...got));
    }
  });

  it('handles the edges: one value, all equal, the largest depth, diff_min cut-offs', () => {
    expect(bnnCore([5], 1, 0.1)).toEqual([127]); // 1.0 → 256 − 128 saturates to 127
    expect(bnnCore([3, 3, 3, 3], 1, 0.1)).toEqual([-64, -64, -64, -64]); // 1/4 · 256 − 128
    const wide = Array.from({ length: 511 }, (_, i) => (i * 37) % 256).map((v) => v - 128);
    expect(bnnCore(wide, 1, 0.05)).toEqual(softmaxBigInt(wide, 1, 0.05));
    // A large scale: everything below the maximum is past diff_min (or rounds to 0) → −128.
    expect(bnnCore([100, 99, -128], 1, 8)).toEqual(softmaxBigInt([100, 99, -128], 1, 8));
    expect(int8SoftmaxParams(1, 2 ** -27)).toBeNull();
  });

  it('is a deploy op with a contract: output quantization 1/256, −128; beta; depth', () => {
    const graph = (outScale: number, beta: number, c = 10): DeployGraph => ({
      format: 'bnn-studio.deploy',
      version: 1,
      name: 'softmax',
      input: 'x',
      outputs: ['y'],
      tensors: [
        { id: 'x', shape: [c], kind: 'float32' },
        { id: 'q', shape: [c], kind: 'int8', quant: { scale: Math.fround(0.1), zeroPoint: 3 } },
        { id: 'y', shape: [c], kind: 'int8', quant: { scale: outScale, zeroPoint: -128 } },
      ],
      ops: [
        { op: 'int8_quantize', sourceNode: 'q', inputs: ['x'], outputs: ['q'] },
        { op: 'int8_softmax', sourceNode: 's', inputs: ['q'], outputs: ['y'], beta },
      ],
    });
    expect(checkDeployGraph(graph(1 / 256, 1))).toEqual([]);
    expect(checkDeployGraph(graph(Math.fround(1 / 255), 1))[0]!.message).toMatch(/scale 1\/256/);
    expect(checkDeployGraph(graph(1 / 256, 0))[0]!.message).toMatch(/beta/);
    expect(checkDeployGraph(graph(1 / 256, 1, 600))[0]!.message).toMatch(/511/);
    const x = Float32Array.from({ length: 10 }, (_, i) => i * 0.3 - 1);
    const [y] = evaluateDeployGraphFloat(graph(1 / 256, 1), x, 1);
    const q = Array.from(x, (v) =>
      Math.max(-128, Math.min(127, Math.round(Math.fround(v / Math.fround(0.1))) + 3)),
    );
    expect(Array.from(y!)).toEqual(softmaxBigInt(q, 1, Math.fround(0.1)));
  });
});
