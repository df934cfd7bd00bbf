// Float ops besides conv2d (scale/shift, ReLU, add, pooling, depthwise conv), bit-exact with the references.
import { POOL_COLS, POOL_ROWS } from './common.mjs';

/**
 * Float ops of a deploy graph besides conv2d, each exactly equal to its reference (src/reference/float.ts). The
 * references compute in double and round once to float32 on store; here f32 values are promoted to f64 (a
 * product of two f32 is exact in f64, sums round as in JavaScript) and demoted on store, two lanes per f64x2.
 * Max and ReLU need no widening: f32 max equals Math.max on f32 values, −0/+0 and NaN included.
 */
export function floatOpKernels() {
  // f64x2 halves of an f32x4 and back: lanes 0–1 promote directly, lanes 2–3 after moving them down
  const high = (v) => `(i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${v} ${v})`;
  const lo = (v) => `(f64x2.promote_low_f32x4 ${v})`;
  const hi = (v) => `(f64x2.promote_low_f32x4 ${high(v)})`;
  const join = (a, b) =>
    `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (f32x4.demote_f64x2_zero ${a}) (f32x4.demote_f64x2_zero ${b}))`;
  const promote = (v) => `(f64.promote_f32 ${v})`;
  return `
  ;; y[p][c] = x·scale[c] + shift[c] over rows × channels (double, then float32)
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
        (v128.store (local.get $dst) ${join(
          `(f64x2.add (f64x2.mul ${lo('(local.get $x)')} ${lo('(local.get $s)')}) ${lo('(local.get $b)')})`,
          `(f64x2.add (f64x2.mul ${hi('(local.get $x)')} ${hi('(local.get $s)')}) ${hi('(local.get $b)')})`,
        )})
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $groups)))
      (block $doneTail (loop $tail
        (br_if $doneTail (i32.ge_u (local.get $c) (local.get $channels)))
        (f32.store (local.get $dst) (f32.demote_f64 (f64.add
          (f64.mul ${promote('(f32.load (local.get $src))')} ${promote('(f32.load (i32.add (local.get $scale) (i32.shl (local.get $c) (i32.const 2))))')})
          ${promote('(f32.load (i32.add (local.get $shift) (i32.shl (local.get $c) (i32.const 2))))')})))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $tail)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowsLoop))))

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

  ;; y = (0 + a) + b over n floats, in double as the reference accumulates (+0 first, so −0 + −0 gives +0)
  (func (export "add2_f32") (param $a i32) (param $b i32) (param $dst i32) (param $n i32)
    (local $end i32) (local $x v128) (local $y v128)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $v
      (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $x (v128.load (local.get $a)))
      (local.set $y (v128.load (local.get $b)))
      (v128.store (local.get $dst) ${join(
        `(f64x2.add (f64x2.add (v128.const f64x2 0 0) ${lo('(local.get $x)')}) ${lo('(local.get $y)')})`,
        `(f64x2.add (f64x2.add (v128.const f64x2 0 0) ${hi('(local.get $x)')}) ${hi('(local.get $y)')})`,
      )})
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $v)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1 (loop $s
      (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
      (f32.store (local.get $dst) (f32.demote_f64 (f64.add (f64.add (f64.const 0) ${promote('(f32.load (local.get $a))')})
        ${promote('(f32.load (local.get $b))')})))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (local.set $b (i32.add (local.get $b) (i32.const 4)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (br $s))))

  ;; Mean over positions of rows × channels (double, in position order), for each of \`samples\` samples
  (func (export "global_avgpool_f32") (param $src i32) (param $dst i32) (param $samples i32) (param $positions i32)
    (param $c i32)
    (local $b i32) (local $ch i32) (local $i i32) (local $full i32) (local $p i32) (local $n f64) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $as f64)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    (local.set $n (f64.convert_i32_s (local.get $positions)))
    (block $doneB (loop $bs
      (br_if $doneB (i32.ge_u (local.get $b) (local.get $samples)))
      (local.set $ch (i32.const 0))
      (block $doneC (loop $cs
        (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
        (local.set $p (i32.add (local.get $src) (i32.shl (local.get $ch) (i32.const 2))))
        (local.set $i (i32.const 0))
        (if (i32.lt_u (local.get $ch) (local.get $full))
          (then
            (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
            (block $doneI (loop $is
              (br_if $doneI (i32.ge_u (local.get $i) (local.get $positions)))
              (local.set $v (v128.load (local.get $p)))
              (local.set $a0 (f64x2.add (local.get $a0) ${lo('(local.get $v)')}))
              (local.set $a1 (f64x2.add (local.get $a1) ${hi('(local.get $v)')}))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $is)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $ch) (i32.const 2))) ${join(
              '(f64x2.div (local.get $a0) (f64x2.splat (local.get $n)))',
              '(f64x2.div (local.get $a1) (f64x2.splat (local.get $n)))',
            )})
            (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
          (else
            (local.set $as (f64.const 0))
            (block $doneI1 (loop $is1
              (br_if $doneI1 (i32.ge_u (local.get $i) (local.get $positions)))
              (local.set $as (f64.add (local.get $as) ${promote('(f32.load (local.get $p))')}))
              (local.set $p (i32.add (local.get $p) (i32.shl (local.get $c) (i32.const 2))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $is1)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $ch) (i32.const 2))) (f32.demote_f64 (f64.div (local.get $as) (local.get $n))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
        (br $cs)))
      (local.set $src (i32.add (local.get $src) (i32.shl (i32.mul (local.get $positions) (local.get $c)) (i32.const 2))))
      (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bs))))

  ;; Max (kind 0) or average (kind 1) pool of one sample, in-bounds taps only (TensorFlow \`same\`). Max runs
  ;; in f32 from −∞; average sums in double in (iy, ix) order and divides by the tap count.
  (func (export "pool2d_f32") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $c i32)
    (param $ph i32) (param $pw i32) (param $sh i32) (param $sw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32) (param $kind i32)
    (local $oy i32) (local $ox i32) (local $y0 i32) (local $y1 i32) (local $x0 i32) (local $x1 i32)
    (local $iy i32) (local $ix i32) (local $ch i32) (local $full i32) (local $p i32) (local $count f64)
    (local $m v128) (local $a0 v128) (local $a1 v128) (local $v v128) (local $ms f32) (local $as f64)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      ${POOL_ROWS}
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        ${POOL_COLS}
        (local.set $count (f64.convert_i32_s (i32.mul (i32.sub (local.get $y1) (local.get $y0)) (i32.sub (local.get $x1) (local.get $x0)))))
        (local.set $ch (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
          (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
          (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
          (local.set $ms (f32.const -inf)) (local.set $as (f64.const 0))
          (local.set $iy (local.get $y0))
          (block $doneIy (loop $iys
            (br_if $doneIy (i32.ge_s (local.get $iy) (local.get $y1)))
            (local.set $ix (local.get $x0))
            (block $doneIx (loop $ixs
              (br_if $doneIx (i32.ge_s (local.get $ix) (local.get $x1)))
              (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ch)) (i32.const 2))))
              (if (i32.lt_u (local.get $ch) (local.get $full))
                (then
                  (local.set $v (v128.load (local.get $p)))
                  (if (local.get $kind)
                    (then
                      (local.set $a0 (f64x2.add (local.get $a0) ${lo('(local.get $v)')}))
                      (local.set $a1 (f64x2.add (local.get $a1) ${hi('(local.get $v)')})))
                    (else (local.set $m (f32x4.max (local.get $m) (local.get $v))))))
                (else
                  (if (local.get $kind)
                    (then (local.set $as (f64.add (local.get $as) ${promote('(f32.load (local.get $p))')})))
                    (else (local.set $ms (f32.max (local.get $ms) (f32.load (local.get $p))))))))
              (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
              (br $ixs)))
            (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
            (br $iys)))
          (local.set $p (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $c)) (local.get $ch)) (i32.const 2))))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then
              (v128.store (local.get $p) (if (result v128) (local.get $kind)
                (then ${join(
                  '(f64x2.div (local.get $a0) (f64x2.splat (local.get $count)))',
                  '(f64x2.div (local.get $a1) (f64x2.splat (local.get $count)))',
                )})
                (else (local.get $m))))
              (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
            (else
              (f32.store (local.get $p) (if (result f32) (local.get $kind)
                (then (f32.demote_f64 (f64.div (local.get $as) (local.get $count))))
                (else (local.get $ms))))
              (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
          (br $cs)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))

  ;; Float depthwise conv2d of one sample with depth multiplier 1: acc[c] = bias[c] (or 0) + Σ over in-bounds
  ;; taps in (ky, kx) order of x·w in double; y = relu ? max(acc, 0) : acc, then float32. Filter [KH, KW, C].
  (func (export "depthwise_f32") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32)
    (param $h i32) (param $w i32) (param $c i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32)
    (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32)
    (param $relu i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $ch i32)
    (local $full i32) (local $p i32) (local $f i32) (local $x v128) (local $k v128)
    (local $a0 v128) (local $a1 v128) (local $as f64)
    (local.set $full (i32.and (local.get $c) (i32.const -4)))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        (local.set $ch (i32.const 0))
        (block $doneC (loop $cs
          (br_if $doneC (i32.ge_u (local.get $ch) (local.get $c)))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then
              (if (local.get $bias)
                (then
                  (local.set $x (v128.load (i32.add (local.get $bias) (i32.shl (local.get $ch) (i32.const 2)))))
                  (local.set $a0 ${lo('(local.get $x)')}) (local.set $a1 ${hi('(local.get $x)')}))
                (else (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0)))))
            (else
              (local.set $as (if (result f64) (local.get $bias)
                (then ${promote('(f32.load (i32.add (local.get $bias) (i32.shl (local.get $ch) (i32.const 2))))')})
                (else (f64.const 0))))))
          (local.set $ky (i32.const 0))
          (block $doneKy (loop $kys
            (br_if $doneKy (i32.ge_u (local.get $ky) (local.get $kh)))
            (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)) (i32.mul (local.get $ky) (local.get $dh))))
            (if (i32.lt_u (local.get $iy) (local.get $h)) (then
              (local.set $kx (i32.const 0))
              (block $doneKx (loop $kxs
                (br_if $doneKx (i32.ge_u (local.get $kx) (local.get $kw)))
                (local.set $ix (i32.add (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)) (i32.mul (local.get $kx) (local.get $dw))))
                (if (i32.lt_u (local.get $ix) (local.get $w)) (then
                  (local.set $p (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $c)) (local.get $ch)) (i32.const 2))))
                  (local.set $f (i32.add (local.get $filter) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $c)) (local.get $ch)) (i32.const 2))))
                  (if (i32.lt_u (local.get $ch) (local.get $full))
                    (then
                      (local.set $x (v128.load (local.get $p)))
                      (local.set $k (v128.load (local.get $f)))
                      (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul ${lo('(local.get $x)')} ${lo('(local.get $k)')})))
                      (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul ${hi('(local.get $x)')} ${hi('(local.get $k)')}))))
                    (else
                      (local.set $as (f64.add (local.get $as)
                        (f64.mul ${promote('(f32.load (local.get $p))')} ${promote('(f32.load (local.get $f))')})))))))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br $kxs)))))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $kys)))
          (local.set $p (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (i32.mul (local.get $oy) (local.get $ow)) (local.get $ox)) (local.get $c)) (local.get $ch)) (i32.const 2))))
          (if (i32.lt_u (local.get $ch) (local.get $full))
            (then
              (if (local.get $relu) (then
                (local.set $a0 (f64x2.max (local.get $a0) (v128.const f64x2 0 0)))
                (local.set $a1 (f64x2.max (local.get $a1) (v128.const f64x2 0 0)))))
              (v128.store (local.get $p) ${join('(local.get $a0)', '(local.get $a1)')})
              (local.set $ch (i32.add (local.get $ch) (i32.const 4))))
            (else
              (if (local.get $relu) (then (local.set $as (f64.max (local.get $as) (f64.const 0)))))
              (f32.store (local.get $p) (f32.demote_f64 (local.get $as)))
              (local.set $ch (i32.add (local.get $ch) (i32.const 1)))))
          (br $cs)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))`;
}
