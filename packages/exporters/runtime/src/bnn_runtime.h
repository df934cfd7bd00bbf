/*
 * BNN Studio portable C99 runtime: the kernels every DeployGraph op lowers to.
 *
 * - No heap, no globals: every kernel reads and writes caller-provided buffers (the generated model places
 *   them in one static arena with a liveness-based allocator).
 * - Bit-packed tensors follow Larq Compute Engine: channels packed LSB-first into 32-bit words, bit 1 = -1,
 *   bit 0 = +1, unused tail bits 0. A packed [H, W, C] tensor holds H*W*ceil(C/32) words.
 * - Float32 numeric contract (docs/deploy-graph.md): float ops are IEEE float32 operations only (no double,
 *   no fused multiply-add) in the exact order of the TypeScript reference in @bnn-studio/kernels, so results
 *   are bit-exact with the studio when compiled without -ffast-math and with -ffp-contract=off, and the
 *   Cortex-M4F's single-precision FPU runs all of them.
 */
#ifndef BNN_RUNTIME_H
#define BNN_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BNN_RUNTIME_VERSION "0.1.0"

/* Number of 32-bit words that hold `channels` packed bits. */
#define BNN_PACKED_WORDS(channels) (((channels) + 31) / 32)

typedef enum { BNN_ACT_NONE = 0, BNN_ACT_RELU = 1 } bnn_activation;
/* Padding of binary convolutions: no out-of-bounds taps, +1 padding (bit 0), or zero-padding (tap skipped). */
typedef enum { BNN_PAD_VALID = 0, BNN_PAD_ONE = 1, BNN_PAD_ZERO = 2 } bnn_bpad;

/* Window geometry shared by convolutions and pools. `pad_*` are the TensorFlow 'same' offsets (0 for valid). */
typedef struct {
  int in_h, in_w, out_h, out_w;
  int k_h, k_w, stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_left;
} bnn_window;

/* Output transform of a binary layer (see deploy-types.ts). */
typedef struct {
  int bitpacked;            /* 1: bit c = (accum[c] > thresholds[c]); 0: float */
  const int32_t *thresholds; /* bitpacked */
  int clamp;                /* float: 1 = dot = min(max(dot, clamp_min), clamp_max) first (LCE's fused activation) */
  int32_t clamp_min;        /* float: the int32 range of the fused activation (TFLite's CalculateActivationRange): */
  int32_t clamp_max;        /*   RELU [0, INT32_MAX], RELU_N1_TO_1 [-1, 1], RELU6 [0, 6]; unused with clamp = 0 */
  const float *multiplier;  /* float: y = multiplier[c] * dot + bias[c] */
  const float *bias;
  int activation;           /* float: bnn_activation applied last */
} bnn_output_transform;

typedef struct {
  bnn_window win;
  int in_c, out_c;
  bnn_bpad pad;
  const uint32_t *filter; /* OHWI packed: [out_c][k_h][k_w][words(in_c)] */
  bnn_output_transform ot;
  /*
   * 1: each filter row (k_h*k_w*words(in_c) words) is in the pair layout of bnn_pair_rows (bit-packed output
   * only; the exporter pairs rows of BNN_PAIRS_MIN_WORDS..BNN_PAIRS_MAX_WORDS words, where the Thumb-2 kernel
   * saves one instruction per pair; builds with BNN_POPCOUNT other than 6 read paired rows through a plain C
   * loop). 0: plain rows.
   */
  int filter_pairs;
} bnn_bconv2d_params;

/*
 * The pair layout of `count` rows of n words, in place: with s = n & 1, word s + 2j + 1 becomes
 * w[s + 2j] ^ w[s + 2j + 1] (the first word of an odd-length row stays as it is). The exporter writes paired
 * filters; bnn_bconv2d pairs each gathered patch the same way.
 */
void bnn_pair_rows(uint32_t *rows, int count, int n);
#define BNN_PAIRS_MIN_WORDS 8
#define BNN_PAIRS_MAX_WORDS 255

