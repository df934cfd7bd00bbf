/*
 * BNN Studio int8 kernels (see bnn_int8.h for the contract): TFLite's reference integer kernels (`*_ref`)
 * and Cortex-M4 versions with identical results.
 *
 * conv2d (the one that matters): CMSIS-NN's arm_convolve_s8 scheme, written for fewer instructions:
 *   - im2col of two output pixels into int16 scratch, the input offset added (SXTB16 + SADD16, four values
 *     per 32-bit load), zeros for taps outside the input. The two columns are interleaved in blocks of four
 *     k and each block is stored in SXTB16 order (x0, x2, x1, x3), so the weights need no repacking
 *     (one LDR + SXTB16 + SXTB16 ROR 8 gives the matching pairs).
 *     Small unaligned patches (in_c % 4 != 0, e.g. grey or RGB stems) are first gathered as int8 (the zero
 *     point standing for outside taps) and converted the same way.
 *   - a 2-output-channel x 2-pixel kernel: per four k, two weight loads, four column loads, four SXTB16 and
 *     eight SMLAD for 16 MACs; 16 k per iteration of an inline-asm loop on the M4 (the C loop elsewhere).
 *     Copies with a constant kdim (9, 27: 3x3 grey and RGB stems) and a constant full activation range (the
 *     clamp is one SSAT).
 *   - per-channel requantization with the exact TFLite rounding: bnn_s8_requant (SRDHM computed as
 *     (a*b + 2^30) >> 31, which equals gemmlowp's nudge-and-truncate form for every operand pair except
 *     INT32_MIN * INT32_MIN; kernels with such a multiplier run the reference), or, for layers of at most 32
 *     channels, constants prepared per call, in the one-step form where it applies (bnn_s8_rq_make_table).
 * depthwise (depth multiplier 1): SXTB16 + SMLABB/SMLATT on four channels per load, the input offset folded
 * into a per-channel constant for pixels whose window is inside the input (edge windows: clipped tap ranges,
 * offset added per tap); channels in blocks of 32 with a requantization table; other multipliers: reference. fully connected: the input row
 * converted once to int16 (same block order), two outputs per pass with SMLAD. Pools share the
 * reference loops (memory-bound); add and requantize prepare their requantization constants once per call.
 *
 * Integer wrap: sums are formed in uint32_t (two's complement wrap, defined in C), then read as int32_t.
 * Right shifts of negative signed values are arithmetic (GCC and Clang on every target of this runtime).
 */
#include "bnn_int8.h"

#include "bnn_int8_dsp.h"

static inline int32_t bnn_s8_clamp(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

static inline int32_t bnn_s8_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

static inline int32_t bnn_s8_wrap_mul(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }

int bnn_s8_window_check(const bnn_s8_window *w) {
  if (w->in_h < 1 || w->in_w < 1 || w->out_h < 1 || w->out_w < 1 || w->k_h < 1 || w->k_w < 1) return 0;
  if (w->stride_h < 1 || w->stride_w < 1 || w->dil_h < 1 || w->dil_w < 1) return 0;
  if (w->pad_top < 0 || w->pad_left < 0 || w->pad_bottom < 0 || w->pad_right < 0) return 0;
  const int span_h = w->in_h + w->pad_top + w->pad_bottom - w->dil_h * (w->k_h - 1) - 1;
  const int span_w = w->in_w + w->pad_left + w->pad_right - w->dil_w * (w->k_w - 1) - 1;
  if (span_h < 0 || span_w < 0) return 0;
  if (w->out_h != span_h / w->stride_h + 1 || w->out_w != span_w / w->stride_w + 1) return 0;
  /* every output pixel sees at least one input row and column */
  for (int oy = 0; oy < w->out_h; oy++) {
    int any = 0;
    for (int ky = 0; ky < w->k_h && !any; ky++) {
      const int iy = oy * w->stride_h - w->pad_top + ky * w->dil_h;
      any = iy >= 0 && iy < w->in_h;
    }
    if (!any) return 0;
  }
  for (int ox = 0; ox < w->out_w; ox++) {
    int any = 0;
    for (int kx = 0; kx < w->k_w && !any; kx++) {
      const int ix = ox * w->stride_w - w->pad_left + kx * w->dil_w;
      any = ix >= 0 && ix < w->in_w;
    }
    if (!any) return 0;
  }
  return 1;
}

/* ---- requantization: per-channel constants, exact TFLite result ---- */

typedef struct {
  int32_t multiplier;
  int left, right;
  int32_t mask, threshold; /* RoundingDivideByPOT: mask = 2^right - 1, threshold = mask >> 1 */
} bnn_s8_rq;

static inline bnn_s8_rq bnn_s8_rq_make(int32_t multiplier, int32_t shift) {
  bnn_s8_rq r;
  r.multiplier = multiplier;
  r.left = shift > 0 ? (int)shift : 0;
  r.right = shift > 0 ? 0 : (int)-shift;
  r.mask = (int32_t)(((uint32_t)1 << r.right) - 1u);
  r.threshold = r.mask >> 1;
  return r;
}

/* One-step requantization. For a multiplier m in (2^30, 2^31) and a right shift r in [1, 23] (every channel of
 * a real layer: QuantizeMultiplier's m is in [2^30, 2^31), and scales in [2^-24, 2^-1) give such r), the double
 * rounding of MultiplyByQuantizedMultiplier plus the output offset is one 64-bit multiply-accumulate:
 *   hm = floor((x*m + 2^30) / 2^31)                      (SaturatingRoundingDoublingHighMul, no saturation)
 *   RDBPOT(hm, r) = floor((hm + 2^(r-1) - s) / 2^r),     s = [hm < 0] = [x < 0] for m > 2^30
 *   nested floors compose:  result + oo = floor((x*m - s*2^31 + 2^30 + 2^(30+r) + oo*2^(31+r)) / 2^(31+r))
 * and as 31 + r >= 32 the floor is the high word shifted right by r - 1. |x*m| < 2^62 and the constant
 * stays below 2^62 for r <= 23, so nothing overflows; result + oo cannot wrap (|result| <= 2^30).
 * Stored in bnn_s8_rq's fields: left = -1 marks it, right = r - 1, mask / threshold = low / high word of the
 * constant. bnn_s8_rq_make_table picks it when the channel qualifies. */
static inline bnn_s8_rq bnn_s8_rq_make_table(int32_t multiplier, int32_t shift, int32_t out_offset) {
  if (multiplier > (1 << 30) && shift <= -1 && shift >= -23) {
    const int r = (int)-shift;
    const int64_t k = ((int64_t)1 << 30) + ((int64_t)1 << (30 + r)) + (int64_t)out_offset * ((int64_t)1 << (31 + r));
    bnn_s8_rq q;
    q.multiplier = multiplier;
    q.left = -1;
    q.right = r - 1;
    q.mask = (int32_t)(uint32_t)((uint64_t)k & 0xFFFFFFFFu);
    q.threshold = (int32_t)(k >> 32);
    return q;
  }
  return bnn_s8_rq_make(multiplier, shift);
}


BNN_S8_INLINE int32_t bnn_s8_requant(int32_t acc, const bnn_s8_rq *q) {
  const int32_t x = (int32_t)((uint32_t)acc << q->left);
  int32_t hm;
  if (x == INT32_MIN && q->multiplier == INT32_MIN) {
    hm = INT32_MAX;
  } else {
    hm = (int32_t)(((int64_t)x * (int64_t)q->multiplier + ((int64_t)1 << 30)) >> 31);
  }
  const int32_t rem = hm & q->mask;
  const int32_t threshold = q->threshold + (hm < 0 ? 1 : 0);
  return (hm >> q->right) + (rem > threshold ? 1 : 0);
}

/* bnn_s8_requant for multipliers other than INT32_MIN (no saturation possible); the fast kernels run the
 * reference instead when a multiplier is INT32_MIN (bnn_s8_has_min_multiplier). */
BNN_S8_INLINE int32_t bnn_s8_requant_ns(int32_t acc, const bnn_s8_rq *q) {
  const int32_t x = (int32_t)((uint32_t)acc << q->left);
  const int32_t hm = (int32_t)(((int64_t)x * (int64_t)q->multiplier + ((int64_t)1 << 30)) >> 31);
  const int32_t rem = hm & q->mask;
  const int32_t threshold = q->threshold + (int32_t)((uint32_t)hm >> 31);
  return (hm >> q->right) + (rem > threshold ? 1 : 0);
}

/* clamp(v, lo, hi) = min(max(ssat8(v), lo), hi) since -128 <= lo <= hi <= 127: the kernels pass lo = -128,
 * hi = 127 as compile-time constants for the full range (the usual case: no activation, or a ReLU whose
 * output zero point is -128), and the clamp is one SSAT. */
/* MultiplyByQuantizedMultiplier(acc) + out_offset (wrapping) for either form of bnn_s8_rq (no saturation case). */
BNN_S8_INLINE int32_t bnn_s8_requant_q(int32_t acc, const bnn_s8_rq *q, int32_t out_offset) {
  if (q->left < 0) { /* one-step form (bnn_s8_rq_make_table), output offset included */
    int64_t y = (int64_t)(((uint64_t)(uint32_t)q->threshold << 32) | (uint64_t)(uint32_t)q->mask);
    y += (int64_t)acc * (int64_t)q->multiplier;
    y -= (int64_t)((uint64_t)((uint32_t)acc >> 31) << 31);
    return (int32_t)(y >> 32) >> q->right;
  }
  return bnn_s8_wrap_add(bnn_s8_requant_ns(acc, q), out_offset);
}

BNN_S8_INLINE int8_t bnn_s8_finish_q(int32_t acc, const bnn_s8_rq *q, int32_t out_offset, int32_t lo, int32_t hi) {
  const int32_t v = bnn_ssat8(bnn_s8_requant_q(acc, q, out_offset));
  if (lo == -128 && hi == 127) return (int8_t)v;
  return (int8_t)(v < lo ? lo : (v > hi ? hi : v));
}

static int bnn_s8_has_min_multiplier(const int32_t *multiplier, int n) {
  for (int i = 0; i < n; i++)
    if (multiplier[i] == INT32_MIN) return 1;
  return 0;
}

BNN_S8_INLINE int8_t bnn_s8_finish(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_offset, int32_t lo,
                                   int32_t hi) {
  const bnn_s8_rq q = bnn_s8_rq_make(multiplier, shift);
  return (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_requant(acc, &q), out_offset), lo, hi);
}

