// @bnn-studio/bnn-core/tf (training and dataset loaders on TensorFlow.js), imported on first use: tfjs is heavy,
// so training threads, decoding threads and the upload check load it when they need it, never at server start.
export type CoreTf = typeof import('@bnn-studio/bnn-core/tf');

let loading: Promise<CoreTf> | undefined;

/** The bnn-core/tf module, imported once per thread. */
export function loadCoreTf(): Promise<CoreTf> {
  loading ??= import('@bnn-studio/bnn-core/tf');
  return loading;
}
