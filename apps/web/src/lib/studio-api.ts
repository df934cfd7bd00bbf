/**
 * Typed calls to the studio API used by the pages. Every JSON answer is parsed with the response schema its route
 * declares (`@bnn-studio/api/contract`, the same zod schemas the server documents in /api/openapi.json and its
 * tests check), so a changed server shape fails here, by name, instead of drifting silently.
 */
import {
  ArchitectureCreateResponse,
  ArchitectureListResponse,
  type Dataset,
  DatasetListResponse,
  DatasetResponse,
  type DatasetSamplesResponse as DatasetSamples,
  DatasetSamplesResponse,
  type DatasetSampleView,
  type DatasetSplit,
  ErrorResponse,
  type ExportResponse,
  ExportResponse as ExportResponseSchema,
  type ExportTarget,
  type FailBody,
  HealthResponse,
  HeartbeatResponse,
  type ImportRefusal,
  ImportResponse,
  type MetricPoint as MetricPointOut,
  MetricsAcceptedResponse,
  type Project,
  type ProjectListItem,
  ProjectListResponse,
  ProjectResponse,
  type RunCreateBody,
  RunDetailResponse,
  RunListResponse,
  RunMetricsResponse,
  RunResponse,
  type RunSummary,
  type RunWithMetrics,
  type SearchCreateBody,
  type SearchDetail,
  SearchListResponse,
  SearchResponse,
  type SearchSummary,
  VersionCreateResponse,
  VersionResponse,
} from '@bnn-studio/api/contract';
import type { GraphSpec } from '@bnn-studio/bnn-core';
import { ApiError, apiFetch, apiJson, type RequestOptions } from './api';

export type { Dataset, ExportTarget, RunSummary, RunWithMetrics };

/** What `call` needs of a contract schema (zod's safeParse; the web itself does not depend on zod). */
interface ResponseSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/**
 * Requests `path` and parses its JSON answer with `schema`. A body that does not match is a bug on one side of the
 * contract: the error names the route and the first mismatching fields.
 */
async function call<T>(schema: ResponseSchema<T>, path: string, opts?: RequestOptions): Promise<T> {
  const body = await apiJson<unknown>(path, opts);
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  throw new ApiError(0, {
    code: 'contract_mismatch',
    message: `The studio API answered ${path.split('?')[0]} in an unexpected shape (${fields}).`,
    fix: 'The page and the server are from different versions: rebuild and restart `bnn-studio serve`, then reload.',
  });
}

export interface SaveResult {
  architectureId: string;
  versionId: string;
  version: number;
}

/** Saves the graph: a new architecture (version 1), or a new version of an existing one. */
export async function saveArchitectureVersion(
  graph: GraphSpec,
  architectureId: string | null,
): Promise<SaveResult> {
  const { version } = architectureId
    ? await call(VersionCreateResponse, `/api/architectures/${encodeURIComponent(architectureId)}/versions`, {
        method: 'POST',
        body: { graph },
      })
    : await call(ArchitectureCreateResponse, '/api/architectures', {
        method: 'POST',
        body: { name: graph.name, graph },
      });
  return { architectureId: version.architectureId, versionId: version.id, version: version.version };
}

export async function getArchitectureVersion(id: string): Promise<{ graph: GraphSpec; saved: SaveResult }> {
  const { version } = await call(VersionResponse, `/api/architecture-versions/${encodeURIComponent(id)}`);
  return {
    graph: version.graph,
    saved: { architectureId: version.architectureId, versionId: version.id, version: version.version },
  };
}

/** What the dataset picker shows of a dataset (the built-in MNIST entry is known before the list loads). */
export type DatasetInfo = Pick<
  Dataset,
  'id' | 'name' | 'kind' | 'builtin' | 'numClasses' | 'labels' | 'shape' | 'samples'
>;

export async function listDatasets(): Promise<Dataset[]> {
  return (await call(DatasetListResponse, '/api/datasets')).datasets;
}

export async function getDataset(id: string): Promise<Dataset> {
  return (await call(DatasetResponse, `/api/datasets/${encodeURIComponent(id)}`)).dataset;
}

