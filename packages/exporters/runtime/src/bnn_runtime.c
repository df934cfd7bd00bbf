/*
 * BNN Studio portable C99 runtime: reference-ordered kernels for every DeployGraph op.
 * Float32 numeric contract (docs/deploy-graph.md): every float op is a sequence of IEEE float32 operations in a
 * fixed order, the one of @bnn-studio/kernels' TypeScript reference (which rounds with Math.fround at every
 * step) and its WASM kernels. No double anywhere (src/firmware/runtime-files.test.ts fails if `double` appears
 * here), no fused multiply-add: built with -ffp-contract=off and without -ffast-math, so the Cortex-M4F's
 * single-precision FPU runs every float op and results are bit-exact with the studio:
 *   - conv2d / depthwise / dense: acc = bias (or +0), then acc = f32(acc + f32(x*w)) in the reference's order
 *     (conv2d: taps (ky, kx, ci); depthwise: taps (ky, kx); dense: inputs i, skipping x[i] == 0). Loops may run
 *     channels innermost (one contiguous pixel per tap) as long as each accumulator sees its terms in that order.
 *   - avgpool / global average: s = +0, s = f32(s + x) in tap / position order, y = f32(s / count).
 *   - add: s = +0, s = f32(s + x_k) for the inputs in order. scale_shift: y = f32(f32(x*scale) + shift).
 *   - leaky_tanh: c = clamp(x, -1, 1), y = f32(c + f32(alpha * f32(x - c))) with alpha a float.
 *   - relu6: x > 0 ? min(x, 6) : +0. hard_swish: t = f32(x + 3), r = min(6, max(0, t)), y = f32(f32(x * r) / 6).
 *   - softmax: e_i = bnn_expf(f32(x_i - max)), s = f32 sum in order, y_i = f32(e_i / s).
 *   - the binary layers' float output transform: d = clamp(dot) in int32 (the fused activation's range), then
 *     f32(f32(m*d) + b).
 * The conv, depthwise and scale_shift rows run eight channels at a time through bnn_float_mac.h (VMLA.F32 on the
 * M4F: the chained multiply-accumulate, product rounded before the add, never VFMA).
 */
#include "bnn_runtime.h"

#include <math.h>
#include <string.h>

#include "bnn_float_mac.h"
#include "bnn_popcount.h"

int32_t bnn_popcount32(uint32_t x) { return bnn_popcount32_inline(x); }

int32_t bnn_xor_popcount(const uint32_t *a, const uint32_t *b, int n) { return bnn_xor_popcount_inline(a, b, n); }

static inline int bnn_in_bounds(int y, int x, int h, int w) { return y >= 0 && y < h && x >= 0 && x < w; }

/* max(y, 0) as Math.max does it: -0 becomes +0. */
static inline float bnn_apply_activation(float y, int activation) {
  if (activation == BNN_ACT_RELU) return y > 0.0f ? y : 0.0f;
  return y;
}

/* Float output of a binary layer: y = activation(multiplier[c] * clamp(dot) + bias[c]). */
static inline float bnn_float_transform(const bnn_output_transform *ot, int c, int32_t dot) {
  if (ot->clamp) dot = dot < ot->clamp_min ? ot->clamp_min : (dot > ot->clamp_max ? ot->clamp_max : dot);
  float y = ot->multiplier[c] * (float)dot;
  y = y + ot->bias[c];
  return bnn_apply_activation(y, ot->activation);
}

void bnn_quantize(const float *in, uint32_t *out, int pixels, int channels) {
  const int words = BNN_PACKED_WORDS(channels);
  for (int p = 0; p < pixels; p++) {
    const float *x = in + (size_t)p * (size_t)channels;
    uint32_t *o = out + (size_t)p * (size_t)words;
    for (int w = 0; w < words; w++) {
      uint32_t bits = 0;
      const int n = channels - 32 * w < 32 ? channels - 32 * w : 32;
      for (int i = 0; i < n; i++) bits |= (uint32_t)(x[32 * w + i] < 0.0f) << i; /* sign(0) = +1 -> bit 0 */
      o[w] = bits;
    }
  }
}

void bnn_dequantize(const uint32_t *in, float *out, int pixels, int channels) {
  const int words = BNN_PACKED_WORDS(channels);
  for (int p = 0; p < pixels; p++) {
    const uint32_t *x = in + (size_t)p * (size_t)words;
    float *o = out + (size_t)p * (size_t)channels;
    for (int c = 0; c < channels; c++) o[c] = (x[c >> 5] >> (c & 31)) & 1u ? -1.0f : 1.0f;
  }
}

#if defined(__GNUC__)
#define BNN_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define BNN_ALWAYS_INLINE inline
#endif

/* long_rows: 0 short rows, 1 long rows, 2 (variant 6 only) rows of >= BNN_HS16_MIN_WORDS words. */
static BNN_ALWAYS_INLINE int32_t bnn_row_popcount(const uint32_t *a, const uint32_t *b, int n, int long_rows) {
#if BNN_POPCOUNT == 6
  if (long_rows == 2) return n <= 255 ? bnn_hs16_row(a, b, n) : bnn_xor_popcount_hs8(a, b, n);
  return long_rows ? bnn_hs8_row(a, b, n) : bnn_xor_popcount_swar(a, b, n);
#elif BNN_POPCOUNT == 5
  return long_rows ? bnn_xor_popcount_hs(a, b, n) : bnn_xor_popcount_swar(a, b, n);
#else
  (void)long_rows;
  return bnn_xor_popcount_inline(a, b, n);
#endif
}


#if defined(__GNUC__)
#define BNN_NOINLINE __attribute__((noinline))
#else
#define BNN_NOINLINE
#endif

/*
 * Bit-packed output of one pixel (or one dense row): bit c of the output = (popcount(x ^ f_c) > th[c]) for
 * the out_c filter rows of n words each, one after the other in `f`; the threshold compare is fused into the
 * channel loop, so the count never leaves a register.
 */
/* The channel loop with the row popcount `row` (each a separate function: each gets its own registers). */
#define BNN_BITS_OUT_LOOP(row)                                                                                 \
  for (; out_c > 0; out_c -= 32, th += 32) {                                                                   \
    const int nc = out_c < 32 ? out_c : 32;                                                                    \
    uint32_t bits = 0;                                                                                         \
    for (int i = 0; i < nc; i++, f += n) bits |= (uint32_t)(row(x, f, n) > th[i]) << i;                        \
    *o++ = bits;                                                                                               \
  }

static BNN_NOINLINE void bnn_bits_out_hs(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,
                                         uint32_t *o) {
  BNN_BITS_OUT_LOOP(bnn_xor_popcount_inline)
}

void bnn_pair_rows(uint32_t *rows, int count, int n) {
  for (int r = 0; r < count; r++, rows += n) {
    uint32_t *q = rows + (n & 1);
    int pairs = n >> 1;
    for (; pairs >= 2; pairs -= 2, q += 4) {
      const uint32_t w0 = q[0], w1 = q[1], w2 = q[2], w3 = q[3];
      q[1] = w0 ^ w1;
      q[3] = w2 ^ w3;
    }
    if (pairs) q[1] ^= q[0];
  }
}

/* d = the n (even) words of s in the pair layout (bnn_pair_rows of one row), in one pass. */
static inline void bnn_copy_pairs(uint32_t *d, const uint32_t *s, int n) {
  for (; n > 0; n -= 2, s += 2, d += 2) {
    const uint32_t w0 = s[0], w1 = s[1];
    d[0] = w0;
    d[1] = w0 ^ w1;
  }
}

