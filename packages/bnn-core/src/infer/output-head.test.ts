import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../presets/graph-builder.js';
import { getPreset } from '../presets/presets.js';
import { checkClassCount, outputHead, withOutputClasses } from './output-head.js';

describe('outputHead / checkClassCount / withOutputClasses', () => {
  it('finds the classifier behind BatchNorm and Softmax in every preset', () => {
    const g = getPreset('mnist-tiny');
    const head = outputHead(g);
    expect(head?.classes).toBe(10);
    const units = g.nodes.find((n) => n.id === head?.unitsNodeId);
    expect(units?.type).toBe('QuantDense');
    expect(units?.params.units).toBe(10);
  });

  it('reports a 10-class model on a 3-class dataset with a fix naming the layer, and none when they agree', () => {
    const g = getPreset('mnist-tiny');
    const issue = checkClassCount(g, 3);
    expect(issue).toMatchObject({ code: 'class_mismatch', severity: 'error', field: 'units' });
    expect(issue?.message).toMatch(/outputs 10 class scores but the dataset has 3 classes/);
    expect(issue?.fix).toMatch(/Set units of '.+' to 3/);
    expect(checkClassCount(g, 10)).toBeNull();
  });

  it('sets the output units in one step, leaving the original graph untouched', () => {
    const g = getPreset('mnist-tiny');
    const fixed = withOutputClasses(g, 3)!;
    expect(outputHead(fixed)?.classes).toBe(3);
    expect(checkClassCount(fixed, 3)).toBeNull();
    expect(outputHead(g)?.classes).toBe(10);
  });

  it('offers no units fix when the width is not set by a Dense layer', () => {
    const b = new GraphBuilder('gap head', 'conv filters decide the width');
    const x = b.input([8, 8, 1]);
    b.chain(x, [['Conv2D', { filters: 4, kernel_size: [3, 3] }], ['GlobalAveragePooling2D']]);
    const g = b.build();
    expect(outputHead(g)).toMatchObject({ classes: 4, unitsNodeId: null });
    expect(withOutputClasses(g, 3)).toBeNull();
    expect(checkClassCount(g, 3)?.fix).toMatch(/Dense\/QuantDense of 3 units/);
  });
});