static inline int8_t bnn_s8_finish_ref(int32_t acc, int32_t multiplier, int32_t shift, int32_t out_offset, int32_t lo,
                                       int32_t hi) {
  return (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_mbqm(acc, multiplier, (int)shift), out_offset), lo, hi);
}

/* ================================ reference kernels (TFLite's loops) ================================ */

void bnn_s8_conv2d_ref(const bnn_s8_conv2d_params *p, const int8_t *in, int8_t *out) {
  const bnn_s8_window *w = &p->win;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      for (int oc = 0; oc < p->out_c; oc++) {
        int32_t acc = 0;
        for (int ky = 0; ky < w->k_h; ky++) {
          const int iy = oy * w->stride_h - w->pad_top + ky * w->dil_h;
          if (iy < 0 || iy >= w->in_h) continue;
          for (int kx = 0; kx < w->k_w; kx++) {
            const int ix = ox * w->stride_w - w->pad_left + kx * w->dil_w;
            if (ix < 0 || ix >= w->in_w) continue;
            const int8_t *x = in + ((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)p->in_c;
            const int8_t *f =
                p->filter + (((size_t)oc * (size_t)w->k_h + (size_t)ky) * (size_t)w->k_w + (size_t)kx) * (size_t)p->in_c;
            for (int ic = 0; ic < p->in_c; ic++)
              acc = bnn_s8_wrap_add(acc, bnn_s8_wrap_mul(f[ic], (int32_t)x[ic] + p->input_offset));
          }
        }
        if (p->bias) acc = bnn_s8_wrap_add(acc, p->bias[oc]);
        out[((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)p->out_c + (size_t)oc] =
            bnn_s8_finish_ref(acc, p->multiplier[oc], p->shift[oc], p->output_offset, p->act_min, p->act_max);
      }
    }
  }
}

void bnn_s8_depthwise_ref(const bnn_s8_depthwise_params *p, const int8_t *in, int8_t *out) {
  const bnn_s8_window *w = &p->win;
  const int out_c = p->in_c * p->depth_multiplier;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      for (int ic = 0; ic < p->in_c; ic++) {
        for (int m = 0; m < p->depth_multiplier; m++) {
          const int oc = ic * p->depth_multiplier + m;
          int32_t acc = 0;
          for (int ky = 0; ky < w->k_h; ky++) {
            const int iy = oy * w->stride_h - w->pad_top + ky * w->dil_h;
            if (iy < 0 || iy >= w->in_h) continue;
            for (int kx = 0; kx < w->k_w; kx++) {
              const int ix = ox * w->stride_w - w->pad_left + kx * w->dil_w;
              if (ix < 0 || ix >= w->in_w) continue;
              const int32_t x = in[((size_t)iy * (size_t)w->in_w + (size_t)ix) * (size_t)p->in_c + (size_t)ic];
              const int32_t f = p->filter[((size_t)ky * (size_t)w->k_w + (size_t)kx) * (size_t)out_c + (size_t)oc];
              acc = bnn_s8_wrap_add(acc, bnn_s8_wrap_mul(f, x + p->input_offset));
            }
          }
          if (p->bias) acc = bnn_s8_wrap_add(acc, p->bias[oc]);
          out[((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)out_c + (size_t)oc] =
              bnn_s8_finish_ref(acc, p->multiplier[oc], p->shift[oc], p->output_offset, p->act_min, p->act_max);
        }
      }
    }
  }
}

void bnn_s8_fully_connected_ref(const bnn_s8_fc_params *p, const int8_t *in, int8_t *out, int rows) {
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + (size_t)r * (size_t)p->in_c;
    for (int o = 0; o < p->out_c; o++) {
      const int8_t *f = p->filter + (size_t)o * (size_t)p->in_c;
      int32_t acc = 0;
      for (int i = 0; i < p->in_c; i++) acc = bnn_s8_wrap_add(acc, bnn_s8_wrap_mul(f[i], (int32_t)x[i] + p->input_offset));
      if (p->bias) acc = bnn_s8_wrap_add(acc, p->bias[o]);
      const int q = p->per_channel ? o : 0;
      out[(size_t)r * (size_t)p->out_c + (size_t)o] =
          bnn_s8_finish_ref(acc, p->multiplier[q], p->shift[q], p->output_offset, p->act_min, p->act_max);
    }
  }
}

void bnn_s8_avg_pool_ref(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out) {
  const bnn_s8_window *w = &p->win;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int y0 = oy * w->stride_h - w->pad_top, x0 = ox * w->stride_w - w->pad_left;
      const int ky0 = y0 < 0 ? -y0 : 0, kx0 = x0 < 0 ? -x0 : 0;
      const int ky1 = w->in_h - y0 < w->k_h ? w->in_h - y0 : w->k_h, kx1 = w->in_w - x0 < w->k_w ? w->in_w - x0 : w->k_w;
      for (int c = 0; c < p->channels; c++) {
        int32_t acc = 0, count = 0;
        for (int ky = ky0; ky < ky1; ky++)
          for (int kx = kx0; kx < kx1; kx++) {
            acc += in[((size_t)(y0 + ky) * (size_t)w->in_w + (size_t)(x0 + kx)) * (size_t)p->channels + (size_t)c];
            count++;
          }
        if (count == 0) count = 1; /* excluded by bnn_s8_window_check; TFLite refuses it */
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
        out[((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)p->channels + (size_t)c] =
            (int8_t)bnn_s8_clamp(acc, p->act_min, p->act_max);
      }
    }
  }
}

void bnn_s8_max_pool_ref(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out) {
  const bnn_s8_window *w = &p->win;
  for (int oy = 0; oy < w->out_h; oy++) {
    for (int ox = 0; ox < w->out_w; ox++) {
      const int y0 = oy * w->stride_h - w->pad_top, x0 = ox * w->stride_w - w->pad_left;
      const int ky0 = y0 < 0 ? -y0 : 0, kx0 = x0 < 0 ? -x0 : 0;
      const int ky1 = w->in_h - y0 < w->k_h ? w->in_h - y0 : w->k_h, kx1 = w->in_w - x0 < w->k_w ? w->in_w - x0 : w->k_w;
      for (int c = 0; c < p->channels; c++) {
        int32_t m = -128;
        for (int ky = ky0; ky < ky1; ky++)
          for (int kx = kx0; kx < kx1; kx++) {
            const int32_t v = in[((size_t)(y0 + ky) * (size_t)w->in_w + (size_t)(x0 + kx)) * (size_t)p->channels + (size_t)c];
            if (v > m) m = v;
          }
        out[((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)p->channels + (size_t)c] =
            (int8_t)bnn_s8_clamp(m, p->act_min, p->act_max);
      }
    }
  }
}

void bnn_s8_add_ref(const bnn_s8_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n) {
  for (int i = 0; i < n; i++) {
    const int32_t x1 = (int32_t)((uint32_t)(p->input1_offset + a[i]) << BNN_S8_ADD_LEFT_SHIFT);
    const int32_t x2 = (int32_t)((uint32_t)(p->input2_offset + b[i]) << BNN_S8_ADD_LEFT_SHIFT);
    const int32_t s1 = bnn_s8_mbqm(x1, p->input1_multiplier, (int)p->input1_shift);
    const int32_t s2 = bnn_s8_mbqm(x2, p->input2_multiplier, (int)p->input2_shift);
    const int32_t raw = bnn_s8_mbqm(bnn_s8_wrap_add(s1, s2), p->output_multiplier, (int)p->output_shift);
    out[i] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(raw, p->output_offset), p->act_min, p->act_max);
  }
}

