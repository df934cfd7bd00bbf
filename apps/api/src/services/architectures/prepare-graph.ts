import { createHash } from 'node:crypto';
import { type GraphAnalysis, type GraphSpec, inferGraph, parseGraph } from '@bnn-studio/bnn-core';
import { ApiError } from '../../lib/errors.js';

/**
 * Validates a graph document (422 with bnn-core's issues, each naming the node and the fix) and computes what an
 * immutable version stores: canonical JSON, its sha256, and the inferred summary (shapes, sizes, MACs).
 */
export function prepareGraph(json: unknown) {
  const parsed = parseGraph(json);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    throw new ApiError(
      422,
      'invalid_graph',
      `The graph is not valid: ${first?.message ?? 'unknown problem'}${parsed.issues.length > 1 ? ` (+${parsed.issues.length - 1} more)` : ''}`,
      first?.fix,
      { issues: parsed.issues },
    );
  }
  const analysis = inferSummary(parsed.graph);
  const errors = analysis?.issues.filter((i) => i.severity === 'error') ?? [];
  if (errors.length) {
    throw new ApiError(
      422,
      'invalid_graph',
      `The graph has ${errors.length} error(s): ${errors[0]!.message}`,
      errors[0]!.fix,
      { issues: analysis!.issues },
    );
  }
  const graphJson = JSON.stringify(parsed.graph);
  return {
    graph: parsed.graph,
    graphJson,
    graphSha256: createHash('sha256').update(graphJson).digest('hex'),
    summaryJson: analysis ? JSON.stringify(analysis) : null,
    modelSizeBytes: analysis?.totals.modelSizeBytes ?? null,
  };
}

/** Shape/cost summary of a parsed graph, or null when inference throws (the version is stored without one). */
function inferSummary(graph: GraphSpec): GraphAnalysis | null {
  try {
    return inferGraph(graph);
  } catch {
    return null;
  }
}
