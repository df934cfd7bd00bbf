// Public API of @bnn-studio/exporters. Name every export; no `export *`.
export const EXPORTERS_VERSION = '0.1.0';

export { crc32 } from './bnn/crc32.js';
export { BNN_VERSION_MAJOR, BNN_VERSION_MINOR, DEFAULT_MAX_BNN_BYTES } from './bnn/layout.js';
export { readBnn } from './bnn/read-bnn.js';
export type { BnnFile, BnnMeta, ReadBnnOptions } from './bnn/types.js';
// formats: .bnn
export { writeBnn } from './bnn/write-bnn.js';
export type { BnnFormatErrorCode } from './errors.js';
// errors (shared by every exporter)
export { BnnFormatError, ExportRefusedError } from './errors.js';

// firmware
