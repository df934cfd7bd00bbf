/*
 * Cortex-M4 conv benchmark harness (run under qemu-system-arm with the instruction-count plugin).
 * For each shape in BENCH_SHAPES it runs, between calls to bench_mark():
 *   1. bnn_bconv2d from the portable runtime (bit-packed and float output transforms), one-padding; the
 *      bit-packed run with the filter as the exporter writes it (rows of 16..255 words in the pair layout);
 *   2. the runtime's int8 convolution bnn_s8_conv2d (src/bnn_int8.c: TFLite's int8 per-channel semantics,
 *      im2col of two pixels to int16 + a 2-channel x 2-pixel SXTB16/SMLAD kernel, the scheme of CMSIS-NN's
 *      arm_convolve_s8), same padding, per-channel requantisation, output offset, clamp.
 * Both results are checked against plain C references (bnn_s8_conv2d_ref; a bit-by-bit binary count), so
 * neither side is a broken fast path.
 * Prints "shape <i>" lines; the plugin's marks give the counts (mark order: per shape
 * [bin-bitpacked start, end, bin-float start, end, int8 start, end]).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bnn_int8.h"
#include "bnn_popcount.h"
#include "bnn_runtime.h"

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
#ifndef BENCH_MAX_KDIM
#define BENCH_MAX_KDIM (9 * 64)
#endif

__attribute__((noinline)) void bench_mark(int id);
__attribute__((noinline)) void bench_mark(int id) { __asm volatile("" : : "r"(id) : "memory"); }

static uint32_t rng = 12345u;
static uint32_t next_rand(void) {
  rng = rng * 1664525u + 1013904223u;
  return rng;
}

/* ---- int8 convolution: the runtime's bnn_s8_conv2d (TFLite int8 semantics), checked against its reference ---- */
static int8_t in8[BENCH_MAX_IN];
static int8_t filt8[BENCH_MAX_FILTER]; /* OHWI */
static int32_t bias32[BENCH_MAX_COUT], mult32[BENCH_MAX_COUT], shift32[BENCH_MAX_COUT];
static int8_t out8[BENCH_MAX_OUT], ref8[BENCH_MAX_OUT];
static int32_t scratch8[BENCH_MAX_KDIM]; /* BNN_S8_CONV2D_SCRATCH_BYTES = 4 * kdim bytes */

static bnn_s8_conv2d_params int8_params(const bench_shape *s, int32_t in_offset, int32_t out_offset) {
  bnn_s8_conv2d_params q;
  memset(&q, 0, sizeof q);
  q.win.in_h = q.win.out_h = s->h;
  q.win.in_w = q.win.out_w = s->w;
  q.win.k_h = q.win.k_w = s->k;
  q.win.stride_h = q.win.stride_w = q.win.dil_h = q.win.dil_w = 1;
  q.win.pad_top = q.win.pad_left = q.win.pad_bottom = q.win.pad_right = s->k / 2; /* same (odd k) */
  q.in_c = s->cin;
  q.out_c = s->cout;
  q.filter = filt8;
  q.bias = bias32;
  q.multiplier = mult32;
  q.shift = shift32;
  q.input_offset = in_offset;
  q.output_offset = out_offset;
  q.act_min = -128;
  q.act_max = 127;
  return q;
}

/* ---- binary convolution via the runtime ---- */
static uint32_t inb[BENCH_MAX_IN / 32 + 64];
static uint32_t filtb[BENCH_MAX_FILTER / 32 + 64];
static uint32_t filtp[BENCH_MAX_FILTER / 32 + 64]; /* filtb in the pair layout, as the exporter writes it */
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
    /* the bit-packed output takes the filter as the exporter writes it: rows of 16..255 words paired */
    const int row = s->k * s->k * wc;
#if BNN_POPCOUNT == 6
    const int pairs = row >= BNN_PAIRS_MIN_WORDS && row <= BNN_PAIRS_MAX_WORDS;
#else
    const int pairs = 0; /* the other popcount variants have no pair-layout rows: compare them on plain rows */
#endif
    memcpy(filtp, filtb, sizeof(uint32_t) * (size_t)(s->cout * row));
    if (pairs) bnn_pair_rows(filtp, s->cout, row);
    p.filter = filtp;
    p.filter_pairs = pairs;
    p.ot.bitpacked = 1;
    p.ot.thresholds = thresholds;

    bench_mark(6 * si + 0);
    bnn_bconv2d(&p, inb, outb, scratch);
    bench_mark(6 * si + 1);

    p.filter = filtb;
    p.filter_pairs = 0;
    p.ot.bitpacked = 0;
    p.ot.multiplier = multiplier;
    p.ot.bias = bias_f;
    bench_mark(6 * si + 2);
    bnn_bconv2d(&p, inb, outf, scratch);
    bench_mark(6 * si + 3);

    const bnn_s8_conv2d_params q = int8_params(s, 3, -5);
    bench_mark(6 * si + 4);
    bnn_s8_conv2d(&q, in8, out8, scratch8);
    bench_mark(6 * si + 5);

    bnn_s8_conv2d_ref(&q, in8, ref8);
    const int bad = memcmp(out8, ref8, (size_t)(s->h * s->w * s->cout)) != 0;
    /* the binary conv's bit-packed output against a bit-by-bit count (one-padding: out-of-bounds taps are 0) */
    p.filter = filtp;
    p.filter_pairs = pairs;
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
