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
 *   6  Auto (default): Harley-Seal rows. Carry-save adders fold the row's xor words into bit planes (ones,
 *      twos, fours[, eights]) and emit one word per block whose byte counts are summed bytewise; the planes
 *      are counted once per row, together, in 4-bit fields. Rows of >= BNN_HS16_MIN_WORDS (48) words take
 *      16-word blocks (bnn_hs16_row, 7.5 instructions per word on Thumb-2), rows of >= BNN_HS8_MIN_WORDS (16)
 *      8-word blocks (bnn_hs8_row, 7.9 per word), shorter rows variant 2. Thumb-2 asm in optimised builds, the
 *      same counts in C elsewhere.
 * Measured on the emulated Cortex-M4 (npm run bench): 6 beats 2 on every 3x3 conv shape benchmarked, and the
 * C Harley-Seal of 3 beats the C SWAR loop on long rows but not the hand-scheduled one.
 */
#ifndef BNN_POPCOUNT_H
#define BNN_POPCOUNT_H
#include <stdint.h>

#ifndef BNN_POPCOUNT
#define BNN_POPCOUNT 6
#endif

/* The row popcounts are inlined into each kernel loop (gcc would otherwise call them per output). */
#if defined(__GNUC__)
#define BNN_PC_INLINE inline __attribute__((always_inline))
#else
#define BNN_PC_INLINE inline
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
/* Variant 6: rows of at least this many words take the Harley-Seal row, shorter ones the SWAR loop. */
#ifndef BNN_HS8_MIN_WORDS
#define BNN_HS8_MIN_WORDS 16
#endif
/* The row length from which the kernels take their `long_rows` copy (variants 5 and 6). */
#if BNN_POPCOUNT == 6
#define BNN_LONG_ROW_WORDS BNN_HS8_MIN_WORDS
#else
#define BNN_LONG_ROW_WORDS BNN_HS_MIN_WORDS
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

/*
 * Thumb-2 text of one SWAR + USADA8 pair step (operands named as in bnn_xor_popcount_swar; also used by
 * bnn_runtime.c's bnn_bits_out_swar_fused): the next two words of a and b (LDRD, post-increment), their xors'
 * 2-bit and 4-bit partial sums with the masks m1/m2/m4 in registers so every shift folds into its AND, the two
 * 4-bit sums added, the byte stage, and USADA8 adding the four byte counts into acc (19 instructions; x0, x1,
 * w0, w1 scratch).
 */
#define BNN_SWAR_PAIR_STEP                                                                                     \
  "ldrd %[x0], %[x1], [%[a]], #8\n\t"                                                                          \
  "ldrd %[w0], %[w1], [%[b]], #8\n\t"                                                                          \
  "eor %[x0], %[x0], %[w0]\n\t"                                                                                \
  "eor %[x1], %[x1], %[w1]\n\t"                                                                                \
  "and %[w0], %[m1], %[x0], lsr #1\n\t"                                                                        \
  "sub %[x0], %[x0], %[w0]\n\t"                                                                                \
  "and %[w1], %[m1], %[x1], lsr #1\n\t"                                                                        \
  "sub %[x1], %[x1], %[w1]\n\t"                                                                                \
  "and %[w0], %[m2], %[x0], lsr #2\n\t"                                                                        \
  "and %[x0], %[x0], %[m2]\n\t"                                                                                \
  "add %[x0], %[x0], %[w0]\n\t"                                                                                \
  "and %[w1], %[m2], %[x1], lsr #2\n\t"                                                                        \
  "and %[x1], %[x1], %[m2]\n\t"                                                                                \
  "add %[x0], %[x0], %[x1]\n\t"                                                                                \
  "add %[x0], %[x0], %[w1]\n\t"                                                                                \
  "and %[w0], %[m4], %[x0], lsr #4\n\t"                                                                        \
  "and %[x0], %[x0], %[m4]\n\t"                                                                                \
  "add %[x0], %[x0], %[w0]\n\t"                                                                                \
  "usada8 %[acc], %[x0], %[zero], %[acc]\n\t"

