// Source of the kernels' WebAssembly module, as WAT text. JavaScript only unrolls the register-blocked
// micro-kernel (2 pixels × 4 output channels); everything else is plain WAT. scripts/build-wasm.mjs
// assembles it with wabt into src/generated/kernels-wasm.ts.
//
// Memory is imported (`env.memory`) so the JS side owns the layout; with `shared: true` the same code is
// built against a shared memory for two-thread execution. All pointers are byte offsets.
//
// The kernels are written per op family in ./wat/: gemm.mjs (binary GEMM micro-kernels), pack.mjs, im2col.mjs,
// depthwise-pool.mjs (binary depthwise conv, binary max-pool), float-conv.mjs, float-ops.mjs, int8-ops.mjs,
// roofline.mjs.
// This file assembles them into one module, in a fixed order (the assembled bytes must not change by accident).

import { depthwiseAndPoolKernels } from './wat/depthwise-pool.mjs';
import { floatConvKernel } from './wat/float-conv.mjs';
import { floatOpKernels } from './wat/float-ops.mjs';
import { GEMM_KERNELS, gemmKernel, rowKernel, STEP_STORE_BYTES } from './wat/gemm.mjs';
import { im2colKernel } from './wat/im2col.mjs';
import { int8OpKernels } from './wat/int8-ops.mjs';
import { packKernel } from './wat/pack.mjs';
import { ROOFLINES, rooflineKernel } from './wat/roofline.mjs';

export { GEMM_KERNELS, GEMM_VARIANTS, STEP_STORE_BYTES } from './wat/gemm.mjs';
export { ROOFLINES } from './wat/roofline.mjs';

/** The complete module text. */
export function kernelsWat({ shared = false, variants = [] } = {}) {
  return `(module
  (import "env" "memory" (memory 1 65536${shared ? ' shared' : ''}))
  ${packKernel()}
  ${im2colKernel()}
  ${GEMM_KERNELS.map((g) => (g.row ? rowKernel({ ...g, U: g.unroll, storeAt: STEP_STORE_BYTES.main }) : gemmKernel(g))).join('\n')}
  ${
    // the worker's copies of the row kernels store their running counts on a line of their own
    shared
      ? GEMM_KERNELS.filter((g) => g.row && g.stores !== false)
          .map((g) => rowKernel({ ...g, name: `${g.name}_w`, U: g.unroll, storeAt: STEP_STORE_BYTES.worker }))
          .join('\n')
      : ''
  }
  ${variants.map((v) => gemmKernel(v)).join('\n')}
  ${depthwiseAndPoolKernels()}
  ${floatConvKernel()}
  ${floatOpKernels()}
  ${int8OpKernels()}
  ${ROOFLINES.map(rooflineKernel).join('\n')}
)`;
}
