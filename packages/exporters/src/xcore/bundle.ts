/**
 * xcore.ai bundle: the xcore-profile `.tflite` (Larq Compute Engine ops as XMOS's xformer accepts them),
 * `convert.sh` for xformer (`xcore-opt`), an XCommon CMake app for XCORE-AI-EXPLORER whose main calls the
 * generated model_init / model_invoke on the studio's golden vectors, and the portable C99 runtime with its
 * bit-exact self-check as a second build target (host Makefile + XCommon CMake).
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';
import { strToU8, type Zippable, zipSync } from 'fflate';
import { type GoldenVectors, generateGolden, generateMain } from '../firmware/app.js';
import { cFloatArray } from '../firmware/c-literals.js';
import { generateModel } from '../firmware/codegen.js';
import { computeGolden, goldenInputs } from '../firmware/golden.js';
import { deployGraphSha256 } from '../firmware/model-hash.js';
import { PORTABLE_RUNTIME_FILES, readFiles, readRuntimeFile } from '../firmware/runtime-files.js';
import { type ManifestLatency, manifestLatency } from '../latency/estimate.js';
import { cleanName, RUNTIME_VERSION } from '../stm32/bundle.js';
import type { CalibrationData, CalibrationRanges } from '../tflite/calibrate.js';
import { calibrateTflite } from '../tflite/calibrate.js';
import { type IoSpec, type TfliteExport, writeTfliteWithReport } from '../tflite/write-tflite.js';

export interface XcoreBundleOptions {
  /**
   * int8 calibration for the xcore `.tflite`: representative inputs (50–500 training samples) or ranges from
   * `calibrateTflite`. Default: the golden inputs (synthetic; the README says so) — pass real data.
   */
  calibration?: CalibrationData | CalibrationRanges;
  golden?: GoldenVectors;
  goldenCount?: number;
  goldenSeed?: number;
  goldenRange?: [number, number];
  modelName?: string;
  provenance?: Record<string, string | number | boolean | null>;
}

export interface XcoreManifest {
  format: 'bnn-studio.firmware';
  formatVersion: 1;
  target: 'xcore.ai';
  board: 'XCORE-AI-EXPLORER';
  runtimeVersion: string;
  exporter: string;
  model: {
    name: string;
    sha256: string;
    input: { shape: number[]; dtype: 'float32' };
    outputs: { shape: number[]; dtype: 'float32' }[];
    labels?: string[];
  };
  tflite: {
    path: string;
    bytes: number;
    profile: 'xcore';
    operators: { op: string; sourceNode: string }[];
    io: { input: IoSpec; outputs: IoSpec[] };
    calibration: string;
  };
  portable: { arenaBytes: number; modelConstBytes: number };
  /** The studio's latency estimate of the portable runtime on one xcore.ai thread (latency/estimate.ts). */
  latency: ManifestLatency;
  golden: { count: number; source: string };
  verified: { here: string[]; needsXmosTools: string[] };
  provenance: Record<string, string | number | boolean | null>;
  files: string[];
}

export interface XcoreBundle {
  zip: Uint8Array;
  manifest: XcoreManifest;
}

const VERIFIED_HERE = [
  'portable C99 runtime: built with -Wall -Wextra -Werror and run bit-exact against the studio on the host (AddressSanitizer + UBSan) and on an emulated Cortex-M4 (qemu-system-arm) in BNN Studio CI',
  'model/model.tflite: written against the TensorFlow Lite schema and read back; LCE operators, tensors, shapes and options checked; refused up front when xformer could not lower it',
];
const NEEDS_XMOS = [
  'convert.sh: xformer (xcore-opt from `pip install xmos-ai-tools`) converting model/model.tflite to app/src/model.tflite.cpp/.h',
  'building app/ and portable/ with the XTC tools (xcc, XCommon CMake) and running them on an XCORE-AI-EXPLORER board (xrun --io)',
  'the int8 outputs of the converted model: quantised, so they follow the studio approximately (app checks the top class and reports the largest error), not bit for bit',
];

function quantParams(spec: IoSpec): { scale: number; zeroPoint: number; int8: boolean } {
  return { scale: spec.scale ?? 1, zeroPoint: spec.zeroPoint ?? 0, int8: spec.type === 'int8' };
}

