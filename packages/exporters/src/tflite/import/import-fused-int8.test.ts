/**
 * Fused RELU6 / RELU_N1_TO_1 on builtin int8 operators (CONV_2D, DEPTHWISE_CONV_2D, ADD, MUL, ADD of a constant,
 * FULLY_CONNECTED), imported from a file in LCE's converter layout: each becomes the op followed by an exact
 * `int8_requantize` clamp, and the imported graph equals the independent BigInt TFLite reference
 * (`../tflite-int8-reference.ts`, which clamps with its own `CalculateActivationRangeQuantized`) bit for bit.
 */
import { runDeployGraph } from '@bnn-studio/kernels';
import { describe, expect, it } from 'vitest';
import { readBnn } from '../../bnn/read-bnn.js';
import { rng } from '../../bnn/test-graphs.js';
import { writeBnn } from '../../bnn/write-bnn.js';
import { readTflite } from '../read-tflite.js';
import { runTfliteInt8Reference } from '../tflite-int8-reference.js';
import { importTflite } from './import-tflite.js';
import { lceInt8FusedActivations, randInt } from './lce-fixtures.js';

describe('importTflite: fused RELU6 / RELU_N1_TO_1 on int8 operators', () => {
  const { bytes, inQ, tensors } = lceInt8FusedActivations(21);
  const r = importTflite(bytes);
  const model = readTflite(bytes);
  const inputs = (seed: number, n: number) => {
    const g = rng(seed);
    return Array.from({ length: n }, (_, k) =>
      Array.from({ length: 6 * 6 * 3 }, (_, i) => (k === 0 ? (i % 2 ? 127 : -128) : randInt(g, -128, 127))),
    );
  };

  it('splits each fused activation into the op and an int8_requantize clamp', () => {
    expect(r.refused).toEqual([]);
    expect(r.operators.map((o) => `${o.op}:${o.became.join('+')}`)).toEqual([
      'CONV_2D:int8_conv2d+int8_requantize',
      'DEPTHWISE_CONV_2D:int8_depthwise_conv2d+int8_requantize',
      'ADD:int8_add+int8_requantize',
      'MUL:int8_mul+int8_requantize',
      'ADD:int8_add+int8_requantize',
      'MEAN:int8_mean',
      'FULLY_CONNECTED:int8_dense+int8_requantize',
    ]);
  });

  it('equals the BigInt TFLite reference bit for bit, with every clamp biting', async () => {
    const bit = { y1: 0, y2: 0, y3: 0, y4: 0 };
    for (const xq of inputs(22, 8)) {
      const ref = runTfliteInt8Reference(model, xq).values;
      // The activation bounds on each output grid (see the fixture): the clamps are exercised, not idle.
      bit.y1 += ref.get(tensors.y1)!.filter((v) => v === 100).length;
      bit.y2 += ref.get(tensors.y2)!.filter((v) => v === 105 || v === -95).length;
      bit.y3 += ref.get(tensors.y3)!.filter((v) => v === 90).length;
      bit.y4 += ref.get(tensors.y4)!.filter((v) => v === 80 || v === -80).length;
      const xf = Float32Array.from(xq, (v) => Math.fround(inQ.s * (v - inQ.z)));
      const [out] = await runDeployGraph(r.graph!, xf, { backend: 'reference' });
      expect(Array.from(out!)).toEqual(ref.get(tensors.out)!);
    }
    for (const [k, n] of Object.entries(bit)) expect(n, `clamp of ${k} never reached`).toBeGreaterThan(0);
  });

  it('.bnn round trip; the WASM engine equals the reference engine bit for bit', async () => {
    const file = readBnn(writeBnn(r.graph!));
    expect(file.graph.ops.map((o) => o.op)).toEqual(r.graph!.ops.map((o) => o.op));
    for (const xq of inputs(23, 4)) {
      const xf = Float32Array.from(xq, (v) => Math.fround(inQ.s * (v - inQ.z)));
      const [a] = await runDeployGraph(r.graph!, xf, { backend: 'reference' });
      const [b] = await runDeployGraph(file.graph, xf, { backend: 'wasm' });
      expect(Array.from(b!)).toEqual(Array.from(a!));
    }
  });
});
