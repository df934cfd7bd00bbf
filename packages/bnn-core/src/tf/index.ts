// Public API of @bnn-studio/bnn-core/tf: quantizers, layers, training and data on TensorFlow.js.
export const TF_ENTRY = 'bnn-core/tf';
