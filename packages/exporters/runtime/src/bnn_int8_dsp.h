/*
 * The few Cortex-M4 DSP (ARMv7E-M) instructions the int8 kernels use, as one-instruction inline-asm
 * intrinsics when __ARM_FEATURE_DSP is defined, else portable C that computes the same 32-bit result
 * (tools/int8_check.c compares both on random operands in QEMU). Internal to bnn_int8.c and its tests.
 */
#ifndef BNN_INT8_DSP_H
#define BNN_INT8_DSP_H

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define BNN_S8_INLINE static inline __attribute__((always_inline))
#else
#define BNN_S8_INLINE static inline
#endif

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define BNN_S8_HAVE_DSP 1
/* (int16)x[7:0] | (int16)x[23:16] << 16 */
BNN_S8_INLINE uint32_t bnn_sxtb16(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1" : "=r"(r) : "r"(x));
  return r;
}
/* bytes 1 and 3: SXTB16 with ROR #8 */
BNN_S8_INLINE uint32_t bnn_sxtb16_ror8(uint32_t x) {
  uint32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
/* acc + lo(a)*lo(b) + hi(a)*hi(b), halves signed 16-bit, 32-bit wrapping sum */
BNN_S8_INLINE int32_t bnn_smlad(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlad %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
/* two 16-bit wrapping adds */
BNN_S8_INLINE uint32_t bnn_sadd16(uint32_t a, uint32_t b) {
  uint32_t r;
  __asm__("sadd16 %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
/* acc + lo(a)*lo(b) and acc + hi(a)*hi(b) (signed 16-bit halves) */
BNN_S8_INLINE int32_t bnn_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlabb %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
BNN_S8_INLINE int32_t bnn_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  int32_t r;
  __asm__("smlatt %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(acc));
  return r;
}
/* clamp to [-128, 127] */
BNN_S8_INLINE int32_t bnn_ssat8(int32_t x) {
  int32_t r;
  __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(x) : "cc");
  return r;
}
#else
#define BNN_S8_HAVE_DSP 0
BNN_S8_INLINE uint32_t bnn_sxtb16(uint32_t x) {
  const uint32_t lo = (uint32_t)(int32_t)(int8_t)(uint8_t)(x & 0xFFu) & 0xFFFFu;
  const uint32_t hi = (uint32_t)(int32_t)(int8_t)(uint8_t)((x >> 16) & 0xFFu) & 0xFFFFu;
  return lo | (hi << 16);
}
BNN_S8_INLINE uint32_t bnn_sxtb16_ror8(uint32_t x) { return bnn_sxtb16((x >> 8) | (x << 24)); }
BNN_S8_INLINE int32_t bnn_lo16(uint32_t x) { return (int32_t)(int16_t)(uint16_t)(x & 0xFFFFu); }
BNN_S8_INLINE int32_t bnn_hi16(uint32_t x) { return (int32_t)(int16_t)(uint16_t)(x >> 16); }
BNN_S8_INLINE int32_t bnn_smlad(uint32_t a, uint32_t b, int32_t acc) {
  /* |each product| <= 2^30, so the two products sum exactly in int64; the accumulate wraps as SMLAD does */
  const int64_t prod = (int64_t)bnn_lo16(a) * bnn_lo16(b) + (int64_t)bnn_hi16(a) * bnn_hi16(b);
  return (int32_t)((uint32_t)acc + (uint32_t)(int64_t)prod);
}
BNN_S8_INLINE uint32_t bnn_sadd16(uint32_t a, uint32_t b) {
  const uint32_t lo = (a + b) & 0xFFFFu;
  const uint32_t hi = ((a >> 16) + (b >> 16)) & 0xFFFFu;
  return lo | (hi << 16);
}
BNN_S8_INLINE int32_t bnn_smlabb(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(bnn_lo16(a) * bnn_lo16(b)));
}
BNN_S8_INLINE int32_t bnn_smlatt(uint32_t a, uint32_t b, int32_t acc) {
  return (int32_t)((uint32_t)acc + (uint32_t)(bnn_hi16(a) * bnn_hi16(b)));
}
BNN_S8_INLINE int32_t bnn_ssat8(int32_t x) { return x < -128 ? -128 : (x > 127 ? 127 : x); }
#endif

/* unaligned 32-bit little-endian load of four int8 (LDR on Cortex-M4, which allows unaligned LDR) */
BNN_S8_INLINE uint32_t bnn_read_s8x4(const int8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

#endif /* BNN_INT8_DSP_H */
