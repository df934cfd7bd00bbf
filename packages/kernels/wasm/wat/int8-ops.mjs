// int8 deploy ops (TFLite's reference integer kernels, LCE's int8 paths), bit-exact with src/reference/int8.ts.
import {
  biasOr0,
  channelBlocks,
  convTaps,
  GROUP_LOCALS,
  ORIGIN_X,
  ORIGIN_Y,
  outputPixels,
  POOL_COLS,
  POOL_ROWS,
  pixelTaps,
  poolWindow,
  registerGroups,
} from './common.mjs';

/**
 * The int8 kernels. Integer arithmetic is exact (int32 sums wrap like the reference's Int32Array stores, and the
 * op contracts keep every accumulator inside int32); requantization is TFLite's MultiplyByQuantizedMultiplier on
 * i64 (`$mbqm`), which the reference computes exactly with split doubles. Float steps (QUANTIZE's division,
 * DEQUANTIZE's product) are single f32 operations, as the reference rounds them.
 */
export function int8OpKernels() {
  // conv2d: G groups of 4 output channels from $o accumulated in i32x4 registers over in-bounds taps and pairs of
  // input channels: the pair's two (x − zpIn) as i16 lanes in every 32-bit lane, times the pair's weights of 4
  // output channels (i16, [tap][pair][coPad][2]) with i32x4.dot_i16x8_s, then stored to the accumulator row.
  const convGroups = (G) =>
    registerGroups(G, {
      taps: pairTaps,
      step: (acc, w) => `(i32x4.add (local.get ${acc}) (i32x4.dot_i16x8_s (local.get $xv) ${w}))`,
      store: (acc, g) =>
        `(v128.store offset=${16 * g} (i32.add (local.get $accRow) (i32.shl (local.get $o) (i32.const 2))) (local.get ${acc}))`,
    });
  // Runs `body` for every in-bounds tap and pair of input channels ($xv: the pair as two i16 in each 32-bit lane;
  // an odd last channel pairs with 0), $fp at the pair's weight row.
  const pairTaps = (body) =>
    convTaps(`(local.set $xp (i32.add (local.get $src) (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $ci))))
                  (local.set $xend (i32.add (local.get $xp) (i32.and (local.get $ci) (i32.const -2))))
                  (local.set $fp (i32.add (local.get $filter) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $cp)) (local.get $cop)) (i32.const 2))))
                  (block $donePairs (loop $ps
                    (br_if $donePairs (i32.ge_u (local.get $xp) (local.get $xend)))
                    (local.set $xv (i32x4.splat (i32.or
                      (i32.and (i32.sub (i32.load8_s (local.get $xp)) (local.get $zpIn)) (i32.const 0xffff))
                      (i32.shl (i32.sub (i32.load8_s offset=1 (local.get $xp)) (local.get $zpIn)) (i32.const 16)))))
                    ${body}
                    (local.set $xp (i32.add (local.get $xp) (i32.const 2)))
                    (local.set $fp (i32.add (local.get $fp) (i32.shl (local.get $cop) (i32.const 2))))
                    (br $ps)))
                  (if (i32.and (local.get $ci) (i32.const 1)) (then
                    (local.set $xv (i32x4.splat
                      (i32.and (i32.sub (i32.load8_s (local.get $xp)) (local.get $zpIn)) (i32.const 0xffff))))
                    ${body}))`);
  // Four int8 values at $p sign-extended to an i32x4.
  const load4 = (p) => `(i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s (v128.load32_zero ${p})))`;
  return `
  ;; TFLite's MultiplyByQuantizedMultiplier(x, q, shift): RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(
  ;; x << max(shift, 0), q), max(−shift, 0)). The shift wraps like the reference's int32 multiply; the high
  ;; multiply is an exact i64 product, nudged by ±2^30 by its sign and divided by 2^31 toward zero.
  (func $mbqm (param $x i32) (param $q i32) (param $shift i32) (result i32)
    (local $ab i64) (local $e i32) (local $mask i32) (local $r i32)
    (if (i32.gt_s (local.get $shift) (i32.const 0))
      (then (local.set $x (i32.shl (local.get $x) (local.get $shift))) (local.set $e (i32.const 0)))
      (else (local.set $e (i32.sub (i32.const 0) (local.get $shift)))))
    (if (i32.and (i32.eq (local.get $x) (i32.const 0x80000000)) (i32.eq (local.get $q) (i32.const 0x80000000)))
      (then (local.set $r (i32.const 0x7fffffff)))
      (else
        (local.set $ab (i64.mul (i64.extend_i32_s (local.get $x)) (i64.extend_i32_s (local.get $q))))
        ;; v = ab + nudge; v / 2^31 toward zero = (v + (v < 0 ? 2^31 − 1 : 0)) >> 31
        (local.set $ab (i64.add (local.get $ab) (select (i64.const 0x40000000) (i64.const -0x3fffffff)
          (i64.ge_s (local.get $ab) (i64.const 0)))))
        (local.set $r (i32.wrap_i64 (i64.shr_s
          (i64.add (local.get $ab) (i64.and (i64.shr_s (local.get $ab) (i64.const 63)) (i64.const 0x7fffffff)))
          (i64.const 31))))))
    ;; RoundingDivideByPOT(r, e): to nearest, ties away from zero
    (local.set $mask (select (i32.const 0x7fffffff) (i32.sub (i32.shl (i32.const 1) (local.get $e)) (i32.const 1))
      (i32.ge_s (local.get $e) (i32.const 31))))
    (i32.add (i32.shr_s (local.get $r) (local.get $e))
      (i32.gt_s (i32.and (local.get $r) (local.get $mask))
        (i32.add (i32.shr_s (local.get $mask) (i32.const 1)) (i32.lt_s (local.get $r) (i32.const 0))))))

  ;; clamp(v + zp, lo, hi) without int32 overflow, as the reference adds in doubles
  (func $offsetClamp (param $v i32) (param $zp i32) (param $lo i32) (param $hi i32) (result i32)
    (local $s i64)
    (local.set $s (i64.add (i64.extend_i32_s (local.get $v)) (i64.extend_i32_s (local.get $zp))))
    (if (i64.lt_s (local.get $s) (i64.extend_i32_s (local.get $lo))) (then (return (local.get $lo))))
    (if (i64.gt_s (local.get $s) (i64.extend_i32_s (local.get $hi))) (then (return (local.get $hi))))
    (i32.wrap_i64 (local.get $s)))

  ;; TFLite's output stage over one row of n int32 accumulators: per channel c,
  ;; y = clamp(mbqm(acc[c], mult[c], shift[c]) + zp, lo, hi) as int8
  (func $requantRow (param $acc i32) (param $dst i32) (param $n i32) (param $mult i32) (param $shifts i32)
    (param $zp i32) (param $lo i32) (param $hi i32)
    (local $c i32) (local $off i32)
    (block $done (loop $cs
      (br_if $done (i32.ge_u (local.get $c) (local.get $n)))
      (local.set $off (i32.shl (local.get $c) (i32.const 2)))
      (i32.store8 (i32.add (local.get $dst) (local.get $c))
        (call $offsetClamp
          (call $mbqm (i32.load (i32.add (local.get $acc) (local.get $off)))
            (i32.load (i32.add (local.get $mult) (local.get $off)))
            (i32.load (i32.add (local.get $shifts) (local.get $off))))
          (local.get $zp) (local.get $lo) (local.get $hi)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $cs))))

  ;; int8 CONV_2D of one sample: acc[o] = bias[o] (or 0) + Σ over in-bounds taps and input channels of
  ;; w[tap][ci][o] · (x − zpIn), then the output stage. Filter: [tap][ceil(ci/2) pairs][coPad][2] int16 (coPad = co
  ;; rounded up to 4, zero weights beyond co and for an odd last channel), bias padded to coPad. Output channels go
  ;; 32, 16, then 4 at a time; $accRow holds one pixel's coPad accumulators.
  (func (export "int8_conv2d") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32) (param $co i32)
    (param $h i32) (param $w i32) (param $ci i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32) (param $zpIn i32) (param $mult i32) (param $shifts i32) (param $zpOut i32)
    (param $lo i32) (param $hi i32) (param $accRow i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
    (local $o i32) (local $cop i32) (local $cp i32) (local $xp i32) (local $xend i32) (local $fp i32) (local $out i32)
    (local $iy0 i32) (local $ix0 i32)
    (local $xv v128) ${GROUP_LOCALS}
    (local.set $cop (i32.and (i32.add (local.get $co) (i32.const 3)) (i32.const -4)))
    (local.set $cp (i32.shr_u (i32.add (local.get $ci) (i32.const 1)) (i32.const 1)))
    (local.set $out (local.get $dst))
    ${outputPixels({
      row: `(local.set $iy0 ${ORIGIN_Y})`,
      pixel: `(local.set $ix0 ${ORIGIN_X})
        (local.set $o (i32.const 0))
        ${channelBlocks('$cop', convGroups)}
        (call $requantRow (local.get $accRow) (local.get $out) (local.get $co) (local.get $mult) (local.get $shifts)
          (local.get $zpOut) (local.get $lo) (local.get $hi))
        (local.set $out (i32.add (local.get $out) (local.get $co)))`,
    })})

  ;; int8 DEPTHWISE_CONV_2D of one sample with depth multiplier $m: output channel oc = c·m + k reads input
  ;; channel c; acc[oc] = bias[oc] (or 0) + Σ in-bounds taps w[tap][oc] · (x[c] − zpIn) (filter [KH, KW, C·m]
  ;; widened to i32), then the output stage. One channel at a time; right for any m, but the driver runs m = 1 on
  ;; int8_depthwise_m1 (four channels per i32x4), so this one sees m ≥ 2.
  (func (export "int8_depthwise") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32)
    (param $m i32) (param $zpIn i32) (param $mult i32) (param $shifts i32) (param $zpOut i32) (param $lo i32)
    (param $hi i32) (param $accRow i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $oc i32)
    (local $n i32) (local $p i32) (local $f i32) (local $out i32) (local $ic i32) (local $as i32)
    (local.set $n (i32.mul (local.get $c) (local.get $m)))
    (local.set $out (local.get $dst))
    ${outputPixels({
      pixel: `(local.set $oc (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $oc) (local.get $n)))
          (local.set $as ${biasOr0('i32', '$oc')})
          (local.set $ic (i32.div_u (local.get $oc) (local.get $m)))
          ${pixelTaps(`(local.set $p (i32.add (local.get $src) (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c))
                    (local.get $ic))))
                  (local.set $f (i32.add (local.get $filter) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $n)) (local.get $oc)) (i32.const 2))))
                  (local.set $as (i32.add (local.get $as)
                    (i32.mul (i32.sub (i32.load8_s (local.get $p)) (local.get $zpIn)) (i32.load (local.get $f)))))`)}
          (i32.store (i32.add (local.get $accRow) (i32.shl (local.get $oc) (i32.const 2))) (local.get $as))
          (local.set $oc (i32.add (local.get $oc) (i32.const 1)))
          (br $cs)))
        (call $requantRow (local.get $accRow) (local.get $out) (local.get $n) (local.get $mult) (local.get $shifts)
          (local.get $zpOut) (local.get $lo) (local.get $hi))
        (local.set $out (i32.add (local.get $out) (local.get $n)))`,
    })})

  ;; int8 DEPTHWISE_CONV_2D with depth multiplier 1, taps outermost: per output pixel the accumulator row starts at
  ;; the bias (or 0), every in-bounds tap adds w[tap][c] · (x[c] − zpIn) to it, four channels per i32x4 (then one
  ;; at a time), then the output stage. Same sums as int8_depthwise (integer addition in any order).
  (func (export "int8_depthwise_m1") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32)
    (param $zpIn i32) (param $mult i32) (param $shifts i32) (param $zpOut i32) (param $lo i32)
    (param $hi i32) (param $accRow i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $ch i32)
    (local $full i32) (local $p i32) (local $f i32) (local $a i32) (local $out i32) (local $zv v128)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    (local.set $zv (i32x4.splat (local.get $zpIn)))
    (local.set $out (local.get $dst))
    ${outputPixels({
      pixel: `(local.set $ch (i32.const 0))
        (block $doneInit (loop $init
          (br_if $doneInit (i32.ge_u (local.get $ch) (local.get $c)))
          (i32.store (i32.add (local.get $accRow) (i32.shl (local.get $ch) (i32.const 2))) ${biasOr0('i32', '$ch')})
          (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
          (br $init)))
        ${pixelTaps(`(local.set $p (i32.add (local.get $src) (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c))))
                (local.set $f (i32.add (local.get $filter) (i32.shl (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $c)) (i32.const 2))))
                (local.set $a (local.get $accRow))
                (local.set $ch (i32.const 0))
                (block $done4 (loop $c4
                  (br_if $done4 (i32.ge_u (local.get $ch) (local.get $full)))
                  (v128.store (local.get $a) (i32x4.add (v128.load (local.get $a))
                    (i32x4.mul (i32x4.sub ${load4('(local.get $p)')} (local.get $zv)) (v128.load (local.get $f)))))
                  (local.set $p (i32.add (local.get $p) (i32.const 4)))
                  (local.set $f (i32.add (local.get $f) (i32.const 16)))
                  (local.set $a (i32.add (local.get $a) (i32.const 16)))
                  (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
                  (br $c4)))
                (block $done1 (loop $c1
                  (br_if $done1 (i32.ge_u (local.get $ch) (local.get $c)))
                  (i32.store (local.get $a) (i32.add (i32.load (local.get $a))
                    (i32.mul (i32.sub (i32.load8_s (local.get $p)) (local.get $zpIn)) (i32.load (local.get $f)))))
                  (local.set $p (i32.add (local.get $p) (i32.const 1)))
                  (local.set $f (i32.add (local.get $f) (i32.const 4)))
                  (local.set $a (i32.add (local.get $a) (i32.const 4)))
                  (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
                  (br $c1)))`)}
        (call $requantRow (local.get $accRow) (local.get $out) (local.get $c) (local.get $mult) (local.get $shifts)
          (local.get $zpOut) (local.get $lo) (local.get $hi))
        (local.set $out (i32.add (local.get $out) (local.get $c)))`,
    })})

  ;; int8 FULLY_CONNECTED of one sample: x − zpIn widened to i16 into $xs (cinPad entries, the padding 0), then
  ;; per output o: acc = bias[o] (or 0) + Σ w[o][i] · (x[i] − zpIn) with i32x4.dot_i16x8_s over rows of i16
  ;; weights padded to cinPad (a multiple of 8), then the output stage.
  (func (export "int8_dense") (param $src i32) (param $weights i32) (param $bias i32) (param $dst i32)
    (param $cin i32) (param $cinPad i32) (param $cout i32) (param $xs i32) (param $zpIn i32) (param $mult i32)
    (param $shifts i32) (param $zpOut i32) (param $lo i32) (param $hi i32) (param $accRow i32)
    (local $i i32) (local $o i32) (local $wp i32) (local $a v128) (local $end i32)
    (block $doneX (loop $xl
      (br_if $doneX (i32.ge_u (local.get $i) (local.get $cinPad)))
      (i32.store16 (i32.add (local.get $xs) (i32.shl (local.get $i) (i32.const 1)))
        (select (i32.sub (i32.load8_s (i32.add (local.get $src) (local.get $i))) (local.get $zpIn)) (i32.const 0)
          (i32.lt_u (local.get $i) (local.get $cin))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $xl)))
    (local.set $wp (local.get $weights))
    (local.set $end (i32.shl (local.get $cinPad) (i32.const 1)))
    (block $doneO (loop $os
      (br_if $doneO (i32.ge_u (local.get $o) (local.get $cout)))
      (local.set $a (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.const 0))
      (block $doneI (loop $is
        (br_if $doneI (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $a (i32x4.add (local.get $a) (i32x4.dot_i16x8_s
          (v128.load (i32.add (local.get $xs) (local.get $i))) (v128.load (i32.add (local.get $wp) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $is)))
      (i32.store (i32.add (local.get $accRow) (i32.shl (local.get $o) (i32.const 2)))
        (i32.add
          (i32.add (i32.add (i32x4.extract_lane 0 (local.get $a)) (i32x4.extract_lane 1 (local.get $a)))
            (i32.add (i32x4.extract_lane 2 (local.get $a)) (i32x4.extract_lane 3 (local.get $a))))
          ${biasOr0('i32', '$o')}))
      (local.set $wp (i32.add (local.get $wp) (local.get $end)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $os)))
    (call $requantRow (local.get $accRow) (local.get $dst) (local.get $cout) (local.get $mult) (local.get $shifts)
      (local.get $zpOut) (local.get $lo) (local.get $hi)))

  ;; int8 ADD of n element pairs (TFLite's add.cc, left shift $ls):
  ;; y = clamp(mbqm(mbqm((a + off1) << ls, m1, s1) + mbqm((b + off2) << ls, m2, s2), mo, so) + zpOut, lo, hi)
  (func (export "int8_add") (param $a i32) (param $b i32) (param $dst i32) (param $n i32) (param $ls i32)
    (param $off1 i32) (param $m1 i32) (param $s1 i32) (param $off2 i32) (param $m2 i32) (param $s2 i32)
    (param $mo i32) (param $so i32) (param $zpOut i32) (param $lo i32) (param $hi i32)
    (local $i i32)
    (block $done (loop $is
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (call $offsetClamp
          (call $mbqm
            (i32.add
              (call $mbqm (i32.shl (i32.add (i32.load8_s (i32.add (local.get $a) (local.get $i))) (local.get $off1)) (local.get $ls))
                (local.get $m1) (local.get $s1))
              (call $mbqm (i32.shl (i32.add (i32.load8_s (i32.add (local.get $b) (local.get $i))) (local.get $off2)) (local.get $ls))
                (local.get $m2) (local.get $s2)))
            (local.get $mo) (local.get $so))
          (local.get $zpOut) (local.get $lo) (local.get $hi)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $is))))

  ;; int8 max (kind 0) or average (kind 1) pool of one sample over the in-bounds taps; average: the sum divided
  ;; by the tap count, to nearest with ties away from zero (C division of acc ± count/2). Four channels per i32x4.
  (func (export "int8_pool2d") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $c i32)
    (param $ph i32) (param $pw i32) (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32) (param $kind i32)
    (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $iy i32) (local $ix i32) (local $ch i32) (local $full i32) (local $p i32) (local $count i32)
    (local $half i32) (local $v v128) (local $acc v128) (local $s i32) (local $l i32) (local $q i32)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    ${outputPixels({
      row: POOL_ROWS,
      pixel: `${POOL_COLS}
        (local.set $count (i32.mul (i32.sub (local.get $y1) (local.get $y0)) (i32.sub (local.get $x1) (local.get $x0))))
        (local.set $half (i32.div_s (local.get $count) (i32.const 2)))
        (local.set $q (i32.add (local.get $dst) (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $c))))
        (local.set $ch (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
          (local.set $acc (if (result v128) (local.get $kind)
            (then (v128.const i32x4 0 0 0 0)) (else (v128.const i32x4 -128 -128 -128 -128))))
          ${poolWindow(`(local.set $p (i32.add (local.get $src) (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ch))))
              (local.set $v (if (result v128) (i32.lt_u (local.get $ch) (local.get $full))
                (then ${load4('(local.get $p)')})
                (else (i32x4.splat (i32.load8_s (local.get $p))))))
              (local.set $acc (if (result v128) (local.get $kind)
                (then (i32x4.add (local.get $acc) (local.get $v)))
                (else (i32x4.max_s (local.get $acc) (local.get $v)))))`)}
          ;; lanes of this group: 4, or 1 in the tail
          (local.set $l (i32.const 0))
          (block $doneL (loop $ls
            (local.set $s (i32x4.extract_lane 0 (local.get $acc)))
            (if (local.get $kind) (then
              (local.set $s (i32.div_s
                (select (i32.add (local.get $s) (local.get $half)) (i32.sub (local.get $s) (local.get $half))
                  (i32.gt_s (local.get $s) (i32.const 0)))
                (local.get $count)))))
            (i32.store8 (i32.add (local.get $q) (i32.add (local.get $ch) (local.get $l))) (local.get $s))
            (local.set $acc (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $acc) (local.get $acc)))
            (local.set $l (i32.add (local.get $l) (i32.const 1)))
            (br_if $ls (i32.and (i32.lt_u (local.get $ch) (local.get $full)) (i32.lt_u (local.get $l) (i32.const 4))))))
          (local.set $ch (i32.add (local.get $ch) (local.get $l)))
          (br $cs)))`,
    })})

  ;; TFLite QUANTIZE of n floats: y = clamp(round(f32(x / scale)) + zp, −128, 127), round to nearest with ties
  ;; away from zero (truncate, then ±1 when the exact f32 remainder is ≥ ½ in magnitude). With scale 1 and zp 0 it is the
  ;; round-and-saturate of LCE's int8 output transform. Returns 1 when some x is NaN or ±∞ (the output is then
  ;; undefined), else 0.
  (func (export "int8_quantize") (param $src i32) (param $dst i32) (param $n i32) (param $scale f32) (param $zp i32)
    (result i32)
    (local $i i32) (local $x f32) (local $v f32) (local $d f32) (local $t i32) (local $bad i32) (local $full i32)
    (local $xv v128) (local $vv v128) (local $tv v128) (local $badv v128)
    ;; four at a time: the same steps on f32x4 / i32x4 lanes; the narrowing saturates to [−128, 127]
    (local.set $full (i32.and (local.get $n) (i32.const -4)))
    (block $doneV (loop $vs
      (br_if $doneV (i32.ge_u (local.get $i) (local.get $full)))
      (local.set $xv (v128.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $badv (v128.or (local.get $badv)
        (f32x4.ne (f32x4.sub (local.get $xv) (local.get $xv)) (v128.const f32x4 0 0 0 0))))
      (local.set $vv (f32x4.div (local.get $xv) (f32x4.splat (local.get $scale))))
      (local.set $tv (i32x4.max_s (i32x4.min_s (i32x4.trunc_sat_f32x4_s (local.get $vv)) (v128.const i32x4 1000 1000 1000 1000))
        (v128.const i32x4 -1000 -1000 -1000 -1000)))
      (local.set $vv (f32x4.sub (local.get $vv) (f32x4.convert_i32x4_s (local.get $tv))))
      ;; comparison lanes are −1 where true: t − (d ≥ ½) + (d ≤ −½)
      (local.set $tv (i32x4.add (i32x4.sub (local.get $tv) (f32x4.ge (local.get $vv) (v128.const f32x4 0.5 0.5 0.5 0.5)))
        (f32x4.le (local.get $vv) (v128.const f32x4 -0.5 -0.5 -0.5 -0.5))))
      (local.set $tv (i32x4.add (local.get $tv) (i32x4.splat (local.get $zp))))
      (v128.store32_lane 0 (i32.add (local.get $dst) (local.get $i))
        (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $tv) (local.get $tv)) (v128.const i32x4 0 0 0 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vs)))
    (local.set $bad (v128.any_true (local.get $badv)))
    (block $done (loop $is
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $x (f32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
      ;; x − x is 0 for finite x, NaN for NaN and ±∞
      (local.set $bad (i32.or (local.get $bad) (f32.ne (f32.sub (local.get $x) (local.get $x)) (f32.const 0))))
      (local.set $v (f32.div (local.get $x) (local.get $scale)))
      ;; truncate (saturating; NaN from ±∞ inputs gives 0), limit to ±1000 (beyond, the result saturates the same
      ;; after the zero point), then ±1 when the exact f32 remainder is ≥ ½ in magnitude; branch-free
      (local.set $t (i32.trunc_sat_f32_s (local.get $v)))
      (local.set $t (select (i32.const 1000) (local.get $t) (i32.gt_s (local.get $t) (i32.const 1000))))
      (local.set $t (select (i32.const -1000) (local.get $t) (i32.lt_s (local.get $t) (i32.const -1000))))
      (local.set $d (f32.sub (local.get $v) (f32.convert_i32_s (local.get $t))))
      (local.set $t (i32.sub (i32.add (local.get $t) (f32.ge (local.get $d) (f32.const 0.5)))
        (f32.le (local.get $d) (f32.const -0.5))))
      (local.set $t (i32.add (local.get $t) (local.get $zp)))
      (i32.store8 (i32.add (local.get $dst) (local.get $i))
        (select (i32.const -128) (select (i32.const 127) (local.get $t) (i32.gt_s (local.get $t) (i32.const 127)))
          (i32.lt_s (local.get $t) (i32.const -128))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $is)))
    (local.get $bad))

  ;; TFLite DEQUANTIZE of n int8: y = f32(scale · f32(q − zp)) (q − zp is exact in f32: one rounding, as the
  ;; reference's double product stored to float32)
  (func (export "int8_dequantize") (param $src i32) (param $dst i32) (param $n i32) (param $scale f32) (param $zp i32)
    (local $i i32)
    (block $done (loop $is
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
        (f32.mul (local.get $scale)
          (f32.convert_i32_s (i32.sub (i32.load8_s (i32.add (local.get $src) (local.get $i))) (local.get $zp)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $is))))

  ;; LceQuantize of rows × channels int8 values: bit 1 (−1) where q < zp, LSB-first per 32 channels, tail bits 0.
  ;; 16 channels per i8x16.lt_s + bitmask.
  (func (export "int8_bitpack") (param $src i32) (param $dst i32) (param $rows i32) (param $channels i32) (param $zp i32)
    (local $r i32) (local $c i32) (local $words i32) (local $full i32) (local $zv v128) (local $wp i32)
    (local.set $words (i32.shr_u (i32.add (local.get $channels) (i32.const 31)) (i32.const 5)))
    (local.set $full (i32.and (local.get $channels) (i32.const -16)))
    (local.set $zv (i8x16.splat (local.get $zp)))
    (block $doneR (loop $rs
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneW (loop $ws
        (br_if $doneW (i32.ge_u (local.get $c) (local.get $words)))
        (i32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))) (i32.const 0))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $ws)))
      (local.set $c (i32.const 0))
      (block $done16 (loop $c16
        (br_if $done16 (i32.ge_u (local.get $c) (local.get $full)))
        (local.set $wp (i32.add (local.get $dst) (i32.shl (i32.shr_u (local.get $c) (i32.const 5)) (i32.const 2))))
        (i32.store (local.get $wp) (i32.or (i32.load (local.get $wp))
          (i32.shl (i8x16.bitmask (i8x16.lt_s (v128.load (i32.add (local.get $src) (local.get $c))) (local.get $zv)))
            (i32.and (local.get $c) (i32.const 31)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $c16)))
      (block $done1 (loop $c1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $channels)))
        (local.set $wp (i32.add (local.get $dst) (i32.shl (i32.shr_u (local.get $c) (i32.const 5)) (i32.const 2))))
        (i32.store (local.get $wp) (i32.or (i32.load (local.get $wp))
          (i32.shl (i32.lt_s (i32.load8_s (i32.add (local.get $src) (local.get $c))) (local.get $zp))
            (i32.and (local.get $c) (i32.const 31)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $c1)))
      (local.set $src (i32.add (local.get $src) (local.get $channels)))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $words) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs))))`;
}
