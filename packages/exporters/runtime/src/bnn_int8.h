/*
 * BNN Studio int8 kernels: TensorFlow Lite's quantized int8 semantics, bit-exact with TFLite's reference
 * integer kernels (tensorflow/lite/kernels/internal/reference/integer_ops/ headers, the default "double rounding"
 * MultiplyByQuantizedMultiplier, i.e. built without TFLITE_SINGLE_ROUNDING).
 *
 * Conventions (all kernels):
 * - Activations: int8, NHWC (a [H, W, C] tensor, channel fastest), one scale and zero point per tensor.
 *   Kernels take input_offset = -zp_in (in [-127, 128]) and output_offset = zp_out (in [-128, 127]).
 * - Weights: int8, symmetric (zero point 0), one scale per output channel (or one per tensor: pass the same
 *   multiplier/shift for every channel, or use the fully-connected per_channel = 0 mode).
 *   Layouts: conv OHWI [out_c][k_h][k_w][in_c]; depthwise 1HWC [k_h][k_w][in_c * depth_multiplier]
 *   (output channel oc = ic * depth_multiplier + m); fully connected OI [out_c][in_c].
 * - Bias: int32, scale = input_scale * weight_scale[c], zero point 0; NULL means no bias.
 * - Requantization per output channel c: acc (int32, the sum of w * (x + input_offset) plus bias) ->
 *   bnn_s8_mbqm(acc, multiplier[c], shift[c]) + output_offset, clamped to [act_min, act_max]
 *   (-128 <= act_min <= act_max <= 127; a fused ReLU is act_min = max(-128, zp_out)).
 *   multiplier[c] and shift[c] come from TFLite's QuantizeMultiplier(input_scale * weight_scale[c] /
 *   output_scale) (computed by the exporter, in double, at export time): multiplier in [2^30, 2^31 - 1]
 *   (or 0 for a zero scale), shift > 0 a left shift, shift <= 0 a right shift. Any int32 multiplier and any
 *   shift in [-31, 30] is accepted and computed exactly as below.
 * - Integer overflow: the accumulator, the left shift of MultiplyByQuantizedMultiplier and the final
 *   + output_offset wrap modulo 2^32
 *   (what TFLite's compiled code does on every target; it is UB in TFLite's C++ source, defined here).
 * - Window geometry (bnn_s8_window): output pixel (oy, ox), tap (ky, kx) reads input
 *   (oy * stride_h - pad_top + ky * dil_h, ox * stride_w - pad_left + kx * dil_w). Taps outside the input
 *   are skipped, which for conv/depthwise/FC equals padding with the input zero point (x + input_offset = 0).
 *   out_h must equal (in_h + pad_top + pad_bottom - dil_h * (k_h - 1) - 1) / stride_h + 1 (same for w);
 *   TensorFlow 'same' is pad_top = max(0, (out_h - 1) * stride_h + dil_h * (k_h - 1) + 1 - in_h) / 2,
 *   pad_bottom = the rest; 'valid' is all pads 0. bnn_s8_window_check() verifies this.
 * - No heap, no globals. Scratch buffers come from the caller, 4-byte aligned (int32_t *), sizes below.
 *   Stack: the fast conv2d and depthwise keep up to 32 per-channel requantization records (640 bytes) on the
 *   stack, the conv's im2col a 128-byte patch: at most 1.2 KiB in all (gcc -O2 -fstack-usage, Cortex-M4:
 *   conv2d 904 + im2col 240 bytes, depthwise 1000 + 72); the other kernels stay under 130 bytes.
 *   Activation and weight pointers need no alignment. Input and output tensors must not overlap, except for the
 *   elementwise bnn_s8_add and bnn_s8_requantize, whose out may equal an input.
 *
 * Each kernel has a plain C99 reference (`*_ref`, straight from TFLite's loops) and a fast version (the
 * name without suffix). The fast versions use Cortex-M4 DSP instructions (SXTB16, SMLAD, ...) when
 * __ARM_FEATURE_DSP is defined and portable C equivalents otherwise; both give results identical to the
 * reference for every input (tested on host with ASan/UBSan and in QEMU).
 */
#ifndef BNN_INT8_H
#define BNN_INT8_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------------
 * Fixed-point scalar helpers (exactly gemmlowp / TFLite)
 * ------------------------------------------------------------------------------------------------------- */

