import type { NamedTensor, WeightMap } from '../spec/graph-types.js';

/** Raised when a WeightMap lacks a variable a node needs or has it with the wrong shape. */
export class WeightError extends Error {
  readonly nodeId: string;
  readonly variable: string;
  readonly fix: string;
  constructor(nodeId: string, variable: string, message: string, fix: string) {
    super(`${message} Fix: ${fix}`);
    this.name = 'WeightError';
    this.nodeId = nodeId;
    this.variable = variable;
    this.fix = fix;
  }
}

/** The variable `name` of node `nodeId`, checked to hold `expected` elements (and `shape` when given). */
export function getWeight(
  weights: WeightMap,
  nodeId: string,
  name: string,
  expected: number,
  shape?: number[],
): Float32Array {
  const t: NamedTensor | undefined = weights[nodeId]?.[name];
  if (!t) {
    const have = Object.keys(weights[nodeId] ?? {});
    throw new WeightError(
      nodeId,
      name,
      `weights: node '${nodeId}' has no variable '${name}'${have.length ? ` (has ${have.join(', ')})` : ' (no variables at all)'}.`,
      'Train the graph again, or load the weights that were trained with this exact graph.',
    );
  }
  const count = t.shape.reduce((a, b) => a * b, 1);
  const shapeOk = !shape || (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]));
  if (count !== expected || t.data.length !== expected || !shapeOk) {
    throw new WeightError(
      nodeId,
      name,
      `weights: '${nodeId}.${name}' has shape [${t.shape.join(', ')}] (${t.data.length} values), expected ${shape ? `[${shape.join(', ')}]` : `${expected} values`}.`,
      'The weights do not belong to this graph version (a layer changed size); retrain or pick the matching graph.',
    );
  }
  return t.data;
}

/** Like `getWeight` but returns `fallback` filled to `expected` when the variable is not used (e.g. BN scale=false). */
export function getWeightOr(
  weights: WeightMap,
  nodeId: string,
  name: string,
  expected: number,
  present: boolean,
  fallback: number,
): Float32Array {
  return present ? getWeight(weights, nodeId, name, expected) : new Float32Array(expected).fill(fallback);
}
