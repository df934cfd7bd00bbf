// The browser training path on tfjs-backend-webgl, in real Chromium. There is no GPU here, but Chromium gives
// WebGL2 through SwiftShader (ANGLE on its Vulkan device), with float32 render targets, so the WebGL backend's
// shaders really run: forward outputs and several training steps of a binarised graph must match tfjs-backend-cpu.
// The training worker itself must still choose wasm under 'auto' (software WebGL is slower than wasm) and must
// train to the end when WebGL is asked for explicitly.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserializeWeights, type GraphSpec, type WeightMap } from '@bnn-studio/bnn-core';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from './protocol';
import type { PoolCase, TrainOutcome, WebglTestApi } from './test-support/webgl-entry';

const CHROMIUM = '/usr/bin/chromium';
const ORIGIN = 'http://localhost:9';
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

async function bundle(entry: string): Promise<string> {
  const out = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    conditions: ['source'],
    // bnn-core/tf's Node-only MNIST loader requires `mnist` at run time through createRequire (never in a browser).
    external: ['mnist'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

/** A small binarised CNN for 8×8×1 inputs, 3 classes: float stem, one-padded binary conv, binary dense head. */
function smallBnn(): GraphSpec {
  const ste = { id: 'ste_sign' };
  const clip = { id: 'weight_clip' };
  const layers: Array<[string, Record<string, unknown>]> = [
    ['Conv2D', { filters: 4, kernel_size: [3, 3], padding: 'same', use_bias: false }],
    ['BatchNormalization', {}],
    [
      'QuantConv2D',
      {
        filters: 8,
        kernel_size: [3, 3],
        padding: 'same',
        pad_values: 1,
        input_quantizer: ste,
        kernel_quantizer: ste,
        kernel_constraint: clip,
        use_bias: false,
      },
    ],
    ['MaxPool2D', { pool_size: [2, 2] }],
    ['BatchNormalization', { scale: false }],
    ['Flatten', {}],
    [
      'QuantDense',
      {
        units: 3,
        input_quantizer: ste,
        kernel_quantizer: ste,
        kernel_constraint: clip,
        use_bias: false,
      },
    ],
    ['BatchNormalization', { scale: false }],
    ['Softmax', {}],
  ];
  const nodes = [
    { id: 'in', type: 'Input', params: { shape: [8, 8, 1] } },
    ...layers.map(([type, params], i) => ({ id: `n${i}`, type, params })),
  ];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i]!.id, target: n.id }));
  return { format: 'bnn-studio.graph', version: 1, name: 'webgl-check', nodes, edges } as GraphSpec;
}

/**
 * A DAG with the other layer kinds (dilated one-padded binary conv, residual Add, binary depthwise and separable
 * convs, PReLU, Concatenate, HardTanh, average and global pooling, float depthwise, LeakyTanh, Dense).
 */
function residualBnn(): GraphSpec {
  const ste = { id: 'ste_sign' };
  const clip = { id: 'weight_clip' };
  const nodes = [
    { id: 'in', type: 'Input', params: { shape: [8, 8, 1] } },
    { id: 'stem', type: 'Conv2D', params: { filters: 4, kernel_size: [3, 3], padding: 'same' } },
    { id: 'bn0', type: 'BatchNormalization', params: {} },
    {
      id: 'b1',
      type: 'QuantConv2D',
      params: {
        filters: 4,
        kernel_size: 3,
        padding: 'same',
        pad_values: 1,
        dilation_rate: 2,
        input_quantizer: ste,
        kernel_quantizer: ste,
        kernel_constraint: clip,
        use_bias: false,
      },
    },
    { id: 'bn1', type: 'BatchNormalization', params: {} },
    { id: 'add', type: 'Add', params: {} },
    {
      id: 'dw',
      type: 'QuantDepthwiseConv2D',
      params: {
        kernel_size: 3,
        padding: 'same',
        pad_values: 1,
        depth_multiplier: 2,
        input_quantizer: ste,
        depthwise_quantizer: ste,
      },
    },
    {
      id: 'sep',
      type: 'QuantSeparableConv2D',
      params: {
        filters: 4,
        kernel_size: 3,
        padding: 'same',
        input_quantizer: { id: 'approx_sign' },
        depthwise_quantizer: ste,
        pointwise_quantizer: ste,
        pointwise_constraint: clip,
      },
    },
    { id: 'prelu', type: 'PReLU', params: {} },
    { id: 'cat', type: 'Concatenate', params: {} },
    { id: 'ht', type: 'HardTanh', params: {} },
    { id: 'pool', type: 'AveragePool2D', params: { pool_size: 2 } },
    { id: 'fdw', type: 'DepthwiseConv2D', params: { kernel_size: 3, padding: 'valid' } },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'gap', type: 'GlobalAveragePooling2D', params: {} },
    { id: 'lt', type: 'LeakyTanh', params: { alpha: 0.1 } },
    { id: 'dense', type: 'Dense', params: { units: 3 } },
    { id: 'soft', type: 'Softmax', params: {} },
  ];
  const wires: Array<[string, string, number?]> = [
    ['in', 'stem'],
    ['stem', 'bn0'],
    ['bn0', 'b1'],
    ['b1', 'bn1'],
    ['bn1', 'add', 0],
    ['bn0', 'add', 1],
    ['add', 'dw'],
    ['add', 'sep'],
    ['sep', 'prelu'],
    ['dw', 'cat', 0],
    ['prelu', 'cat', 1],
    ['cat', 'ht'],
    ['ht', 'pool'],
    ['pool', 'fdw'],
    ['fdw', 'relu'],
    ['relu', 'gap'],
    ['gap', 'lt'],
    ['lt', 'dense'],
    ['dense', 'soft'],
  ];
  const edges = wires.map(([source, target, port]) => ({
    id: `${source}-${target}`,
    source,
    target,
    ...(port === undefined ? {} : { targetPort: port }),
  }));
  return { format: 'bnn-studio.graph', version: 1, name: 'webgl-dag', nodes, edges } as GraphSpec;
}

