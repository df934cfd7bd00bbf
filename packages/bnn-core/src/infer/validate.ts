import type { GraphSpec } from '../spec/graph-types.js';
import type { GraphIssue } from '../spec/issues.js';
import { inferGraph } from './analyze.js';

/**
 * Every problem of a graph at once (errors and warnings), each naming the node or edge, the field, what is wrong
 * and how to fix it. Same checks as `inferGraph(graph).issues`.
 */
export function validateGraph(graph: GraphSpec): GraphIssue[] {
  return inferGraph(graph).issues;
}

/** Whether a graph has no errors (warnings allowed). */
export function isGraphValid(graph: GraphSpec): boolean {
  return validateGraph(graph).every((i) => i.severity !== 'error');
}
