/*
 * BNN Studio portable C99 runtime: reference-ordered kernels for every DeployGraph op.
 * Float loops follow @bnn-studio/kernels' TypeScript reference exactly (bit-exact when compiled with
 * -ffp-contract=off and without -ffast-math):
 *   - conv2d accumulates in float: acc = bias, then acc = f32(acc + f32(x*w)) in (ky, kx, ci) order.
 *   - depthwise / dense / pools / global average / add / scale_shift / softmax accumulate in double
 *     (as JavaScript numbers do), starting from the bias, in the reference's loop order, and round to float
 *     once when stored. Products of two floats are exact in double, so only the adds round.
 *   - the binary layers' float output transform rounds every step to float: fround(fround(m*dot) + b). For a
 *     single +, -, * of floats, float arithmetic equals rounding the double result (53 >= 2*24 + 2).
 * On Cortex-M4 (single-precision FPU) the double paths run in software; they are confined to the float
 * first/last layers.
 */
#include "bnn_runtime.h"

#include <math.h>
#include <string.h>

#include "bnn_popcount.h"

int32_t bnn_popcount32(uint32_t x) { return bnn_popcount32_inline(x); }

int32_t bnn_xor_popcount(const uint32_t *a, const uint32_t *b, int n) { return bnn_xor_popcount_inline(a, b, n); }

static inline int bnn_in_bounds(int y, int x, int h, int w) { return y >= 0 && y < h && x >= 0 && x < w; }

/* max(y, 0) as Math.max does it: -0 becomes +0. */
static inline float bnn_apply_activation(float y, int activation) {
  if (activation == BNN_ACT_RELU) return y > 0.0f ? y : 0.0f;
  return y;
}

static inline double bnn_apply_activation_d(double y, int activation) {
  if (activation == BNN_ACT_RELU) return y > 0.0 ? y : 0.0;
  return y;
}

/* Float output of a binary layer: y = activation(multiplier[c] * clamp(dot) + bias[c]). */
static inline float bnn_float_transform(const bnn_output_transform *ot, int c, int32_t dot) {
  if (ot->clamp_relu && dot < 0) dot = 0;
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

static BNN_ALWAYS_INLINE int32_t bnn_row_popcount(const uint32_t *a, const uint32_t *b, int n, int long_rows) {
#if BNN_POPCOUNT == 5
  return long_rows ? bnn_xor_popcount_hs(a, b, n) : bnn_xor_popcount_swar(a, b, n);
#else
  (void)long_rows;
  return bnn_xor_popcount_inline(a, b, n);
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
    uint32_t *o = (uint32_t *)out + pix * (size_t)out_words;
    const uint32_t *f = p->filter;
    for (int ow = 0; ow < out_words; ow++) {
      uint32_t bits = 0;
      const int n = p->out_c - 32 * ow < 32 ? p->out_c - 32 * ow : 32;
      const int32_t *th = p->ot.thresholds + 32 * ow;
      for (int i = 0; i < n; i++, f += patch) {
        const int32_t accum = bnn_row_popcount(patch_words, f, patch, long_rows);
        bits |= (uint32_t)(accum > th[i]) << i;
      }
      o[ow] = bits;
    }
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

#if defined(__GNUC__)
#define BNN_NOINLINE __attribute__((noinline))
#else
#define BNN_NOINLINE
#endif

/* Separate functions so each popcount variant gets its own register allocation. */
static BNN_NOINLINE void bnn_bconv_pixel_long(const bnn_bconv2d_params *p, const uint32_t *patch_words, int patch,
                                              int border, int valid_taps, int iy0, int ix0, void *out, size_t pix) {
  bnn_bconv_pixel(p, patch_words, patch, border, valid_taps, iy0, ix0, out, pix, 1);
}

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
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      int valid_taps = 0;
      uint32_t *s = scratch;
      for (int ky = 0; ky < w->k_h; ky++) {
        for (int kx = 0; kx < w->k_w; kx++, s += wc) {
          const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
          if (bnn_in_bounds(iy, ix, w->in_h, w->in_w)) {
            memcpy(s, in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)wc, (size_t)wc * 4u);
            valid_taps++;
          } else {
            memset(s, 0, (size_t)wc * 4u);
          }
        }
      }
      const int border = valid_taps != taps && p->pad == BNN_PAD_ZERO;
      const size_t pix = (size_t)oy * (size_t)w->out_w + (size_t)ox;
      /* Two specialised copies of the channel loop: the popcount variant is fixed per layer. */
      if (patch >= BNN_HS_MIN_WORDS) {
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
    uint32_t *o = (uint32_t *)out;
    const int out_words = BNN_PACKED_WORDS(p->out_c);
    for (int ow = 0; ow < out_words; ow++) {
      uint32_t bits = 0;
      const int n = p->out_c - 32 * ow < 32 ? p->out_c - 32 * ow : 32;
      for (int i = 0; i < n; i++) {
        const int c = 32 * ow + i;
        const int32_t accum = bnn_xor_popcount_inline(in, p->filter + (size_t)c * (size_t)wc, wc);
        bits |= (uint32_t)(accum > p->ot.thresholds[c]) << i;
      }
      o[ow] = bits;
    }
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

/* Float conv, zero padding. Accumulates in float, exactly like the reference (and its WASM SIMD kernel):
   acc = bias, then for taps (ky, kx) and channels ci: acc = f32(acc + f32(x * w)); activation last.
   The output row itself holds the Cout accumulators, so each input value is read once and multiplies a
   contiguous HWIO filter row; every accumulator still sees its terms in the reference's order. */
void bnn_conv2d(const bnn_conv2d_params *p, const float *in, float *out) {
  const bnn_window *w = &p->win;
  const int co_n = p->out_c;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)co_n;
      for (int co = 0; co < co_n; co++) o[co] = p->bias ? p->bias[co] : 0.0f;
      for (int ky = 0; ky < w->k_h; ky++) {
        for (int kx = 0; kx < w->k_w; kx++) {
          const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
          if (!bnn_in_bounds(iy, ix, w->in_h, w->in_w)) continue;
          const float *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)p->in_c;
          const float *f = p->filter + (size_t)(ky * w->k_w + kx) * (size_t)p->in_c * (size_t)co_n;
          for (int ci = 0; ci < p->in_c; ci++, f += co_n) {
            const float xv = x[ci];
            for (int co = 0; co < co_n; co++) {
              const float prod = xv * f[co];
              o[co] = o[co] + prod;
            }
          }
        }
      }
      if (p->activation == BNN_ACT_RELU) {
        for (int co = 0; co < co_n; co++) o[co] = bnn_apply_activation(o[co], BNN_ACT_RELU);
      }
    }
  }
}