/** Seeded 8×8 images of three classes (a horizontal bar, a vertical bar, a diagonal) with noise. */
function barsDataset(n: number, seed: number): { x: number[]; y: number[] } {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < n; k++) {
    const c = k % 3;
    const at = 1 + Math.floor(rnd() * 6);
    for (let r = 0; r < 8; r++)
      for (let col = 0; col < 8; col++) {
        const on = c === 0 ? r === at : c === 1 ? col === at : r === col;
        x.push((on ? 0.8 : 0.1) + rnd() * 0.2);
      }
    y.push(c);
  }
  return { x, y };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Largest difference between two weight maps, relative to each tensor's largest magnitude. */
function weightsDiff(a: WeightMap, b: WeightMap): number {
  let worst = 0;
  expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
  for (const [node, vars] of Object.entries(a)) {
    for (const [name, t] of Object.entries(vars)) {
      const u = b[node]![name]!;
      expect(u.shape).toEqual(t.shape);
      let scale = 1e-3;
      for (const v of u.data) scale = Math.max(scale, Math.abs(v));
      worst = Math.max(worst, maxAbsDiff(t.data, u.data) / scale);
    }
  }
  return worst;
}

const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');

/** Serves the test origin: an empty cross-origin-isolated page, the bundles, tfjs' wasm files and IDX data. */
async function servePage(page: Page, files: Record<string, { type: string; body: string | Buffer }>) {
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const isolation = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (path === '/index.html')
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        headers: isolation,
        body: '<!doctype html><html><body></body></html>',
      });
    if (path.startsWith('/tfjs-wasm/')) {
      const name = path.slice('/tfjs-wasm/'.length);
      if (readdirSync(wasmDir).includes(name))
        return route.fulfill({
          status: 200,
          contentType: 'application/wasm',
          headers: isolation,
          body: readFileSync(join(wasmDir, name)),
        });
    }
    const file = files[path];
    if (file)
      return route.fulfill({ status: 200, contentType: file.type, headers: isolation, body: file.body });
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(`${ORIGIN}/index.html`);
}

const idx = (dims: number[], data: Uint8Array): Buffer => {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  for (const [i, d] of dims.entries()) head.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([head, Buffer.from(data)]);
};