/* ================================ fast kernels ================================ */

/* -- conv2d -- */

/* Position (in int16 units) of k of column j in the two-column im2col buffer; kdim4 = kdim & ~3. */
static inline size_t bnn_s8_col_pos(int k, int j, int kdim, int kdim4) {
  static const unsigned char perm[4] = {0, 2, 1, 3};
  if (k < kdim4) return (size_t)(k >> 2) * 8u + (size_t)j * 4u + perm[k & 3];
  return (size_t)2 * (size_t)kdim4 + (size_t)j * (size_t)(kdim - kdim4) + (size_t)(k - kdim4);
}

/* int8 + offset -> int16 pairs in SXTB16 order, `groups` groups of 4, to dst[0..1], dst[4..5], ... (uint32) */
BNN_S8_INLINE void bnn_s8_convert_groups(const int8_t *src, uint32_t *dst, int groups, uint32_t off2, int dst_step) {
  for (int g = 0; g < groups; g++) {
    const uint32_t v = bnn_read_s8x4(src);
    src += 4;
    dst[0] = bnn_sadd16(bnn_sxtb16(v), off2);
    dst[1] = bnn_sadd16(bnn_sxtb16_ror8(v), off2);
    dst += dst_step;
  }
}

#ifndef BNN_S8_RQ_TABLE
#define BNN_S8_RQ_TABLE 32 /* output channels whose requantization constants a conv keeps on the stack (20 B each) */
#endif

#ifndef BNN_S8_STAGE_BYTES
#define BNN_S8_STAGE_BYTES 128 /* stack bytes for the int8 patch of a small unaligned conv (in_c % 4 != 0) */
#endif

/* What the im2col of a small unaligned patch whose window lies inside the input needs, computed once per call. */
typedef struct {
  int k_h, k_w, in_c, kdim4, tail;
  size_t row_step, col_step;
  int32_t off;
  uint32_t off2;
} bnn_s8_small_patch;

/* Column j for a window inside the input whose top-left tap is `xr` (the hot path of grey/RGB stems). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void bnn_s8_im2col_small_inside(const bnn_s8_small_patch *sp, const int8_t *xr, int16_t *col, int j) {
  int8_t stage[BNN_S8_STAGE_BYTES];
  int8_t *st = stage;
  const int k_h = sp->k_h, k_w = sp->k_w, in_c = sp->in_c, kdim4 = sp->kdim4, tail = sp->tail;
  const size_t row_step = sp->row_step, col_step = sp->col_step;
  for (int ky = 0; ky < k_h; ky++, xr += row_step) {
    const int8_t *xp = xr;
    if (in_c == 1) {
      for (int kx = 0; kx < k_w; kx++, xp += col_step) *st++ = xp[0];
    } else if (in_c == 2) {
      for (int kx = 0; kx < k_w; kx++, xp += col_step, st += 2) st[0] = xp[0], st[1] = xp[1];
    } else if (in_c == 3) {
      for (int kx = 0; kx < k_w; kx++, xp += col_step, st += 3) st[0] = xp[0], st[1] = xp[1], st[2] = xp[2];
    } else {
      for (int kx = 0; kx < k_w; kx++, xp += col_step, st += in_c) memcpy(st, xp, (size_t)in_c);
    }
  }
  bnn_s8_convert_groups(stage, (uint32_t *)(void *)(col + (size_t)j * 4u), kdim4 >> 2, sp->off2, 4);
  int16_t *t = col + 2 * (size_t)kdim4 + (size_t)j * (size_t)tail;
  for (int i = 0; i < tail; i++) t[i] = (int16_t)((int32_t)stage[kdim4 + i] + sp->off);
}

/* Fills column j (0 or 1) of the im2col buffer for output pixel (oy, ox). The geometry is copied to locals
 * first: stores to the buffer may alias the parameters, which would force reloads in every loop. */
static void bnn_s8_im2col(const bnn_s8_conv2d_params *p, const int8_t *in, int oy, int ox, int16_t *col, int j) {
  const bnn_s8_window *w = &p->win;
  const int in_c = p->in_c, k_h = w->k_h, k_w = w->k_w, dil_h = w->dil_h, dil_w = w->dil_w;
  const int in_h = w->in_h, in_w = w->in_w;
  const int kdim = k_h * k_w * in_c, kdim4 = kdim & ~3;
  const int y0 = oy * w->stride_h - w->pad_top, x0 = ox * w->stride_w - w->pad_left;
  const int inside = y0 >= 0 && x0 >= 0 && y0 + (k_h - 1) * dil_h < in_h && x0 + (k_w - 1) * dil_w < in_w;
  const size_t row_step = (size_t)dil_h * (size_t)in_w * (size_t)in_c, col_step = (size_t)dil_w * (size_t)in_c;
  const int32_t off = p->input_offset;
  const uint32_t off2 = ((uint32_t)off & 0xFFFFu) | ((uint32_t)off << 16);
  const int aligned = (in_c & 3) == 0;
  if (!aligned && kdim <= BNN_S8_STAGE_BYTES) {
    /* small unaligned patch (e.g. a grey or RGB stem): gather it as int8 (the zero point for outside taps, so
     * that x + offset = 0), then convert four values per load like the aligned path */
    int8_t stage[BNN_S8_STAGE_BYTES];
    int8_t *st = stage;
    if (inside) {
      const int8_t *xr = in + ((size_t)y0 * (size_t)in_w + (size_t)x0) * (size_t)in_c;
      /* (explicit copies for 1 to 3 channels: GCC would turn a byte loop into memcpy calls) */
      for (int ky = 0; ky < k_h; ky++, xr += row_step) {
        const int8_t *xp = xr;
        if (in_c == 1) {
          for (int kx = 0; kx < k_w; kx++, xp += col_step) *st++ = xp[0];
        } else if (in_c == 2) {
          for (int kx = 0; kx < k_w; kx++, xp += col_step, st += 2) st[0] = xp[0], st[1] = xp[1];
        } else if (in_c == 3) {
          for (int kx = 0; kx < k_w; kx++, xp += col_step, st += 3) st[0] = xp[0], st[1] = xp[1], st[2] = xp[2];
        } else {
          for (int kx = 0; kx < k_w; kx++, xp += col_step, st += in_c) memcpy(st, xp, (size_t)in_c);
        }
      }
    } else {
      const int8_t zp = (int8_t)(-off);
      for (int ky = 0; ky < k_h; ky++) {
        const int iy = y0 + ky * dil_h;
        for (int kx = 0; kx < k_w; kx++) {
          const int ix = x0 + kx * dil_w;
          if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w) {
            const int8_t *x = in + ((size_t)iy * (size_t)in_w + (size_t)ix) * (size_t)in_c;
            for (int c = 0; c < in_c; c++) *st++ = x[c];
          } else {
            for (int c = 0; c < in_c; c++) *st++ = zp;
          }
        }
      }
    }
    bnn_s8_convert_groups(stage, (uint32_t *)(void *)(col + (size_t)j * 4u), kdim4 >> 2, off2, 4);
    int16_t *t = col + 2 * (size_t)kdim4 + (size_t)j * (size_t)(kdim - kdim4);
    for (int i = kdim4; i < kdim; i++) *t++ = (int16_t)((int32_t)stage[i] + off);
    return;
  }
  if (aligned) {
    const int groups = in_c >> 2;
    uint32_t *dst = (uint32_t *)(void *)(col + (size_t)j * 4u);
    if (inside) {
      const int8_t *xr = in + ((size_t)y0 * (size_t)in_w + (size_t)x0) * (size_t)in_c;
      for (int ky = 0; ky < k_h; ky++, xr += row_step) {
        const int8_t *xp = xr;
        for (int kx = 0; kx < k_w; kx++, xp += col_step, dst += 4 * groups) bnn_s8_convert_groups(xp, dst, groups, off2, 4);
      }
    } else {
      for (int ky = 0; ky < k_h; ky++) {
        const int iy = y0 + ky * dil_h;
        for (int kx = 0; kx < k_w; kx++, dst += 4 * groups) {
          const int ix = x0 + kx * dil_w;
          if (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w) {
            bnn_s8_convert_groups(in + ((size_t)iy * (size_t)in_w + (size_t)ix) * (size_t)in_c, dst, groups, off2, 4);
          } else {
            for (int g = 0; g < groups; g++) dst[4 * g] = dst[4 * g + 1] = 0;
          }
        }
      }
    }
    return;
  }
  /* large unaligned patches: value by value */
  int k = 0;
  for (int ky = 0; ky < k_h; ky++) {
    const int iy = y0 + ky * dil_h;
    for (int kx = 0; kx < k_w; kx++, k += in_c) {
      const int ix = x0 + kx * dil_w;
      const int8_t *x =
          iy >= 0 && iy < in_h && ix >= 0 && ix < in_w ? in + ((size_t)iy * (size_t)in_w + (size_t)ix) * (size_t)in_c : NULL;
      for (int c = 0; c < in_c; c++) col[bnn_s8_col_pos(k + c, j, kdim, kdim4)] = x ? (int16_t)((int32_t)x[c] + off) : 0;
    }
  }
}

