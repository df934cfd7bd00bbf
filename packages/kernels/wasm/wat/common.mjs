// Shared by the WAT generators of ./*.mjs: constants, and the loop / bounds scaffolding the conv, depthwise and
// pool kernels (float and int8) have in common. Each helper is WAT text over fixed local names (documented per
// helper); the caller declares those locals. Whitespace is free (only the instructions reach the binary).

export const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Output channels per micro-kernel block (one i32x4 of results). */
export const C = 4;

/** Input row of output row $oy's first tap: oy·sh − padTop (TensorFlow `same`/`valid` geometry). */
export const ORIGIN_Y = '(i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop))';
/** Input column of output column $ox's first tap: ox·sw − padLeft. */
export const ORIGIN_X = '(i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft))';

/** A pool window's in-bounds rows [y0, y1) for output row oy (TensorFlow \`same\`: out-of-bounds taps dropped). */
export const POOL_ROWS = `(local.set $y0 ${ORIGIN_Y})
      (local.set $y1 (i32.add (local.get $y0) (local.get $ph)))
      (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $h)) (then (local.set $y1 (local.get $h))))`;
/** The same for columns [x0, x1) of output column ox. */
export const POOL_COLS = `(local.set $x0 ${ORIGIN_X})
        (local.set $x1 (i32.add (local.get $x0) (local.get $pw)))
        (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))`;

/**
 * Every output pixel of one sample, row-major: `row` once per output row, then `pixel` per output pixel. Locals
 * $oy (0 on entry, as every local starts), $ox; params $oh, $ow.
 */
export const outputPixels = ({ row = '', pixel }) => `(block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      ${row}
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        ${pixel}
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys)))`;

/**
 * `body` for every in-bounds tap (ky, kx) of the pixel whose first tap is ($iy0, $ix0) (ORIGIN_Y / ORIGIN_X, set
 * once per row / pixel), $iy and $ix at the tap's input position (dilations $dh, $dw; input $h × $w). The loops
 * test at the bottom: kh, kw ≥ 1.
 */
export const convTaps = (body) => `(local.set $ky (i32.const 0))
          (loop $kys
            (local.set $iy (i32.add (local.get $iy0) (i32.mul (local.get $ky) (local.get $dh))))
            (if (i32.lt_u (local.get $iy) (local.get $h)) (then
              (local.set $kx (i32.const 0))
              (loop $kxs
                (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (local.get $dw))))
                (if (i32.lt_u (local.get $ix) (local.get $w)) (then
                  ${body}))
                (br_if $kxs (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))))
            (br_if $kys (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))`;

/** The same taps of output pixel ($oy, $ox), each tap's position computed from the pixel (loops test at the top). */
export const pixelTaps = (body) => `(local.set $ky (i32.const 0))
          (block $doneKy (loop $kys
            (br_if $doneKy (i32.ge_u (local.get $ky) (local.get $kh)))
            (local.set $iy (i32.add ${ORIGIN_Y} (i32.mul (local.get $ky) (local.get $dh))))
            (if (i32.lt_u (local.get $iy) (local.get $h)) (then
              (local.set $kx (i32.const 0))
              (block $doneKx (loop $kxs
                (br_if $doneKx (i32.ge_u (local.get $kx) (local.get $kw)))
                (local.set $ix (i32.add ${ORIGIN_X} (i32.mul (local.get $kx) (local.get $dw))))
                (if (i32.lt_u (local.get $ix) (local.get $w)) (then
                  ${body}))
                (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
                (br $kxs)))))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $kys)))`;

/** `body` for every input position ($iy, $ix) of a pool window [y0, y1) × [x0, x1) (POOL_ROWS / POOL_COLS). */
export const poolWindow = (body) => `(local.set $iy (local.get $y0))
          (block $doneIy (loop $iys
            (br_if $doneIy (i32.ge_s (local.get $iy) (local.get $y1)))
            (local.set $ix (local.get $x0))
            (block $doneIx (loop $ixs
              (br_if $doneIx (i32.ge_s (local.get $ix) (local.get $x1)))
              ${body}
              (local.set $ix (i32.add (local.get $ix) (i32.const 1)))
              (br $ixs)))
            (local.set $iy (i32.add (local.get $iy) (i32.const 1)))
            (br $iys)))`;

/**
 * Output channels from $o in blocks of 32, 16, then 4 (up to `limit`, a multiple of 4): `groups(G)` computes G
 * groups of 4 channels from $o and advances $o by 4·G.
 */
export const channelBlocks = (limit, groups) => `(block $done32 (loop $by32
          (br_if $done32 (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get ${limit})))
          ${groups(8)}
          (br $by32)))
        (block $done16 (loop $by16
          (br_if $done16 (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get ${limit})))
          ${groups(4)}
          (br $by16)))
        (block $done4 (loop $by4
          (br_if $done4 (i32.ge_u (local.get $o) (local.get ${limit})))
          ${groups(1)}
          (br $by4)))`;

const ZERO = { v128: '(v128.const i32x4 0 0 0 0)', i32: '(i32.const 0)', f32: '(f32.const 0)' };
/**
 * bias[index] as `type` (v128: 4 lanes from there; `offset` bytes further), or 0 when there is no bias ($bias is
 * 0). Every 32-bit zero lane is the same bits for f32 and i32.
 */
export const biasOr0 = (type, index, offset = 0) => `(if (result ${type}) (local.get $bias)
            (then (${type}.load${offset ? ` offset=${offset}` : ''} (i32.add (local.get $bias) (i32.shl (local.get ${index}) (i32.const 2)))))
            (else ${ZERO[type]}))`;

/** The accumulator registers of `registerGroups` (8 groups at the most), as local declarations. */
export const GROUP_LOCALS = range(8)
  .map((g) => `(local $a${g} v128)`)
  .join(' ');

/**
 * G groups of 4 output channels from $o in registers $a0…$a(G−1): each starts at the bias (`biasOr0`), then
 * `taps(body)` walks the inputs with, per group, acc = `step(acc, w)` as body (w: the group's 4 weights at $fp + 4·$o),
 * then `store(acc, g)`; $o advances by 4·G. For `channelBlocks`.
 */
export const registerGroups = (G, { taps, step, store }) => {
  const acc = (g) => `$a${g}`;
  const wAt = (g) =>
    `(v128.load offset=${16 * g} (i32.add (local.get $fp) (i32.shl (local.get $o) (i32.const 2))))`;
  return `${range(G)
    .map((g) => `(local.set ${acc(g)} ${biasOr0('v128', '$o', 16 * g)})`)
    .join('\n          ')}
          ${taps(
            range(G)
              .map((g) => `(local.set ${acc(g)} ${step(acc(g), wAt(g))})`)
              .join('\n                '),
          )}
          ${range(G)
            .map((g) => store(acc(g), g))
            .join('\n          ')}
          (local.set $o (i32.add (local.get $o) (i32.const ${4 * G})))`;
};
