'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { type DatasetInfo, listDatasets } from '../lib/studio-api';
import { CameraCapture } from './CameraCapture';

/** Every dataset with its class count and shape, each linking to its samples; and camera capture. */
export function DatasetsApp() {
  const [datasets, setDatasets] = useState<DatasetInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    listDatasets().then(setDatasets, setError);
  }, []);
  return (
    <div className="page datasets">
      <h1>Datasets</h1>
      <p className="help">
        Upload datasets on the <Link href="/train">Train</Link> page (IDX, image-folder zip or CSV), or
        capture images with your camera below.
      </p>
      <ErrorNote title="Datasets" error={error} />
      <ul className="cards" data-testid="dataset-list">
        {(datasets ?? []).map((d) => (
          <li key={d.id} className="card">
            <h2>
              <Link href={`/datasets/view?id=${encodeURIComponent(d.id)}`}>{d.name}</Link>
            </h2>
            <p className="help">
              {d.samples ?? '?'} samples · {d.numClasses ?? '?'} classes
              {d.shape ? ` · [${d.shape.join('×')}]` : ''}
              {d.labels?.length
                ? ` · ${d.labels.slice(0, 6).join(', ')}${d.labels.length > 6 ? ', …' : ''}`
                : ''}
            </p>
          </li>
        ))}
      </ul>
      <CameraCapture onUploaded={(d) => setDatasets((ds) => [...(ds ?? []), d])} />
    </div>
  );
}
