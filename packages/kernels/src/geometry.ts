/**
 * TensorFlow's `valid` / `same` window arithmetic: bnn-core's one copy (`axisWindow`, `window2d` in its
 * `src/math/window.ts`), under the names the kernels have always exported.
 */
export type { AxisWindow as AxisGeometry, Window2d as ConvGeometry } from '@bnn-studio/bnn-core';
export { axisWindow as axisGeometry, window2d as convGeometry } from '@bnn-studio/bnn-core';
