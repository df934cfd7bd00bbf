// The response contract: every operation of /api/openapi.json documents its success response, and the real app's
// answers parse with the schemas the web parses them with (@bnn-studio/api/contract).
import { getPreset, randomWeights, serializeWeights } from '@bnn-studio/bnn-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../app.js';
import * as contract from '../contract/index.js';
import { defineRoute } from '../lib/route.js';
import { checkResponsesAgainstContract, createTestApp, type TestApp } from '../test/helpers.js';

const graph = getPreset('mnist-tiny');
const trainConfig = { epochs: 2, batchSize: 32, seed: 7, optimizer: { id: 'adam', learningRate: 0.01 } };

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

describe('API contract (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t?.close());

  /** Calls the app and parses the JSON answer with `schema` (the web's reader), failing on any mismatch. */
  async function call<S extends z.ZodType>(
    schema: S,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<z.output<S>> {
    const res = await t.app.inject({
      method,
      url,
      headers: t.auth,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    const parsed = schema.safeParse(res.json());
    expect(parsed.error?.issues, `${method} ${url}`).toBeUndefined();
    return parsed.data as z.output<S>;
  }

  it('documents a response schema for the success code of every operation', async () => {
    const doc = await call(contract.OpenApiResponse, 'GET', '/api/openapi.json');
    const missing: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, Operation>)) {
        operations++;
        const success = Object.entries(op.responses).find(([code]) => /^2\d\d$/.test(code));
        const media = success ? Object.values(success[1].content ?? {}) : [];
        const schema = media[0]?.schema;
        if (!schema || Object.keys(schema).length === 0) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(operations).toBe(t.app.apiRoutes.length);
    expect(operations).toBeGreaterThanOrEqual(27);
    expect(missing).toEqual([]);
  });

  it('answers every resource call in the shape of its contract', async () => {
    await call(contract.HealthResponse, 'GET', '/api/health');
    const { project } = await call(contract.ProjectResponse, 'POST', '/api/projects', { name: 'p' });
    const projects = await call(contract.ProjectListResponse, 'GET', '/api/projects');
    expect(projects.projects.map((p) => p.id)).toContain(project.id);

    const created = await call(contract.ArchitectureCreateResponse, 'POST', '/api/architectures', {
      name: 'tiny',
      graph,
      projectId: project.id,
    });
    expect(created.version.graph.nodes.length).toBe(graph.nodes.length);
    const v2 = await call(
      contract.VersionCreateResponse,
      'POST',
      `/api/architectures/${created.architecture.id}/versions`,
      { graph: { ...graph, name: 'tiny v2' } },
    );
    await call(contract.ArchitectureResponse, 'GET', `/api/architectures/${created.architecture.id}`);
    await call(contract.ArchitectureListResponse, 'GET', '/api/architectures');
    const version = await call(
      contract.VersionResponse,
      'GET',
      `/api/architecture-versions/${v2.version.id}`,
    );
    expect(version.version.architectureName).toBe('tiny');

    const datasets = await call(contract.DatasetListResponse, 'GET', '/api/datasets');
    expect(datasets.datasets.map((d) => d.id)).toContain('mnist');
    await call(contract.DatasetResponse, 'GET', '/api/datasets/mnist');

    const { run } = await call(contract.RunResponse, 'POST', '/api/runs', {
      architectureVersionId: v2.version.id,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
    });
    expect(run.status).toBe('running');
    const points = [1, 2].flatMap((epoch) => [
      { epoch, name: 'loss', value: 1 / epoch },
      { epoch, name: 'accuracy', value: 0.4 * epoch },
    ]);
    await call(contract.MetricsAcceptedResponse, 'POST', `/api/runs/${run.id}/metrics`, { points });
    await call(contract.HeartbeatResponse, 'POST', `/api/runs/${run.id}/heartbeat`, {});
    const metrics = await call(contract.RunMetricsResponse, 'GET', `/api/runs/${run.id}/metrics`);
    expect(metrics.metrics).toHaveLength(4);
    const completed = await call(contract.RunResponse, 'POST', `/api/runs/${run.id}/complete`, {
      weights: Buffer.from(serializeWeights(randomWeights(graph, 3))).toString('base64'),
      finalAccuracy: 0.8,
      epochs: 2,
      confusionMatrix: [
        [1, 0],
        [0, 1],
      ],
    });
    expect(completed.run.results?.labels).toEqual(['0', '1']);
    const detail = await call(contract.RunDetailResponse, 'GET', `/api/runs/${run.id}`);
    expect(detail.run.metrics).toEqual({ loss: 0.5, accuracy: 0.8 });
    const page = await call(contract.RunListResponse, 'GET', '/api/runs?pageSize=5');
    expect(page.runs[0]?.id).toBe(run.id);

    const exported = await call(contract.ExportResponse, 'POST', `/api/runs/${run.id}/exports`, {
      target: 'bnn',
    });
    await call(contract.ArtifactResponse, 'GET', `/api/artifacts/${exported.artifact.id}`);
    const arm = await call(contract.ExportResponse, 'POST', `/api/runs/${run.id}/exports`, {
      target: 'tflite-arm',
    });
    expect(arm.report?.profile).toBe('arm');

    const other = await call(contract.RunResponse, 'POST', '/api/runs', {
      architectureVersionId: v2.version.id,
      datasetId: 'mnist',
      config: trainConfig,
      location: 'browser',
    });
    const cancelled = await call(contract.RunResponse, 'POST', `/api/runs/${other.run.id}/cancel`, {});
    expect(cancelled.run.status).toBe('cancelled');
    await call(contract.RunDeletedResponse, 'DELETE', `/api/runs/${other.run.id}`);
  });
});

describe('the test harness checks every answer against its contract', () => {
  it('fails a route whose answer its declared schema refuses', async () => {
    const t = await createTestApp('sqlite');
    try {
      const app = await buildApp(t.ctx);
      defineRoute(app, {
        method: 'GET',
        url: '/api/contract-drift',
        summary: 'answers a number where its contract says string',
        tags: ['test'],
        response: z.object({ name: z.string() }),
        // @ts-expect-error -- the compiler refuses an answer its contract refuses; this route forces one through.
        handler: async () => ({ name: 42 }),
      });
      checkResponsesAgainstContract(app);
      await app.ready();
      const res = await app.inject({ method: 'GET', url: '/api/contract-drift', headers: t.auth });
      expect(res.statusCode).toBe(500);
      await app.close();
    } finally {
      await t.close();
    }
  });
});
