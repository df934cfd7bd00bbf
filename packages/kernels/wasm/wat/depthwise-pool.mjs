// Binary depthwise conv and binary max-pool.
import { POOL_COLS, POOL_ROWS } from './common.mjs';

export function depthwiseAndPoolKernels() {
  return `
  ;; Binary depthwise conv of one sample (float output). Per 32-channel word, two i8x16 counters hold the
  ;; number of disagreeing taps per channel: the tap's XOR word is spread to one byte per bit (swizzle
  ;; bytes, AND with the bit's mask, compare equal → 0xFF) and subtracted (−(−1) = +1).
  ;; scratch: 32 bytes. dot = taps − 2·count; y = act(mul·clamp(dot) + bias) (flags as bgemm's: 1 / 8 clamp
  ;; at the signed bytes 2 / 3, 2 ReLU activation).
  (func (export "bdepthwise") (param $src i32) (param $filter i32) (param $dst i32) (param $h i32) (param $w i32)
    (param $channels i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32) (param $zeroPad i32) (param $flags i32)
    (param $mul i32) (param $bias i32) (param $scratch i32)
    (local $wc i32) (local $oy i32) (local $ox i32) (local $wi i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
    (local $taps i32) (local $x i32) (local $lo v128) (local $hi v128) (local $d v128) (local $bitsel v128) (local $c i32)
    (local $ch i32) (local $dot i32) (local $y f32) (local $inside i32) (local $clo i32) (local $chi i32)
    (local.set $clo (i32.shr_s (i32.shl (local.get $flags) (i32.const 8)) (i32.const 24)))
    (local.set $chi (i32.shr_s (local.get $flags) (i32.const 24)))
    (local.set $wc (i32.shr_u (i32.add (local.get $channels) (i32.const 31)) (i32.const 5)))
    (local.set $bitsel (v128.const i8x16 1 2 4 8 16 32 64 128 1 2 4 8 16 32 64 128))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        (local.set $wi (i32.const 0))
        (loop $words
          (local.set $lo (v128.const i64x2 0 0)) (local.set $hi (v128.const i64x2 0 0)) (local.set $taps (i32.const 0))
          (local.set $ky (i32.const 0))
          (loop $kys
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)) (i32.mul (local.get $ky) (local.get $dh))))
            (local.set $kx (i32.const 0))
            (loop $kxs
              (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)) (i32.mul (local.get $kx) (local.get $dw))))
              (local.set $inside (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w))))
              (if (i32.or (local.get $inside) (i32.eqz (local.get $zeroPad))) (then
                (local.set $taps (i32.add (local.get $taps) (i32.const 1)))
                (local.set $x (i32.const 0))
                (if (local.get $inside) (then
                  (local.set $x (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $wc)) (local.get $wi)) (i32.const 2)))))))
                (local.set $d (i32x4.splat (i32.xor (local.get $x)
                  (i32.load (i32.add (local.get $filter) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $wc)) (local.get $wi)) (i32.const 2)))))))
                (local.set $lo (i8x16.sub (local.get $lo) (i8x16.eq (local.get $bitsel)
                  (v128.and (local.get $bitsel) (i8x16.swizzle (local.get $d) (v128.const i8x16 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1))))))
                (local.set $hi (i8x16.sub (local.get $hi) (i8x16.eq (local.get $bitsel)
                  (v128.and (local.get $bitsel) (i8x16.swizzle (local.get $d) (v128.const i8x16 2 2 2 2 2 2 2 2 3 3 3 3 3 3 3 3))))))))
              (br_if $kxs (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))
            (br_if $kys (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
          (v128.store (local.get $scratch) (local.get $lo))
          (v128.store offset=16 (local.get $scratch) (local.get $hi))
          (local.set $c (i32.const 0))
          (block $doneC (loop $cs
            (local.set $ch (i32.add (i32.shl (local.get $wi) (i32.const 5)) (local.get $c)))
            (br_if $doneC (i32.or (i32.ge_u (local.get $c) (i32.const 32)) (i32.ge_u (local.get $ch) (local.get $channels))))
            (local.set $dot (i32.sub (local.get $taps) (i32.shl (i32.load8_u (i32.add (local.get $scratch) (local.get $c))) (i32.const 1))))
            (if (i32.and (local.get $flags) (i32.const 1)) (then
              (local.set $dot (select (local.get $dot) (local.get $clo) (i32.gt_s (local.get $dot) (local.get $clo))))))
            (if (i32.and (local.get $flags) (i32.const 8)) (then
              (local.set $dot (select (local.get $dot) (local.get $chi) (i32.lt_s (local.get $dot) (local.get $chi))))))
            (local.set $y (f32.add (f32.mul (f32.convert_i32_s (local.get $dot))
              (f32.load (i32.add (local.get $mul) (i32.shl (local.get $ch) (i32.const 2)))))
              (f32.load (i32.add (local.get $bias) (i32.shl (local.get $ch) (i32.const 2))))))
            (if (i32.and (local.get $flags) (i32.const 2)) (then
              (local.set $y (select (local.get $y) (f32.const 0) (f32.gt (local.get $y) (f32.const 0))))))
            (f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $channels)) (local.get $ch)) (i32.const 2)))
              (local.get $y))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $cs)))
          (br_if $words (i32.lt_u (local.tee $wi (i32.add (local.get $wi) (i32.const 1))) (local.get $wc))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))

  ;; Binary max-pool of one sample: AND of the packed words over the in-bounds window (clamped once per output
  ;; pixel), 4 words per v128.and, then single words.
  (func (export "bmaxpool") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $wc i32)
    (param $ph i32) (param $pw i32) (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32)
    (local $oy i32) (local $ox i32) (local $wi i32) (local $iy i32) (local $ix i32) (local $acc i32) (local $vacc v128)
    (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32) (local $rowStride i32) (local $base i32)
    (local.set $rowStride (i32.shl (i32.mul (local.get $w) (local.get $wc)) (i32.const 2)))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      ${POOL_ROWS}
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        ${POOL_COLS}
        (local.set $wi (i32.const 0))
        (block $doneV (loop $vwords
          (br_if $doneV (i32.gt_u (i32.add (local.get $wi) (i32.const 4)) (local.get $wc)))
          (local.set $vacc (v128.const i32x4 -1 -1 -1 -1))
          (local.set $iy (local.get $y0))
          (loop $vy
            (local.set $base (i32.add (i32.add (local.get $src) (i32.mul (local.get $iy) (local.get $rowStride)))
              (i32.shl (i32.add (i32.mul (local.get $x0) (local.get $wc)) (local.get $wi)) (i32.const 2))))
            (local.set $ix (local.get $x0))
            (loop $vx
              (local.set $vacc (v128.and (local.get $vacc) (v128.load (local.get $base))))
              (local.set $base (i32.add (local.get $base) (i32.shl (local.get $wc) (i32.const 2))))
              (br_if $vx (i32.lt_s (local.tee $ix (i32.add (local.get $ix) (i32.const 1))) (local.get $x1))))
            (br_if $vy (i32.lt_s (local.tee $iy (i32.add (local.get $iy) (i32.const 1))) (local.get $y1))))
          (v128.store (local.get $dst) (local.get $vacc))
          (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
          (local.set $wi (i32.add (local.get $wi) (i32.const 4)))
          (br $vwords)))
        (block $doneS (loop $swords
          (br_if $doneS (i32.ge_u (local.get $wi) (local.get $wc)))
          (local.set $acc (i32.const -1))
          (local.set $iy (local.get $y0))
          (loop $sy
            (local.set $base (i32.add (i32.add (local.get $src) (i32.mul (local.get $iy) (local.get $rowStride)))
              (i32.shl (i32.add (i32.mul (local.get $x0) (local.get $wc)) (local.get $wi)) (i32.const 2))))
            (local.set $ix (local.get $x0))
            (loop $sx
              (local.set $acc (i32.and (local.get $acc) (i32.load (local.get $base))))
              (local.set $base (i32.add (local.get $base) (i32.shl (local.get $wc) (i32.const 2))))
              (br_if $sx (i32.lt_s (local.tee $ix (i32.add (local.get $ix) (i32.const 1))) (local.get $x1))))
            (br_if $sy (i32.lt_s (local.tee $iy (i32.add (local.get $iy) (i32.const 1))) (local.get $y1))))
          (i32.store (local.get $dst) (local.get $acc))
          (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
          (local.set $wi (i32.add (local.get $wi) (i32.const 1)))
          (br $swords)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))`;
}
