/**
 * Which TensorFlow.js backend a training worker uses: WebGL when the browser has a hardware GPU context, else the
 * wasm backend, else cpu. Shared by the training worker and its Chromium test.
 */
import { type BackendName, initBackend } from '@bnn-studio/bnn-core/tf';
import { env as tfEnv } from '@tensorflow/tfjs';

export type BackendPreference = 'auto' | 'webgl' | 'wasm' | 'cpu';

/**
 * Software rasterisers: SwiftShader (Chromium's GPU-less WebGL, also behind ANGLE's Vulkan path), llvmpipe /
 * softpipe (Mesa) and Microsoft's Basic Render Driver. tfjs-backend-webgl on them is far slower than wasm.
 */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
}

/** The WebGL2 renderer string of this context (window or worker), or null when there is no WebGL2 at all. */
export function webglRenderer(): string | null {
  if (typeof OffscreenCanvas === 'undefined') return null;
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(
      info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    );
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return null;
  }
}

/** Whether this context has a hardware (GPU) WebGL2 context; software rasterisers count as "no WebGL". */
export function hasHardwareWebgl(): boolean {
  const renderer = webglRenderer();
  return renderer !== null && !isSoftwareRenderer(renderer);
}

/**
 * tfjs-backend-wasm's threaded build spawns its pthreads from a blob: copy of the emscripten glue, which does not
 * survive bundling (minified names are missing in the blob). Use the single-threaded SIMD build: training already
 * runs off the main thread in the worker.
 */
function forceSingleThreadedWasm() {
  tfEnv().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
}

/**
 * Starts one backend with bnn-core's initBackend, which also registers the kernels training needs on it (on
 * WebGL: a MaxPoolGrad that breaks ties like TensorFlow, cpu and wasm, and PadV2 beyond rank 4).
 */
export async function startBackend(name: BackendName, wasmPaths?: string): Promise<string> {
  return initBackend(name, wasmPaths === undefined ? {} : { wasmPaths });
}

/**
 * Starts the preferred backend and returns its name. 'auto' tries WebGL (hardware only), then wasm, then cpu; an
 * explicit choice falls back to cpu when it cannot start. `log` receives why a backend was skipped.
 */
export async function pickBackend(
  pref: BackendPreference,
  wasmPaths: string,
  log: (text: string) => void,
): Promise<string> {
  const order = pref === 'auto' ? (['webgl', 'wasm', 'cpu'] as const) : ([pref, 'cpu'] as const);
  let lastError: unknown = null;
  forceSingleThreadedWasm();
  for (const name of order) {
    try {
      if (name === 'webgl' && pref === 'auto') {
        const renderer = webglRenderer();
        if (renderer === null || isSoftwareRenderer(renderer)) {
          log(
            renderer === null
              ? 'No WebGL in this browser; using the wasm backend.'
              : `No hardware WebGL in this browser (renderer: ${renderer}); using the wasm backend.`,
          );
          continue;
        }
      }
      return await startBackend(name, wasmPaths);
    } catch (e) {
      lastError = e;
      log(`Backend ${name} unavailable: ${(e as Error).message}`);
    }
  }
  throw lastError ?? new Error('No TensorFlow.js backend could start.');
}
