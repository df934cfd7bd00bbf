/*
 * Popcount for Cortex-M4, which has no popcount instruction. BNN_POPCOUNT selects the implementation
 * (the benchmark measures each in the emulator and the default is the winner):
 *   1  SWAR: 2-bit, 4-bit, 8-bit partial sums, then a multiply by 0x01010101 gathers the bytes.
 *   2  SWAR + USADA8 (default): same partial sums; USADA8(x, 0, acc) adds the four byte counts straight
 *      into the accumulator, replacing the multiply and shift. On Thumb-2 the loop is hand-scheduled
 *      (10.5 instructions per word); elsewhere it is the equivalent C.
 *   3  Harley-Seal: carry-save adders fold 4 words into ones/twos/fours bit planes; one SWAR popcount per
 *      4 words plus three at the end.
 *   4  Compiler builtin (__builtin_popcount: a libgcc call on Cortex-M4), the naive baseline.
 *   5  Auto: Harley-Seal (C) for rows of >= BNN_HS_MIN_WORDS words, SWAR + USADA8 below.
 * Measured on the emulated Cortex-M4 (npm run bench): 2 wins on every conv shape benchmarked; the C
 * Harley-Seal beats the C SWAR loop on long rows but not the hand-scheduled one.
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

/* acc + sum of the four bytes of x (each 0..255). */
static inline int32_t bnn_add_bytes(int32_t acc, uint32_t x) {
#if BNN_HAVE_USADA8
  return (int32_t)__usada8(x, 0u, (uint32_t)acc);
#else
  x = (x & 0x00FF00FFu) + ((x >> 8) & 0x00FF00FFu); /* bytes may hold up to 255: sum in 16-bit lanes */
  return acc + (int32_t)((x + (x >> 16)) & 0xFFFFu);
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


/*
 * A register the compiler cannot see through: keeps SWAR masks in registers so Thumb-2 can fold the shift
 * into the AND (`and t, m1, x, lsr #1`: one instruction instead of a shift plus an immediate AND).
 */
#if defined(__GNUC__)
#define BNN_OPAQUE(v) bnn_opaque_u32(v)
static inline uint32_t bnn_opaque_u32(uint32_t v) {
  __asm__("" : "+r"(v));
  return v;
}
#else
#define BNN_OPAQUE(v) (v)
#endif

static inline uint32_t bnn_load_xor(const uint32_t *a, const uint32_t *b, int i) { return a[i] ^ b[i]; }

#ifndef BNN_HS_MIN_WORDS
#define BNN_HS_MIN_WORDS 32
#endif

static inline int32_t bnn_xor_popcount_hs(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
  /*
   * Harley-Seal over blocks of 4 words: carry-save adders keep bit-sliced running counts in `ones` and
   * `twos`; each block emits a `fours` word whose SWAR byte counts are summed bytewise in acc8 (<= 8 per
   * byte per block, flushed with USADA8 every 31 blocks). Total = 4*sum(fours) + 2*popcount(twos) +
   * popcount(ones) + the tail words.
   */
  const uint32_t m1 = BNN_OPAQUE(0x55555555u), m2 = BNN_OPAQUE(0x33333333u);
  uint32_t ones = 0, twos = 0;
  while (n >= 4) {
    int blocks = n >> 2;
    if (blocks > 31) blocks = 31;
    n -= 4 * blocks;
    uint32_t acc8 = 0;
    do {
      uint32_t x0 = bnn_load_xor(a, b, 0), x1 = bnn_load_xor(a, b, 1);
      uint32_t u = ones ^ x0;
      const uint32_t twos_a = (ones & x0) | (u & x1);
      ones = u ^ x1;
      x0 = bnn_load_xor(a, b, 2);
      x1 = bnn_load_xor(a, b, 3);
      u = ones ^ x0;
      const uint32_t twos_b = (ones & x0) | (u & x1);
      ones = u ^ x1;
      u = twos ^ twos_a;
      uint32_t fours = (twos & twos_a) | (u & twos_b);
      twos = u ^ twos_b;
      fours = fours - ((fours >> 1) & m1);
      fours = (fours & m2) + ((fours >> 2) & m2);
      acc8 += (fours + (fours >> 4)) & 0x0F0F0F0Fu;
      a += 4;
      b += 4;
    } while (--blocks);
    acc = bnn_add_bytes(acc, acc8);
  }
  acc *= 4;
  acc = bnn_add_bytes(acc, bnn_byte_counts(twos) + bnn_byte_counts(twos)); /* bytes <= 16: no overflow */
  acc = bnn_add_bytes(acc, bnn_byte_counts(ones));
  for (; n > 0; n--) acc = bnn_add_bytes(acc, bnn_byte_counts(*a++ ^ *b++));
  return acc;
}

static inline int32_t bnn_xor_popcount_swar(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
#if BNN_HAVE_USADA8 && defined(__thumb2__) && defined(__GNUC__) && !defined(BNN_NO_ASM)
  /*
   * Thumb-2 loop, 21 instructions per 2 words: LDRD both pairs, EOR, then the SWAR stages with the masks in
   * registers so every shift folds into its AND, the two 4-bit partial sums added before the byte stage,
   * and USADA8 adding the four byte counts into acc. Same arithmetic as the C loop below. Every operand the
   * loop writes is early-clobber ("+&r"/"=&r"), so no input (e.g. zero) can share a register with it.
   */
  int pairs = n >> 1;
  if (pairs > 0) {
    uint32_t x0, x1, w0, w1;
    const uint32_t m1 = 0x55555555u, m2 = 0x33333333u, m4 = 0x0F0F0F0Fu, zero = 0u;
    __asm__ volatile(
        "1:\n\t"
        "ldrd %[x0], %[x1], [%[a]], #8\n\t"
        "ldrd %[w0], %[w1], [%[b]], #8\n\t"
        "eor %[x0], %[x0], %[w0]\n\t"
        "eor %[x1], %[x1], %[w1]\n\t"
        "and %[w0], %[m1], %[x0], lsr #1\n\t"
        "sub %[x0], %[x0], %[w0]\n\t"
        "and %[w1], %[m1], %[x1], lsr #1\n\t"
        "sub %[x1], %[x1], %[w1]\n\t"
        "and %[w0], %[m2], %[x0], lsr #2\n\t"
        "and %[x0], %[x0], %[m2]\n\t"
        "add %[x0], %[x0], %[w0]\n\t"
        "and %[w1], %[m2], %[x1], lsr #2\n\t"
        "and %[x1], %[x1], %[m2]\n\t"
        "add %[x0], %[x0], %[x1]\n\t"
        "add %[x0], %[x0], %[w1]\n\t"
        "and %[w0], %[m4], %[x0], lsr #4\n\t"
        "and %[x0], %[x0], %[m4]\n\t"
        "add %[x0], %[x0], %[w0]\n\t"
        "usada8 %[acc], %[x0], %[zero], %[acc]\n\t"
        "subs %[pairs], %[pairs], #1\n\t"
        "bne 1b"
        : [acc] "+&r"(acc), [a] "+&r"(a), [b] "+&r"(b), [pairs] "+&r"(pairs), [x0] "=&r"(x0), [x1] "=&r"(x1),
          [w0] "=&r"(w0), [w1] "=&r"(w1)
        : [m1] "r"(m1), [m2] "r"(m2), [m4] "r"(m4), [zero] "r"(zero)
        : "cc", "memory");
  }
  if (n & 1) acc = bnn_add_bytes(acc, bnn_byte_counts(a[0] ^ b[0]));
#else
  /* Two words per step: their 4-bit partial sums add without overflow (<= 8 per nibble). */
  const uint32_t m1 = BNN_OPAQUE(0x55555555u), m2 = BNN_OPAQUE(0x33333333u), m4 = BNN_OPAQUE(0x0F0F0F0Fu);
  for (; n >= 2; n -= 2, a += 2, b += 2) {
    uint32_t x = bnn_load_xor(a, b, 0), y = bnn_load_xor(a, b, 1);
    x = x - ((x >> 1) & m1);
    y = y - ((y >> 1) & m1);
    x = (x & m2) + ((x >> 2) & m2);
    y = (y & m2) + ((y >> 2) & m2);
    x += y;
    x = (x & m4) + ((x >> 4) & m4);
    acc = bnn_add_bytes(acc, x);
  }
  if (n) acc = bnn_add_bytes(acc, bnn_byte_counts(a[0] ^ b[0]));
#endif
  return acc;
}

/* sum_i popcount(a[i] ^ b[i]) over n words: the binary-layer hot loop. */
static inline int32_t bnn_xor_popcount_inline(const uint32_t *a, const uint32_t *b, int n) {
#if BNN_POPCOUNT == 5
  return n >= BNN_HS_MIN_WORDS ? bnn_xor_popcount_hs(a, b, n) : bnn_xor_popcount_swar(a, b, n);
#elif BNN_POPCOUNT == 3
  return bnn_xor_popcount_hs(a, b, n);
#elif BNN_POPCOUNT == 2
  return bnn_xor_popcount_swar(a, b, n);
#else
  int32_t acc = 0;
  for (int i = 0; i < n; i++) acc += bnn_popcount32_inline(a[i] ^ b[i]);
  return acc;
#endif
}

#endif /* BNN_POPCOUNT_H */
