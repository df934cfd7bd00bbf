/**
 * C emitters of the float ops without a window of weights: scale/shift, pooling, add, concat, reshape and the
 * activations.
 */
import { cFloat } from '../c-literals.js';
import { type CKernel, chans, cWindow, pixels, windowOf } from './emitter.js';

export const scaleShiftC: CKernel<'scale_shift'> = {
  emit(op, { e, prefix, inT, outT, F }) {
    const c = chans(inT);
    const s = e.floats(`${prefix}_scale`, op.scale);
    const sh = e.floats(`${prefix}_shift`, op.shift);
    return `bnn_scale_shift(${F(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${c}, ${s}, ${sh});`;
  },
};

const pool2dC = (fn: 'bnn_maxpool' | 'bnn_avgpool'): CKernel<'maxpool2d' | 'avgpool2d'> => ({
  emit(op, { e, prefix, inT, outT, F }) {
    const w = windowOf(inT.shape, op.pool, op.strides, [1, 1], op.padding);
    const p = e.params('bnn_window', `${prefix}_window`, cWindow(w, op.pool, op.strides, [1, 1]));
    return `${fn}(&${p}, ${chans(inT)}, ${F(inT.id)}, ${F(outT.id)});`;
  },
});
export const maxpool2dC = pool2dC('bnn_maxpool');
export const avgpool2dC = pool2dC('bnn_avgpool');

export const globalAvgpoolC: CKernel<'global_avgpool'> = {
  emit: (_op, { inT, outT, F }) =>
    `bnn_global_avgpool(${F(inT.id)}, ${F(outT.id)}, ${pixels(inT)}, ${chans(inT)});`,
};

export const addC: CKernel<'add'> = {
  emit(op, { outT, F, n }) {
    const parts =
      op.inputs.length === 2
        ? [`bnn_add(${F(op.inputs[0]!)}, ${F(op.inputs[1]!)}, ${F(outT.id)}, ${n});`]
        : [
            `{ const float *const terms[${op.inputs.length}] = {${op.inputs.map((id) => F(id)).join(', ')}};`,
            `  bnn_add_n(terms, ${op.inputs.length}, ${F(outT.id)}, ${n}); }`,
          ];
    return parts.join('\n  ');
  },
};

export const concatC: CKernel<'concat'> = {
  emit(op, { outT, tensor, F }) {
    const outC = chans(outT);
    let offset = 0;
    const parts: string[] = [];
    for (const id of op.inputs) {
      const t = tensor(id);
      parts.push(`bnn_concat_part(${F(id)}, ${F(outT.id)}, ${pixels(t)}, ${chans(t)}, ${outC}, ${offset});`);
      offset += chans(t);
    }
    return parts.join('\n  ');
  },
};

export const reshapeC: CKernel<'reshape'> = {
  emit: (_op, { inT, outT }) =>
    `/* reshape [${inT.shape}] -> [${outT.shape}]: a view of the same arena bytes */`,
};

export const reluC: CKernel<'relu'> = {
  emit: (_op, { inT, outT, F, n }) => `bnn_relu(${F(inT.id)}, ${F(outT.id)}, ${n});`,
};

export const preluC: CKernel<'prelu'> = {
  emit(op, { e, prefix, inT, outT, F, n }) {
    const c = op.alpha.length === n ? n : chans(inT);
    const a = e.floats(`${prefix}_alpha`, op.alpha);
    return `bnn_prelu(${F(inT.id)}, ${F(outT.id)}, ${n / c}, ${c}, ${a});`;
  },
};

export const hardTanhC: CKernel<'hard_tanh'> = {
  emit: (_op, { inT, outT, F, n }) => `bnn_hard_tanh(${F(inT.id)}, ${F(outT.id)}, ${n});`,
};

export const leakyTanhC: CKernel<'leaky_tanh'> = {
  emit: (op, { inT, outT, F, n }) =>
    `bnn_leaky_tanh(${F(inT.id)}, ${F(outT.id)}, ${n}, ${cFloat(op.alpha)});`,
};

export const softmaxC: CKernel<'softmax'> = {
  emit: (_op, { inT, outT, F, n }) =>
    `bnn_softmax(${F(inT.id)}, ${F(outT.id)}, ${n / chans(inT)}, ${chans(inT)});`,
};

export const relu6C: CKernel<'relu6'> = {
  emit: (_op, { inT, outT, F, n }) => `bnn_relu6(${F(inT.id)}, ${F(outT.id)}, ${n});`,
};

export const hardSwishC: CKernel<'hard_swish'> = {
  emit: (_op, { inT, outT, F, n }) => `bnn_hard_swish(${F(inT.id)}, ${F(outT.id)}, ${n});`,
};
