/**
 * Output transform of a binary layer whose output is binarised again (Larq Compute Engine's bitpacked output).
 *
 * Per output channel the layer computes y = M · clamp(dot) + B (M, B: folded scale and bias, clamp = identity or
 * ReLU on the integer dot product) and the next layer keeps only sign(y), sign(0) = +1, so the packed bit is 1
 * (−1) iff y < 0. With dot = K − 2·accum (accum = number of disagreeing bits over K taps):
 *
 *   M > 0:  y < 0 ⇔ dot < −B/M ⇔ accum > (K + B/M)/2 ⇔ accum > floor((K + B/M)/2)      (accum is an integer)
 *   M < 0:  y < 0 ⇔ dot > B/|M|. Flip the channel's filter (dot' = −dot, accum' = K − accum):
 *           ⇔ dot' < −B/|M| ⇔ accum' > floor((K + B/|M|)/2)
 *   So τ = floor(0.5 · (B/|M| + K)) in both cases, with the filter flipped where M < 0.
 *   M = 0:  y = B: always −1 if B < 0 (τ = INT32_MIN, as accum ≥ 0 > τ), else always +1 (τ = INT32_MAX).
 *
 * With clamp = ReLU (y = M·max(dot, 0) + B):
 *   M > 0, B ≥ 0: y ≥ 0 always → τ = INT32_MAX.   M > 0, B < 0: max(dot,0) < t (t > 0) ⇔ dot < t → same τ.
 *   M < 0, B < 0: y < 0 always → τ = INT32_MIN.   M < 0, B ≥ 0: max(dot,0) > t (t ≥ 0) ⇔ dot > t → same τ, flipped.
 * With a ReLU activation after the affine map y ≥ 0 always, so every bit is +1 (τ = INT32_MAX).
 * τ is clamped to the int32 range, which keeps the comparison's meaning (0 ≤ accum ≤ K).
 */

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

export interface ThresholdResult {
  thresholds: Int32Array;
  /** Channels whose packed filter must be negated (M < 0). */
  flip: Uint8Array;
}

export function computeThresholds(
  multiplier: Float64Array,
  bias: Float64Array,
  k: number,
  clamp: 'none' | 'relu',
  activation: 'none' | 'relu',
): ThresholdResult {
  const n = multiplier.length;
  const thresholds = new Int32Array(n);
  const flip = new Uint8Array(n);
  for (let c = 0; c < n; c++) {
    const m = multiplier[c]!;
    const b = bias[c]!;
    if (activation === 'relu') {
      thresholds[c] = INT32_MAX;
      continue;
    }
    if (m === 0) {
      thresholds[c] = b < 0 ? INT32_MIN : INT32_MAX;
      continue;
    }
    if (clamp === 'relu') {
      if (m > 0 && b >= 0) {
        thresholds[c] = INT32_MAX;
        continue;
      }
      if (m < 0 && b < 0) {
        thresholds[c] = INT32_MIN;
        continue;
      }
    }
    if (m < 0) flip[c] = 1;
    const t = Math.floor(0.5 * (b / Math.abs(m) + k));
    thresholds[c] = Math.max(INT32_MIN, Math.min(INT32_MAX, t));
  }
  return { thresholds, flip };
}
