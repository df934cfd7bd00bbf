/**
 * Typed calls to the studio API used by the pages. Response shapes follow apps/api/API.md; readers are tolerant
 * of the small variations (wrapped or bare objects) so one place adapts if the server changes.
 */
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { ApiError, apiFetch, apiJson } from './api';

export interface ArchitectureVersion {
  id: string;
  version: number;
  architectureId?: string;
  graph?: GraphSpec;
  createdAt?: string;
}

export interface Architecture {
  id: string;
  name: string;
  versions?: ArchitectureVersion[];
}

export interface SaveResult {
  architectureId: string;
  versionId: string;
  version: number;
}

type Loose = Record<string, unknown>;
const obj = (v: unknown): Loose => (v && typeof v === 'object' ? (v as Loose) : {});

function readSave(body: unknown, fallbackArchId?: string): SaveResult {
  const b = obj(body);
  const arch = obj(b.architecture ?? b);
  const versions = Array.isArray(arch.versions) ? (arch.versions as Loose[]) : [];
  const ver = obj(
    b.version && typeof b.version === 'object' ? b.version : (b.architectureVersion ?? versions.at(-1) ?? b),
  );
  const architectureId = String(ver.architectureId ?? (b.architecture ? arch.id : fallbackArchId) ?? arch.id);
  return {
    architectureId,
    versionId: String(ver.id),
    version: Number(ver.version ?? ver.number ?? 1),
  };
}

/** Saves the graph: a new architecture (version 1), or a new version of an existing one. */
export async function saveArchitectureVersion(
  graph: GraphSpec,
  architectureId: string | null,
): Promise<SaveResult> {
  if (architectureId) {
    const body = await apiJson<unknown>(`/api/architectures/${encodeURIComponent(architectureId)}/versions`, {
      method: 'POST',
      body: { graph },
    });
    return readSave(body, architectureId);
  }
  const body = await apiJson<unknown>('/api/architectures', {
    method: 'POST',
    body: { name: graph.name, graph },
  });
  return readSave(body);
}

export async function getArchitectureVersion(
  id: string,
): Promise<{ graph: GraphSpec; saved: SaveResult | null; raw: Loose }> {
  const body = obj(await apiJson<unknown>(`/api/architecture-versions/${encodeURIComponent(id)}`));
  const v = obj(body.version ?? body.architectureVersion ?? body);
  const saved =
    typeof v.architectureId === 'string' && typeof v.id === 'string'
      ? { architectureId: v.architectureId, versionId: v.id, version: Number(v.version ?? 1) }
      : null;
  return { graph: (v.graph ?? body.graph) as GraphSpec, saved, raw: body };
}

export interface DatasetInfo {
  id: string;
  name: string;
  kind?: string;
  numClasses?: number;
  labels?: string[];
  shape?: number[];
  samples?: number;
  builtin?: boolean;
}

function readList<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const b = obj(body);
  for (const k of [key, 'items', 'data', 'results']) if (Array.isArray(b[k])) return b[k] as T[];
  return [];
}

export async function listDatasets(): Promise<DatasetInfo[]> {
  return readList<DatasetInfo>(await apiJson<unknown>('/api/datasets'), 'datasets');
}

/** Uploads an IDX/zip/CSV dataset with progress (XMLHttpRequest: fetch has no upload progress). */
export function uploadDataset(
  files: File[],
  fields: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<DatasetInfo> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('file', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(new Error('Upload failed: the studio API could not be reached. Check the server and retry.'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const b = obj(body);
        resolve((b.dataset ?? b) as DatasetInfo);
      } else {
        const err = obj(obj(body).error);
        const msg = typeof err.message === 'string' ? err.message : `Upload failed (${xhr.status}).`;
        const fix = typeof err.fix === 'string' ? ` Fix: ${err.fix}` : '';
        reject(
          new Error(
            xhr.status === 401
              ? 'Not signed in: reload the studio from the address bnn-studio serve printed.'
              : msg + fix,
          ),
        );
      }
    };
    xhr.send(form);
  });
}

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | string;

