/**
 * Round trips: every .tflite the studio writes imports back to the deploy graph it was written from (arm), and
 * the xcore files import to int8 graphs that re-export to the same bytes.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import { presetDeployGraphs } from '../../bnn/preset-graphs.js';
import { buildMixedGraph, buildZooGraph } from '../../bnn/test-graphs.js';
import { writeTflite } from '../write-tflite.js';
import { importTflite } from './import-tflite.js';

/** The graph without what a .tflite does not carry (name, labels, sourceNode of ops without constants). */
function normalized(g: DeployGraph) {
  return {
    input: g.input,
    outputs: g.outputs,
    tensors: [...g.tensors].sort((a, b) => a.id.localeCompare(b.id)),
    ops: g.ops.map(({ sourceNode: _s, ...rest }) => rest),
  };
}

describe('arm .tflite round trip', () => {
  const presets = presetDeployGraphs(1);
  const cases: { id: string; deploy: DeployGraph }[] = [
    ...presets,
    { id: 'mixed', deploy: buildMixedGraph(11, { size: 12, channels: 32, classes: 10 }) },
  ];
  for (const { id, deploy } of cases) {
    it(`${id}: imports back to an identical deploy graph`, () => {
      const bytes = writeTflite(deploy, { profile: 'arm' });
      const r = importTflite(bytes);
      expect(r.refused).toEqual([]);
      expect(r.graph).not.toBeNull();
      expect(normalized(r.graph!)).toEqual(normalized(deploy));
      // And writes the same bytes again.
      expect(writeTflite(r.graph!, { profile: 'arm' })).toEqual(bytes);
    });
  }

  it('zoo graph: the binary depthwise conv, written as float plumbing, is refused naming its operator', () => {
    const deploy = buildZooGraph(3);
    const bytes = writeTflite(deploy, { profile: 'arm' });
    const r = importTflite(bytes);
    // bdepthwise_conv2d is written LceDequantize → PADV2(1.0) → DEPTHWISE_CONV_2D (±1 weights): the +1 padding of a
    // float map has no deploy op, so the importer refuses it rather than guess the binary layer back.
    expect(r.graph).toBeNull();
    expect(r.refused).toHaveLength(1);
    const [x] = r.refused;
    expect(x!.op).toBe('DEPTHWISE_CONV_2D');
    expect(x!.message).toMatch(/PAD\/PADV2 operator \d+/);
    expect(x!.supported).toMatch(/zero/);
    expect(r.operators[x!.operatorIndex]!.became).toEqual(['refused']);
  });
});
