import type { GraphSpec, ParamValue } from '../spec/graph-types.js';
import { type LayerPrecision, withFirstLastPrecision } from './first-last.js';
import { GraphBuilder } from './graph-builder.js';
import { standardRecipe, type TrainRecipe } from './recipes.js';

/**
 * The preset architectures, written in code; `presets/*.json` are generated from these
 * (`npm run presets -w @bnn-studio/bnn-core`) and a test keeps them in sync.
 */

const STE = { id: 'ste_sign' };
const CLIP = { id: 'weight_clip' };
const BINARY = { input_quantizer: STE, kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false };
const KERNEL_ONLY = { kernel_quantizer: STE, kernel_constraint: CLIP, use_bias: false };
const MNIST_INPUT = { range: [0, 1], normalization: { mean: 0.5, std: 0.5 } } as Record<string, ParamValue>;

export interface PresetSource {
  id: string;
  name: string;
  description: string;
  build(): GraphSpec;
  /** How the preset is trained for its documented accuracy (the bench, the CLI and the train form's defaults). */
  recipe: TrainRecipe;
}

type Layer = [string, Record<string, ParamValue>?];

/** BatchNorm without a learned scale, as in Larq's MNIST tutorial. */
const BN_NO_SCALE: Layer = ['BatchNormalization', { scale: false }];
/** BatchNorm with momentum 0.9, the setting of the BinaryNet, XNOR-Net and Bi-Real presets. */
const BN_09: Layer = ['BatchNormalization', { momentum: 0.9 }];

/** The trunk of Larq's MNIST tutorial: three binary 3×3 convolutions (the first on float pixels), flattened. */
const LARQ_MNIST_CONVS: Layer[] = [
  ['QuantConv2D', { filters: 32, kernel_size: [3, 3], ...KERNEL_ONLY }],
  ['MaxPool2D', { pool_size: [2, 2] }],
  BN_NO_SCALE,
  ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...BINARY }],
  ['MaxPool2D', { pool_size: [2, 2] }],
  BN_NO_SCALE,
  ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...BINARY }],
  BN_NO_SCALE,
  ['Flatten'],
];

/** Larq's MNIST tutorial network ("Introduction to BNNs with Larq"), layer for layer. */
function larqMnist(): GraphSpec {
  const b = new GraphBuilder(
    'Larq MNIST',
    "Larq's MNIST tutorial BNN: three binary 3×3 convolutions, two binary dense layers, BatchNorm (no scale) after each.",
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  b.chain(x, [
    ...LARQ_MNIST_CONVS,
    ['QuantDense', { units: 64, ...BINARY }],
    BN_NO_SCALE,
    ['QuantDense', { units: 10, ...BINARY }],
    BN_NO_SCALE,
    ['Softmax'],
  ]);
  return b.build({ preset: 'larq-mnist' });
}

/**
 * The smallest preset, designed to stay well under 16 KiB of packed weights: Larq's MNIST trunk with a real-valued
 * first convolution (288 weights, int8 as shipped; keeps the pixels' grey levels instead of ±1 kernels) and without
 * the hidden dense layer — the 3×3×64 binary feature map feeds the binary classifier directly. The classifier's
 * BatchNorm learns a scale: without it the 10 logits have unit variance and the softmax can never become
 * confident (training loss stalls near 0.5). Both changes measured on a held-out fifth of the training split
 * (8 epochs): 96.44 % → 97.37 %.
 */
function mnistTiny(): GraphSpec {
  const b = new GraphBuilder(
    'MNIST tiny',
    'A compact BNN for MNIST under 16 KiB packed: an int8 3×3 first convolution, two binary 3×3 convolutions with pooling and BatchNorm, flattened straight into a binary classifier (BatchNorm with a learned scale).',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  b.chain(x, [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], use_bias: false }],
    ...LARQ_MNIST_CONVS.slice(1),
    ['QuantDense', { units: 10, ...BINARY }],
    ['BatchNormalization', {}],
    ['Softmax'],
  ]);
  return b.build({ preset: 'mnist-tiny' });
}

/**
 * MNIST under 8 KiB packed: mnist-tiny with 40 instead of 64 filters in its last binary convolution, so the
 * classifier reads 3×3×40 features (the int8 first conv keeps the grey levels, the classifier BatchNorm learns a
 * scale as in mnist-tiny).
 */
