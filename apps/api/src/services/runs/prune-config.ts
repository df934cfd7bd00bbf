import {
  channelSpaces,
  type GraphSpec,
  inferGraph,
  type PruneOptions,
  parsePruneOptions,
  residualBlocks,
} from '@bnn-studio/bnn-core';
import { ApiError } from '../../lib/errors.js';
import type { RunCreate } from '../../schemas.js';

/**
 * The run's `config.prune` with bnn-core's defaults applied (method, scope, blocks, fineTuneEpochs), or null
 * without one. 422 when the run trains in the browser (pruning and fine-tuning run in the server's training
 * thread) or when the graph has nothing pruning may remove (no binary layer whose channels the graph lets go,
 * no removable residual block when `blocks` is asked for).
 */
export function resolvePrune(input: RunCreate, graph: GraphSpec): PruneOptions | null {
  const req = input.config.prune;
  if (!req) return null;
  if (input.location !== 'server')
    throw new ApiError(
      422,
      'prune_server_only',
      'Pruning runs after training on the server; this run trains in the browser.',
      'Set location to "server", or remove config.prune.',
      { field: 'config.prune' },
    );
  const options = parsePruneOptions(req);
  const analysis = inferGraph(graph);
  if (analysis.issues.some((i) => i.severity === 'error')) return options; // the graph checks report it
  const cg = channelSpaces(graph, analysis);
  const prunable = cg.spaces.filter((s) => s.fixedReason === null && s.binary && s.channels > 1);
  const blocks = options.blocks > 0 ? residualBlocks(cg, analysis).length : 0;
  if (prunable.length === 0 && blocks === 0)
    throw new ApiError(
      422,
      'nothing_to_prune',
      `'${graph.name}' has no binary layer whose output channels can be pruned (a classifier feeding Softmax, a graph output or a Reshape/Concatenate fixes its channels)${options.blocks > 0 ? ' and no residual block with an identity shortcut' : ''}.`,
      'Remove config.prune, or add binary convolution/dense layers before the classifier.',
      { field: 'config.prune' },
    );
  return options;
}
