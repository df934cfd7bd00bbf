/** C emitters of the float layers with weights: conv2d, depthwise_conv2d, dense. */
import { act, type CKernel, cWindow, windowOf } from './emitter.js';

export const conv2dC: CKernel<'conv2d'> = {
  emit(op, { e, prefix, inT, outT, F }) {
    const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    const f = e.floats(`${prefix}_filter`, op.filter);
    const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
    const p = e.params(
      'bnn_conv2d_params',
      `${prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
        `.out_c = ${op.outChannels}, .filter = ${f}, .bias = ${b}, .activation = ${act(op.activation)}}`,
    );
    return `bnn_conv2d(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
  },
};

export const depthwiseConv2dC: CKernel<'depthwise_conv2d'> = {
  emit(op, { e, prefix, inT, outT, F }) {
    const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    const m = op.depthMultiplier;
    const f = e.floats(`${prefix}_filter`, op.filter);
    const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
    const p = e.params(
      'bnn_depthwise_params',
      `${prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .channels = ${op.channels}, ` +
        `.multiplier = ${m}, .filter = ${f}, .bias = ${b}, .activation = ${act(op.activation)}}`,
    );
    return `bnn_depthwise(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
  },
};

export const denseC: CKernel<'dense'> = {
  emit(op, { e, prefix, inT, outT, F }) {
    const wts = e.floats(`${prefix}_weights`, op.weights);
    const b = op.bias ? e.floats(`${prefix}_bias`, op.bias) : 'NULL';
    const p = e.params(
      'bnn_dense_params',
      `${prefix}_params`,
      `{.in_c = ${op.inChannels}, .out_c = ${op.outChannels}, .weights = ${wts}, .bias = ${b}, ` +
        `.activation = ${act(op.activation)}}`,
    );
    return `bnn_dense(&${p}, ${F(inT.id)}, ${F(outT.id)});`;
  },
};
