/*
 * Checks the binary kernels (bnn_bconv2d, bnn_bdense, bnn_bmaxpool of src/bnn_runtime.c) against plain
 * bit-by-bit references on seeded random shapes: odd sizes, 1x1 and 3x3/5x5 windows, strides, dilations, valid
 * and same windows with one- and zero-padding, channel counts that are not multiples of 32, rows of every
 * length modulo the Harley-Seal block (8 words) around the popcount thresholds (32 words) and past the
 * 31-block flush (248 words), bit-packed (threshold, int32 extremes included) and float output transforms,
 * bit-packed convs with the filter in plain and in the pair layout (bnn_pair_rows), the widths of the
 * straight-line rows (8, 9, 18, 36 words) often.
 * First the kept regression seeds, then BINARY_CHECK_CASES fresh ones. Prints PASS/FAIL.
 * Built by the exporters' tests for the host (ASan/UBSan) and for the emulated Cortex-M4 at -O2 (the Thumb-2
 * loops), -Os and -O0 (the C loops). Buffers are malloc'ed at their exact sizes so ASan sees any overrun.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bnn_runtime.h"
#include "check_common.h"

#ifndef BINARY_CHECK_CASES
#define BINARY_CHECK_CASES 400
#endif

static int failures = 0;
static unsigned long compared[3]; /* conv, dense, maxpool outputs compared */

/* The valid bits of word j of a packed pixel of `channels` channels. */
static uint32_t tail_mask(int channels, int j) {
  const int bits = channels - 32 * j;
  return bits >= 32 ? ~0u : (1u << bits) - 1u;
}

/* Random packed words with the unused tail bits of each pixel 0 (the packed-tensor contract). */
static void fill_packed(uint32_t *w, int pixels, int channels) {
  const int wc = BNN_PACKED_WORDS(channels);
  for (int p = 0; p < pixels; p++) {
    for (int j = 0; j < wc; j++) w[p * wc + j] = rnd() & tail_mask(channels, j);
  }
}

static int bit_of(const uint32_t *w, int c) { return (int)((w[c >> 5] >> (c & 31)) & 1u); }

/* The float transform as the runtime states it: activation(f32(f32(m * clamp(dot)) + b)). */
static float ref_transform(const bnn_output_transform *ot, int c, int32_t dot) {
  if (ot->clamp && dot < ot->clamp_min) dot = ot->clamp_min;
  if (ot->clamp && dot > ot->clamp_max) dot = ot->clamp_max;
  float y = ot->multiplier[c] * (float)dot;
  y = y + ot->bias[c];
  if (ot->activation == BNN_ACT_RELU) y = y > 0.0f ? y : 0.0f;
  return y;
}

static void random_transform(bnn_output_transform *ot, int bitpacked, int out_c, int32_t kmax, int32_t *th, float *m,
                             float *b) {
  memset(ot, 0, sizeof *ot);
  ot->bitpacked = bitpacked;
  for (int c = 0; c < out_c; c++) {
    th[c] = rint_in(-2, kmax + 1); /* around the whole range, edges included */
    if (rnd() % 3u == 0) th[c] = kmax / 2 + rint_in(-3, 3);
    m[c] = (float)rint_in(-50, 50) * 0.0625f;
    b[c] = (float)rint_in(-100, 100) * 0.03125f;
  }
  ot->thresholds = th;
  ot->multiplier = m;
  ot->bias = b;
  /* one draw, as before the RELU6 / RELU_N1_TO_1 clamps: odd = RELU, the even draws split between none and those */
  const uint32_t clamp = rnd();
  const int kind = (clamp & 1u) ? 1 : (int)((clamp >> 1) & 3u) == 1 ? 2 : (int)((clamp >> 1) & 3u) == 2 ? 3 : 0;
  static const int32_t lo[4] = {INT32_MIN, 0, -1, 0}, hi[4] = {INT32_MAX, INT32_MAX, 1, 6};
  ot->clamp = kind != 0;
  ot->clamp_min = lo[kind];
  ot->clamp_max = hi[kind];
  ot->activation = (rnd() & 1u) ? BNN_ACT_RELU : BNN_ACT_NONE;
}

