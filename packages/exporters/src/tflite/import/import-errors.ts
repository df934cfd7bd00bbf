/**
 * What importing a `.tflite` can report.
 *
 * - `TfliteImportError`: the file cannot be read as a model at all (not a flatbuffer, truncated, a buffer shorter
 *   than its tensor, an operator naming a tensor that does not exist, …). `code` says which check failed, `fix`
 *   what to do. The API maps it to 422.
 * - `ImportRefusal`: the file is a valid model, but one operator (or option) is something the studio cannot run
 *   exactly. It names the operator index, the op name, what is wrong and what is supported. Refusals are
 *   collected (every independent one is listed), never approximated.
 */

export type TfliteImportErrorCode =
  | 'too_short'
  | 'not_tflite'
  | 'malformed'
  | 'no_subgraph'
  | 'bad_tensor'
  | 'bad_buffer'
  | 'bad_operator'
  | 'bad_options';

export class TfliteImportError extends Error {
  override readonly name = 'TfliteImportError';
  readonly code: TfliteImportErrorCode;
  readonly fix: string;
  /** TFLite operator index the problem is in, when it is in one. */
  readonly operatorIndex?: number;

  constructor(code: TfliteImportErrorCode, message: string, fix: string, operatorIndex?: number) {
    super(`.tflite import: ${message} ${fix}`);
    this.code = code;
    this.fix = fix;
    if (operatorIndex !== undefined) this.operatorIndex = operatorIndex;
  }
}

/** One operator the studio cannot run as written. */
export interface ImportRefusal {
  /** Index of the operator in the subgraph (-1: the model as a whole, e.g. its input). */
  operatorIndex: number;
  /** The op's name: a builtin (`CONV_2D`) or an LCE custom code (`LceBconv2d`). */
  op: string;
  /** What is not supported. */
  message: string;
  /** What is supported instead. */
  supported: string;
}

export function formatRefusal(r: ImportRefusal): string {
  const where = r.operatorIndex >= 0 ? `operator ${r.operatorIndex} (${r.op})` : `model (${r.op})`;
  return `${where}: ${r.message} Supported: ${r.supported}`;
}

/** Thrown inside the importer for one operator; collected into the result's `refused` list. */
export class RefusalSignal extends Error {
  constructor(
    message: string,
    readonly supported: string,
  ) {
    super(message);
  }
}
