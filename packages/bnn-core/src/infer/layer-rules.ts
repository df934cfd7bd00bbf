import { axisWindow, windowExtent } from '../math/window.js';
import type { LayerType, ResolvedParams } from '../registry/layers.js';
import { quantizerPrecision } from '../registry/quantizers.js';
import type { QuantizerRef } from '../spec/graph-types.js';
import { type GraphIssue, makeIssue } from '../spec/issues.js';

/**
 * Shape and cost rules per layer type, separate from any execution (like tfjs-layers' computeOutputShape).
 * Counting follows `larq.models.summary`: a weight's bit width is its quantizer's precision (32 without one, 8 for
 * a float layer of `precision: 'int8'`, whose inputs are int8 too;
 * biases and BatchNorm statistics are 32-bit; a BatchNorm counts 2·C values, fused as current Larq does); a layer's MACs are, per non-bias weight, `count × output pixels`
 * at precision `max(input precision, weight precision)` (input precision 32 without an input quantizer).
 */

export interface WeightCost {
  name: string;
  count: number;
  bits: number;
  trainable: boolean;
  /** Storage in the deploy layout: binary kernels as LCE int32 words packed along input channels. */
  packedBytes: number;
}

export interface MacCost {
  count: number;
  bits: number;
}

export interface RuleResult {
  shape: number[] | null;
  weights: WeightCost[];
  macs: MacCost[];
}

export interface RuleContext {
  nodeId: string;
  type: string;
  params: ResolvedParams;
  inputs: number[][];
  issues: GraphIssue[];
}

/** What a rule returns after reporting an issue: no output shape, no cost. */
const failed = (): RuleResult => ({ shape: null, weights: [], macs: [] });

const words = (n: number) => Math.ceil(n / 32);
const pair = (v: unknown): [number, number] => {
  const a = v as number[];
  return [a[0]!, a[1]!];
};

/** Storage bytes of `count` values at `bits` each; binary tensors pack `rows` rows of `inner` bits into words. */
function storage(count: number, bits: number, inner: number): number {
  if (bits === 1) return words(inner) * 4 * (count / inner);
  if (bits <= 8) return Math.ceil((count * bits) / 8);
  return count * 4;
}

function weight(name: string, count: number, bits: number, inner: number, trainable = true): WeightCost {
  return { name, count, bits, trainable, packedBytes: storage(count, bits, inner) };
}

function need(ctx: RuleContext, rank: number, what: string, fix: string): number[] | null {
  const s = ctx.inputs[0]!;
  if (s.length === rank) return s;
  ctx.issues.push(
    makeIssue(
      'rank_mismatch',
      { nodeId: ctx.nodeId },
      `${ctx.type} '${ctx.nodeId}': expects ${what}, got shape [${s.join(', ')}]`,
      fix,
    ),
  );
  return null;
}

/** Keras output length along one axis: valid = floor((n − ek)/s) + 1, same = ceil(n/s); null if ek > n (valid). */
function windowOut(n: number, k: number, s: number, d: number, padding: string): number | null {
  const g = axisWindow(n, k, s, d, padding === 'same' ? 'same' : 'valid');
  return g.out === 0 ? null : g.out;
}

function spatial(ctx: RuleContext, inShape: number[], k: [number, number], field: string, dilated: boolean) {
  const p = ctx.params;
  const [sh, sw] = pair(p.strides);
  const [dh, dw] = dilated ? pair(p.dilation_rate) : [1, 1];
  if ((dh > 1 || dw > 1) && (sh > 1 || sw > 1)) {
    ctx.issues.push(
      makeIssue(
        'dilation_strides',
        { nodeId: ctx.nodeId, field: 'dilation_rate' },
        `${ctx.type} '${ctx.nodeId}': dilation_rate > 1 cannot be combined with strides > 1`,
        'Set strides to [1, 1] or dilation_rate to [1, 1].',
      ),
    );
    return null;
  }
  const padding = p.padding as string;
  const oh = windowOut(inShape[0]!, k[0], sh, dh, padding);
  const ow = windowOut(inShape[1]!, k[1], sw, dw, padding);
  if (oh === null || ow === null) {
    const ek = [windowExtent(k[0], dh), windowExtent(k[1], dw)];
    const dilatedNote = dh > 1 || dw > 1 ? ` (dilated to ${ek[0]}×${ek[1]})` : '';
    ctx.issues.push(
      makeIssue(
        'kernel_too_large',
        { nodeId: ctx.nodeId, field },
        `${ctx.type} '${ctx.nodeId}': ${field} ${k[0]}×${k[1]}${dilatedNote} is larger than its ${inShape[0]}×${inShape[1]} input with 'valid' padding`,
        `Use a ${field} of at most ${inShape[0]}×${inShape[1]}, set padding to 'same', or remove a downsampling layer before it.`,
      ),
    );
    return null;
  }
  return [oh, ow] as const;
}

