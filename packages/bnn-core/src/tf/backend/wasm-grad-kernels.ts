/**
 * Gradient kernels that @tensorflow/tfjs-backend-wasm lacks (or runs slowly), built on its fast kernels.
 *
 * - `Conv2DBackpropFilter` (missing in wasm): one forward wasm `Conv2D` (XNNPACK) with batch and channels
 *   swapped (see `conv2DBackpropFilterViaConv`); 3–5× faster here than im2col + BatchMatMul.
 * - `Conv2DBackpropInput` (present in wasm, but a naive loop ~30× slower than the forward conv): replaced by
 *   a forward wasm `Conv2D` (XNNPACK) of the stride-dilated dy with the spatially flipped, in/out-swapped
 *   filter:  dx[ih] = Σ_k dyD[ih + pt − (KH−1) + k] · Wflip[k], dyD[oh·s] = dy[oh] (zeros between),
 *   Wflip[kh,kw,co,ci] = W[KH−1−kh, KW−1−kw, ci, co], so the conv pads dyD by KH−1−pt on top and by
 *   H − 1 − (OH−1)·s + pt − ... on the bottom (computed below so the output has exactly H rows).
 *   When a negative pad would be needed, the original wasm kernel is used.
 * - `DepthwiseConv2dNativeBackpropFilter` / `DepthwiseConv2dNativeBackpropInput` (missing in wasm): direct
 *   loops over the heap views; depthwise convs are memory-bound and cheap, so the loops cost about the same
 *   as the forward pass.
 *
 * - `Conv2D`, `DepthwiseConv2dNative` and their `Fused…` forms (present in wasm, but wrong for one family of
 *   shapes): with `same` padding, a filter 1 wide and a stride > 1 along the width (e.g. a 2×1 or 3×1 filter,
 *   strides [s, 2]) tfjs-backend-wasm 4.22 returns all zeros. Those calls go to the same wasm kernel with the
 *   `same` padding written out explicitly (`padInfo` of `computeConv2DInfo`), which it computes correctly; every
 *   other call goes to the original kernel untouched (`sameToExplicitPad`).
 *
 * The reference for every kernel is tfjs-backend-cpu; `wasm-grad-kernels.test.ts` checks them against it.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type TensorInfo = tf.TensorInfo;
type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

let originalBackpropInput: tf.KernelConfig | null = null;

function heap(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

function callKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`bnn-core/tf: wasm kernel ${name} is not registered`);
  return config.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/**
 * Conv2DBackpropFilter as one forward wasm Conv2D (XNNPACK) with batch and channels swapped:
 *   X' = xᵀ [Ci, H, W, N] (zero-padded by pt/pl, bottom/right so the output is exactly KH×KW),
 *   F  = dyᵀ [OH, OW, N, Co] used as the filter, dilation = stride:
 *   out[ci, kh, kw, co] = Σ_{oh,ow,n} X'[ci, kh + oh·sh, kw + ow·sw, n] · F[oh, ow, n, co] = dW[kh, kw, ci, co]
 * then out is transposed to HWIO. All data movement runs in the wasm Transpose/PadV2/Slice kernels.
 */
