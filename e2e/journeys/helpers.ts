import { type APIRequestContext, expect, type Locator, type Page } from '@playwright/test';

/** Opens the composer and waits until its draft (IndexedDB) has been loaded. */
export async function openComposer(page: Page, query = ''): Promise<void> {
  await page.goto(`/composer${query}`);
  await expect(page.getByTestId('composer')).toHaveAttribute('data-ready', 'true');
}

/** Waits until the composer has written its draft to IndexedDB (after the last edit). */
export async function waitForDraft(page: Page): Promise<void> {
  if (!page.url().includes('/composer')) return;
  await expect(page.locator('html')).toHaveAttribute('data-draft', 'saved');
}

/** Opens a preset in the composer, waits for its draft, and goes to the train page with it. */
export async function openPresetForTraining(page: Page, preset: RegExp, modelName: string): Promise<void> {
  await openComposer(page);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: preset }).click();
  await expect(page.getByTestId('issue-count')).toHaveText(/No errors/);
  await waitForDraft(page);
  await page.goto('/train');
  await expect(page.getByTestId('train-model-name')).toHaveText(modelName);
}

/**
 * Saves MNIST tiny from the composer's presets as architecture version 1, then trains it on the server (one epoch,
 * 300 training / 100 test samples, `seed`) through the API and waits until the run completes. Returns the run id.
 */
export async function trainMnistTinyOnServer(
  page: Page,
  api: APIRequestContext,
  { seed, name }: { seed: number; name: string },
): Promise<string> {
  await openComposer(page);
  await page.getByRole('button', { name: 'Presets' }).click();
  await page.getByRole('button', { name: /^Open MNIST tiny/ }).click();
  await page.getByRole('button', { name: 'Save architecture' }).click();
  await expect(page.getByTestId('composer-status')).toHaveText(/Saved .* as version 1/);
  const trainHref = await page.getByRole('link', { name: 'Train version 1' }).getAttribute('href');
  const versionId = new URL(trainHref!, 'http://x').searchParams.get('version')!;
  const created = await api.post('/api/runs', {
    data: {
      architectureVersionId: versionId,
      datasetId: 'mnist',
      config: { epochs: 1, batchSize: 32, seed, optimizer: { id: 'adam', learningRate: 0.005 } },
      location: 'server',
      limits: { trainSamples: 300, testSamples: 100 },
      name,
    },
  });
  expect(created.status()).toBe(201);
  const runId = (await created.json()).run.id as string;
  await expect
    .poll(async () => (await (await api.get(`/api/runs/${runId}`)).json()).run.status, { timeout: 150_000 })
    .toBe('completed');
  return runId;
}

export const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);

/** Drags a palette item onto the canvas at (dx, dy) from the canvas' top-left corner. */
export async function dragLayer(page: Page, label: string, dx: number, dy: number): Promise<void> {
  const item = page.getByRole('button', { name: label, exact: true });
  const canvas = page.getByTestId('canvas');
  await item.dragTo(canvas, { targetPosition: { x: dx, y: dy } });
}

/** Connects two nodes by dragging from the source's output handle to the target's input handle. */
export async function connectHandles(page: Page, source: string, target: string): Promise<void> {
  const from = node(page, source).locator('.react-flow__handle.source');
  const to = node(page, target).locator('.react-flow__handle.target');
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error(`handles of ${source} → ${target} are not visible`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/**
 * Starts browser training of the current composer draft: 1 epoch on a small MNIST subset. Returns the run id and
 * the main thread's long tasks (> 50 ms) seen while the worker trained.
 */
export async function trainDraftInBrowser(page: Page, samples = 1000): Promise<string> {
  await waitForDraft(page);
  await page.goto('/train');
  await expect(page.getByTestId('train-model-name')).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    // Long animation frames name the scripts behind a long task (diagnostics for the journey's annotations).
    const f = window as unknown as { __longFrames: string[] };
    f.__longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & { scripts?: PerformanceEntry[] })[])
        f.__longFrames.push(
          `${Math.round(e.startTime)}+${Math.round(e.duration)}ms: ${(e.scripts ?? [])
            .map((x) => `${(x as unknown as { invoker: string }).invoker} ${Math.round(x.duration)}ms`)
            .join(', ')}`,
        );
    }).observe({ type: 'long-animation-frame', buffered: true });
  });
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Training samples (browser, 0 = all)').fill(String(samples));
  // Training starts with the click, once the page has loaded like a user would see it (network idle, then an
  // idle main thread). Mark the time first: main-thread tasks never overlap, so every task that starts after this
  // mark ran while the run was starting, training or being saved.
  await page.waitForLoadState('networkidle');
  await page.evaluate(
    () =>
      new Promise<void>((res) => {
        requestIdleCallback(() => res(), { timeout: 5000 });
      }),
  );
  await page.evaluate(() => {
    (window as unknown as { __trainStart: number }).__trainStart = performance.now();
  });
  await page.getByRole('button', { name: 'Train in browser' }).click();
  await expect(page.getByTestId('training-phase')).toHaveText('done', { timeout: 150_000 });
  const href = await page.getByRole('link', { name: /^run_/ }).first().getAttribute('href');
  const id = new URL(href!, 'http://x').searchParams.get('id');
  if (!id) throw new Error('no run id on the training page');
  return id;
}

/**
 * Long main-thread tasks (> 50 ms; durations in ms) since trainDraftInBrowser clicked "Train in browser" on this
 * page: from the click through training, the final test-set scoring and saving the run.
 */
export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __longTasks?: { start: number; duration: number }[];
      __trainStart?: number;
    };
    const from = w.__trainStart ?? 0;
    return (w.__longTasks ?? []).filter((t) => t.start >= from).map((t) => Math.round(t.duration));
  });
}

/** Long animation frames (start+duration: scripts) recorded on this page, for the journey's annotations. */
export async function longFrames(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __longFrames?: string[] }).__longFrames ?? []);
}

/** Collects console errors and uncaught page errors, for journeys that must finish without any. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

/** Raw library texts a user must never see (tfjs, zod, Prisma, stack traces). */
export const RAW_ERROR_TEXT =
  /softmaxCrossEntropy|must match|Error in |tfjs|TypeError|Prisma|ZodError|at \w+ \(/;