static inline int32_t bnn_xor_popcount_swar(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
#if BNN_HAVE_USADA8 && defined(__thumb2__) && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(BNN_NO_ASM)
  /*
   * Thumb-2 loop, 21 instructions per 2 words: LDRD both pairs, EOR, then the SWAR stages with the masks in
   * registers so every shift folds into its AND, the two 4-bit partial sums added before the byte stage,
   * and USADA8 adding the four byte counts into acc. Same arithmetic as the C loop below. Every operand the
   * loop writes is early-clobber ("+&r"/"=&r"), so no input (e.g. zero) can share a register with it.
   * Only in optimised builds: at -O0 the frame pointer leaves too few registers for its 12 operands.
   */
  int pairs = n >> 1;
  if (pairs > 0) {
    uint32_t x0, x1, w0, w1;
    const uint32_t m1 = 0x55555555u, m2 = 0x33333333u, m4 = 0x0F0F0F0Fu, zero = 0u;
    __asm__ volatile(
        "1:\n\t"
        BNN_SWAR_PAIR_STEP
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

/*
 * One carry-save adder: (carry, sum) of three bit planes, bit by bit: sum = a^b^c, carry = majority(a, b, c).
 * `carry` is written before `sum`, so sum may alias a.
 */
#define BNN_CSA(carry, sum, a, b, c)                                                                          \
  do {                                                                                                       \
    const uint32_t bnn_csa_u = (a) ^ (b);                                                                   \
    (carry) = ((a) & (b)) | (bnn_csa_u & (c));                                                               \
    (sum) = bnn_csa_u ^ (c);                                                                                 \
  } while (0)

/*
 * Thumb-2 text of the Harley-Seal rows below (operands named as in bnn_hs8_row / bnn_hs16_row; scratch w0, w1).
 * BNN_HS_CSA(plane, p, q, carry): plane, carry = plane ^ p ^ q, majority(plane, p, q) (5 instructions; p is
 * clobbered, carry may be p). BNN_HS_PAIR(carry): the xor of the next two words of a and b through
 * BNN_HS_CSA into ones (9 instructions, x0 and x1 scratch). BNN_HS_BYTES(v, acc): acc += the byte counts of v.
 */
#define BNN_HS_CSA(plane, p, q, carry)                                                                         \
  "eor %[w0], " plane ", " p "\n\t"                                                                           \
  "and %[w1], " plane ", " p "\n\t"                                                                           \
  "and " p ", %[w0], " q "\n\t"                                                                               \
  "orr " carry ", %[w1], " p "\n\t"                                                                           \
  "eor " plane ", %[w0], " q "\n\t"
#define BNN_HS_PAIR(carry)                                                                                     \
  "ldrd %[x0], %[x1], [%[a]], #8\n\t"                                                                         \
  "ldrd %[w0], %[w1], [%[b]], #8\n\t"                                                                         \
  "eor %[x0], %[x0], %[w0]\n\t"                                                                               \
  "eor %[x1], %[x1], %[w1]\n\t"                                                                               \
  BNN_HS_CSA("%[ones]", "%[x0]", "%[x1]", carry)
#define BNN_HS_BYTES(v, acc)                                                                                   \
  "lsr %[w0], " v ", #1\n\t"                                                                                  \
  "and %[w0], %[w0], #0x55555555\n\t"                                                                         \
  "sub " v ", " v ", %[w0]\n\t"                                                                               \
  "lsr %[w0], " v ", #2\n\t"                                                                                  \
  "and %[w0], %[w0], #0x33333333\n\t"                                                                         \
  "and " v ", " v ", #0x33333333\n\t"                                                                         \
  "add " v ", " v ", %[w0]\n\t"                                                                               \
  "add " v ", " v ", " v ", lsr #4\n\t"                                                                       \
  "and " v ", " v ", #0x0F0F0F0F\n\t"                                                                         \
  "add " acc ", " acc ", " v "\n\t"
/*
 * BNN_HS_PAIR for rows in the pair layout (bnn_pair_rows: the second word of each pair holds the xor of the two):
 * with p = x_i ^ w_i and d = (x_i ^ x_i+1) ^ (w_i ^ w_i+1) = p ^ q, ones + p + q gives sum = ones ^ d and
 * carry = p ^ ((ones ^ p) & d) (d = 1: p != q, the carry is ones; d = 0: p = q, it is p). 8 instructions.
 */
#define BNN_HS_PAIRED(carry)                                                                                   \
  "ldrd %[x0], %[x1], [%[a]], #8\n\t"                                                                         \
  "ldrd %[w0], %[w1], [%[b]], #8\n\t"                                                                         \
  "eor %[x0], %[x0], %[w0]\n\t"                                                                               \
  "eor %[x1], %[x1], %[w1]\n\t"                                                                               \
  "eor %[w0], %[ones], %[x0]\n\t"                                                                             \
  "and %[w0], %[w0], %[x1]\n\t"                                                                               \
  "eor " carry ", %[w0], %[x0]\n\t"                                                                           \
  "eor %[ones], %[ones], %[x1]\n\t"
/* v <- its nibble counts (<= 4 each), the masks 0x55555555 in x0 and 0x33333333 in x1 (5 instructions). */
#define BNN_HS_NIBBLES(v)                                                                                      \
  "and %[w0], %[x0], " v ", lsr #1\n\t"                                                                       \
  "sub " v ", " v ", %[w0]\n\t"                                                                               \
  "and %[w0], %[x1], " v ", lsr #2\n\t"                                                                       \
  "and " v ", " v ", %[x1]\n\t"                                                                               \
  "add " v ", " v ", %[w0]\n\t"

/*
 * The body of bnn_hs8_row's asm: the Harley-Seal count of n >= 8 words (register %[n], consumed) of a and b into
 * %[acc8]; local labels 2-6. PAIR is BNN_HS_PAIR (plain rows) or BNN_HS_PAIRED (rows in the pair layout).
 */
#define BNN_HS8_BODY_WITH(PAIR)                                                                                    \
        "mov %[ones], #0\n\t"                                                                                      \
        "mov %[twos], #0\n\t"                                                                                      \
        "mov %[fours], #0\n\t"                                                                                     \
        "mov %[acc8], #0\n\t"                                                                                      \
        /* n & 1 (N after the shift), n & 2 (C); the loads and logic below leave the flags alone */                \
        "lsls %[ta], %[n], #31\n\t"                                                                                \
        "bpl 2f\n\t"                                                                                               \
        "ldr %[x0], [%[a]], #4\n\t"                                                                                \
        "ldr %[w0], [%[b]], #4\n\t"                                                                                \
        "eor %[ones], %[x0], %[w0]\n\t"                                                                            \
        "2:\n\t"                                                                                                   \
        "bcc 3f\n\t"                                                                                               \
        PAIR("%[twos]")                                                                                     \
        "3:\n\t"                                                                                                   \
        "lsls %[ta], %[n], #30\n\t" /* C = n & 4 */                                                                \
        "bcc 4f\n\t"                                                                                               \
        PAIR("%[ta]")                                                                                       \
        PAIR("%[x0]")                                                                                       \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fours]")                                                        \
        "4:\n\t"                                                                                                   \
        "lsrs %[n], %[n], #3\n\t" /* n >= 8: at least one block */                                                                                  \
        "5:\n\t"                                                                                                   \
        /* words 0-3 -> ones; carries ta, x0 -> twos, carry fa */                                                  \
        PAIR("%[ta]")                                                                                       \
        PAIR("%[x0]")                                                                                       \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fa]")                                                           \
        /* words 4-7 -> ones; carries -> twos, carry ta; fours + fa + ta -> fours, eights in fa */                 \
        PAIR("%[ta]")                                                                                       \
        PAIR("%[x0]")                                                                                       \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[ta]")                                                           \
        BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[fa]")                                                          \
        /* byte counts of eights into acc8 */                                                                      \
        BNN_HS_BYTES("%[fa]", "%[acc8]")                                                                           \
        "subs %[n], %[n], #1\n\t"                                                                                  \
        "bne 5b\n\t"                                                                                               \
        "6:\n\t"                                                                                                   \
        /* the planes: masks in x0, x1, n is 0; acc8 <- 8*bytesum(acc8) + bytesum(ones + 2*twos + 4*fours) */  \
        "mov %[x0], #0x55555555\n\t"                                                                               \
        "mov %[x1], #0x33333333\n\t"                                                                               \
        "usad8 %[acc8], %[acc8], %[n]\n\t"                                                                         \
        BNN_HS_NIBBLES("%[ones]")                                                                                  \
        BNN_HS_NIBBLES("%[twos]")                                                                                  \
        "add %[ones], %[ones], %[twos], lsl #1\n\t"                                                                \
        BNN_HS_NIBBLES("%[fours]")                                                                                 \
        "add %[fours], %[fours], %[fours], lsr #4\n\t"                                                             \
        "and %[fours], %[fours], #0x0F0F0F0F\n\t"                                                                  \
        "lsr %[w0], %[ones], #4\n\t"                                                                               \
        "and %[w0], %[w0], #0x0F0F0F0F\n\t"                                                                        \
        "and %[ones], %[ones], #0x0F0F0F0F\n\t"                                                                    \
        "add %[ones], %[ones], %[w0]\n\t"                                                                          \
        "add %[ones], %[ones], %[fours], lsl #2\n\t"                                                               \
        "lsl %[acc8], %[acc8], #3\n\t"                                                                             \
        "usada8 %[acc8], %[ones], %[n], %[acc8]\n\t"
