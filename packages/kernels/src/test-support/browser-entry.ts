import { createEngine } from '../engine/engine.js';
import { bconv2dReference } from '../reference/binary.js';
import { WasmBConv } from '../wasm/standalone.js';
import { allOpsGraph } from './graphs.js';
import { conv3x3Op } from './ops.js';
import { Rng } from './random.js';

export interface BrowserCheckResult {
  wasm: number[][];
  reference: number[][];
  threads: number;
  bconvMismatches: number;
}

export async function browserCheck(seed: number, threads: 1 | 2): Promise<BrowserCheckResult> {
  const graph = allOpsGraph(seed);
  const x = new Rng(seed).floats(4 * 288, 2);
  const wasm = await createEngine(graph, { backend: 'wasm', threads });
  const reference = await createEngine(graph, { backend: 'reference' });
  const result = {
    wasm: wasm.run(x, 4).map((a) => Array.from(a)),
    reference: reference.run(x, 4).map((a) => Array.from(a)),
    threads: wasm.threads,
    bconvMismatches: 0,
  };
  wasm.dispose();
  const rng = new Rng(seed + 1);
  for (let i = 0; i < 40; i++) {
    const cin = rng.int(1, 140);
    const cout = rng.int(1, 40);
    const h = rng.int(3, 8);
    const op = conv3x3Op(
      rng,
      cin,
      cout,
      {
        kind: 'bitpacked',
        thresholds: Int32Array.from({ length: cout }, () => rng.int(0, 9 * cin)),
      },
      {
        strides: [rng.int(1, 2), 1],
        dilations: [1, rng.int(1, 2)],
      },
    );
    const input = rng.packed(h * h, cin);
    const conv = await WasmBConv.create(op, [h, h, cin], 1);
    const got = conv.runPacked(input);
    const want = bconv2dReference(input, h, h, op);
    if (got.some((v, j) => v !== want[j])) result.bconvMismatches++;
  }
  return result;
}

(globalThis as { browserCheck?: typeof browserCheck }).browserCheck = browserCheck;