/* sum_i popcount(a[i] ^ b[i]) over n words of two rows in the pair layout (the C twin of BNN_HS_PAIRED). */
static inline int32_t bnn_xor_popcount_pairs(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
  int i = 0;
  if (n & 1) {
    acc = bnn_popcount32_inline(a[0] ^ b[0]);
    i = 1;
  }
  for (; i + 1 < n; i += 2) {
    const uint32_t p = a[i] ^ b[i];
    acc += bnn_popcount32_inline(p) + bnn_popcount32_inline(p ^ a[i + 1] ^ b[i + 1]);
  }
  return acc;
}

static BNN_NOINLINE void bnn_bits_out_pairs_c(const uint32_t *x, const uint32_t *f, int n, int out_c,
                                              const int32_t *th, uint32_t *o) {
  BNN_BITS_OUT_LOOP(bnn_xor_popcount_pairs)
}

#if BNN_POPCOUNT == 6 && BNN_HAVE_USADA8 && defined(__thumb2__) && defined(__GNUC__) && defined(__OPTIMIZE__) &&   \
    !defined(BNN_NO_ASM)
#define BNN_FUSED_BITS_OUT 1
/*
 * The channel loop in the same asm block as the Harley-Seal count (BNN_HS8_BODY_WITH / BNN_HS16_BODY_WITH), so
 * nothing is spilled around each row: the filter pointer runs on from row to row, the patch pointer, n, the
 * threshold pointer and its end come from the stack, and bit c = (count > th[c]) is the sign of the
 * saturating th[c] - count (QSUB: exact for every int32 threshold) shifted in from the top, channel after
 * channel. Rows of BNN_PAIRS_MIN_WORDS (8) <= n <= 255 words (8-word blocks below BNN_HS16_MIN_WORDS, 16-word
 * blocks from there).
 */
#define BNN_FUSED_HS8(name, PAIR)                                                                              \
  static BNN_NOINLINE void name(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,       \
                                uint32_t *o) {                                                                  \
    for (; out_c > 0; out_c -= 32) {                                                                           \
      const int nc = out_c < 32 ? out_c : 32;                                                                  \
      const int32_t *const thend = th + nc;                                                                    \
      uint32_t bits = 0u;                                                                                      \
      uint32_t ones, twos, fours, acc8, x0, x1, w0, w1, ta, fa, cnt;                                           \
      const uint32_t *a;                                                                                       \
      __asm__ volatile("1:\n\t"                                                                                \
                       "ldr %[a], %[x]\n\t"                                                                    \
                       "ldr %[n], %[nwords]\n\t" BNN_HS8_BODY_WITH(PAIR)                                       \
                       "ldr %[ta], %[th]\n\t"                                                                  \
                       "ldr %[fa], [%[ta]], #4\n\t"                                                            \
                       "str %[ta], %[th]\n\t"                                                                  \
                       "qsub %[fa], %[fa], %[acc8]\n\t"                                                        \
                       "and %[fa], %[fa], #0x80000000\n\t"                                                     \
                       "orr %[bits], %[fa], %[bits], lsr #1\n\t"                                               \
                       "ldr %[fa], %[thend]\n\t"                                                               \
                       "cmp %[ta], %[fa]\n\t"                                                                  \
                       "bne 1b"                                                                                \
                       : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [acc8] "=&r"(acc8),     \
                         [a] "=&r"(a), [b] "+&r"(f), [n] "=&r"(cnt), [x0] "=&r"(x0), [x1] "=&r"(x1),           \
                         [w0] "=&r"(w0), [w1] "=&r"(w1), [ta] "=&r"(ta), [fa] "=&r"(fa), [bits] "+&r"(bits),   \
                         [th] "+m"(th)                                                                         \
                       : [x] "m"(x), [nwords] "m"(n), [thend] "m"(thend)                                      \
                       : "cc", "memory");                                                                      \
      *o++ = bits >> (32 - nc);                                                                                \
    }                                                                                                          \
  }

/* 16-word blocks take all 14 registers: the output bits live on the stack too. */
#define BNN_FUSED_HS16(name, PAIR)                                                                             \
  static BNN_NOINLINE void name(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,       \
                                uint32_t *o) {                                                                  \
    const uint32_t *const end = x + n;                                                                         \
    for (; out_c > 0; out_c -= 32) {                                                                           \
      const int nc = out_c < 32 ? out_c : 32;                                                                  \
      const int32_t *const thend = th + nc;                                                                    \
      uint32_t bits = 0u;                                                                                      \
      uint32_t ones, twos, fours, eights, acc8, x0, x1, w0, w1, ta, fa, ea;                                    \
      const uint32_t *a;                                                                                       \
      __asm__ volatile("1:\n\t"                                                                                \
                       "ldr %[a], %[x]\n\t" BNN_HS16_BODY_WITH(PAIR)                                           \
                       "ldr %[ta], %[th]\n\t"                                                                  \
                       "ldr %[fa], [%[ta]], #4\n\t"                                                            \
                       "str %[ta], %[th]\n\t"                                                                  \
                       "qsub %[fa], %[fa], %[acc8]\n\t"                                                        \
                       "and %[fa], %[fa], #0x80000000\n\t"                                                     \
                       "ldr %[acc8], %[bits]\n\t"                                                              \
                       "orr %[acc8], %[fa], %[acc8], lsr #1\n\t"                                               \
                       "str %[acc8], %[bits]\n\t"                                                              \
                       "ldr %[fa], %[thend]\n\t"                                                               \
                       "cmp %[ta], %[fa]\n\t"                                                                  \
                       "bne 1b"                                                                                \
                       : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [eights] "=&r"(eights), \
                         [acc8] "=&r"(acc8), [a] "=&r"(a), [b] "+&r"(f), [x0] "=&r"(x0), [x1] "=&r"(x1),       \
                         [w0] "=&r"(w0), [w1] "=&r"(w1), [ta] "=&r"(ta), [fa] "=&r"(fa), [ea] "=&r"(ea),       \
                         [bits] "+m"(bits), [th] "+m"(th)                                                      \
                       : [x] "m"(x), [n] "m"(n), [end] "m"(end), [thend] "m"(thend)                            \
                       : "cc", "memory");                                                                      \
      *o++ = bits >> (32 - nc);                                                                                \
    }                                                                                                          \
  }

/*
 * Rows of 2..BNN_PAIRS_MIN_WORDS-1 words (1x1 convs, dense layers of few inputs): the SWAR + USADA8 pair loop of
 * bnn_xor_popcount_swar (its text, BNN_SWAR_PAIR_STEP; 19 instructions per 2 words) and an odd last word, with the channel loop and the
 * threshold compare (as in BNN_FUSED_HS8) in the same asm block; the threshold pointer stays in a register.
 */