/* SaturatingRoundingDoublingHighMul, gemmlowp's definition:
 *   ab = (int64)a * b; nudge = ab >= 0 ? 2^30 : 1 - 2^30; result = (int32)((ab + nudge) / 2^31) with C
 *   division (truncation toward zero); a == b == INT32_MIN saturates to INT32_MAX.
 * Computed as floor((ab + 2^30) / 2^31), which is the same value for every operand pair (for ab < 0 the
 * truncated quotient is the ceiling, floor((ab + 1 - 2^30 + 2^31 - 1) / 2^31)) and needs no 64-bit division;
 * tools/int8_check.c compares it with the literal definition. Ties round toward +infinity (-0.5 -> 0). */
static inline int32_t bnn_s8_srdhm(int32_t a, int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const int64_t t = (int64_t)a * (int64_t)b + ((int64_t)1 << 30);
  /* floor division by 2^31 written without shifting a negative value */
  return (int32_t)(t >= 0 ? t / ((int64_t)1 << 31) : -((-t + (((int64_t)1 << 31) - 1)) / ((int64_t)1 << 31)));
}

/* RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero; exponent in [0, 31].
 *   mask = 2^exponent - 1; remainder = x & mask; threshold = (mask >> 1) + (x < 0);
 *   result = (x >> exponent) + (remainder > threshold)   (>> arithmetic). */