static void check_output(const char *what, uint32_t seed, int bitpacked, int pixels, int out_c, const void *got,
                         const void *want) {
  const int ow = BNN_PACKED_WORDS(out_c);
  int bad = 0;
  for (int p = 0; p < pixels && !bad; p++) {
    for (int c = 0; c < out_c; c++) {
      if (bitpacked) {
        if (bit_of((const uint32_t *)got + p * ow, c) != bit_of((const uint32_t *)want + p * ow, c)) bad = 1;
      } else {
        const float g = ((const float *)got)[p * out_c + c], w = ((const float *)want)[p * out_c + c];
        if (memcmp(&g, &w, sizeof g) != 0) bad = 1;
      }
      if (bad) {
        printf("FAIL %s seed %lu: pixel %d channel %d differs\n", what, (unsigned long)seed, p, c);
        break;
      }
    }
  }
  if (bitpacked) { /* the unused tail bits of each output pixel must be 0 */
    for (int p = 0; p < pixels && !bad && (out_c & 31); p++)
      if (((const uint32_t *)got)[p * ow + ow - 1] >> (out_c & 31)) {
        printf("FAIL %s seed %lu: pixel %d tail bits set\n", what, (unsigned long)seed, p);
        bad = 1;
      }
  }
  failures += bad;
}

/* The length of one conv row: k_h * k_w * words(in_c); cases aim at the block and threshold edges. */
static int pick_in_c(int taps) {
  switch (rnd() % 7u) {
  case 6: { /* the straight-line rows of 8, 9, 18 and 36 words (bnn_bits_out_r*_pairs): 3x3 and 1x1 widths */
    const int widths[4][2] = {{1, 32}, {33, 64}, {97, 128}, {225, 256}};
    const int *wd = widths[rnd() % 4u];
    return rint_in(wd[0], wd[1]);
  }
  case 0: return rint_in(1, 40);
  case 1: return 32 * rint_in(1, 8);
  case 2: { /* a row of exactly 8k + r words, r = 0..7 */
    const int words = 8 * rint_in(1, 6) + rint_in(0, 7);
    const int wc = (words + taps - 1) / taps;
    return 32 * wc - rint_in(0, 31);
  }
  case 3: return rint_in(200, 700);
  case 4: return 32 * (31 / taps + 1) + rint_in(0, 40); /* around the 32-word row threshold */
  default: return taps == 1 ? rint_in(7900, 8600) : rint_in(900, 1100); /* past 31 blocks of 8 words */
  }
}

