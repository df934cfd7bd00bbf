// Public API of @bnn-studio/exporters. Name every export; no `export *`.
export const EXPORTERS_VERSION = '0.1.0';

// errors.ts: shared by every exporter; bnn/: .bnn packed model; tflite/: .tflite with LCE ops.
export { crc32 } from './bnn/crc32.js';
export { BNN_VERSION_MAJOR, BNN_VERSION_MINOR, DEFAULT_MAX_BNN_BYTES } from './bnn/layout.js';
export { readBnn } from './bnn/read-bnn.js';
export type { BnnFile, BnnMeta, ReadBnnOptions, WriteBnnOptions } from './bnn/types.js';
export { writeBnn } from './bnn/write-bnn.js';
export type { BnnFormatErrorCode } from './errors.js';
export { BnnFormatError, ExportRefusedError } from './errors.js';
// firmware: STM32L4 and xcore.ai bundles (portable C runtime)
export type { GoldenVectors } from './firmware/app.js';
export type { GeneratedLayer, GeneratedModel } from './firmware/codegen.js';
export { generateModel } from './firmware/codegen.js';
export { computeGolden, goldenInputs } from './firmware/golden.js';
export { deployGraphSha256 } from './firmware/model-hash.js';
// latency/: the latency model (cost table from QEMU counts) and the firmware memory estimate; also the
// browser-safe entry `@bnn-studio/exporters/latency`.
export type { CostTable, VariantCost } from './latency/cost-table-types.js';
export type { LatencyEstimate, LatencyTarget, LatencyTargetId, OpLatency } from './latency/estimate.js';
export { estimateLatency, LATENCY_TARGET_IDS, LATENCY_TARGETS, LatencyError } from './latency/estimate.js';
export { countGraphInstructions, REGENERATE_COMMAND, runtimeSourcesHash } from './latency/measure.js';
export type { FirmwareMemory } from './latency/memory.js';
export { estimateFirmwareMemory } from './latency/memory.js';
export type { FirmwareBundle, FirmwareManifest, Stm32BundleOptions } from './stm32/bundle.js';
export { buildStm32Bundle } from './stm32/bundle.js';
export type { FirmwareTarget } from './stm32/targets.js';
export { STM32L4R9 } from './stm32/targets.js';
export type { VerifyOptions, VerifyResult } from './stm32/verify.js';
export { verifyStm32Bundle } from './stm32/verify.js';
export type { CalibrationData, CalibrationRanges, FloatEvaluator } from './tflite/calibrate.js';
export { calibrateTflite } from './tflite/calibrate.js';
export { withFloatOutputs } from './tflite/import/float-outputs.js';
export type { ImportRefusal, TfliteImportErrorCode } from './tflite/import/import-errors.js';
export { formatRefusal, TfliteImportError } from './tflite/import/import-errors.js';
export type {
  ImportedIo,
  ImportedOperator,
  ImportTfliteOptions,
  ImportTfliteResult,
} from './tflite/import/import-tflite.js';
export { importTflite, SUPPORTED_OPS as TFLITE_IMPORT_SUPPORTED_OPS } from './tflite/import/import-tflite.js';
export type { TfliteProfile } from './tflite/profile-rules.js';
export { listTfliteRefusals, TFLITE_PROFILES } from './tflite/profile-rules.js';
export type { TfliteModelView, TfliteOperatorView, TfliteTensorView } from './tflite/read-tflite.js';
export { readTflite, TfliteReadError } from './tflite/read-tflite.js';
export type { IoSpec, TfliteExport, WriteTfliteOptions } from './tflite/write-tflite.js';
export { writeTflite, writeTfliteWithReport } from './tflite/write-tflite.js';
export { xcoreFileProblems } from './tflite/xcore-acceptance.js';
export type { XcoreBundle, XcoreBundleOptions, XcoreManifest } from './xcore/bundle.js';
export { buildXcoreBundle } from './xcore/bundle.js';
