/*
 * The helpers the runtime's seeded C check programs (binary_check.c, float_check.c, int8_check.c) share: the
 * xorshift32 generator whose state each check seeds itself (rng_state = seed), a uniform int in [lo, hi], a
 * malloc that reports FAIL and exits when memory runs out, and the TensorFlow window geometry. Included with a
 * relative #include, so the checks build with only -I runtime/src; not shipped in bundles.
 */
#ifndef BNN_CHECK_COMMON_H
#define BNN_CHECK_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t rng_state;

static inline uint32_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

static inline int rint_in(int lo, int hi) { return lo + (int)(rnd() % (uint32_t)(hi - lo + 1)); }

/* malloc of exactly n bytes (1 for n = 0) so ASan sees any overrun; FAIL and exit when out of memory. */
static inline void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    printf("FAIL: out of memory (%lu bytes)\n", (unsigned long)n);
    exit(1);
  }
  return p;
}

/* TensorFlow window geometry: 'same' (out = ceil(in / s), pad_total split with the extra at the end) or 'valid'. */
static inline void geometry(int in, int k, int s, int d, int same, int *out, int *pad) {
  const int ek = (k - 1) * d + 1;
  if (same) {
    *out = (in + s - 1) / s;
    int total = (*out - 1) * s + ek - in;
    if (total < 0) total = 0;
    *pad = total / 2;
  } else {
    *out = in >= ek ? (in - ek) / s + 1 : 0;
    *pad = 0;
  }
}

#endif
