import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend/init-backend.js';
import { buildModel, floatTeacher, floatTwin, modelInfo } from './build-model.js';
import { dilateKernel, samePadding } from './layers/quant-layers.js';
import { chain, residualGraph, tinyCnn } from './test-graphs.js';
import { extractWeights, loadWeights, predict, runModel } from './weights.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function input(n: number, per: number, seed = 1): Float32Array {
  const x = new Float32Array(n * per);
  let s = seed;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s >>> 8) / 2 ** 24;
  }
  return x;
}

describe('buildModel', () => {
  it('builds a DAG with residual add, concat and every layer family; shapes as Keras', () => {
    const model = buildModel(residualGraph(), { seed: 3 });
    expect(model.outputs[0]!.shape).toEqual([null, 3]);
    const info = modelInfo(model);
    expect(info.outputIsSoftmax).toBe(true);
    expect(info.logitsModel.outputs[0]!.shape).toEqual([null, 3]);
    const y = runModel(model, input(2, 128), 2);
    expect(y.length).toBe(6);
    expect(y[0]! + y[1]! + y[2]!).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = extractWeights(buildModel(tinyCnn(), { seed: 7 }));
    const b = extractWeights(buildModel(tinyCnn(), { seed: 7 }));
    const c = extractWeights(buildModel(tinyCnn(), { seed: 8 }));
    expect(Array.from(a.n2!.kernel!.data)).toEqual(Array.from(b.n2!.kernel!.data));
    expect(Array.from(a.n2!.kernel!.data)).not.toEqual(Array.from(c.n2!.kernel!.data));
  });

  it('names weights by node id and Keras variable name', () => {
    const model = buildModel(residualGraph(), { seed: 1 });
    const w = extractWeights(model);
    expect(Object.keys(w.stem!).sort()).toEqual(['bias', 'kernel']);
    expect(w.stem!.kernel!.shape).toEqual([3, 3, 2, 4]);
    expect(Object.keys(w.bn0!).sort()).toEqual(['beta', 'gamma', 'moving_mean', 'moving_variance']);
    expect(Object.keys(w.b1!)).toEqual(['kernel']);
    expect(w.dw!.depthwise_kernel!.shape).toEqual([3, 3, 4, 2]);
    expect(Object.keys(w.sep!).sort()).toEqual(['bias', 'depthwise_kernel', 'pointwise_kernel']);
    expect(w.sep!.pointwise_kernel!.shape).toEqual([1, 1, 4, 4]);
    expect(w.prelu!.alpha!.shape).toEqual([1, 1, 4]);
    expect(w.dense!.kernel!.shape).toEqual([12, 3]);
    model.dispose();
  });

  it('loadWeights + predict reproduce the model; bad weight maps are refused with the node named', () => {
    const graph = residualGraph();
    const model = buildModel(graph, { seed: 5 });
    const w = extractWeights(model);
    const x = input(3, 128, 9);
    const direct = runModel(model, x, 3);
    expect(Array.from(predict(graph, w, x, 3))).toEqual(Array.from(direct));
    const other = buildModel(graph, { seed: 6 });
    expect(() =>
      loadWeights(other, { ...w, b1: { kernel: { shape: [1], data: new Float32Array(1) } } }),
    ).toThrow(/node 'b1' variable 'kernel' has shape \[1\]/);
    const { stem: _drop, ...missing } = w;
    expect(() => loadWeights(other, missing)).toThrow(/no weights for node 'stem'/);
    model.dispose();
    other.dispose();
  });

  it('saves and loads through tfjs serialization (custom layers registered)', async () => {
    const model = buildModel(residualGraph(), { seed: 2 });
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.tensor(input(2, 128, 4), [2, 8, 8, 2]);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });

  it('pad_values = 1 pads the binarised input with +1; 0 pads with zeros', () => {
    const make = (padValues: number) =>
      chain(
        'pad',
        [4, 4, 1],
        [
          {
            type: 'QuantConv2D',
            params: {
              filters: 1,
              kernel_size: 3,
              padding: 'same',
              pad_values: padValues,
              input_quantizer: { id: 'ste_sign' },
              kernel_quantizer: { id: 'ste_sign' },
              use_bias: false,
            },
          },
        ],
      );
    const w = { n0: { kernel: { shape: [3, 3, 1, 1], data: new Float32Array(9).fill(0.3) } } };
    // Input zeros binarise to +1 (sign(0) = +1).
    const x = new Float32Array(16);
    const one = predict(make(1), w, x, 1);
    expect(Array.from(one)).toEqual(new Array(16).fill(9));
    const zero = predict(make(0), w, x, 1);
    expect(zero[0]).toBe(4);
    expect(zero[1]).toBe(6);
    expect(zero[5]).toBe(9);
  });

  it('dilated kernels equal tf.conv2d with dilations; same padding split matches TensorFlow', () => {
    const k = tf.randomNormal([3, 2, 2, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const x = tf.randomNormal([1, 9, 8, 2], 0, 1, 'float32', 2) as tf.Tensor4D;
    const ref = tf.conv2d(x, k, 1, 'same', 'NHWC', [2, 3]).dataSync();
    const got = tf.conv2d(x, dilateKernel(k, 2, 3), 1, 'same').dataSync();
    for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 4);
    expect(samePadding(28, 3, 1, 1)).toEqual([1, 1]);
    expect(samePadding(8, 3, 2, 1)).toEqual([0, 1]);
    expect(samePadding(9, 3, 1, 2)).toEqual([2, 2]);
  });

  it('floatTwin removes quantizers and constraints', () => {
    const twin = floatTwin(tinyCnn());
    for (const n of twin.nodes) {
      expect(n.params.input_quantizer ?? null).toBeNull();
      expect(n.params.kernel_quantizer ?? null).toBeNull();
      expect(n.params.kernel_constraint ?? null).toBeNull();
    }
  });

  it('floatTeacher puts hard_tanh where the input quantizers were and loads the student weights', () => {
    const g = tinyCnn();
    const t = floatTeacher(g);
    const quantized = g.nodes.filter((n) => n.params.input_quantizer != null).map((n) => n.id);
    expect(quantized.length).toBeGreaterThan(0);
    for (const id of quantized) {
      const into = t.edges.filter((e) => e.target === id);
      expect(into).toHaveLength(1);
      expect(t.nodes.find((n) => n.id === into[0]!.source)?.type).toBe('HardTanh');
    }
    for (const n of t.nodes) expect(n.params.input_quantizer ?? null).toBeNull();
    const student = buildModel(g, { seed: 3 });
    const teacher = buildModel(t, { seed: 4 });
    loadWeights(teacher, extractWeights(student));
    expect(Object.keys(extractWeights(teacher)).sort()).toEqual(Object.keys(extractWeights(student)).sort());
    student.dispose();
    teacher.dispose();
  });

  it('rejects graphs it cannot build with the node named', () => {
    const g = tinyCnn();
    g.edges.push({ id: 'loop', source: 'n3', target: 'n1' });
    expect(() => buildModel(g)).toThrow(/cycle/);
    const g2 = tinyCnn();
    g2.nodes.push({ id: 'dangling', type: 'ReLU', params: {} });
    expect(() => buildModel(g2)).toThrow(/output node/);
  });
});
