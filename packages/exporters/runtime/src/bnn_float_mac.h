/*
 * The float32 multiply-accumulate rows of the float conv, depthwise conv and scale_shift (bnn_runtime.c), eight
 * channels at a time. Each row adds products to accumulators held in memory, one term per accumulator per step,
 * in the order the caller walks (so every accumulator sees its terms in the reference's order):
 *   acc[j] = f32(acc[j] + f32(x * w[j]))      (bnn_f32_mac8_row: one x per step, w a row of 8 per step)
 *   acc[j] = f32(acc[j] + f32(x[j] * w[j]))   (bnn_f32_vmac_row: elementwise, 8 lanes per step)
 *   y[j] = f32(f32(x[j] * scale[j]) + shift[j]) (bnn_f32_affine_row: scale_shift, 8 lanes per step; the asm adds
 *                                                 the product to shift, the same sum: IEEE addition commutes)
 *
 * On the Cortex-M4F (optimised builds) they are Thumb-2/FPv4 inline asm: VLDM of 8 registers, VMLA.F32 and
 * VSTM. VMLA.F32 is ARMv7-M's *chained* multiply-accumulate, S[d] = FPAdd(S[d], FPMul(S[n], S[m])): the
 * product is rounded to float32 before the add, exactly VMUL then VADD (it is not VFMA, which the float32
 * contract forbids; runtime-numerics.test.ts checks the build holds no vfma). Elsewhere (host, xcore, -O0)
 * the same arithmetic in C, written as a separate product and sum (built with -ffp-contract=off).
 * Tested by tools/float_check.c against the plain loops (host ASan/UBSan and QEMU, float-runtime.test.ts).
 */
#ifndef BNN_FLOAT_MAC_H
#define BNN_FLOAT_MAC_H

#if defined(__GNUC__)
#define BNN_F32_INLINE static inline __attribute__((always_inline))
#else
#define BNN_F32_INLINE static inline
#endif

#if defined(__thumb2__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__ARM_PCS_VFP) && defined(__GNUC__) && \
    defined(__OPTIMIZE__) && !defined(BNN_NO_ASM)
#define BNN_F32_ASM 1
#else
#define BNN_F32_ASM 0
#endif

#if BNN_F32_ASM
/* acc[0..7] += x[i] * w[i*w_stride + 0..7] for i = 0 .. n-1 (n >= 1); w_stride in floats. */
BNN_F32_INLINE void bnn_f32_mac8_row(float *acc, const float *x, const float *w, int n, int w_stride) {
  const int stride_bytes = w_stride * 4;
  __asm__ volatile(
      "vldmia %[acc], {s8-s15}\n\t"
      "1:\n\t"
      "vldmia %[x]!, {s16}\n\t"
      "vldmia %[w], {s0-s7}\n\t"
      "add %[w], %[w], %[sb]\n\t"
      "vmla.f32 s8, s16, s0\n\t"
      "vmla.f32 s9, s16, s1\n\t"
      "vmla.f32 s10, s16, s2\n\t"
      "vmla.f32 s11, s16, s3\n\t"
      "vmla.f32 s12, s16, s4\n\t"
      "vmla.f32 s13, s16, s5\n\t"
      "vmla.f32 s14, s16, s6\n\t"
      "vmla.f32 s15, s16, s7\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      "vstmia %[acc], {s8-s15}\n\t"
      : [x] "+r"(x), [w] "+r"(w), [n] "+r"(n)
      : [acc] "r"(acc), [sb] "r"(stride_bytes)
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16",
        "cc", "memory");
}

/* acc[j] += x[j] * w[j] for j = 0 .. 8*blocks-1 (blocks >= 1). */
BNN_F32_INLINE void bnn_f32_vmac_row(float *acc, const float *x, const float *w, int blocks) {
  __asm__ volatile(
      "1:\n\t"
      "vldmia %[acc], {s8-s15}\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[w]!, {s16-s23}\n\t"
      "vmla.f32 s8, s0, s16\n\t"
      "vmla.f32 s9, s1, s17\n\t"
      "vmla.f32 s10, s2, s18\n\t"
      "vmla.f32 s11, s3, s19\n\t"
      "vmla.f32 s12, s4, s20\n\t"
      "vmla.f32 s13, s5, s21\n\t"
      "vmla.f32 s14, s6, s22\n\t"
      "vmla.f32 s15, s7, s23\n\t"
      "vstmia %[acc]!, {s8-s15}\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [acc] "+r"(acc), [x] "+r"(x), [w] "+r"(w), [n] "+r"(blocks)
      :
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16",
        "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
}

/* y[j] = f32(shift[j] + f32(x[j] * scale[j])) for j = 0 .. 8*blocks-1 (blocks >= 1). */
BNN_F32_INLINE void bnn_f32_affine_row(float *y, const float *x, const float *scale, const float *shift, int blocks) {
  __asm__ volatile(
      "1:\n\t"
      "vldmia %[b]!, {s8-s15}\n\t"
      "vldmia %[x]!, {s0-s7}\n\t"
      "vldmia %[s]!, {s16-s23}\n\t"
      "vmla.f32 s8, s0, s16\n\t"
      "vmla.f32 s9, s1, s17\n\t"
      "vmla.f32 s10, s2, s18\n\t"
      "vmla.f32 s11, s3, s19\n\t"
      "vmla.f32 s12, s4, s20\n\t"
      "vmla.f32 s13, s5, s21\n\t"
      "vmla.f32 s14, s6, s22\n\t"
      "vmla.f32 s15, s7, s23\n\t"
      "vstmia %[y]!, {s8-s15}\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b\n\t"
      : [y] "+r"(y), [x] "+r"(x), [s] "+r"(scale), [b] "+r"(shift), [n] "+r"(blocks)
      :
      : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16",
        "s17", "s18", "s19", "s20", "s21", "s22", "s23", "cc", "memory");
}
#else
BNN_F32_INLINE void bnn_f32_mac8_row(float *acc, const float *x, const float *w, int n, int w_stride) {
  for (int i = 0; i < n; i++, w += w_stride) {
    const float xv = x[i];
    for (int j = 0; j < 8; j++) {
      const float prod = xv * w[j];
      acc[j] = acc[j] + prod;
    }
  }
}

BNN_F32_INLINE void bnn_f32_vmac_row(float *acc, const float *x, const float *w, int blocks) {
  for (int j = 0; j < 8 * blocks; j++) {
    const float prod = x[j] * w[j];
    acc[j] = acc[j] + prod;
  }
}

BNN_F32_INLINE void bnn_f32_affine_row(float *y, const float *x, const float *scale, const float *shift, int blocks) {
  for (int j = 0; j < 8 * blocks; j++) {
    const float prod = x[j] * scale[j];
    y[j] = prod + shift[j];
  }
}
#endif

#endif /* BNN_FLOAT_MAC_H */
