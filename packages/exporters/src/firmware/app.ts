/** The self-check application: golden vectors from the studio and a main() that prints PASS/FAIL. */

import { cFloatArray, cU32Array } from './c-literals.js';
import type { GeneratedModel } from './codegen.js';

export interface GoldenVectors {
  /** Number of samples. */
  count: number;
  /** `count` samples of the model input, one after another. */
  inputs: Float32Array;
  /** Per graph output: `count` samples of expected values, one after another. */
  outputs: Float32Array[];
}

export function generateGolden(
  model: GeneratedModel,
  golden: GoldenVectors,
): { header: string; source: string } {
  const inSize = model.inputShape.reduce((a, b) => a * b, 1);
  if (golden.count < 1) throw new Error('golden vectors: need at least one sample');
  if (golden.inputs.length !== golden.count * inSize) {
    throw new Error(
      `golden vectors: inputs hold ${golden.inputs.length} floats, expected ${golden.count}×${inSize}`,
    );
  }
  if (golden.outputs.length !== model.outputShapes.length) {
    throw new Error(
      `golden vectors: ${golden.outputs.length} outputs given, the model has ${model.outputShapes.length}`,
    );
  }
  const parts: string[] = [];
  model.outputShapes.forEach((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const out = golden.outputs[i]!;
    if (out.length !== golden.count * size) {
      throw new Error(
        `golden vectors: output ${i} holds ${out.length} floats, expected ${golden.count}×${size}`,
      );
    }
    // Expected outputs as IEEE-754 bit patterns: the self-check compares bits, not values.
    const bits = new Uint32Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength));
    parts.push(`const uint32_t bnn_golden_output${i}[${bits.length}] = {\n${cU32Array(bits)}\n};`);
  });
  const header = `/* Golden test vectors computed by BNN Studio (@bnn-studio/kernels reference). Generated. */
#ifndef BNN_GOLDEN_H
#define BNN_GOLDEN_H
#include <stdint.h>
#include "bnn_model.h"

#define BNN_GOLDEN_COUNT ${golden.count}
extern const float bnn_golden_input[${golden.count * inSize}];
${model.outputShapes.map((_, i) => `extern const uint32_t bnn_golden_output${i}[];`).join('\n')}
#endif
`;
  const source = `/* Golden test vectors computed by BNN Studio. Generated. */
#include <math.h>
#include "golden.h"

const float bnn_golden_input[${golden.count * inSize}] = {
${cFloatArray(golden.inputs)}
};
${parts.join('\n')}
`;
  return { header, source };
}

export function generateMain(model: GeneratedModel): string {
  const outs = model.outputShapes.map((_, i) => i);
  return `/*
 * Self-check: runs the model on the studio's golden vectors and compares every output bit for bit.
 * Prints PASS or FAIL (over semihosting in the emulator profile; stdout on the host).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bnn_model.h"
#include "golden.h"

static uint32_t float_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static int check_output(int vector, int index, const uint32_t *expected, int size) {
  const float *y = bnn_output(index);
  int mismatches = 0;
  for (int i = 0; i < size; i++) {
    const uint32_t got = float_bits(y[i]), want = expected[(size_t)vector * (size_t)size + (size_t)i];
    if (got != want) {
      if (mismatches < 8) {
        printf("  vector %d output %d [%d]: got 0x%08lx want 0x%08lx\\n", vector, index, i, (unsigned long)got,
               (unsigned long)want);
      }
      mismatches++;
    }
  }
  return mismatches;
}

/* Stays readable by a debugger on hardware: 1 = PASS, 2 = FAIL. */
volatile int bnn_selfcheck_result;

int main(void) {
  printf("BNN self-check: model %s, %d golden vector(s), arena %d bytes\\n", BNN_MODEL_NAME, BNN_GOLDEN_COUNT,
         (int)BNN_ARENA_BYTES);
  if (bnn_init() != 0) {
    printf("FAIL: bnn_init\\n");
    bnn_selfcheck_result = 2;
    return 1;
  }
  long failures = 0;
  for (int v = 0; v < BNN_GOLDEN_COUNT; v++) {
    memcpy(bnn_input(), bnn_golden_input + (size_t)v * BNN_INPUT_SIZE, sizeof(float) * BNN_INPUT_SIZE);
    if (bnn_invoke() != 0) {
      printf("FAIL: bnn_invoke\\n");
      bnn_selfcheck_result = 2;
      return 1;
    }
    int m = 0;
${outs.map((i) => `    m += check_output(v, ${i}, bnn_golden_output${i}, BNN_OUTPUT${i}_SIZE);`).join('\n')}
    printf("vector %d: %d mismatching values\\n", v, m);
    failures += m;
  }
  bnn_selfcheck_result = failures ? 2 : 1;
  printf(failures ? "FAIL\\n" : "PASS\\n");
  return failures ? 1 : 0;
}
`;
}