void bnn_depthwise(const bnn_depthwise_params *p, const float *in, float *out) {
  const bnn_window *w = &p->win;
  const int m = p->multiplier, outc = p->channels * m;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)outc;
      for (int c = 0; c < p->channels; c++) {
        for (int q = 0; q < m; q++) {
          double acc = p->bias ? (double)p->bias[c * m + q] : 0.0;
          for (int ky = 0; ky < w->k_h; ky++) {
            for (int kx = 0; kx < w->k_w; kx++) {
              const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
              if (!bnn_in_bounds(iy, ix, w->in_h, w->in_w)) continue;
              acc += (double)in[((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)p->channels + (size_t)c] *
                     (double)p->filter[((size_t)(ky * w->k_w + kx) * (size_t)p->channels + (size_t)c) * (size_t)m + q];
            }
          }
          o[c * m + q] = (float)bnn_apply_activation_d(acc, p->activation);
        }
      }
    }
  }
}

void bnn_dense(const bnn_dense_params *p, const float *in, float *out) {
  for (int co = 0; co < p->out_c; co++) {
    double acc = p->bias ? (double)p->bias[co] : 0.0;
    for (int ci = 0; ci < p->in_c; ci++) {
      if (in[ci] == 0.0f) continue;
      acc += (double)in[ci] * (double)p->weights[(size_t)ci * (size_t)p->out_c + (size_t)co];
    }
    out[co] = (float)bnn_apply_activation_d(acc, p->activation);
  }
}

void bnn_scale_shift(const float *in, float *out, int pixels, int channels, const float *scale,
                     const float *shift) {
  for (int p = 0; p < pixels; p++) {
    for (int c = 0; c < channels; c++) {
      const size_t i = (size_t)p * (size_t)channels + (size_t)c;
      out[i] = (float)((double)in[i] * (double)scale[c] + (double)shift[c]);
    }
  }
}

void bnn_maxpool(const bnn_window *w, int channels, const float *in, float *out) {
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)channels;
      for (int c = 0; c < channels; c++) {
        float m = -INFINITY;
        for (int ky = 0; ky < w->k_h; ky++) {
          for (int kx = 0; kx < w->k_w; kx++) {
            const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
            if (!bnn_in_bounds(iy, ix, w->in_h, w->in_w)) continue;
            const float v = in[((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)channels + (size_t)c];
            if (v > m || (v == 0.0f && m == 0.0f && !signbit(v))) m = v; /* Math.max: +0 beats -0 */
          }
        }
        o[c] = m;
      }
    }
  }
}

void bnn_avgpool(const bnn_window *w, int channels, const float *in, float *out) {
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int iy0 = oy * w->stride_h - w->pad_top, ix0 = ox * w->stride_w - w->pad_left;
      float *o = out + ((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)channels;
      for (int c = 0; c < channels; c++) {
        double sum = 0.0;
        int count = 0;
        for (int ky = 0; ky < w->k_h; ky++) {
          for (int kx = 0; kx < w->k_w; kx++) {
            const int iy = iy0 + ky * w->dil_h, ix = ix0 + kx * w->dil_w;
            if (!bnn_in_bounds(iy, ix, w->in_h, w->in_w)) continue;
            sum += (double)in[((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)channels + (size_t)c];
            count++;
          }
        }
        o[c] = (float)(sum / (double)count);
      }
    }
  }
}

