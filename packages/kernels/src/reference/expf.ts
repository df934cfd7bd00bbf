/**
 * e^x in IEEE float32, every step rounded to float32 (`Math.fround`): the softmax exponential of the deploy
 * graph's float32 contract. The algorithm is FreeBSD's / musl's `e_expf.c` (Sun's fdlibm converted to float by
 * Ian Lance Taylor); the WASM kernel (`wasm/wat/float-ops.mjs`, `expf_f32`) and the C runtime (`bnn_expf`,
 * `runtime/src/bnn_runtime.c`) perform the same float32 operations in the same order, so all three agree bit for
 * bit whatever libm or JavaScript engine is underneath (JavaScript's `Math.exp` is double and engine-specific).
 *
 *   1. reduce: x = k·ln2 + r, |r| ≤ 0.5·ln2, k = trunc(x/ln2 ± 0.5), ln2 = hi + lo (ln2hi has 16 significant
 *      bits, so k·ln2hi is exact for |k| ≤ 150), r = hi − lo;
 *   2. c = r − r²·(P1 + r²·P2) ≈ r·(e^r + 1)/(e^r − 1) − 2 on the reduced range (error < 2^−27.74);
 *   3. e^r = 1 + ((r·c/(2 − c) − lo) + hi), then scaled by 2^k (scalbnf: one rounding, subnormals included).
 * Accuracy < 1 ulp. Special cases: NaN → NaN, x ≥ 88.7228 → +∞, x ≤ −103.972 → +0, |x| ≤ 2^−14 → 1 + x.
 */
const f = Math.fround;

// The float32 constants, written as their exact values (each is a float32, so `f` leaves it unchanged).
/** 0x3f317200: ln 2 rounded to 16 significant bits. */
const LN2_HI = 0.693145751953125;
/** 0x35bfbe8e: ln 2 − LN2_HI. */
const LN2_LO = 1.428606765330187e-6;
/** 0x3fb8aa3b: 1/ln 2. */
const INV_LN2 = 1.4426950216293335;
/** 0x3e2aaa8f, 0xbb355215: the minimax polynomial. */
const P1 = 0.16666625440120697;
const P2 = -0.0027667332906275988;
const HALF = [0.5, -0.5] as const;

const bits32 = new Float32Array(1);
const word32 = new Uint32Array(bits32.buffer);

/** The float32 `y · 2^n` with one rounding (musl's scalbnf; `y` a float32, n ∈ [−300, 300]). */
export function scalbnf(y: number, n: number): number {
  let v = y;
  let e = n;
  if (e > 127) {
    v = f(v * 2 ** 127);
    e -= 127;
    if (e > 127) {
      v = f(v * 2 ** 127);
      e -= 127;
      if (e > 127) e = 127;
    }
  } else if (e < -126) {
    v = f(v * 2 ** -102);
    e += 102;
    if (e < -126) {
      v = f(v * 2 ** -102);
      e += 102;
      if (e < -126) e = -126;
    }
  }
  return f(v * 2 ** e);
}

/** e^x in float32 (see the file comment); `x` is rounded to float32 first. */
export function expf(input: number): number {
  let x = f(input);
  bits32[0] = x;
  let hx = word32[0]!;
  const sign = hx >>> 31;
  hx = (hx & 0x7fffffff) >>> 0;
  if (hx > 0x7f800000) return x; // NaN
  if (hx >= 0x42aeac50) {
    // |x| ≥ 87.33655
    if (hx >= 0x42b17218 && sign === 0) return f(x * 2 ** 127); // x ≥ 88.722839: overflow to +∞
    if (sign === 1 && hx >= 0x42cff1b5) return 0; // x ≤ −103.972084: underflow to +0
  }
  let k: number;
  let hi: number;
  let lo: number;
  if (hx > 0x3eb17218) {
    // |x| > 0.5·ln2
    if (hx > 0x3f851592) k = Math.trunc(f(f(INV_LN2 * x) + HALF[sign as 0 | 1]));
    else k = 1 - sign - sign; // |x| ≤ 1.5·ln2
    hi = f(x - f(k * LN2_HI));
    lo = f(k * LN2_LO);
    x = f(hi - lo);
  } else if (hx > 0x39000000) {
    // |x| > 2^−14
    k = 0;
    hi = x;
    lo = 0;
  } else {
    return f(1 + x);
  }
  const xx = f(x * x);
  const c = f(x - f(xx * f(P1 + f(xx * P2))));
  const y = f(1 + f(f(f(f(x * c) / f(2 - c)) - lo) + hi));
  return k === 0 ? y : scalbnf(y, k);
}
