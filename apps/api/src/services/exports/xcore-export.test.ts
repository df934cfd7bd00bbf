// tflite-xcore through the API: the int8 model is calibrated on the run's own dataset (issue #14: before, the API
// called the writer without calibration data and every xcore .tflite export was refused).
import { getPreset, randomWeights, serializeWeights } from '@bnn-studio/bnn-core';
import { readTflite } from '@bnn-studio/exporters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResponse } from '../../contract/exports.js';
import { createTestApp, type TestApp } from '../../test/helpers.js';

describe('xcore exports calibrate on the run dataset (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('exports a completed quicknet-28 run on MNIST to an int8 xcore .tflite', async () => {
    const graph = getPreset('quicknet-28');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph,
        datasetId: 'mnist',
        location: 'browser',
        config: { epochs: 1, batchSize: 32, seed: 3, optimizer: { id: 'adam' } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const runId = created.json().run.id as string;
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/complete?finalAccuracy=0.5&epochs=1`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(serializeWeights(randomWeights(graph, 9))),
    });
    expect(done.statusCode, done.body).toBe(200);

    const res = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/exports`,
      headers: t.auth,
      payload: { target: 'tflite-xcore' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { artifact, report } = ExportResponse.parse(res.json());
    expect(artifact.filename).toMatch(/\.xcore\.tflite$/);
    expect(report).toMatchObject({ profile: 'xcore', io: { input: { type: 'int8' } } });
    const input = (report as { io: { input: { scale: number } } }).io.input;
    expect(input.scale).toBeGreaterThan(0);

    const dl = await t.app.inject({
      method: 'GET',
      url: `/api/artifacts/${artifact.id}/download`,
      headers: t.auth,
    });
    const model = readTflite(new Uint8Array(dl.rawPayload));
    expect(model.subgraphs[0]!.operators.length).toBeGreaterThan(0);

    // The same weights, target and dataset give the cached artifact.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/exports`,
      headers: t.auth,
      payload: { target: 'tflite-xcore' },
    });
    expect(again.json()).toMatchObject({ cached: true, artifact: { id: artifact.id } });
  });

  it('answers 422 export_refused naming the node and the fix for a preset xcore cannot express (larq-mnist)', async () => {
    const graph = getPreset('larq-mnist');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: t.auth,
      payload: {
        graph,
        datasetId: 'mnist',
        location: 'browser',
        config: { epochs: 1, batchSize: 32, seed: 3, optimizer: { id: 'adam' } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const runId = created.json().run.id as string;
    const done = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/complete?finalAccuracy=0.5&epochs=1`,
      headers: { ...t.auth, 'content-type': 'application/octet-stream' },
      payload: Buffer.from(serializeWeights(randomWeights(graph, 9))),
    });
    expect(done.statusCode, done.body).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/exports`,
      headers: t.auth,
      payload: { target: 'tflite-xcore' },
    });
    expect(res.statusCode, res.body).toBe(422);
    const { error } = res.json() as {
      error: { code: string; message: string; fix: string; details: { nodeId: string; rule: string } };
    };
    expect(error.code).toBe('export_refused');
    expect(error.details).toEqual({ nodeId: 'max_pool2d_5', rule: 'xcore.no_binary_maxpool' });
    expect(error.message).toContain('max_pool2d_5');
    expect(error.fix).toMatch(/Move "max_pool2d_5" before the sign quantizer/);
  });
});
