/** Codes of the pruning errors (each message names the problem; `fix` says what to do). */
export type PruneErrorCode =
  | 'prune_unknown_space'
  | 'prune_fixed_space'
  | 'prune_bad_keep'
  | 'prune_bad_options'
  | 'prune_invalid_graph'
  | 'prune_missing_weights';

/** Why a graph could not be pruned, with a fix. */
export class PruneError extends Error {
  readonly code: PruneErrorCode;
  readonly fix: string;
  constructor(code: PruneErrorCode, message: string, fix: string) {
    super(`${message} Fix: ${fix}`);
    this.name = 'PruneError';
    this.code = code;
    this.fix = fix;
  }
}
