/*
 * Popcount for Cortex-M4, which has no popcount instruction. BNN_POPCOUNT selects the implementation
 * (the benchmark measures each in the emulator and the default is the winner):
 *   1  SWAR: 2-bit, 4-bit, 8-bit partial sums, then a multiply by 0x01010101 gathers the bytes.
 *   2  SWAR + USADA8 (default on Armv7E-M): same partial sums; USADA8(x, 0, acc) adds the four byte counts
 *      straight into the accumulator, replacing the multiply and shift.
 *   3  Harley-Seal: carry-save adders fold 4 words into ones/twos/fours bit planes; one SWAR popcount per
 *      4 words plus three at the end.
 *   4  Compiler builtin (__builtin_popcount: a libgcc call on Cortex-M4), the naive baseline.
 */
#ifndef BNN_POPCOUNT_H
#define BNN_POPCOUNT_H
#include <stdint.h>

#ifndef BNN_POPCOUNT
#define BNN_POPCOUNT 2
#endif

#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32
#include <arm_acle.h>
#define BNN_HAVE_USADA8 1
#else
#define BNN_HAVE_USADA8 0
#endif

/* Byte-wise counts: each byte of the result holds the popcount of that byte of x (0..8). */
static inline uint32_t bnn_byte_counts(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);                 /* 2-bit fields: count of their 2 bits */
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u); /* 4-bit fields */
  return (x + (x >> 4)) & 0x0F0F0F0Fu;              /* 8-bit fields */
}

/* acc + sum of the four bytes of x. */
static inline int32_t bnn_add_bytes(int32_t acc, uint32_t x) {
#if BNN_HAVE_USADA8
  return (int32_t)__usada8(x, 0u, (uint32_t)acc);
#else
  return acc + (int32_t)((x * 0x01010101u) >> 24);
#endif
}

static inline int32_t bnn_popcount32_inline(uint32_t x) {
#if BNN_POPCOUNT == 4
  return (int32_t)__builtin_popcount(x);
#elif BNN_POPCOUNT == 1
  return (int32_t)((bnn_byte_counts(x) * 0x01010101u) >> 24);
#else
  return bnn_add_bytes(0, bnn_byte_counts(x));
#endif
}

/* Carry-save adder: (h, l) with h*2 + l = a + b + c bit-wise. */
#define BNN_CSA(h, l, a, b, c)                                                                                \
  do {                                                                                                        \
    uint32_t u_ = (a) ^ (b);                                                                                  \
    (h) = ((a) & (b)) | (u_ & (c));                                                                           \
    (l) = u_ ^ (c);                                                                                           \
  } while (0)

static inline int32_t bnn_xor_popcount_inline(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
#if BNN_POPCOUNT == 3
  uint32_t ones = 0, twos = 0;
  int32_t fours = 0;
  for (; n >= 4; n -= 4, a += 4, b += 4) {
    uint32_t twos_a, twos_b, fours_w;
    BNN_CSA(twos_a, ones, ones, a[0] ^ b[0], a[1] ^ b[1]);
    BNN_CSA(twos_b, ones, ones, a[2] ^ b[2], a[3] ^ b[3]);
    BNN_CSA(fours_w, twos, twos, twos_a, twos_b);
    fours = bnn_add_bytes(fours, bnn_byte_counts(fours_w));
  }
  acc = 4 * fours;
  acc = bnn_add_bytes(acc, bnn_byte_counts(twos) + bnn_byte_counts(twos)); /* bytes <= 16: no overflow */
  acc = bnn_add_bytes(acc, bnn_byte_counts(ones));
  for (; n > 0; n--) acc = bnn_add_bytes(acc, bnn_byte_counts(*a++ ^ *b++));
#elif BNN_POPCOUNT == 2
  /* Two words per step: their 4-bit partial sums add without overflow (<= 8 per nibble). */
  for (; n >= 2; n -= 2, a += 2, b += 2) {
    uint32_t x = a[0] ^ b[0], y = a[1] ^ b[1];
    x = x - ((x >> 1) & 0x55555555u);
    y = y - ((y >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    y = (y & 0x33333333u) + ((y >> 2) & 0x33333333u);
    x += y;
    x = (x & 0x0F0F0F0Fu) + ((x >> 4) & 0x0F0F0F0Fu);
    acc = bnn_add_bytes(acc, x);
  }
  if (n) acc = bnn_add_bytes(acc, bnn_byte_counts(a[0] ^ b[0]));
#else
  for (int i = 0; i < n; i++) acc += bnn_popcount32_inline(a[i] ^ b[i]);
#endif
  return acc;
}
#endif /* BNN_POPCOUNT_H */
