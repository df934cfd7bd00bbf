/**
 * Error types shared by every exporter (.bnn, .tflite, firmware bundles).
 *
 * - `ExportRefusedError`: the model is valid but the chosen target cannot express it. It names the layer
 *   (`nodeId`, the DeployOp's `sourceNode`), the rule that is broken and the edit that fixes it, so the studio
 *   can attach the error to the node on the canvas. The API maps it to 422 `export_refused`.
 * - `BnnFormatError`: a `.bnn` file cannot be read. `code` says which check failed; `fix` says what to do.
 */

export class ExportRefusedError extends Error {
  override readonly name = 'ExportRefusedError';
  /** Graph node the refusal is about (DeployOp.sourceNode), or '' for a model-wide rule. */
  readonly nodeId: string;
  /** Short, stable id of the rule that is broken (e.g. 'xcore.channels_in_multiple_of_32'). */
  readonly rule: string;
  /** The edit that makes the model exportable. */
  readonly fix: string;
  /** Target the export was for (e.g. 'tflite-xcore', 'stm32l4'). */
  readonly target: string;

  constructor(args: { nodeId: string; rule: string; message: string; fix: string; target?: string }) {
    const where = args.nodeId ? `layer "${args.nodeId}"` : 'model';
    const target = args.target ? `${args.target}: ` : '';
    super(`${target}${where} cannot be exported: ${args.message} Fix: ${args.fix}`);
    this.nodeId = args.nodeId;
    this.rule = args.rule;
    this.fix = args.fix;
    this.target = args.target ?? '';
  }
}

/** Every way reading a `.bnn` can fail. */
export type BnnFormatErrorCode =
  | 'truncated'
  | 'bad_magic'
  | 'unsupported_version'
  | 'crc_mismatch'
  | 'too_large'
  | 'bad_header'
  | 'bad_tensor_table'
  | 'trailing_bytes';

export class BnnFormatError extends Error {
  override readonly name = 'BnnFormatError';
  readonly code: BnnFormatErrorCode;
  /** What the user should do about it. */
  readonly fix: string;

  constructor(code: BnnFormatErrorCode, message: string, fix: string) {
    super(`.bnn reader: ${message} ${fix}`);
    this.code = code;
    this.fix = fix;
  }
}
