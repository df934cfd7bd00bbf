// Binary GEMM micro-kernels (bgemm, the brow/nrow row kernels): XOR + popcount over im2col rows with the fused
// output transform.
import { C, range } from './common.mjs';

/**
 * bgemm, the GEMM micro-kernel for rows of any length: P pixels × 4 channels per block, U steps (one i64 of each
 * row) per loop iteration, the P rows of a pair stored step by step ([step][pixel][8 bytes]) so one pointer walks
 * them. Counts of two channels share one i64 (c in the low half, c + 1 in the high half), which halves the live
 * registers: with 8 separate counts Node's V8 spilled 5 of them.
 */
export function gemmKernel({ name, P = 2, U = 1, kind }) {
  // kind 0 / 1: the output transform (float / bit-packed), fixed at build time (no per-pixel branch).
  const STEP = 8;
  const L = [];
  for (const j of range(P)) {
    L.push(`(local $xs${j} i64) (local $word${j} i32)`);
    for (const c of range(C)) L.push(`(local $s${j}${c} i64)`);
  }
  const zeroAcc = range(P)
    .flatMap((j) => range(C).map((c) => `(local.set $s${j}${c} (i64.const 0))`))
    .join('\n');
  const step = [];
  for (let u = 0; u < U; u++) {
    for (const j of range(P))
      step.push(`(local.set $xs${j} (i64.load offset=${(u * P + j) * STEP} (local.get $pa0)))`);
    for (const c of [0, 2]) {
      const wload = (cc) => `(i64.load offset=${(u * C + cc) * STEP} (local.get $pb))`;
      // each half stays < 2^32, so the low half never carries into the high one
      step.push(`(local.set $ws ${wload(c)}) (local.set $ws2 ${wload(c + 1)})`);
      for (const j of range(P)) {
        step.push(
          `(local.set $s${j}${c} (i64.add (local.get $s${j}${c}) (i64.add (i64.popcnt (i64.xor (local.get $xs${j}) (local.get $ws)))
                (i64.shl (i64.popcnt (i64.xor (local.get $xs${j}) (local.get $ws2))) (i64.const 32)))))`,
        );
      }
    }
  }
  const epilogue = range(P)
    .map((j) => {
      // the i64 pair (s_j0, s_j2) read as i32x4 is exactly [c0, c1, c2, c3]
      const scalars = `(i64x2.replace_lane 1 (i64x2.splat (local.get $s${j}0)) (local.get $s${j}2))`;
      const floatBody = `        ;; float: dot = K − 2·accum (− zero-padding correction); y = act(mul·clamp(dot) + bias)
        (local.set $dot (i32x4.sub (local.get $kvec) (i32x4.shl (local.get $acc) (i32.const 1))))
        (if (i32.and (local.get $flags) (i32.const 4)) (then
          (local.set $dot (i32x4.sub (local.get $dot)
            (v128.load (i32.add (local.get $corr) (i32.shl (i32.add (i32.mul (local.get $pix) (local.get $n4x4)) (local.get $o)) (i32.const 2))))))))
        (if (i32.and (local.get $flags) (i32.const 1)) (then
          (local.set $dot (i32x4.max_s (local.get $dot) (local.get $lov)))))
        (if (i32.and (local.get $flags) (i32.const 8)) (then
          (local.set $dot (i32x4.min_s (local.get $dot) (local.get $hiv)))))
        (local.set $y (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $dot))
          (local.get $mulv)) (local.get $biasv)))
        ;; pmax(0, y) = (0 < y ? y : 0) = Math.max(y, 0) for non-NaN y, including y = −0 → +0
        (if (i32.and (local.get $flags) (i32.const 2)) (then
          (local.set $y (f32x4.pmax (v128.const f32x4 0 0 0 0) (local.get $y)))))
        (local.set $addr (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $pix) (local.get $cout)) (local.get $o)) (i32.const 2))))
        (if (i32.le_u (i32.add (local.get $o) (i32.const 4)) (local.get $cout))
          (then (v128.store (local.get $addr) (local.get $y)))
          (else
            (f32.store (local.get $addr) (f32x4.extract_lane 0 (local.get $y)))
            (if (i32.lt_u (i32.add (local.get $o) (i32.const 1)) (local.get $cout)) (then
              (f32.store offset=4 (local.get $addr) (f32x4.extract_lane 1 (local.get $y)))))
            (if (i32.lt_u (i32.add (local.get $o) (i32.const 2)) (local.get $cout)) (then
              (f32.store offset=8 (local.get $addr) (f32x4.extract_lane 2 (local.get $y)))))))
`;
      const bitsBody = `        ;; bit-packed: bit = accum > threshold (padded channels have INT32_MAX, so their bits stay 0)
        (local.set $word${j} (i32.or (local.get $word${j}) (i32.shl
          (i32x4.bitmask (i32x4.gt_s (local.get $acc) (local.get $thrv)))
          (i32.and (local.get $o) (i32.const 31)))))
        (if (i32.or (i32.eqz (i32.and (i32.add (local.get $o) (i32.const 4)) (i32.const 31)))
                    (i32.ge_u (i32.add (local.get $o) (i32.const 4)) (local.get $cout))) (then
          (i32.store (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $pix) (local.get $wout))
            (i32.shr_u (local.get $o) (i32.const 5))) (i32.const 2))) (local.get $word${j}))
          (local.set $word${j} (i32.const 0))))`;
      const transform = kind === 0 ? floatBody : bitsBody;
      return `(if (i32.lt_u (i32.add (local.get $p) (i32.const ${j})) (local.get $m)) (then
      (local.set $acc ${scalars})
      (local.set $pix (i32.add (local.get $p) (i32.const ${j})))
      ${transform}))`;
    })
    .join('\n');

  // The k loop over the row's steps, U per iteration.
  const kLoop = `(loop $k
            ${step.join('\n            ')}
            (local.set $pa0 (i32.add (local.get $pa0) (i32.const ${U * STEP * P})))
            (local.set $pb (i32.add (local.get $pb) (i32.const ${U * STEP * C})))
            (br_if $k (i32.lt_u (local.get $pa0) (local.get $rowEnd))))`;
  return `
  ;; Binary GEMM with fused output transform.
  ;; a: m rows of \`steps\`·${STEP} bytes (im2col pixels); b: filter interleaved as [n4][steps][4 channels][${STEP} bytes].
  ;; accum[p][o] = Σ popcount(a_p XOR b_o); kind 0 → float32 [m][cout], kind 1 → packed [m][ceil(cout/32)].
  ;; flags: 1 clamp dot below at lo, 8 clamp dot above at hi (lo, hi: signed bytes 2 and 3 of flags; the dot
  ;; clamp of LCE's fused activation), 2 ReLU activation, 4 subtract correction corr[p][n4·4] (zero-padding).
  (func (export "${name}") (param $a i32) (param $m i32) (param $steps i32) (param $b i32) (param $n4 i32)
    (param $cout i32) (param $out i32) (param $flags i32) (param $k i32)
    (param $thr i32) (param $mul i32) (param $bias i32) (param $corr i32) (param $tile i32) (param $counts i32)
    (local $t0 i32) (local $t1 i32)
    (local $p i32) (local $blk i32) (local $o i32) (local $pb i32) (local $pa0 i32)
    (local $rowBytes i32) (local $rowEnd i32) (local $pix i32) (local $addr i32)
    (local $wout i32) (local $n4x4 i32)
    (local $ws i64) (local $ws2 i64) (local $acc v128) (local $dot v128)
    (local $y v128) (local $kvec v128) (local $mulv v128) (local $biasv v128) (local $thrv v128)
    (local $lov v128) (local $hiv v128)
    ${L.join('\n    ')}
    (local.set $rowBytes (i32.mul (local.get $steps) (i32.const ${STEP})))
    (local.set $wout (i32.shr_u (i32.add (local.get $cout) (i32.const 31)) (i32.const 5)))
    (local.set $n4x4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $kvec (i32x4.splat (local.get $k)))
    (local.set $lov (i32x4.splat (i32.shr_s (i32.shl (local.get $flags) (i32.const 8)) (i32.const 24))))
    (local.set $hiv (i32x4.splat (i32.shr_s (local.get $flags) (i32.const 24))))
    ;; channel tiles of \`tile\` blocks (a multiple of 8 blocks = 32 channels, so packed words never straddle
    ;; tiles): the tile's filter rows stay in L1 while every pixel pair streams past them.
    (block $doneTiles (loop $tiles
      (br_if $doneTiles (i32.ge_u (local.get $t0) (local.get $n4)))
      (local.set $t1 (select (local.get $n4) (i32.add (local.get $t0) (local.get $tile))
        (i32.lt_u (i32.sub (local.get $n4) (local.get $t0)) (local.get $tile))))
      (local.set $p (i32.const 0))
    (block $donePixels (loop $pixels
      (br_if $donePixels (i32.ge_u (local.get $p) (local.get $m)))
      ${range(P)
        .map((j) => `(local.set $word${j} (i32.const 0))`)
        .join(' ')}
      (local.set $blk (local.get $t0))
      (block $doneBlocks (loop $blocks
        (br_if $doneBlocks (i32.ge_u (local.get $blk) (local.get $t1)))
        (local.set $o (i32.shl (local.get $blk) (i32.const 2)))
        ;; the block's pair of rows (a pixel past m reads its partner's row; its results are not stored)
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $p) (local.get $rowBytes))))
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $blk) (i32.shl (local.get $rowBytes) (i32.const 2)))))
        (local.set $rowEnd (i32.add (local.get $pa0) (i32.mul (local.get $rowBytes) (i32.const ${P}))))
        ${zeroAcc}
        ${kLoop}
        ;; transform parameters of this block's 4 channels, shared by its pixels
        (local.set $mulv (v128.load (i32.add (local.get $mul) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $biasv (v128.load (i32.add (local.get $bias) (i32.shl (local.get $o) (i32.const 2)))))
        (local.set $thrv (v128.load (i32.add (local.get $thr) (i32.shl (local.get $o) (i32.const 2)))))
        ${epilogue}
        (local.set $blk (i32.add (local.get $blk) (i32.const 1)))
        (br $blocks)))
      (local.set $p (i32.add (local.get $p) (i32.const ${P})))
      (br $pixels)))
      (local.set $t0 (local.get $t1))
      (br $tiles)))
  )`;
}