static void check_bconv(uint32_t seed) {
  rng_state = seed;
  bnn_bconv2d_params p;
  memset(&p, 0, sizeof p);
  const int k_h = (int)(rnd() % 4u) == 0 ? 1 : ((rnd() & 3u) == 0 ? 5 : 3);
  const int k_w = (rnd() & 7u) == 0 ? (k_h == 1 ? 3 : 1) : k_h;
  const int same = (int)(rnd() % 3u != 0);
  p.win.in_h = rint_in(1, 9);
  p.win.in_w = rint_in(1, 9);
  p.win.k_h = k_h;
  p.win.k_w = k_w;
  p.win.stride_h = rint_in(1, 2);
  p.win.stride_w = (rnd() & 3u) == 0 ? 3 - p.win.stride_h : p.win.stride_h;
  p.win.dil_h = (rnd() % 5u) == 0 ? 2 : 1;
  p.win.dil_w = (rnd() % 5u) == 0 ? 2 : 1;
  geometry(p.win.in_h, k_h, p.win.stride_h, p.win.dil_h, same, &p.win.out_h, &p.win.pad_top);
  geometry(p.win.in_w, k_w, p.win.stride_w, p.win.dil_w, same, &p.win.out_w, &p.win.pad_left);
  if (p.win.out_h == 0 || p.win.out_w == 0) { /* too small a valid input: make it same */
    geometry(p.win.in_h, k_h, p.win.stride_h, p.win.dil_h, 1, &p.win.out_h, &p.win.pad_top);
    geometry(p.win.in_w, k_w, p.win.stride_w, p.win.dil_w, 1, &p.win.out_w, &p.win.pad_left);
  }
  const int taps = k_h * k_w;
  p.in_c = pick_in_c(taps);
  while (p.in_c > 1100 && taps > 1) p.in_c /= 2;
  p.out_c = (rnd() & 1u) ? rint_in(1, 70) : 32 * rint_in(1, 3);
  const int bitpacked = (int)(rnd() & 1u);
  /* bit-packed output only with one-padding (the deploy contract refuses zero-padding there) */
  p.pad = bitpacked ? BNN_PAD_ONE : ((rnd() & 1u) ? BNN_PAD_ZERO : BNN_PAD_ONE);
  const int wc = BNN_PACKED_WORDS(p.in_c), row = taps * wc;
  const int in_pixels = p.win.in_h * p.win.in_w, out_pixels = p.win.out_h * p.win.out_w;
  uint32_t *in = xmalloc(sizeof(uint32_t) * (size_t)(in_pixels * wc));
  uint32_t *filter = xmalloc(sizeof(uint32_t) * (size_t)(p.out_c * row));
  uint32_t *scratch = xmalloc(sizeof(uint32_t) * (size_t)row);
  int32_t *th = xmalloc(sizeof(int32_t) * (size_t)p.out_c);
  float *m = xmalloc(sizeof(float) * (size_t)p.out_c), *b = xmalloc(sizeof(float) * (size_t)p.out_c);
  fill_packed(in, in_pixels, p.in_c);
  fill_packed(filter, p.out_c * taps, p.in_c);
  if (rnd() % 4u == 0) { /* all -1 inputs and all +1 filters: maximal counts in every Harley-Seal plane */
    for (int i = 0; i < in_pixels * wc; i++) in[i] = tail_mask(p.in_c, i % wc);
    for (int i = 0; i < p.out_c * taps * wc; i++) filter[i] = 0u;
  }
  p.filter = filter;
  random_transform(&p.ot, bitpacked, p.out_c, taps * p.in_c, th, m, b);
  if (bitpacked && seed % 5u == 2u) { /* thresholds at the int32 ends: the compare must not overflow */
    th[0] = INT32_MIN;
    th[p.out_c - 1] = INT32_MAX;
  }
  const size_t out_bytes =
      bitpacked ? sizeof(uint32_t) * (size_t)(out_pixels * BNN_PACKED_WORDS(p.out_c)) : sizeof(float) * (size_t)(out_pixels * p.out_c);
  void *got = xmalloc(out_bytes), *want = xmalloc(out_bytes);
  memset(want, 0, out_bytes);
  for (int oy = 0; oy < p.win.out_h; oy++) {
    for (int ox = 0; ox < p.win.out_w; ox++) {
      const int pix = oy * p.win.out_w + ox;
      for (int c = 0; c < p.out_c; c++) {
        int32_t accum = 0, k = 0;
        for (int ky = 0; ky < k_h; ky++) {
          for (int kx = 0; kx < k_w; kx++) {
            const int iy = oy * p.win.stride_h - p.win.pad_top + ky * p.win.dil_h;
            const int ix = ox * p.win.stride_w - p.win.pad_left + kx * p.win.dil_w;
            const int inside = iy >= 0 && iy < p.win.in_h && ix >= 0 && ix < p.win.in_w;
            if (!inside && p.pad == BNN_PAD_ZERO) continue;
            k += p.in_c;
            const uint32_t *f = filter + (size_t)c * (size_t)row + (size_t)(ky * k_w + kx) * (size_t)wc;
            for (int ci = 0; ci < p.in_c; ci++) {
              const int x = inside ? bit_of(in + (iy * p.win.in_w + ix) * wc, ci) : 0; /* one-padding: +1 */
              accum += x ^ bit_of(f, ci);
            }
          }
        }
        if (bitpacked) {
          if (accum > th[c]) ((uint32_t *)want)[pix * BNN_PACKED_WORDS(p.out_c) + (c >> 5)] |= 1u << (c & 31);
        } else {
          ((float *)want)[pix * p.out_c + c] = ref_transform(&p.ot, c, k - 2 * accum);
        }
      }
    }
  }
  /* bit-packed output: every other case with the filter in the pair layout the exporter writes */
  uint32_t *paired = NULL;
  if (bitpacked && (seed >> 3) % 2u == 1u) {
    paired = xmalloc(sizeof(uint32_t) * (size_t)(p.out_c * row));
    memcpy(paired, filter, sizeof(uint32_t) * (size_t)(p.out_c * row));
    bnn_pair_rows(paired, p.out_c, row);
    p.filter = paired;
    p.filter_pairs = 1;
  }
  bnn_bconv2d(&p, in, got, scratch);
  check_output(paired ? "bconv2d (pair layout)" : "bconv2d", seed, bitpacked, out_pixels, p.out_c, got, want);
  free(paired);
  compared[0] += (unsigned long)(out_pixels * p.out_c);
  free(in);
  free(filter);
  free(scratch);
  free(th);
  free(m);
  free(b);
  free(got);
  free(want);
}

