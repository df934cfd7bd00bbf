// Bit-packing: float NHWC → LCE words (and back).
import { range } from './common.mjs';

export function packKernel() {
  // 32 floats → one word. Sign: f32x4.lt(x, 0) gives all-ones lanes for x < 0 (−0 and NaN compare false); two
  // saturating narrows squeeze 16 such lanes into 16 bytes in order, and i8x16.bitmask takes one bit from each.
  // Finiteness: the largest |x| bit pattern seen (x & 0x7fffffff, unsigned max) is ≥ 0x7f800000 exactly when
  // some x is NaN or ±∞, checked once at the end so the caller can refuse them.
  const half = (h) => {
    const lt = (g) => `(f32x4.lt (v128.load offset=${16 * (4 * h + g)} (local.get $s)) (local.get $zero))`;
    const mag = (g) =>
      `(local.set $mag (i32x4.max_u (local.get $mag) (v128.and (v128.load offset=${16 * (4 * h + g)} (local.get $s)) (local.get $absMask))))`;
    return `${range(4).map(mag).join('\n        ')}
        (i8x16.bitmask (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s ${lt(0)} ${lt(1)}) (i16x8.narrow_i32x4_s ${lt(2)} ${lt(3)})))`;
  };
  const groups = `(local.set $bits (i32.or ${half(0)}
          (i32.shl ${half(1)} (i32.const 16))))`;
  return `
  ;; Packs rows × channels float32 (NHWC) into LCE words; returns 1 if any value is NaN or ±∞.
  (func (export "pack") (param $src i32) (param $dst i32) (param $rows i32) (param $channels i32) (result i32)
    (local $r i32) (local $w i32) (local $full i32) (local $tail i32) (local $s i32) (local $d i32) (local $c i32)
    (local $bits i32) (local $mag v128) (local $absMask v128) (local $zero v128) (local $f f32) (local $bad i32)
    (local.set $full (i32.shr_u (local.get $channels) (i32.const 5)))
    (local.set $tail (i32.and (local.get $channels) (i32.const 31)))
    (local.set $absMask (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $s (local.get $src)) (local.set $d (local.get $dst))
    (block $doneRows (loop $rows
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $w (i32.const 0))
      (block $doneWords (loop $words
        (br_if $doneWords (i32.ge_u (local.get $w) (local.get $full)))
        ${groups}
        (i32.store (local.get $d) (local.get $bits))
        (local.set $s (i32.add (local.get $s) (i32.const 128)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $words)))
      (if (local.get $tail) (then
        (local.set $bits (i32.const 0)) (local.set $c (i32.const 0))
        (loop $tailBits
          (local.set $f (f32.load (local.get $s)))
          (local.set $bad (i32.or (local.get $bad) (i32.eqz (f32.lt (f32.abs (local.get $f)) (f32.const inf)))))
          (local.set $bits (i32.or (local.get $bits) (i32.shl (f32.lt (local.get $f) (f32.const 0)) (local.get $c))))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (br_if $tailBits (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $tail))))
        (i32.store (local.get $d) (local.get $bits))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))
    (i32.or (local.get $bad)
      (v128.any_true (i32x4.ge_u (local.get $mag) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000)))))

  ;; 1 if any of n float32 values is NaN or ±∞.
  (func (export "non_finite") (param $src i32) (param $n i32) (result i32)
    (local $end i32) (local $fin v128) (local $inf v128) (local $bad i32)
    (local.set $fin (v128.const i32x4 -1 -1 -1 -1))
    (local.set $inf (f32x4.splat (f32.const inf)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $v
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $fin (v128.and (local.get $fin) (f32x4.lt (f32x4.abs (v128.load (local.get $src))) (local.get $inf))))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (br $v)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done2 (loop $s
      (br_if $done2 (i32.ge_u (local.get $src) (local.get $end)))
      (local.set $bad (i32.or (local.get $bad) (i32.eqz (f32.lt (f32.abs (f32.load (local.get $src))) (f32.const inf)))))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (br $s)))
    (i32.or (local.get $bad) (i32.eqz (i32x4.all_true (local.get $fin)))))

  ;; Unpacks rows × channels LCE words into ±1 float32.
  (func (export "unpack") (param $src i32) (param $dst i32) (param $rows i32) (param $channels i32)
    (local $r i32) (local $c i32) (local $words i32)
    (local.set $words (i32.shr_u (i32.add (local.get $channels) (i32.const 31)) (i32.const 5)))
    (block $doneRows (loop $rows
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (loop $ch
        (f32.store (local.get $dst)
          (select (f32.const -1) (f32.const 1)
            (i32.and (i32.shr_u (i32.load (i32.add (local.get $src) (i32.shl (i32.shr_u (local.get $c) (i32.const 5)) (i32.const 2))))
              (local.get $c)) (i32.const 1))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br_if $ch (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $channels))))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $words) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows))))`;
}
