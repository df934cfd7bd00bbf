import type { DeployGraph } from '@bnn-studio/bnn-core';

/** Provenance stored in a `.bnn` header. Every field is optional; unknown keys are kept in `extra`. */
export interface BnnMeta {
  /** Id of the training run the weights come from. */
  runId?: string;
  /** Dataset the model was trained/evaluated on (e.g. 'mnist'). */
  dataset?: string;
  /** Test accuracy in [0, 1] measured by the studio. */
  accuracy?: number;
  /** ISO-8601 time of export. Left out unless given, so the same model always gives the same bytes. */
  createdAt?: string;
  /** Name and version of the program that wrote the file (default 'bnn-studio exporters 0.1.0'). */
  producer?: string;
  /** Free-form key/values (architecture name, preset id, notes …). */
  extra?: Record<string, string | number | boolean>;
}

export interface WriteBnnOptions {
  /**
   * Compress the JSON header with raw DEFLATE (default true: a 40-op graph's 10 KiB header becomes ~1.6 KiB).
   * false keeps it plain UTF-8, readable with `strings` or a hex editor.
   */
  compressHeader?: boolean;
}

export interface ReadBnnOptions {
  /** Refuse files larger than this many bytes (default 64 MiB). */
  maxBytes?: number;
}

export interface BnnFile {
  graph: DeployGraph;
  meta: BnnMeta;
  /** Version of the file that was read. */
  version: { major: number; minor: number };
  /**
   * The numeric contract the file was exported under: `'float32'` (version 1.1 and later: every float op is
   * float32 operations in a fixed order, what kernels and firmware compute today) or `'float64-accumulate'`
   * (version 1.0: depthwise, dense, pools, add, scale_shift, leaky_tanh and softmax summed in double). A 1.0
   * file's graph is read unchanged and runs under the float32 contract; its float outputs may differ from the
   * exporting version's in the last bits (argmaxes and bit-packed tensors almost always agree). Re-export it to
   * get golden vectors of the current contract.
   */
  numerics: 'float32' | 'float64-accumulate';
  /** Bytes of tensor data (weights, thresholds, BatchNorm terms) in the file. */
  tensorBytes: number;
  /** Everything else: fixed header, JSON header, tensor table, alignment padding, CRC. */
  overheadBytes: number;
}
