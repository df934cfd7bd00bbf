import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradKernels } from './wasm-grad-kernels.js';
import { registerWebglTrainingKernels } from './webgl-train-kernels.js';

export type BackendName = 'wasm' | 'cpu' | 'webgl';

export interface InitBackendOptions {
  /**
   * Where tfjs-backend-wasm's `.wasm` files are served from: a URL prefix ending in `/` in the browser, or a
   * directory in Node. In Node the default is the installed package's `dist/` directory (never a CDN).
   */
  wasmPaths?: string;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

/**
 * Node's built-in modules without an import statement, so browser bundles of this entry never see `node:*`
 * specifiers (Node ≥ 20.16).
 */
export function nodeBuiltin<T>(name: string): T {
  const get = (process as unknown as { getBuiltinModule?: (n: string) => unknown }).getBuiltinModule;
  if (!get)
    throw new Error(
      `bnn-core/tf: Node ${process.versions.node} lacks process.getBuiltinModule; use Node ≥ 20.16`,
    );
  return get(name) as T;
}

function nodeWasmDir(): string {
  const { createRequire } = nodeBuiltin<typeof import('node:module')>('module');
  const path = nodeBuiltin<typeof import('node:path')>('path');
  const require = createRequire(import.meta.url);
  return `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}${path.sep}dist${path.sep}`;
}

let wasmPathsSet = false;

/**
 * Selects and initialises a tfjs backend, returning its name. For 'wasm' it also registers our gradient
 * kernels (Conv2DBackpropFilter, a fast Conv2DBackpropInput and the depthwise backprops), so conv training
 * runs on wasm; for 'webgl' a first-maximum MaxPoolGrad and a PadV2 of any rank (webgl-train-kernels.ts).
 * Throws with the reason and a fix when the backend cannot start.
 */
export async function initBackend(name: BackendName, opts: InitBackendOptions = {}): Promise<string> {
  if (name === 'wasm') {
    if (!wasmPathsSet) {
      const dir = opts.wasmPaths ?? (isNode ? nodeWasmDir() : undefined);
      if (!dir) {
        throw new Error(
          "bnn-core/tf: initBackend('wasm') in the browser needs opts.wasmPaths (a URL prefix ending in '/' " +
            'where tfjs-backend-wasm.wasm and tfjs-backend-wasm-simd.wasm are served)',
        );
      }
      setWasmPaths(dir);
      wasmPathsSet = true;
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new Error(`bnn-core/tf: backend '${name}' failed to start: ${(err as Error).message}`);
  }
  if (!ok) {
    throw new Error(
      `bnn-core/tf: backend '${name}' is not available here` +
        (name === 'webgl' ? " (no WebGL context); use 'wasm' instead" : ''),
    );
  }
  await tf.ready();
  if (name === 'wasm') registerWasmGradKernels();
  if (name === 'webgl') registerWebglTrainingKernels();
  return tf.getBackend();
}