static BNN_NOINLINE void bnn_bits_out_swar_fused(const uint32_t *x, const uint32_t *f, int n, int out_c,
                                                 const int32_t *th, uint32_t *o) {
  const int npairs = n >> 1, odd = n & 1;
  for (; out_c > 0; out_c -= 32) {
    const int nc = out_c < 32 ? out_c : 32;
    const int32_t *const thend = th + nc;
    uint32_t bits = 0u, acc, x0, x1, w0, w1, cnt;
    const uint32_t *a;
    const uint32_t m1 = 0x55555555u, m2 = 0x33333333u, m4 = 0x0F0F0F0Fu, zero = 0u;
    __asm__ volatile(
        "1:\n\t"
        "ldr %[a], %[x]\n\t"
        "mov %[acc], #0\n\t"
        "ldr %[cnt], %[npairs]\n\t"
        "2:\n\t"
        BNN_SWAR_PAIR_STEP
        "subs %[cnt], %[cnt], #1\n\t"
        "bne 2b\n\t"
        "ldr %[cnt], %[odd]\n\t"
        "cmp %[cnt], #0\n\t"
        "beq 3f\n\t"
        "ldr %[x0], [%[a]], #4\n\t"
        "ldr %[w0], [%[b]], #4\n\t"
        "eor %[x0], %[x0], %[w0]\n\t"
        "and %[w0], %[m1], %[x0], lsr #1\n\t"
        "sub %[x0], %[x0], %[w0]\n\t"
        "and %[w0], %[m2], %[x0], lsr #2\n\t"
        "and %[x0], %[x0], %[m2]\n\t"
        "add %[x0], %[x0], %[w0]\n\t"
        "and %[w0], %[m4], %[x0], lsr #4\n\t"
        "and %[x0], %[x0], %[m4]\n\t"
        "add %[x0], %[x0], %[w0]\n\t"
        "usada8 %[acc], %[x0], %[zero], %[acc]\n\t"
        "3:\n\t"
        "ldr %[w0], [%[th]], #4\n\t"
        "qsub %[w0], %[w0], %[acc]\n\t"
        "and %[w0], %[w0], #0x80000000\n\t"
        "orr %[bits], %[w0], %[bits], lsr #1\n\t"
        "ldr %[w1], %[thend]\n\t"
        "cmp %[th], %[w1]\n\t"
        "bne 1b"
        : [acc] "=&r"(acc), [a] "=&r"(a), [b] "+&r"(f), [cnt] "=&r"(cnt), [x0] "=&r"(x0), [x1] "=&r"(x1),
          [w0] "=&r"(w0), [w1] "=&r"(w1), [bits] "+&r"(bits), [th] "+&r"(th)
        : [m1] "r"(m1), [m2] "r"(m2), [m4] "r"(m4), [zero] "r"(zero), [x] "m"(x), [npairs] "m"(npairs),
          [odd] "m"(odd), [thend] "m"(thend)
        : "cc", "memory");
    *o++ = bits >> (32 - nc);
  }
}

/*
 * Straight-line rows in the pair layout (bnn_bits_out_r18_pairs, bnn_bits_out_r36_pairs): the row's pairs one
 * after the other, so no plane needs zeroing, no loop runs, no block count is taken.
 * BNN_R_PAIR0: the first pair starts the planes: ones = its xor d, twos = its carry p & ~d (5 instructions).
 * BNN_R_PAIRS2(carry): the next two pairs through BNN_HS_PAIRED, their weight-2 carries (ta, x0) through one
 * carry-save adder into twos; its weight-4 carry in `carry` (21 instructions).
 * BNN_R_BYTES(v): v's nibbles (each <= 12) summed into its bytes, the mask 0x0F0F0F0F in w1 (3 instructions).
 */
#define BNN_R_PAIR0                                                                                            \
  "ldrd %[x0], %[x1], [%[a]], #8\n\t"                                                                          \
  "ldrd %[w0], %[w1], [%[b]], #8\n\t"                                                                          \
  "eor %[x0], %[x0], %[w0]\n\t"                                                                                \
  "eor %[ones], %[x1], %[w1]\n\t"                                                                              \
  "bic %[twos], %[x0], %[ones]\n\t"
#define BNN_R_PAIRS2(carry)                                                                                    \
  BNN_HS_PAIRED("%[ta]") BNN_HS_PAIRED("%[x0]") BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", carry)
#define BNN_R_BYTES(v)                                                                                         \
  "and %[w0], %[w1], " v ", lsr #4\n\t"                                                                        \
  "and " v ", " v ", %[w1]\n\t"                                                                                \
  "add " v ", " v ", %[w0]\n\t"

/*
 * Paired bconv2d rows (bnn_pair_rows layout) of exactly 8 words (e.g. 1x1 convs of 225..256 input channels; bdense
 * rows are not paired and take the plain loops) and 9 words (3x3 convs of 1..32 input channels). START fills ones and twos from the first word(s): 8 words, BNN_R_PAIR0 (pair 0); 9 words,
 * BNN_R_WORD0_PAIR1 (word 0 alone, the odd start of the pair layout, then pair 1 whose carry is twos). The next
 * two pairs go through one adder into twos (weight-4 carry in fours), the last pair's carry through a half adder
 * (f2 in fa). Count = bytesum(A + 4*B), nibbles A = nib(ones) + 2*nib(twos) <= 12, B = nib(fours) + nib(f2) <= 8,
 * in bytes <= 24 + 64. 36 / 42 instructions for the words and adders, 34 for the planes, 8 for the threshold
 * compare and the channel loop.
 */
#define BNN_R_WORD0_PAIR1                                                                                      \
  "ldr %[x0], [%[a]], #4\n\t"                                                                                  \
  "ldr %[w0], [%[b]], #4\n\t"                                                                                  \
  "eor %[ones], %[x0], %[w0]\n\t" BNN_HS_PAIRED("%[twos]")
#define BNN_FUSED_R8(name, START)                                                                              \
  static BNN_NOINLINE void name(const uint32_t *x, const uint32_t *f, int out_c, const int32_t *th, uint32_t *o) { \
    for (; out_c > 0; out_c -= 32) {                                                                           \
      const int nc = out_c < 32 ? out_c : 32;                                                                  \
      const int32_t *const thend = th + nc;                                                                    \
      uint32_t bits = 0u;                                                                                      \
      uint32_t ones, twos, fours, x0, x1, w0, w1, ta, fa;                                                      \
      const uint32_t *a;                                                                                       \
      __asm__ volatile("1:\n\t"                                                                                \
                       "ldr %[a], %[x]\n\t" START BNN_HS_PAIRED("%[ta]") BNN_HS_PAIRED("%[x0]")                \
                       BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fours]") BNN_HS_PAIRED("%[ta]")              \
                       "and %[fa], %[twos], %[ta]\n\t"                                                         \
                       "eor %[twos], %[twos], %[ta]\n\t"                                                       \
                       "mov %[x0], #0x55555555\n\t"                                                            \
                       "mov %[x1], #0x33333333\n\t"                                                            \
                       "mov %[w1], #0x0F0F0F0F\n\t" BNN_HS_NIBBLES("%[ones]") BNN_HS_NIBBLES("%[twos]")        \
                       "add %[ones], %[ones], %[twos], lsl #1\n\t" BNN_HS_NIBBLES("%[fours]")                   \
                       BNN_HS_NIBBLES("%[fa]")                                                                 \
                       "add %[fours], %[fours], %[fa]\n\t" BNN_R_BYTES("%[ones]") BNN_R_BYTES("%[fours]")      \
                       "add %[ones], %[ones], %[fours], lsl #2\n\t"                                            \
                       "mov %[w1], #0\n\t"                                                                     \
                       "usad8 %[ones], %[ones], %[w1]\n\t"                                                     \
                       "ldr %[w0], [%[th]], #4\n\t"                                                            \
                       "qsub %[w0], %[w0], %[ones]\n\t"                                                        \
                       "and %[w0], %[w0], #0x80000000\n\t"                                                     \
                       "orr %[bits], %[w0], %[bits], lsr #1\n\t"                                               \
                       "ldr %[w1], %[thend]\n\t"                                                               \
                       "cmp %[th], %[w1]\n\t"                                                                  \
                       "bne 1b"                                                                                \
                       : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [a] "=&r"(a),           \
                         [b] "+&r"(f), [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1),         \
                         [ta] "=&r"(ta), [fa] "=&r"(fa), [bits] "+&r"(bits), [th] "+&r"(th)                    \
                       : [x] "m"(x), [thend] "m"(thend)                                                        \
                       : "cc", "memory");                                                                      \
      *o++ = bits >> (32 - nc);                                                                                \
    }                                                                                                          \
  }