#define BNN_HS8_BODY BNN_HS8_BODY_WITH(BNN_HS_PAIR)

/*
 * sum_i popcount(a[i] ^ b[i]) over 8 <= n <= 255 words, Harley-Seal (BNN_POPCOUNT 6). Bit planes `ones` (weight 1),
 * `twos` (2), `fours` (4) start at 0 and take, in order:
 *   n & 1: one word: ones = x;
 *   n & 2: two words through one carry-save adder into ones, its carry is twos (still 0 before);
 *   n & 4: four words through two adders into ones, their carries through one into twos, whose carry is fours;
 *   n >> 3 blocks of 8 words (<= 31): 7 adders fold them into the planes and leave one `eights` word, whose
 *          SWAR byte counts (<= 8 per byte) add bytewise into acc8 (<= 248).
 * Total = 8*bytesum(acc8) + 4*popcount(fours) + 2*popcount(twos) + popcount(ones), the planes counted
 * together: in nibbles ones + 2*twos <= 12, in bytes that <= 24 plus 4*fours <= 32: <= 56, summed with USADA8.
 * On Thumb-2 (optimised builds: 13 registers, r7 is no frame pointer) all of it is one asm block, 63
 * instructions per 8-word block (8 LDRD, 8 EOR, 7 adders of 5, a byte count of 10, loop) and 35 for the
 * planes; elsewhere the same arithmetic in C.
 */
