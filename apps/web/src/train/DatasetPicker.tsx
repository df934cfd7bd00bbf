'use client';
import { DATASET_KINDS, UPLOAD_KINDS, type UploadKind } from '@bnn-studio/api/contract';
import Link from 'next/link';
import { useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { type DatasetInfo, uploadDataset } from '../lib/studio-api';

export const BUILTIN_MNIST: DatasetInfo = {
  id: 'mnist',
  name: 'MNIST (built-in, 10,000 digits)',
  kind: 'builtin',
  samples: 10_000,
  numClasses: 10,
  labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  shape: [28, 28, 1],
  builtin: true,
};

/** Pick a dataset, or upload one (IDX pair, image-folder zip or CSV) with a progress bar. */
export function DatasetPicker({
  datasets,
  value,
  onChange,
  onUploaded,
}: {
  datasets: DatasetInfo[];
  value: string;
  onChange(id: string): void;
  onUploaded(d: DatasetInfo): void;
}) {
  const [format, setFormat] = useState<UploadKind>('idx');
  const [name, setName] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploaded, setUploaded] = useState<DatasetInfo | null>(null);
  const kind = DATASET_KINDS[format];
  const upload = async () => {
    setError(null);
    setUploaded(null);
    if (files.length !== kind.files) {
      setError(new Error(`Choose ${kind.expected}.`));
      return;
    }
    setProgress(0);
    try {
      const d = await uploadDataset(files, { name: name || files[0]!.name, kind: format }, setProgress);
      onUploaded(d);
      onChange(d.id);
      setFiles([]);
      setUploaded(d);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  const all = datasets.some((d) => d.id === BUILTIN_MNIST.id) ? datasets : [BUILTIN_MNIST, ...datasets];
  return (
    <fieldset>
      <legend>Dataset</legend>
      <label htmlFor="dataset-select">Train on</label>
      <select id="dataset-select" value={value} onChange={(e) => onChange(e.target.value)}>
        {all.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
            {d.shape ? ` [${d.shape.join('×')}]` : ''}
            {d.numClasses ? `, ${d.numClasses} classes` : ''}
          </option>
        ))}
      </select>
      {uploaded ? (
        <p className="status-ok upload-confirmation" role="status" data-testid="upload-confirmation">
          Uploaded “{uploaded.name}”: {uploaded.samples ?? '?'} samples in {uploaded.numClasses ?? '?'}{' '}
          classes
          {uploaded.labels?.length ? ` (${uploaded.labels.join(', ')})` : ''}
          {uploaded.shape ? `, each [${uploaded.shape.join('×')}]` : ''}. It is selected for training.{' '}
          <Link href={`/datasets/view?id=${encodeURIComponent(uploaded.id)}`}>See its samples</Link>
        </p>
      ) : null}
      <details>
        <summary>Upload a dataset</summary>
        <label htmlFor="upload-format">Format</label>
        <select
          id="upload-format"
          value={format}
          onChange={(e) => setFormat(UPLOAD_KINDS.find((k) => k === e.target.value) ?? 'idx')}
        >
          {UPLOAD_KINDS.map((k) => (
            <option key={k} value={k}>
              {DATASET_KINDS[k].label}
            </option>
          ))}
        </select>
        <label htmlFor="upload-name">Dataset name</label>
        <input
          id="upload-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="my-dataset"
        />
        <label htmlFor="upload-files">Files ({kind.expected})</label>
        <input
          id="upload-files"
          type="file"
          multiple={kind.files > 1}
          accept={'accept' in kind ? kind.accept : undefined}
          onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        />
        <p>
          <button type="button" onClick={upload} disabled={progress !== null || files.length === 0}>
            Upload
          </button>
        </p>
        {progress !== null ? (
          <p>
            <label htmlFor="upload-progress">Uploading… {(progress * 100).toFixed(0)}%</label>
            <progress id="upload-progress" max={1} value={progress} />
          </p>
        ) : null}
        <ErrorNote title="Upload" error={error} />
      </details>
    </fieldset>
  );
}