BNN_FUSED_R8(bnn_bits_out_r8_pairs, BNN_R_PAIR0)
BNN_FUSED_R8(bnn_bits_out_r9_pairs, BNN_R_WORD0_PAIR1)

/*
 * Rows of exactly 18 words (3x3 convs of 33..64 input channels, the common BNN stage width): pair 0 starts the
 * planes, pairs 1-8 go two at a time into twos, whose weight-4 carries f1, f2, f3 make `fours` (f1) and, through
 * one more adder, `eights`; f4 stays a word of its own. Count = bytesum(A + 4*B + 8*C) with nibbles
 * A = nib(ones) + 2*nib(twos) <= 12, B = nib(fours) + nib(f4) <= 8, C = nib(eights) <= 4, in bytes
 * <= 24 + 4*16 + 8*8 = 152. 94 instructions for the pairs and adders, 42 for the planes, 8 for the threshold
 * compare and the channel loop (as in BNN_FUSED_HS8; th and the output bits stay in registers).
 */
static BNN_NOINLINE void bnn_bits_out_r18_pairs(const uint32_t *x, const uint32_t *f, int out_c, const int32_t *th,
                                                uint32_t *o) {
  for (; out_c > 0; out_c -= 32) {
    const int nc = out_c < 32 ? out_c : 32;
    const int32_t *const thend = th + nc;
    uint32_t bits = 0u;
    uint32_t ones, twos, fours, eights, x0, x1, w0, w1, ta, fa;
    const uint32_t *a;
    __asm__ volatile("1:\n\t"
                     "ldr %[a], %[x]\n\t"
                     BNN_R_PAIR0
                     BNN_R_PAIRS2("%[fours]")                    /* pairs 1-2: f1 = fours */
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 3-4: f2 */
                     BNN_R_PAIRS2("%[ta]")                       /* pairs 5-6: f3 */
                     BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[eights]")
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 7-8: f4 */
                     /* the planes: masks in x0, x1, w1 */
                     "mov %[x0], #0x55555555\n\t"
                     "mov %[x1], #0x33333333\n\t"
                     "mov %[w1], #0x0F0F0F0F\n\t"
                     BNN_HS_NIBBLES("%[ones]")
                     BNN_HS_NIBBLES("%[twos]")
                     "add %[ones], %[ones], %[twos], lsl #1\n\t"
                     BNN_HS_NIBBLES("%[fours]")
                     BNN_HS_NIBBLES("%[fa]")
                     "add %[fours], %[fours], %[fa]\n\t"
                     BNN_HS_NIBBLES("%[eights]")
                     BNN_R_BYTES("%[ones]")
                     BNN_R_BYTES("%[fours]")
                     "add %[eights], %[eights], %[eights], lsr #4\n\t"
                     "and %[eights], %[eights], %[w1]\n\t"
                     "add %[ones], %[ones], %[fours], lsl #2\n\t"
                     "add %[ones], %[ones], %[eights], lsl #3\n\t"
                     "mov %[w1], #0\n\t"
                     "usad8 %[ones], %[ones], %[w1]\n\t"
                     /* bit c = (count > th[c]), shifted in from the top */
                     "ldr %[w0], [%[th]], #4\n\t"
                     "qsub %[w0], %[w0], %[ones]\n\t"
                     "and %[w0], %[w0], #0x80000000\n\t"
                     "orr %[bits], %[w0], %[bits], lsr #1\n\t"
                     "ldr %[w1], %[thend]\n\t"
                     "cmp %[th], %[w1]\n\t"
                     "bne 1b"
                     : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [eights] "=&r"(eights),
                       [a] "=&r"(a), [b] "+&r"(f), [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1),
                       [ta] "=&r"(ta), [fa] "=&r"(fa), [bits] "+&r"(bits), [th] "+&r"(th)
                     : [x] "m"(x), [thend] "m"(thend)
                     : "cc", "memory");
    *o++ = bits >> (32 - nc);
  }
}

/*
 * Rows of exactly 36 words (3x3 convs of 97..128 input channels): pair 0 starts the planes, pairs 1-16 go two at
 * a time into twos (weight-4 carries f1..f8), pair 17 through a half adder into twos (f9). fours takes f1, then
 * f2..f9 two at a time through adders whose weight-8 carries e1 (eights), e2 (held in `sixteens`), e3 go through
 * one more adder (eights, carry sixteens) and e4 stays a word of its own. Count = bytesum(A + 4*B) +
 * 8*bytesum(C) with nibbles A = nib(ones) + 2*nib(twos), B = nib(fours) + 2*nib(eights), C = nib(e4) +
 * 2*nib(sixteens), each <= 12, in bytes <= 24 each. 208 instructions for the pairs and adders, 50 for the planes,
 * 10 for the threshold compare and the channel loop (the threshold pointer on the stack: all 14 registers are
 * taken).
 */
static BNN_NOINLINE void bnn_bits_out_r36_pairs(const uint32_t *x, const uint32_t *f, int out_c, const int32_t *th,
                                                uint32_t *o) {
  for (; out_c > 0; out_c -= 32) {
    const int nc = out_c < 32 ? out_c : 32;
    const int32_t *const thend = th + nc;
    uint32_t bits = 0u;
    uint32_t ones, twos, fours, eights, sixteens, x0, x1, w0, w1, ta, fa;
    const uint32_t *a;
    __asm__ volatile("1:\n\t"
                     "ldr %[a], %[x]\n\t"
                     BNN_R_PAIR0
                     BNN_R_PAIRS2("%[fours]")                    /* pairs 1-2: f1 = fours */
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 3-4: f2 */
                     BNN_R_PAIRS2("%[ta]")                       /* pairs 5-6: f3 */
                     BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[eights]")   /* e1 = eights */
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 7-8: f4 */
                     BNN_R_PAIRS2("%[ta]")                       /* pairs 9-10: f5 */
                     BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[sixteens]") /* e2, weight 8 for now */
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 11-12: f6 */
                     BNN_R_PAIRS2("%[ta]")                       /* pairs 13-14: f7 */
                     BNN_HS_CSA("%[fours]", "%[ta]", "%[fa]", "%[ta]")       /* e3 (the carry may be p, not q) */
                     BNN_HS_CSA("%[eights]", "%[sixteens]", "%[ta]", "%[sixteens]")
                     BNN_R_PAIRS2("%[fa]")                       /* pairs 15-16: f8 */
                     BNN_HS_PAIRED("%[ta]")                      /* pair 17: its carry through a half adder */
                     "and %[x0], %[twos], %[ta]\n\t"             /* f9 */
                     "eor %[twos], %[twos], %[ta]\n\t"
                     BNN_HS_CSA("%[fours]", "%[fa]", "%[x0]", "%[fa]")       /* e4 */
                     /* the planes: masks in x0, x1, w1 */
                     "mov %[x0], #0x55555555\n\t"
                     "mov %[x1], #0x33333333\n\t"
                     "mov %[w1], #0x0F0F0F0F\n\t"
                     BNN_HS_NIBBLES("%[ones]")
                     BNN_HS_NIBBLES("%[twos]")
                     "add %[ones], %[ones], %[twos], lsl #1\n\t"
                     BNN_HS_NIBBLES("%[fours]")
                     BNN_HS_NIBBLES("%[eights]")
                     "add %[fours], %[fours], %[eights], lsl #1\n\t"
                     BNN_HS_NIBBLES("%[fa]")
                     BNN_HS_NIBBLES("%[sixteens]")
                     "add %[fa], %[fa], %[sixteens], lsl #1\n\t"
                     BNN_R_BYTES("%[ones]")
                     BNN_R_BYTES("%[fours]")
                     BNN_R_BYTES("%[fa]")
                     "add %[ones], %[ones], %[fours], lsl #2\n\t"
                     "mov %[w1], #0\n\t"
                     "usad8 %[fa], %[fa], %[w1]\n\t"
                     "lsl %[fa], %[fa], #3\n\t"
                     "usada8 %[ones], %[ones], %[w1], %[fa]\n\t"
                     /* bit c = (count > th[c]), shifted in from the top */
                     "ldr %[ta], %[th]\n\t"
                     "ldr %[w0], [%[ta]], #4\n\t"
                     "str %[ta], %[th]\n\t"
                     "qsub %[w0], %[w0], %[ones]\n\t"
                     "and %[w0], %[w0], #0x80000000\n\t"
                     "orr %[bits], %[w0], %[bits], lsr #1\n\t"
                     "ldr %[w1], %[thend]\n\t"
                     "cmp %[ta], %[w1]\n\t"
                     "bne 1b"
                     : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [eights] "=&r"(eights),
                       [sixteens] "=&r"(sixteens), [a] "=&r"(a), [b] "+&r"(f), [x0] "=&r"(x0), [x1] "=&r"(x1),
                       [w0] "=&r"(w0), [w1] "=&r"(w1), [ta] "=&r"(ta), [fa] "=&r"(fa), [bits] "+&r"(bits),
                       [th] "+m"(th)
                     : [x] "m"(x), [thend] "m"(thend)
                     : "cc", "memory");
    *o++ = bits >> (32 - nc);
  }
}

