// The binary layers' dot clamp (LCE's fused_activation_function on LceBconv2d): one range table, accepted by the
// contract for every value, applied by the float evaluator, raised to studio layers where one exists.
import { describe, expect, it } from 'vitest';
import { evaluateDeployGraphFloat } from '../../eval/evaluate-deploy.js';
import { randomWeights } from '../../eval/weight-specs.js';
import { lower } from '../../lower/lower.js';
import { raiseDeployGraph } from '../../lower/raise.js';
import { seededRandom } from '../../math/rng.js';
import { getPreset } from '../../presets/presets.js';
import { checkDeployGraph } from '../check-deploy.js';
import type { DeployGraph, DotClamp } from '../deploy-types.js';
import { clampDot, DOT_CLAMP_RANGE, DOT_CLAMPS } from './common.js';

/** larq-mnist lowered, with the clamp of every float-output binary layer set to `clamp`. */
function withClamp(clamp: DotClamp | string): DeployGraph {
  const g = getPreset('larq-mnist');
  const d = lower(g, randomWeights(g, 7));
  let n = 0;
  for (const op of d.ops) {
    if ((op.op === 'bconv2d' || op.op === 'bdense') && op.transform.kind === 'float') {
      op.transform.clamp = clamp as DotClamp;
      n++;
    }
  }
  expect(n).toBeGreaterThan(0);
  return d;
}

describe('dot clamp', () => {
  it('maps each value to TFLite’s integer CalculateActivationRange, in fused_activation_function order', () => {
    expect(DOT_CLAMPS).toEqual(['none', 'relu', 'relu_n1_to_1', 'relu6']);
    expect(DOT_CLAMP_RANGE).toEqual({
      none: [-(2 ** 31), 2 ** 31 - 1],
      relu: [0, 2 ** 31 - 1],
      relu_n1_to_1: [-1, 1],
      relu6: [0, 6],
    });
    const rand = seededRandom(16);
    for (let i = 0; i < 200; i++) {
      const dot = Math.round((rand() - 0.5) * 40) | 0;
      expect(clampDot(dot, 'none')).toBe(dot);
      expect(clampDot(dot, 'relu')).toBe(Math.max(dot, 0));
      expect(clampDot(dot, 'relu6')).toBe(Math.min(Math.max(dot, 0), 6));
      expect(clampDot(dot, 'relu_n1_to_1')).toBe(Math.min(Math.max(dot, -1), 1));
    }
  });

  it('the contract accepts every clamp and refuses an unknown one, naming the values', () => {
    for (const c of DOT_CLAMPS) expect(checkDeployGraph(withClamp(c)), c).toEqual([]);
    const issues = checkDeployGraph(withClamp('relu7'));
    expect(issues[0]!.message).toMatch(/transform\.clamp "relu7" is unknown/);
    expect(issues[0]!.fix).toMatch(/'relu_n1_to_1', 'relu6'/);
  });

  it('the float evaluator clamps the dot: RELU6 / RELU_N1_TO_1 outputs differ from RELU’s and NONE’s', () => {
    const x = Float32Array.from({ length: 28 * 28 * 2 }, (_, i) => Math.sin(i * 0.37));
    const ys = DOT_CLAMPS.map((c) => Array.from(evaluateDeployGraphFloat(withClamp(c), x, 2)[0]!));
    for (const y of ys) expect(y.every(Number.isFinite)).toBe(true);
    expect(new Set(ys.map((y) => JSON.stringify(y))).size).toBe(4);
  });

  it('raises RELU_N1_TO_1 to a HardTanh on the dot (same outputs) and refuses RELU6 (no studio layer)', () => {
    const d = withClamp('relu_n1_to_1');
    const r = raiseDeployGraph(d);
    if (!r.maps) throw new Error(JSON.stringify(r.refused));
    const x = Float32Array.from({ length: 28 * 28 * 2 }, (_, i) => Math.cos(i * 0.11));
    const back = lower(r.graph, r.weights);
    expect(Array.from(evaluateDeployGraphFloat(back, x, 2)[0]!)).toEqual(
      Array.from(evaluateDeployGraphFloat(d, x, 2)[0]!),
    );
    const six = raiseDeployGraph(withClamp('relu6'));
    expect(six.maps).toBe(false);
    if (!six.maps) expect(six.refused[0]!.message).toMatch(/\[0, 6\].*RELU6/);
  });
});