/**
 * Byte addresses of the per-step count stores of the row kernels, one 64-byte line per thread (below the heap
 * base of 1024 and clear of the thread control block at 64..191): the main thread's build, then the worker's.
 */
export const STEP_STORE_BYTES = { main: 256, worker: 384 };

/**
 * Row micro-kernel generator: 1 pixel × 4 channels per block, U steps per k-loop iteration (the first U peeled,
 * so a row of exactly U steps runs straight-line code), counts to a row of `counts` then one transform pass per
 * pixel. `storeAt` is the byte address of the per-step stores (STEP_STORE_BYTES); `exact` drops the k loop, for
 * rows of exactly U steps; `stores: false` leaves the per-step stores out (newer V8, as in Chromium, schedules
 * the unrolled loads well by itself, and there the stores only cost).
 */
export function rowKernel({ name, U, kind, storeAt, exact = false, stores = true }) {
  // One k-step: the pixel's i64, then per channel count += popcount(w ^ x). Written w-first so V8 overwrites
  // the single-use w register rather than copying x.
  // The four running counts are stored after every step, to a fixed address: the stores order each step's
  // loads after the previous step's arithmetic. Without them V8 (11.3, Node 20) hoists every load of the
  // unrolled chunk to its top and spills most of them; a fixed address keeps the stores free of a pointer
  // register (through a pointer, V8 spills one: −25 %).
  const step = (u, rowPtr, first) => {
    const lines = [`(local.set $x (i64.load offset=${u * 16} (local.get ${rowPtr})))`];
    for (const c of range(C)) {
      const pc = `(i64.popcnt (i64.xor (i64.load offset=${(u * C + c) * 8} (local.get $pb)) (local.get $x)))`;
      lines.push(`(local.set $s${c} ${first ? pc : `(i64.add (local.get $s${c}) ${pc})`})`);
    }
    // (not after a chunk's last step: the loads that follow are in another basic block, beyond V8's reach)
    if (stores && u < U - 1)
      for (const c of range(C))
        lines.push(`(i64.store offset=${storeAt + 8 * c} (i32.const 0) (local.get $s${c}))`);
    return lines.join('\n          ');
  };
  const chunk = (rowPtr, first) =>
    range(U)
      .map((u) => step(u, rowPtr, first && u === 0))
      .join('\n          ');
  const advance = `(local.set $pb (i32.add (local.get $pb) (i32.const ${U * C * 8})))`;
  // y of the 4 channels at the pointers; `general` adds the flag-dependent steps (tested at run time)
  const yOfGroup = (general, g = 0) => {
    const at = (ptr) => `(v128.load offset=${16 * g} (local.get ${ptr}))`;
    const steps = [`(local.set $dot (i32x4.sub (local.get $kvec) (i32x4.shl ${at('$cp')} (i32.const 1))))`];
    if (general)
      steps.push(`(if (i32.and (local.get $flags) (i32.const 4)) (then
            (local.set $dot (i32x4.sub (local.get $dot) ${at('$rp')}))))
          (if (i32.and (local.get $flags) (i32.const 1)) (then
            (local.set $dot (i32x4.max_s (local.get $dot) (local.get $lov)))))
          (if (i32.and (local.get $flags) (i32.const 8)) (then
            (local.set $dot (i32x4.min_s (local.get $dot) (local.get $hiv)))))`);
    steps.push(
      `(local.set $y (f32x4.add (f32x4.mul (f32x4.convert_i32x4_s (local.get $dot)) ${at('$mp')}) ${at('$bp')}))`,
    );
    // pmax(0, y) = (0 < y ? y : 0) = Math.max(y, 0) for non-NaN y, including y = −0 → +0
    if (general)
      steps.push(`(if (i32.and (local.get $flags) (i32.const 2)) (then
            (local.set $y (f32x4.pmax (v128.const f32x4 0 0 0 0) (local.get $y)))))`);
    return steps.join('\n          ');
  };
  const nextGroups = (n, general) =>
    ['$cp', '$mp', '$bp', '$yp', ...(general ? ['$rp'] : [])]
      .map((ptr) => `(local.set ${ptr} (i32.add (local.get ${ptr}) (i32.const ${16 * n})))`)
      .join(' ');
  // `n` groups per iteration while n whole groups remain
  const groupLoop = (label, general, n) => `(block $${label}Done (loop $${label}
            (br_if $${label}Done (i32.gt_u (i32.add (local.get $cp) (i32.const ${16 * n})) (local.get $cpFull)))
          ${range(n)
            .map(
              (g) => `${yOfGroup(general, g)}
            (v128.store offset=${16 * g} (local.get $yp) (local.get $y))`,
            )
            .join('\n          ')}
            ${nextGroups(n, general)}
            (br $${label})))`;
  const floatPass = `;; float: dot = K − 2·count (− zero-padding correction); y = act(mul·clamp(dot) + bias). Whole groups of
        ;; 4 channels first (a loop without flag tests when flags = 0), then the partial group past cout & ~3.
        (local.set $ob (i32.shl (local.get $o) (i32.const 2)))
        (local.set $cp (i32.add (local.get $counts) (local.get $ob)))
        (local.set $mp (i32.add (local.get $mul) (local.get $ob)))
        (local.set $bp (i32.add (local.get $bias) (local.get $ob)))
        (local.set $yp (i32.add (i32.add (local.get $out) (i32.shl (i32.mul (local.get $p) (local.get $cout)) (i32.const 2))) (local.get $ob)))
        (local.set $rp (i32.add (i32.add (local.get $corr) (i32.shl (i32.mul (local.get $p) (local.get $n4x4)) (i32.const 2))) (local.get $ob)))
        (local.set $cpFull (i32.add (local.get $counts) (i32.shl (i32.and (local.get $oEnd) (i32.const -4)) (i32.const 2))))
        (if (i32.eqz (local.get $flags))
          (then ${groupLoop('plain4', false, 4)} ${groupLoop('plain', false, 1)})
          (else ${groupLoop('flagged', true, 1)}))
        (if (i32.and (local.get $oEnd) (i32.const 3)) (then
          ${yOfGroup(true)}
          (f32.store (local.get $yp) (f32x4.extract_lane 0 (local.get $y)))
          (if (i32.gt_u (i32.and (local.get $oEnd) (i32.const 3)) (i32.const 1)) (then
            (f32.store offset=4 (local.get $yp) (f32x4.extract_lane 1 (local.get $y)))))
          (if (i32.gt_u (i32.and (local.get $oEnd) (i32.const 3)) (i32.const 2)) (then
            (f32.store offset=8 (local.get $yp) (f32x4.extract_lane 2 (local.get $y)))))))`;
  const bitsPass = `;; bit-packed: bit = count > threshold, 32 channels per word (tiles hold whole words; thresholds are
        ;; padded with INT32_MAX to whole words, so bits past cout stay 0 whatever their count slots hold)
        (local.set $addr (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $wout)) (i32.shr_u (local.get $o) (i32.const 5))) (i32.const 2))))
        (loop $transform
          (local.set $cp (i32.add (local.get $counts) (i32.shl (local.get $o) (i32.const 2))))
          (local.set $tp (i32.add (local.get $thr) (i32.shl (local.get $o) (i32.const 2))))
          (i32.store (local.get $addr) ${range(8).reduce(
            (acc, g) =>
              `(i32.or ${acc}
            (i32.shl (i32x4.bitmask (i32x4.gt_s (v128.load offset=${16 * g} (local.get $cp)) (v128.load offset=${16 * g} (local.get $tp)))) (i32.const ${4 * g})))`,
            '(i32.const 0)',
          )})
          (local.set $addr (i32.add (local.get $addr) (i32.const 4)))
          (br_if $transform (i32.lt_u (local.tee $o (i32.add (local.get $o) (i32.const 32))) (local.get $oEnd))))`;
  return `
  ;; Binary GEMM, row kernel: per pixel, every 4-channel block of the tile counts popcount(a_p XOR b_o) into
  ;; counts[o] (a row of ceil(cout/32)·32 i32), then one pass applies the output transform to the pixel's channels.
  ;; Same parameters as bgemm plus \`counts\`; rows of a multiple of ${U} steps.
  (func (export "${name}") (param $a i32) (param $m i32) (param $steps i32) (param $b i32) (param $n4 i32)
    (param $cout i32) (param $out i32) (param $flags i32) (param $k i32)
    (param $thr i32) (param $mul i32) (param $bias i32) (param $corr i32) (param $tile i32) (param $counts i32)
    (local $t0 i32) (local $t1 i32) (local $p i32) (local $pa0 i32) (local $pa i32) (local $pb i32) (local $cnt i32)
    (local $cntEnd i32) (local $rowBytes i32) (local $rowEnd i32) (local $o i32) (local $oEnd i32) (local $ob i32)
    (local $addr i32) (local $wout i32) (local $n4x4 i32) (local $cp i32) (local $tp i32) (local $cpFull i32)
    (local $mp i32) (local $bp i32) (local $yp i32) (local $rp i32)
    (local $x i64) ${range(C)
      .map((c) => `(local $s${c} i64)`)
      .join(' ')}
    (local $kvec v128) (local $dot v128) (local $y v128) (local $lov v128) (local $hiv v128)
    (local.set $rowBytes (i32.shl (local.get $steps) (i32.const 3)))
    (local.set $wout (i32.shr_u (i32.add (local.get $cout) (i32.const 31)) (i32.const 5)))
    (local.set $n4x4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $kvec (i32x4.splat (local.get $k)))
    (local.set $lov (i32x4.splat (i32.shr_s (i32.shl (local.get $flags) (i32.const 8)) (i32.const 24))))
    (local.set $hiv (i32x4.splat (i32.shr_s (local.get $flags) (i32.const 24))))
    (block $doneTiles (loop $tiles
      (br_if $doneTiles (i32.ge_u (local.get $t0) (local.get $n4)))
      (local.set $t1 (select (local.get $n4) (i32.add (local.get $t0) (local.get $tile))
        (i32.lt_u (i32.sub (local.get $n4) (local.get $t0)) (local.get $tile))))
      (local.set $cntEnd (i32.add (local.get $counts) (i32.shl (local.get $t1) (i32.const 4))))
      ;; the tile's channels [4·t0, oEnd)
      (local.set $oEnd (select (local.get $cout) (i32.shl (local.get $t1) (i32.const 2))
        (i32.gt_u (i32.shl (local.get $t1) (i32.const 2)) (local.get $cout))))
      (local.set $p (i32.const 0))
      (block $donePixels (loop $pixels
        (br_if $donePixels (i32.ge_u (local.get $p) (local.get $m)))
        ;; row p of the pair-interleaved layout: pair p >> 1, second row of the pair 8 bytes in; steps 16 bytes apart
        (local.set $pa0 (i32.add (local.get $a) (i32.add (i32.mul (i32.shr_u (local.get $p) (i32.const 1)) (i32.shl (local.get $rowBytes) (i32.const 1)))
          (i32.shl (i32.and (local.get $p) (i32.const 1)) (i32.const 3)))))
        (local.set $rowEnd (i32.add (local.get $pa0) (i32.shl (local.get $rowBytes) (i32.const 1))))
        ;; the tile's filter blocks follow each other, so pb runs on from block to block
        (local.set $pb (i32.add (local.get $b) (i32.mul (local.get $t0) (i32.shl (local.get $rowBytes) (i32.const 2)))))
        (local.set $cnt (i32.add (local.get $counts) (i32.shl (local.get $t0) (i32.const 4))))
        (loop $blocks
          ${chunk('$pa0', true)}
          ${advance}
          ${
            exact
              ? ''
              : `          (local.set $pa (i32.add (local.get $pa0) (i32.const ${U * 16})))
          (block $doneK (loop $k
            (br_if $doneK (i32.ge_u (local.get $pa) (local.get $rowEnd)))
          ${chunk('$pa', false)}
            ${advance}
            (local.set $pa (i32.add (local.get $pa) (i32.const ${U * 16})))
            (br $k)))`
          }
          ${range(C)
            .map((c) => `(i64.store32 offset=${4 * c} (local.get $cnt) (local.get $s${c}))`)
            .join(' ')}
          (local.set $cnt (i32.add (local.get $cnt) (i32.const 16)))
          (br_if $blocks (i32.lt_u (local.get $cnt) (local.get $cntEnd))))
        (local.set $o (i32.shl (local.get $t0) (i32.const 2)))
        ${kind === 0 ? floatPass : bitsPass}
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $pixels)))
      (local.set $t0 (local.get $t1))
      (br $tiles)))
  )`;
}