export interface RunSummary {
  id: string;
  name?: string;
  status: RunStatus;
  location?: 'server' | 'browser';
  datasetId?: string;
  architectureVersionId?: string;
  finalAccuracy?: number | null;
  accuracy?: number | null;
  packedBytes?: number | null;
  modelSizeBytes?: number | null;
  createdAt?: string;
  updatedAt?: string;
  config?: Loose;
  graph?: GraphSpec;
  summary?: Loose;
  metrics?: Loose;
  error?: string | null;
  [k: string]: unknown;
}

export function runAccuracy(r: RunSummary): number | null {
  const m = obj(r.metrics);
  const v =
    r.finalAccuracy ??
    r.accuracy ??
    (m.valAccuracy as number | undefined) ??
    (m.accuracy as number | undefined);
  return typeof v === 'number' ? v : null;
}

export function runPackedBytes(r: RunSummary): number | null {
  const s = obj(r.summary);
  const v = r.packedBytes ?? r.modelSizeBytes ?? (s.modelSizeBytes as number | undefined);
  return typeof v === 'number' ? v : null;
}

export interface RunPage {
  runs: RunSummary[];
  total: number;
}

export async function listRuns(params: Record<string, string | number | undefined>): Promise<RunPage> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const body = await apiJson<unknown>(`/api/runs?${q}`);
  const runs = readList<RunSummary>(body, 'runs');
  const total = Number(obj(body).total ?? runs.length);
  return { runs, total };
}

export async function getRun(id: string): Promise<RunSummary> {
  const body = obj(await apiJson<unknown>(`/api/runs/${encodeURIComponent(id)}`));
  return (body.run ?? body) as RunSummary;
}

export interface MetricPoint {
  epoch: number;
  step?: number | null;
  name: string;
  value: number;
}

export async function getRunMetrics(id: string): Promise<MetricPoint[]> {
  return readList<MetricPoint>(
    await apiJson<unknown>(`/api/runs/${encodeURIComponent(id)}/metrics`),
    'metrics',
  );
}

export interface CreateRunBody {
  architectureVersionId?: string;
  graph?: GraphSpec;
  datasetId: string;
  config: unknown;
  location: 'server' | 'browser';
  name?: string;
  limits?: { trainSamples?: number; testSamples?: number };
  projectId?: string;
}

export async function createRun(body: CreateRunBody): Promise<RunSummary> {
  const b = obj(await apiJson<unknown>('/api/runs', { method: 'POST', body }));
  return (b.run ?? b) as RunSummary;
}

export async function postRunMetrics(id: string, points: MetricPoint[]): Promise<void> {
  await apiJson(`/api/runs/${encodeURIComponent(id)}/metrics`, { method: 'POST', body: { points } });
}

/**
 * Renews a browser run's lease. The server marks a browser run `failed` (abandoned) when neither metrics nor a
 * heartbeat arrive for its lease time (2 min by default), so the page sends one at least every 30 s while training.
 */
export async function heartbeatRun(id: string): Promise<void> {
  await apiJson(`/api/runs/${encodeURIComponent(id)}/heartbeat`, { method: 'POST', body: {} });
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

export interface BrowserRunResult {
  finalAccuracy?: number;
  finalLoss?: number;
  epochs?: number;
  confusionMatrix?: number[][];
  labels?: string[];
}

/** Finishes a browser run: weights (serializeWeights bytes) and final metrics, as JSON with base64 weights. */
export async function completeBrowserRun(
  id: string,
  weights: Uint8Array,
  final: BrowserRunResult,
): Promise<void> {
  const body: Record<string, unknown> = { weights: toBase64(weights) };
  for (const [k, v] of Object.entries(final))
    if (v !== undefined && v !== null && !Number.isNaN(v)) body[k] = v;
  await apiJson(`/api/runs/${encodeURIComponent(id)}/complete`, { method: 'POST', body });
}

/** The trained weights of a run (serializeWeights bytes), or null when the server does not offer them. */
export async function fetchRunWeights(id: string): Promise<Uint8Array | null> {
  try {
    const res = await apiFetch(`/api/runs/${encodeURIComponent(id)}/weights`);
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
    throw e;
  }
}

export async function cancelRun(id: string): Promise<void> {
  await apiJson(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });
}

