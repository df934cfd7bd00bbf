import type { Rng } from '../math/rng.js';

export interface AugmentOptions {
  shift: number;
  flip: boolean;
  noise: number;
}

/**
 * Augments a batch in place: `x` holds `n` samples of `shape` (`[H, W, C]` images or `[N]` vectors).
 * Shift: translate by (dy, dx) uniform in [−shift, shift] with zero fill. Flip: mirror left–right with
 * probability 1/2. Noise: add N(0, noise²). Shift and flip apply to rank-3 samples only.
 */
export function augmentBatch(
  x: Float32Array,
  n: number,
  shape: number[],
  opts: AugmentOptions,
  rng: Rng,
): void {
  const per = shape.reduce((a, b) => a * b, 1);
  const image = shape.length === 3;
  const [H, W, C] = image ? (shape as [number, number, number]) : [0, 0, 0];
  const tmp = new Float32Array(per);
  for (let s = 0; s < n; s++) {
    const sample = x.subarray(s * per, (s + 1) * per);
    if (image && (opts.shift > 0 || opts.flip)) {
      const dy = opts.shift > 0 ? rng.int(2 * opts.shift + 1) - opts.shift : 0;
      const dx = opts.shift > 0 ? rng.int(2 * opts.shift + 1) - opts.shift : 0;
      const flip = opts.flip && rng.next() < 0.5;
      if (dy !== 0 || dx !== 0 || flip) {
        tmp.fill(0);
        for (let h = 0; h < H; h++) {
          const sh = h - dy;
          if (sh < 0 || sh >= H) continue;
          for (let w = 0; w < W; w++) {
            const sw0 = w - dx;
            if (sw0 < 0 || sw0 >= W) continue;
            const sw = flip ? W - 1 - sw0 : sw0;
            const dst = (h * W + w) * C;
            const src = (sh * W + sw) * C;
            for (let c = 0; c < C; c++) tmp[dst + c] = sample[src + c] as number;
          }
        }
        sample.set(tmp);
      }
    }
    if (opts.noise > 0)
      for (let i = 0; i < per; i++) sample[i] = (sample[i] as number) + opts.noise * rng.normal();
  }
}