function mnist8k(): GraphSpec {
  const b = new GraphBuilder(
    'MNIST 8 KiB',
    'A BNN for MNIST under 8 KiB packed: an int8 3×3 first convolution, binary 3×3 convolutions of 64 and 40 filters with pooling and BatchNorm, flattened into a binary classifier (BatchNorm with a learned scale).',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  b.chain(x, [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], use_bias: false }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_NO_SCALE,
    ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...BINARY }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_NO_SCALE,
    ['QuantConv2D', { filters: 40, kernel_size: [3, 3], ...BINARY }],
    BN_NO_SCALE,
    ['Flatten'],
    ['QuantDense', { units: 10, ...BINARY }],
    ['BatchNormalization', {}],
    ['Softmax'],
  ]);
  return b.build({ preset: 'mnist-8k' });
}

/**
 * Fashion-MNIST under 64 KiB packed (≈ 33 KiB): Larq's MNIST trunk with an int8 first convolution and a wider
 * last binary convolution (128 filters), a binary hidden dense layer of 128 and a binary classifier; about as many
 * MACs per image as larq-mnist, so an epoch of the 60,000 training images fits this machine.
 */
function fashionMnistBnn(): GraphSpec {
  const b = new GraphBuilder(
    'Fashion-MNIST BNN',
    'A BNN for Fashion-MNIST (28×28 grey clothing images, 10 classes) under 64 KiB packed: an int8 3×3 first convolution, binary 3×3 convolutions of 64 and 128 filters, a binary dense layer of 128 and a binary classifier, BatchNorm after each.',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  b.chain(x, [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], use_bias: false }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_NO_SCALE,
    ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...BINARY }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_NO_SCALE,
    ['QuantConv2D', { filters: 128, kernel_size: [3, 3], ...BINARY }],
    BN_NO_SCALE,
    ['Flatten'],
    ['QuantDense', { units: 128, ...BINARY }],
    BN_NO_SCALE,
    ['QuantDense', { units: 10, ...BINARY }],
    ['BatchNormalization', {}],
    ['Softmax'],
  ]);
  return b.build({ preset: 'fashion-mnist-bnn' });
}

/** BinaryNet MLP (Courbariaux & Hubara et al. 2016), scaled to 3 × 512 hidden units for in-browser training. */
function binarynetMlp(): GraphSpec {
  const b = new GraphBuilder(
    'BinaryNet MLP',
    'BinaryNet-style multilayer perceptron: binary dense layers of 512 units with BatchNorm. The pixels are binarised too (sign of the normalised value, i.e. a 0.5 threshold), so every layer runs as XNOR/popcount on a microcontroller.',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  const binaryDense = (units: number): Layer[] => [['QuantDense', { units, ...BINARY }], BN_09];
  b.chain(x, [['Flatten'], ...[512, 512, 512, 10].flatMap(binaryDense), ['Softmax']]);
  return b.build({ preset: 'binarynet-mlp' });
}

/** BinaryNet-style CNN: pairs of binary 3×3 convolutions, max-pooling, binary dense head. */
function binarynetCnn(): GraphSpec {
  const b = new GraphBuilder(
    'BinaryNet CNN',
    'BinaryNet-style convolutional net for 28×28 inputs: conv-conv-pool stages of binary 3×3 convolutions (one-padded), binary dense head.',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  const same = { padding: 'same', pad_values: 1 };
  b.chain(x, [
    // Float pixels in: zero-padding (one-padding applies to binarised inputs only).
    ['QuantConv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', ...KERNEL_ONLY }],
    BN_09,
    ['QuantConv2D', { filters: 32, kernel_size: [3, 3], ...same, ...BINARY }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_09,
    ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...same, ...BINARY }],
    BN_09,
    ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...same, ...BINARY }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_09,
    ['Flatten'],
    ['QuantDense', { units: 128, ...BINARY }],
    BN_09,
    ['QuantDense', { units: 10, ...BINARY }],
    BN_09,
    ['Softmax'],
  ]);
  return b.build({ preset: 'binarynet-cnn' });
}

/**
 * XNOR-Net style (Rastegari et al. 2016): real-valued first and last layers (int8 as shipped), BN before each binary
 * conv, scaled binary kernels.
 */