BNN_FUSED_HS8(bnn_bits_out_hs8, BNN_HS_PAIR)
BNN_FUSED_HS8(bnn_bits_out_hs8_pairs, BNN_HS_PAIRED)
BNN_FUSED_HS16(bnn_bits_out_hs16, BNN_HS_PAIR)
BNN_FUSED_HS16(bnn_bits_out_hs16_pairs, BNN_HS_PAIRED)
#elif BNN_POPCOUNT == 6
static BNN_NOINLINE void bnn_bits_out_hs8(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,
                                          uint32_t *o) {
  BNN_BITS_OUT_LOOP(bnn_hs8_row)
}

static BNN_NOINLINE void bnn_bits_out_hs16(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,
                                           uint32_t *o) {
  BNN_BITS_OUT_LOOP(bnn_hs16_row)
}
#endif

#if BNN_POPCOUNT == 6
static BNN_NOINLINE void bnn_bits_out_swar(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,
                                           uint32_t *o) {
  BNN_BITS_OUT_LOOP(bnn_xor_popcount_swar)
}
#endif

/*
 * Bit-packed outputs of one pixel (or dense row) for the out_c filter rows of n words after f. `pairs`: x and
 * the rows are in the pair layout (bnn_pair_rows).
 */
static BNN_ALWAYS_INLINE void bnn_bits_out(const uint32_t *x, const uint32_t *f, int n, int out_c, const int32_t *th,
                                           uint32_t *o, int pairs) {
#if defined(BNN_FUSED_BITS_OUT)
  /* rows of BNN_PAIRS_MIN_WORDS..255 words: the fused Harley-Seal channel loops, plain or paired */
  if (pairs && n == 8) {
    bnn_bits_out_r8_pairs(x, f, out_c, th, o);
    return;
  }
  if (pairs && n == 9) {
    bnn_bits_out_r9_pairs(x, f, out_c, th, o);
    return;
  }
  if (pairs && n == 18) {
    bnn_bits_out_r18_pairs(x, f, out_c, th, o);
    return;
  }
  if (pairs && n == 36) {
    bnn_bits_out_r36_pairs(x, f, out_c, th, o);
    return;
  }
  if (n >= BNN_PAIRS_MIN_WORDS && n < BNN_HS16_MIN_WORDS) {
    (pairs ? bnn_bits_out_hs8_pairs : bnn_bits_out_hs8)(x, f, n, out_c, th, o);
    return;
  }
  if (n >= BNN_HS16_MIN_WORDS && n <= 255) {
    (pairs ? bnn_bits_out_hs16_pairs : bnn_bits_out_hs16)(x, f, n, out_c, th, o);
    return;
  }
  if (!pairs && n >= 2 && n < BNN_PAIRS_MIN_WORDS) {
    bnn_bits_out_swar_fused(x, f, n, out_c, th, o);
    return;
  }
#endif
  if (pairs) {
    bnn_bits_out_pairs_c(x, f, n, out_c, th, o);
    return;
  }
#if BNN_POPCOUNT == 6
  if (n < BNN_HS8_MIN_WORDS) {
    bnn_bits_out_swar(x, f, n, out_c, th, o);
  } else if (n < BNN_HS16_MIN_WORDS) {
    bnn_bits_out_hs8(x, f, n, out_c, th, o);
  } else if (n <= 255) {
    bnn_bits_out_hs16(x, f, n, out_c, th, o);
  } else {
    bnn_bits_out_hs(x, f, n, out_c, th, o);
  }
#else
  bnn_bits_out_hs(x, f, n, out_c, th, o);
#endif
}

/* All output channels of one output pixel from its gathered patch (see bnn_bconv2d). */
static BNN_ALWAYS_INLINE void bnn_bconv_pixel(const bnn_bconv2d_params *p, const uint32_t *patch_words, int patch, int border,
                                   int valid_taps, int iy0, int ix0, void *out, size_t pix, int long_rows) {
  const bnn_window *w = &p->win;
  const int wc = BNN_PACKED_WORDS(p->in_c);
  const int32_t k = (border ? valid_taps : w->k_h * w->k_w) * p->in_c;
  if (p->ot.bitpacked) {
    const int out_words = BNN_PACKED_WORDS(p->out_c);
    bnn_bits_out(patch_words, p->filter, patch, p->out_c, p->ot.thresholds, (uint32_t *)out + pix * (size_t)out_words,
                 p->filter_pairs);
  } else {
    float *o = (float *)out + pix * (size_t)p->out_c;
    for (int c = 0; c < p->out_c; c++) {
      const uint32_t *f = p->filter + (size_t)c * (size_t)patch;
      int32_t accum = bnn_row_popcount(patch_words, f, patch, long_rows);
      if (border) {
        for (int ky = 0; ky < w->k_h; ky++) {
          for (int kx = 0; kx < w->k_w; kx++) {
            if (!bnn_in_bounds(iy0 + ky * w->dil_h, ix0 + kx * w->dil_w, w->in_h, w->in_w)) {
              const uint32_t *ft = f + (size_t)(ky * w->k_w + kx) * (size_t)wc;
              for (int j = 0; j < wc; j++) accum -= bnn_popcount32_inline(ft[j]);
            }
          }
        }
      }
      o[c] = bnn_float_transform(&p->ot, c, k - 2 * accum);
    }
  }
}

/* Separate functions so each popcount variant gets its own register allocation. */
static BNN_NOINLINE void bnn_bconv_pixel_long(const bnn_bconv2d_params *p, const uint32_t *patch_words, int patch,
                                              int border, int valid_taps, int iy0, int ix0, void *out, size_t pix) {
  bnn_bconv_pixel(p, patch_words, patch, border, valid_taps, iy0, ix0, out, pix, 1);
}

