/** Small graphs used by the tf tests (tiny so unit tests stay fast). Not exported from the package. */
import type { GraphEdge, GraphNode, GraphSpec } from '../spec/graph-types.js';

export function chain(name: string, inputShape: number[], nodes: Omit<GraphNode, 'id'>[]): GraphSpec {
  const all: GraphNode[] = [{ id: 'in', type: 'Input', params: { shape: inputShape } }];
  nodes.forEach((n, i) => {
    all.push({ id: `n${i}`, ...n });
  });
  const edges: GraphEdge[] = [];
  for (let i = 1; i < all.length; i++) {
    edges.push({ id: `e${i}`, source: all[i - 1]!.id, target: all[i]!.id });
  }
  return { format: 'bnn-studio.graph', version: 1, name, nodes: all, edges };
}

const ste = { id: 'ste_sign' };
const clip = { id: 'weight_clip' };

/** A tiny binary CNN for 8×8×1 inputs and 3 classes. */
export function tinyCnn(): GraphSpec {
  return chain(
    'tiny-cnn',
    [8, 8, 1],
    [
      { type: 'Conv2D', params: { filters: 4, kernel_size: [3, 3], padding: 'same', use_bias: false } },
      { type: 'BatchNormalization', params: {} },
      {
        type: 'QuantConv2D',
        params: {
          filters: 6,
          kernel_size: [3, 3],
          padding: 'same',
          pad_values: 1,
          input_quantizer: ste,
          kernel_quantizer: ste,
          kernel_constraint: clip,
          use_bias: false,
        },
      },
      { type: 'MaxPool2D', params: { pool_size: [2, 2] } },
      { type: 'BatchNormalization', params: { scale: false } },
      { type: 'Flatten', params: {} },
      {
        type: 'QuantDense',
        params: {
          units: 3,
          input_quantizer: ste,
          kernel_quantizer: ste,
          kernel_constraint: clip,
          use_bias: false,
        },
      },
      { type: 'BatchNormalization', params: { scale: false } },
      { type: 'Softmax', params: {} },
    ],
  );
}

/** A DAG with a residual Add, a Concatenate and most layer types. */
export function residualGraph(): GraphSpec {
  const nodes: GraphNode[] = [
    { id: 'in', type: 'Input', params: { shape: [8, 8, 2], normalization: { mean: 0.5, std: 0.25 } } },
    { id: 'stem', type: 'Conv2D', params: { filters: 4, kernel_size: [3, 3], padding: 'same' } },
    { id: 'bn0', type: 'BatchNormalization', params: {} },
    {
      id: 'b1',
      type: 'QuantConv2D',
      params: {
        filters: 4,
        kernel_size: 3,
        padding: 'same',
        pad_values: 1,
        dilation_rate: 2,
        input_quantizer: ste,
        kernel_quantizer: ste,
        kernel_constraint: clip,
        use_bias: false,
      },
    },
    { id: 'bn1', type: 'BatchNormalization', params: {} },
    { id: 'add', type: 'Add', params: {} },
    {
      id: 'dw',
      type: 'QuantDepthwiseConv2D',
      params: {
        kernel_size: 3,
        padding: 'same',
        pad_values: 1,
        depth_multiplier: 2,
        input_quantizer: ste,
        depthwise_quantizer: ste,
      },
    },
    {
      id: 'sep',
      type: 'QuantSeparableConv2D',
      params: {
        filters: 4,
        kernel_size: 3,
        strides: 1,
        padding: 'same',
        input_quantizer: { id: 'approx_sign' },
        depthwise_quantizer: ste,
        pointwise_quantizer: ste,
        pointwise_constraint: clip,
      },
    },
    { id: 'prelu', type: 'PReLU', params: {} },
    { id: 'cat', type: 'Concatenate', params: {} },
    { id: 'ht', type: 'HardTanh', params: {} },
    { id: 'pool', type: 'AveragePool2D', params: { pool_size: 2 } },
    { id: 'fdw', type: 'DepthwiseConv2D', params: { kernel_size: 3, padding: 'valid' } },
    { id: 'relu', type: 'ReLU', params: {} },
    { id: 'gap', type: 'GlobalAveragePooling2D', params: {} },
    { id: 'lt', type: 'LeakyTanh', params: { alpha: 0.1 } },
    { id: 'drop', type: 'Dropout', params: { rate: 0.2 } },
    { id: 'resh', type: 'Reshape', params: { target_shape: [2, 6] } },
    { id: 'flat', type: 'Flatten', params: {} },
    { id: 'dense', type: 'Dense', params: { units: 3 } },
    { id: 'soft', type: 'Softmax', params: {} },
  ];
  const e = (source: string, target: string, targetPort = 0): GraphEdge => ({
    id: `${source}-${target}`,
    source,
    target,
    targetPort,
  });
  const edges = [
    e('in', 'stem'),
    e('stem', 'bn0'),
    e('bn0', 'b1'),
    e('b1', 'bn1'),
    e('bn1', 'add', 0),
    e('bn0', 'add', 1),
    e('add', 'dw'),
    e('add', 'sep'),
    e('sep', 'prelu'),
    e('dw', 'cat', 0),
    e('prelu', 'cat', 1),
    e('cat', 'ht'),
    e('ht', 'pool'),
    e('pool', 'fdw'),
    e('fdw', 'relu'),
    e('relu', 'gap'),
    e('gap', 'lt'),
    e('lt', 'drop'),
    e('drop', 'resh'),
    e('resh', 'flat'),
    e('flat', 'dense'),
    e('dense', 'soft'),
  ];
  return { format: 'bnn-studio.graph', version: 1, name: 'residual', nodes, edges };
}