function xnornetSmall(): GraphSpec {
  const b = new GraphBuilder(
    'XNOR-Net small',
    'XNOR-Net-style net: int8 first conv and classifier, BatchNorm → binary conv (magnitude-aware kernel scaling) → pooling blocks.',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  const xnor = {
    padding: 'same',
    pad_values: 1,
    input_quantizer: STE,
    kernel_quantizer: { id: 'magnitude_aware_sign' },
    kernel_constraint: CLIP,
    use_bias: false,
  };
  b.chain(x, [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', use_bias: false }],
    BN_09,
    ['ReLU'],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_09,
    ['QuantConv2D', { filters: 64, kernel_size: [3, 3], ...xnor }],
    ['MaxPool2D', { pool_size: [2, 2] }],
    BN_09,
    ['QuantConv2D', { filters: 128, kernel_size: [3, 3], ...xnor }],
    BN_09,
    ['ReLU'],
    ['GlobalAveragePooling2D'],
    ['Dense', { units: 10 }],
    ['Softmax'],
  ]);
  return b.build({ preset: 'xnornet-small' });
}

/** Bi-Real Net style (Liu et al. 2018): every binary conv has a real-valued shortcut around it. */
function birealnetSmall(): GraphSpec {
  const b = new GraphBuilder(
    'Bi-Real Net small',
    'Bi-Real-style residual BNN: int8 stem conv, binary 3×3 convolutions (approx_sign activations, magnitude-aware kernels) each wrapped by a real-valued shortcut; downsampling shortcuts use average pooling and a float 1×1 conv.',
  );
  const x = b.input([28, 28, 1], MNIST_INPUT);
  const binConv = (filters: number, strides: number) => ({
    filters,
    kernel_size: [3, 3],
    strides: [strides, strides],
    padding: 'same',
    pad_values: 1,
    input_quantizer: { id: 'approx_sign' },
    kernel_quantizer: { id: 'magnitude_aware_sign', config: { clip_value: 1.25 } },
    kernel_constraint: { id: 'weight_clip', config: { clip_value: 1.25 } },
    use_bias: false,
  });
  let h = b.chain(x, [
    ['Conv2D', { filters: 32, kernel_size: [3, 3], padding: 'same', use_bias: false }],
    BN_09,
  ]);
  const block = (inp: string, filters: number, strides: number, shortcutConv: boolean) => {
    const main = b.chain(inp, [['QuantConv2D', binConv(filters, strides)], BN_09]);
    let short = inp;
    if (strides > 1) short = b.add('AveragePool2D', { pool_size: [2, 2], strides: [2, 2] }, short);
    if (shortcutConv) {
      short = b.chain(short, [['Conv2D', { filters, kernel_size: [1, 1], use_bias: false }], BN_09]);
    }
    return b.add('Add', {}, main, short);
  };
  h = block(h, 32, 1, false);
  h = block(h, 32, 1, false);
  h = block(h, 64, 2, true);
  h = block(h, 64, 1, false);
  h = block(h, 128, 2, true);
  h = block(h, 128, 1, false);
  b.chain(h, [['ReLU'], ['GlobalAveragePooling2D'], ['Dense', { units: 10 }], ['Softmax']]);
  return b.build({ preset: 'birealnet-small' });
}

/**
 * QuickNet's body after the stem: per section, a float transition block (ReLU → MaxPool 3×3/2 → depthwise 3×3 → BN →
 * 1×1 conv → BN) before every section but the first, then `blocks` residual blocks `x + BN(ReLU(QuantConv2D_3×3(x)))`
 * with one-padding. Shared by quicknet-* and vww-quicknet.
 */
function quicknetSections(
  b: GraphBuilder,
  input: string,
  sections: ReadonlyArray<{ filters: number; blocks: number }>,
  bn: Layer,
): string {
  let h = input;
  sections.forEach((section, si) => {
    if (si > 0) {
      h = b.chain(h, [
        ['ReLU'],
        ['MaxPool2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }],
        ['DepthwiseConv2D', { kernel_size: [3, 3], padding: 'same', use_bias: false }],
        bn,
        ['Conv2D', { filters: section.filters, kernel_size: [1, 1], use_bias: false }],
        bn,
      ]);
    }
    for (let i = 0; i < section.blocks; i++) {
      const main = b.chain(h, [
        [
          'QuantConv2D',
          { filters: section.filters, kernel_size: [3, 3], padding: 'same', pad_values: 1, ...BINARY },
        ],
        ['ReLU'],
        bn,
      ]);
      h = b.add('Add', {}, main, h);
    }
  });
  return h;
}

/**
 * QuickNet style (Bannink et al. 2021, larq-zoo): stem (conv — int8 as shipped —, float depthwise conv, 1×1 conv), sections of
 * residual blocks `x + BN(ReLU(QuantConv2D_3×3(x)))` with one-padding, float transition blocks
 * (ReLU → MaxPool 3×3/2 → depthwise 3×3 → BN → 1×1 conv → BN), ReLU → global pooling → Dense head (int8 as shipped).
 */
function quicknet(
  id: string,
  name: string,
  inputShape: number[],
  classes: number,
  stem: number,
  sections: Array<{ filters: number; blocks: number }>,
  inputExtra: Record<string, ParamValue>,
): GraphSpec {
  const b = new GraphBuilder(
    name,
    `QuickNet-style BNN for ${inputShape.join('×')} inputs: int8 first conv and float depthwise / 1×1 stem, ${sections.length} sections of one-padded binary 3×3 residual blocks with ReLU and BatchNorm, float transitions, int8 classifier.`,
  );
  const x = b.input(inputShape, inputExtra);
  const bn: Layer = ['BatchNormalization', { momentum: 0.9, epsilon: 0.001 }];
  let h = b.chain(x, [
    ['Conv2D', { filters: stem, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }],
    bn,
    ['ReLU'],
    ['DepthwiseConv2D', { kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }],
    bn,
    ['Conv2D', { filters: sections[0]!.filters, kernel_size: [1, 1], use_bias: false }],
    bn,
  ]);
  h = quicknetSections(b, h, sections, bn);
  b.chain(h, [['ReLU'], ['GlobalAveragePooling2D'], ['Dense', { units: classes }], ['Softmax']]);
  return b.build({ preset: id });
}

/**
 * Visual-wake-words class (MLPerf Tiny VWW: 96×96 RGB, person / no person) for the STM32L4R9: an int8 stem
 * (3×3/2 conv with fused ReLU, then int8 max-pool: 96 → 24), a float QuickNet transition into 12×12, QuickNet
 * sections of one-padded binary 3×3 residual blocks at 12×12 and 6×6, and an int8 Dense head. Sized by the
 * latency model (exporters' cost table) to ≤ 20 M Cortex-M4 instructions per inference.
 */
function vwwQuicknet(): GraphSpec {
  const b = new GraphBuilder(
    'VWW QuickNet 96×96 RGB',
    'Visual-wake-words-class BNN (96×96×3, 2 classes): int8 stem conv and int8 head, QuickNet-style binary residual sections at 12×12 and 6×6, float transitions.',
  );
  const x = b.input([96, 96, 3], { range: [0, 1], normalization: { mean: 0.5, std: 0.5 } });
  const bn: Layer = ['BatchNormalization', { momentum: 0.9, epsilon: 0.001 }];
  const INT8 = { precision: 'int8' } as const;
  let h = b.chain(x, [
    [
      'Conv2D',
      { filters: 16, kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: true, ...INT8 },
    ],
    ['ReLU'],
    ['MaxPool2D', { pool_size: [2, 2], strides: [2, 2] }],
    ['DepthwiseConv2D', { kernel_size: [3, 3], strides: [2, 2], padding: 'same', use_bias: false }],
    bn,
    ['Conv2D', { filters: VWW_SECTIONS[0]!.filters, kernel_size: [1, 1], use_bias: false }],
    bn,
  ]);
  h = quicknetSections(b, h, VWW_SECTIONS, bn);
  b.chain(h, [['ReLU'], ['GlobalAveragePooling2D'], ['Dense', { units: 2, ...INT8 }], ['Softmax']]);
  return b.build({ preset: 'vww-quicknet' });
}

const VWW_SECTIONS = [
  { filters: 64, blocks: 2 },
  { filters: 128, blocks: 2 },
];

/**
 * The precision every preset's first float conv and last float dense deploy with (`firstLastLayers`): int8, as
 * real binarized deployments keep them (Larq Compute Engine's converter, XMOS xformer; issue 14) — int8 per-channel
 * weights and per-tensor activations, trained quantization-aware. The builders below write the architectures;
 * `PRESET_SOURCES` applies this rule to each (`withFirstLastPrecision`), and a test asserts it over all presets.
 * A preset without a float first conv or a float classifier (larq-mnist, binarynet-*) is unchanged by it.
 */
export const PRESET_FIRST_LAST_PRECISION: LayerPrecision = 'int8';

const SOURCES: PresetSource[] = [
  {
    id: 'larq-mnist',
    // BatchNorm statistics re-estimated for the final weights over 100 training batches (src/train/recalibrate.ts):
    // the moving averages mix the last ~100 steps' networks, whose binary weights still flip.
    recipe: { ...standardRecipe(30), recalibrateBatchNorm: 100 },
    name: 'Larq MNIST',
    description: "Larq's MNIST tutorial network (3 binary convs, 2 binary dense).",
    build: larqMnist,
  },
  {
    id: 'mnist-tiny',
    recipe: standardRecipe(25),
    name: 'MNIST tiny (< 16 KiB)',
    description: 'Smallest preset: under 16 KiB of packed weights.',
    build: mnistTiny,
  },
  {
    id: 'mnist-8k',
    recipe: standardRecipe(25),
    name: 'MNIST 8 KiB',
    description: 'A BNN for MNIST under 8 KiB of packed weights.',
    build: mnist8k,
  },
  {
    id: 'fashion-mnist-bnn',
    // Six epochs of the 60,000 images (5,628 steps of 64) at Adam 5e-3: no warm-up and no augmentation (the model
    // underfits: training accuracy ≈ test accuracy). Measured in documented-accuracy.ts.
    recipe: {
      ...standardRecipe(6, 'fashion-mnist'),
      optimizer: { id: 'adam', learningRate: 5e-3 },
      schedule: { id: 'cosine', warmupEpochs: 0, minLearningRate: 1e-5 },
      augmentation: { shift: 0, flip: false, noise: 0 },
    },
    name: 'Fashion-MNIST BNN (< 64 KiB)',
    description: 'Binary CNN for Fashion-MNIST (Debian dataset-fashion-mnist), under 64 KiB packed.',
    build: fashionMnistBnn,
  },
  {
    id: 'binarynet-mlp',
    recipe: standardRecipe(15),
    name: 'BinaryNet MLP',
    description: 'Binary multilayer perceptron, 3 × 512 units.',
    build: binarynetMlp,
  },
  {
    id: 'binarynet-cnn',
    recipe: standardRecipe(6),
    name: 'BinaryNet CNN',
    description: 'BinaryNet-style conv-conv-pool binary CNN.',
    build: binarynetCnn,
  },
  {
    id: 'xnornet-small',
    recipe: standardRecipe(10),
    name: 'XNOR-Net small',
    description: 'XNOR-Net-style: int8 first/last layers, scaled binary convs.',
    build: xnornetSmall,
  },
  {
    id: 'birealnet-small',
    recipe: standardRecipe(3),
    name: 'Bi-Real Net small',
    description: 'Residual BNN with a real-valued shortcut around every binary conv.',
    build: birealnetSmall,
  },
  {
    id: 'quicknet-28',
    recipe: standardRecipe(15),
    name: 'QuickNet 28×28',
    description: 'QuickNet-style residual BNN for 28×28 grey images (10 classes).',
    build: () =>
      quicknet(
        'quicknet-28',
        'QuickNet 28×28',
        [28, 28, 1],
        10,
        16,
        [
          { filters: 32, blocks: 2 },
          { filters: 64, blocks: 2 },
        ],
        MNIST_INPUT,
      ),
  },
  {
    id: 'quicknet-96',
    recipe: standardRecipe(4),
    name: 'QuickNet 96×96',
    description: 'QuickNet-style residual BNN for 96×96 grey images (2 classes, person-detection class).',
    build: () =>
      quicknet(
        'quicknet-96',
        'QuickNet 96×96',
        [96, 96, 1],
        2,
        16,
        [
          { filters: 32, blocks: 2 },
          { filters: 64, blocks: 2 },
          { filters: 128, blocks: 2 },
        ],
        MNIST_INPUT,
      ),
  },
  {
    id: 'vww-quicknet',
    recipe: standardRecipe(4),
    name: 'VWW QuickNet 96×96 RGB',
    description:
      'Visual-wake-words class (96×96×3, 2 classes, person / no person): int8 first and last layers, QuickNet-style binary body; fits the STM32L4R9 (≤ 20 M Cortex-M4 instructions per inference, counted in QEMU). No VWW dataset ships here, so no accuracy is measured: train it on your own 2-class RGB dataset.',
    build: vwwQuicknet,
  },
];

/** The presets as they ship: each builder's graph with its first/last layers in `PRESET_FIRST_LAST_PRECISION`. */
export const PRESET_SOURCES: PresetSource[] = SOURCES.map((p) => {
  const build = p.build;
  return { ...p, build: () => withFirstLastPrecision(build(), PRESET_FIRST_LAST_PRECISION) };
});