const precisionOf = (ref: unknown) => quantizerPrecision(ref as QuantizerRef | null);

function convLike(
  ctx: RuleContext,
  kind: 'conv' | 'depthwise' | 'separable',
  quantized: boolean,
): RuleResult {
  const p = ctx.params;
  const s = need(
    ctx,
    3,
    'an [H, W, C] feature map',
    'Remove the Flatten/Dense before it, or use a Dense layer.',
  );
  if (!s) return failed();
  const k = pair(p.kernel_size);
  const hw = spatial(ctx, s, k, 'kernel_size', true);
  if (!hw) return failed();
  const cin = s[2]!;
  // A float layer of precision int8 computes with int8 inputs and weights (int32 bias).
  const floatBits = p.precision === 'int8' ? 8 : 32;
  const inBits = quantized ? precisionOf(p.input_quantizer) : floatBits;
  const weights: WeightCost[] = [];
  const macs: MacCost[] = [];
  const pixels = hw[0] * hw[1];
  let cout: number;
  if (kind === 'conv') {
    cout = p.filters as number;
    const bits = quantized ? precisionOf(p.kernel_quantizer) : floatBits;
    const count = k[0] * k[1] * cin * cout;
    weights.push(weight('kernel', count, bits, cin));
    macs.push({ count: count * pixels, bits: Math.max(inBits, bits) });
  } else {
    const m = p.depth_multiplier as number;
    const dBits = quantized ? precisionOf(p.depthwise_quantizer) : floatBits;
    const dCount = k[0] * k[1] * cin * m;
    // Binary depthwise filters pack along channels: [KH, KW, ceil(C/32)] words per multiplier slice.
    weights.push(weight('depthwise_kernel', dCount, dBits, cin));
    macs.push({ count: dCount * pixels, bits: Math.max(inBits, dBits) });
    cout = cin * m;
    if (kind === 'separable') {
      const filters = p.filters as number;
      const pBits = quantized ? precisionOf(p.pointwise_quantizer) : 32;
      const pCount = cin * m * filters;
      weights.push(weight('pointwise_kernel', pCount, pBits, cin * m));
      // Larq counts max(input precision, weight precision) for each kernel of the layer.
      macs.push({ count: pCount * pixels, bits: Math.max(inBits, pBits) });
      cout = filters;
    }
  }
  if (p.use_bias) weights.push(weight('bias', cout, 32, 1));
  return { shape: [hw[0], hw[1], cout], weights, macs };
}

function pool(ctx: RuleContext): RuleResult {
  const s = need(ctx, 3, 'an [H, W, C] feature map', 'Pool before flattening.');
  if (!s) return failed();
  const hw = spatial(ctx, s, pair(ctx.params.pool_size), 'pool_size', false);
  if (!hw) return failed();
  return { shape: [hw[0], hw[1], s[2]!], weights: [], macs: [] };
}

const identity = (ctx: RuleContext): RuleResult => ({ shape: ctx.inputs[0]!.slice(), weights: [], macs: [] });
const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** The shape, weight and MAC rule of every layer type but Input (whose shape is its own param). */
export type RuledLayerType = Exclude<LayerType, 'Input'>;