void bnn_global_avgpool(const float *in, float *out, int pixels, int channels) {
  for (int c = 0; c < channels; c++) {
    double sum = 0.0;
    for (int p = 0; p < pixels; p++) sum += (double)in[(size_t)p * (size_t)channels + (size_t)c];
    out[c] = (float)(sum / (double)pixels);
  }
}

/*
 * The reference computes f32((0 + a) + b) in double. 0 + a == a exactly (but -0 becomes +0), and for one
 * addition of two floats rounding the double sum to float equals the float sum (53 >= 2*24 + 2, so double
 * rounding is innocuous). So a float add is the same, once a zero result is normalised to +0 (the double
 * path never yields -0). Runs on the FPU instead of in software.
 */
void bnn_add(const float *a, const float *b, float *out, int n) {
  for (int i = 0; i < n; i++) {
    const float s = a[i] + b[i];
    out[i] = s == 0.0f ? 0.0f : s;
  }
}

void bnn_add_n(const float *const *inputs, int count, float *out, int n) {
  for (int i = 0; i < n; i++) {
    double s = 0.0;
    for (int k = 0; k < count; k++) s += (double)inputs[k][i];
    out[i] = (float)s;
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

void bnn_leaky_tanh(const float *in, float *out, int n, double alpha) {
  for (int i = 0; i < n; i++) {
    const double x = (double)in[i];
    const double c = x < -1.0 ? -1.0 : (x > 1.0 ? 1.0 : x);
    out[i] = (float)(c + alpha * (x - c));
  }
}

/*
 * e^x in double with the classic fdlibm algorithm (the one JavaScript engines use for Math.exp), so the
 * softmax agrees bit for bit between device, host and the studio whatever libm the toolchain ships.
 *   1. reduce: x = k*ln2 + r, |r| <= 0.5*ln2, with ln2 split into hi + lo parts (r = hi - lo);
 *   2. R(r^2) ~ r*(e^r + 1)/(e^r - 1) by a degree-5 minimax polynomial: c = r - r^2*(P1 + ... + P5*r^8);
 *   3. e^r = 1 - ((lo - r*c/(2 - c)) - hi), then scale by 2^k through the exponent bits.
 */
static double bnn_set_high_word(double d, uint32_t hi) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  bits = (bits & 0xFFFFFFFFull) | ((uint64_t)hi << 32);
  memcpy(&d, &bits, sizeof d);
  return d;
}

static uint32_t bnn_high_word(double d) {
  uint64_t bits;
  memcpy(&bits, &d, sizeof bits);
  return (uint32_t)(bits >> 32);
}

double bnn_exp(double x) {
  static const double half[2] = {0.5, -0.5};
  static const double ln2_hi[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01};
  static const double ln2_lo[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10};
  const double huge = 1.0e+300, twom1000 = 9.33263618503218878990e-302;
  const double o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02;
  const double invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
               P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
               P5 = 4.13813679705723846039e-08;
  double hi = 0.0, lo = 0.0;
  int k = 0;
  uint32_t hx = bnn_high_word(x);
  const int xsb = (int)((hx >> 31) & 1u);
  hx &= 0x7FFFFFFFu;
  if (hx >= 0x40862E42u) { /* |x| >= 709.78... */
    if (hx >= 0x7FF00000u) {
      uint64_t bits;
      memcpy(&bits, &x, sizeof bits);
      if ((bits & 0x000FFFFFFFFFFFFFull) != 0) return x + x; /* NaN */
      return xsb == 0 ? x : 0.0;                             /* exp(+-inf) = inf, 0 */
    }
    if (x > o_threshold) return huge * huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3FD62E42u) {   /* |x| > 0.5 ln2 */
    if (hx < 0x3FF0A2B2u) { /* and |x| < 1.5 ln2 */
      hi = x - ln2_hi[xsb];
      lo = ln2_lo[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = (int)(invln2 * x + half[xsb]);
      const double t = (double)k;
      hi = x - t * ln2_hi[0];
      lo = t * ln2_lo[0];
    }
    x = hi - lo;
  } else if (hx < 0x3E300000u) { /* |x| < 2^-28 */
    if (huge + x > 1.0) return 1.0 + x;
  } else {
    k = 0;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * 8.98846567431157953865e+307; /* 2^1023 */
    return bnn_set_high_word(y, bnn_high_word(y) + ((uint32_t)k << 20));
  }
  return bnn_set_high_word(y, bnn_high_word(y) + ((uint32_t)(k + 1000) << 20)) * twom1000;
}

/* Softmax over the last axis, in double like the reference: y = exp(x - max) / sum(exp(x - max)). */
void bnn_softmax(const float *in, float *out, int rows, int n) {
  for (int r = 0; r < rows; r++) {
    const float *x = in + (size_t)r * (size_t)n;
    float *y = out + (size_t)r * (size_t)n;
    double m = -INFINITY;
    for (int i = 0; i < n; i++) m = (double)x[i] > m ? (double)x[i] : m;
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += bnn_exp((double)x[i] - m);
    for (int i = 0; i < n; i++) y[i] = (float)(bnn_exp((double)x[i] - m) / sum);
  }
}
