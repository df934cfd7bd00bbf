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

/** The runtime's BNN_PAIRS_MIN_WORDS / BNN_PAIRS_MAX_WORDS (bnn_runtime.h): filter rows paired for bit-packed output. */
export const PAIRS_MIN_WORDS = 8;
export const PAIRS_MAX_WORDS = 255;

/**
 * The runtime's pair layout (bnn_pair_rows in bnn_runtime.c) of `count` rows of n words: with s = n & 1, word
 * s + 2j + 1 becomes w[s + 2j] ^ w[s + 2j + 1]. Returns a new array.
 */
export function pairRows(rows: Int32Array, count: number, n: number): Int32Array {
  if (rows.length !== count * n)
    throw new Error(
      `pairRows: ${rows.length} words are not ${count} rows of ${n} words (fix: pass the filter's shape)`,
    );
  const out = Int32Array.from(rows);
  for (let r = 0; r < count; r++) {
    for (let i = r * n + (n & 1); i + 1 < (r + 1) * n; i += 2) out[i + 1] = out[i]! ^ out[i + 1]!;
  }
  return out;
}

export const bconv2dC: CKernel<'bconv2d'> = {
  /** The packed patch of one output pixel. */
  scratchBytes: (op) => 4 * op.kernel[0] * op.kernel[1] * words(op.inChannels),
  emit(op, { e, prefix, inT, outT, U, P, scratch }) {
    const w = windowOf(inT.shape, op.kernel, op.strides, op.dilations, op.padding);
    // bit-packed output: rows of PAIRS_MIN_WORDS..PAIRS_MAX_WORDS words in the pair layout (one instruction less
    // per pair in the Thumb-2 kernel); the float output reads plain rows
    const row = op.kernel[0] * op.kernel[1] * words(op.inChannels);
    const pairs = op.transform.kind === 'bitpacked' && row >= PAIRS_MIN_WORDS && row <= PAIRS_MAX_WORDS;
    const filter = e.words(`${prefix}_filter`, pairs ? pairRows(op.filter, op.outChannels, row) : op.filter);
    const ot = transformInit(e, prefix, op.transform);
    const p = e.params(
      'bnn_bconv2d_params',
      `${prefix}_params`,
      `{.win = ${cWindow(w, op.kernel, op.strides, op.dilations)}, .in_c = ${op.inChannels}, ` +
        `.out_c = ${op.outChannels}, .pad = ${binaryPad(op)}, .filter = ${filter}, .ot = ${ot}, ` +
        `.filter_pairs = ${pairs ? 1 : 0}}`,
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
