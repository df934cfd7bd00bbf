/** FlexBuffer custom options of Larq Compute Engine ops (keys and value codes from LCE's converter). */
import type { DotClamp } from '@bnn-studio/bnn-core';
import { encode } from 'flatbuffers/js/flexbuffers.js';
import { Activation, Padding } from './schema.js';

/**
 * LceBconv2d's `fused_activation_function` of each dot clamp (LCE clamps the int32 dot to the activation's
 * range, bnn-core `DOT_CLAMP_RANGE`); `dotClampOf` is the inverse the importer reads.
 */
export const DOT_CLAMP_ACTIVATION = {
  none: Activation.NONE,
  relu: Activation.RELU,
  relu_n1_to_1: Activation.RELU_N1_TO_1,
  relu6: Activation.RELU6,
} as const satisfies Record<DotClamp, number>;

/** The dot clamp of an LceBconv2d `fused_activation_function` code, or null for a code LCE does not define. */
export function dotClampOf(code: number): DotClamp | null {
  for (const [k, v] of Object.entries(DOT_CLAMP_ACTIVATION)) if (v === code) return k as DotClamp;
  return null;
}

export interface BconvOptions {
  channels_in: number;
  dilation_height_factor: number;
  dilation_width_factor: number;
  /** NONE=0, RELU=1, RELU_N1_TO_1=2, RELU6=3: clamp of the integer dot product before the multiplier. */
  fused_activation_function: number;
  /** 1 = one-padding (SAME only); 0 otherwise (VALID always 0). */
  pad_values: 0 | 1;
  /** SAME=0, VALID=1. */
  padding: number;
  stride_height: number;
  stride_width: number;
}

/** The 8-key INT map of LceBconv2d (all keys required by LCE). */
export function bconvOptions(o: BconvOptions): Uint8Array {
  if (o.padding === Padding.VALID && o.pad_values !== 0)
    throw new Error('LceBconv2d: VALID padding needs pad_values 0');
  if (!Object.values(Activation).includes(o.fused_activation_function as 0)) {
    throw new Error(`LceBconv2d: bad fused_activation_function ${o.fused_activation_function}`);
  }
  return encode({ ...o });
}

export interface BMaxPoolOptions {
  padding: number;
  stride_width: number;
  stride_height: number;
  filter_width: number;
  filter_height: number;
}

export function bmaxpoolOptions(o: BMaxPoolOptions): Uint8Array {
  return encode({ ...o });
}

/** LceQuantize / LceDequantize: custom_options present with zero length. */
export const EMPTY_CUSTOM_OPTIONS = new Uint8Array(0);
