/*
 * Cortex-M4 conv benchmark harness (run under qemu-system-arm with the instruction-count plugin).
 * For each shape in BENCH_SHAPES it runs, between calls to bench_mark():
 *   1. bnn_bconv2d from the portable runtime (bit-packed and float output transforms), one-padding;
 *   2. an int8 convolution written the way CMSIS-NN's arm_convolve_s8 writes it: im2col of two output
 *      pixels into int16 (input offset added), then a 2-output-channel x 2-column matrix kernel that
 *      sign-extends four int8 weights with SXTB16 (+ROR 8) and accumulates with SMLAD, per-channel
 *      requantisation (doubling high multiply + rounding shift), output offset, clamp.
 * Both results are checked against plain C references (so neither side is a broken fast path). As in
 * CMSIS-NN, the conv, its im2col conversion and the matrix kernel are separate (not inlined) functions.
 * Prints "shape <i>" lines; the plugin's marks give the counts (mark order: per shape
 * [bin-bitpacked start, end, bin-float start, end, int8 start, end]).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bnn_runtime.h"

#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
#include <arm_acle.h>
#define SXTB16(x) __sxtb16(x)
#define SXTB16_ROR8(x) __sxtb16(((x) >> 8) | ((x) << 24)) /* SXTB16 with ROR #8 */
#define SMLAD(a, b, acc) ((int32_t)__smlad((a), (b), (acc)))
/* PKHBT / PKHTB as CMSIS's __PKHBT / __PKHTB: one instruction each. */
static inline uint32_t PKHBT16(uint32_t lo, uint32_t hi) {
  uint32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
static inline uint32_t PKHTB16(uint32_t hi, uint32_t lo) {
  uint32_t r;
  __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(r) : "r"(hi), "r"(lo));
  return r;
}
#else
static inline uint32_t PKHBT16(uint32_t lo, uint32_t hi) { return (lo & 0xFFFFu) | (hi << 16); }
static inline uint32_t PKHTB16(uint32_t hi, uint32_t lo) { return (hi & 0xFFFF0000u) | (lo >> 16); }
static inline uint32_t SXTB16(uint32_t x) {
  return ((uint32_t)(int32_t)(int8_t)(x & 0xFFu) & 0xFFFFu) | ((uint32_t)(int32_t)(int8_t)((x >> 16) & 0xFFu) << 16);
}
static inline uint32_t SXTB16_ROR8(uint32_t x) { return SXTB16((x >> 8) | (x << 24)); }
static inline int32_t SMLAD(uint32_t a, uint32_t b, int32_t acc) {
  return acc + (int16_t)(a & 0xFFFFu) * (int16_t)(b & 0xFFFFu) + (int16_t)(a >> 16) * (int16_t)(b >> 16);
}
#endif

typedef struct {
  int h, w, cin, cout, k;
} bench_shape;

#ifndef BENCH_SHAPES
#define BENCH_SHAPES {{16, 16, 64, 64, 3}}
#endif
static const bench_shape shapes[] = BENCH_SHAPES;
#define NUM_SHAPES ((int)(sizeof shapes / sizeof shapes[0]))

#ifndef BENCH_MAX_IN
#define BENCH_MAX_IN (16 * 16 * 64)
#endif
#ifndef BENCH_MAX_FILTER
#define BENCH_MAX_FILTER (64 * 9 * 64)
#endif
#ifndef BENCH_MAX_OUT
#define BENCH_MAX_OUT (16 * 16 * 64)
#endif
#ifndef BENCH_MAX_COUT
#define BENCH_MAX_COUT 256
#endif

__attribute__((noinline)) void bench_mark(int id);
__attribute__((noinline)) void bench_mark(int id) { __asm volatile("" : : "r"(id) : "memory"); }

static uint32_t rng = 12345u;
static uint32_t next_rand(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng;
}

/* ---- int8 convolution, CMSIS-NN style ---- */
static int8_t in8[BENCH_MAX_IN];
static int8_t filt8[BENCH_MAX_FILTER]; /* OHWI */
static int32_t bias32[BENCH_MAX_COUT], mult32[BENCH_MAX_COUT], shift32[BENCH_MAX_COUT];
static int8_t out8[BENCH_MAX_OUT], ref8[BENCH_MAX_OUT];
static int16_t colbuf[2 * 9 * 512];

