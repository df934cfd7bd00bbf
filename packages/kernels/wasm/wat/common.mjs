// Shared by the WAT generators of ./*.mjs.

export const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Output channels per micro-kernel block (one i32x4 of results). */
export const C = 4;

/** A pool window's in-bounds rows [y0, y1) for output row oy (TensorFlow \`same\`: out-of-bounds taps dropped). */
export const POOL_ROWS = `(local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)))
      (local.set $y1 (i32.add (local.get $y0) (local.get $ph)))
      (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $h)) (then (local.set $y1 (local.get $h))))`;
/** The same for columns [x0, x1) of output column ox. */
export const POOL_COLS = `(local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $pw)))
        (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))`;