export type ExportTarget = 'bnn' | 'tflite-arm' | 'tflite-xcore' | 'stm32l4' | 'xcore';

export interface ExportResult {
  artifact: { id: string; sha256: string; bytes: number; filename: string };
  report: Loose | null;
}

export async function exportRun(id: string, target: ExportTarget): Promise<ExportResult> {
  const b = obj(
    await apiJson<unknown>(`/api/runs/${encodeURIComponent(id)}/exports`, {
      method: 'POST',
      body: { target },
    }),
  );
  return { artifact: b.artifact as ExportResult['artifact'], report: (b.report as Loose) ?? null };
}

export function artifactUrl(id: string): string {
  return `/api/artifacts/${encodeURIComponent(id)}/download`;
}

/**
 * Browser runs: tells the server why training failed in the page, so the run reads `failed` with that reason at
 * once (instead of `running` until its lease lapses and then "abandoned").
 */
export async function failBrowserRun(id: string, failure: { message: string; fix?: string }): Promise<void> {
  await apiJson(`/api/runs/${encodeURIComponent(id)}/fail`, { method: 'POST', body: failure });
}

export interface ArchitectureListItem {
  id: string;
  name: string;
  projectId?: string | null;
  versionCount?: number;
  latestVersion?: { id: string; version: number } | null;
}

export async function listArchitectures(projectId?: string): Promise<ArchitectureListItem[]> {
  const q = projectId ? `?projectId=${encodeURIComponent(projectId)}` : '';
  return readList<ArchitectureListItem>(await apiJson<unknown>(`/api/architectures${q}`), 'architectures');
}

export interface ProjectInfo {
  id: string;
  name: string;
  description?: string | null;
  createdAt?: string;
  runCount?: number;
  architectureCount?: number;
}

export async function listProjects(): Promise<ProjectInfo[]> {
  return readList<ProjectInfo>(await apiJson<unknown>('/api/projects'), 'projects');
}

export async function createProject(name: string, description?: string): Promise<ProjectInfo> {
  const b = obj(
    await apiJson<unknown>('/api/projects', {
      method: 'POST',
      body: { name, ...(description ? { description } : {}) },
    }),
  );
  return (b.project ?? b) as ProjectInfo;
}

export interface DatasetSampleView {
  label: number;
  split: 'train' | 'test';
  index: number;
  /** 8-bit values, HWC, base64. */
  pixels: string;
}

export interface DatasetSamples {
  dataset: DatasetInfo & { options?: Record<string, unknown> };
  shape: number[];
  counts: number[];
  split: {
    fixed: boolean;
    testFraction: number;
    seed: number | null;
    saved: { testFraction: number; seed: number } | null;
    train: number[];
    test: number[];
  };
  samples: DatasetSampleView[];
}

/** Per-class counts, the split per class (a proposed one when `split` is given) and sample images. */
export async function getDatasetSamples(
  id: string,
  opts: { perClass?: number; split?: { testFraction: number; seed: number } } = {},
): Promise<DatasetSamples> {
  const q = new URLSearchParams({ perClass: String(opts.perClass ?? 8) });
  if (opts.split) {
    q.set('testFraction', String(opts.split.testFraction));
    q.set('seed', String(opts.split.seed));
  }
  return apiJson<DatasetSamples>(`/api/datasets/${encodeURIComponent(id)}/samples?${q}`);
}

export async function setDatasetSplit(id: string, split: { testFraction: number; seed: number }) {
  return apiJson<unknown>(`/api/datasets/${encodeURIComponent(id)}/split`, { method: 'PUT', body: split });
}
