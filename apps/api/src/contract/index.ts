// The API's wire contract: request and response schemas (zod) with their types of the same names. Routes declare
// them (validation and /api/openapi.json), and apps/web parses every response with them
// (`@bnn-studio/api/contract`). Imports only zod and types, so the web bundles no server code.
// Name every export; no `export *`.
export {
  Architecture,
  ArchitectureCreateResponse,
  ArchitectureListResponse,
  ArchitectureResponse,
  ArchitectureVersion,
  ArchitectureVersionWithGraph,
  GraphDocument,
  GraphSummary,
  VersionCreateResponse,
  VersionResponse,
} from './architectures.js';
export { ApiErrorBody, ErrorResponse, IsoDate } from './common.js';
export {
  DATASET_KINDS,
  isUploadKind,
  UPLOAD_KINDS,
  type UploadKind,
  type UploadKindInfo,
  uploadKindOf,
} from './dataset-kinds.js';
export {
  Dataset,
  DatasetListResponse,
  DatasetResponse,
  DatasetSamplesResponse,
  DatasetSampleView,
  DatasetSplit,
} from './datasets.js';
export { DistillationRequest, FLOAT_TWIN } from './distillation.js';
export { Artifact, ArtifactResponse, EXPORT_TARGETS, ExportResponse, ExportTarget } from './exports.js';
export { HealthResponse, OpenApiResponse } from './health.js';
export { ComposerRefusal, ImportedComposer, ImportedIo, ImportRefusal, ImportResponse } from './imports.js';
export { Project, ProjectListItem, ProjectListResponse, ProjectResponse } from './projects.js';
export { MAX_PRUNE_FRACTION, PRUNE_METHODS, PRUNE_SCOPES, PruneRequest, RunPruning } from './pruning.js';
export type { DatasetSplitBody, FailBody, RunCreateBody } from './requests.js';
export { CompleteJson, DatasetSplitPut, FailPost, MetricsPost, RunCreate } from './requests.js';
export {
  HeartbeatResponse,
  MetricPoint,
  MetricsAcceptedResponse,
  RUN_STATUSES,
  RunDeletedResponse,
  RunDetail,
  RunDetailResponse,
  RunDistillation,
  type RunEventData,
  type RunEventName,
  RunEvents,
  RunListResponse,
  RunLocation,
  RunMetricsResponse,
  RunResponse,
  RunResults,
  RunStatus,
  RunSummary,
  RunWithMetrics,
  TrainLocation,
} from './runs.js';
export {
  SEARCH_STATUSES,
  SEARCH_TARGETS,
  SearchBudget,
  SearchCandidate,
  SearchCost,
  SearchCreate,
  type SearchCreateBody,
  SearchDetail,
  type SearchEventName,
  SearchEvents,
  SearchListResponse,
  SearchPoint,
  SearchResponse,
  SearchStatus,
  SearchSummary,
  SearchTarget,
  SearchTrial,
} from './searches.js';