static BNN_PC_INLINE int32_t bnn_hs8_row(const uint32_t *a, const uint32_t *b, int n) {
#if BNN_HAVE_USADA8 && defined(__thumb2__) && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(BNN_NO_ASM)
  uint32_t ones, twos, fours, acc8, x0, x1, w0, w1, ta, fa;
  __asm__ volatile(
        BNN_HS8_BODY
        : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [acc8] "=&r"(acc8), [a] "+&r"(a),
          [b] "+&r"(b), [n] "+&r"(n), [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1),
          [ta] "=&r"(ta), [fa] "=&r"(fa)
        :
        : "cc", "memory");
  return (int32_t)acc8;
#else
  uint32_t ones = 0u, twos = 0u, fours = 0u, acc8 = 0u;
  if (n & 1) {
    ones = a[0] ^ b[0];
    a += 1;
    b += 1;
  }
  if (n & 2) {
    BNN_CSA(twos, ones, ones, a[0] ^ b[0], a[1] ^ b[1]);
    a += 2;
    b += 2;
  }
  if (n & 4) {
    uint32_t ta, tb;
    BNN_CSA(ta, ones, ones, a[0] ^ b[0], a[1] ^ b[1]);
    BNN_CSA(tb, ones, ones, a[2] ^ b[2], a[3] ^ b[3]);
    BNN_CSA(fours, twos, twos, ta, tb);
    a += 4;
    b += 4;
  }
  for (int blocks = n >> 3; blocks > 0; blocks--, a += 8, b += 8) {
    uint32_t ta, tb, fa, fb, eights;
    BNN_CSA(ta, ones, ones, a[0] ^ b[0], a[1] ^ b[1]);
    BNN_CSA(tb, ones, ones, a[2] ^ b[2], a[3] ^ b[3]);
    BNN_CSA(fa, twos, twos, ta, tb);
    BNN_CSA(ta, ones, ones, a[4] ^ b[4], a[5] ^ b[5]);
    BNN_CSA(tb, ones, ones, a[6] ^ b[6], a[7] ^ b[7]);
    BNN_CSA(fb, twos, twos, ta, tb);
    BNN_CSA(eights, fours, fours, fa, fb);
    acc8 += bnn_byte_counts(eights);
  }
  uint32_t y = ones - ((ones >> 1) & 0x55555555u), t = twos - ((twos >> 1) & 0x55555555u);
  uint32_t z = fours - ((fours >> 1) & 0x55555555u);
  y = (y & 0x33333333u) + ((y >> 2) & 0x33333333u);
  t = (t & 0x33333333u) + ((t >> 2) & 0x33333333u);
  z = (z & 0x33333333u) + ((z >> 2) & 0x33333333u);
  y += t << 1;                                        /* nibbles <= 12 */
  y = (y & 0x0F0F0F0Fu) + ((y >> 4) & 0x0F0F0F0Fu);   /* bytes <= 24 */
  y += ((z + (z >> 4)) & 0x0F0F0F0Fu) << 2;           /* bytes <= 24 + 32 */
  return bnn_add_bytes(bnn_add_bytes(0, acc8) * 8, y);
#endif
}