static void check_bdense(uint32_t seed) {
  rng_state = seed;
  bnn_bdense_params p;
  memset(&p, 0, sizeof p);
  p.in_c = pick_in_c(1);
  p.out_c = (rnd() & 1u) ? rint_in(1, 100) : 32 * rint_in(1, 3);
  const int bitpacked = (int)(rnd() & 1u);
  const int wc = BNN_PACKED_WORDS(p.in_c);
  uint32_t *in = xmalloc(sizeof(uint32_t) * (size_t)wc);
  uint32_t *filter = xmalloc(sizeof(uint32_t) * (size_t)(p.out_c * wc));
  int32_t *th = xmalloc(sizeof(int32_t) * (size_t)p.out_c);
  float *m = xmalloc(sizeof(float) * (size_t)p.out_c), *b = xmalloc(sizeof(float) * (size_t)p.out_c);
  fill_packed(in, 1, p.in_c);
  fill_packed(filter, p.out_c, p.in_c);
  p.filter = filter;
  random_transform(&p.ot, bitpacked, p.out_c, p.in_c, th, m, b);
  if (bitpacked && seed % 5u == 2u) {
    th[0] = INT32_MIN;
    th[p.out_c - 1] = INT32_MAX;
  }
  const size_t out_bytes = bitpacked ? sizeof(uint32_t) * (size_t)BNN_PACKED_WORDS(p.out_c) : sizeof(float) * (size_t)p.out_c;
  void *got = xmalloc(out_bytes), *want = xmalloc(out_bytes);
  memset(want, 0, out_bytes);
  for (int c = 0; c < p.out_c; c++) {
    int32_t accum = 0;
    for (int ci = 0; ci < p.in_c; ci++) accum += bit_of(in, ci) ^ bit_of(filter + c * wc, ci);
    if (bitpacked) {
      if (accum > th[c]) ((uint32_t *)want)[c >> 5] |= 1u << (c & 31);
    } else {
      ((float *)want)[c] = ref_transform(&p.ot, c, p.in_c - 2 * accum);
    }
  }
  bnn_bdense(&p, in, got);
  check_output("bdense", seed, bitpacked, 1, p.out_c, got, want);
  compared[1] += (unsigned long)p.out_c;
  free(in);
  free(filter);
  free(th);
  free(m);
  free(b);
  free(got);
  free(want);
}

