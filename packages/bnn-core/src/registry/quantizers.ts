import type { QuantizerRef } from '../spec/graph-types.js';
import { idRegistry, type ParamDef, resolveRefConfig } from './param-def.js';

/**
 * Metadata of the quantizers a layer may reference by id (`input_quantizer`, `kernel_quantizer`, ...), with the
 * ids, config keys and defaults of Larq (`larq/quantizers.py`). The tfjs implementations live in `src/tf`; the
 * plain-float forward functions used by lowering live in `quantizer-math.ts`.
 */
export interface QuantizerDef {
  id: string;
  /** Other names accepted on load (Larq class names and aliases). */
  aliases: string[];
  label: string;
  /**
   * Bit width of the quantized values (Larq's `precision`); for `dorefa` it is `k_bit` and for `noop` the
   * configured `precision` — use `quantizerPrecision(ref)` for the effective value.
   */
  precision: number;
  config: ParamDef[];
  help: string;
  /** Forward pass is exactly sign(x) with sign(0) = +1, so it lowers to XNOR/popcount (bit-packing). */
  signForward: boolean;
}

/**
 * Larq's `clip_value`: the straight-through window. `null` is Larq's `clip_value=None` (no clipping: the
 * gradient passes everywhere); 0 means the same (the studio's older spelling).
 */
const clipValue = (help: string): ParamDef => ({
  name: 'clip_value',
  kind: 'float',
  default: 1,
  min: 0,
  max: 1e6,
  nullable: true,
  help: `${help} null (Larq's None) disables clipping; 0 does too.`,
});

const QUANTIZERS: QuantizerDef[] = [
  {
    id: 'ste_sign',
    aliases: ['SteSign'],
    label: 'STE sign',
    precision: 1,
    signForward: true,
    config: [
      clipValue('Gradients are passed straight through where |x| ≤ clip_value and cancelled outside.'),
    ],
    help: 'Forward: q(x) = sign(x) with sign(0) = +1. Backward: straight-through estimator, dq/dx = 1 for |x| ≤ clip_value, else 0 (Hubara et al., BinaryNet).',
  },
  {
    id: 'approx_sign',
    aliases: ['ApproxSign'],
    label: 'ApproxSign',
    precision: 1,
    signForward: true,
    config: [],
    help: 'Forward: sign(x) with sign(0) = +1. Backward: piecewise-polynomial approximation dq/dx = max(0, 2 − 2|x|) (Liu et al., Bi-Real Net).',
  },
  {
    id: 'swish_sign',
    aliases: ['SwishSign'],
    label: 'SwishSign',
    precision: 1,
    signForward: true,
    config: [
      {
        name: 'beta',
        kind: 'float',
        default: 5,
        min: 0,
        max: 1e3,
        help: 'Steepness of the swish-shaped gradient.',
      },
    ],
    help: 'Forward: sign(x) with sign(0) = +1. Backward: dq/dx = β(2 − βx·tanh(βx/2))/(1 + cosh(βx)) (Darabi et al., BNN+).',
  },
  {
    id: 'magnitude_aware_sign',
    aliases: ['MagnitudeAwareSign'],
    label: 'Magnitude-aware sign',
    precision: 1,
    signForward: false,
    config: [clipValue('Straight-through gradient window, as for ste_sign.')],
    help: 'For weights: q(w) = mean(|w|) · sign(w) with the mean taken per output channel (over all but the last axis), sign(0) = +1; STE gradient within ±clip_value (Bi-Real Net). Lowers to a binary kernel with the scale folded into the output multiplier.',
  },
  {
    id: 'ste_heaviside',
    aliases: ['SteHeaviside'],
    label: 'STE Heaviside',
    precision: 1,
    signForward: false,
    config: [clipValue('Straight-through gradient window.')],
    help: 'Forward: q(x) = 1 if x > 0 else 0. Backward: straight-through within ±clip_value. Values are {0, 1}, so it does not lower to XNOR/popcount.',
  },
  {
    id: 'ste_tern',
    aliases: ['SteTern'],
    label: 'STE ternary',
    precision: 2,
    signForward: false,
    config: [
      {
        name: 'threshold_value',
        kind: 'float',
        default: 0.05,
        min: 0,
        max: 1e3,
        help: 'Values with |x| < threshold map to 0.',
      },
      {
        name: 'ternary_weight_networks',
        kind: 'bool',
        default: false,
        help: 'Use the TWN rule: threshold = 0.7 · mean(|x|) instead of threshold_value.',
      },
      clipValue('Straight-through gradient window.'),
    ],
    help: 'Forward: q(x) = sign(sign(x + t) + sign(x − t)) with sign(0) = 0: +1 for x ≥ t, −1 for x ≤ −t, else 0 (t > 0). Backward: straight-through within ±clip_value (Li & Liu, Ternary Weight Networks).',
  },
  {
    id: 'dorefa',
    aliases: ['dorefa_quantizer', 'DoReFa', 'DoReFaQuantizer'],
    label: 'DoReFa',
    precision: 2,
    signForward: false,
    config: [
      {
        name: 'k_bit',
        kind: 'int',
        default: 2,
        min: 1,
        max: 8,
        help: 'Number of bits of the quantized values.',
      },
      {
        name: 'mode',
        kind: 'enum',
        default: 'activations',
        options: ['activations', 'weights'],
        help: "'activations': q(x) = round(clip(x, 0, 1)·(2^k − 1))/(2^k − 1). 'weights': tanh-normalised weights mapped to [−1, 1].",
      },
    ],
    help: 'k-bit uniform quantizer of Zhou et al. (DoReFa-Net) with a straight-through gradient inside the clipping range.',
  },
  {
    id: 'noop',
    aliases: ['NoOp', 'NoOpQuantizer'],
    label: 'No-op',
    precision: 1,
    signForward: false,
    config: [
      {
        name: 'precision',
        kind: 'int',
        default: 1,
        min: 1,
        max: 32,
        help: 'Precision reported for the (already quantized) values, e.g. for use with the Bop optimizer.',
      },
    ],
    help: 'Identity in both directions; only declares a precision (Larq NoOp), e.g. for latent weights trained with Bop.',
  },
];

const REGISTRY = idRegistry('quantizer', QUANTIZERS, (q) => q.id);

/** All quantizers, in a stable order. */
export function listQuantizerDefs(): QuantizerDef[] {
  return REGISTRY.list();
}

/** Whether an id (or alias) names a registered quantizer. */
export function hasQuantizerDef(id: string): boolean {
  return REGISTRY.has(id);
}

/** The quantizer for an id or alias; throws `UnknownIdError` naming the id and listing the known ones. */
export function getQuantizerDef(id: string): QuantizerDef {
  return REGISTRY.get(id);
}

/** Config with defaults applied (unknown keys are kept, validation reports them). */
export function resolveQuantizerConfig(ref: QuantizerRef): Record<string, number | string | boolean | null> {
  return resolveRefConfig(getQuantizerDef(ref.id), ref.config);
}

/** Effective precision in bits of a quantizer reference; 32 for none (float), as `larq.models.summary` counts. */
export function quantizerPrecision(ref: QuantizerRef | null | undefined): number {
  if (!ref) return 32;
  const def = getQuantizerDef(ref.id);
  if (def.id === 'dorefa') return Number(resolveQuantizerConfig(ref).k_bit);
  if (def.id === 'noop') return Number(resolveQuantizerConfig(ref).precision);
  return def.precision;
}
