// Public API of @bnn-studio/bnn-core (pure TypeScript, no tfjs). Name every export; no `export *`.

export {
  FASHION_MNIST_DIR,
  FASHION_MNIST_FILES,
  FASHION_MNIST_ID,
  FASHION_MNIST_INSTALL,
  FASHION_MNIST_LABELS,
  FASHION_MNIST_PACKAGE,
} from './data/builtin-datasets.js';
export type { Dataset } from './data/dataset.js';
export type { TensorsHeader } from './data/tensors-body.js';
export { encodeTensorsBody, readTensorsBody, TENSORS_MAGIC, TENSORS_VERSION } from './data/tensors-body.js';
export { packedWords, packRows, unpackRows } from './deploy/bitpack.js';
export type { DeployIssue } from './deploy/check-deploy.js';
export { checkDeployGraph, formatDeployIssue } from './deploy/check-deploy.js';
export type { DeployStats } from './deploy/deploy-stats.js';
export { deployStats } from './deploy/deploy-stats.js';
export type {
  AddOp,
  AvgPool2DOp,
  BConv2DOp,
  BDenseOp,
  BDepthwiseConv2DOp,
  BitpackedOutputTransform,
  BMaxPool2DOp,
  ConcatOp,
  Conv2DOp,
  DenseOp,
  DeployGraph,
  DeployOp,
  DeployOpKind,
  DeployOpOf,
  DeployTensor,
  DepthwiseConv2DOp,
  DequantizeOp,
  DotClamp,
  FloatActivation,
  FloatOutputTransform,
  GlobalAvgPoolOp,
  HardSwishOp,
  HardTanhOp,
  Int8AddOp,
  Int8AvgPool2DOp,
  Int8BConv2DOp,
  Int8BitpackOp,
  Int8Constant,
  Int8Conv2DOp,
  Int8DenseOp,
  Int8DepthwiseConv2DOp,
  Int8DequantizeOp,
  Int8HardSwishOp,
  Int8MaxPool2DOp,
  Int8MeanOp,
  Int8MulOp,
  Int8Quant,
  Int8QuantizeOp,
  Int8RequantizeOp,
  Int8SoftmaxOp,
  LeakyTanhOp,
  MaxPool2DOp,
  OpBase,
  OutputTransform,
  Padding,
  PoolOpBase,
  PReluOp,
  QuantizeOp,
  Relu6Op,
  ReluOp,
  ReshapeOp,
  ScaleShiftOp,
  SoftmaxOp,
  TensorKind,
} from './deploy/deploy-types.js';
export {
  clampDot,
  DEPLOY_FORMAT,
  DEPLOY_VERSION,
  DOT_CLAMP_RANGE,
  DOT_CLAMPS,
} from './deploy/deploy-types.js';
export type { DeployOpContract, DeployRule, OpTensor } from './deploy/ops/contract.js';
export { OpChecker, tailBitsClear, ZERO_PADDING_BITPACKED } from './deploy/ops/contract.js';
export { INT8_SOFTMAX_MAX_DEPTH } from './deploy/ops/int8-softmax.js';
export { DEPLOY_OP_KINDS, DEPLOY_OPS, isDeployOpKind } from './deploy/ops/table.js';
export {
  crc32,
  deserializeWeights,
  serializeWeights,
  WEIGHTS_VERSION,
  WeightsFormatError,
} from './deploy/weights-io.js';
export { evaluateDeployGraphFloat } from './eval/evaluate-deploy.js';
export type { Int8Fixture } from './eval/int8-fixtures.js';
export { randomInt8DeployGraph } from './eval/int8-fixtures.js';
export { forwardGraphFloat } from './eval/reference-forward.js';
export { describeWeights, randomWeights } from './eval/weight-specs.js';
export { WeightError } from './eval/weights-access.js';
export type { GraphAnalysis, ModelTotals, NodeAnalysis } from './infer/analyze.js';
export { inferGraph } from './infer/analyze.js';
export { formatSummary } from './infer/format-summary.js';
export type { OutputHead } from './infer/output-head.js';
export { checkClassCount, outputHead, withOutputClasses } from './infer/output-head.js';
export { isGraphValid, validateGraph } from './infer/validate.js';
export type { LowerOptions } from './lower/lower.js';
export { LowerError, lower } from './lower/lower.js';
export type { RaiseRefusal, RaiseResult } from './lower/raise.js';
export { formatRaiseRefusal, raiseDeployGraph } from './lower/raise.js';
export { computeThresholds, INT32_MAX, INT32_MIN } from './lower/thresholds.js';
export type { Int8HardSwishParams } from './math/hard-swish.js';
export {
  downScaleInt32ToInt16Multiplier,
  hardSwishF32,
  int8HardSwishElement,
  int8HardSwishParams,
  isHardSwishRefusal,
  relu6F32,
  sdhm16,
  srdhm16,
} from './math/hard-swish.js';
export type { Int8AddParams, Int8SoftmaxParams } from './math/int8.js';
export {
  bconvInt8Effective,
  bconvInt8Value,
  channelMultipliers,
  clampInt,
  dequantizeInt8,
  INT8_MAX,
  INT8_MEAN_MAX_PIXELS,
  INT8_MIN,
  int8ActivationRange,
  int8AddElement,
  int8AddParams,
  int8MeanElement,
  int8MeanParams,
  int8MulElement,
  int8MulParams,
  int8ReluBounds,
  int8RequantizeElement,
  int8RequantizeParams,
  int8SoftmaxExp,
  int8SoftmaxParams,
  int8SoftmaxRow,
  isSoftmaxOutputQuant,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  quantizeToInt8,
  roundedAverage,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
  tfliteRound,
} from './math/int8.js';
export { Rng, seededRandom } from './math/rng.js';
export type { AxisWindow, Window2d, WindowPadding } from './math/window.js';
export { axisWindow, window2d, windowExtent } from './math/window.js';
export { PRESET_FIRST_LAST_PRECISION } from './presets/builders.js';
export type { DocumentedAccuracy, FirstLastMeasured } from './presets/documented-accuracy.js';
export { documentedAccuracyNote } from './presets/documented-accuracy.js';
export type { LayerPrecision } from './presets/first-last.js';
export { firstLastLayers, withFirstLastPrecision } from './presets/first-last.js';
export { GraphBuilder } from './presets/graph-builder.js';
export type { PresetInfo } from './presets/presets.js';
export { getPreset, listPresets, presetRecipe } from './presets/presets.js';
export type { BuiltinDatasetId, TrainRecipe } from './presets/recipes.js';
export { recipeTrainConfig, standardRecipe } from './presets/recipes.js';
export type { ResidualBlock } from './prune/blocks.js';
export { removeBlocks, residualBlocks } from './prune/blocks.js';
export type { ChannelGraph, ChannelSpace } from './prune/channel-spaces.js';
export { channelSpaces } from './prune/channel-spaces.js';
export type { PruneMethod, PruneOptions, PruneOptionsInput, PruneScope } from './prune/options.js';
export {
  DEFAULT_FINE_TUNE_EPOCHS,
  MAX_PRUNE_FRACTION,
  PRUNE_METHODS,
  PRUNE_SCOPES,
  PruneOptionsSchema,
} from './prune/options.js';
export type { PruneCost, PrunedLayer, PruneReport, PruneResult } from './prune/prune.js';
export { parsePruneOptions, pruneModel } from './prune/prune.js';
export type { PruneErrorCode } from './prune/prune-error.js';
export { PruneError } from './prune/prune-error.js';
export type { ChannelPlan } from './prune/surgery.js';
export { applyChannelPlan } from './prune/surgery.js';
export { checkParamValue } from './registry/check-params.js';
export type { ConstraintDef } from './registry/constraints.js';
export {
  getConstraintDef,
  hasConstraintDef,
  listConstraintDefs,
  resolveConstraintConfig,
} from './registry/constraints.js';
export type { LayerCategory, LayerDef, LayerType, ResolvedParams } from './registry/layers.js';
export { getLayerDef, hasLayerDef, LAYER_TYPES, listLayerDefs, resolveParams } from './registry/layers.js';
export type { ParamDef, ParamKind } from './registry/param-def.js';
export { UnknownIdError } from './registry/param-def.js';
export { quantizeArray, roundHalfEven, sign } from './registry/quantizer-math.js';
export type { QuantizerDef } from './registry/quantizers.js';
export {
  getQuantizerDef,
  hasQuantizerDef,
  listQuantizerDefs,
  quantizerPrecision,
  resolveQuantizerConfig,
} from './registry/quantizers.js';
export type { CandidateCost, SearchBudget } from './search/cost.js';
export { deployedShapeGraph, overBudget, packedCost } from './search/cost.js';
export type {
  CandidateParams,
  FamilyDef,
  FamilySpaceDefaults,
  SearchFamily,
  TrunkIO,
} from './search/families.js';
export {
  candidateGraph,
  candidateKey,
  FIRST_LAYER_CHOICES,
  LAST_LAYER_CHOICES,
  QUANTIZER_CHOICES,
  QUICKNET_BASE_WIDTHS,
  QUICKNET_DEFAULTS,
  quicknetGraph,
  SEARCH_FAMILIES,
  SEARCH_FAMILY_DEFS,
  SEARCH_PRESETS,
  TRUNK_BASE_WIDTHS,
  TRUNK_DEFAULTS,
  trunkGraph,
  usedWidths,
} from './search/families.js';
export type {
  Decision,
  DecisionContext,
  FrontPoint,
  SchedulerConfig,
  TrialRecord,
  TrialStatus,
} from './search/scheduler.js';
export { bestTrial, nextDecision, paretoFront, rungEpochs } from './search/scheduler.js';
export type { SearchSpace, SearchSpaceInput } from './search/space.js';
export {
  drawCandidate,
  parseSearchSpace,
  presetCandidate,
  SearchSpaceSchema,
  sampleCandidate,
  spaceSize,
  stageWidth,
} from './search/space.js';
export { floatTeacher, floatTwin } from './spec/float-twin.js';
export {
  graphEdgeSchema,
  graphJsonSchema,
  graphNodeSchema,
  graphSpecSchema,
  paramValueSchema,
} from './spec/graph-schema.js';
export type {
  ConstraintRef,
  GraphEdge,
  GraphNode,
  GraphSpec,
  InputParams,
  NamedTensor,
  ParamValue,
  QuantizerRef,
  WeightMap,
} from './spec/graph-types.js';
export { GRAPH_FORMAT, GRAPH_VERSION } from './spec/graph-types.js';
export type { GraphIssue, IssueCode } from './spec/issues.js';
export { ISSUE_CODES } from './spec/issues.js';
export type { GraphMigration, MigrationResult } from './spec/migrations.js';
export { checkMigrationChain, GRAPH_MIGRATIONS, migrateDocument } from './spec/migrations.js';
export type { ParseGraphResult } from './spec/parse.js';
export { parseGraph } from './spec/parse.js';
export { DISTILL_DEFAULTS } from './train/distill-defaults.js';
