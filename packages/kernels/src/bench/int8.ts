/**
 * int8 op cases of the benchmark: each op's WASM kernel (prepared once, as the engine runs it) vs its TS reference
 * kernel (`src/reference/int8.ts`, on typed arrays) and, where an op of the same shape exists, tfjs-backend-wasm's
 * float32 op (XNNPACK, 1 thread; tfjs has no int8 kernels), all timed side by side in alternating rounds. Shapes are
 * the presets' int8 layers (MNIST and 96×96 first convs, the last dense) and the CMSIS-NN reference conv (3×3,
 * 32×32×64 → 64). `npx tsx --conditions=source src/bench/int8-ratio.ts [--quick]` runs only these.
 */
import type { DeployGraph, DeployOp, DeployTensor, Int8Quant } from '@bnn-studio/bnn-core';
import * as tf from '@tensorflow/tfjs-core';
import { planDeployGraph } from '../plan.js';
import { runReferenceOp, type Value } from '../reference/kernels.js';
import { bconv3x3Fields, window3x3 } from '../test-support/ops.js';
import { Rng } from '../test-support/random.js';
import { prepareWasmOp, type WasmIo } from '../wasm/kernels.js';
import { Heap, instantiateKernels } from '../wasm/runtime.js';
import type { BenchCase } from './index.js';

interface Deps {
  timeSideBySide: (fns: (() => void)[], rounds?: number, roundMs?: number) => number[];
  useTf: (backend: 'wasm' | 'cpu') => Promise<void>;
  quick: boolean;
}

interface Int8Case {
  label: string;
  /** The op reading tensors `a` (and `b`) and writing `y`. */
  op: DeployOp;
  tensors: DeployTensor[];
  /** Multiply-accumulates per call (conv / depthwise / dense), for the MAC rate. */
  macs?: number;
  /** The float32 tfjs op of the same shape (inputs created per case, disposed after timing). */
  tfjs?: { name: string; make: () => { run: () => void; dispose: () => void } };
}

const q = (scale: number, zeroPoint: number): Int8Quant => ({ scale: Math.fround(scale), zeroPoint });