describe('WebGL training in Chromium (SwiftShader)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The journeys' flags: even with --disable-gpu, this Chromium renders WebGL2 with SwiftShader on ANGLE/Vulkan.
      // --enable-unsafe-swiftshader keeps that software WebGL available where Chromium no longer falls back to it
      // by itself.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--enable-unsafe-swiftshader',
      ],
    });
    // Launching Chromium is setup, not the thing under test: on a loaded 2-core CI machine it has taken over
    // vitest's default 10 s hook timeout. Playwright's own launch timeout (30 s) still fails a hung launch first.
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('webgl forward outputs and training steps match the cpu backend', async () => {
    const page = await browser.newPage();
    await servePage(page, {
      '/entry.js': { type: 'text/javascript', body: await bundle('test-support/webgl-entry.ts') },
    });
    await page.addScriptTag({ url: `${ORIGIN}/entry.js` });
    const report = await page.evaluate(() =>
      (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.webglReport(),
    );
    expect(report.renderer).toMatch(/swiftshader/i);
    expect(report.hardware).toBe(false);

    const graph = smallBnn();
    const { x, y } = barsDataset(48, 11);
    const job = {
      graph,
      x,
      y,
      shape: [8, 8, 1],
      numClasses: 3,
      // 2 epochs × 3 steps, fixed seed, no shuffling differences: both backends see the same batches.
      config: { epochs: 2, batchSize: 16, seed: 5, optimizer: { id: 'adam', learningRate: 0.01 } },
    };
    const train = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, j]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.trainOn(b, j),
        [backend, job] as const,
      ) as Promise<TrainOutcome>;
    const cpu = await train('cpu');
    const gl = await train('webgl');
    expect(cpu.backend).toBe('cpu');
    expect(gl.backend).toBe('webgl');
    expect(gl.float32).toBe(true);

    // Forward: the cpu-trained weights give the same outputs on both backends.
    const fwd = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, g, w, xs]) =>
          (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.forward(
            b,
            g,
            w,
            xs,
            xs.length / 64,
          ),
        [backend, graph, cpu.weights, x] as const,
      );
    const onCpu = await fwd('cpu');
    const onGl = await fwd('webgl');
    expect(onCpu).toEqual(cpu.outputs);
    expect(maxAbsDiff(onGl, onCpu)).toBeLessThan(1e-4);

    // Gradients of one training-mode step from the same initial weights, variable by variable.
    const grads = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, j]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.gradients(b, j, 5),
        [backend, job] as const,
      );
    const gradCpu = await grads('cpu');
    const gradGl = await grads('webgl');
    expect(gradGl.grads.map((g) => g.name)).toEqual(gradCpu.grads.map((g) => g.name));
    expect(Math.abs(gradGl.loss - gradCpu.loss)).toBeLessThan(1e-5);
    gradCpu.grads.forEach((g, i) => {
      let scale = 1e-3;
      for (const v of g.data) scale = Math.max(scale, Math.abs(v));
      expect({ name: g.name, relDiff: maxAbsDiff(gradGl.grads[i]!.data, g.data) / scale < 1e-4 }).toEqual({
        name: g.name,
        relDiff: true,
      });
    });

    // Training: the same loss at every step, the same trained weights and outputs.
    expect(gl.losses).toHaveLength(6);
    expect(cpu.losses).toHaveLength(6);
    expect(maxAbsDiff(gl.losses, cpu.losses)).toBeLessThan(1e-3);
    expect(
      weightsDiff(
        deserializeWeights(Uint8Array.from(gl.weights)),
        deserializeWeights(Uint8Array.from(cpu.weights)),
      ),
    ).toBeLessThan(1e-3);
    expect(maxAbsDiff(gl.outputs, cpu.outputs)).toBeLessThan(1e-3);
    // The steps changed the model (a meaningful comparison, not of two untouched initialisations).
    expect(cpu.losses[5]!).toBeLessThan(cpu.losses[0]!);
    await page.close();
  }, 180_000);

  it('gradients of a DAG with the other layer kinds match the cpu backend on webgl', async () => {
    const page = await browser.newPage();
    await servePage(page, {
      '/entry.js': { type: 'text/javascript', body: await bundle('test-support/webgl-entry.ts') },
    });
    await page.addScriptTag({ url: `${ORIGIN}/entry.js` });
    const { x, y } = barsDataset(24, 7);
    const job = { graph: residualBnn(), x, y, shape: [8, 8, 1], numClasses: 3, config: {} };
    const grads = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, j]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.gradients(b, j, 9),
        [backend, job] as const,
      );
    const onCpu = await grads('cpu');
    const onGl = await grads('webgl');
    expect(Math.abs(onGl.loss - onCpu.loss)).toBeLessThan(1e-5);
    expect(onGl.grads.map((g) => g.name)).toEqual(onCpu.grads.map((g) => g.name));
    const off = onCpu.grads
      .map((g, i) => {
        let scale = 1e-3;
        for (const v of g.data) scale = Math.max(scale, Math.abs(v));
        return { name: g.name, rel: maxAbsDiff(onGl.grads[i]!.data, g.data) / scale };
      })
      .filter((d) => !(d.rel < 1e-4));
    expect(off).toEqual([]);
    await page.close();
  }, 120_000);

  it('pads tensors of rank 5 and 6 on webgl like cpu (bnn-core dilates kernels with rank-5 pads)', async () => {
    const page = await browser.newPage();
    await servePage(page, {
      '/entry.js': { type: 'text/javascript', body: await bundle('test-support/webgl-entry.ts') },
    });
    await page.addScriptTag({ url: `${ORIGIN}/entry.js` });
    const cases: { shape: number[]; paddings: Array<[number, number]> }[] = [
      {
        shape: [3, 1, 3, 2, 4],
        paddings: [
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
      },
      {
        shape: [5, 3, 1, 2, 4],
        paddings: [
          [0, 0],
          [0, 0],
          [0, 2],
          [0, 0],
          [0, 0],
        ],
      },
      {
        shape: [2, 3, 2, 2, 3],
        paddings: [
          [1, 0],
          [0, 0],
          [2, 1],
          [0, 0],
          [0, 1],
        ],
      },
      {
        shape: [2, 2, 1, 3, 2, 2],
        paddings: [
          [0, 0],
          [1, 1],
          [0, 0],
          [0, 0],
          [0, 2],
          [0, 0],
        ],
      },
    ];
    const run = (backend: 'cpu' | 'webgl', cs: typeof cases) =>
      page.evaluate(([b, c]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.pads(b, c), [
        backend,
        cs,
      ] as const);
    expect(await run('webgl', cases)).toEqual(await run('cpu', cases));
    // The axis-by-axis passes dispose their intermediates: a second round leaves no extra data behind.
    const held = () =>
      page.evaluate(() => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.dataIds());
    const before = await held();
    await run('webgl', cases);
    expect(await held()).toBe(before);
    await page.close();
  }, 60_000);

  it("signs near 0 on webgl: ste_sign, ste_tern at ±threshold and a Bop step with τ = 1e-8 match cpu and Larq's rule", async () => {
    const page = await browser.newPage();
    await servePage(page, {
      '/entry.js': { type: 'text/javascript', body: await bundle('test-support/webgl-entry.ts') },
    });
    await page.addScriptTag({ url: `${ORIGIN}/entry.js` });
    const f = Math.fround;
    const x = [-1e-7, -1e-8, -1e-30, -0, 0, 1e-30, 1e-8, 1e-7];
    const t = 0.05;
    const tern = [-t - 1e-7, -t - 1e-8, -t, -t + 1e-8, t - 1e-8, t, t + 1e-8, t + 1e-7].map(f);
    // ±1 weights and gradients ~1e-4, so the Bop products w·m ≈ ±1e-8 straddle τ = 1e-8.
    let s = 12345;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const n = 4096;
    const w = Array.from({ length: n }, () => (rnd() < 0.5 ? -1 : 1));
    const g = Array.from({ length: n }, () => (rnd() - 0.5) * 4e-4);
    const input = { x, tern, w, g };
    const run = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, i]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.signChecks(b, i),
        [backend, input] as const,
      );
    const onCpu = await run('cpu');
    const onGl = await run('webgl');
    expect(onCpu.steSign).toEqual([-1, -1, -1, 1, 1, 1, 1, 1]);
    const tfSign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
    expect(onCpu.steTern).toEqual(tern.map((v) => tfSign(tfSign(f(v + f(t))) + tfSign(f(v - f(t))))));
    // Larq's Bop in float32: m = γ·g, flip where w·m − τ > 0, +1 where it is exactly 0.
    const bop = w.map((wi, i) => {
      const d = f(f(wi * f(f(g[i]!) * f(1e-4))) - f(1e-8));
      const v = -tfSign(d) * wi;
      return v < 0 ? -1 : 1;
    });
    expect(onCpu.bop).toEqual(bop);
    expect(onGl).toEqual(onCpu);
    await page.close();
  }, 60_000);

  it('max-pool gradients with ties go to the first maximum on webgl, as on cpu (TensorFlow semantics)', async () => {
    const page = await browser.newPage();
    await servePage(page, {
      '/entry.js': { type: 'text/javascript', body: await bundle('test-support/webgl-entry.ts') },
    });
    await page.addScriptTag({ url: `${ORIGIN}/entry.js` });
    const cases: PoolCase[] = [
      { shape: [2, 8, 8, 3], pool: [2, 2], strides: [2, 2], pad: 'valid' },
      { shape: [1, 7, 9, 2], pool: [3, 3], strides: [2, 2], pad: 'same' },
      { shape: [1, 6, 6, 2], pool: [3, 2], strides: [1, 1], pad: 'valid' },
      { shape: [2, 5, 5, 1], pool: [2, 2], strides: [1, 2], pad: 'same' },
    ];
    const run = (backend: 'cpu' | 'webgl') =>
      page.evaluate(
        ([b, cs]) => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.maxPoolGrads(b, cs),
        [backend, cases] as const,
      );
    const onCpu = await run('cpu');
    const onGl = await run('webgl');
    expect(onGl).toEqual(onCpu);
    // The positions texture is disposed: a second round leaves no extra data behind.
    const held = () =>
      page.evaluate(() => (globalThis as unknown as { webglTest: WebglTestApi }).webglTest.dataIds());
    const before = await held();
    await run('webgl');
    expect(await held()).toBe(before);
    // The inputs really tie: in the first case (2×2 windows, stride 2), count windows whose maximum occurs twice
    // or more (the entry fills inputs with ((i·7 + k) mod 3) − 1, NHWC order).
    const [b, h, w, ch] = cases[0]!.shape;
    const at = (n: number, r: number, c: number, d: number) =>
      (((((n * h + r) * w + c) * ch + d) * 7) % 3) - 1;
    let tied = 0;
    for (let n = 0; n < b; n++)
      for (let r = 0; r < h; r += 2)
        for (let c = 0; c < w; c += 2)
          for (let d = 0; d < ch; d++) {
            const win = [at(n, r, c, d), at(n, r, c + 1, d), at(n, r + 1, c, d), at(n, r + 1, c + 1, d)];
            if (win.filter((v) => v === Math.max(...win)).length > 1) tied++;
          }
    expect(tied).toBeGreaterThan(10);
    // Each window's gradient went to exactly one input (no split, none lost): the sums agree with Σ dy.
    const dySum = Array.from({ length: b * (h / 2) * (w / 2) * ch }, (_, i) => 1 + (i % 5)).reduce(
      (p, q) => p + q,
      0,
    );
    expect(onCpu[0]!.reduce((p, q) => p + q, 0)).toBe(dySum);
    await page.close();
  }, 60_000);

  it("the training worker picks wasm under 'auto' with software WebGL, and trains on webgl when asked", async () => {
    const page = await browser.newPage();
    const { x, y } = barsDataset(60, 3);
    const images = Uint8Array.from(x, (v) => Math.round(Math.min(1, v) * 255));
    await servePage(page, {
      '/train.worker.js': { type: 'text/javascript', body: await bundle('train.worker.ts') },
      '/datasets/images.idx': { type: 'application/octet-stream', body: idx([60, 8, 8], images) },
      '/datasets/labels.idx': { type: 'application/octet-stream', body: idx([60], Uint8Array.from(y)) },
    });
    const runWorker = (backend: 'auto' | 'webgl') => {
      const start: ToWorker = {
        type: 'start',
        graph: smallBnn(),
        config: { epochs: 1, batchSize: 16, seed: 1 },
        dataset: {
          imagesUrl: '/datasets/images.idx',
          labelsUrl: '/datasets/labels.idx',
          maxTrainSamples: 0,
          testSamples: 12,
        },
        wasmPaths: '/tfjs-wasm/',
        backend,
      };
      return page.evaluate(
        (msg) =>
          new Promise<FromWorker[]>((resolve) => {
            const w = new Worker('/train.worker.js');
            const seen: FromWorker[] = [];
            w.onmessage = (e: MessageEvent<FromWorker>) => {
              const m = e.data;
              // ArrayBuffers do not cross page.evaluate: keep the weights' size only.
              seen.push(m.type === 'done' ? ({ ...m, weights: m.weights.byteLength } as never) : m);
              if (m.type === 'done' || m.type === 'error') {
                w.terminate();
                resolve(seen);
              }
            };
            w.onerror = (e) => {
              seen.push({ type: 'error', message: e.message });
              resolve(seen);
            };
            w.postMessage(msg);
          }),
        start,
      );
    };
    const check = (seen: FromWorker[], backend: string) => {
      const error = seen.find((m) => m.type === 'error');
      expect(error).toBeUndefined();
      expect(seen.find((m) => m.type === 'backend')).toEqual({ type: 'backend', backend });
      const done = seen.find((m) => m.type === 'done');
      if (done?.type !== 'done') throw new Error('worker did not finish');
      expect(done.history).toHaveLength(1);
      expect(Number.isFinite(done.history[0]!.loss)).toBe(true);
      expect(done.weights as unknown as number).toBeGreaterThan(0);
      expect(done.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12);
      return seen.filter((m) => m.type === 'log').map((m) => (m as { text: string }).text);
    };
    const auto = check(await runWorker('auto'), 'wasm');
    expect(auto.join('\n')).toMatch(
      /No hardware WebGL in this browser \(renderer: .*SwiftShader.*\); using the wasm backend\./,
    );
    check(await runWorker('webgl'), 'webgl');
    await page.close();
  }, 180_000);
});