/* Two output channels (rows a0, a0 + kdim) x two columns; writes out0[c], out0[c+1], out1[c], out1[c+1]. */
BNN_S8_INLINE void bnn_s8_mm_2x2_body(const bnn_s8_conv2d_params *p, const int16_t *col, int kdim, int8_t *out0,
                                      int8_t *out1, const bnn_s8_rq *rqt, int32_t lo, int32_t hi) {
  const int32_t *mul = p->multiplier, *sh = p->shift;
  const int cout = p->out_c, kdim4 = kdim & ~3, tail = kdim - kdim4;
  const int32_t oo = p->output_offset;
  int c = 0;
  for (; c + 1 < cout; c += 2) {
    const int8_t *a0 = p->filter + (size_t)c * (size_t)kdim;
    const int8_t *a1 = a0 + kdim;
    const uint32_t *b = (const uint32_t *)(const void *)col;
    int32_t b0 = p->bias ? p->bias[c] : 0, b1 = p->bias ? p->bias[c + 1] : 0;
    int32_t c0p0 = b0, c0p1 = b0, c1p0 = b1, c1p1 = b1;
#define BNN_S8_MM_STEP                                                                                               \
  do {                                                                                                               \
    const uint32_t x0e = b[0], x0o = b[1], x1e = b[2], x1o = b[3];                                                   \
    b += 4;                                                                                                          \
    const uint32_t w0 = bnn_read_s8x4(a0), w1 = bnn_read_s8x4(a1);                                                   \
    a0 += 4;                                                                                                         \
    a1 += 4;                                                                                                         \
    uint32_t we = bnn_sxtb16(w0), wo = bnn_sxtb16_ror8(w0);                                                          \
    c0p0 = bnn_smlad(we, x0e, c0p0);                                                                                 \
    c0p1 = bnn_smlad(we, x1e, c0p1);                                                                                 \
    c0p0 = bnn_smlad(wo, x0o, c0p0);                                                                                 \
    c0p1 = bnn_smlad(wo, x1o, c0p1);                                                                                 \
    we = bnn_sxtb16(w1);                                                                                             \
    wo = bnn_sxtb16_ror8(w1);                                                                                        \
    c1p0 = bnn_smlad(we, x0e, c1p0);                                                                                 \
    c1p1 = bnn_smlad(we, x1e, c1p1);                                                                                 \
    c1p0 = bnn_smlad(wo, x0o, c1p0);                                                                                 \
    c1p1 = bnn_smlad(wo, x1o, c1p1);                                                                                 \
  } while (0)
    int n = kdim4 >> 2;
#if BNN_S8_HAVE_DSP && defined(__OPTIMIZE__) && !defined(BNN_S8_NO_ASM)
    /* (13 registers: unoptimized builds, which reserve a frame pointer, take the C loop; so does
     * -DBNN_S8_NO_ASM for toolchains that cannot spare them) */
    if (n >= 4) {
      /* 16 k per iteration: 4 x (2 LDRD + 2 LDR + 4 SXTB16 + 8 SMLAD) + 3 loop instructions for 64 MACs.
       * Same arithmetic as BNN_S8_MM_STEP (registers chosen by the compiler, 13 of them). */
      const uint32_t *const end = b + 4 * (n & ~3);
      uint32_t x0e, x0o, x1e, x1o, we, wo;
      __asm__ volatile(
          "1:\n"
          ".rept 4\n"
          "ldrd %[x0e], %[x0o], [%[b]], #8\n"
          "ldrd %[x1e], %[x1o], [%[b]], #8\n"
          "ldr %[wo], [%[a0]], #4\n"
          "sxtb16 %[we], %[wo]\n"
          "sxtb16 %[wo], %[wo], ror #8\n"
          "smlad %[c0p0], %[we], %[x0e], %[c0p0]\n"
          "smlad %[c0p1], %[we], %[x1e], %[c0p1]\n"
          "smlad %[c0p0], %[wo], %[x0o], %[c0p0]\n"
          "smlad %[c0p1], %[wo], %[x1o], %[c0p1]\n"
          "ldr %[wo], [%[a1]], #4\n"
          "sxtb16 %[we], %[wo]\n"
          "sxtb16 %[wo], %[wo], ror #8\n"
          "smlad %[c1p0], %[we], %[x0e], %[c1p0]\n"
          "smlad %[c1p1], %[we], %[x1e], %[c1p1]\n"
          "smlad %[c1p0], %[wo], %[x0o], %[c1p0]\n"
          "smlad %[c1p1], %[wo], %[x1o], %[c1p1]\n"
          ".endr\n"
          "ldr %[we], %[end]\n"
          "cmp %[b], %[we]\n"
          "bne 1b\n"
          : [c0p0] "+r"(c0p0), [c0p1] "+r"(c0p1), [c1p0] "+r"(c1p0), [c1p1] "+r"(c1p1), [b] "+r"(b), [a0] "+r"(a0),
            [a1] "+r"(a1), [x0e] "=&r"(x0e), [x0o] "=&r"(x0o), [x1e] "=&r"(x1e), [x1o] "=&r"(x1o), [we] "=&r"(we),
            [wo] "=&r"(wo)
          : [end] "m"(end)
          : "cc", "memory");
      n &= 3;
    }
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
    for (; n > 0; n--) BNN_S8_MM_STEP;
#undef BNN_S8_MM_STEP
    if (tail) {
      const int16_t *t0 = col + 2 * kdim4, *t1 = t0 + tail;
      for (int i = 0; i < tail; i++) {
        c0p0 = bnn_s8_wrap_add(c0p0, a0[i] * t0[i]);
        c0p1 = bnn_s8_wrap_add(c0p1, a0[i] * t1[i]);
        c1p0 = bnn_s8_wrap_add(c1p0, a1[i] * t0[i]);
        c1p1 = bnn_s8_wrap_add(c1p1, a1[i] * t1[i]);
      }
    }
    bnn_s8_rq m0, m1;
    const bnn_s8_rq *q0 = rqt ? &rqt[c] : (m0 = bnn_s8_rq_make(mul[c], sh[c]), &m0);
    const bnn_s8_rq *q1 = rqt ? &rqt[c + 1] : (m1 = bnn_s8_rq_make(mul[c + 1], sh[c + 1]), &m1);
    out0[c] = bnn_s8_finish_q(c0p0, q0, oo, lo, hi);
    out1[c] = bnn_s8_finish_q(c0p1, q0, oo, lo, hi);
    out0[c + 1] = bnn_s8_finish_q(c1p0, q1, oo, lo, hi);
    out1[c + 1] = bnn_s8_finish_q(c1p1, q1, oo, lo, hi);
  }
  if (c < cout) {
    const int8_t *a0 = p->filter + (size_t)c * (size_t)kdim;
    const uint32_t *b = (const uint32_t *)(const void *)col;
    int32_t c0p0 = p->bias ? p->bias[c] : 0, c0p1 = c0p0;
    for (int n = kdim4 >> 2; n > 0; n--) {
      const uint32_t w0 = bnn_read_s8x4(a0);
      a0 += 4;
      const uint32_t we = bnn_sxtb16(w0), wo = bnn_sxtb16_ror8(w0);
      c0p0 = bnn_smlad(we, b[0], c0p0);
      c0p0 = bnn_smlad(wo, b[1], c0p0);
      c0p1 = bnn_smlad(we, b[2], c0p1);
      c0p1 = bnn_smlad(wo, b[3], c0p1);
      b += 4;
    }
    const int16_t *t0 = col + 2 * kdim4, *t1 = t0 + tail;
    for (int i = 0; i < tail; i++) {
      c0p0 = bnn_s8_wrap_add(c0p0, a0[i] * t0[i]);
      c0p1 = bnn_s8_wrap_add(c0p1, a0[i] * t1[i]);
    }
    bnn_s8_rq m0;
    const bnn_s8_rq *q0 = rqt ? &rqt[c] : (m0 = bnn_s8_rq_make(mul[c], sh[c]), &m0);
    const int8_t r00 = bnn_s8_finish_q(c0p0, q0, oo, lo, hi), r01 = bnn_s8_finish_q(c0p1, q0, oo, lo, hi);
    out0[c] = r00;
    out1[c] = r01;
  }
}

/* The 3x3 grey and RGB stems (kdim 9 and 27) get straight-line copies of the kernel (constant kdim), and the
 * full activation range a copy whose clamp is one SSAT. */
