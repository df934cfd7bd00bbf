// Typed access to @bnn-studio/bnn-core as agreed in notes/contracts.md. The core packages are written at the same
// time as this app, so each function is looked up when needed and a missing one yields a clear error instead of a
// build failure.

import type { DeployGraph, GraphSpec, WeightMap } from '@bnn-studio/bnn-core';
import * as core from '@bnn-studio/bnn-core';
import { ApiError } from '../lib/errors.js';

export interface GraphIssue {
  code: string;
  severity: 'error' | 'warning';
  nodeId?: string;
  edgeId?: string;
  field?: string;
  message: string;
  fix: string;
}

export interface GraphAnalysis {
  nodes: Record<string, unknown>;
  order: string[];
  totals: Record<string, number> & { modelSizeBytes?: number };
  issues: GraphIssue[];
}

export interface CoreApi {
  parseGraph(json: unknown): { ok: true; graph: GraphSpec } | { ok: false; issues: GraphIssue[] };
  inferGraph(graph: GraphSpec): GraphAnalysis;
  lower(graph: GraphSpec, weights: WeightMap, options?: unknown): DeployGraph;
  serializeWeights(w: WeightMap): Uint8Array;
  deserializeWeights(bytes: Uint8Array): WeightMap;
}

const api = core as unknown as Partial<CoreApi>;

export function hasCore<K extends keyof CoreApi>(name: K): boolean {
  return typeof api[name] === 'function';
}

export function coreFn<K extends keyof CoreApi>(name: K): CoreApi[K] {
  const fn = api[name];
  if (typeof fn !== 'function') {
    throw new ApiError(
      501,
      'not_available',
      `@bnn-studio/bnn-core does not provide ${name}() in this build.`,
      'Rebuild the workspace (npm run build) with a bnn-core version that exports it.',
    );
  }
  return fn as CoreApi[K];
}

/**
 * Parses and validates a graph document. Uses bnn-core's parseGraph when present; otherwise checks the document's
 * outer structure (format, version, nodes, edges).
 */
export function parseGraphDocument(
  json: unknown,
): { ok: true; graph: GraphSpec } | { ok: false; issues: GraphIssue[] } {
  if (hasCore('parseGraph')) return coreFn('parseGraph')(json);
  const g = json as Partial<GraphSpec> | null;
  const issues: GraphIssue[] = [];
  if (!g || typeof g !== 'object' || Array.isArray(g)) {
    issues.push({
      code: 'graph_not_object',
      severity: 'error',
      message: 'The graph must be a JSON object.',
      fix: 'Send the editor graph document.',
    });
  } else {
    if (!Array.isArray(g.nodes))
      issues.push({
        code: 'graph_nodes',
        severity: 'error',
        field: 'nodes',
        message: 'graph.nodes must be an array.',
        fix: 'Add a nodes array.',
      });
    if (!Array.isArray(g.edges))
      issues.push({
        code: 'graph_edges',
        severity: 'error',
        field: 'edges',
        message: 'graph.edges must be an array.',
        fix: 'Add an edges array.',
      });
  }
  return issues.length ? { ok: false, issues } : { ok: true, graph: g as GraphSpec };
}

/** Shape/cost summary of a graph, or null when bnn-core cannot infer it yet. */
export function inferSummary(graph: GraphSpec): GraphAnalysis | null {
  if (!hasCore('inferGraph')) return null;
  try {
    return coreFn('inferGraph')(graph);
  } catch {
    return null;
  }
}

/**
 * The class-count check run before training: the model's output width and an issue (with its fix) when it differs
 * from the dataset's class count; null when they agree or the graph has no readable output head.
 */
export function classCountIssue(
  graph: GraphSpec,
  datasetClasses: number,
): { modelClasses: number; issue: GraphIssue } | null {
  try {
    const head = core.outputHead(graph);
    const issue = head ? core.checkClassCount(graph, datasetClasses) : null;
    return head && issue ? { modelClasses: head.classes, issue } : null;
  } catch {
    return null; // an unreadable graph is reported by the graph checks, not here
  }
}