static inline int32_t bnn_s8_rdbpot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((uint32_t)1 << exponent) - 1u);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  /* arithmetic shift written portably: floor(x / 2^exponent) */
  const int32_t shifted = x >= 0 ? (x >> exponent) : (int32_t)~(~(uint32_t)x >> exponent);
  return shifted + (remainder > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier(x, multiplier, shift), shift in [-31, 30]:
 *   left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
 *   bnn_s8_rdbpot(bnn_s8_srdhm(x * 2^left (wrapping), multiplier), right). */
static inline int32_t bnn_s8_mbqm(int32_t x, int32_t multiplier, int shift) {
  const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
  return bnn_s8_rdbpot(bnn_s8_srdhm((int32_t)((uint32_t)x << left), multiplier), right);
}

/* ---------------------------------------------------------------------------------------------------------
 * Parameters
 * ------------------------------------------------------------------------------------------------------- */

typedef struct {
  int in_h, in_w, out_h, out_w;
  int k_h, k_w, stride_h, stride_w, dil_h, dil_w; /* strides and dilations >= 1 (pools: dil 1) */
  int pad_top, pad_left, pad_bottom, pad_right;   /* >= 0 */
} bnn_s8_window;

/* 1 when the window is consistent (positive sizes, strides, dilations; non-negative pads; out_h/out_w from
 * the formula above; every output pixel has at least one in-bounds tap), else 0. */
int bnn_s8_window_check(const bnn_s8_window *w);

/* Conv2D (TFLite CONV_2D, int8 per-channel = reference_integer_ops::ConvPerChannel). */
typedef struct {
  bnn_s8_window win;
  int in_c, out_c;
  const int8_t *filter;      /* OHWI [out_c][k_h][k_w][in_c] */
  const int32_t *bias;       /* [out_c] or NULL */
  const int32_t *multiplier; /* [out_c] */
  const int32_t *shift;      /* [out_c] */
  int32_t input_offset, output_offset, act_min, act_max;
} bnn_s8_conv2d_params;

/* DepthwiseConv2D (TFLite DEPTHWISE_CONV_2D int8 per-channel = reference_integer_ops::DepthwiseConvPerChannel). */
typedef struct {
  bnn_s8_window win;
  int in_c, depth_multiplier; /* out_c = in_c * depth_multiplier */
  const int8_t *filter;       /* 1HWC [k_h][k_w][out_c] */
  const int32_t *bias;        /* [out_c] or NULL */
  const int32_t *multiplier;  /* [out_c] */
  const int32_t *shift;       /* [out_c] */
  int32_t input_offset, output_offset, act_min, act_max;
} bnn_s8_depthwise_params;

/* FullyConnected (TFLite FULLY_CONNECTED int8: reference_integer_ops::FullyConnectedPerChannel when
 * per_channel = 1, reference_integer_ops::FullyConnected (filter_offset 0) when per_channel = 0, which uses
 * multiplier[0] / shift[0] for every output). */
typedef struct {
  int in_c, out_c;
  const int8_t *filter;      /* OI [out_c][in_c] */
  const int32_t *bias;       /* [out_c] or NULL */
  const int32_t *multiplier; /* [out_c] (per_channel) or [1] */
  const int32_t *shift;      /* [out_c] (per_channel) or [1] */
  int per_channel;
  int32_t input_offset, output_offset, act_min, act_max;
} bnn_s8_fc_params;

/* AVERAGE_POOL_2D / MAX_POOL_2D int8 (input and output share scale and zero point, as TFLite requires). */
typedef struct {
  bnn_s8_window win; /* dil_h = dil_w = 1 */
  int channels;
  int32_t act_min, act_max;
} bnn_s8_pool_params;

/* ADD int8 (TFLite reference_integer_ops::AddElementwise with left_shift = 20, BNN_S8_ADD_LEFT_SHIFT).
 * From TFLite's Prepare: twice_max = 2 * max(s1, s2); real_i = s_i / twice_max; real_out = twice_max /
 * (2^20 * s_out); each turned into (multiplier, shift) by QuantizeMultiplier. TFLite computes the three
 * products with MultiplyByQuantizedMultiplierSmallerThanOneExp, which equals bnn_s8_mbqm for shift <= 0 (the
 * only shifts TFLite's Prepare produces for real scales); a positive shift is computed as bnn_s8_mbqm does. */
#define BNN_S8_ADD_LEFT_SHIFT 20
typedef struct {
  int32_t input1_offset, input2_offset; /* -zp1, -zp2 */
  int32_t input1_multiplier, input1_shift;
  int32_t input2_multiplier, input2_shift;
  int32_t output_multiplier, output_shift;
  int32_t output_offset; /* zp_out */
  int32_t act_min, act_max;
} bnn_s8_add_params;

/* MUL int8 (TFLite reference_integer_ops::Mul): output_multiplier / output_shift = QuantizeMultiplier(s1 * s2 /
 * s_out) (computed by the exporter, in double). */
typedef struct {
  int32_t input1_offset, input2_offset; /* -zp1, -zp2 */
  int32_t output_multiplier, output_shift;
  int32_t output_offset; /* zp_out */
  int32_t act_min, act_max;
} bnn_s8_mul_params;

/* SOFTMAX int8 (TFLite reference_ops::Softmax for int8 input and output, gemmlowp fixed point; TFLite Micro's
 * and CMSIS-NN's arm_softmax_s8 compute the same). From TFLite's Prepare (computed by the exporter, in double):
 * input_multiplier / input_left_shift = QuantizeMultiplierGreaterThanOne(min(beta * s_in * 2^26, 2^31 - 1)),
 * diff_min = -floor(31 * 2^26 / 2^input_left_shift). The output quantization is fixed: scale 1/256, zero
 * point -128. Rows of at most BNN_S8_SOFTMAX_MAX_DEPTH values (the reciprocal's right shift stays <= 31). */
#define BNN_S8_SOFTMAX_MAX_DEPTH 511
typedef struct {
  int32_t input_multiplier; /* [2^30, 2^31) */
  int32_t input_left_shift; /* [0, 31] */
  int32_t diff_min;         /* <= 0 */
} bnn_s8_softmax_params;

/* ---------------------------------------------------------------------------------------------------------
 * Scratch sizes in bytes (the caller passes an int32_t-aligned buffer of at least this size; 0 = may be NULL)
 * ------------------------------------------------------------------------------------------------------- */

/* conv2d: two im2col columns of int16 (k_h * k_w * in_c each). */
#define BNN_S8_CONV2D_SCRATCH_BYTES(k_h, k_w, in_c) (4 * (k_h) * (k_w) * (in_c))
/* depthwise: one int32 per output channel. */
#define BNN_S8_DEPTHWISE_SCRATCH_BYTES(k_h, k_w, out_c) (4 * (out_c))
/* fully connected: the input row as int16. */
#define BNN_S8_FC_SCRATCH_BYTES(in_c) (2 * (in_c) + 4)

/* softmax: one int32 per value of a row. */
#define BNN_S8_SOFTMAX_SCRATCH_BYTES(depth) (4 * (depth))

/* ---------------------------------------------------------------------------------------------------------
 * Kernels. in/out are int8 NHWC; fast version first, then the plain reference with identical results.
 * ------------------------------------------------------------------------------------------------------- */

/* out[oy][ox][oc] = clamp(mbqm(bias[oc] + sum_{ky,kx in bounds, ic} filter[oc][ky][kx][ic] *
 *                   (in[iy][ix][ic] + input_offset), multiplier[oc], shift[oc]) + output_offset). */
void bnn_s8_conv2d(const bnn_s8_conv2d_params *p, const int8_t *in, int8_t *out, int32_t *scratch);
void bnn_s8_conv2d_ref(const bnn_s8_conv2d_params *p, const int8_t *in, int8_t *out);

/* out[oy][ox][ic * dm + m] = clamp(mbqm(bias[oc] + sum_{ky,kx in bounds} filter[ky][kx][oc] *
 *                            (in[iy][ix][ic] + input_offset), ...) + output_offset),  oc = ic * dm + m. */
void bnn_s8_depthwise(const bnn_s8_depthwise_params *p, const int8_t *in, int8_t *out, int32_t *scratch);
void bnn_s8_depthwise_ref(const bnn_s8_depthwise_params *p, const int8_t *in, int8_t *out);

/* For each of `rows` input rows: out[r][o] = clamp(mbqm(bias[o] + sum_i filter[o][i] * (in[r][i] +
 * input_offset), multiplier[o or 0], shift[o or 0]) + output_offset). */
void bnn_s8_fully_connected(const bnn_s8_fc_params *p, const int8_t *in, int8_t *out, int rows, int32_t *scratch);
void bnn_s8_fully_connected_ref(const bnn_s8_fc_params *p, const int8_t *in, int8_t *out, int rows);

/* Average: over the in-bounds taps (count n >= 1), s = sum x; avg = s > 0 ? (s + n / 2) / n : (s - n / 2) / n
 * (C division, truncating), clamped to [act_min, act_max]. */
void bnn_s8_avg_pool(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out);
void bnn_s8_avg_pool_ref(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out);
/* Max: the maximum over the in-bounds taps (starting from -128), clamped to [act_min, act_max]. */
void bnn_s8_max_pool(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out);
void bnn_s8_max_pool_ref(const bnn_s8_pool_params *p, const int8_t *in, int8_t *out);

/* out[i] = clamp(mbqm(mbqm((a[i] + input1_offset) << 20, m1, s1) + mbqm((b[i] + input2_offset) << 20, m2,
 *          s2), output_multiplier, output_shift) + output_offset). */
void bnn_s8_add(const bnn_s8_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n);
void bnn_s8_add_ref(const bnn_s8_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n);

/* out[i] = clamp(mbqm((a[i] + input1_offset) * (b[i] + input2_offset), output_multiplier, output_shift) +
 *          output_offset). out may equal a. A constant operand broadcast along channels is applied per pixel by
 * the caller (b = the constant's C values). */
void bnn_s8_mul(const bnn_s8_mul_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n);
void bnn_s8_mul_ref(const bnn_s8_mul_params *p, const int8_t *a, const int8_t *b, int8_t *out, int n);

/* Softmax over the last axis of `rows` rows of `depth` (1..BNN_S8_SOFTMAX_MAX_DEPTH) values, per row:
 *   max = max(-128, row); for diff = x - max >= diff_min: e = exp_on_negative_values(Q5.26
 *   srdhm(diff << input_left_shift, input_multiplier)) (Q0.31); sum = sum of rdbpot(e, 12) (Q12.19);
 *   recip = one_over_one_plus_x_for_x_in_0_1((sum << clz(sum)) - 2^31), bits = 12 - clz(sum);
 *   out = clamp(rdbpot(srdhm(recip, e), bits + 23) - 128, -128, 127); diff < diff_min gives -128.
 * The fast version keeps each row's exps in scratch (BNN_S8_SOFTMAX_SCRATCH_BYTES) instead of computing them
 * twice as the reference does. */
void bnn_s8_softmax(const bnn_s8_softmax_params *p, const int8_t *in, int8_t *out, int rows, int depth,
                    int32_t *scratch);
void bnn_s8_softmax_ref(const bnn_s8_softmax_params *p, const int8_t *in, int8_t *out, int rows, int depth);

/* float32 -> int8, TFLite reference AffineQuantize: q = clamp(round(x / scale) + zero_point, -128, 127)
 * with x / scale a float32 division and round() half away from zero (std::round, NOT JavaScript's
 * Math.round, which rounds -2.5 to -2). +-inf and out-of-range values clamp; NaN gives zero_point. */
void bnn_s8_quantize(const float *in, int8_t *out, int n, float scale, int32_t zero_point);
/* int8 -> float32, TFLite Dequantize: y = scale * (float)(q - zero_point), one float32 multiply (TFLite does
 * it in double, then rounds to float: the same value, since the exact product fits in double). */
void bnn_s8_dequantize(const int8_t *in, float *out, int n, float scale, int32_t zero_point);
/* int8 -> int8 rescale (TFLite QUANTIZE/REQUANTIZE int8 -> int8, reference Requantize):
 * out = clamp(mbqm(in - input_zero_point, multiplier, shift) + output_zero_point, -128, 127). */
void bnn_s8_requantize(const int8_t *in, int8_t *out, int n, int32_t input_zero_point, int32_t multiplier,
                       int32_t shift, int32_t output_zero_point);
/* bnn_s8_requantize with a clamp to [act_min, act_max] (TFLite ReluX on int8: RELU, RELU6, RELU_N1_TO_1 with the
 * output's quantization; QUANTIZE int8 -> int8 is act_min = -128, act_max = 127). out may equal in. */
void bnn_s8_requantize_clamp(const int8_t *in, int8_t *out, int n, int32_t input_zero_point, int32_t multiplier,
                             int32_t shift, int32_t output_zero_point, int32_t act_min, int32_t act_max);
/* int8 mean over height and width (TFLite int8 MEAN over axes 1, 2: reference_ops::QuantizedMeanOrSum, what
 * TFLite's EvalQuantizedMean and TFLite Micro's EvalIntegerMean run): for each of `channels` channels of an NHWC map
 * of `pixels` pixels, sum = the int32 sum of the channel's values,
 *   out[c] = clamp(mbqm(sum - input_zero_point * pixels, multiplier, shift) + output_zero_point, -128, 127),
 * where multiplier / shift already hold the 1/pixels: the exporter folds it as TFLite does (bnn-core
 * int8MeanParams: (M, S) = QuantizeMultiplier(s_in / s_out), k = min(floor(log2 pixels), 32, 31 + S),
 * multiplier = floor(M * 2^k / pixels), shift = S - k). pixels <= 2^23 keeps the sum exact. */
void bnn_s8_mean(const int8_t *in, int8_t *out, int pixels, int channels, int32_t input_zero_point,
                 int32_t multiplier, int32_t shift, int32_t output_zero_point);
void bnn_s8_mean_ref(const int8_t *in, int8_t *out, int pixels, int channels, int32_t input_zero_point,
                     int32_t multiplier, int32_t shift, int32_t output_zero_point);
/* int32 accumulators -> int8 with per-channel requantization (the epilogue of conv/FC, exposed for callers
 * with their own accumulation, e.g. a binary layer writing int8): for each of `pixels` rows of `channels`,
 * out = clamp(mbqm(acc + (bias ? bias[c] : 0), multiplier[c], shift[c]) + output_offset, act_min, act_max). */
void bnn_s8_requantize_acc(const int32_t *acc, int8_t *out, int pixels, int channels, const int32_t *bias,
                           const int32_t *multiplier, const int32_t *shift, int32_t output_offset, int32_t act_min,
                           int32_t act_max);
/* int8 -> bit-packed (Larq Compute Engine's LceQuantize from int8): bit c of a pixel's words = (x < zero_point),
 * i.e. 1 for a negative real value (bit 1 = -1, as bnn_quantize); channels LSB-first, tail bits 0. */
void bnn_s8_to_bitpacked(const int8_t *in, uint32_t *out, int pixels, int channels, int32_t zero_point);

/* Hard swish, TFLite's reference int8 HardSwish (reference_ops::HardSwish with HardSwishParams from
 * HardSwishPrepare), in 16-bit fixed point; the exporter computes the parameters (bnn-core math/hard-swish.ts):
 *   v = (x - input_zero_point) * 2^7 (int16); pre = srdhm16(v, output_multiplier);
 *   r = v; if reluish_exponent > 0: r = sat_shl16(r, reluish_exponent - 1); r = srdhm16(r, reluish_multiplier);
 *   if reluish_exponent > 0: r = sat_shl16(r, 1); if reluish_exponent < 0: r = rdbpot16(r, -reluish_exponent);
 *   r = (r + 2^15) >> 1; out = clamp(rdbpot16(sdhm16(r, pre), -output_exponent) + output_zero_point, -128, 127)
 * with srdhm16 gemmlowp's rounding doubling high multiply on int16, sdhm16 TFLite's truncating one.
 * output_exponent in [-15, 0], reluish_exponent in [-15, 30], multipliers in [2^14, 2^15 - 1]. out may equal in. */
typedef struct {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t output_multiplier;  /* int16 fixed point */
  int32_t output_exponent;    /* [-15, 0] */
  int32_t reluish_multiplier; /* int16 fixed point */
  int32_t reluish_exponent;   /* [-15, 30] */
} bnn_s8_hard_swish_params;
void bnn_s8_hard_swish(const bnn_s8_hard_swish_params *p, const int8_t *in, int8_t *out, int n);

#ifdef __cplusplus
}
#endif
#endif /* BNN_INT8_H */
