/** C emitters of the binary ops: quantize, dequantize, bconv2d, bdepthwise_conv2d, bdense, bmaxpool2d. */
import {
  binaryPad,
  type CKernel,
  chans,
  cWindow,
  pixels,
  transformInit,
  windowOf,
  words,
} from './emitter.js';

export const quantizeC: CKernel<'quantize'> = {
  emit: (_op, { inT, outT, F, U }) =>
    `bnn_quantize(${F(inT.id)}, ${U(outT.id)}, ${pixels(inT)}, ${chans(inT)});`,
};

export const dequantizeC: CKernel<'dequantize'> = {
  emit: (_op, { inT, outT, F, U }) =>
    `bnn_dequantize(${U(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${chans(inT)});`,
};

export const bconv2dC: CKernel<'bconv2d'> = {
  /** The packed patch of one output pixel. */
  scratchBytes: (op) => 4 * op.kernel[0] * op.kernel[1] * words(op.inChannels),
  emit(op, { e, prefix, inT, outT, U, P, scratch }) {
    const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    const filter = e.words(`${prefix}_filter`, op.filter);
    const ot = transformInit(e, prefix, op.transform);
    const p = e.params(
      'bnn_bconv2d_params',
      `${prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
        `.out_c = ${op.outChannels}, .pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}}`,
    );
    return `bnn_bconv2d(&${p}, ${U(inT.id)}, ${P(outT.id)}, BNN_U32(${scratch}));`;
  },
};

export const bdepthwiseConv2dC: CKernel<'bdepthwise_conv2d'> = {
  emit(op, { e, prefix, inT, outT, F, U }) {
    const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    const filter = e.words(`${prefix}_filter`, op.filter);
    const ot = transformInit(e, prefix, op.transform);
    const p = e.params(
      'bnn_bdepthwise_params',
      `${prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .channels = ${op.channels}, ` +
        `.pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}}`,
    );
    return `bnn_bdepthwise(&${p}, ${U(inT.id)}, ${F(outT.id)});`;
  },
};

export const bdenseC: CKernel<'bdense'> = {
  emit(op, { e, prefix, inT, outT, U, P }) {
    const filter = e.words(`${prefix}_filter`, op.filter);
    const ot = transformInit(e, prefix, op.transform);
    const p = e.params(
      'bnn_bdense_params',
      `${prefix}_params`,
      `{.in_c = ${op.inChannels}, .out_c = ${op.outChannels}, .filter = ${filter}, .ot = ${ot}}`,
    );
    return `bnn_bdense(&${p}, ${U(inT.id)}, ${P(outT.id)});`;
  },
};

export const bmaxpool2dC: CKernel<'bmaxpool2d'> = {
  emit(op, { e, prefix, inT, outT, U }) {
    const w = windowOf(inT.shape, op.pool, op.strides, [1, 1], op.padding);
    const p = e.params('bnn_window', `${prefix}_window`, cWindow(w, op.pool, op.strides, [1, 1]));
    return `bnn_bmaxpool(&${p}, ${chans(inT)}, ${U(inT.id)}, ${U(outT.id)});`;
  },
};