static void check_bmaxpool(uint32_t seed) {
  rng_state = seed;
  bnn_window w;
  memset(&w, 0, sizeof w);
  const int same = (int)(rnd() & 1u);
  w.in_h = rint_in(1, 11);
  w.in_w = rint_in(1, 11);
  w.k_h = rint_in(1, 3);
  w.k_w = rint_in(1, 3);
  w.stride_h = rint_in(1, 3);
  w.stride_w = rint_in(1, 3);
  w.dil_h = w.dil_w = 1;
  geometry(w.in_h, w.k_h, w.stride_h, 1, same, &w.out_h, &w.pad_top);
  geometry(w.in_w, w.k_w, w.stride_w, 1, same, &w.out_w, &w.pad_left);
  if (w.out_h == 0 || w.out_w == 0) {
    geometry(w.in_h, w.k_h, w.stride_h, 1, 1, &w.out_h, &w.pad_top);
    geometry(w.in_w, w.k_w, w.stride_w, 1, 1, &w.out_w, &w.pad_left);
  }
  const int channels = (rnd() & 1u) ? rint_in(1, 300) : 32 * rint_in(1, 8);
  const int wc = BNN_PACKED_WORDS(channels);
  uint32_t *in = xmalloc(sizeof(uint32_t) * (size_t)(w.in_h * w.in_w * wc));
  fill_packed(in, w.in_h * w.in_w, channels);
  if (rnd() & 1u) /* mostly -1 inputs, so ANDs of several taps keep bits set */
    for (int i = 0; i < w.in_h * w.in_w * wc; i++) in[i] |= rnd() | rnd();
  for (int i = 0; i < w.in_h * w.in_w * wc; i++) in[i] &= tail_mask(channels, i % wc); /* tail bits 0 */
  const size_t out_bytes = sizeof(uint32_t) * (size_t)(w.out_h * w.out_w * wc);
  uint32_t *got = xmalloc(out_bytes), *want = xmalloc(out_bytes);
  for (int oy = 0; oy < w.out_h; oy++) {
    for (int ox = 0; ox < w.out_w; ox++) {
      for (int c = 0; c < channels; c++) {
        int all = 1; /* max of +-1 values: -1 (bit 1) only when every in-bounds tap is -1 */
        for (int ky = 0; ky < w.k_h; ky++)
          for (int kx = 0; kx < w.k_w; kx++) {
            const int iy = oy * w.stride_h - w.pad_top + ky, ix = ox * w.stride_w - w.pad_left + kx;
            if (iy < 0 || iy >= w.in_h || ix < 0 || ix >= w.in_w) continue;
            all &= bit_of(in + (iy * w.in_w + ix) * wc, c);
          }
        uint32_t *o = want + (oy * w.out_w + ox) * wc;
        if ((c & 31) == 0) o[c >> 5] = 0;
        o[c >> 5] |= (uint32_t)all << (c & 31);
      }
    }
  }
  bnn_bmaxpool(&w, channels, in, got);
  check_output("bmaxpool", seed, 1, w.out_h * w.out_w, channels, got, want);
  compared[2] += (unsigned long)(w.out_h * w.out_w * channels);
  free(in);
  free(got);
  free(want);
}

/* Seeds that once failed (none yet); every run checks them first. */
static const uint32_t regression_seeds[] = {0x2545F491u};

int main(void) {
  for (size_t i = 0; i < sizeof regression_seeds / sizeof regression_seeds[0]; i++) {
    check_bconv(regression_seeds[i]);
    check_bdense(regression_seeds[i]);
    check_bmaxpool(regression_seeds[i]);
  }
  for (uint32_t s = 1; s <= BINARY_CHECK_CASES; s++) {
    const uint32_t seed = s * 2654435761u;
    check_bconv(seed);
    check_bdense(seed ^ 0x5bd1e995u);
    check_bmaxpool(seed ^ 0x1b873593u);
  }
  printf("outputs compared: conv %lu, dense %lu, maxpool %lu\n", compared[0], compared[1], compared[2]);
  printf(failures ? "FAIL\n" : "PASS\n");
  return failures != 0;
}