static void bnn_s8_mm_2x2(const bnn_s8_conv2d_params *p, const int16_t *col, int kdim, int8_t *out0, int8_t *out1,
                          const bnn_s8_rq *rqt) {
  const int32_t lo = p->act_min, hi = p->act_max;
  if (!rqt) { /* large layers: constants made per channel pair (the two-step form) */
    if (lo == -128 && hi == 127) {
      bnn_s8_mm_2x2_body(p, col, kdim, out0, out1, NULL, -128, 127);
    } else {
      bnn_s8_mm_2x2_body(p, col, kdim, out0, out1, NULL, lo, hi);
    }
  } else if (lo == -128 && hi == 127) {
    if (kdim == 9) {
      bnn_s8_mm_2x2_body(p, col, 9, out0, out1, rqt, -128, 127);
    } else if (kdim == 27) {
      bnn_s8_mm_2x2_body(p, col, 27, out0, out1, rqt, -128, 127);
    } else {
      bnn_s8_mm_2x2_body(p, col, kdim, out0, out1, rqt, -128, 127);
    }
  } else {
    bnn_s8_mm_2x2_body(p, col, kdim, out0, out1, rqt, lo, hi);
  }
}

/* One column (j = 0 slots of the two-column layout), every output channel. */
static void bnn_s8_mm_1(const bnn_s8_conv2d_params *p, const int16_t *col, int kdim, int8_t *out0, const bnn_s8_rq *rqt) {
  const int kdim4 = kdim & ~3, tail = kdim - kdim4;
  for (int c = 0; c < p->out_c; c++) {
    const int8_t *a0 = p->filter + (size_t)c * (size_t)kdim;
    const uint32_t *b = (const uint32_t *)(const void *)col;
    int32_t acc = p->bias ? p->bias[c] : 0;
    for (int n = kdim4 >> 2; n > 0; n--) {
      const uint32_t w0 = bnn_read_s8x4(a0);
      a0 += 4;
      acc = bnn_smlad(bnn_sxtb16(w0), b[0], acc);
      acc = bnn_smlad(bnn_sxtb16_ror8(w0), b[1], acc);
      b += 4;
    }
    const int16_t *t0 = col + 2 * kdim4;
    for (int i = 0; i < tail; i++) acc = bnn_s8_wrap_add(acc, a0[i] * t0[i]);
    bnn_s8_rq m0;
    const bnn_s8_rq *q0 = rqt ? &rqt[c] : (m0 = bnn_s8_rq_make(p->multiplier[c], p->shift[c]), &m0);
    out0[c] = bnn_s8_finish_q(acc, q0, p->output_offset, p->act_min, p->act_max);
  }
}

void bnn_s8_conv2d(const bnn_s8_conv2d_params *p, const int8_t *in, int8_t *out, int32_t *scratch) {
  if (bnn_s8_has_min_multiplier(p->multiplier, p->out_c)) {
    bnn_s8_conv2d_ref(p, in, out);
    return;
  }
  const bnn_s8_window *w = &p->win;
  const int kdim = w->k_h * w->k_w * p->in_c, pixels = w->out_h * w->out_w;
  const size_t stride = (size_t)p->out_c;
  int16_t *col = (int16_t *)(void *)scratch;
  /* small layers (few MACs per output) pay mostly for requantization: prepare its constants once */
  bnn_s8_rq rqt_buf[BNN_S8_RQ_TABLE];
  const bnn_s8_rq *rqt = NULL;
  if (p->out_c <= BNN_S8_RQ_TABLE) {
    for (int c = 0; c < p->out_c; c++)
      rqt_buf[c] = bnn_s8_rq_make_table(p->multiplier[c], p->shift[c], p->output_offset);
    rqt = rqt_buf;
  }
  int8_t *o = out;
  bnn_s8_small_patch sp;
  const int small = (p->in_c & 3) != 0 && kdim <= BNN_S8_STAGE_BYTES;
  sp.k_h = w->k_h, sp.k_w = w->k_w, sp.in_c = p->in_c, sp.kdim4 = kdim & ~3, sp.tail = kdim & 3;
  sp.row_step = (size_t)w->dil_h * (size_t)w->in_w * (size_t)p->in_c;
  sp.col_step = (size_t)w->dil_w * (size_t)p->in_c;
  sp.off = p->input_offset;
  sp.off2 = ((uint32_t)sp.off & 0xFFFFu) | ((uint32_t)sp.off << 16);
  const int span_h = (w->k_h - 1) * w->dil_h, span_w = (w->k_w - 1) * w->dil_w;
  int pix = 0, oy = 0, ox = 0;
  for (; pix + 1 < pixels; pix += 2) {
    for (int j = 0; j < 2; j++) {
      const int y0 = oy * w->stride_h - w->pad_top, x0 = ox * w->stride_w - w->pad_left;
      if (small && y0 >= 0 && x0 >= 0 && y0 + span_h < w->in_h && x0 + span_w < w->in_w) {
        bnn_s8_im2col_small_inside(&sp, in + ((size_t)y0 * (size_t)w->in_w + (size_t)x0) * (size_t)p->in_c, col, j);
      } else {
        bnn_s8_im2col(p, in, oy, ox, col, j);
      }
      if (++ox == w->out_w) ox = 0, oy++;
    }
    bnn_s8_mm_2x2(p, col, kdim, o, o + stride, rqt);
    o += 2 * stride;
  }
  if (pix < pixels) {
    bnn_s8_im2col(p, in, oy, ox, col, 0);
    bnn_s8_mm_1(p, col, kdim, o, rqt);
  }
}

/* -- depthwise -- */

/* Geometry and constants of a depthwise call, copied to locals (int8 stores may alias the params). */
typedef struct {
  int in_h, in_w, ch, k_h, k_w, dil_h, dil_w;
  size_t row_step, col_step; /* bytes between taps: dil_h rows, dil_w pixels */
  uint32_t off2;
  int32_t oo, lo, hi;
} bnn_s8_dw_geo;

/* Four channels at `x` (the window's top-left tap, channel c) with filter `f` (tap 0, channel c), every tap in
 * bounds; accumulators start at k[0..3] = bias + input_offset * sum of the channel's weights. */
