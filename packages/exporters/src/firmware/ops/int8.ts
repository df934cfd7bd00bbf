/**
 * C emitters of the int8 deploy ops. The C runtime's int8 kernels (TFLite's reference integer semantics for
 * Cortex-M4) are not part of this runtime yet: every int8 op is refused with the node and the fix, so no bundle
 * is ever generated that the firmware cannot run.
 */
import type { DeployOp } from '@bnn-studio/bnn-core';
import { ExportRefusedError } from '../../errors.js';
import type { CKernel } from './emitter.js';

function refuseInt8(op: DeployOp): never {
  throw new ExportRefusedError({
    nodeId: op.sourceNode,
    rule: 'stm32.int8_not_in_runtime',
    message: `its ${op.op} op is int8, and the C runtime has no int8 kernels yet.`,
    fix: `Set the precision of "${op.sourceNode}" to float32 and export again.`,
    target: 'stm32l4',
  });
}

const refused = { emit: refuseInt8 };

export const int8QuantizeC: CKernel<'int8_quantize'> = refused;
export const int8DequantizeC: CKernel<'int8_dequantize'> = refused;
export const int8BitpackC: CKernel<'int8_bitpack'> = refused;
export const int8Conv2dC: CKernel<'int8_conv2d'> = refused;
export const int8DepthwiseConv2dC: CKernel<'int8_depthwise_conv2d'> = refused;
export const int8DenseC: CKernel<'int8_dense'> = refused;
export const int8AddC: CKernel<'int8_add'> = refused;
export const int8Maxpool2dC: CKernel<'int8_maxpool2d'> = refused;
export const int8Avgpool2dC: CKernel<'int8_avgpool2d'> = refused;
export const int8Bconv2dC: CKernel<'int8_bconv2d'> = refused;
