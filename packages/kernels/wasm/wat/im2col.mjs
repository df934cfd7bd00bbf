// im2col of bit-packed inputs into pair-interleaved rows for the GEMM micro-kernels.

export function im2colKernel() {
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