function conv2DBackpropFilterViaConv(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: { strides: [number, number] | number; pad: Pad; dataFormat: string; dimRoundingMode?: string };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const filterShape = (attrs as unknown as { filterShape: [number, number, number, number] }).filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const temps: TensorInfo[] = [];
  let src = x;
  // Rows/columns past the last window are never read; crop them so no negative padding is needed.
  const needH = (OH - 1) * sh + KH - pt;
  const needW = (OW - 1) * sw + KW - pl;
  if (needH < H || needW < W) {
    src = callKernel(
      'Slice',
      backend,
      { x },
      { begin: [0, 0, 0, 0], size: [x.shape[0], Math.min(H, needH), Math.min(W, needW), x.shape[3]] },
    );
    temps.push(src);
  }
  const xt = callKernel('Transpose', backend, { x: src }, { perm: [3, 1, 2, 0] });
  temps.push(xt);
  const ft = callKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
  temps.push(ft);
  const hUsed = src.shape[1] as number;
  const wUsed = src.shape[2] as number;
  const pb = (OH - 1) * sh + KH - pt - hUsed;
  const pr = (OW - 1) * sw + KW - pl - wUsed;
  const out = callKernel(
    'Conv2D',
    backend,
    { x: xt, filter: ft },
    {
      strides: [1, 1],
      dilations: [sh, sw],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  temps.push(out);
  const result = callKernel('Transpose', backend, { x: out }, { perm: [1, 2, 0, 3] });
  for (const t of temps) backend.disposeData(t.dataId);
  return result;
}

function conv2DBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: {
    strides: [number, number] | number;
    pad: Pad;
    dataFormat: string;
    dimRoundingMode?: string;
    inputShape: [number, number, number, number];
  };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: Ci, outChannels: Co } = info;
  const { outHeight: OH, outWidth: OW, filterHeight: KH, filterWidth: KW } = info;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const DH = (OH - 1) * sh + 1;
  const DW = (OW - 1) * sw + 1;
  const top = KH - 1 - info.padInfo.top;
  const left = KW - 1 - info.padInfo.left;
  const bottom = H - DH - top + KH - 1;
  const right = W - DW - left + KW - 1;
  if (top < 0 || left < 0 || bottom < 0 || right < 0 || (attrs.dataFormat && attrs.dataFormat !== 'NHWC')) {
    if (!originalBackpropInput) throw new Error('bnn-core/tf: no fallback Conv2DBackpropInput kernel');
    return originalBackpropInput.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  }
  // Flipped, in/out-swapped filter.
  const flipped = backend.makeOutput([KH, KW, Co, Ci], 'float32');
  {
    const w = heap(backend, filter);
    const f = heap(backend, flipped);
    for (let kh = 0; kh < KH; kh++) {
      for (let kw = 0; kw < KW; kw++) {
        const dst = (kh * KW + kw) * Co * Ci;
        const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * Ci * Co;
        for (let ci = 0; ci < Ci; ci++) {
          for (let co = 0; co < Co; co++) f[dst + co * Ci + ci] = w[src + ci * Co + co] as number;
        }
      }
    }
  }
  let dilated = dy;
  if (sh > 1 || sw > 1) {
    dilated = backend.makeOutput([N, DH, DW, Co], 'float32');
    const d = heap(backend, dilated);
    const g = heap(backend, dy);
    d.fill(0);
    for (let n = 0; n < N; n++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const src = ((n * OH + oh) * OW + ow) * Co;
          d.set(g.subarray(src, src + Co), ((n * DH + oh * sh) * DW + ow * sw) * Co);
        }
      }
    }
  }
  const out = callKernel(
    'Conv2D',
    backend,
    { x: dilated, filter: flipped },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  backend.disposeData(flipped.dataId);
  if (dilated !== dy) backend.disposeData(dilated.dataId);
  return out;
}

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: Pad;
  dimRoundingMode?: string;
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs) {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    true,
  );
}

/** dW[kh,kw,c,m] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, c] · dy[n,oh,ow,c·M + m]. */
function depthwiseBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseAttrs & { filterShape: [number, number, number, number] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = depthwiseInfo(inputs.x.shape, attrs.filterShape, attrs);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const M = info.outChannels / C;
  const OC = info.outChannels;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = backend.makeOutput(attrs.filterShape, 'float32');
  const xs = heap(backend, inputs.x);
  const g = heap(backend, inputs.dy);
  const o = heap(backend, out);
  o.fill(0);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const gBase = ((n * OH + oh) * OW + ow) * OC;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const xBase = ((n * H + ih) * W + iw) * C;
            const oBase = (kh * KW + kw) * OC;
            for (let c = 0; c < C; c++) {
              const xv = xs[xBase + c] as number;
              for (let m = 0; m < M; m++) {
                const k = c * M + m;
                o[oBase + k] = (o[oBase + k] as number) + xv * (g[gBase + k] as number);
              }
            }
          }
        }
      }
    }
  }
  return out;
}

/** dx[n,ih,iw,c] = Σ_{oh,ow,kh,kw,m: ih = oh·sh + kh·dh − pt, ...} dy[n,oh,ow,c·M + m] · W[kh,kw,c,m]. */
function depthwiseBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseAttrs & { inputShape: [number, number, number, number] };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = depthwiseInfo(attrs.inputShape, inputs.filter.shape, attrs);
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const OC = info.outChannels;
  const M = OC / C;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = backend.makeOutput(attrs.inputShape, 'float32');
  const w = heap(backend, inputs.filter);
  const g = heap(backend, inputs.dy);
  const o = heap(backend, out);
  o.fill(0);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * sh + kh * dh - pt;
        if (ih < 0 || ih >= H) continue;
        for (let ow = 0; ow < OW; ow++) {
          const gBase = ((n * OH + oh) * OW + ow) * OC;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw * dw - pl;
            if (iw < 0 || iw >= W) continue;
            const oBase = ((n * H + ih) * W + iw) * C;
            const wBase = (kh * KW + kw) * OC;
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let m = 0; m < M; m++)
                s += (g[gBase + c * M + m] as number) * (w[wBase + c * M + m] as number);
              o[oBase + c] = (o[oBase + c] as number) + s;
            }
          }
        }
      }
    }
  }
  return out;
}