typedef struct {
  bnn_window win;
  int channels;
  bnn_bpad pad;
  const uint32_t *filter; /* [k_h][k_w][words(channels)] */
  bnn_output_transform ot; /* float only */
} bnn_bdepthwise_params;

typedef struct {
  int in_c, out_c;
  const uint32_t *filter; /* [out_c][words(in_c)] */
  bnn_output_transform ot;
} bnn_bdense_params;

typedef struct {
  bnn_window win;
  int in_c, out_c;
  const float *filter; /* HWIO */
  const float *bias;   /* may be NULL */
  int activation;
} bnn_conv2d_params;

typedef struct {
  bnn_window win;
  int channels, multiplier;
  const float *filter; /* [k_h][k_w][channels][multiplier] */
  const float *bias;
  int activation;
} bnn_depthwise_params;

typedef struct {
  int in_c, out_c;
  const float *weights; /* [in_c][out_c] */
  const float *bias;
  int activation;
} bnn_dense_params;

/* Popcount of one word, with the implementation selected by BNN_POPCOUNT (see bnn_popcount.h). */
int32_t bnn_popcount32(uint32_t x);
/* sum_i popcount(a[i] ^ b[i]) over n words: the binary-layer hot loop. */
int32_t bnn_xor_popcount(const uint32_t *a, const uint32_t *b, int n);

void bnn_quantize(const float *in, uint32_t *out, int pixels, int channels);
void bnn_dequantize(const uint32_t *in, float *out, int pixels, int channels);
/* `scratch` holds one packed patch: k_h*k_w*words(in_c) words. */
void bnn_bconv2d(const bnn_bconv2d_params *p, const uint32_t *in, void *out, uint32_t *scratch);
void bnn_bdepthwise(const bnn_bdepthwise_params *p, const uint32_t *in, float *out);
void bnn_bdense(const bnn_bdense_params *p, const uint32_t *in, void *out);
void bnn_bmaxpool(const bnn_window *w, int channels, const uint32_t *in, uint32_t *out);

void bnn_conv2d(const bnn_conv2d_params *p, const float *in, float *out);
void bnn_depthwise(const bnn_depthwise_params *p, const float *in, float *out);
void bnn_dense(const bnn_dense_params *p, const float *in, float *out);
void bnn_scale_shift(const float *in, float *out, int pixels, int channels, const float *scale,
                     const float *shift);
void bnn_maxpool(const bnn_window *w, int channels, const float *in, float *out);
void bnn_avgpool(const bnn_window *w, int channels, const float *in, float *out);
void bnn_global_avgpool(const float *in, float *out, int pixels, int channels);
void bnn_add(const float *a, const float *b, float *out, int n);
/* out = sum of `count` inputs, left to right from +0, each add rounded to float. */
void bnn_add_n(const float *const *inputs, int count, float *out, int n);
/* e^x in float32: FreeBSD/musl's e_expf algorithm step by step, so host, device and the studio agree. */
float bnn_expf(float x);
/* Copies `channels` floats per pixel of `in` into `out` (row stride `out_stride`) at channel `offset`. */
void bnn_concat_part(const float *in, float *out, int pixels, int channels, int out_stride, int offset);
void bnn_copy(const float *in, float *out, int n);
void bnn_relu(const float *in, float *out, int n);
void bnn_prelu(const float *in, float *out, int pixels, int channels, const float *alpha);
void bnn_hard_tanh(const float *in, float *out, int n);
void bnn_leaky_tanh(const float *in, float *out, int n, float alpha);
/* RELU6: x > 0 ? min(x, 6) : +0. */
void bnn_relu6(const float *in, float *out, int n);
/* HARD_SWISH (TFLite reference order): y = f32(f32(x * min(6, max(0, f32(x + 3)))) / 6). */
void bnn_hard_swish(const float *in, float *out, int n);
void bnn_softmax(const float *in, float *out, int rows, int n);

#ifdef __cplusplus
}
#endif
#endif /* BNN_RUNTIME_H */
