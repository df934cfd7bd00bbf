/*
 * Checks every BNN_POPCOUNT variant of bnn_xor_popcount against a bit-by-bit count, for row lengths that
 * cover the SWAR pairs, the Harley-Seal blocks, the 31-block flush and every tail. Prints PASS/FAIL.
 * Built by the exporters' tests for the host and for the emulated Cortex-M4.
 */
#include <stdint.h>
#include <stdio.h>

#include "bnn_runtime.h"

static uint32_t state = 0x9E3779B9u;
static uint32_t next(void) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static int32_t naive(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
  for (int i = 0; i < n; i++)
    for (int bit = 0; bit < 32; bit++) acc += (int32_t)(((a[i] ^ b[i]) >> bit) & 1u);
  return acc;
}

static uint32_t a[300], b[300];

int main(void) {
  int failures = 0;
  for (int n = 0; n <= 300; n++) {
    for (int trial = 0; trial < 3; trial++) {
      for (int i = 0; i < n; i++) {
        a[i] = next();
        /* trial 1: all bits disagree (maximal byte counts); trial 2: random */
        b[i] = trial == 1 ? ~a[i] : next();
      }
      const int32_t want = naive(a, b, n), got = bnn_xor_popcount(a, b, n);
      if (got != want) {
        if (failures < 5) printf("n=%d trial=%d: got %ld want %ld\n", n, trial, (long)got, (long)want);
        failures++;
      }
    }
  }
  for (int i = 0; i < 1000; i++) {
    const uint32_t x = next();
    if (bnn_popcount32(x) != naive(&x, &(uint32_t){0}, 1)) failures++;
  }
  printf(failures ? "FAIL\n" : "PASS\n");
  return failures != 0;
}
