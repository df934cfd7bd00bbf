// Float conv2d, bit-exact with the float32-ordered reference.
import { range } from './common.mjs';

export function floatConvKernel() {
  // G groups of 4 output channels from $o, accumulated in registers over the taps: per channel, the same
  // sequence of f32 multiply-then-add as the reference (taps in (ky, kx) order, input channels in order).
  const groups = (G) => {
    const acc = (g) => `$a${g}`;
    const wAt = (g) =>
      `(v128.load offset=${16 * g} (i32.add (local.get $fp) (i32.shl (local.get $o) (i32.const 2))))`;
    return `${range(G)
      .map(
        (g) => `(local.set ${acc(g)} (if (result v128) (local.get $bias)
          (then (v128.load offset=${16 * g} (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
          (else (v128.const f32x4 0 0 0 0))))`,
      )
      .join('\n          ')}
          ${tapLoop(`(local.set $xv (f32x4.splat (f32.load (local.get $xp))))
                ${range(G)
                  .map(
                    (g) =>
                      `(local.set ${acc(g)} (f32x4.add (local.get ${acc(g)}) (f32x4.mul (local.get $xv) ${wAt(g)})))`,
                  )
                  .join('\n                ')}`)}
          ${range(G)
            .map(
              (g) => `;; f32x4.max(y, 0) = Math.max(y, 0) lane by lane (+0 for −0)
          (if (local.get $relu) (then (local.set ${acc(g)} (f32x4.max (local.get ${acc(g)}) (v128.const f32x4 0 0 0 0)))))
          (v128.store offset=${16 * g} (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get ${acc(g)}))`,
            )
            .join('\n          ')}
          (local.set $o (i32.add (local.get $o) (i32.const ${4 * G})))`;
  };
  // Runs \`body\` for every in-bounds tap and input channel, $xp at the input value and $fp at its filter row.
  const tapLoop = (body) => `(local.set $ky (i32.const 0))
          (loop $kys
            (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $ky) (local.get $dh))))
            (if (i32.lt_u (local.get $iy) (local.get $h)) (then
              (local.set $kx (i32.const 0))
              (loop $kxs
                (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (local.get $dw))))
                (if (i32.lt_u (local.get $ix) (local.get $w)) (then
                  (local.set $xp (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $ci)) (i32.const 2))))
                  (local.set $fp (i32.add (local.get $filter) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $ci)) (local.get $co)) (i32.const 2))))
                  (local.set $c (i32.const 0))
                  (loop $cs
                    ${body}
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $fp (i32.add (local.get $fp) (i32.shl (local.get $co) (i32.const 2))))
                    (br_if $cs (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ci))))))
                (br_if $kxs (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))))
            (br_if $kys (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))`;
  return `
  ;; Float conv2d of one sample (NHWC, HWIO filter, zero padding): per output channel acc = bias (or 0), then for
  ;; taps (ky, kx) and input channels c in order acc = f32(acc + f32(x·w)), ReLU if asked — the same operations
  ;; and float32 rounding as conv2dReference. Output channels go 32 (8 × f32x4 in registers), 16, 4, then 1 at a
  ;; time, each pass walking the taps again.
  (func (export "conv2d_f32") (param $src i32) (param $filter i32) (param $bias i32) (param $dst i32) (param $co i32)
    (param $h i32) (param $w i32) (param $ci i32) (param $kh i32) (param $kw i32)
    (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32) (param $padTop i32) (param $padLeft i32)
    (param $oh i32) (param $ow i32) (param $relu i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $c i32)
    (local $o i32) (local $co4 i32) (local $xp i32) (local $fp i32) (local $out i32) (local $iy0 i32) (local $ix0 i32)
    (local $xv v128) ${range(8)
      .map((g) => `(local $a${g} v128)`)
      .join(' ')} (local $s f32)
    (local.set $co4 (i32.and (local.get $co) (i32.const -4)))
    (local.set $out (local.get $dst))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      (local.set $iy0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)))
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)))
        (local.set $o (i32.const 0))
        (block $done32 (loop $by32
          (br_if $done32 (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get $co4)))
          ${groups(8)}
          (br $by32)))
        (block $done16 (loop $by16
          (br_if $done16 (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $co4)))
          ${groups(4)}
          (br $by16)))
        (block $done4 (loop $by4
          (br_if $done4 (i32.ge_u (local.get $o) (local.get $co4)))
          ${groups(1)}
          (br $by4)))
        (block $done1 (loop $by1
          (br_if $done1 (i32.ge_u (local.get $o) (local.get $co)))
          (local.set $s (if (result f32) (local.get $bias)
            (then (f32.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
            (else (f32.const 0))))
          ${tapLoop(`(local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xp))
                      (f32.load (i32.add (local.get $fp) (i32.shl (local.get $o) (i32.const 2)))))))`)}
          ;; f32.max(y, 0) = Math.max(y, 0): +0 for −0
          (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
          (f32.store (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get $s))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (br $by1)))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $co) (i32.const 2))))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))`;
}
