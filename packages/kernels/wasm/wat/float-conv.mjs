// Float conv2d, bit-exact with the float32-ordered reference.
import {
  biasOr0,
  channelBlocks,
  convTaps,
  GROUP_LOCALS,
  ORIGIN_X,
  ORIGIN_Y,
  outputPixels,
  registerGroups,
} from './common.mjs';

export function floatConvKernel() {
  // G groups of 4 output channels from $o, accumulated in registers over the taps: per channel, the same
  // sequence of f32 multiply-then-add as the reference (taps in (ky, kx) order, input channels in order).
  const groups = (G) =>
    registerGroups(G, {
      taps: (body) =>
        tapLoop(`(local.set $xv (f32x4.splat (f32.load (local.get $xp))))
                ${body}`),
      step: (acc, w) => `(f32x4.add (local.get ${acc}) (f32x4.mul (local.get $xv) ${w}))`,
      store: (acc, g) => `;; f32x4.max(y, 0) = Math.max(y, 0) lane by lane (+0 for −0)
          (if (local.get $relu) (then (local.set ${acc} (f32x4.max (local.get ${acc}) (v128.const f32x4 0 0 0 0)))))
          (v128.store offset=${16 * g} (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get ${acc}))`,
    });
  // Runs \`body\` for every in-bounds tap and input channel, $xp at the input value and $fp at its filter row.
  const tapLoop = (body) =>
    convTaps(`(local.set $xp (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $ci)) (i32.const 2))))
                  (local.set $fp (i32.add (local.get $filter) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $ci)) (local.get $co)) (i32.const 2))))
                  (local.set $c (i32.const 0))
                  (loop $cs
                    ${body}
                    (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                    (local.set $fp (i32.add (local.get $fp) (i32.shl (local.get $co) (i32.const 2))))
                    (br_if $cs (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (local.get $ci))))`);
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
    (local $xv v128) ${GROUP_LOCALS} (local $s f32)
    (local.set $co4 (i32.and (local.get $co) (i32.const -4)))
    (local.set $out (local.get $dst))
    ${outputPixels({
      row: `(local.set $iy0 ${ORIGIN_Y})`,
      pixel: `(local.set $ix0 ${ORIGIN_X})
        (local.set $o (i32.const 0))
        ${channelBlocks('$co4', groups)}
        (block $done1 (loop $by1
          (br_if $done1 (i32.ge_u (local.get $o) (local.get $co)))
          (local.set $s ${biasOr0('f32', '$o')})
          ${tapLoop(`(local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $xp))
                      (f32.load (i32.add (local.get $fp) (i32.shl (local.get $o) (i32.const 2)))))))`)}
          ;; f32.max(y, 0) = Math.max(y, 0): +0 for −0
          (if (local.get $relu) (then (local.set $s (f32.max (local.get $s) (f32.const 0)))))
          (f32.store (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))) (local.get $s))
          (local.set $o (i32.add (local.get $o) (i32.const 1)))
          (br $by1)))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $co) (i32.const 2))))`,
    })})`;
}
