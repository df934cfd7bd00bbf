/**
 * WebGL kernels initBackend('webgl') registers over tfjs-backend-webgl's own, so training on WebGL computes what
 * it computes on cpu and wasm.
 *
 * PadV2 of rank 5 or more: tfjs-backend-webgl's pad shaders handle rank ≤ 4 only (they fail to compile beyond:
 * `lessThan` has no ivec5 overload), and bnn-core dilates conv kernels (dilation_rate > 1) with rank-5 pads. The
 * tensor is padded axis by axis as rank-3 views (see padV2AnyRank).
 *
 * MaxPoolGrad: a max-pool window routes its gradient to ONE input, the position of its maximum. With ties (the
 * norm after a binary conv, whose outputs are small integers) the choice matters: TensorFlow, tfjs-backend-cpu
 * and bnn-core's wasm kernels take the FIRST maximum in row-major window order, tfjs-backend-webgl takes the last.
 * Both are valid subgradients, but then a model trained in a GPU browser diverges from the same seed trained on
 * the server or on wasm. This kernel takes the first maximum, so all backends train the same model.
 */
import {
  backend_util,
  getKernel,
  type KernelConfig,
  type MaxPoolGradAttrs,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs';

/** The parts of tfjs-backend-webgl's MathBackendWebGL and GPGPUProgram this module uses. */
interface WebglProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
}
interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}
type WebglKernel = (args: KernelArgs) => TensorInfo;
interface WebglBackend {
  runWebGLProgram(program: WebglProgram, inputs: TensorInfo[], dtype: 'float32'): TensorInfo;
  disposeIntermediateTensorInfo(t: TensorInfo): void;
}

/** -Infinity without 1/0 (some GLSL compilers reject it). */
const NEG_INF = '-1.0 / 1e-20';

/**
 * For every pooling window: the index `wR * effW + wC` of its first maximum (row-major scan, strict `>`),
 * counting only positions inside the input (padding never wins).
 */
function firstMaxPositions(info: backend_util.Conv2DInfo): WebglProgram {
  return {
    variableNames: ['x'],
    outputShape: info.outShape,
    userCode: `
      void main() {
        ivec4 c = getOutputCoords();
        int r0 = c[1] * ${info.strideHeight} - ${info.padInfo.top};
        int c0 = c[2] * ${info.strideWidth} - ${info.padInfo.left};
        float best = ${NEG_INF};
        int bestAt = -1;
        for (int wR = 0; wR < ${info.effectiveFilterHeight}; wR++) {
          int xR = r0 + wR;
          if (xR < 0 || xR >= ${info.inHeight}) continue;
          for (int wC = 0; wC < ${info.effectiveFilterWidth}; wC++) {
            int xC = c0 + wC;
            if (xC < 0 || xC >= ${info.inWidth}) continue;
            float v = getX(c[0], xR, xC, c[3]);
            if (bestAt < 0 || v > best) {
              best = v;
              bestAt = wR * ${info.effectiveFilterWidth} + wC;
            }
          }
        }
        setOutput(float(bestAt));
      }`,
  };
}

/**
 * dx(b, xR, xC, d) = Σ dy(b, yR, yC, d) over the windows (yR, yC) that contain (xR, xC) at window offset
 * (wR, wC) = (xR − (yR·sH − padTop), xC − (yC·sW − padLeft)) and whose first maximum sits at that offset.
 */