function cases(rng: Rng): Int8Case[] {
  const i8 = (n: number) => Int8Array.from({ length: n }, () => rng.int(-127, 127));
  const scales = (n: number) =>
    Float32Array.from({ length: n }, () => Math.fround(0.005 + 0.01 * rng.next()));
  const bias = (n: number) => Int32Array.from({ length: n }, () => rng.int(-3000, 3000));
  const t = (id: string, shape: number[], quant: Int8Quant | null, kind: DeployTensor['kind'] = 'int8') =>
    quant ? { id, shape, kind, quant } : { id, shape, kind };
  const conv = (h: number, cin: number, cout: number, stride: number): Int8Case => {
    const oh = Math.ceil(h / stride);
    return {
      label: `int8 conv2d 3x3 ${h}x${h}x${cin}->${cout} stride ${stride} same`,
      op: {
        op: 'int8_conv2d',
        sourceNode: 'conv',
        inputs: ['a'],
        outputs: ['y'],
        filter: i8(cout * 9 * cin),
        filterScales: scales(cout),
        bias: bias(cout),
        inChannels: cin,
        outChannels: cout,
        ...window3x3(stride),
        activation: 'relu',
      },
      tensors: [t('a', [h, h, cin], q(0.02, -5)), t('y', [oh, oh, cout], q(0.05, -128))],
      macs: oh * oh * cout * 9 * cin,
      tfjs: {
        name: 'conv2d',
        make: () => {
          const x = tf.randomNormal([1, h, h, cin]) as tf.Tensor4D;
          const w = tf.randomNormal([3, 3, cin, cout]) as tf.Tensor4D;
          return {
            run: () => tf.conv2d(x, w, stride, 'same').dispose(),
            dispose: () => tf.dispose([x, w]),
          };
        },
      },
    };
  };
  const h = 32;
  const c = 64;
  const pool = (kind: 'int8_maxpool2d' | 'int8_avgpool2d'): Int8Case => ({
    label: `${kind} 2x2 stride 2 28x28x32`,
    op: {
      op: kind,
      sourceNode: 'p',
      inputs: ['a'],
      outputs: ['y'],
      pool: [2, 2],
      strides: [2, 2],
      padding: 'valid',
    },
    tensors: [t('a', [28, 28, 32], q(0.02, 3)), t('y', [14, 14, 32], q(0.02, 3))],
    tfjs: {
      name: kind === 'int8_maxpool2d' ? 'maxPool' : 'avgPool',
      make: () => {
        const x = tf.randomNormal([1, 28, 28, 32]) as tf.Tensor4D;
        const f = kind === 'int8_maxpool2d' ? tf.maxPool : tf.avgPool;
        return { run: () => f(x, 2, 2, 'valid').dispose(), dispose: () => x.dispose() };
      },
    },
  });
  return [
    conv(28, 1, 32, 1),
    conv(96, 3, 32, 2),
    conv(h, c, c, 1),
    {
      label: `int8 depthwise_conv2d 3x3 ${h}x${h}x${c} same`,
      op: {
        op: 'int8_depthwise_conv2d',
        sourceNode: 'dw',
        inputs: ['a'],
        outputs: ['y'],
        filter: i8(9 * c),
        filterScales: scales(c),
        bias: bias(c),
        channels: c,
        depthMultiplier: 1,
        ...window3x3(),
        activation: 'none',
      },
      tensors: [t('a', [h, h, c], q(0.02, -5)), t('y', [h, h, c], q(0.05, 2))],
      macs: h * h * c * 9,
      tfjs: {
        name: 'depthwiseConv2d',
        make: () => {
          const x = tf.randomNormal([1, h, h, c]) as tf.Tensor4D;
          const w = tf.randomNormal([3, 3, c, 1]) as tf.Tensor4D;
          return {
            run: () => tf.depthwiseConv2d(x, w, 1, 'same').dispose(),
            dispose: () => tf.dispose([x, w]),
          };
        },
      },
    },
    ...[
      [1024, 10],
      [2048, 256],
    ].map(
      ([cin, cout]): Int8Case => ({
        label: `int8 dense ${cin}->${cout}`,
        op: {
          op: 'int8_dense',
          sourceNode: 'dense',
          inputs: ['a'],
          outputs: ['y'],
          weights: i8(cin! * cout!),
          filterScales: scales(cout!),
          bias: bias(cout!),
          inChannels: cin!,
          outChannels: cout!,
          activation: 'none',
        },
        tensors: [t('a', [cin!], q(0.02, -5)), t('y', [cout!], q(0.3, 1))],
        macs: cin! * cout!,
        tfjs: {
          name: 'matMul',
          make: () => {
            const x = tf.randomNormal([1, cin!]) as tf.Tensor2D;
            const w = tf.randomNormal([cin!, cout!]) as tf.Tensor2D;
            return { run: () => tf.matMul(x, w).dispose(), dispose: () => tf.dispose([x, w]) };
          },
        },
      }),
    ),
    {
      label: `int8 add ${h}x${h}x${c}`,
      op: { op: 'int8_add', sourceNode: 'add', inputs: ['a', 'b'], outputs: ['y'], activation: 'none' },
      tensors: [t('a', [h, h, c], q(0.02, -5)), t('b', [h, h, c], q(0.03, 7)), t('y', [h, h, c], q(0.05, 0))],
      tfjs: {
        name: 'add',
        make: () => {
          const a = tf.randomNormal([1, h, h, c]);
          const b = tf.randomNormal([1, h, h, c]);
          return { run: () => tf.add(a, b).dispose(), dispose: () => tf.dispose([a, b]) };
        },
      },
    },
    pool('int8_maxpool2d'),
    pool('int8_avgpool2d'),
    {
      label: 'int8 quantize 96x96x3',
      op: { op: 'int8_quantize', sourceNode: 'q', inputs: ['a'], outputs: ['y'] },
      tensors: [t('a', [96, 96, 3], null, 'float32'), t('y', [96, 96, 3], q(1 / 255, -128))],
    },
    {
      label: `int8 bitpack (LceQuantize) ${h}x${h}x${c}`,
      op: { op: 'int8_bitpack', sourceNode: 'bp', inputs: ['a'], outputs: ['y'] },
      tensors: [t('a', [h, h, c], q(0.02, -5)), t('y', [h, h, c], null, 'bitpacked')],
    },
    {
      label: `int8 bconv2d (LCE int8 output) 3x3 16x16x128->128 same`,
      op: {
        op: 'int8_bconv2d',
        sourceNode: 'bconv',
        inputs: ['a'],
        outputs: ['y'],
        ...bconv3x3Fields(rng, 128, 128),
        clamp: 'none',
        multiplier: rng.floats(128, 0.1),
        bias: rng.floats(128, 3),
      },
      tensors: [t('a', [16, 16, 128], null, 'bitpacked'), t('y', [16, 16, 128], q(0.1, 0))],
    },
  ];
}

/**
 * A valid graph ending in the op: a float input `x` of the first input's shape, quantized (and bit-packed) into
 * each of the op's inputs (the timed op is the last one).
 */