/* (a * b * 2) >> 32 with rounding, no saturation: the requantisation multiply. */
static inline int32_t doubling_high_mult(int32_t a, int32_t b) {
  int64_t m = (int64_t)1 << 30;
  m += (int64_t)a * (int64_t)b;
  return (int32_t)(m >> 31);
}

static inline int32_t divide_pow2(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t rem = x & mask;
  int32_t result = x >> exponent;
  int32_t threshold = mask >> 1;
  if (x < 0) threshold++;
  if (rem > threshold) result++;
  return result;
}

static inline int32_t requantize(int32_t v, int32_t mult, int32_t shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return divide_pow2(doubling_high_mult(v * (1 << left), mult), right);
}

static inline int8_t finish(int32_t acc, int c, int32_t out_offset) {
  int32_t v = requantize(acc, mult32[c], shift32[c]) + out_offset;
  v = v < -128 ? -128 : (v > 127 ? 127 : v);
  return (int8_t)v;
}

/* four int8 -> two registers of two int16 each (weights, in the order matching the int16 columns) */
static inline const int8_t *read_and_pad(const int8_t *src, uint32_t *lo, uint32_t *hi) {
  uint32_t in;
  memcpy(&in, src, 4);
  const uint32_t odd = SXTB16_ROR8(in), even = SXTB16(in);
  *hi = PKHTB16(odd, even);
  *lo = PKHBT16(even, odd);
  return src + 4;
}

static inline uint32_t read_q15x2(const int16_t **p) {
  uint32_t v;
  memcpy(&v, *p, 4);
  *p += 2;
  return v;
}

/* 2 output channels x 2 columns per step; returns the next output pointer of column 0. */
__attribute__((noinline)) static int8_t *mat_mult_s8_s16(const int8_t *filter, const int16_t *cols, int cout, int kdim, int32_t out_offset,
                               int8_t *out0) {
  int8_t *out1 = out0 + cout;
  int c = 0;
  for (; c + 1 < cout; c += 2) {
    const int8_t *a0 = filter + (size_t)c * (size_t)kdim, *a1 = a0 + kdim;
    const int16_t *b0 = cols, *b1 = cols + kdim;
    int32_t c0o0 = bias32[c], c0o1 = bias32[c], c1o0 = bias32[c + 1], c1o1 = bias32[c + 1];
    int n = kdim >> 2;
    while (n--) {
      uint32_t a01, a02, a11, a12;
      uint32_t x0 = read_q15x2(&b0), x1 = read_q15x2(&b1);
      a0 = read_and_pad(a0, &a01, &a02);
      a1 = read_and_pad(a1, &a11, &a12);
      c0o0 = SMLAD(a01, x0, c0o0);
      c0o1 = SMLAD(a01, x1, c0o1);
      c1o0 = SMLAD(a11, x0, c1o0);
      c1o1 = SMLAD(a11, x1, c1o1);
      x0 = read_q15x2(&b0);
      x1 = read_q15x2(&b1);
      c0o0 = SMLAD(a02, x0, c0o0);
      c0o1 = SMLAD(a02, x1, c0o1);
      c1o0 = SMLAD(a12, x0, c1o0);
      c1o1 = SMLAD(a12, x1, c1o1);
    }
    for (n = kdim & 3; n > 0; n--, a0++, a1++, b0++, b1++) {
      c0o0 += *a0 * *b0;
      c0o1 += *a0 * *b1;
      c1o0 += *a1 * *b0;
      c1o1 += *a1 * *b1;
    }
    *out0++ = finish(c0o0, c, out_offset);
    *out0++ = finish(c1o0, c + 1, out_offset);
    *out1++ = finish(c0o1, c, out_offset);
    *out1++ = finish(c1o1, c + 1, out_offset);
  }
  for (; c < cout; c++) {
    const int8_t *a0 = filter + (size_t)c * (size_t)kdim;
    int32_t s0 = bias32[c], s1 = bias32[c];
    for (int i = 0; i < kdim; i++) {
      s0 += a0[i] * cols[i];
      s1 += a0[i] * cols[kdim + i];
    }
    *out0++ = finish(s0, c, out_offset);
    *out1++ = finish(s1, c, out_offset);
  }
  return out0 + cout;
}

