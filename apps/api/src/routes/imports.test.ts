// POST /api/imports end to end on the real app: an LCE-layout int8 .tflite becomes a completed run of location
// `imported` that exports and predicts; corrupt files are 422, refusals 422 with each operator, oversize 413,
// and nothing is stored when an import fails.
import {
  deserializeWeights,
  evaluateDeployGraphFloat,
  getPreset,
  lower,
  randomWeights,
  seededRandom,
} from '@bnn-studio/bnn-core';
import { importTflite, readBnn, readTflite, writeTflite } from '@bnn-studio/exporters';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lceInt8Bnn } from '../../../../packages/exporters/src/tflite/import/lce-fixtures.js';
import { INLINE_IMPORT_BYTES } from '../services/imports/prepare-import.js';
import { predictRun } from '../services/runs/predict-run.js';
import { multipart } from '../test/dataset-files.js';
import { createTestApp, type TestApp, testProviders } from '../test/helpers.js';

describe.each(testProviders())('model import (%s)', (provider) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(provider, { env: { BNN_STUDIO_MAX_IMPORT_BYTES: '200000' } });
  });
  afterAll(async () => t?.close());

  const post = (data: Buffer, fields?: Record<string, string>, auth = true) => {
    const { payload, headers } = multipart([{ name: 'model.tflite', data }], fields);
    return t.app.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { ...(auth ? t.auth : {}), ...headers },
      payload,
    });
  };
  const counts = async () => ({
    runs: await t.ctx.db.run.count(),
    artifacts: await t.ctx.db.artifact.count(),
    architectures: await t.ctx.db.architecture.count(),
  });

  it('imports an int8 BNN as a completed run that predicts and exports', async () => {
    const { bytes } = lceInt8Bnn(7, false);
    const res = await post(Buffer.from(bytes), { name: 'lce bnn' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ operators: 10, refused: [], approximations: [] });
    // Its int8 stem's weights are off the studio's grid: it does not open in the composer, and says why.
    expect(body.composer).toMatchObject({
      maps: false,
      refused: [expect.objectContaining({ op: 'int8_conv2d' })],
    });
    expect(body.composer.reason).toMatch(/does not map onto studio layers.*deploy op 1 \(int8_conv2d/);
    expect(body.io.input).toMatchObject({ type: 'int8', shape: [1, 8, 8, 3], zeroPoint: -5 });
    const run = await t.app.inject({ method: 'GET', url: `/api/runs/${body.runId}`, headers: t.auth });
    expect(run.statusCode).toBe(200);
    expect(run.json().run).toMatchObject({ status: 'completed', location: 'imported', name: 'lce bnn' });
    const list = await t.app.inject({ method: 'GET', url: '/api/runs?location=imported', headers: t.auth });
    expect(list.json().runs.map((r: { id: string }) => r.id)).toContain(body.runId);
    // The imported-runs dataset row is not offered for training.
    const ds = await t.app.inject({ method: 'GET', url: '/api/datasets', headers: t.auth });
    expect(ds.json().datasets.map((d: { kind: string }) => d.kind)).not.toContain('imported');

    // Predict: int8 samples in, int8 logits out — equal to running the importer's graph directly.
    const sample = Array.from({ length: 192 }, (_, i) => ((i * 37) % 256) - 128);
    const p = await predictRun(t.ctx, body.runId, [sample, sample.map((v) => -v - 1)]);
    expect(p.outputs).toHaveLength(2);
    for (const o of p.outputs) {
      expect(o).toHaveLength(10);
      for (const v of o) expect(Number.isInteger(v) && v >= -128 && v <= 127).toBe(true);
    }
    await expect(predictRun(t.ctx, body.runId, [[1, 2]])).rejects.toMatchObject({
      status: 400,
      code: 'invalid_inputs',
    });

    // The playground's view of it: the deploy graph with typed arrays intact.
    const dg = await t.app.inject({
      method: 'GET',
      url: `/api/runs/${body.runId}/deploy-graph`,
      headers: t.auth,
    });
    expect(dg.statusCode).toBe(200);
    const revived = JSON.parse(dg.body, (_k, v) =>
      v && typeof v === 'object' && '$typed' in v ? Buffer.from(v.base64, 'base64').length : v,
    );
    expect(revived.io.input.type).toBe('int8');
    expect(revived.deploy.ops.map((o: { op: string }) => o.op)).toEqual(
      importTflite(bytes).graph!.ops.map((o) => o.op),
    );
    const anonDg = await t.app.inject({ method: 'GET', url: `/api/runs/${body.runId}/deploy-graph` });
    expect(anonDg.statusCode).toBe(401);

    // Exports work on it: the arm .tflite imports back to the same graph.
    const exp = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${body.runId}/exports`,
      headers: t.auth,
      payload: { target: 'tflite-arm' },
    });
    expect(exp.statusCode, exp.body).toBeLessThan(300);
    const art = exp.json().artifact;
    const file = t.ctx.store.read(art.sha256);
    expect(readTflite(file).subgraphs[0]!.operators.length).toBeGreaterThan(0);
    const again = importTflite(file);
    expect(again.refused).toEqual([]);
    expect(again.graph!.ops.map((o) => o.op)).toEqual(importTflite(bytes).graph!.ops.map((o) => o.op));
    // tflite-xcore too: an imported int8 model needs no calibration (the file's int8 input keeps its quantization).
    const xc = await t.app.inject({
      method: 'POST',
      url: `/api/runs/${body.runId}/exports`,
      headers: t.auth,
      payload: { target: 'tflite-xcore' },
    });
    expect(xc.statusCode, xc.body).toBeLessThan(300);
    const xback = importTflite(t.ctx.store.read(xc.json().artifact.sha256));
    expect(xback.refused).toEqual([]);
    expect(xback.graph!.ops.map((o) => o.op)).toEqual(importTflite(bytes).graph!.ops.map((o) => o.op));
  });

  it('a model whose graph maps onto studio layers gets the studio graph and its weights: they lower to the same outputs', async () => {
    const preset = getPreset('mnist-tiny');
    const bytes = writeTflite(lower(preset, randomWeights(preset, 4)), { profile: 'arm' });
    const res = await post(Buffer.from(bytes), { name: 'tiny' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.composer).toEqual({ maps: true });
    const version = await t.app.inject({
      method: 'GET',
      url: `/api/architecture-versions/${body.architectureVersionId}`,
      headers: t.auth,
    });
    expect(version.statusCode, version.body).toBe(200);
    const graph = version.json().version.graph;
    expect(graph.meta).toMatchObject({ imported: 'tflite', composer: 'mapped' });
    expect(graph.nodes.map((n: { type: string }) => n.type)).toContain('QuantConv2D');
    const w = await t.app.inject({ method: 'GET', url: `/api/runs/${body.runId}/weights`, headers: t.auth });
    expect(w.statusCode).toBe(200);
    const art = await t.ctx.db.artifact.findFirstOrThrow({ where: { runId: body.runId, kind: 'deploy' } });
    const stored = readBnn(t.ctx.store.read(art.sha256)).graph;
    const relowered = lower(graph, deserializeWeights(new Uint8Array(w.rawPayload)));
    const rand = seededRandom(9);
    const x = Float32Array.from({ length: 2 * 784 }, () => rand());
    expect(Array.from(evaluateDeployGraphFloat(relowered, x, 2)[0]!)).toEqual(
      Array.from(evaluateDeployGraphFloat(stored, x, 2)[0]!),
    );
  });

  it('imports files above the inline size in the worker thread: 201, or 422 with nothing stored', async () => {
    const preset = getPreset('binarynet-mlp');
    const bytes = writeTflite(lower(preset, randomWeights(preset, 2)), { profile: 'arm' });
    expect(bytes.length).toBeGreaterThan(INLINE_IMPORT_BYTES);
    const before = await counts();
    const truncated = await post(Buffer.from(bytes.subarray(0, INLINE_IMPORT_BYTES + 1000)));
    expect(truncated.statusCode).toBe(422);
    expect(truncated.json().error.code).toBe('tflite_invalid');
    expect(await counts()).toEqual(before);
    const res = await post(Buffer.from(bytes), { name: 'mlp' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ refused: [], composer: { maps: true } });
  });

  it('answers 422 with every refused operator and stores nothing', async () => {
    const before = await counts();
    // int8 SOFTMAX imports exactly by default; asking to refuse it gives a refusal to test with.
    const res = await post(Buffer.from(lceInt8Bnn(7, true).bytes), { int8Softmax: 'refuse' });
    expect(res.statusCode).toBe(422);
    const err = res.json().error;
    expect(err.code).toBe('tflite_refused');
    expect(err.details.refused).toEqual([expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })]);
    expect(await counts()).toEqual(before);
    // Opting in to the float softmax imports it, reported as an approximation.
    const ok = await post(Buffer.from(lceInt8Bnn(7, true).bytes), { int8Softmax: 'float' });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().approximations).toEqual([expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })]);
    // By default it is TFLite's exact fixed-point int8 softmax, with no approximation.
    const exact = await post(Buffer.from(lceInt8Bnn(7, true).bytes));
    expect(exact.statusCode, exact.body).toBe(201);
    expect(exact.json().approximations).toEqual([]);
  });

  it('answers 422 naming what is wrong with corrupt or truncated files, 413 above the limit, 401 without a token', async () => {
    const before = await counts();
    const { bytes } = lceInt8Bnn(7, false);
    const truncated = await post(Buffer.from(bytes.slice(0, 700)));
    expect(truncated.statusCode).toBe(422);
    expect(truncated.json().error.code).toBe('tflite_invalid');
    expect(truncated.json().error.message).toMatch(/truncated|corrupt/);
    const notTflite = await post(Buffer.from('this is not a model at all, just text'));
    expect(notTflite.statusCode).toBe(422);
    expect(notTflite.json().error.details.reason).toBe('not_tflite');
    const big = await post(Buffer.alloc(250_000, 1));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('payload_too_large');
    const anon = await post(Buffer.from(bytes), {}, false);
    expect(anon.statusCode).toBe(401);
    const empty = multipart([], { name: 'x' });
    const noFile = await t.app.inject({
      method: 'POST',
      url: '/api/imports',
      headers: { ...t.auth, ...empty.headers },
      payload: empty.payload,
    });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().error.code).toBe('missing_file');
    expect(await counts()).toEqual(before);
  });
});
