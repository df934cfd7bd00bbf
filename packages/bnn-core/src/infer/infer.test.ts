import { describe, expect, it } from 'vitest';
import { formatSummary, GraphBuilder, getPreset, inferGraph } from '../index.js';

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };

describe('inferGraph', () => {
  it("matches larq.models.summary's counting on the Larq MNIST tutorial net", () => {
    // Larq's tutorial printed: 93088 one-bit + 702 32-bit params, Total 93790, Trainable 93322,
    // Non-trainable 468, Memory 14.11 kB, Compression of Memory 25.97.
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
    // Kernels: 288 + 18432 + 36864 + 36864 + 640 one-bit; BN (scale=False): beta trainable, moving stats not.
    expect(t.binaryParams).toBe(93088);
    expect(t.float32Params).toBe(702);
    expect(t.totalParams).toBe(93790);
    expect(t.nonTrainableParams).toBe(468);
    expect(t.trainableParams).toBe(93322);
    expect(t.modelSizeBytes).toBe(93088 / 8 + 702 * 4);
    expect(t.float32EquivalentBytes).toBe(93790 * 4);
    expect(t.int8EquivalentBytes).toBe(93088 / 8 + 702);
    expect(t.compressionRatio).toBeCloseTo(t.modelSizeBytes / t.float32EquivalentBytes, 12);
    expect(t.compressionFactor.toFixed(2)).toBe('25.97');
    expect((t.modelSizeBytes / 1024).toFixed(2)).toBe('14.11');
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
    expect(s).toMatch(/Total params\s+93790/);
    expect(s).toMatch(/Ratio of MACs that are binarized\s+0\.9303/);
    expect(s).toMatch(/quant_conv2d_4\s+1\s+\(-1, 11, 11, 64\)\s+18432/);
  });
});