BNN_S8_INLINE void bnn_s8_dw_inside4(const bnn_s8_dw_geo *g, const int8_t *x, const int8_t *f, const int32_t *k,
                                     int32_t acc[4], int k_w) {
  int32_t a0 = k[0], a1 = k[1], a2 = k[2], a3 = k[3];
  for (int ky = 0; ky < g->k_h; ky++, x += g->row_step) {
    const int8_t *xp = x;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 3
#endif
    for (int kx = k_w; kx > 0; kx--, xp += g->col_step, f += g->ch) {
      const uint32_t xv = bnn_read_s8x4(xp), fv = bnn_read_s8x4(f);
      const uint32_t xe = bnn_sxtb16(xv), xo = bnn_sxtb16_ror8(xv);
      const uint32_t fe = bnn_sxtb16(fv), fo = bnn_sxtb16_ror8(fv);
      a0 = bnn_smlabb(fe, xe, a0);
      a2 = bnn_smlatt(fe, xe, a2);
      a1 = bnn_smlabb(fo, xo, a1);
      a3 = bnn_smlatt(fo, xo, a3);
    }
  }
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* The same for a window that crosses the input's edge: only the taps inside (ranges clipped once), the input
 * offset added per tap (SADD16), from the bias. */
static void bnn_s8_dw_border4(const bnn_s8_dw_geo *g, const int8_t *in, int y0, int x0, int c, const int8_t *filter,
                              const int32_t *bias, int32_t acc[4]) {
  int32_t a0 = bias ? bias[c] : 0, a1 = bias ? bias[c + 1] : 0, a2 = bias ? bias[c + 2] : 0, a3 = bias ? bias[c + 3] : 0;
  int ky0 = 0, ky1 = g->k_h, kx0 = 0, kx1 = g->k_w;
  while (ky0 < ky1 && y0 + ky0 * g->dil_h < 0) ky0++;
  while (ky1 > ky0 && y0 + (ky1 - 1) * g->dil_h >= g->in_h) ky1--;
  while (kx0 < kx1 && x0 + kx0 * g->dil_w < 0) kx0++;
  while (kx1 > kx0 && x0 + (kx1 - 1) * g->dil_w >= g->in_w) kx1--;
  const uint32_t off2 = g->off2;
  for (int ky = ky0; ky < ky1; ky++) {
    const int8_t *xp = in + ((size_t)(y0 + ky * g->dil_h) * (size_t)g->in_w + (size_t)(x0 + kx0 * g->dil_w)) * (size_t)g->ch + (size_t)c;
    const int8_t *f = filter + ((size_t)ky * (size_t)g->k_w + (size_t)kx0) * (size_t)g->ch + (size_t)c;
    for (int kx = kx0; kx < kx1; kx++, xp += g->col_step, f += g->ch) {
      const uint32_t xv = bnn_read_s8x4(xp), fv = bnn_read_s8x4(f);
      const uint32_t xe = bnn_sadd16(bnn_sxtb16(xv), off2), xo = bnn_sadd16(bnn_sxtb16_ror8(xv), off2);
      const uint32_t fe = bnn_sxtb16(fv), fo = bnn_sxtb16_ror8(fv);
      a0 = bnn_smlabb(fe, xe, a0);
      a2 = bnn_smlatt(fe, xe, a2);
      a1 = bnn_smlabb(fo, xo, a1);
      a3 = bnn_smlatt(fo, xo, a3);
    }
  }
  acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* Channels [c0, c1) (multiples of 4) of every output pixel, requantization constants rqt[c - c0]. */
BNN_S8_INLINE void bnn_s8_dw_block(const bnn_s8_depthwise_params *p, const bnn_s8_dw_geo *g, const int8_t *in,
                                   int8_t *out, const int32_t *k, const bnn_s8_rq *rqt, int c0, int c1, int32_t lo,
                                   int32_t hi) {
  const bnn_s8_window *w = &p->win;
  const int out_h = w->out_h, out_w = w->out_w, stride_h = w->stride_h, stride_w = w->stride_w;
  const int pad_top = w->pad_top, pad_left = w->pad_left, ch = g->ch;
  const int8_t *const filter = p->filter;
  const int32_t *const bias = p->bias;
  const int32_t oo = g->oo;
  for (int oy = 0; oy < out_h; oy++) {
    const int y0 = oy * stride_h - pad_top;
    const int inside_y = y0 >= 0 && y0 + (g->k_h - 1) * g->dil_h < g->in_h;
    for (int ox = 0; ox < out_w; ox++) {
      const int x0 = ox * stride_w - pad_left;
      const int inside = inside_y && x0 >= 0 && x0 + (g->k_w - 1) * g->dil_w < g->in_w;
      int8_t *o = out + ((size_t)oy * (size_t)out_w + (size_t)ox) * (size_t)ch;
      const int8_t *xw = inside ? in + ((size_t)y0 * (size_t)g->in_w + (size_t)x0) * (size_t)ch : NULL;
      for (int c = c0; c < c1; c += 4) {
        int32_t acc[4];
        if (inside) {
          if (g->k_w == 3) { /* the usual 3x3: taps of a row unrolled */
            bnn_s8_dw_inside4(g, xw + c, filter + c, k + c, acc, 3);
          } else {
            bnn_s8_dw_inside4(g, xw + c, filter + c, k + c, acc, g->k_w);
          }
        } else {
          bnn_s8_dw_border4(g, in, y0, x0, c, filter, bias, acc);
        }
        const bnn_s8_rq *q = rqt + (c - c0);
        o[c] = bnn_s8_finish_q(acc[0], q, oo, lo, hi);
        o[c + 1] = bnn_s8_finish_q(acc[1], q + 1, oo, lo, hi);
        o[c + 2] = bnn_s8_finish_q(acc[2], q + 2, oo, lo, hi);
        o[c + 3] = bnn_s8_finish_q(acc[3], q + 3, oo, lo, hi);
      }
    }
  }
}

void bnn_s8_depthwise(const bnn_s8_depthwise_params *p, const int8_t *in, int8_t *out, int32_t *scratch) {
  if (p->depth_multiplier != 1 || bnn_s8_has_min_multiplier(p->multiplier, p->in_c)) {
    bnn_s8_depthwise_ref(p, in, out);
    return;
  }
  const bnn_s8_window *w = &p->win;
  bnn_s8_dw_geo g;
  g.in_h = w->in_h, g.in_w = w->in_w, g.ch = p->in_c, g.k_h = w->k_h, g.k_w = w->k_w, g.dil_h = w->dil_h;
  g.dil_w = w->dil_w;
  g.row_step = (size_t)w->dil_h * (size_t)w->in_w * (size_t)p->in_c;
  g.col_step = (size_t)w->dil_w * (size_t)p->in_c;
  g.off2 = ((uint32_t)p->input_offset & 0xFFFFu) | ((uint32_t)p->input_offset << 16);
  g.oo = p->output_offset, g.lo = p->act_min, g.hi = p->act_max;
  const int ch = p->in_c, ch4 = ch & ~3, taps = w->k_h * w->k_w;
  const int8_t *const filter = p->filter;
  const int32_t *const bias = p->bias, *const mul = p->multiplier, *const sh = p->shift;
  const int32_t input_offset = p->input_offset;
  for (int c = 0; c < ch; c++) {
    int32_t s = 0;
    for (int t = 0; t < taps; t++) s = bnn_s8_wrap_add(s, filter[(size_t)t * (size_t)ch + (size_t)c]);
    scratch[c] = bnn_s8_wrap_add(bias ? bias[c] : 0, bnn_s8_wrap_mul(s, input_offset));
  }
  /* blocks of channels whose requantization constants sit in a stack table */
  bnn_s8_rq rqt[BNN_S8_RQ_TABLE];
  for (int c0 = 0; c0 < ch4; c0 += BNN_S8_RQ_TABLE) {
    const int c1 = ch4 - c0 < BNN_S8_RQ_TABLE ? ch4 : c0 + BNN_S8_RQ_TABLE;
    for (int c = c0; c < c1; c++) rqt[c - c0] = bnn_s8_rq_make_table(mul[c], sh[c], g.oo);
    if (g.lo == -128 && g.hi == 127) {
      bnn_s8_dw_block(p, &g, in, out, scratch, rqt, c0, c1, -128, 127);
    } else {
      bnn_s8_dw_block(p, &g, in, out, scratch, rqt, c0, c1, g.lo, g.hi);
    }
  }
  for (int c = ch4; c < ch; c++) { /* tail channels, reference arithmetic */
    const bnn_s8_rq q = bnn_s8_rq_make(mul[c], sh[c]);
    for (int oy = 0; oy < w->out_h; oy++) {
      const int y0 = oy * w->stride_h - w->pad_top;
      for (int ox = 0; ox < w->out_w; ox++) {
        const int x0 = ox * w->stride_w - w->pad_left;
        int32_t acc = bias ? bias[c] : 0;
        for (int ky = 0; ky < g.k_h; ky++) {
          const int iy = y0 + ky * g.dil_h;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.k_w; kx++) {
            const int ix = x0 + kx * g.dil_w;
            if (ix < 0 || ix >= g.in_w) continue;
            const int32_t x = in[((size_t)iy * (size_t)g.in_w + (size_t)ix) * (size_t)ch + (size_t)c];
            const int32_t f = filter[((size_t)ky * (size_t)g.k_w + (size_t)kx) * (size_t)ch + (size_t)c];
            acc = bnn_s8_wrap_add(acc, bnn_s8_wrap_mul(f, x + input_offset));
          }
        }
        out[((size_t)oy * (size_t)w->out_w + (size_t)ox) * (size_t)ch + (size_t)c] =
            bnn_s8_finish_q(acc, &q, g.oo, g.lo, g.hi);
      }
    }
  }
}

/* -- fully connected -- */

void bnn_s8_fully_connected(const bnn_s8_fc_params *p, const int8_t *in, int8_t *out, int rows, int32_t *scratch) {
  const int n = p->in_c, n4 = n & ~3, tail = n - n4;
  const uint32_t off2 = ((uint32_t)p->input_offset & 0xFFFFu) | ((uint32_t)p->input_offset << 16);
  uint32_t *xs = (uint32_t *)scratch;
  int16_t *xt = (int16_t *)(void *)(xs + (n4 >> 1)); /* tail after the n4 int16 of the groups */
  const int32_t oo = p->output_offset, lo = p->act_min, hi = p->act_max;
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + (size_t)r * (size_t)n;
    int8_t *o = out + (size_t)r * (size_t)p->out_c;
    bnn_s8_convert_groups(x, xs, n4 >> 2, off2, 2);
    for (int i = 0; i < tail; i++) xt[i] = (int16_t)((int32_t)x[n4 + i] + p->input_offset);
    int c = 0;
    for (; c + 1 < p->out_c; c += 2) {
      const int8_t *a0 = p->filter + (size_t)c * (size_t)n, *a1 = a0 + n;
      const uint32_t *b = xs;
      int32_t s0 = p->bias ? p->bias[c] : 0, s1 = p->bias ? p->bias[c + 1] : 0;
      for (int g = n4 >> 2; g > 0; g--) {
        const uint32_t xe = b[0], xo = b[1];
        b += 2;
        const uint32_t w0 = bnn_read_s8x4(a0), w1 = bnn_read_s8x4(a1);
        a0 += 4;
        a1 += 4;
        s0 = bnn_smlad(bnn_sxtb16(w0), xe, s0);
        s0 = bnn_smlad(bnn_sxtb16_ror8(w0), xo, s0);
        s1 = bnn_smlad(bnn_sxtb16(w1), xe, s1);
        s1 = bnn_smlad(bnn_sxtb16_ror8(w1), xo, s1);
      }
      for (int i = 0; i < tail; i++) {
        s0 = bnn_s8_wrap_add(s0, a0[i] * xt[i]);
        s1 = bnn_s8_wrap_add(s1, a1[i] * xt[i]);
      }
      const int q0 = p->per_channel ? c : 0, q1 = p->per_channel ? c + 1 : 0;
      o[c] = bnn_s8_finish(s0, p->multiplier[q0], p->shift[q0], oo, lo, hi);
      o[c + 1] = bnn_s8_finish(s1, p->multiplier[q1], p->shift[q1], oo, lo, hi);
    }
    if (c < p->out_c) {
      const int8_t *a0 = p->filter + (size_t)c * (size_t)n;
      const uint32_t *b = xs;
      int32_t s0 = p->bias ? p->bias[c] : 0;
      for (int g = n4 >> 2; g > 0; g--) {
        const uint32_t w0 = bnn_read_s8x4(a0);
        a0 += 4;
        s0 = bnn_smlad(bnn_sxtb16(w0), b[0], s0);
        s0 = bnn_smlad(bnn_sxtb16_ror8(w0), b[1], s0);
        b += 2;
      }
      for (int i = 0; i < tail; i++) s0 = bnn_s8_wrap_add(s0, a0[i] * xt[i]);
      const int q0 = p->per_channel ? c : 0;
      o[c] = bnn_s8_finish(s0, p->multiplier[q0], p->shift[q0], oo, lo, hi);
    }
  }
}

