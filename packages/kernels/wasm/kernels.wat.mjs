// Source of the kernels' WebAssembly module, as WAT text. JavaScript only unrolls the register-blocked
// micro-kernel (2 pixels × 4 output channels); everything else is plain WAT. scripts/build-wasm.mjs
// assembles it with wabt into src/generated/kernels-wasm.ts.
//
// Memory is imported (`env.memory`) so the JS side owns the layout; with `shared: true` the same code is
// built against a shared memory for two-thread execution. All pointers are byte offsets.

const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Output channels per micro-kernel block (one i32x4 of results). */
const C = 4;

/**
 * bgemm, the GEMM micro-kernel for rows of any length: P pixels × 4 channels per block, U steps (one i64 of each
 * row) per loop iteration, the P rows of a pair stored step by step ([step][pixel][8 bytes]) so one pointer walks
 * them. Counts of two channels share one i64 (c in the low half, c + 1 in the high half), which halves the live
 * registers: with 8 separate counts Node's V8 spilled 5 of them.
 */
function gemmKernel({ name, P = 2, U = 1, kind }) {
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
          (local.set $dot (i32x4.max_s (local.get $dot) (v128.const i32x4 0 0 0 0)))))
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
  ;; flags: 1 clamp ReLU on dot, 2 ReLU activation, 4 subtract correction corr[p][n4·4] (zero-padding).
  (func (export "${name}") (param $a i32) (param $m i32) (param $steps i32) (param $b i32) (param $n4 i32)
    (param $cout i32) (param $out i32) (param $flags i32) (param $k i32)
    (param $thr i32) (param $mul i32) (param $bias i32) (param $corr i32) (param $tile i32) (param $counts i32)
    (local $t0 i32) (local $t1 i32)
    (local $p i32) (local $blk i32) (local $o i32) (local $pb i32) (local $pa0 i32)
    (local $rowBytes i32) (local $rowEnd i32) (local $pix i32) (local $addr i32)
    (local $wout i32) (local $n4x4 i32)
    (local $ws i64) (local $ws2 i64) (local $acc v128) (local $dot v128)
    (local $y v128) (local $kvec v128) (local $mulv v128) (local $biasv v128) (local $thrv v128)
    ${L.join('\n    ')}
    (local.set $rowBytes (i32.mul (local.get $steps) (i32.const ${STEP})))
    (local.set $wout (i32.shr_u (i32.add (local.get $cout) (i32.const 31)) (i32.const 5)))
    (local.set $n4x4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $kvec (i32x4.splat (local.get $k)))
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
function rowKernel({ name, U, kind, storeAt, exact = false, stores = true }) {
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
            (local.set $dot (i32x4.max_s (local.get $dot) (v128.const i32x4 0 0 0 0)))))`);
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
    (local $kvec v128) (local $dot v128) (local $y v128)
    (local.set $rowBytes (i32.shl (local.get $steps) (i32.const 3)))
    (local.set $wout (i32.shr_u (i32.add (local.get $cout) (i32.const 31)) (i32.const 5)))
    (local.set $n4x4 (i32.shl (local.get $n4) (i32.const 2)))
    (local.set $kvec (i32x4.splat (local.get $k)))
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

function packKernel() {
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

function im2colKernel() {
  return `
  ;; Copies n words (i64 pairs, then one i32) — small runs, so no memory.copy call overhead.
  (func $copyWords (param $d i32) (param $s i32) (param $n i32)
    (block $done (loop $two
      (br_if $done (i32.lt_u (local.get $n) (i32.const 2)))
      (i64.store (local.get $d) (i64.load (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 8)))
      (local.set $s (i32.add (local.get $s) (i32.const 8)))
      (local.set $n (i32.sub (local.get $n) (i32.const 2)))
      (br $two)))
    (if (local.get $n) (then (i32.store (local.get $d) (i32.load (local.get $s))))))

  (func $zeroWords (param $d i32) (param $n i32)
    (block $done (loop $one
      (br_if $done (i32.eqz (local.get $n)))
      (i32.store (local.get $d) (i32.const 0))
      (local.set $d (i32.add (local.get $d) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $one))))

  ;; Packed im2col of one sample: row (oy, ox) = taps (ky, kx) in order, wc words each, then zero words up
  ;; to rowBytes, built in tmp and scattered to global row rowBase + oy·ow + ox of the pair-interleaved layout. Out-of-bounds taps are 0 words (= +1, one-padding; zero-padding is corrected in bgemm).
  (func (export "im2col") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $wc i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32) (param $rowBytes i32)
    (param $tmp i32) (param $rowBase i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $ix0 i32)
    (local $d i32) (local $row i32) (local $runWords i32) (local $rowWords i32) (local $used i32)
    (local $r i32) (local $out i32) (local $src2 i32) (local $end i32)
    (local.set $runWords (i32.mul (local.get $kw) (local.get $wc)))
    (local.set $rowWords (i32.shr_u (local.get $rowBytes) (i32.const 2)))
    (local.set $used (i32.mul (local.get $kh) (local.get $runWords)))
    (local.set $row (local.get $tmp))
    (local.set $r (local.get $rowBase))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        (local.set $d (local.get $row))
        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)))
        (local.set $ky (i32.const 0))
        (loop $kys
          (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop))
            (i32.mul (local.get $ky) (local.get $dh))))
          (if (i32.ge_u (local.get $iy) (local.get $h))
            (then (call $zeroWords (local.get $d) (local.get $runWords)))
            (else
              (if (i32.and (i32.eq (local.get $dw) (i32.const 1))
                    (i32.and (i32.ge_s (local.get $ix0) (i32.const 0))
                             (i32.le_s (i32.add (local.get $ix0) (local.get $kw)) (local.get $w))))
                (then
                  ;; the whole kx run is contiguous in the input
                  (call $copyWords (local.get $d)
                    (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix0)) (local.get $wc)) (i32.const 2)))
                    (local.get $runWords)))
                (else
                  (local.set $kx (i32.const 0))
                  (loop $kxs
                    (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (local.get $dw))))
                    (if (i32.ge_u (local.get $ix) (local.get $w))
                      (then (call $zeroWords (i32.add (local.get $d) (i32.shl (i32.mul (local.get $kx) (local.get $wc)) (i32.const 2))) (local.get $wc)))
                      (else (call $copyWords (i32.add (local.get $d) (i32.shl (i32.mul (local.get $kx) (local.get $wc)) (i32.const 2)))
                        (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $wc)) (i32.const 2)))
                        (local.get $wc))))
                    (br_if $kxs (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))))))
          (local.set $d (i32.add (local.get $d) (i32.shl (local.get $runWords) (i32.const 2))))
          (br_if $kys (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
        (call $zeroWords (local.get $d) (i32.sub (local.get $rowWords) (local.get $used)))
        ;; scatter the row into the GEMM's pair-interleaved layout: row r, step s at
        ;; dst + (r >> 1)·2·rowBytes + s·16 + (r & 1)·8 (8-byte steps)
        (local.set $out (i32.add (i32.add (local.get $dst) (i32.mul (i32.shr_u (local.get $r) (i32.const 1)) (i32.shl (local.get $rowBytes) (i32.const 1))))
          (i32.shl (i32.and (local.get $r) (i32.const 1)) (i32.const 3))))
        (local.set $src2 (local.get $tmp))
        (local.set $end (i32.add (local.get $tmp) (local.get $rowBytes)))
        (block $done8 (loop $s8
          (br_if $done8 (i32.ge_u (local.get $src2) (local.get $end)))
          (i64.store (local.get $out) (i64.load (local.get $src2)))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $src2 (i32.add (local.get $src2) (i32.const 8)))
          (br $s8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))
  ;; im2col straight into the pair-interleaved layout of 8-byte steps, for an even number of words per tap
  ;; (taps then start on i64 boundaries): i64 k of row r goes to dst + (r >> 1)·2·rowBytes + (r & 1)·8 + 16·k.
  (func (export "im2col_i64") (param $src i32) (param $dst i32) (param $h i32) (param $w i32) (param $wc i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32) (param $rowBytes i32) (param $rowBase i32)
    (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32) (local $ix0 i32)
    (local $r i32) (local $out i32) (local $s i32) (local $n i32) (local $run64 i32) (local $tap64 i32) (local $tail64 i32)
    (local.set $tap64 (i32.shr_u (local.get $wc) (i32.const 1)))
    (local.set $run64 (i32.mul (local.get $kw) (local.get $tap64)))
    (local.set $tail64 (i32.sub (i32.shr_u (local.get $rowBytes) (i32.const 3)) (i32.mul (local.get $kh) (local.get $run64))))
    (local.set $r (local.get $rowBase))
    (block $doneY (loop $ys
      (br_if $doneY (i32.ge_u (local.get $oy) (local.get $oh)))
      (local.set $ox (i32.const 0))
      (block $doneX (loop $xs
        (br_if $doneX (i32.ge_u (local.get $ox) (local.get $ow)))
        (local.set $out (i32.add (i32.add (local.get $dst) (i32.mul (i32.shr_u (local.get $r) (i32.const 1)) (i32.shl (local.get $rowBytes) (i32.const 1))))
          (i32.shl (i32.and (local.get $r) (i32.const 1)) (i32.const 3))))
        (local.set $ix0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)))
        ;; A pair of pixels (ox, ox + 1) on rows (r, r + 1) of one pair, with one i64 per tap (wc = 2), stride and
        ;; dilation 1 along x, and every tap column inside the input: pixel ox + 1 reads the i64 after pixel ox's, so
        ;; each interleaved step [row r, row r + 1] is the 16 input bytes at pixel ox's tap — one v128 copy.
        (if (i32.and (i32.and (i32.eq (local.get $wc) (i32.const 2)) (i32.eqz (i32.and (local.get $r) (i32.const 1))))
              (i32.and (i32.and (i32.eq (local.get $sw) (i32.const 1)) (i32.eq (local.get $dw) (i32.const 1)))
                (i32.and (i32.lt_u (i32.add (local.get $ox) (i32.const 1)) (local.get $ow))
                  (i32.and (i32.ge_s (local.get $ix0) (i32.const 0))
                    (i32.le_s (i32.add (local.get $ix0) (i32.add (local.get $kw) (i32.const 1))) (local.get $w))))))
          (then
            (local.set $ky (i32.const 0))
            (loop $pairKy
              (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)) (i32.mul (local.get $ky) (local.get $dh))))
              (local.set $n (local.get $kw))
              (if (i32.lt_u (local.get $iy) (local.get $h))
                (then
                  (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix0)) (i32.const 3))))
                  (if (i32.eq (local.get $kw) (i32.const 3))
                    (then ;; the common 3-wide kernel, straight-line
                      (v128.store (local.get $out) (v128.load (local.get $s)))
                      (v128.store offset=16 (local.get $out) (v128.load offset=8 (local.get $s)))
                      (v128.store offset=32 (local.get $out) (v128.load offset=16 (local.get $s)))
                      (local.set $out (i32.add (local.get $out) (i32.const 48))))
                    (else
                      (loop $pairCopy
                        (v128.store (local.get $out) (v128.load (local.get $s)))
                        (local.set $s (i32.add (local.get $s) (i32.const 8)))
                        (local.set $out (i32.add (local.get $out) (i32.const 16)))
                        (br_if $pairCopy (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))))
                (else
                  (loop $pairZero
                    (v128.store (local.get $out) (v128.const i64x2 0 0))
                    (local.set $out (i32.add (local.get $out) (i32.const 16)))
                    (br_if $pairZero (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
              (br_if $pairKy (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
            (local.set $n (local.get $tail64))
            (block $pairTailDone (loop $pairTail
              (br_if $pairTailDone (i32.eqz (local.get $n)))
              (v128.store (local.get $out) (v128.const i64x2 0 0))
              (local.set $out (i32.add (local.get $out) (i32.const 16)))
              (local.set $n (i32.sub (local.get $n) (i32.const 1)))
              (br $pairTail)))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
            (br $xs)))
        (local.set $ky (i32.const 0))
        (loop $kys
          (local.set $iy (i32.add (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)) (i32.mul (local.get $ky) (local.get $dh))))
          (if (i32.and (i32.lt_u (local.get $iy) (local.get $h))
                (i32.and (i32.eq (local.get $dw) (i32.const 1))
                  (i32.and (i32.ge_s (local.get $ix0) (i32.const 0)) (i32.le_s (i32.add (local.get $ix0) (local.get $kw)) (local.get $w)))))
            (then
              ;; the whole kx run is contiguous in the input
              (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix0)) (local.get $wc)) (i32.const 2))))
              (local.set $n (local.get $run64))
              (loop $cp
                (i64.store (local.get $out) (i64.load (local.get $s)))
                (local.set $s (i32.add (local.get $s) (i32.const 8)))
                (local.set $out (i32.add (local.get $out) (i32.const 16)))
                (br_if $cp (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
            (else
              (local.set $kx (i32.const 0))
              (loop $kxs
                (local.set $ix (i32.add (local.get $ix0) (i32.mul (local.get $kx) (local.get $dw))))
                (local.set $n (local.get $tap64))
                (if (i32.and (i32.lt_u (local.get $iy) (local.get $h)) (i32.lt_u (local.get $ix) (local.get $w)))
                  (then
                    (local.set $s (i32.add (local.get $src) (i32.shl (i32.mul (i32.add (i32.mul (local.get $iy) (local.get $w)) (local.get $ix)) (local.get $wc)) (i32.const 2))))
                    (loop $cp1
                      (i64.store (local.get $out) (i64.load (local.get $s)))
                      (local.set $s (i32.add (local.get $s) (i32.const 8)))
                      (local.set $out (i32.add (local.get $out) (i32.const 16)))
                      (br_if $cp1 (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
                  (else
                    (loop $z1
                      (i64.store (local.get $out) (i64.const 0))
                      (local.set $out (i32.add (local.get $out) (i32.const 16)))
                      (br_if $z1 (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
                (br_if $kxs (i32.lt_u (local.tee $kx (i32.add (local.get $kx) (i32.const 1))) (local.get $kw))))))
          (br_if $kys (i32.lt_u (local.tee $ky (i32.add (local.get $ky) (i32.const 1))) (local.get $kh))))
        (local.set $n (local.get $tail64))
        (block $doneTail (loop $z2
          (br_if $doneTail (i32.eqz (local.get $n)))
          (i64.store (local.get $out) (i64.const 0))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $z2)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
        (br $xs)))
      (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
      (br $ys))))`;
}

/** A pool window's in-bounds rows [y0, y1) for output row oy (TensorFlow \`same\`: out-of-bounds taps dropped). */
const POOL_ROWS = `(local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $padTop)))
      (local.set $y1 (i32.add (local.get $y0) (local.get $ph)))
      (if (i32.lt_s (local.get $y0) (i32.const 0)) (then (local.set $y0 (i32.const 0))))
      (if (i32.gt_s (local.get $y1) (local.get $h)) (then (local.set $y1 (local.get $h))))`;
/** The same for columns [x0, x1) of output column ox. */
const POOL_COLS = `(local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $padLeft)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $pw)))
        (if (i32.lt_s (local.get $x0) (i32.const 0)) (then (local.set $x0 (i32.const 0))))
        (if (i32.gt_s (local.get $x1) (local.get $w)) (then (local.set $x1 (local.get $w))))`;

function depthwiseAndPoolKernels() {
  return `
  ;; Binary depthwise conv of one sample (float output). Per 32-channel word, two i8x16 counters hold the
  ;; number of disagreeing taps per channel: the tap's XOR word is spread to one byte per bit (swizzle
  ;; bytes, AND with the bit's mask, compare equal → 0xFF) and subtracted (−(−1) = +1).
  ;; scratch: 32 bytes. dot = taps − 2·count; y = act(mul·clamp(dot) + bias).
  (func (export "bdepthwise") (param $src i32) (param $filter i32) (param $dst i32) (param $h i32) (param $w i32)
    (param $channels i32) (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $dh i32) (param $dw i32)
    (param $padTop i32) (param $padLeft i32) (param $oh i32) (param $ow i32) (param $zeroPad i32) (param $flags i32)
    (param $mul i32) (param $bias i32) (param $scratch i32)
    (local $wc i32) (local $oy i32) (local $ox i32) (local $wi i32) (local $ky i32) (local $kx i32) (local $iy i32) (local $ix i32)
    (local $taps i32) (local $x i32) (local $lo v128) (local $hi v128) (local $d v128) (local $bitsel v128) (local $c i32)
    (local $ch i32) (local $dot i32) (local $y f32) (local $inside i32)
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
              (local.set $dot (select (local.get $dot) (i32.const 0) (i32.gt_s (local.get $dot) (i32.const 0))))))
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

/**
 * Float ops of a deploy graph besides conv2d, each exactly equal to its reference (src/reference/float.ts). The
 * references compute in double and round once to float32 on store; here f32 values are promoted to f64 (a
 * product of two f32 is exact in f64, sums round as in JavaScript) and demoted on store, two lanes per f64x2.
 * Max and ReLU need no widening: f32 max equals Math.max on f32 values, −0/+0 and NaN included.
 */
function floatOpKernels() {
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

function floatConvKernel() {
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

/**
 * Register-only XOR + popcount + add loops, the benchmark's roofline: `i64s` i64 chains and `v128s` v128 chains
 * (i8x16.popcnt) per iteration, each chain independent. Which mix runs fastest depends on the engine and the core
 * (Node 20 on this Zen 4: 6 + 2 ≈ 505 G binary ops/s, 4 + 4 and 8 + 0 ≈ 467 G), so the benchmark times them all
 * and takes the best. `bits`: XNOR-popcount bits per iteration.
 */
export const ROOFLINES = [
  { name: 'roofline_6x2', i64s: 6, v128s: 2 },
  { name: 'roofline_4x4', i64s: 4, v128s: 4 },
  { name: 'roofline_8x0', i64s: 8, v128s: 0 },
].map((r) => ({ ...r, bits: 64 * r.i64s + 128 * r.v128s }));

function rooflineKernel({ name, i64s, v128s }) {
  const si = range(i64s);
  const sv = range(v128s);
  const vSum = sv.reduce((acc, i) => `(i8x16.add ${acc} (local.get $vc${i}))`, '(v128.const i64x2 0 0)');
  return `
  (func (export "${name}") (param $n i32) (param $seed i64) (result i64)
    ${si.map((i) => `(local $x${i} i64) (local $c${i} i64)`).join(' ')}
    ${sv.map((i) => `(local $vx${i} v128) (local $vc${i} v128)`).join(' ')}
    (local $b i64) (local $vb v128) (local $vstep v128)
    ${si.map((i) => `(local.set $x${i} (i64.mul (local.get $seed) (i64.const ${2 * i + 3})))`).join(' ')}
    ${sv.map((i) => `(local.set $vx${i} (i64x2.splat (i64.mul (local.get $seed) (i64.const ${2 * i + 5}))))`).join(' ')}
    (local.set $b (local.get $seed)) (local.set $vb (i64x2.splat (local.get $seed)))
    (local.set $vstep (i64x2.splat (i64.mul (local.get $seed) (i64.const 7))))
    (loop $l
      ${si.map((i) => `(local.set $c${i} (i64.add (local.get $c${i}) (i64.popcnt (i64.xor (local.get $x${i}) (local.get $b)))))`).join('\n      ')}
      ${sv.map((i) => `(local.set $vc${i} (i8x16.add (local.get $vc${i}) (i8x16.popcnt (v128.xor (local.get $vx${i}) (local.get $vb)))))`).join('\n      ')}
      ;; the shared operands change every iteration, so nothing is loop-invariant
      (local.set $b (i64.add (local.get $b) (i64.const 1)))
      ${v128s ? '(local.set $vb (i64x2.add (local.get $vb) (local.get $vstep)))' : ''}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add ${si.reduce((acc, i) => `(i64.add ${acc} (local.get $c${i}))`, '(i64.const 0)')}
      (i64x2.extract_lane 0 ${vSum})))`;
}

/** The complete module text. */
export function kernelsWat({ shared = false, variants = [] } = {}) {
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
  ${packKernel()}
  ${im2colKernel()}
  ${GEMM_KERNELS.map((g) => (g.row ? rowKernel({ ...g, U: g.unroll, storeAt: STEP_STORE_BYTES.main }) : gemmKernel(g))).join('\n')}
  ${
    // the worker's copies of the row kernels store their running counts on a line of their own
    shared
      ? GEMM_KERNELS.filter((g) => g.row && g.stores !== false)
          .map((g) => rowKernel({ ...g, name: `${g.name}_w`, U: g.unroll, storeAt: STEP_STORE_BYTES.worker }))
          .join('\n')
      : ''
  }
  ${variants.map((v) => gemmKernel(v)).join('\n')}
  ${depthwiseAndPoolKernels()}
  ${floatConvKernel()}
  ${floatOpKernels()}
  ${ROOFLINES.map(rooflineKernel).join('\n')}
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
