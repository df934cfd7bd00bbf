// The benchmark's roofline loops.
import { range } from './common.mjs';

/**
 * Register-only XOR + popcount + add loops, the benchmark's roofline: `i64s` i64 chains and `v128s` v128 chains
 * (i8x16.popcnt) per iteration, each chain independent. Which mix runs fastest depends on the engine and the core
 * (Node 20 on this Zen 4: 6 + 2 ≈ 505 G binary ops/s, 4 + 4 and 8 + 0 ≈ 467 G), so the benchmark times them all
 * and takes the best. `bits`: XNOR-popcount bits per iteration.
 */
export const ROOFLINES = [
  { name: 'roofline_6x2', i64s: 6, v128s: 2 },
  { name: 'roofline_4x4', i64s: 4, v128s: 4 },
  { name: 'roofline_8x0', i64s: 8, v128s: 0 },
].map((r) => ({ ...r, bits: 64 * r.i64s + 128 * r.v128s }));

export function rooflineKernel({ name, i64s, v128s }) {
  const si = range(i64s);
  const sv = range(v128s);
  const vSum = sv.reduce((acc, i) => `(i8x16.add ${acc} (local.get $vc${i}))`, '(v128.const i64x2 0 0)');
  return `
  (func (export "${name}") (param $n i32) (param $seed i64) (result i64)
    ${si.map((i) => `(local $x${i} i64) (local $c${i} i64)`).join(' ')}
    ${sv.map((i) => `(local $vx${i} v128) (local $vc${i} v128)`).join(' ')}
    (local $b i64) (local $vb v128) (local $vstep v128)
    ${si.map((i) => `(local.set $x${i} (i64.mul (local.get $seed) (i64.const ${2 * i + 3})))`).join(' ')}
    ${sv.map((i) => `(local.set $vx${i} (i64x2.splat (i64.mul (local.get $seed) (i64.const ${2 * i + 5}))))`).join(' ')}
    (local.set $b (local.get $seed)) (local.set $vb (i64x2.splat (local.get $seed)))
    (local.set $vstep (i64x2.splat (i64.mul (local.get $seed) (i64.const 7))))
    (loop $l
      ${si.map((i) => `(local.set $c${i} (i64.add (local.get $c${i}) (i64.popcnt (i64.xor (local.get $x${i}) (local.get $b)))))`).join('\n      ')}
      ${sv.map((i) => `(local.set $vc${i} (i8x16.add (local.get $vc${i}) (i8x16.popcnt (v128.xor (local.get $vx${i}) (local.get $vb)))))`).join('\n      ')}
      ;; the shared operands change every iteration, so nothing is loop-invariant
      (local.set $b (i64.add (local.get $b) (i64.const 1)))
      ${v128s ? '(local.set $vb (i64x2.add (local.get $vb) (local.get $vstep)))' : ''}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add ${si.reduce((acc, i) => `(i64.add ${acc} (local.get $c${i}))`, '(i64.const 0)')}
      (i64x2.extract_lane 0 ${vSum})))`;
}