// The shipped micro-kernels. Which is fastest depends on the JavaScript engine (V8 versions schedule and allocate
// registers differently) and on the row length, so the runtime times the eligible ones on each layer's first calls
// and keeps the fastest (see src/wasm/binary-ops.ts; results are bit-identical). Measured GEMM rates (G binary
// ops/s, float output, rows of 9 / 18 / 36 / 72 steps) in Node 20 (V8 11.3) and Chromium 156:
// - bgemm (gemmKernel): 2 pixels × 4 channels, rows of any length. Node 316 / 347 / 366 / 374; Chromium 328 /
//   368 / 387 / 387. The fallback for rows that no row kernel fits.
// - brow9 / brow18 / brow36 (rowKernel): 1 pixel × 4 channels, 9 / 18 / 36 steps per k-loop iteration, the
//   running counts stored to a fixed address after every step. Node 410 / 448 / 476 / 478 (brow36 on 72);
//   Chromium 397 / 431 / 458 / 458. brow4 / brow8 / brow16 for rows of 4·n steps (1×1 convs, dense layers):
//   16-step rows (1024 inputs) Node 400 / 424 / 439 (bgemm 338).
// - brow9x: brow9 for rows of exactly 9 steps (3×3 taps of 64 channels), no k loop. Node 430, Chromium 408.
//   brow5x: rows of exactly 5 steps (3×3 taps of 32 channels): Node 365–382 (bgemm 275).
// - nrow1: the row kernel with one step per iteration, rows of any length: Node 317 on 5-step rows and 182 on
//   2-step rows (bgemm 275 / 131); Chromium 357 / 367.
// - nrow4 … nrow36, nrow9x: the same without the per-step stores. Node's V8 then hoists and spills the unrolled
//   loads (~200–350); Chromium nrow9x 472, nrow18 559, nrow36 581, nrow16 519 on 16 steps (the best there).
// Retired: bgemm2x3 (unpacked 2 × 4 block, 3 steps per iteration) and bgemm1x9 / 1x18 / 1x36 (1 pixel × 4
// channels, unrolled, with the transform after each block), which the row kernels beat on both engines; and the
// mixed block (a v128 via i8x16.popcnt beside each i64), which V8 lowers to ~6 instructions here (no vpopcntb).
// `unroll`: a row must hold a multiple of this many steps; `exact`: exactly this many (GEMM_ROWS in
// binary-ops.ts mirrors both; a test checks).
export const GEMM_VARIANTS = [
  { name: 'bgemm', unroll: 1, P: 2, U: 1 },
  ...[4, 8, 16, 9, 18, 36].flatMap((unroll) => [
    { name: `brow${unroll}`, unroll, row: true },
    { name: `nrow${unroll}`, unroll, row: true, stores: false },
  ]),
  { name: 'brow9x', unroll: 9, row: true, exact: true },
  { name: 'nrow9x', unroll: 9, row: true, exact: true, stores: false },
  { name: 'brow5x', unroll: 5, row: true, exact: true },
  { name: 'nrow5x', unroll: 5, row: true, exact: true, stores: false },
  // one step per iteration: nothing to store between steps, so one kernel serves both engines
  { name: 'nrow1', unroll: 1, row: true, stores: false },
];
/** Each micro-kernel is built twice, with the float (`_f`) and the bit-packed (`_b`) output transform. */
export const GEMM_KERNELS = GEMM_VARIANTS.flatMap((g) => [
  { ...g, name: `${g.name}_f`, kind: 0 },
  { ...g, name: `${g.name}_b`, kind: 1 },
]);
