// Browser-safe entry `@bnn-studio/exporters/latency`: the latency model and the firmware memory estimate the
// composer shows on every edit. Name every export; no `export *`. (Node-only measurement: ./measure.ts.)
export { COST_TABLE } from './cost-table.js';
export type { CostTable, VariantCost } from './cost-table-types.js';
export type { LatencyEstimate, LatencyTarget, LatencyTargetId, OpLatency } from './estimate.js';
export { estimateLatency, LATENCY_TARGET_IDS, LATENCY_TARGETS, LatencyError } from './estimate.js';
export type { Features, OpCost } from './features.js';
export { COST_FEATURES, opCostFeatures } from './features.js';
export type { FirmwareMemory } from './memory.js';
export { estimateFirmwareMemory } from './memory.js';