/**
 * MaxPoolGrad: one pass over the outputs; each output's gradient goes to the first maximum of its window in
 * row-major order (tfjs-backend-cpu's and TensorFlow's choice). The wasm backend's own kernel rescans windows per
 * input element and is several times slower here.
 */
function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: BackendWasm;
  attrs: {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const info = tf.backend_util.computePool2DInfo(
    inputs.input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: KH, effectiveFilterWidth: KW } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const out = backend.makeOutput(inputs.input.shape, 'float32');
  const x = heap(backend, inputs.input);
  const g = heap(backend, inputs.dy);
  const dx = heap(backend, out);
  dx.fill(0);
  const bestVal = new Float32Array(C);
  const bestIdx = new Int32Array(C);
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        bestVal.fill(Number.NEGATIVE_INFINITY);
        bestIdx.fill(-1);
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * sh + kh - pt;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * sw + kw - pl;
            if (iw < 0 || iw >= W) continue;
            const base = ((n * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c] as number;
              if (v > (bestVal[c] as number) || bestIdx[c] === -1) {
                bestVal[c] = v;
                bestIdx[c] = base + c;
              }
            }
          }
        }
        const gBase = ((n * OH + oh) * OW + ow) * C;
        for (let c = 0; c < C; c++) {
          const i = bestIdx[c] as number;
          if (i >= 0) dx[i] = (dx[i] as number) + (g[gBase + c] as number);
        }
      }
    }
  }
  return out;
}

/** True for the calls tfjs-backend-wasm 4.22 gets wrong: `same` padding, filter width 1, stride width > 1. */
export function isWasmZeroConvCase(
  pad: unknown,
  filterWidth: number,
  strides: number | [number, number],
): boolean {
  const sw = typeof strides === 'number' ? strides : strides[1];
  return pad === 'same' && filterWidth === 1 && sw > 1;
}

/**
 * Wraps a wasm forward conv kernel: calls in the zero-returning family (`isWasmZeroConvCase`) get their `same`
 * padding as explicit [[0,0],[top,bottom],[left,right],[0,0]]; all others are passed through unchanged.
 */
function sameToExplicitPad(original: tf.KernelConfig, depthwise: boolean): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs as unknown as {
      strides: number | [number, number];
      pad: Pad;
      dilations?: number | [number, number];
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    if (!isWasmZeroConvCase(attrs.pad, filter.shape[1] as number, attrs.strides))
      return original.kernelFunc(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      attrs.strides,
      attrs.dilations ?? 1,
      'same',
      attrs.dimRoundingMode,
      depthwise,
    );
    const { top, bottom, left, right } = info.padInfo;
    const pad = [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ];
    return original.kernelFunc({ ...args, attrs: { ...args.attrs, pad } as unknown as tf.NamedAttrMap });
  };
}

let registered = false;

/**
 * Registers the kernels above for the 'wasm' backend (idempotent). Call before the first gradient on wasm;
 * `initBackend('wasm')` does it.
 */
export function registerWasmGradKernels(): void {
  if (registered) return;
  registered = true;
  const add = (kernelName: string, kernelFunc: unknown) => {
    if (tf.getKernel(kernelName, 'wasm')) {
      if (kernelName === 'Conv2DBackpropInput') originalBackpropInput = tf.getKernel(kernelName, 'wasm');
      tf.unregisterKernel(kernelName, 'wasm');
    }
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
  };
  add('Conv2DBackpropFilter', conv2DBackpropFilterViaConv);
  add('Conv2DBackpropInput', conv2DBackpropInput);
  add('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter);
  add('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput);
  add('MaxPoolGrad', maxPoolGrad);
  for (const [name, depthwise] of [
    ['Conv2D', false],
    ['FusedConv2D', false],
    ['DepthwiseConv2dNative', true],
    ['FusedDepthwiseConv2D', true],
  ] as const) {
    const original = tf.getKernel(name, 'wasm');
    if (original) add(name, sameToExplicitPad(original, depthwise));
  }
}