/*
 * The body of bnn_hs16_row's asm: the Harley-Seal count of %[n] (memory) words of a and b into %[acc8], the block
 * loop running until a reaches %[end] (memory); local labels 2-7. PAIR as in BNN_HS8_BODY_WITH.
 */
#define BNN_HS16_BODY_WITH(PAIR)                                                                        \
        "mov %[ones], #0\n\t"                                                                           \
        "mov %[twos], #0\n\t"                                                                           \
        "mov %[fours], #0\n\t"                                                                          \
        "mov %[eights], #0\n\t"                                                                         \
        "mov %[acc8], #0\n\t"                                                                           \
        "ldr %[ea], %[n]\n\t"                                                                           \
        "lsls %[ta], %[ea], #31\n\t" /* N = n & 1, C = n & 2; loads and logic leave the flags alone */  \
        "bpl 2f\n\t"                                                                                    \
        "ldr %[x0], [%[a]], #4\n\t"                                                                     \
        "ldr %[w0], [%[b]], #4\n\t"                                                                     \
        "eor %[ones], %[x0], %[w0]\n\t"                                                                 \
        "2:\n\t"                                                                                        \
        "bcc 3f\n\t"                                                                                    \
        PAIR("%[twos]")                                                                                 \
        "3:\n\t"                                                                                        \
        "lsls %[ta], %[ea], #30\n\t" /* C = n & 4 */                                                    \
        "bcc 7f\n\t"                                                                                    \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fours]")                                             \
        "7:\n\t"                                                                                        \
        "lsls %[ta], %[ea], #29\n\t" /* C = n & 8 */                                                    \
        "bcc 4f\n\t"                                                                                    \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fa]")                                                \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[ta]")                                                \
        BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[eights]")                                           \
        "4:\n\t"                                                                                        \
        "ldr %[w0], %[end]\n\t"                                                                         \
        "cmp %[a], %[w0]\n\t"                                                                           \
        "beq 6f\n\t"                                                                                    \
        "5:\n\t"                                                                                        \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fa]")                                                \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[ta]")                                                \
        BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[ea]")                                               \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[fa]")                                                \
        PAIR("%[ta]")                                                                                   \
        PAIR("%[x0]")                                                                                   \
        BNN_HS_CSA("%[twos]", "%[ta]", "%[x0]", "%[ta]")                                                \
        BNN_HS_CSA("%[fours]", "%[fa]", "%[ta]", "%[fa]")                                               \
        BNN_HS_CSA("%[eights]", "%[ea]", "%[fa]", "%[ea]")                                              \
        BNN_HS_BYTES("%[ea]", "%[acc8]")                                                                \
        "ldr %[w0], %[end]\n\t"                                                                         \
        "cmp %[a], %[w0]\n\t"                                                                           \
        "bne 5b\n\t"                                                                                    \
        "6:\n\t"                                                                                        \
        "mov %[x0], #0x55555555\n\t"                                                                    \
        "mov %[x1], #0x33333333\n\t"                                                                    \
        "mov %[w1], #0\n\t"                                                                             \
        "usad8 %[acc8], %[acc8], %[w1]\n\t"                                                             \
        BNN_HS_NIBBLES("%[ones]")                                                                       \
        BNN_HS_NIBBLES("%[twos]")                                                                       \
        "add %[ones], %[ones], %[twos], lsl #1\n\t"                                                     \
        BNN_HS_NIBBLES("%[fours]")                                                                      \
        BNN_HS_NIBBLES("%[eights]")                                                                     \
        "add %[fours], %[fours], %[eights], lsl #1\n\t"                                                 \
        "lsr %[w0], %[ones], #4\n\t"                                                                    \
        "and %[w0], %[w0], #0x0F0F0F0F\n\t"                                                             \
        "and %[ones], %[ones], #0x0F0F0F0F\n\t"                                                         \
        "add %[ones], %[ones], %[w0]\n\t"                                                               \
        "lsr %[w0], %[fours], #4\n\t"                                                                   \
        "and %[w0], %[w0], #0x0F0F0F0F\n\t"                                                             \
        "and %[fours], %[fours], #0x0F0F0F0F\n\t"                                                       \
        "add %[fours], %[fours], %[w0]\n\t"                                                             \
        "add %[ones], %[ones], %[fours], lsl #2\n\t"                                                    \
        "lsl %[acc8], %[acc8], #4\n\t"                                                                  \
        "usada8 %[acc8], %[ones], %[w1], %[acc8]\n\t"

