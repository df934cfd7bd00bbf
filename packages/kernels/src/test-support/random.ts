/** Seeded generators for tests (mulberry32), so every failure is reproducible from its seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /**
   * A binary layer's dot clamp, in one draw: the upper half is `relu` and the lower half `none`, `relu6`,
   * `relu_n1_to_1` (3 : 1 : 1), so seeds drawn before the LCE clamps keep their stream and their `relu` cases.
   */
  dotClamp(): 'none' | 'relu' | 'relu6' | 'relu_n1_to_1' {
    const r = this.next();
    return r >= 0.5 ? 'relu' : r >= 0.4 ? 'relu_n1_to_1' : r >= 0.3 ? 'relu6' : 'none';
  }
  word(): number {
    return (this.next() * 4294967296) | 0;
  }
  /** Random packed words for `rows` rows of `channels` channels, tail bits 0. */
  packed(rows: number, channels: number): Int32Array {
    const words = Math.ceil(channels / 32);
    const out = new Int32Array(rows * words);
    const used = channels - (words - 1) * 32;
    for (let r = 0; r < rows; r++) {
      for (let w = 0; w < words; w++) {
        let v = this.word();
        if (w === words - 1 && used < 32) v &= (1 << used) - 1;
        out[r * words + w] = v;
      }
    }
    return out;
  }
  floats(n: number, scale = 1): Float32Array {
    return Float32Array.from({ length: n }, () => (this.next() * 2 - 1) * scale);
  }
}
