'use client';
import type { GraphIssue, NodeAnalysis } from '@bnn-studio/bnn-core';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { formatBytes, formatCount, formatMs } from '../lib/targets';

export interface LayerNodeData extends Record<string, unknown> {
  nodeId: string;
  type: string;
  title: string;
  category: string;
  analysis: NodeAnalysis | null;
  issues: GraphIssue[];
  acceptsInput: boolean;
  /** Estimated latency of the deploy ops lowered from this node on the chosen target (ms), when known. */
  latencyMs?: number | null;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

export function shapeText(shape: number[] | null | undefined): string {
  return shape ? `[${shape.join('×')}]` : '?';
}

function LayerNodeView({ data, selected }: NodeProps<LayerFlowNode>) {
  const { analysis, issues } = data;
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const macs = analysis ? analysis.macs.binary + analysis.macs.int8 + analysis.macs.float32 : 0;
  const cls = [
    'layer-node',
    `cat-${data.category}`,
    errors.length ? 'has-error' : warnings.length ? 'has-warning' : '',
    selected ? 'selected' : '',
  ].join(' ');
  return (
    <div className={cls} data-testid={`layer-node-${data.nodeId}`}>
      {data.acceptsInput ? <Handle type="target" position={Position.Top} /> : null}
      <div className="layer-node-head">
        <span className="layer-node-title">{data.title}</span>
        {analysis ? <span className={`bits bits-${analysis.bitWidth}`}>{analysis.bitWidth}-bit</span> : null}
      </div>
      <div className="layer-node-meta">
        <span className="layer-node-type">{data.type}</span>
        <span data-testid="node-shape">{shapeText(analysis?.outputShape)}</span>
      </div>
      {analysis ? (
        <div className="layer-node-meta">
          <span title="Packed parameter bytes">{formatBytes(analysis.packedBytes)}</span>
          <span
            title={`MACs: ${analysis.macs.binary} binary, ${analysis.macs.float32 + analysis.macs.int8} float/int8`}
          >
            {macs
              ? `${formatCount(macs)} MACs${analysis.macs.binary ? ` (${formatCount(analysis.macs.binary)} bin)` : ''}`
              : '0 MACs'}
          </span>
          {data.latencyMs != null ? (
            <span title="Estimated latency on the chosen target" data-testid="node-latency">
              ~{formatMs(data.latencyMs)}
            </span>
          ) : null}
        </div>
      ) : null}
      {errors.length || warnings.length ? (
        <div className="layer-node-issues" data-testid="node-issues">
          {[...errors, ...warnings].slice(0, 1).map((i) => (
            <p
              key={`${i.code}:${i.field ?? ''}:${i.message}`}
              className={i.severity === 'error' ? 'node-error' : 'node-warning'}
              title={`${i.message}\nFix: ${i.fix}`}
            >
              <strong>{i.severity === 'error' ? 'Error' : 'Warning'}:</strong> {i.message}
              <br />
              <span className="node-fix">Fix: {i.fix}</span>
            </p>
          ))}
          {errors.length + warnings.length > 1 ? (
            <p className="node-more">+{errors.length + warnings.length - 1} more (see the properties)</p>
          ) : null}
        </div>
      ) : null}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