/** Uploads an IDX/zip/CSV dataset with progress (XMLHttpRequest: fetch has no upload progress). */
export function uploadDataset(
  files: File[],
  fields: Record<string, string>,
  onProgress: (fraction: number) => void,
): Promise<Dataset> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append('file', f, f.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/datasets');
    xhr.withCredentials = true;
    xhr.setRequestHeader('x-bnn-studio', '1');
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
        // not JSON: reported below
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = DatasetResponse.safeParse(body);
        if (parsed.success) resolve(parsed.data.dataset);
        else
          reject(
            new Error(
              'Upload answered in an unexpected shape: the page and the server are from different versions. Rebuild and restart the studio.',
            ),
          );
        return;
      }
      const err = ErrorResponse.safeParse(body);
      const msg = err.success ? err.data.error.message : `Upload failed (${xhr.status}).`;
      const fix = err.success && err.data.error.fix ? ` Fix: ${err.data.error.fix}` : '';
      reject(
        new Error(
          xhr.status === 401
            ? 'Not signed in: reload the studio from the address bnn-studio serve printed.'
            : msg + fix,
        ),
      );
    };
    xhr.send(form);
  });
}

/** A refused import: the operators the studio cannot run (each with what is supported). */
export class ImportRefusedError extends Error {
  constructor(
    message: string,
    readonly refused: ImportRefusal[],
    readonly fix?: string,
  ) {
    super(message);
  }
}

/**
 * POST /api/imports: uploads an LCE-converted .tflite; resolves with the new run (location `imported`), rejects
 * with `ImportRefusedError` (every refused operator) or an Error naming the problem and the fix.
 */
export async function importTfliteModel(
  file: File,
  fields: { name?: string; projectId?: string; int8Softmax?: 'float' } = {},
): Promise<ImportResponse> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v) form.append(k, v);
  form.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch('/api/imports', {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
      headers: { 'x-bnn-studio': '1' },
    });
  } catch {
    throw new Error('Import failed: the studio API could not be reached. Check the server and retry.');
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = ImportResponse.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new Error('Import answered in an unexpected shape: rebuild and restart the studio.');
  }
  const err = ErrorResponse.safeParse(body);
  if (res.status === 401)
    throw new Error('Not signed in: reload the studio from the address bnn-studio serve printed.');
  if (!err.success) throw new Error(`Import failed (${res.status}).`);
  const { message, fix, details } = err.data.error;
  const refused = (details as { refused?: ImportRefusal[] } | undefined)?.refused;
  if (refused) throw new ImportRefusedError(message, refused, fix);
  throw Object.assign(new Error(message), fix ? { fix } : {});
}

/** Test accuracy of a finished run, or the latest validation/training accuracy of a run with live metrics. */
export function runAccuracy(r: RunSummary | RunWithMetrics): number | null {
  if (r.finalAccuracy !== null) return r.finalAccuracy;
  const m = 'metrics' in r ? r.metrics : {};
  return m.valAccuracy ?? m.accuracy ?? null;
}

/** Bit-packed model size of a run's architecture in bytes. */
export function runPackedBytes(r: RunSummary): number | null {
  return r.packedBytes;
}

export interface RunPage {
  runs: RunSummary[];
  total: number;
}

export async function listRuns(params: Record<string, string | number | undefined>): Promise<RunPage> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const { runs, total } = await call(RunListResponse, `/api/runs?${q}`);
  return { runs, total };
}

export async function getRun(id: string): Promise<RunWithMetrics> {
  return (await call(RunDetailResponse, `/api/runs/${encodeURIComponent(id)}`)).run;
}

/** A metric point as the page keeps and posts it (`step` null or absent: an epoch-level point). */
export type MetricPoint = Omit<MetricPointOut, 'step'> & { step?: number | null };

export async function getRunMetrics(id: string): Promise<MetricPoint[]> {
  return (await call(RunMetricsResponse, `/api/runs/${encodeURIComponent(id)}/metrics`)).metrics;
}

export type CreateRunBody = RunCreateBody;

export async function createRun(body: CreateRunBody) {
  return (await call(RunResponse, '/api/runs', { method: 'POST', body })).run;
}

export async function postRunMetrics(id: string, points: MetricPoint[]): Promise<void> {
  await call(MetricsAcceptedResponse, `/api/runs/${encodeURIComponent(id)}/metrics`, {
    method: 'POST',
    body: { points },
  });
}