function maxPoolBackprop(info: backend_util.Conv2DInfo): WebglProgram {
  return {
    variableNames: ['dy', 'pos'],
    outputShape: info.inShape,
    userCode: `
      void main() {
        ivec4 c = getOutputCoords();
        float sum = 0.0;
        for (int wR = 0; wR < ${info.effectiveFilterHeight}; wR++) {
          int rNum = c[1] + ${info.padInfo.top} - wR;
          if (rNum < 0 || rNum - (rNum / ${info.strideHeight}) * ${info.strideHeight} != 0) continue;
          int yR = rNum / ${info.strideHeight};
          if (yR >= ${info.outHeight}) continue;
          for (int wC = 0; wC < ${info.effectiveFilterWidth}; wC++) {
            int cNum = c[2] + ${info.padInfo.left} - wC;
            if (cNum < 0 || cNum - (cNum / ${info.strideWidth}) * ${info.strideWidth} != 0) continue;
            int yC = cNum / ${info.strideWidth};
            if (yC >= ${info.outWidth}) continue;
            int at = int(getPos(c[0], yR, yC, c[3]) + 0.5);
            if (at == wR * ${info.effectiveFilterWidth} + wC) sum += getDy(c[0], yR, yC, c[3]);
          }
        }
        setOutput(sum);
      }`,
  };
}

function maxPoolGradFirstMax(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: unknown;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { dy, input } = args.inputs;
  const backend = args.backend as WebglBackend;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const positions = backend.runWebGLProgram(firstMaxPositions(info), [input], 'float32');
  const dx = backend.runWebGLProgram(maxPoolBackprop(info), [dy, positions], 'float32');
  backend.disposeIntermediateTensorInfo(positions);
  return dx;
}

/**
 * Pads `x` one padded axis at a time through the stock kernel (padding with one constant along several axes is the
 * same as padding along each in turn). For each axis the dimensions before it and after it are merged (a row-major
 * reshape, free on WebGL), so the stock kernel sees rank ≤ 3: [KH, 1, KW, A, B] padded on axis 1 is padded as
 * [KH, 1, KW·A·B].
 */
function padV2AnyRank(stockPad: WebglKernel, reshape: WebglKernel): WebglKernel {
  return (args) => {
    const x = args.inputs.x!;
    const paddings = args.attrs!.paddings as Array<[number, number]>;
    if (x.shape.length <= 4) return stockPad(args);
    const backend = args.backend as WebglBackend;
    const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
    let current = x;
    let shape = [...x.shape];
    paddings.forEach(([before, after], axis) => {
      if (before === 0 && after === 0) return;
      const merged = reshape({
        inputs: { x: current },
        backend,
        attrs: { shape: [product(shape.slice(0, axis)), shape[axis]!, product(shape.slice(axis + 1))] },
      });
      const padded = stockPad({
        inputs: { x: merged },
        backend,
        attrs: {
          ...args.attrs,
          paddings: [
            [0, 0],
            [before, after],
            [0, 0],
          ],
        },
      });
      backend.disposeIntermediateTensorInfo(merged);
      if (current !== x) backend.disposeIntermediateTensorInfo(current);
      current = padded;
      shape = shape.map((d, i) => (i === axis ? d + before + after : d));
    });
    const out = reshape({ inputs: { x: current }, backend, attrs: { shape } });
    if (current !== x) backend.disposeIntermediateTensorInfo(current);
    return out;
  };
}

let ourPad: WebglKernel | null = null;

const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'webgl',
  kernelFunc: maxPoolGradFirstMax as unknown as KernelConfig['kernelFunc'],
};

/** Registers the kernels above over tfjs-backend-webgl's (idempotent). */
export function registerWebglTrainingKernels(): void {
  if (getKernel('MaxPoolGrad', 'webgl')?.kernelFunc !== maxPoolGradConfig.kernelFunc) {
    if (getKernel('MaxPoolGrad', 'webgl')) unregisterKernel('MaxPoolGrad', 'webgl');
    registerKernel(maxPoolGradConfig);
  }
  const pad = getKernel('PadV2', 'webgl');
  const reshape = getKernel('Reshape', 'webgl');
  if (pad && reshape && pad.kernelFunc !== ourPad) {
    ourPad = padV2AnyRank(
      pad.kernelFunc as unknown as WebglKernel,
      reshape.kernelFunc as unknown as WebglKernel,
    );
    unregisterKernel('PadV2', 'webgl');
    registerKernel({ ...pad, kernelFunc: ourPad as unknown as KernelConfig['kernelFunc'] });
  }
}
