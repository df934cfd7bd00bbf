// Float ops besides conv2d (scale/shift, ReLU, add, pooling, depthwise conv), bit-exact with the references.
import { biasOr0, outputPixels, POOL_COLS, POOL_ROWS, pixelTaps, poolWindow } from './common.mjs';

/**
 * Float ops of a deploy graph besides conv2d, each exactly equal to its reference (src/reference/float.ts) under
 * the float32 contract (docs/deploy-graph.md): f32 operations only (no f64, no fused multiply-add), in the
 * reference's order, four channels per f32x4 where channels are independent. Max and ReLU: f32 max equals
 * Math.max on f32 values, −0/+0 and NaN included.
 */
export function floatOpKernels() {
  return `
  ;; y[p][c] = f32(f32(x·scale[c]) + shift[c]) over rows × channels
  (func (export "scale_shift_f32") (param $src i32) (param $dst i32) (param $rows i32) (param $channels i32)
    (param $scale i32) (param $shift i32)
    (local $r i32) (local $c i32) (local $full i32) (local $x v128) (local $s v128) (local $b v128)
    (local.set $full (i32.and (local.get $channels) (i32.const -4)))
    (block $doneRows (loop $rowsLoop
      (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneGroups (loop $groups
        (br_if $doneGroups (i32.ge_u (local.get $c) (local.get $full)))
        (local.set $x (v128.load (local.get $src)))
        (local.set $s (v128.load (i32.add (local.get $scale) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $b (v128.load (i32.add (local.get $shift) (i32.shl (local.get $c) (i32.const 2)))))
        (v128.store (local.get $dst) (f32x4.add (f32x4.mul (local.get $x) (local.get $s)) (local.get $b)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $groups)))
      (block $doneTail (loop $tail
        (br_if $doneTail (i32.ge_u (local.get $c) (local.get $channels)))
        (f32.store (local.get $dst) (f32.add
          (f32.mul (f32.load (local.get $src)) (f32.load (i32.add (local.get $scale) (i32.shl (local.get $c) (i32.const 2)))))
          (f32.load (i32.add (local.get $shift) (i32.shl (local.get $c) (i32.const 2))))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $tail)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop))))

  ;; e^x in float32, the reference's expf (src/reference/expf.ts: FreeBSD/musl e_expf.c) operation by operation.
  ;; Constants: ln2hi 0x3f317200, ln2lo 0x35bfbe8e, 1/ln2 0x3fb8aa3b, P1 0x3e2aaa8f, P2 0xbb355215.
  (func $expf (export "expf_f32") (param $x f32) (result f32)
    (local $hx i32) (local $sign i32) (local $k i32) (local $hi f32) (local $lo f32) (local $xx f32) (local $c f32)
    (local $y f32)
    (local.set $hx (i32.reinterpret_f32 (local.get $x)))
    (local.set $sign (i32.shr_u (local.get $hx) (i32.const 31)))
    (local.set $hx (i32.and (local.get $hx) (i32.const 0x7fffffff)))
    (if (i32.gt_u (local.get $hx) (i32.const 0x7f800000)) (then (return (local.get $x))))
    (if (i32.ge_u (local.get $hx) (i32.const 0x42aeac50)) (then
      (if (i32.and (i32.ge_u (local.get $hx) (i32.const 0x42b17218)) (i32.eqz (local.get $sign)))
        (then (return (f32.mul (local.get $x) (f32.const 0x1p127)))))
      (if (i32.and (local.get $sign) (i32.ge_u (local.get $hx) (i32.const 0x42cff1b5)))
        (then (return (f32.const 0))))))
    (if (i32.gt_u (local.get $hx) (i32.const 0x3eb17218))
      (then
        (if (i32.gt_u (local.get $hx) (i32.const 0x3f851592))
          (then (local.set $k (i32.trunc_f32_s (f32.add
            (f32.mul (f32.reinterpret_i32 (i32.const 0x3fb8aa3b)) (local.get $x))
            (select (f32.const -0.5) (f32.const 0.5) (local.get $sign))))))
          (else (local.set $k (i32.sub (i32.const 1) (i32.shl (local.get $sign) (i32.const 1))))))
        (local.set $hi (f32.sub (local.get $x)
          (f32.mul (f32.convert_i32_s (local.get $k)) (f32.reinterpret_i32 (i32.const 0x3f317200)))))
        (local.set $lo (f32.mul (f32.convert_i32_s (local.get $k)) (f32.reinterpret_i32 (i32.const 0x35bfbe8e))))
        (local.set $x (f32.sub (local.get $hi) (local.get $lo))))
      (else
        (if (i32.le_u (local.get $hx) (i32.const 0x39000000))
          (then (return (f32.add (f32.const 1) (local.get $x)))))
        ;; k = 0, lo = 0
        (local.set $hi (local.get $x))))
    (local.set $xx (f32.mul (local.get $x) (local.get $x)))
    (local.set $c (f32.sub (local.get $x) (f32.mul (local.get $xx)
      (f32.add (f32.reinterpret_i32 (i32.const 0x3e2aaa8f))
        (f32.mul (local.get $xx) (f32.reinterpret_i32 (i32.const 0xbb355215)))))))
    (local.set $y (f32.add (f32.const 1) (f32.add
      (f32.sub (f32.div (f32.mul (local.get $x) (local.get $c)) (f32.sub (f32.const 2) (local.get $c))) (local.get $lo))
      (local.get $hi))))
    (if (i32.eqz (local.get $k)) (then (return (local.get $y))))
    ;; scalbnf(y, k) for k ∈ [−150, 128]: at most one pre-scaling step, then one rounding
    (if (i32.gt_s (local.get $k) (i32.const 127)) (then
      (local.set $y (f32.mul (local.get $y) (f32.const 0x1p127)))
      (local.set $k (i32.sub (local.get $k) (i32.const 127)))))
    (if (i32.lt_s (local.get $k) (i32.const -126)) (then
      (local.set $y (f32.mul (local.get $y) (f32.const 0x1p-102)))
      (local.set $k (i32.add (local.get $k) (i32.const 102)))))
    (f32.mul (local.get $y) (f32.reinterpret_i32 (i32.shl (i32.add (local.get $k) (i32.const 127)) (i32.const 23)))))

  ;; Softmax over \`rows\` rows of n: m = max (f32.max from −∞); e_i = expf(f32(x_i − m)), kept in dst;
  ;; s = +0, s = f32(s + e_i) in order; y_i = f32(e_i / s). dst may equal src.
  (func (export "softmax_f32") (param $src i32) (param $dst i32) (param $rows i32) (param $n i32)
    (local $r i32) (local $i i32) (local $m f32) (local $s f32) (local $e f32) (local $off i32)
    (block $doneR (loop $rs
      (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $m (f32.const -inf))
      (local.set $i (i32.const 0))
      (block $doneMax (loop $max
        (br_if $doneMax (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $m (f32.max (local.get $m) (f32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $max)))
      (local.set $s (f32.const 0))
      (local.set $i (i32.const 0))
      (block $doneExp (loop $exp
        (br_if $doneExp (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.shl (local.get $i) (i32.const 2)))
        (local.set $e (call $expf (f32.sub (f32.load (i32.add (local.get $src) (local.get $off))) (local.get $m))))
        (f32.store (i32.add (local.get $dst) (local.get $off)) (local.get $e))
        (local.set $s (f32.add (local.get $s) (local.get $e)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $exp)))
      (local.set $i (i32.const 0))
      (block $doneDiv (loop $div
        (br_if $doneDiv (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $off (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2))))
        (f32.store (local.get $off) (f32.div (f32.load (local.get $off)) (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $div)))
      (local.set $src (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $n) (i32.const 2))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rs))))

  ;; y = max(x, 0) over n floats
  (func (export "relu_f32") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $v
      (br_if $done (i32.ge_u (local.get $src) (local.get $end)))
      (v128.store (local.get $dst) (f32x4.max (v128.load (local.get $src)) (v128.const f32x4 0 0 0 0)))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $v)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1 (loop $s
      (br_if $done1 (i32.ge_u (local.get $src) (local.get $end)))
      (f32.store (local.get $dst) (f32.max (f32.load (local.get $src)) (f32.const 0)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $s))))

  ;; y = f32(f32(+0 + a) + b) over n floats, as the reference accumulates (+0 first, so −0 + −0 gives +0)
  (func (export "add2_f32") (param $a i32) (param $b i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $v
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $x (v128.load (local.get $a)))
      (local.set $y (v128.load (local.get $b)))
      (v128.store (local.get $dst) (f32x4.add (f32x4.add (v128.const f32x4 0 0 0 0) (local.get $x)) (local.get $y)))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $v)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1 (loop $s
      (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
      (f32.store (local.get $dst) (f32.add (f32.add (f32.const 0) (f32.load (local.get $a))) (f32.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $s))))

  ;; Mean over positions of rows × channels, for each of \`samples\` samples: s = +0, s = f32(s + x) in position
  ;; order, y = f32(s / positions)
  (func (export "global_avgpool_f32") (param $src i32) (param $dst i32) (param $samples i32) (param $positions i32)
    (param $c i32)
    (local $b i32) (local $ch i32) (local $i i32) (local $full i32) (local $p i32) (local $n f32)
    (local $a0 v128) (local $as f32)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    (local.set $n (f32.convert_i32_s (local.get $positions)))
    (block $doneB (loop $bs
      (br_if $doneB (i32.ge_u (local.get $b) (local.get $samples)))
      (local.set $ch (i32.const 0))
      (block $doneC (loop $cs
        (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $ch) (i32.const 2))))
        (local.set $i (i32.const 0))
        (if (i32.lt_u (local.get $ch) (local.get $full))
          (then
            (local.set $a0 (v128.const f32x4 0 0 0 0))
            (block $doneI (loop $is
              (br_if $doneI (i32.ge_u (local.get $i) (local.get $positions)))
              (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $is)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $ch) (i32.const 2)))
              (f32x4.div (local.get $a0) (f32x4.splat (local.get $n))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
          (else
            (local.set $as (f32.const 0))
            (block $doneI1 (loop $is1
              (br_if $doneI1 (i32.ge_u (local.get $i) (local.get $positions)))
              (local.set $as (f32.add (local.get $as) (f32.load (local.get $p))))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $is1)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $ch) (i32.const 2))) (f32.div (local.get $as) (local.get $n)))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
        (br $cs)))
      (local.set $src (i32.add (local.get $src) (i32.shl (i32.mul (local.get $positions) (local.get $c)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bs))))

  ;; Max (kind 0) or average (kind 1) pool of one sample, in-bounds taps only (TensorFlow \`same\`). Max runs
  ;; in f32 from −∞; average: s = +0, s = f32(s + x) in (iy, ix) order, y = f32(s / tap count).
  (func (export "pool2d_f32") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $c i32)
    (param $ph i32) (param $pw i32) (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32) (param $kind i32)
    (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $iy i32) (local $ix i32) (local $ch i32) (local $full i32) (local $p i32) (local $count f32)
    (local $m v128) (local $a0 v128) (local $v v128) (local $ms f32) (local $as f32)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    ${outputPixels({
      row: POOL_ROWS,
      pixel: `${POOL_COLS}
        (local.set $count (f32.convert_i32_s (i32.mul (i32.sub (local.get $y1) (local.get $y0)) (i32.sub (local.get $x1) (local.get $x0)))))
        (local.set $ch (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
          (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
          (local.set $a0 (v128.const f32x4 0 0 0 0))
          (local.set $ms (f32.const -inf)) (local.set $as (f32.const 0))
          ${poolWindow(`(local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ch)) (i32.const 2))))
              (if (i32.lt_u (local.get $ch) (local.get $full))
                (then
                  (local.set $v (v128.load (local.get $p)))
                  (if (local.get $kind)
                    (then (local.set $a0 (f32x4.add (local.get $a0) (local.get $v))))
                    (else (local.set $m (f32x4.max (local.get $m) (local.get $v))))))
                (else
                  (if (local.get $kind)
                    (then (local.set $as (f32.add (local.get $as) (f32.load (local.get $p)))))
                    (else (local.set $ms (f32.max (local.get $ms) (f32.load (local.get $p))))))))`)}
          (local.set $p (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $c)) (local.get $ch)) (i32.const 2))))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then
              (v128.store (local.get $p) (if (result v128) (local.get $kind)
                (then (f32x4.div (local.get $a0) (f32x4.splat (local.get $count))))
                (else (local.get $m))))
              (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
            (else
              (f32.store (local.get $p) (if (result f32) (local.get $kind)
                (then (f32.div (local.get $as) (local.get $count)))
                (else (local.get $ms))))
              (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
          (br $cs)))`,
    })})

  ;; Float depthwise conv2d of one sample with depth multiplier 1: acc[c] = bias[c] (or 0) + Σ over in-bounds
  ;; taps in (ky, kx) order of acc = f32(acc + f32(x·w)); y = relu ? max(acc, 0) : acc. Filter [KH, KW, C].
  (func (export "depthwise_f32") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32)
    (param $relu i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $ch i32)
    (local $full i32) (local $p i32) (local $f i32)
    (local $a0 v128) (local $as f32)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    ${outputPixels({
      pixel: `(local.set $ch (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then (local.set $a0 ${biasOr0('v128', '$ch')}))
            (else (local.set $as ${biasOr0('f32', '$ch')})))
          ${pixelTaps(`(local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ch)) (i32.const 2))))
                  (local.set $f (i32.add (local.get $filter) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $c)) (local.get $ch)) (i32.const 2))))
                  (if (i32.lt_u (local.get $ch) (local.get $full))
                    (then
                      (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $p)) (v128.load (local.get $f))))))
                    (else
                      (local.set $as (f32.add (local.get $as) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $f)))))))`)}
          (local.set $p (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $c)) (local.get $ch)) (i32.const 2))))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then
              (if (local.get $relu) (then
                (local.set $a0 (f32x4.max (local.get $a0) (v128.const f32x4 0 0 0 0)))))
              (v128.store (local.get $p) (local.get $a0))
              (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
            (else
              (if (local.get $relu) (then (local.set $as (f32.max (local.get $as) (f32.const 0)))))
              (f32.store (local.get $p) (local.get $as))
              (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
          (br $cs)))`,
    })})`;
}
