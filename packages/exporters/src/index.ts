// Public API of @bnn-studio/exporters.
export const EXPORTERS_VERSION = '0.1.0';