/* -- pools: memory-bound loops; the fast names run the reference loops. add: the reference's arithmetic with
 * its constants prepared once -- */

void bnn_s8_avg_pool(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out) { bnn_s8_avg_pool_ref(p, in, out); }
void bnn_s8_max_pool(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out) { bnn_s8_max_pool_ref(p, in, out); }
void bnn_s8_add(const bnn_s8_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n) {
  /* the reference's arithmetic with the three requantizations' constants prepared once */
  const bnn_s8_rq q1 = bnn_s8_rq_make(p->input1_multiplier, p->input1_shift);
  const bnn_s8_rq q2 = bnn_s8_rq_make(p->input2_multiplier, p->input2_shift);
  const bnn_s8_rq qo = bnn_s8_rq_make(p->output_multiplier, p->output_shift);
  const int32_t off1 = p->input1_offset, off2 = p->input2_offset, oo = p->output_offset;
  const int32_t lo = p->act_min, hi = p->act_max;
  for (int i = 0; i < n; i++) {
    const int32_t x1 = (int32_t)((uint32_t)(off1 + a[i]) << BNN_S8_ADD_LEFT_SHIFT);
    const int32_t x2 = (int32_t)((uint32_t)(off2 + b[i]) << BNN_S8_ADD_LEFT_SHIFT);
    const int32_t raw = bnn_s8_requant(bnn_s8_wrap_add(bnn_s8_requant(x1, &q1), bnn_s8_requant(x2, &q2)), &qo);
    out[i] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(raw, oo), lo, hi);
  }
}

/* -- quantize family -- */

/* round(q) half away from zero for finite q, clamped to [-300, 300] first (enough for any int8 result) */
static inline int32_t bnn_s8_round_clamped(float q) {
  if (!(q == q)) return 0; /* NaN */
  if (q >= 300.0f) return 300;
  if (q <= -300.0f) return -300;
  int32_t i = (int32_t)q; /* truncation */
  const float frac = q - (float)i; /* exact for |q| < 2^23 */
  if (frac >= 0.5f) i++;
  else if (frac <= -0.5f) i--;
  return i;
}

void bnn_s8_quantize(const float *in, int8_t *out, int n, float scale, int32_t zero_point) {
  for (int i = 0; i < n; i++) {
    const float q = in[i] / scale;
    out[i] = (int8_t)bnn_s8_clamp(bnn_s8_round_clamped(q) + zero_point, -128, 127);
  }
}

void bnn_s8_dequantize(const int8_t *in, float *out, int n, float scale, int32_t zero_point) {
  for (int i = 0; i < n; i++) out[i] = scale * (float)((int32_t)in[i] - zero_point);
}

void bnn_s8_requantize(const int8_t *in, int8_t *out, int n, int32_t input_zero_point, int32_t multiplier, int32_t shift,
                       int32_t output_zero_point) {
  const bnn_s8_rq q = bnn_s8_rq_make(multiplier, shift);
  for (int i = 0; i < n; i++)
    out[i] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_requant((int32_t)in[i] - input_zero_point, &q), output_zero_point),
                                  -128, 127);
}


void bnn_s8_requantize_acc(const int32_t *acc, int8_t *out, int pixels, int channels, const int32_t *bias,
                           const int32_t *multiplier, const int32_t *shift, int32_t output_offset, int32_t act_min,
                           int32_t act_max) {
  for (int px = 0; px < pixels; px++)
    for (int c = 0; c < channels; c++) {
      const size_t i = (size_t)px * (size_t)channels + (size_t)c;
      const int32_t a = bias ? bnn_s8_wrap_add(acc[i], bias[c]) : acc[i];
      out[i] = bnn_s8_finish(a, multiplier[c], shift[c], output_offset, act_min, act_max);
    }
}

void bnn_s8_to_bitpacked(const int8_t *in, uint32_t *out, int pixels, int channels, int32_t zero_point) {
  const int words = (channels + 31) / 32;
  for (int px = 0; px < pixels; px++) {
    const int8_t *x = in + (size_t)px * (size_t)channels;
    uint32_t *o = out + (size_t)px * (size_t)words;
    for (int wi = 0; wi < words; wi++) {
      uint32_t bits = 0;
      const int m = channels - 32 * wi < 32 ? channels - 32 * wi : 32;
      for (int i = 0; i < m; i++) bits |= (uint32_t)((int32_t)x[32 * wi + i] < zero_point) << i;
      o[wi] = bits;
    }
  }
}

/* -- softmax (TFLite reference int8 Softmax; gemmlowp fixed point, see bnn_int8.h) -- */

/* gemmlowp SaturatingRoundingMultiplyByPOT<e>: saturating left shift for e > 0, rounding right shift for e < 0. */
static inline int32_t bnn_s8_srmbpot(int32_t x, int e) {
  if (e > 0) {
    const int32_t t = (int32_t)(((uint32_t)1 << (31 - e)) - 1u);
    if (x > t) return INT32_MAX;
    if (x < -t) return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
  }
  return e == 0 ? x : bnn_s8_rdbpot(x, -e);
}

/* exp_on_interval_between_negative_one_quarter_and_0_excl, Q0.31 in [-2^29, 0) -> Q0.31 */
static int32_t bnn_s8_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668; /* exp(-1/8) */
  const int32_t one_third = 715827883;
  const int32_t x = bnn_s8_wrap_add(a, 1 << 28);
  const int32_t x2 = bnn_s8_srdhm(x, x);
  const int32_t x3 = bnn_s8_srdhm(x2, x);
  const int32_t x4 = bnn_s8_srdhm(x2, x2);
  const int32_t x4_over_4 = bnn_s8_srmbpot(x4, -2);
  const int32_t poly =
      bnn_s8_srmbpot(bnn_s8_wrap_add(bnn_s8_srdhm(bnn_s8_wrap_add(x4_over_4, x3), one_third), x2), -1);
  return bnn_s8_wrap_add(constant_term, bnn_s8_srdhm(constant_term, bnn_s8_wrap_add(x, poly)));
}

/* exp_on_negative_values, Q5.26 a <= 0 -> Q0.31 */
static int32_t bnn_s8_exp_neg(int32_t a) {
  static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  if (a == 0) return INT32_MAX;
  const int32_t quarter = 1 << 24;
  const int32_t a_mod = (int32_t)((uint32_t)(a & (quarter - 1)) - (uint32_t)quarter);
  int32_t result = bnn_s8_exp_quarter(bnn_s8_srmbpot(a_mod, 5));
  const uint32_t remainder = (uint32_t)a_mod - (uint32_t)a;
  for (int k = 0; k < 7; k++)
    if (remainder & ((uint32_t)1 << (24 + k))) result = bnn_s8_srdhm(result, barrel[k]);
  return result;
}

/* one_over_one_plus_x_for_x_in_0_1, Q0.31 in [0, 2^31) -> Q0.31 */
static int32_t bnn_s8_one_over_one_plus_x(int32_t a) {
  /* RoundingHalfSum(a, INT32_MAX) = (a + 2^31) / 2 (the sum is positive) */
  const int32_t half_denominator = (int32_t)(((int64_t)a + INT32_MAX + 1) / 2);
  int32_t x = bnn_s8_wrap_add(1515870810, bnn_s8_srdhm(half_denominator, -1010580540)); /* 48/17, -32/17 in Q2.29 */
  for (int i = 0; i < 3; i++) {
    const int32_t one_minus = (int32_t)((uint32_t)(1 << 29) - (uint32_t)bnn_s8_srdhm(half_denominator, x));
    x = bnn_s8_wrap_add(x, bnn_s8_srmbpot(bnn_s8_srdhm(x, one_minus), 2));
  }
  return bnn_s8_srmbpot(x, 1);
}

static inline int32_t bnn_s8_softmax_exp_of(const bnn_s8_softmax_params *p, int32_t diff) {
  const int32_t scaled = bnn_s8_srdhm((int32_t)((uint32_t)diff << p->input_left_shift), p->input_multiplier);
  return bnn_s8_exp_neg(scaled);
}

