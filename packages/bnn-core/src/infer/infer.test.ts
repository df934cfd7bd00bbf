import { describe, expect, it } from 'vitest';
import { formatSummary, GraphBuilder, getPreset, inferGraph } from '../index.js';
import { readableBytes, readableCount } from './format-summary.js';

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };

describe('inferGraph', () => {
  it("matches larq.models.summary's counting on the Larq MNIST tutorial net", () => {
    // Current larq.models.summary on the tutorial model prints Total params 93.6 k, 468 32-bit params and a
    // model size of 13.19 KiB: BatchNorm is counted fused (moving mean and variance, 2·C, non-trainable).
    // (Larq of 2020 counted beta too: 93,790 / 702 / 14.11 kB.)
    const a = inferGraph(getPreset('larq-mnist'));
    const shapes = a.order.map((id) => a.nodes[id]!.outputShape);
    expect(shapes).toEqual([
      [28, 28, 1],
      [26, 26, 32],
      [13, 13, 32],
      [13, 13, 32],
      [11, 11, 64],
      [5, 5, 64],
      [5, 5, 64],
      [3, 3, 64],
      [3, 3, 64],
      [576],
      [64],
      [64],
      [10],
      [10],
      [10],
    ]);
    const t = a.totals;
    // Kernels: 288 + 18432 + 36864 + 36864 + 640 one-bit; BN: 2 × (32 + 64 + 64 + 64 + 10) = 468.
    expect(t.binaryParams).toBe(93088);
    expect(t.float32Params).toBe(468);
    expect(t.paramsByBits).toEqual({ 1: 93088, 32: 468 });
    expect(t.totalParams).toBe(93556);
    expect(t.nonTrainableParams).toBe(468);
    expect(t.trainableParams).toBe(93088);
    expect(t.modelSizeBytes).toBe(93088 / 8 + 468 * 4);
    expect(t.float32EquivalentBytes).toBe(93556 * 4);
    expect(t.int8EquivalentBytes).toBe(93088 / 8 + 468);
    expect(t.compressionRatio).toBeCloseTo(t.modelSizeBytes / t.float32EquivalentBytes, 12);
    expect((t.modelSizeBytes / 1024).toFixed(2)).toBe('13.19');
    expect(a.nodes.quant_conv2d_1!.inputPrecision).toBeNull();
    expect(a.nodes.quant_conv2d_4!.inputPrecision).toBe(1);
    // First conv has float input: its MACs are 32-bit (max(input precision, kernel precision)).
    expect(t.float32Macs).toBe(288 * 26 * 26);
    expect(t.binaryMacs).toBe(18432 * 121 + 36864 * 9 + 36864 + 640);
    expect(t.binaryMacShare).toBeCloseTo(0.9303, 4);
    expect(a.nodes.quant_conv2d_1!.bitWidth).toBe(32);
    expect(a.nodes.quant_conv2d_4!.bitWidth).toBe(1);
    // Packed: conv 64 × 3 × 3 × ceil(32/32) words.
    expect(a.nodes.quant_conv2d_4!.packedBytes).toBe(64 * 9 * 4);
    expect(a.nodes.quant_dense_10!.packedBytes).toBe(64 * 18 * 4);
    expect(t.packedBytes).toBeLessThan(16 * 1024);
  });

  it('counts depthwise, separable, int8 and bias params', () => {
    const b = new GraphBuilder('t');
    const x = b.input([10, 10, 8]);
    const dw = b.add('QuantDepthwiseConv2D', { depth_multiplier: 2, padding: 'same', use_bias: true }, x);
    const sep = b.add(
      'QuantSeparableConv2D',
      {
        filters: 5,
        strides: 2,
        padding: 'same',
        input_quantizer: STE,
        depthwise_quantizer: STE,
        pointwise_quantizer: { id: 'dorefa', config: { k_bit: 4, mode: 'weights' } },
        depthwise_constraint: CLIP,
        pointwise_constraint: CLIP,
        use_bias: false,
      },
      dw,
    );
    const gap = b.add('GlobalAveragePooling2D', {}, sep);
    const pr = b.add('PReLU', {}, gap);
    b.add('Dense', { units: 3 }, pr);
    const a = inferGraph(b.build());
    expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(a.nodes[dw]).toMatchObject({
      outputShape: [10, 10, 16],
      params: { float32: 9 * 8 * 2 + 16, binary: 0 },
      macs: { float32: 9 * 16 * 100 },
    });
    expect(a.nodes[sep]).toMatchObject({
      outputShape: [5, 5, 5],
      params: { binary: 9 * 16, int8: 16 * 5 },
      macs: { binary: 9 * 16 * 25, int8: 16 * 5 * 25 },
      bitWidth: 8,
      // Binary depthwise: 9 taps × 16 channels → 9 words; 4-bit pointwise: 80 × 4 bits = 40 bytes.
      packedBytes: 9 * 4 + 40,
    });
    expect(a.nodes[pr]!.params.float32).toBe(5);
  });

  it("charges float layers of precision 'int8' 8-bit weights and MACs (bias stays 32-bit)", () => {
    const b = new GraphBuilder('t8');
    const x = b.input([6, 6, 3]);
    const c = b.add('Conv2D', { filters: 4, kernel_size: 3, use_bias: true, precision: 'int8' }, x);
    const f = b.add('Flatten', {}, c);
    const d = b.add('Dense', { units: 2, use_bias: false, precision: 'int8' }, f);
    const a = inferGraph(b.build());
    expect(a.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(a.nodes[c]).toMatchObject({
      params: { int8: 27 * 4, float32: 4 },
      macs: { int8: 27 * 4 * 16 },
      packedBytes: 27 * 4 + 4 * 4,
    });
    expect(a.nodes[d]).toMatchObject({ params: { int8: 64 * 2 }, macs: { int8: 64 * 2 }, packedBytes: 128 });
  });

  it('estimates peak activation memory for the static schedule', () => {
    const b = new GraphBuilder('t');
    const x = b.input([4, 4, 2]);
    const c = b.add(
      'QuantConv2D',
      {
        filters: 40,
        padding: 'same',
        pad_values: 1,
        input_quantizer: STE,
        kernel_quantizer: STE,
        kernel_constraint: CLIP,
      },
      x,
    );
    const gap = b.add('GlobalAveragePooling2D', {}, c);
    b.add('Dense', { units: 2 }, gap);
    const a = inferGraph(b.build());
    // Step 1: input (consumed only by a binarising layer: 16 px × 1 word) + conv output (16 × 40 floats).
    // Step 2: conv output + pooled [40] floats — the peak.
    expect(a.totals.arenaBytes).toBe(Math.max(16 * 4 + 16 * 40 * 4, 16 * 40 * 4 + 40 * 4));
  });

  it('keeps going past errors and marks unknown shapes null', () => {
    const g = getPreset('larq-mnist');
    g.nodes[1]!.params.kernel_size = [40, 40];
    const a = inferGraph(g);
    expect(a.nodes.quant_conv2d_1!.outputShape).toBeNull();
    expect(a.nodes.softmax_14!.outputShape).toBeNull();
    expect(a.issues.map((i) => i.code)).toEqual(['kernel_too_large']);
  });

  it('formats a Larq-style summary', () => {
    const s = formatSummary(inferGraph(getPreset('larq-mnist')), 'larq-mnist');
    expect(s).toMatch(/larq-mnist stats/);
    expect(s).toMatch(/Total params\s+93\.6 k \|/);
    expect(s).toMatch(/Non-trainable params\s+468 \|/);
    expect(s).toMatch(/Model size\s+13\.19 KiB \|/);
    expect(s).toMatch(/Ratio of MACs that are binarized\s+0\.9303/);
    expect(s).not.toMatch(/ternarized/);
    // Input precision "-" without an input quantizer; one column per bit width (1 and 32 here).
    expect(s).toMatch(/quant_conv2d_1\s+-\s+\(-1, 26, 26, 32\)\s+288\s+0\s+0\.04\s+0\s+194688 \|/);
    expect(s).toMatch(/quant_conv2d_4\s+1\s+\(-1, 11, 11, 64\)\s+18432\s+0\s+2\.25\s+2230272\s+0 \|/);
    expect(s).toMatch(/# 1-bit\s+# 32-bit/);
    expect(s).toMatch(/Total\s+93088\s+468\s+13\.19\s+2599552\s+194688 \|/);
  });

  it('charges 2–8-bit quantizers their own bit width, with a column per width (ternary QuantDense 64→10: 160 B)', () => {
    const b = new GraphBuilder('t');
    const x = b.input([64]);
    const tern = b.add(
      'QuantDense',
      {
        units: 10,
        input_quantizer: { id: 'ste_tern' },
        kernel_quantizer: { id: 'ste_tern' },
        use_bias: false,
      },
      x,
    );
    const bn = b.add('BatchNormalization', { center: false, scale: true }, tern);
    b.add('Dense', { units: 3, use_bias: true }, bn);
    const a = inferGraph(b.build());
    expect(a.nodes[tern]).toMatchObject({ memoryBits: 640 * 2, paramsByBits: { 2: 640 }, inputPrecision: 2 });
    expect(a.nodes[tern]!.memoryBits / 8).toBe(160);
    expect(a.nodes[bn]!.paramsByBits).toEqual({ 32: 20 });
    const t = a.totals;
    expect(t.paramsByBits).toEqual({ 2: 640, 32: 20 + 33 });
    expect(t.modelSizeBytes).toBe(160 + 53 * 4);
    expect(t.int8EquivalentBytes).toBe(160 + 53);
    expect(t.macsByBits).toEqual({ 2: 640, 32: 30 });
    const s = formatSummary(a, 't');
    expect(s).toMatch(/# 2-bit\s+# 32-bit/);
    expect(s).toMatch(/2-bit MACs\s+32-bit MACs/);
    expect(s).toMatch(/Ratio of MACs that are ternarized\s+0\.9552/);
    expect(s).not.toMatch(/binarized/);
    expect(s).toMatch(/Model size\s+372\.00 B \|/);
  });

  it('formats counts and sizes as Larq does', () => {
    const a = inferGraph(getPreset('quicknet-96'));
    const s = formatSummary(a);
    expect(s).toMatch(/Float-32 Equivalent\s+[\d,.]+ (KiB|MiB) \|/);
    expect(readableCount(999)).toBe('999');
    expect(readableCount(1000)).toBe('1 k');
    expect(readableCount(93556)).toBe('93.6 k');
    expect(readableCount(999_000)).toBe('999 k');
    expect(readableCount(2_789_760)).toBe('2.79 M');
    expect(readableCount(12_345_678_901)).toBe('12.3 B');
    expect(readableBytes(372)).toBe('372.00 B');
    expect(readableBytes(13508)).toBe('13.19 KiB');
    expect(readableBytes(1536 * 1024 * 1024)).toBe('1.50 GiB');
    expect(readableBytes(1023.5 * 1024)).toBe('1,023.50 KiB');
  });
});