#if BNN_POPCOUNT == 6
static BNN_NOINLINE void bnn_bconv_pixel_longer(const bnn_bconv2d_params *p, const uint32_t *patch_words, int patch,
                                                int border, int valid_taps, int iy0, int ix0, void *out, size_t pix) {
  bnn_bconv_pixel(p, patch_words, patch, border, valid_taps, iy0, ix0, out, pix, 2);
}
#endif

static BNN_NOINLINE void bnn_bconv_pixel_short(const bnn_bconv2d_params *p, const uint32_t *patch_words, int patch,
                                               int border, int valid_taps, int iy0, int ix0, void *out, size_t pix) {
  bnn_bconv_pixel(p, patch_words, patch, border, valid_taps, iy0, ix0, out, pix, 0);
}

/*
 * Binary conv. Per output pixel the receptive field is gathered into `scratch` as one contiguous packed
 * patch (out-of-bounds taps as 0 words, i.e. +1: exactly one-padding), so each output channel is a single
 * xor-popcount over k_h*k_w*words(in_c) words against its contiguous OHWI filter row.
 *   accum = sum popcount(x ^ w),  dot = K - 2*accum,  K = k_h*k_w*in_c.
 * Zero-padding: an out-of-bounds tap must contribute 0 to dot, but the 0 patch words added popcount(w) to
 * accum; subtracting it leaves accum over in-bounds taps, and K counts in-bounds taps only.
 */
void bnn_bconv2d(const bnn_bconv2d_params *p, const uint32_t *in, void *out, uint32_t *scratch) {
  const bnn_window *w = &p->win;
  const int wc = BNN_PACKED_WORDS(p->in_c);
  const int taps = w->k_h * w->k_w;
  const int patch = taps * wc;
  const int seg = w->k_w * wc; /* the patch words of one kernel row */
  const int pair_patch = p->filter_pairs && p->ot.bitpacked;
  /* kernel rows of an even number of words: each row's pairs are its own, paired as it is gathered */
  const int pair_by_row = pair_patch && (seg & 1) == 0;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      int valid_taps = 0;
      uint32_t *s = scratch;
      for (int ky = 0; ky < w->k_h; ky++) {
        const int iy = iy0 + ky * w->dil_h;
        if (w->dil_w == 1 && iy >= 0 && iy < w->in_h && ix0 >= 0 && ix0 + w->k_w <= w->in_w) {
          /* the whole kernel row in bounds: k_w contiguous input pixels, one copy */
          const uint32_t *src = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix0) * (size_t)wc;
          if (pair_by_row) {
            bnn_copy_pairs(s, src, seg);
          } else {
            memcpy(s, src, (size_t)seg * 4u);
          }
          s += seg;
          valid_taps += w->k_w;
          continue;
        }
        for (int kx = 0; kx < w->k_w; kx++, s += wc) {
          const int ix = ix0 + kx * w->dil_w;
          if (bnn_in_bounds(iy, ix, w->in_h, w->in_w)) {
            memcpy(s, in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)wc, (size_t)wc * 4u);
            valid_taps++;
          } else {
            memset(s, 0, (size_t)wc * 4u);
          }
        }
        if (pair_by_row) bnn_pair_rows(s - seg, 1, seg);
      }
      if (pair_patch && !pair_by_row) bnn_pair_rows(scratch, 1, patch);
      const int border = valid_taps != taps && p->pad == BNN_PAD_ZERO;
      const size_t pix = (size_t)oy * (size_t)w->out_w + (size_t)ox;
      /* Specialised copies of the channel loop: the popcount variant is fixed per layer. */
#if BNN_POPCOUNT == 6
      if (patch >= BNN_HS16_MIN_WORDS) {
        bnn_bconv_pixel_longer(p, scratch, patch, border, valid_taps, iy0, ix0, out, pix);
      } else
#endif
      if (patch >= BNN_LONG_ROW_WORDS) {
        bnn_bconv_pixel_long(p, scratch, patch, border, valid_taps, iy0, ix0, out, pix);
      } else {
        bnn_bconv_pixel_short(p, scratch, patch, border, valid_taps, iy0, ix0, out, pix);
      }
    }
  }
}

/* Binary depthwise: per channel c, dot over the taps of sign(x[c]) * sign(w[c]). Float output only. */
void bnn_bdepthwise(const bnn_bdepthwise_params *p, const uint32_t *in, float *out) {
  const bnn_window *w = &p->win;
  const int wc = BNN_PACKED_WORDS(p->channels);
  const int taps = w->k_h * w->k_w;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)p->channels;
      for (int j = 0; j < wc; j++) {
        int32_t disagree[32];
        int valid_taps = 0;
        for (int i = 0; i < 32; i++) disagree[i] = 0;
        for (int ky = 0; ky < w->k_h; ky++) {
          for (int kx = 0; kx < w->k_w; kx++) {
            const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
            uint32_t x = 0; /* one-padding: +1 */
            if (bnn_in_bounds(iy, ix, w->in_h, w->in_w)) {
              x = in[((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)wc + (size_t)j];
              valid_taps++;
            } else if (p->pad == BNN_PAD_ZERO) {
              continue;
            }
            const uint32_t d = x ^ p->filter[(size_t)(ky * w->k_w + kx) * (size_t)wc + (size_t)j];
            for (int i = 0; i < 32; i++) disagree[i] += (int32_t)((d >> i) & 1u);
          }
        }
        const int32_t k = p->pad == BNN_PAD_ZERO ? valid_taps : taps;
        const int n = p->channels - 32 * j < 32 ? p->channels - 32 * j : 32;
        for (int i = 0; i < n; i++) o[32 * j + i] = bnn_float_transform(&p->ot, 32 * j + i, k - 2 * disagree[i]);
      }
    }
  }
}

void bnn_bdense(const bnn_bdense_params *p, const uint32_t *in, void *out) {
  const int wc = BNN_PACKED_WORDS(p->in_c);
  if (p->ot.bitpacked) {
    bnn_bits_out(in, p->filter, wc, p->out_c, p->ot.thresholds, (uint32_t *)out, 0);
  } else {
    float *o = (float *)out;
    for (int c = 0; c < p->out_c; c++) {
      const int32_t accum = bnn_xor_popcount_inline(in, p->filter + (size_t)c * (size_t)wc, wc);
      o[c] = bnn_float_transform(&p->ot, c, p->in_c - 2 * accum);
    }
  }
}

/* Max of +-1 values is -1 only when all are -1: a bitwise AND of the in-bounds taps. */
void bnn_bmaxpool(const bnn_window *w, int channels, const uint32_t *in, uint32_t *out) {
  const int wc = BNN_PACKED_WORDS(channels);
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      uint32_t *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)wc;
      for (int j = 0; j < wc; j++) o[j] = 0xFFFFFFFFu;
      for (int ky = 0; ky < w->k_h; ky++) {
        for (int kx = 0; kx < w->k_w; kx++) {
          const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
          if (!bnn_in_bounds(iy, ix, w->in_h, w->in_w)) continue;
          const uint32_t *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)wc;
          for (int j = 0; j < wc; j++) o[j] &= x[j];
        }
      }
    }
  }
}

/* n consecutive (tap, ci) terms of one output pixel: x holds the n input values, f the first of their HWIO filter
   rows (each co_n floats apart). Eight output channels at a time over all n terms, then the channels left over. */