function xcoreGolden(golden: GoldenVectors, io: TfliteExport['io'], outSizes: number[]): string {
  const input = quantParams(io.input);
  const outs = io.outputs.map(quantParams);
  return `/* Golden vectors from BNN Studio (float), with the int8 I/O quantisation of model/model.tflite. */
#ifndef BNN_XCORE_GOLDEN_H
#define BNN_XCORE_GOLDEN_H
#define GOLDEN_COUNT ${golden.count}
#define GOLDEN_INPUT_SIZE ${golden.inputs.length / golden.count}
#define GOLDEN_INPUT_INT8 ${input.int8 ? 1 : 0}
#define GOLDEN_INPUT_SCALE ${cFloatArray([input.scale]).trim().replace(/,$/, '')}
#define GOLDEN_INPUT_ZERO_POINT ${input.zeroPoint}
#define GOLDEN_NUM_OUTPUTS ${outs.length}
static const float golden_input[${golden.inputs.length}] = {
${cFloatArray(golden.inputs)}
};
${outs
  .map(
    (o, i) => `#define GOLDEN_OUTPUT${i}_SIZE ${outSizes[i]}
#define GOLDEN_OUTPUT${i}_INT8 ${o.int8 ? 1 : 0}
#define GOLDEN_OUTPUT${i}_SCALE ${cFloatArray([o.scale]).trim().replace(/,$/, '')}
#define GOLDEN_OUTPUT${i}_ZERO_POINT ${o.zeroPoint}
static const float golden_output${i}[${golden.outputs[i]!.length}] = {
${cFloatArray(golden.outputs[i]!)}
};`,
  )
  .join('\n')}
#endif
`;
}

function xcoreMain(outputs: number): string {
  return `/*
 * Runs the xformer-converted model (model.tflite.h from ../convert.sh) on the studio's golden vectors.
 * int8 inference approximates the studio's float outputs: the check is the top class of output 0 per vector;
 * the largest absolute error of every output is printed. Prints PASS or FAIL.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "golden.h"
#include "model.tflite.h"

static float read_output(const void *p, int i, int int8, float scale, int zero_point) {
  if (int8) return scale * (float)(((const int8_t *)p)[i] - zero_point);
  return ((const float *)p)[i];
}

int main(void) {
  if (model_init(NULL) != 0) {
    printf("FAIL: model_init\\n");
    return 1;
  }
  int failures = 0;
  for (int v = 0; v < GOLDEN_COUNT; v++) {
    void *in = model_input_ptr(0);
    for (int i = 0; i < GOLDEN_INPUT_SIZE; i++) {
      const float x = golden_input[v * GOLDEN_INPUT_SIZE + i];
#if GOLDEN_INPUT_INT8
      long q = lroundf(x / GOLDEN_INPUT_SCALE) + GOLDEN_INPUT_ZERO_POINT;
      ((int8_t *)in)[i] = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
#else
      ((float *)in)[i] = x;
#endif
    }
    if (model_invoke() != 0) {
      printf("FAIL: model_invoke\\n");
      return 1;
    }
${Array.from(
  { length: outputs },
  (_, o) => `    {
      const void *out = model_output_ptr(${o});
      float max_err = 0.0f;
      int best = 0, want = 0;
      for (int i = 0; i < GOLDEN_OUTPUT${o}_SIZE; i++) {
        const float y = read_output(out, i, GOLDEN_OUTPUT${o}_INT8, GOLDEN_OUTPUT${o}_SCALE, GOLDEN_OUTPUT${o}_ZERO_POINT);
        const float g = golden_output${o}[v * GOLDEN_OUTPUT${o}_SIZE + i];
        if (fabsf(y - g) > max_err) max_err = fabsf(y - g);
        if (y > read_output(out, best, GOLDEN_OUTPUT${o}_INT8, GOLDEN_OUTPUT${o}_SCALE, GOLDEN_OUTPUT${o}_ZERO_POINT)) best = i;
        if (g > golden_output${o}[v * GOLDEN_OUTPUT${o}_SIZE + want]) want = i;
      }
      printf("vector %d output ${o}: top class %d (studio %d), max abs error %f\\n", v, best, want, (double)max_err);
      ${o === 0 ? 'if (best != want) failures++;' : '(void)best;'}
    }`,
).join('\n')}
  }
  printf(failures ? "FAIL\\n" : "PASS\\n");
  return failures ? 1 : 0;
}
`;
}