/* int8 -> int16 with the input offset, four at a time (SXTB16 + SADD16 as in CMSIS-NN) */
__attribute__((noinline)) static void q7_to_q15_offset(const int8_t *src, int16_t *dst, int n, int32_t offset) {
  int i = 0;
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
  const uint32_t off2 = ((uint32_t)offset & 0xFFFFu) | ((uint32_t)offset << 16);
  for (; i + 4 <= n; i += 4) {
    uint32_t in;
    memcpy(&in, src + i, 4);
    const uint32_t even = __sadd16(SXTB16(in), off2), odd = __sadd16(SXTB16_ROR8(in), off2);
    const uint32_t lo = PKHBT16(even, odd), hi = PKHTB16(odd, even);
    memcpy(dst + i, &lo, 4);
    memcpy(dst + i + 2, &hi, 4);
  }
#endif
  for (; i < n; i++) dst[i] = (int16_t)(src[i] + offset);
}

__attribute__((noinline)) static void conv_s8(const bench_shape *s, int32_t in_offset, int32_t out_offset) {
  const int pad = s->k / 2, kdim = s->k * s->k * s->cin;
  int16_t *col = colbuf;
  int8_t *out = out8;
  for (int oy = 0; oy < s->h; oy++) {
    for (int ox = 0; ox < s->w; ox++) {
      for (int ky = 0; ky < s->k; ky++) {
        for (int kx = 0; kx < s->k; kx++) {
          const int iy = oy - pad + ky, ix = ox - pad + kx;
          if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) {
            memset(col, 0, sizeof(int16_t) * (size_t)s->cin);
          } else {
            q7_to_q15_offset(in8 + ((size_t)iy * (size_t)s->w + (size_t)ix) * (size_t)s->cin, col, s->cin, in_offset);
          }
          col += s->cin;
        }
      }
      if (col == colbuf + 2 * kdim) {
        out = mat_mult_s8_s16(filt8, colbuf, s->cout, kdim, out_offset, out);
        col = colbuf;
      }
    }
  }
  if (col != colbuf) { /* odd pixel count: last column alone */
    for (int c = 0; c < s->cout; c++) {
      int32_t acc = bias32[c];
      for (int i = 0; i < kdim; i++) acc += filt8[(size_t)c * (size_t)kdim + (size_t)i] * colbuf[i];
      *out++ = finish(acc, c, out_offset);
    }
  }
}

static void conv_s8_reference(const bench_shape *s, int32_t in_offset, int32_t out_offset) {
  const int pad = s->k / 2;
  for (int oy = 0; oy < s->h; oy++)
    for (int ox = 0; ox < s->w; ox++)
      for (int c = 0; c < s->cout; c++) {
        int32_t acc = bias32[c];
        for (int ky = 0; ky < s->k; ky++)
          for (int kx = 0; kx < s->k; kx++) {
            const int iy = oy - pad + ky, ix = ox - pad + kx;
            if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) continue;
            for (int i = 0; i < s->cin; i++)
              acc += filt8[(((size_t)c * (size_t)s->k + (size_t)ky) * (size_t)s->k + (size_t)kx) * (size_t)s->cin + (size_t)i] *
                     (in8[((size_t)iy * (size_t)s->w + (size_t)ix) * (size_t)s->cin + (size_t)i] + in_offset);
          }
        ref8[((size_t)oy * (size_t)s->w + (size_t)ox) * (size_t)s->cout + (size_t)c] = finish(acc, c, out_offset);
      }
}

/* ---- binary convolution via the runtime ---- */
static uint32_t inb[BENCH_MAX_IN / 32 + 64];
static uint32_t filtb[BENCH_MAX_FILTER / 32 + 64];
static uint32_t outb[BENCH_MAX_OUT / 32 + 64];
static float outf[BENCH_MAX_OUT];
static int32_t thresholds[BENCH_MAX_COUT];
static float multiplier[BENCH_MAX_COUT], bias_f[BENCH_MAX_COUT];
static uint32_t scratch[9 * 16 + 64];