export const LAYER_RULES = {
  QuantConv2D: (ctx) => convLike(ctx, 'conv', true),
  QuantDepthwiseConv2D: (ctx) => convLike(ctx, 'depthwise', true),
  QuantSeparableConv2D: (ctx) => convLike(ctx, 'separable', true),
  Conv2D: (ctx) => convLike(ctx, 'conv', false),
  DepthwiseConv2D: (ctx) => convLike(ctx, 'depthwise', false),
  QuantDense: (ctx) => dense(ctx, true),
  Dense: (ctx) => dense(ctx, false),
  BatchNormalization: (ctx) => {
    const s = ctx.inputs[0]!;
    const c = s[s.length - 1]!;
    // Current larq.models.summary counts BatchNorm fused for inference: beta is dropped when moving_mean exists
    // and gamma when moving_variance exists, so every BatchNorm is 2·C non-trainable 32-bit values (the scale
    // and shift it folds into), whatever `center` and `scale` say.
    const weights = [weight('moving_mean', c, 32, 1, false), weight('moving_variance', c, 32, 1, false)];
    return { shape: s.slice(), weights, macs: [] };
  },
  MaxPool2D: pool,
  AveragePool2D: pool,
  GlobalAveragePooling2D: (ctx) => {
    const s = need(ctx, 3, 'an [H, W, C] feature map', 'Use it on feature maps, before Flatten/Dense.');
    return { shape: s ? [s[2]!] : null, weights: [], macs: [] };
  },
  Flatten: (ctx) => ({ shape: [product(ctx.inputs[0]!)], weights: [], macs: [] }),
  Reshape: (ctx) => {
    const target = ctx.params.target_shape as number[];
    const from = product(ctx.inputs[0]!);
    if (product(target) !== from) {
      ctx.issues.push(
        makeIssue(
          'reshape_size',
          { nodeId: ctx.nodeId, field: 'target_shape' },
          `Reshape '${ctx.nodeId}': target_shape [${target.join(', ')}] has ${product(target)} elements, the input [${ctx.inputs[0]!.join(', ')}] has ${from}`,
          `Choose a target_shape whose dimensions multiply to ${from}.`,
        ),
      );
      return failed();
    }
    return { shape: target.slice(), weights: [], macs: [] };
  },
  ReLU: identity,
  PReLU: (ctx) => {
    const s = ctx.inputs[0]!;
    return { shape: s.slice(), weights: [weight('alpha', s[s.length - 1]!, 32, 1)], macs: [] };
  },
  HardTanh: identity,
  LeakyTanh: identity,
  Dropout: identity,
  Softmax: identity,
  Add: (ctx) => {
    const first = ctx.inputs[0]!;
    for (let i = 1; i < ctx.inputs.length; i++) {
      const s = ctx.inputs[i]!;
      if (s.length !== first.length || s.some((d, j) => d !== first[j])) {
        ctx.issues.push(
          makeIssue(
            'shape_mismatch',
            { nodeId: ctx.nodeId, field: `port ${i}` },
            `Add '${ctx.nodeId}': input ${i} has shape [${s.join(', ')}] but input 0 has [${first.join(', ')}]`,
            'Make both branches produce the same shape: match filters, strides and padding, or add a 1×1 conv / pooling on the shortcut.',
          ),
        );
        return failed();
      }
    }
    return { shape: first.slice(), weights: [], macs: [] };
  },
  Concatenate: (ctx) => {
    const first = ctx.inputs[0]!;
    let channels = first[first.length - 1]!;
    for (let i = 1; i < ctx.inputs.length; i++) {
      const s = ctx.inputs[i]!;
      const ok = s.length === first.length && s.every((d, j) => j === s.length - 1 || d === first[j]);
      if (!ok) {
        ctx.issues.push(
          makeIssue(
            'shape_mismatch',
            { nodeId: ctx.nodeId, field: `port ${i}` },
            `Concatenate '${ctx.nodeId}': input ${i} has shape [${s.join(', ')}], incompatible with input 0 [${first.join(', ')}] (all but the channel axis must match)`,
            'Make the branches produce the same height and width (match strides and padding).',
          ),
        );
        return failed();
      }
      channels += s[s.length - 1]!;
    }
    return { shape: [...first.slice(0, -1), channels], weights: [], macs: [] };
  },
} satisfies Record<RuledLayerType, (ctx: RuleContext) => RuleResult>;

function dense(ctx: RuleContext, quantized: boolean): RuleResult {
  const s = need(
    ctx,
    1,
    'a [N] feature vector',
    'Insert a Flatten or GlobalAveragePooling2D layer before this Dense layer.',
  );
  if (!s) return failed();
  const p = ctx.params;
  const cin = s[0]!;
  const units = p.units as number;
  const floatBits = p.precision === 'int8' ? 8 : 32;
  const bits = quantized ? precisionOf(p.kernel_quantizer) : floatBits;
  const inBits = quantized ? precisionOf(p.input_quantizer) : floatBits;
  const weights = [weight('kernel', cin * units, bits, cin)];
  if (p.use_bias) weights.push(weight('bias', units, 32, 1));
  return { shape: [units], weights, macs: [{ count: cin * units, bits: Math.max(inBits, bits) }] };
}
