import type { OpBase, Padding } from './common.js';

/** Fields of the windowed pooling ops. */
export interface PoolOpBase extends OpBase {
  pool: [number, number];
  strides: [number, number];
  padding: Padding;
}