int main(void) {
  int failures = 0;
  for (int si = 0; si < NUM_SHAPES; si++) {
    const bench_shape *s = &shapes[si];
    const int wc = BNN_PACKED_WORDS(s->cin), kdim = s->k * s->k * s->cin;
    for (int i = 0; i < s->h * s->w * wc; i++) inb[i] = next_rand();
    for (int i = 0; i < s->cout * s->k * s->k * wc; i++) filtb[i] = next_rand();
    for (int c = 0; c < s->cout; c++) {
      thresholds[c] = kdim / 2 + (int32_t)(next_rand() % 7u) - 3;
      multiplier[c] = 0.01f * (float)(1 + (int)(next_rand() % 5u));
      bias_f[c] = 0.1f;
    }
    for (int i = 0; i < s->h * s->w * s->cin; i++) in8[i] = (int8_t)(next_rand() >> 24);
    for (int i = 0; i < s->cout * kdim; i++) filt8[i] = (int8_t)(next_rand() >> 24);
    for (int c = 0; c < s->cout; c++) {
      bias32[c] = (int32_t)(next_rand() % 2001u) - 1000;
      mult32[c] = 1073741824 + (int32_t)(next_rand() % 1000000u);
      shift32[c] = -9;
    }
    bnn_bconv2d_params p;
    memset(&p, 0, sizeof p);
    p.win.in_h = s->h;
    p.win.in_w = s->w;
    p.win.out_h = s->h;
    p.win.out_w = s->w;
    p.win.k_h = p.win.k_w = s->k;
    p.win.stride_h = p.win.stride_w = p.win.dil_h = p.win.dil_w = 1;
    p.win.pad_top = p.win.pad_left = s->k / 2;
    p.in_c = s->cin;
    p.out_c = s->cout;
    p.pad = BNN_PAD_ONE;
    p.filter = filtb;
    p.ot.bitpacked = 1;
    p.ot.thresholds = thresholds;

    bench_mark(6 * si + 0);
    bnn_bconv2d(&p, inb, outb, scratch);
    bench_mark(6 * si + 1);

    p.ot.bitpacked = 0;
    p.ot.multiplier = multiplier;
    p.ot.bias = bias_f;
    bench_mark(6 * si + 2);
    bnn_bconv2d(&p, inb, outf, scratch);
    bench_mark(6 * si + 3);

    bench_mark(6 * si + 4);
    conv_s8(s, 3, -5);
    bench_mark(6 * si + 5);

    conv_s8_reference(s, 3, -5);
    const int bad = memcmp(out8, ref8, (size_t)(s->h * s->w * s->cout)) != 0;
    /* the binary conv's bit-packed output against a bit-by-bit count (one-padding: out-of-bounds taps are 0) */
    p.ot.bitpacked = 1;
    bnn_bconv2d(&p, inb, outb, scratch);
    int bin_bad = 0;
    for (int oy = 0; oy < s->h; oy++)
      for (int ox = 0; ox < s->w; ox++)
        for (int c = 0; c < s->cout; c++) {
          int32_t accum = 0;
          for (int ky = 0; ky < s->k; ky++)
            for (int kx = 0; kx < s->k; kx++) {
              const int iy = oy - s->k / 2 + ky, ix = ox - s->k / 2 + kx;
              for (int j = 0; j < wc; j++) {
                const uint32_t x = (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w) ? 0u : inb[(iy * s->w + ix) * wc + j];
                const uint32_t d = x ^ filtb[((c * s->k + ky) * s->k + kx) * wc + j];
                for (int bit = 0; bit < 32; bit++) accum += (int32_t)((d >> bit) & 1u);
              }
            }
          const uint32_t want = (uint32_t)(accum > thresholds[c]);
          const uint32_t got = (outb[(oy * s->w + ox) * BNN_PACKED_WORDS(s->cout) + c / 32] >> (c % 32)) & 1u;
          bin_bad += want != got;
        }
    failures += bad + (bin_bad != 0);
    printf("shape %d: %dx%dx%d -> %d, %dx%d: int8 %s, binary %s\n", si, s->h, s->w, s->cin, s->cout, s->k, s->k,
           bad ? "MISMATCH" : "ok", bin_bad ? "MISMATCH" : "ok");
  }
  printf(failures ? "FAIL\n" : "PASS\n");
  return failures;
}