static void bnn_conv_terms(float *o, const float *x, const float *f, int n, int co_n) {
  const int co8 = co_n & ~7;
  for (int co = 0; co < co8; co += 8) bnn_f32_mac8_row(o + co, x, f + co, n, co_n);
  if (co8 == co_n) return;
  for (int i = 0; i < n; i++, f += co_n) {
    const float xv = x[i];
    for (int co = co8; co < co_n; co++) {
      const float prod = xv * f[co];
      o[co] = o[co] + prod;
    }
  }
}

/* Float conv, zero padding. Accumulates in float, exactly like the reference (and its WASM SIMD kernel):
   acc = bias, then for taps (ky, kx) and channels ci: acc = f32(acc + f32(x * w)); activation last.
   The output row itself holds the Cout accumulators; with dilation 1 along x, the in-bounds taps of one kernel
   row are one contiguous run of (kx, ci) input values whose HWIO filter rows are contiguous too, so a kernel row
   is one bnn_conv_terms call. Every accumulator still sees its terms in the reference's (ky, kx, ci) order. */
void bnn_conv2d(const bnn_conv2d_params *p, const float *in, float *out) {
  const bnn_window *w = &p->win;
  const int co_n = p->out_c, in_c = p->in_c;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)co_n;
      for (int co = 0; co < co_n; co++) o[co] = p->bias ? p->bias[co] : 0.0f;
      for (int ky = 0; ky < w->k_h; ky++) {
        const int iy = iy0 + ky * w->dil_h;
        if (iy < 0 || iy >= w->in_h) continue;
        const float *row = in + (size_t)iy * (size_t)w->in_w * (size_t)in_c;
        const float *frow = p->filter + (size_t)(ky * w->k_w) * (size_t)in_c * (size_t)co_n;
        if (w->dil_w == 1) {
          const int kx0 = ix0 < 0 ? -ix0 : 0;
          const int kx1 = w->in_w - ix0 < w->k_w ? w->in_w - ix0 : w->k_w;
          if (kx1 <= kx0) continue;
          bnn_conv_terms(o, row + (size_t)(ix0 + kx0) * (size_t)in_c, frow + (size_t)kx0 * (size_t)in_c * (size_t)co_n,
                         (kx1 - kx0) * in_c, co_n);
          continue;
        }
        for (int kx = 0; kx < w->k_w; kx++) {
          const int ix = ix0 + kx * w->dil_w;
          if (ix < 0 || ix >= w->in_w) continue;
          bnn_conv_terms(o, row + (size_t)ix * (size_t)in_c, frow + (size_t)kx * (size_t)in_c * (size_t)co_n, in_c,
                         co_n);
        }
      }
      if (p->activation == BNN_ACT_RELU) {
        for (int co = 0; co < co_n; co++) o[co] = bnn_apply_activation(o[co], BNN_ACT_RELU);
      }
    }
  }
}

/* Float depthwise conv. The output row holds the C*M accumulators and the taps are the outer loop, so each
   tap reads one contiguous input pixel and filter row; every accumulator still sees the bias first, then its
   in-bounds taps in (ky, kx) order: acc = f32(acc + f32(x*w)), exactly the reference's order. */
void bnn_depthwise(const bnn_depthwise_params *p, const float *in, float *out) {
  const bnn_window *w = &p->win;
  const int m = p->multiplier, ch = p->channels, outc = ch * m;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)outc;
      for (int k = 0; k < outc; k++) o[k] = p->bias ? p->bias[k] : 0.0f;
      for (int ky = 0; ky < w->k_h; ky++) {
        const int iy = iy0 + ky * w->dil_h;
        if (iy < 0 || iy >= w->in_h) continue;
        for (int kx = 0; kx < w->k_w; kx++) {
          const int ix = ix0 + kx * w->dil_w;
          if (ix < 0 || ix >= w->in_w) continue;
          const float *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)ch;
          const float *f = p->filter + (size_t)(ky * w->k_w + kx) * (size_t)outc;
          if (m == 1) {
            const int c8 = ch & ~7;
            if (c8 > 0) bnn_f32_vmac_row(o, x, f, c8 / 8);
            for (int c = c8; c < ch; c++) {
              const float prod = x[c] * f[c];
              o[c] = o[c] + prod;
            }
          } else {
            for (int c = 0; c < ch; c++) {
              for (int q = 0; q < m; q++) {
                const float prod = x[c] * f[c * m + q];
                o[c * m + q] = o[c * m + q] + prod;
              }
            }
          }
        }
      }
      if (p->activation == BNN_ACT_RELU) {
        for (int k = 0; k < outc; k++) o[k] = bnn_apply_activation(o[k], BNN_ACT_RELU);
      }
    }
  }
}

void bnn_dense(const bnn_dense_params *p, const float *in, float *out) {
  for (int co = 0; co < p->out_c; co++) {
    float acc = p->bias ? p->bias[co] : 0.0f;
    for (int ci = 0; ci < p->in_c; ci++) {
      if (in[ci] == 0.0f) continue;
      const float prod = in[ci] * p->weights[(size_t)ci * (size_t)p->out_c + (size_t)co];
      acc = acc + prod;
    }
    out[co] = bnn_apply_activation(acc, p->activation);
  }
}

void bnn_scale_shift(const float *in, float *out, int pixels, int channels, const float *scale,
                     const float *shift) {
  if (channels == 1) { /* one scale and shift for the whole tensor (an input normalization) */
    const float s = scale[0], b = shift[0];
    for (int i = 0; i < pixels; i++) {
      const float prod = in[i] * s;
      out[i] = prod + b;
    }
    return;
  }
  if ((channels & 7) == 0) {
    for (int p = 0; p < pixels; p++) {
      const size_t at = (size_t)p * (size_t)channels;
      bnn_f32_affine_row(out + at, in + at, scale, shift, channels / 8);
    }
    return;
  }
  for (int p = 0; p < pixels; p++) {
    const float *x = in + (size_t)p * (size_t)channels;
    float *y = out + (size_t)p * (size_t)channels;
    for (int c = 0; c < channels; c++) {
      const float prod = x[c] * scale[c];
      y[c] = prod + shift[c];
    }
  }
}

/* Pools: channels in the inner loop (one contiguous input pixel per tap); every channel still sees its in-bounds
   taps in (ky, kx) order. Max as Math.max (+0 beats -0); average: f32 sum from +0, then one division. */
void bnn_maxpool(const bnn_window *w, int channels, const float *in, float *out) {
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)channels;
      for (int c = 0; c < channels; c++) o[c] = -INFINITY;
      for (int ky = 0; ky < w->k_h; ky++) {
        const int iy = iy0 + ky * w->dil_h;
        if (iy < 0 || iy >= w->in_h) continue;
        for (int kx = 0; kx < w->k_w; kx++) {
          const int ix = ix0 + kx * w->dil_w;
          if (ix < 0 || ix >= w->in_w) continue;
          const float *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)channels;
          for (int c = 0; c < channels; c++) {
            const float v = x[c], m = o[c];
            if (v > m || (v == 0.0f && m == 0.0f && !signbit(v))) o[c] = v;
          }
        }
      }
    }
  }
}

