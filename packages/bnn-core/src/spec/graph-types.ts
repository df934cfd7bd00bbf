/**
 * The architecture document the composer draws and every other part reads.
 *
 * A graph is a DAG of nodes joined by edges. Exactly one node has `type: 'Input'`. Node `params` use the
 * parameter names of the Keras/Larq layer the node stands for (snake_case: `filters`, `kernel_size`,
 * `input_quantizer`, `pad_values`, ...), so a Larq user recognises them and configs round-trip unchanged.
 *
 * The runtime validator (zod) lives in `graph-schema.ts`; it must accept exactly these types.
 */

/** Current version of the graph document. Older versions are migrated step by step on load. */
export const GRAPH_FORMAT = 'bnn-studio.graph' as const;
export const GRAPH_VERSION = 1 as const;

/** A reference to a registered quantizer, e.g. `{ id: 'ste_sign', config: { clip_value: 1 } }`. */
export interface QuantizerRef {
  id: string;
  /** Options by Larq name; `null` where the option allows it (e.g. `clip_value: null`, Larq's None). */
  config?: Record<string, number | string | boolean | null>;
}

/** A reference to a registered weight constraint, e.g. `{ id: 'weight_clip', config: { clip_value: 1 } }`. */
export interface ConstraintRef {
  id: string;
  config?: Record<string, number | string | boolean>;
}

export type ParamValue =
  | number
  | string
  | boolean
  | null
  | number[]
  | QuantizerRef
  | ConstraintRef
  | { [key: string]: ParamValue };

export interface GraphNode {
  /** Stable id, unique within the graph. */
  id: string;
  /** Registered layer type id, e.g. `QuantConv2D`, `BatchNormalization`, `Input`. */
  type: string;
  /** Layer parameters keyed by their Keras/Larq names. Missing keys take the registry's defaults. */
  params: Record<string, ParamValue>;
  /** Optional display name. */
  name?: string;
  /** Canvas position; ignored by everything but the editor. */
  position?: { x: number; y: number };
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /**
   * Input slot on the target. Single-input layers use 0. For `Add` and `Concatenate` the slots order the
   * operands (concatenation order matters).
   */
  targetPort?: number;
}

/** The `Input` node's params: `shape` is `[H, W, C]` (images) or `[N]` (feature vectors). */
export interface InputParams {
  shape: number[];
  /** Raw value range of the data fed to the model before normalisation, e.g. `[0, 1]` or `[0, 255]`. */
  range?: [number, number];
  /** Optional normalisation applied first: `x' = (x - mean) / std`. */
  normalization?: { mean: number; std: number } | null;
}

export interface GraphSpec {
  format: typeof GRAPH_FORMAT;
  version: typeof GRAPH_VERSION;
  name: string;
  description?: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Free-form metadata (preset id, tags, documented accuracy). */
  meta?: Record<string, ParamValue>;
}

/**
 * Trained parameters of a graph: node id → variable name → tensor.
 * Variable names follow Keras: `kernel`, `bias`, `depthwise_kernel`, `pointwise_kernel`, `gamma`, `beta`,
 * `moving_mean`, `moving_variance`, `alpha`. Shapes follow Keras/tfjs too: conv kernels are HWIO
 * `[KH, KW, Cin, Cout]`, depthwise kernels `[KH, KW, Cin, depth_multiplier]`, dense kernels `[Cin, Cout]`.
 * Quantized layers store latent (float) weights; lowering binarises them.
 */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}
export type WeightMap = Record<string, Record<string, NamedTensor>>;