/**
 * Renews a browser run's lease. The server marks a browser run `failed` (abandoned) when neither metrics nor a
 * heartbeat arrive for its lease time (2 min by default), so the page sends one at least every 30 s while training.
 */
export async function heartbeatRun(id: string): Promise<void> {
  await call(HeartbeatResponse, `/api/runs/${encodeURIComponent(id)}/heartbeat`, {
    method: 'POST',
    body: {},
  });
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
  await call(RunResponse, `/api/runs/${encodeURIComponent(id)}/complete`, { method: 'POST', body });
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
  await call(RunResponse, `/api/runs/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });
}

export type ExportResult = ExportResponse;

export async function exportRun(id: string, target: ExportTarget): Promise<ExportResult> {
  return call(ExportResponseSchema, `/api/runs/${encodeURIComponent(id)}/exports`, {
    method: 'POST',
    body: { target },
  });
}

/** Liveness and database status (the header's API indicator). */
export async function getHealth() {
  return call(HealthResponse, '/api/health');
}

export function artifactUrl(id: string): string {
  return `/api/artifacts/${encodeURIComponent(id)}/download`;
}

/**
 * Browser runs: tells the server why training failed in the page, so the run reads `failed` with that reason at
 * once (instead of `running` until its lease lapses and then "abandoned").
 */
export async function failBrowserRun(id: string, failure: FailBody): Promise<void> {
  await call(RunResponse, `/api/runs/${encodeURIComponent(id)}/fail`, { method: 'POST', body: failure });
}

/** An architecture as the list shows it: its version count and latest version. */
export type ArchitectureListItem = ArchitectureListResponse['architectures'][number];

export async function listArchitectures(projectId?: string): Promise<ArchitectureListItem[]> {
  const q = projectId ? `?projectId=${encodeURIComponent(projectId)}` : '';
  return (await call(ArchitectureListResponse, `/api/architectures${q}`)).architectures;
}

/** A project with its run and architecture counts. */
export type ProjectInfo = ProjectListItem;

export async function listProjects(): Promise<ProjectInfo[]> {
  return (await call(ProjectListResponse, '/api/projects')).projects;
}

export async function createProject(name: string, description?: string): Promise<Project> {
  const { project } = await call(ProjectResponse, '/api/projects', {
    method: 'POST',
    body: { name, ...(description ? { description } : {}) },
  });
  return project;
}

export type { DatasetSamples, DatasetSampleView };

/** Per-class counts, the split per class (a proposed one when `split` is given) and sample images. */
export async function getDatasetSamples(
  id: string,
  opts: { perClass?: number; split?: DatasetSplit } = {},
): Promise<DatasetSamples> {
  const q = new URLSearchParams({ perClass: String(opts.perClass ?? 8) });
  if (opts.split) {
    q.set('testFraction', String(opts.split.testFraction));
    q.set('seed', String(opts.split.seed));
  }
  return call(DatasetSamplesResponse, `/api/datasets/${encodeURIComponent(id)}/samples?${q}`);
}

/** Saves an uploaded dataset's train/test split; runs started afterwards use it. */
export async function setDatasetSplit(id: string, split: DatasetSplit): Promise<Dataset> {
  const { dataset } = await call(DatasetResponse, `/api/datasets/${encodeURIComponent(id)}/split`, {
    method: 'PUT',
    body: split,
  });
  return dataset;
}

export type { SearchCreateBody, SearchDetail, SearchSummary };

/** POST /api/searches: starts an auto-size search (422 with a fix when no candidate fits the budget). */
export async function createSearch(body: SearchCreateBody): Promise<SearchDetail> {
  return (await call(SearchResponse, '/api/searches', { method: 'POST', body })).search;
}

export async function listSearches(): Promise<SearchSummary[]> {
  return (await call(SearchListResponse, '/api/searches')).searches;
}

export async function getSearch(id: string): Promise<SearchDetail> {
  return (await call(SearchResponse, `/api/searches/${encodeURIComponent(id)}`)).search;
}

export async function cancelSearch(id: string): Promise<SearchDetail> {
  return (
    await call(SearchResponse, `/api/searches/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} })
  ).search;
}

export async function resumeSearch(id: string): Promise<SearchDetail> {
  return (
    await call(SearchResponse, `/api/searches/${encodeURIComponent(id)}/resume`, { method: 'POST', body: {} })
  ).search;
}
