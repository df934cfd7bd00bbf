// Public API of @bnn-studio/exporters. Name every export; no `export *`.
export const EXPORTERS_VERSION = '0.1.0';

export type { BnnFormatErrorCode } from './errors.js';
// errors (shared by every exporter)
export { BnnFormatError, ExportRefusedError } from './errors.js';

// formats: .bnn and .tflite

// firmware
