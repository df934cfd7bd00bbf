/*
 * Cortex-M4 benchmark of the int8 kernels other than the square 3x3 convs of bench_conv.c (run under
 * qemu-system-arm with the instruction-count plugin): the fast kernel and its TFLite-reference twin on the
 * same data, each between two bench_mark() calls (mark order per case: fast start, end, ref start, end),
 * outputs compared. Cases: a strided RGB stem conv (in_c 3), 1x1 convs, depthwise 3x3 (stride 1 and 2),
 * fully connected. Prints one "case" line per case and PASS/FAIL.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bnn_int8.h"

__attribute__((noinline)) void bench_mark(int id);
__attribute__((noinline)) void bench_mark(int id) { __asm volatile("" : : "r"(id) : "memory"); }

enum { CONV = 0, DEPTHWISE = 1, FC = 2 };
typedef struct {
  int kind, h, w, cin, cout, k, stride;
} int8_case;

/* kind, in h, in w, in c, out c (FC: out features; depthwise: = in c), k, stride ('same' padding) */
static const int8_case cases[] = {
    {CONV, 96, 96, 1, 16, 3, 2},     {CONV, 28, 28, 1, 32, 3, 1},    {CONV, 96, 96, 3, 16, 3, 2},
    {CONV, 24, 24, 16, 32, 1, 1},   {CONV, 12, 12, 64, 64, 1, 1},
    {CONV, 32, 32, 32, 32, 3, 1},    {DEPTHWISE, 24, 24, 32, 32, 3, 1}, {DEPTHWISE, 12, 12, 64, 64, 3, 1},
    {DEPTHWISE, 24, 24, 64, 64, 3, 2}, {FC, 1, 1, 256, 10, 1, 1},      {FC, 1, 1, 1024, 100, 1, 1},
};
#define NUM_CASES ((int)(sizeof cases / sizeof cases[0]))

#define MAX_IN (96 * 96 * 3 > 24 * 24 * 64 ? 96 * 96 * 3 : 24 * 24 * 64)
#define MAX_OUT (48 * 48 * 16 > 28 * 28 * 32 ? 48 * 48 * 16 : 28 * 28 * 32)
#define MAX_FILTER (1024 * 100)
#define MAX_C 128

static int8_t in8[MAX_IN], filt8[MAX_FILTER], out_fast[MAX_OUT], out_ref[MAX_OUT];
static int32_t bias32[MAX_C], mult32[MAX_C], shift32[MAX_C];
static int32_t scratch[2048];

static uint32_t rng = 2463534242u;
static uint32_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

static bnn_s8_window same_window(const int8_case *c) {
  bnn_s8_window w;
  memset(&w, 0, sizeof w);
  w.in_h = c->h, w.in_w = c->w, w.k_h = w.k_w = c->k, w.stride_h = w.stride_w = c->stride, w.dil_h = w.dil_w = 1;
  w.out_h = (c->h + c->stride - 1) / c->stride, w.out_w = (c->w + c->stride - 1) / c->stride;
  const int ph = (w.out_h - 1) * c->stride + c->k - c->h, pw = (w.out_w - 1) * c->stride + c->k - c->w;
  w.pad_top = ph > 0 ? ph / 2 : 0, w.pad_bottom = ph > 0 ? ph - ph / 2 : 0;
  w.pad_left = pw > 0 ? pw / 2 : 0, w.pad_right = pw > 0 ? pw - pw / 2 : 0;
  return w;
}

int main(void) {
  int failures = 0;
  for (int ci = 0; ci < NUM_CASES; ci++) {
    const int8_case *c = &cases[ci];
    for (int i = 0; i < MAX_IN; i++) in8[i] = (int8_t)(next_rand() >> 24);
    for (int i = 0; i < MAX_FILTER; i++) filt8[i] = (int8_t)(next_rand() >> 24);
    for (int i = 0; i < MAX_C; i++) {
      bias32[i] = (int32_t)(next_rand() % 2001u) - 1000;
      mult32[i] = 1073741824 + (int32_t)(next_rand() % 1000000u);
      shift32[i] = -9;
    }
    size_t nout = 0;
    long macs = 0;
    const bnn_s8_window w = same_window(c);
    if (c->kind == CONV) {
      bnn_s8_conv2d_params p = {w, c->cin, c->cout, filt8, bias32, mult32, shift32, 3, -5, -128, 127};
      nout = (size_t)w.out_h * (size_t)w.out_w * (size_t)c->cout;
      macs = (long)nout * c->k * c->k * c->cin;
      bench_mark(4 * ci + 0);
      bnn_s8_conv2d(&p, in8, out_fast, scratch);
      bench_mark(4 * ci + 1);
      bench_mark(4 * ci + 2);
      bnn_s8_conv2d_ref(&p, in8, out_ref);
      bench_mark(4 * ci + 3);
    } else if (c->kind == DEPTHWISE) {
      bnn_s8_depthwise_params p = {w, c->cin, 1, filt8, bias32, mult32, shift32, 3, -5, -128, 127};
      nout = (size_t)w.out_h * (size_t)w.out_w * (size_t)c->cin;
      macs = (long)nout * c->k * c->k;
      bench_mark(4 * ci + 0);
      bnn_s8_depthwise(&p, in8, out_fast, scratch);
      bench_mark(4 * ci + 1);
      bench_mark(4 * ci + 2);
      bnn_s8_depthwise_ref(&p, in8, out_ref);
      bench_mark(4 * ci + 3);
    } else {
      bnn_s8_fc_params p = {c->cin, c->cout, filt8, bias32, mult32, shift32, 1, 3, -5, -128, 127};
      nout = (size_t)c->cout;
      macs = (long)c->cin * c->cout;
      bench_mark(4 * ci + 0);
      bnn_s8_fully_connected(&p, in8, out_fast, 1, scratch);
      bench_mark(4 * ci + 1);
      bench_mark(4 * ci + 2);
      bnn_s8_fully_connected_ref(&p, in8, out_ref, 1);
      bench_mark(4 * ci + 3);
    }
    const int bad = memcmp(out_fast, out_ref, nout) != 0;
    failures += bad;
    printf("case %d: kind %d %dx%dx%d -> %d, k %d, stride %d, %ld MACs: %s\n", ci, c->kind, c->h, c->w, c->cin, c->cout,
           c->k, c->stride, macs, bad ? "MISMATCH" : "ok");
  }
  printf(failures ? "FAIL\n" : "PASS\n");
  return failures;
}