/* GetReciprocal(sum, 12): sum > 0 (the row maximum contributes 2^19). */
static inline int32_t bnn_s8_softmax_recip(int32_t sum, int *bits_over_unit) {
  const int headroom = __builtin_clz((uint32_t)sum);
  *bits_over_unit = 12 - headroom;
  return bnn_s8_one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - ((uint32_t)1 << 31)));
}

static inline int8_t bnn_s8_softmax_out(int32_t recip, int32_t e, int bits_over_unit) {
  return (int8_t)bnn_s8_clamp(bnn_s8_rdbpot(bnn_s8_srdhm(recip, e), bits_over_unit + 23) - 128, -128, 127);
}

void bnn_s8_softmax_ref(const bnn_s8_softmax_params *p, const int8_t *in, int8_t *out, int rows, int depth) {
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + (size_t)r * (size_t)depth;
    int8_t *y = out + (size_t)r * (size_t)depth;
    int32_t max = -128;
    for (int c = 0; c < depth; c++) max = x[c] > max ? x[c] : max;
    int32_t sum = 0;
    for (int c = 0; c < depth; c++) {
      const int32_t diff = (int32_t)x[c] - max;
      if (diff >= p->diff_min) sum = bnn_s8_wrap_add(sum, bnn_s8_rdbpot(bnn_s8_softmax_exp_of(p, diff), 12));
    }
    int bits;
    const int32_t recip = bnn_s8_softmax_recip(sum, &bits);
    for (int c = 0; c < depth; c++) {
      const int32_t diff = (int32_t)x[c] - max;
      y[c] = diff >= p->diff_min ? bnn_s8_softmax_out(recip, bnn_s8_softmax_exp_of(p, diff), bits) : (int8_t)-128;
    }
  }
}

void bnn_s8_softmax(const bnn_s8_softmax_params *p, const int8_t *in, int8_t *out, int rows, int depth,
                    int32_t *scratch) {
  for (int r = 0; r < rows; r++) {
    const int8_t *x = in + (size_t)r * (size_t)depth;
    int8_t *y = out + (size_t)r * (size_t)depth;
    int32_t max = -128;
    for (int c = 0; c < depth; c++) max = x[c] > max ? x[c] : max;
    int32_t sum = 0;
    for (int c = 0; c < depth; c++) {
      const int32_t diff = (int32_t)x[c] - max;
      int32_t e = -1; /* below diff_min (a real exp is >= 0) */
      if (diff >= p->diff_min) {
        e = bnn_s8_softmax_exp_of(p, diff);
        sum = bnn_s8_wrap_add(sum, bnn_s8_rdbpot(e, 12));
      }
      scratch[c] = e;
    }
    int bits;
    const int32_t recip = bnn_s8_softmax_recip(sum, &bits);
    for (int c = 0; c < depth; c++) y[c] = scratch[c] >= 0 ? bnn_s8_softmax_out(recip, scratch[c], bits) : (int8_t)-128;
  }
}

/* -- mul (TFLite reference_integer_ops::MulElementwise) -- */

void bnn_s8_mul_ref(const bnn_s8_mul_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n) {
  for (int i = 0; i < n; i++) {
    const int32_t prod = ((int32_t)a[i] + p->input1_offset) * ((int32_t)b[i] + p->input2_offset);
    const int32_t raw = bnn_s8_wrap_add(bnn_s8_mbqm(prod, p->output_multiplier, (int)p->output_shift), p->output_offset);
    out[i] = (int8_t)bnn_s8_clamp(raw, p->act_min, p->act_max);
  }
}

void bnn_s8_mul(const bnn_s8_mul_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n) {
  /* the reference's arithmetic with the requantization constants prepared once */
  const bnn_s8_rq q = bnn_s8_rq_make(p->output_multiplier, p->output_shift);
  const int32_t o1 = p->input1_offset, o2 = p->input2_offset, oo = p->output_offset, lo = p->act_min, hi = p->act_max;
  for (int i = 0; i < n; i++) {
    const int32_t prod = ((int32_t)a[i] + o1) * ((int32_t)b[i] + o2);
    out[i] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_requant(prod, &q), oo), lo, hi);
  }
}

void bnn_s8_requantize_clamp(const int8_t *in, int8_t *out, int n, int32_t input_zero_point, int32_t multiplier,
                             int32_t shift, int32_t output_zero_point, int32_t act_min, int32_t act_max) {
  const bnn_s8_rq q = bnn_s8_rq_make(multiplier, shift);
  for (int i = 0; i < n; i++)
    out[i] = (int8_t)bnn_s8_clamp(
        bnn_s8_wrap_add(bnn_s8_requant((int32_t)in[i] - input_zero_point, &q), output_zero_point), act_min, act_max);
}

/* -- hard swish (TFLite reference_ops::HardSwish for int8: 16-bit fixed point) -- */

/* gemmlowp::SaturatingRoundingDoublingHighMul on int16: (a*b + nudge) / 2^15 truncated, -2^15 * -2^15 saturates. */
static inline int32_t bnn_s16_srdhm(int32_t a, int32_t b) {
  if (a == b && a == -32768) return 32767;
  const int32_t ab = a * b;
  return (ab + (ab >= 0 ? (1 << 14) : (1 - (1 << 14)))) / (1 << 15);
}

/* TFLite's SaturatingDoublingHighMul on int16: a*b / 2^15 truncated toward zero. */
static inline int32_t bnn_s16_sdhm(int32_t a, int32_t b) {
  if (a == b && a == -32768) return 32767;
  return (a * b) / (1 << 15);
}

/* TFLite's SaturatingLeftShift on int16 (amount in [0, 29]). */
static inline int32_t bnn_s16_sat_shl(int32_t v, int amount) {
  const int64_t r = (int64_t)v * ((int64_t)1 << amount);
  return r > 32767 ? 32767 : (r < -32768 ? -32768 : (int32_t)r);
}

/* gemmlowp::RoundingDivideByPOT, exponent in [0, 15]. */
static inline int32_t bnn_s16_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)((1u << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

void bnn_s8_hard_swish(const bnn_s8_hard_swish_params *p, const int8_t *in, int8_t *out, int n) {
  const int32_t izp = p->input_zero_point, ozp = p->output_zero_point;
  const int32_t om = p->output_multiplier, rm = p->reluish_multiplier;
  const int oe = (int)p->output_exponent, re = (int)p->reluish_exponent;
  for (int i = 0; i < n; i++) {
    const int32_t v = ((int32_t)in[i] - izp) * (1 << 7);
    const int32_t pre = bnn_s16_srdhm(v, om);
    int32_t r = v;
    if (re > 0) r = bnn_s16_sat_shl(r, re - 1);
    r = bnn_s16_srdhm(r, rm);
    if (re > 0) r = bnn_s16_sat_shl(r, 1);
    if (re < 0) r = bnn_s16_rdbpot(r, -re);
    r = (r + (1 << 15)) >> 1;
    const int32_t y = bnn_s16_rdbpot(bnn_s16_sdhm(r, pre), -oe) + ozp;
    out[i] = (int8_t)bnn_s8_clamp(y, -128, 127);
  }
}

void bnn_s8_mean(const int8_t *in, int8_t *out, int pixels, int channels, int32_t input_zero_point,
                 int32_t multiplier, int32_t shift, int32_t output_zero_point) {
  /* one channel at a time down the NHWC map (the M4 has no cache: strided loads cost as much as sequential ones),
   * four pixels per step; the zero point is taken off once, as pixels * zero_point */
  const bnn_s8_rq q = bnn_s8_rq_make(multiplier, shift);
  const int32_t offset = -input_zero_point * pixels;
  const size_t step = (size_t)channels;
  for (int c = 0; c < channels; c++) {
    const int8_t *p = in + c;
    int32_t s0 = 0, s1 = 0;
    int i = 0;
    for (; i + 4 <= pixels; i += 4) {
      const int8_t *r = p + (size_t)i * step;
      s0 += (int32_t)r[0] + (int32_t)r[step];
      s1 += (int32_t)r[2 * step] + (int32_t)r[3 * step];
    }
    for (; i < pixels; i++) s0 += p[(size_t)i * step];
    const int32_t acc = s0 + s1 + offset;
    out[c] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_requant(acc, &q), output_zero_point), -128, 127);
  }
}

void bnn_s8_mean_ref(const int8_t *in, int8_t *out, int pixels, int channels, int32_t input_zero_point,
                     int32_t multiplier, int32_t shift, int32_t output_zero_point) {
  for (int c = 0; c < channels; c++) {
    int32_t sum = 0;
    for (int i = 0; i < pixels; i++) sum += in[(size_t)i * (size_t)channels + (size_t)c];
    const int32_t shifted = sum - input_zero_point * pixels;
    out[c] = (int8_t)bnn_s8_clamp(bnn_s8_wrap_add(bnn_s8_mbqm(shifted, multiplier, (int)shift), output_zero_point),
                                  -128, 127);
  }
}
