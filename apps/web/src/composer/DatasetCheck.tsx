'use client';
import { outputHead } from '@bnn-studio/bnn-core';
import { useEffect, useMemo, useState } from 'react';
import { rememberDataset, rememberedDataset } from '../lib/remembered-dataset';
import { type DatasetInfo, listDatasets } from '../lib/studio-api';
import { useComposer, useComposerStore } from './ComposerProvider';

/** Picks the dataset a newcomer most likely means: the newest upload, else the built-in MNIST. */
function defaultDataset(ds: DatasetInfo[]): string {
  const uploads = ds.filter((d) => !d.builtin && d.id !== 'mnist');
  return (uploads.at(-1) ?? ds.find((d) => d.id === 'mnist') ?? ds[0])?.id ?? '';
}

/**
 * The model's output width against a dataset's class count, in the composer: a mismatch is named before the user
 * goes to train, with a one-click fix that sets the output layer's units.
 */
export function DatasetCheck() {
  const store = useComposerStore();
  const graph = useComposer((s) => s.graph);
  const analysis = useComposer((s) => s.analysis);
  const [datasets, setDatasets] = useState<DatasetInfo[]>([]);
  const [id, setId] = useState('');
  useEffect(() => {
    listDatasets().then(
      (ds) => {
        setDatasets(ds);
        const remembered = rememberedDataset();
        setId(
          (cur) =>
            cur || (remembered && ds.some((d) => d.id === remembered) ? remembered : defaultDataset(ds)),
        );
      },
      () => undefined,
    );
  }, []);
  const head = useMemo(() => {
    if (!analysis) return null;
    try {
      return outputHead(graph, analysis);
    } catch {
      return null;
    }
  }, [graph, analysis]);
  const dataset = datasets.find((d) => d.id === id);
  if (!datasets.length || !head) return null;
  const classes = dataset?.numClasses;
  const mismatch = !!classes && head.classes !== classes;
  return (
    <div className="dataset-check" data-testid="composer-class-check">
      <label htmlFor="check-dataset">Check the output against a dataset</label>
      <select
        id="check-dataset"
        value={id}
        onChange={(e) => {
          setId(e.target.value);
          rememberDataset(e.target.value);
        }}
      >
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
            {d.numClasses ? ` (${d.numClasses} classes)` : ''}
          </option>
        ))}
      </select>
      {mismatch ? (
        <div className="field-error" role="alert">
          <p>
            The model outputs {head.classes} class scores; “{dataset!.name}” has {classes} classes. Training
            on it would fail.
          </p>
          {head.unitsNodeId ? (
            <button
              type="button"
              className="primary"
              onClick={() => {
                const node = store.getState().graph.nodes.find((n) => n.id === head.unitsNodeId);
                if (!node) return;
                rememberDataset(id);
                store.getState().setParams(node.id, { ...node.params, units: classes });
                store.getState().setMessage({
                  kind: 'info',
                  text: `Set units of ${node.id} to ${classes}: the model now outputs ${classes} classes.`,
                });
              }}
            >
              Set the output to {classes} classes
            </button>
          ) : (
            <p>Fix: end the model with a Dense/QuantDense of {classes} units.</p>
          )}
        </div>
      ) : classes ? (
        <p className="status-ok">
          Output matches: {classes} classes{dataset?.labels?.length ? ` (${dataset.labels.join(', ')})` : ''}.
        </p>
      ) : null}
    </div>
  );
}
