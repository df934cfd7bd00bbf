/**
 * Every failure of the kernels package is a `KernelError` with a stable code, a message that says where it
 * comes from and what is wrong, and a fix the caller can act on.
 */
export type KernelErrorCode =
  | 'bad_graph'
  | 'bad_op'
  | 'bad_tensor'
  | 'bad_weights'
  | 'unsupported'
  | 'bad_input'
  | 'bad_batch'
  | 'non_finite_input'
  | 'non_finite_output'
  | 'disposed'
  | 'wasm_unavailable';

export class KernelError extends Error {
  readonly code: KernelErrorCode;
  readonly fix: string;
  /** Source node of the offending op, when the problem belongs to one. */
  readonly nodeId: string | undefined;

  constructor(code: KernelErrorCode, message: string, fix: string, nodeId?: string) {
    super(`${message} Fix: ${fix}`);
    this.name = 'KernelError';
    this.code = code;
    this.fix = fix;
    this.nodeId = nodeId;
  }
}

/** A float graph output that overflowed to NaN/±∞ is refused rather than returned. */
export function nonFiniteOutput(id: string): KernelError {
  return new KernelError(
    'non_finite_output',
    `kernels: output "${id}" contains NaN or ±Infinity: a float op overflowed on this input.`,
    'Check that the input has the range and scale the model was trained on.',
  );
}

/** ±∞ or NaN reaching a quantize op can only come from a float op overflowing: refused, never binarised. */
export function nonFiniteQuantize(nodeId: string): KernelError {
  return new KernelError(
    'non_finite_input',
    `kernels: the input of quantize "${nodeId}" contains NaN or ±Infinity (overflow in an earlier float op).`,
    'Check the input scale and the weights of the preceding float layers.',
    nodeId,
  );
}
