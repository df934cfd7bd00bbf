// The CPU-heavy part of an import — parsing the .tflite (exporters' `importTflite`), writing and re-reading the
// `.bnn`, the deploy statistics and the composer mapping — as one function that never throws for a bad file.
// `importModel` runs it after the size checks: in a worker thread (`import-thread.ts`, through `lib/thread.ts`
// `askThread`) above INLINE_IMPORT_BYTES, so a 20 MiB import (~150 ms of parsing) never holds the server's event
// loop; inline below, where loading the exporters into a fresh thread costs far more than the import (measured on
// the compiled build under load ~19 on 2 cores: a 15 KB file 68 ms inline, 1.4 s through a new thread).
import { threadId } from 'node:worker_threads';
import {
  type DeployGraph,
  deployStats,
  formatRaiseRefusal,
  type GraphSpec,
  type RaiseRefusal,
  raiseDeployGraph,
  serializeWeights,
} from '@bnn-studio/bnn-core';
import {
  formatRefusal,
  type ImportedIo,
  importTflite,
  readBnn,
  TfliteImportError,
  writeBnn,
} from '@bnn-studio/exporters';
import type { ImportRefusal } from '../../contract/imports.js';
import { askThread } from '../../lib/thread.js';

/** Uploads up to this size are imported on the calling thread (a thread start costs more than they do). */
export const INLINE_IMPORT_BYTES = 64 * 1024;

export interface PrepareImportInput {
  /** The file's bytes (moved to the thread when they own their buffer: the caller must not use them afterwards). */
  bytes: Uint8Array;
  int8Softmax?: 'refuse' | 'float';
  /** Written into the `.bnn` header. */
  runId: string;
  /** The deploy graph's name. */
  name: string;
  filename: string;
}

export interface PreparedImport {
  ok: true;
  /** The `.bnn` file to store (already read back once: CRC and contract). */
  bnn: Uint8Array;
  /** Packed weight bytes (`deployStats`), the run's `packedBytes`. */
  weightBytes: number;
  /** TFLite operators in the file. */
  operators: number;
  deployOps: number;
  input: { id: string; shape: number[] };
  io: { input: ImportedIo; outputs: ImportedIo[] };
  approximations: { operatorIndex: number; op: string; message: string }[];
  /**
   * Whether the deploy graph maps onto studio layers (bnn-core `raiseDeployGraph`): the studio graph and its
   * initial weights (serializeWeights bytes), or why not (the first op(s) that do not map).
   */
  composer:
    | { maps: true; graph: GraphSpec; weights: Uint8Array }
    | { maps: false; reason: string; refused: RaiseRefusal[] };
  /** The worker thread that did the work (0 when run on the main thread). */
  threadId: number;
}

/** A 422 the caller throws as an ApiError: `tflite_invalid` (corrupt, truncated) or `tflite_refused`. */
export interface FailedImport {
  ok: false;
  code: 'tflite_invalid' | 'tflite_refused';
  message: string;
  fix: string;
  details: Record<string, unknown>;
}

export type PrepareImportResult = PreparedImport | FailedImport;

/** Parses and converts one upload; a corrupt file or a refused operator is a FailedImport, never a throw. */
export function prepareImport(input: PrepareImportInput): PrepareImportResult {
  let result: ReturnType<typeof importTflite>;
  try {
    result = importTflite(input.bytes, input.int8Softmax ? { int8Softmax: input.int8Softmax } : {});
  } catch (err) {
    if (!(err instanceof TfliteImportError)) throw err;
    // The error's message ends with its fix; the API sends the fix in its own field.
    const message = err.message.endsWith(err.fix)
      ? err.message.slice(0, -err.fix.length).trim()
      : err.message;
    return {
      ok: false,
      code: 'tflite_invalid',
      message,
      fix: err.fix,
      details: {
        reason: err.code,
        ...(err.operatorIndex !== undefined ? { operatorIndex: err.operatorIndex } : {}),
      },
    };
  }
  if (!result.graph || !result.io) {
    const first = result.refused[0];
    return {
      ok: false,
      code: 'tflite_refused',
      message: `The model has ${result.refused.length} operator(s) the studio cannot run exactly${first ? `; first: ${formatRefusal(first)}` : '.'}`,
      fix: 'Convert the model without these operators (see details.refused for each one and what is supported).',
      details: { refused: result.refused satisfies ImportRefusal[], operators: result.operators },
    };
  }
  const graph: DeployGraph = { ...result.graph, name: input.name };
  const bnn = writeBnn(graph, { runId: input.runId, extra: { source: 'tflite', filename: input.filename } });
  readBnn(bnn); // The stored file must read back (CRC, contract); a throw here is a bug, not the user's.
  const inputTensor = graph.tensors.find((t) => t.id === graph.input)!;
  const raised = raiseDeployGraph(graph);
  const composer: PreparedImport['composer'] = raised.maps
    ? { maps: true, graph: raised.graph, weights: serializeWeights(raised.weights) }
    : {
        maps: false,
        reason: `The model runs, exports and predicts as imported, but does not map onto studio layers, so it cannot be edited or retrained in the composer: ${raised.refused
          .slice(0, 3)
          .map(formatRaiseRefusal)
          .join('; ')}${raised.refused.length > 3 ? ` (and ${raised.refused.length - 3} more)` : ''}.`,
        refused: raised.refused,
      };
  return {
    ok: true,
    bnn,
    weightBytes: deployStats(graph).weightBytes,
    operators: result.operators.length,
    deployOps: graph.ops.length,
    input: { id: graph.input, shape: [...inputTensor.shape] },
    io: result.io,
    approximations: result.approximations,
    composer,
    threadId,
  };
}

/** `prepareImport` in a worker thread (the bytes are moved there when they own their buffer). */
export function prepareImportInThread(input: PrepareImportInput): Promise<PrepareImportResult> {
  const { bytes } = input;
  const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return askThread<PrepareImportResult>(
    import.meta.url,
    'import-thread',
    input,
    'import',
    own ? [bytes.buffer as ArrayBuffer] : [],
  );
}
