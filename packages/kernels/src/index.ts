// Public API of @bnn-studio/kernels.
export const KERNELS_VERSION = '0.1.0';