function graphOf(c: Int8Case): DeployGraph {
  const first = c.tensors[0]!;
  if (first.kind === 'float32') {
    return {
      format: 'bnn-studio.deploy',
      version: 1,
      name: c.label,
      input: 'a',
      outputs: ['y'],
      tensors: c.tensors,
      ops: [c.op],
    };
  }
  const tensors: DeployTensor[] = [{ id: 'x', shape: first.shape, kind: 'float32' }, ...c.tensors];
  const ops: DeployOp[] = [];
  for (const id of c.op.inputs) {
    const t = c.tensors.find((u) => u.id === id)!;
    if (t.kind === 'int8') {
      ops.push({ op: 'int8_quantize', sourceNode: `q${id}`, inputs: ['x'], outputs: [id] });
    } else {
      tensors.push({ id: `${id}8`, shape: t.shape, kind: 'int8', quant: q(0.05, 0) });
      ops.push({ op: 'int8_quantize', sourceNode: `q${id}`, inputs: ['x'], outputs: [`${id}8`] });
      ops.push({ op: 'int8_bitpack', sourceNode: `b${id}`, inputs: [`${id}8`], outputs: [id] });
    }
  }
  return {
    format: 'bnn-studio.deploy',
    version: 1,
    name: c.label,
    input: 'x',
    outputs: ['y'],
    tensors,
    ops: [...ops, c.op],
  };
}

export async function int8Cases({ timeSideBySide, useTf, quick }: Deps): Promise<BenchCase[]> {
  const out: BenchCase[] = [];
  const rng = new Rng(808);
  await useTf('wasm');
  for (const c of cases(rng)) {
    const plan = planDeployGraph(graphOf(c));
    const planned = plan.ops.at(-1)!;
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 32768 });
    const k = await instantiateKernels(memory);
    const heap = new Heap(memory);
    const prepared = prepareWasmOp(heap, planned);
    const srcs = planned.inputs.map((t) => heap.alloc(t.bytes));
    const dst = heap.alloc(planned.output.bytes);
    const scratch = heap.alloc(prepared.scratchBytes?.(1) ?? 0);
    // inputs: random int8 / words / floats in the heap, the same values for the reference
    const xs: Value[] = planned.inputs.map((t, i) => {
      if (t.kind === 'int8') {
        const v = new Int8Array(memory.buffer, srcs[i]!, t.size);
        for (let j = 0; j < v.length; j++) v[j] = rng.int(-128, 127);
        return v.slice();
      }
      if (t.kind === 'bitpacked') {
        const v = rng.packed(t.positions, t.channels);
        heap.i32(srcs[i]!, v.length).set(v);
        return v;
      }
      const v = rng.floats(t.size, 3);
      heap.f32(srcs[i]!, v.length).set(v);
      return v;
    });
    const io: WasmIo = { k, heap, worker: null, srcs, dst, scratch, batch: 1 };
    const tfOp = c.tfjs?.make();
    const fns = [() => prepared.run(io), () => void runReferenceOp(c.op, xs, planned.inputs, planned.output)];
    if (tfOp) fns.push(tfOp.run);
    const [ours, ref, theirs] = timeSideBySide(fns, quick ? 5 : 15, quick ? 20 : 40) as [
      number,
      number,
      number?,
    ];
    tfOp?.dispose();
    const label = `${c.label}, batch 1`;
    const metric = 'ms per call, 1 thread (lower is better)';
    out.push({
      case: label,
      metric,
      value: ours,
      unit: 'ms',
      baseline: 'TS reference int8 kernel (src/reference/int8.ts)',
      baselineValue: ref,
      ratio: ours / ref,
    });
    if (theirs !== undefined) {
      out.push({
        case: label,
        metric,
        value: ours,
        unit: 'ms',
        baseline: `tfjs-backend-wasm float32 ${c.tfjs!.name} (XNNPACK, 1 thread; no int8 op in tfjs)`,
        baselineValue: theirs,
        ratio: ours / theirs,
      });
    }
    if (c.macs) {
      out.push({
        case: label,
        metric: 'int8 multiply-accumulates per second (higher is better)',
        value: c.macs / ours / 1e6,
        unit: 'G MAC/s',
        baseline: 'TS reference int8 kernel',
        baselineValue: c.macs / ref / 1e6,
        ratio: ref / ours,
      });
    }
    console.error(
      `${label}: wasm ${ours.toFixed(4)} ms, TS reference ${ref.toFixed(4)} ms (${(ref / ours).toFixed(1)}x)${
        theirs !== undefined
          ? `, tfjs-wasm float32 ${theirs.toFixed(4)} ms (ratio ${(ours / theirs).toFixed(2)})`
          : ''
      }`,
    );
  }
  return out;
}