/*
 * sum_i popcount(a[i] ^ b[i]) over n <= 255 words, Harley-Seal over 16-word blocks: bnn_hs8_row with one more
 * plane, `eights` (weight 8), so one SWAR byte count per 16 words instead of per 8. The prefix takes n & 15 words
 * (1, 2, 4 as in bnn_hs8_row; 8 more: two 4-word groups whose weight-4 carries add into `fours`, carry into
 * `eights`, still 0), each block leaves one `sixteens` word whose byte counts add into acc8 (<= 8 per byte per
 * block, <= 15 blocks). Total = 16*bytesum(acc8) + bytesum((ones + 2*twos) + 4*(fours + 2*eights)), in nibbles
 * <= 12 each, in bytes <= 24 + 4*24 = 120.
 * Thumb-2 (optimised builds): 14 registers (r0-r12, lr), so the loop's end pointer and n stay in memory; 120
 * instructions per 16 words (16 LDRD, 16 EOR, 15 adders of 5, a byte count of 10, an end check of 3).
 * Elsewhere bnn_hs8_row's C, which counts the same.
 */
static BNN_PC_INLINE int32_t bnn_hs16_row(const uint32_t *a, const uint32_t *b, int n) {
#if BNN_HAVE_USADA8 && defined(__thumb2__) && defined(__GNUC__) && defined(__OPTIMIZE__) && !defined(BNN_NO_ASM)
  uint32_t ones, twos, fours, eights, acc8, x0, x1, w0, w1, ta, fa, ea;
  const uint32_t *const end = a + n; /* in memory: the loop has no register left for a counter */
  __asm__ volatile(
        BNN_HS16_BODY_WITH(BNN_HS_PAIR)
        : [ones] "=&r"(ones), [twos] "=&r"(twos), [fours] "=&r"(fours), [eights] "=&r"(eights), [acc8] "=&r"(acc8),
          [a] "+&r"(a), [b] "+&r"(b), [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1),
          [ta] "=&r"(ta), [fa] "=&r"(fa), [ea] "=&r"(ea)
        : [n] "m"(n), [end] "m"(end)
        : "cc", "memory");
  return (int32_t)acc8;
#else
  return bnn_hs8_row(a, b, n);
#endif
}

/* Rows of at least this many words take the 16-word blocks (bnn_hs16_row), shorter ones bnn_hs8_row. */
#ifndef BNN_HS16_MIN_WORDS
#define BNN_HS16_MIN_WORDS 48
#endif

/* sum_i popcount(a[i] ^ b[i]) over n <= 255 words by Harley-Seal, the block size picked by the row length. */
static BNN_PC_INLINE int32_t bnn_hs_row(const uint32_t *a, const uint32_t *b, int n) {
  return n >= BNN_HS16_MIN_WORDS ? bnn_hs16_row(a, b, n) : bnn_hs8_row(a, b, n);
}

/* sum_i popcount(a[i] ^ b[i]) over n words: bnn_hs8_row over chunks of 248 words (31 blocks), then the rest. */
static BNN_PC_INLINE int32_t bnn_xor_popcount_hs8(const uint32_t *a, const uint32_t *b, int n) {
  int32_t acc = 0;
  for (; n > 255; n -= 248, a += 248, b += 248) acc += bnn_hs_row(a, b, 248);
  return acc + bnn_hs_row(a, b, n);
}

/* sum_i popcount(a[i] ^ b[i]) over n words: the binary-layer hot loop. */
static BNN_PC_INLINE int32_t bnn_xor_popcount_inline(const uint32_t *a, const uint32_t *b, int n) {
#if BNN_POPCOUNT == 6
  return n >= BNN_HS8_MIN_WORDS ? bnn_xor_popcount_hs8(a, b, n) : bnn_xor_popcount_swar(a, b, n);
#elif BNN_POPCOUNT == 5
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