void bnn_avgpool(const bnn_window *w, int channels, const float *in, float *out) {
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)channels;
      int count = 0;
      for (int c = 0; c < channels; c++) o[c] = 0.0f;
      for (int ky = 0; ky < w->k_h; ky++) {
        const int iy = iy0 + ky * w->dil_h;
        if (iy < 0 || iy >= w->in_h) continue;
        for (int kx = 0; kx < w->k_w; kx++) {
          const int ix = ix0 + kx * w->dil_w;
          if (ix < 0 || ix >= w->in_w) continue;
          const float *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)channels;
          for (int c = 0; c < channels; c++) o[c] = o[c] + x[c];
          count++;
        }
      }
      const float n = (float)count;
      for (int c = 0; c < channels; c++) o[c] = o[c] / n;
    }
  }
}

/* Channels in the inner loop: every channel's sum still sees the positions in order. */
void bnn_global_avgpool(const float *in, float *out, int pixels, int channels) {
  for (int c = 0; c < channels; c++) out[c] = 0.0f;
  for (int p = 0; p < pixels; p++) {
    const float *x = in + (size_t)p * (size_t)channels;
    for (int c = 0; c < channels; c++) out[c] = out[c] + x[c];
  }
  const float n = (float)pixels;
  for (int c = 0; c < channels; c++) out[c] = out[c] / n;
}

/* f32(f32(+0 + a) + b): the +0 start turns -0 + -0 into +0, as the reference's sum from +0 does. */
void bnn_add(const float *a, const float *b, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float s = 0.0f + a[i];
    out[i] = s + b[i];
  }
}

void bnn_add_n(const float *const *inputs, int count, float *out, int n) {
  for (int i = 0; i < n; i++) {
    float s = 0.0f;
    for (int k = 0; k < count; k++) s = s + inputs[k][i];
    out[i] = s;
  }
}

void bnn_concat_part(const float *in, float *out, int pixels, int channels, int out_stride, int offset) {
  for (int p = 0; p < pixels; p++) {
    memcpy(out + (size_t)p * (size_t)out_stride + (size_t)offset, in + (size_t)p * (size_t)channels,
           (size_t)channels * sizeof(float));
  }
}

void bnn_copy(const float *in, float *out, int n) {
  if (in != out) memmove(out, in, (size_t)n * sizeof(float));
}

void bnn_relu(const float *in, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
}

void bnn_prelu(const float *in, float *out, int pixels, int channels, const float *alpha) {
  for (int p = 0; p < pixels; p++) {
    for (int c = 0; c < channels; c++) {
      const size_t i = (size_t)p * (size_t)channels + (size_t)c;
      out[i] = in[i] >= 0.0f ? in[i] : alpha[c] * in[i];
    }
  }
}

void bnn_hard_tanh(const float *in, float *out, int n) {
  for (int i = 0; i < n; i++) out[i] = in[i] < -1.0f ? -1.0f : (in[i] > 1.0f ? 1.0f : in[i]);
}

/* RELU6: x > 0 ? min(x, 6) : +0 (+0 for +-0 and NaN, as the TypeScript reference). */
void bnn_relu6(const float *in, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float x = in[i];
    out[i] = x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f;
  }
}

/* HARD_SWISH, TFLite's reference order: t = x + 3, r = min(6, max(0, t)), y = (x * r) / 6. */
void bnn_hard_swish(const float *in, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float x = in[i];
    const float t = x + 3.0f;
    const float lo = 0.0f < t ? t : 0.0f;
    const float r = lo < 6.0f ? lo : 6.0f;
    const float prod = x * r;
    out[i] = prod / 6.0f;
  }
}

void bnn_leaky_tanh(const float *in, float *out, int n, float alpha) {
  for (int i = 0; i < n; i++) {
    const float x = in[i];
    const float c = x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
    const float excess = x - c;
    const float scaled = alpha * excess;
    out[i] = c + scaled;
  }
}

/* The float32 with bit pattern `bits`, and back. */
static inline float bnn_f32_from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static inline uint32_t bnn_f32_bits(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

/*
 * e^x in float32 with FreeBSD's / musl's e_expf.c algorithm (Sun's fdlibm converted to float), operation by
 * operation as @bnn-studio/kernels' expf (src/reference/expf.ts) and its WASM expf_f32, so the softmax agrees
 * bit for bit between device, host and the studio whatever libm the toolchain ships. Accuracy < 1 ulp.
 *   1. reduce: x = k*ln2 + r, |r| <= 0.5*ln2, ln2 = hi + lo (hi has 16 significant bits: k*hi is exact);
 *   2. c = r - r^2*(P1 + r^2*P2), the minimax form of r*(e^r + 1)/(e^r - 1) - 2 on the reduced range;
 *   3. e^r = 1 + ((r*c/(2 - c) - lo) + hi), then scaled by 2^k with one rounding (scalbnf).
 */
float bnn_expf(float x) {
  const float ln2_hi = bnn_f32_from_bits(0x3f317200u), ln2_lo = bnn_f32_from_bits(0x35bfbe8eu);
  const float inv_ln2 = bnn_f32_from_bits(0x3fb8aa3bu);
  const float p1 = bnn_f32_from_bits(0x3e2aaa8fu), p2 = bnn_f32_from_bits(0xbb355215u);
  uint32_t hx = bnn_f32_bits(x);
  const int sign = (int)(hx >> 31);
  hx &= 0x7FFFFFFFu;
  if (hx > 0x7F800000u) return x; /* NaN */
  if (hx >= 0x42AEAC50u) {        /* |x| >= 87.33655 */
    if (hx >= 0x42B17218u && !sign) return x * 0x1p127f; /* x >= 88.722839: +inf */
    if (sign && hx >= 0x42CFF1B5u) return 0.0f;           /* x <= -103.972084: +0 */
  }
  int k;
  float hi, lo;
  if (hx > 0x3EB17218u) { /* |x| > 0.5 ln2 */
    if (hx > 0x3F851592u) {
      const float t = inv_ln2 * x;
      k = (int)(t + (sign ? -0.5f : 0.5f)); /* truncation toward zero */
    } else {
      k = 1 - sign - sign; /* |x| <= 1.5 ln2 */
    }
    const float kf = (float)k;
    const float khi = kf * ln2_hi;
    hi = x - khi;
    lo = kf * ln2_lo;
    x = hi - lo;
  } else if (hx > 0x39000000u) { /* |x| > 2^-14 */
    k = 0;
    hi = x;
    lo = 0.0f;
  } else {
    return 1.0f + x;
  }
  const float xx = x * x;
  const float poly = p1 + xx * p2;
  const float c = x - xx * poly;
  const float q = (x * c) / (2.0f - c);
  float y = 1.0f + ((q - lo) + hi);
  if (k == 0) return y;
  /* scalbnf(y, k) for k in [-150, 128]: at most one exact pre-scaling, then one rounding. */
  if (k > 127) {
    y = y * 0x1p127f;
    k -= 127;
  } else if (k < -126) {
    y = y * 0x1p-102f;
    k += 102;
  }
  return y * bnn_f32_from_bits((uint32_t)(k + 127) << 23);
}

/* Softmax over the last axis: m = max, e_i = bnn_expf(x_i - m) (kept in out), s = sum in order, y_i = e_i / s. */
void bnn_softmax(const float *in, float *out, int rows, int n) {
  for (int r = 0; r < rows; r++) {
    const float *x = in + (size_t)r * (size_t)n;
    float *y = out + (size_t)r * (size_t)n;
    float m = -INFINITY;
    for (int i = 0; i < n; i++) {
      if (x[i] > m || (x[i] == 0.0f && m == 0.0f && !signbit(x[i]))) m = x[i]; /* Math.max: +0 beats -0 */
    }
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
      const float e = bnn_expf(x[i] - m);
      y[i] = e;
      sum = sum + e;
    }
    for (int i = 0; i < n; i++) y[i] = y[i] / sum;
  }
}