function readme(m: XcoreManifest): string {
  return `# ${m.model.name} — xcore.ai bundle

Generated by BNN Studio (${m.exporter}) for XMOS xcore.ai (${m.board}).
Model SHA-256: \`${m.model.sha256}\`

## What was verified here, and what needs XMOS's tools
Verified by BNN Studio (no XMOS tools involved):
${m.verified.here.map((s) => `- ${s}`).join('\n')}

Not verified here — needs XMOS's tools and hardware:
${m.verified.needsXmosTools.map((s) => `- ${s}`).join('\n')}

## Layout
- \`model/model.tflite\` — ${m.tflite.bytes} bytes, Larq Compute Engine ops in the form xformer accepts
  (binary convs with valid padding or Pad + valid, channels_in % 32 == 0, int8 around binary blocks).
  Input: ${m.tflite.io.input.type} [${m.tflite.io.input.shape.join(', ')}]${m.tflite.io.input.scale !== undefined ? ` (scale ${m.tflite.io.input.scale}, zero point ${m.tflite.io.input.zeroPoint})` : ''}.
  Calibration: ${m.tflite.calibration}.
- \`convert.sh\` — runs xformer (\`xcore-opt\`, from \`pip install xmos-ai-tools\`); \`XCORE_THREADS=5 ./convert.sh\`
  uses 5 hardware threads. Writes \`app/src/model.tflite.cpp/.h\`.
- \`app/\` — XCommon CMake application (\`APP_HW_TARGET XCORE-AI-EXPLORER\`): \`main\` calls \`model_init\`,
  \`model_invoke\` on the golden vectors and prints PASS when the top class matches the studio.
  \`cd app && cmake -G "Unix Makefiles" -B build && xmake -C build && xrun --io bin/app_bnn_xcore.xe\`
- \`portable/\` — the portable C99 runtime (${m.portable.arenaBytes} bytes arena, ${m.portable.modelConstBytes} bytes of
  constant model data) with its bit-exact self-check: \`make host-test\` on any host (ASan + UBSan), or
  \`cmake -G "Unix Makefiles" -B build && xmake -C build\` for XCORE-AI-EXPLORER. Its outputs equal the studio's
  bit for bit; it does not use the xcore vector unit.

## Run and flash it on XCORE-AI-EXPLORER
Install the XMOS XTC Tools 15 (xmake, xrun, xflash; \`source /opt/XMOS/XTC/15.*/SetEnv\` on Linux/macOS) and
\`pip install xmos-ai-tools\` (xformer), plug the board's xTAG debug adapter into USB, then from this folder:

| command | what it does |
|---|---|
| \`make\` | \`./convert.sh\` (xformer) and the XCommon CMake build: \`app/bin/app_bnn_xcore.xe\` |
| \`make run\` | \`xrun --io app/bin/app_bnn_xcore.xe\`: loads it over JTAG and prints the self-check to this terminal (\`PASS\` when the top class of every golden vector matches the studio) |
| \`make flash\` | \`xflash app/bin/app_bnn_xcore.xe\`: writes it to the board's SPI boot flash, so it runs at every power-up |
| \`make host-test\` | the portable runtime's bit-exact self-check on this machine (no XMOS tools) |

Each target stops with the install hint when its tool is missing. \`xrun -l\` lists the connected adapters.
The self-check's output goes to this terminal over the xTAG (\`--io\`), so no UART wiring is needed; clocks
come from the XCORE-AI-EXPLORER target description (\`APP_HW_TARGET\`), nothing to configure.

## Files
${m.files.map((f) => `- \`${f}\``).join('\n')}
`;
}

export async function buildXcoreBundle(
  deploy: DeployGraph,
  opts: XcoreBundleOptions = {},
): Promise<XcoreBundle> {
  const model = generateModel(deploy, { modelName: opts.modelName ?? deploy.name });
  let golden = opts.golden;
  let goldenSource = 'provided by the caller';
  if (!golden) {
    const count = opts.goldenCount ?? 2;
    const inputs = goldenInputs(deploy, count, opts.goldenSeed ?? 1234, opts.goldenRange ?? [-1, 1]);
    golden = await computeGolden(deploy, inputs, count);
    goldenSource = '@bnn-studio/kernels reference engine on seeded inputs';
  }
  let calibration = opts.calibration;
  let calibrationNote = 'representative data provided by the caller';
  if (!calibration) {
    calibration = await calibrateTflite(deploy, { data: golden.inputs, batch: golden.count });
    calibrationNote =
      'the golden inputs only (synthetic) — re-export with representative training samples for production ranges';
  }
  const tflite = writeTfliteWithReport(deploy, { profile: 'xcore', calibration });
  const goldenFiles = generateGolden(model, golden);
  const outSizes = model.outputShapes.map((s) => s.reduce((a, b) => a * b, 1));

  const portableRuntime = readFiles(PORTABLE_RUNTIME_FILES);
  const files: Record<string, string | Uint8Array> = {
    'model/model.tflite': tflite.bytes,
    'convert.sh': readRuntimeFile('targets/xcore/convert.sh'),
    Makefile: readRuntimeFile('targets/xcore/Makefile'),
    'app/CMakeLists.txt': readRuntimeFile('targets/xcore/CMakeLists.txt'),
    'app/src/main.c': xcoreMain(model.outputShapes.length),
    'app/src/golden.h': xcoreGolden(golden, tflite.io, outSizes),
    'portable/Makefile': readRuntimeFile('targets/portable/Makefile'),
    'portable/CMakeLists.txt': readRuntimeFile('targets/portable/CMakeLists.txt'),
    'portable/src/bnn_model.h': model.header,
    'portable/src/bnn_model.c': model.source,
    'portable/src/main.c': generateMain(model),
    'portable/src/golden.h': goldenFiles.header,
    'portable/src/golden.c': goldenFiles.source,
  };
  for (const [path, text] of Object.entries(portableRuntime))
    files[`portable/src/${path.split('/').pop()}`] = text;

  const manifest: XcoreManifest = {
    format: 'bnn-studio.firmware',
    formatVersion: 1,
    target: 'xcore.ai',
    board: 'XCORE-AI-EXPLORER',
    runtimeVersion: RUNTIME_VERSION,
    exporter: '@bnn-studio/exporters 0.1.0',
    model: {
      name: opts.modelName ?? deploy.name,
      sha256: deployGraphSha256(deploy),
      input: { shape: model.inputShape, dtype: 'float32' },
      outputs: model.outputShapes.map((shape) => ({ shape, dtype: 'float32' as const })),
      ...(deploy.labels ? { labels: deploy.labels } : {}),
    },
    tflite: {
      path: 'model/model.tflite',
      bytes: tflite.bytes.length,
      profile: 'xcore',
      operators: tflite.operators,
      io: tflite.io,
      calibration: calibrationNote,
    },
    portable: { arenaBytes: model.arenaBytes, modelConstBytes: model.constBytes },
    latency: manifestLatency(deploy, 'xcore'),
    golden: { count: golden.count, source: goldenSource },
    verified: { here: VERIFIED_HERE, needsXmosTools: NEEDS_XMOS },
    provenance: opts.provenance ?? {},
    files: [...Object.keys(files), 'manifest.json', 'README.md'].sort(),
  };
  files['manifest.json'] = `${JSON.stringify(manifest, null, 2)}\n`;
  files['README.md'] = readme(manifest);

  const root = `${cleanName(manifest.model.name)}-xcore`;
  const entries: Zippable = {};
  for (const [path, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? strToU8(content) : content;
    // convert.sh keeps its executable bit (unix mode in the external attributes)
    entries[`${root}/${path}`] = path.endsWith('.sh')
      ? [data, { os: 3, attrs: (0o100755 << 16) >>> 0 }]
      : data;
  }
  return { zip: zipSync(entries, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') }), manifest };
}
