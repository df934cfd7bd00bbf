'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { NumberField } from '../components/NumberField';
import { rememberDataset } from '../lib/remembered-dataset';
import { type DatasetSamples, getDatasetSamples, setDatasetSplit } from '../lib/studio-api';
import { SampleImage } from './SampleImage';

/** One dataset: class counts, the train/test split per class with a seeded split control, samples per class. */
export function DatasetView() {
  const id = useSearchParams().get('id') ?? '';
  const [view, setView] = useState<DatasetSamples | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fraction, setFraction] = useState(0.2);
  const [seed, setSeed] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    if (!id) return;
    getDatasetSamples(id, { perClass: 8 }).then((v) => {
      setView(v);
      setFraction(Number(v.split.testFraction.toFixed(4)));
      setSeed(v.split.seed ?? 0);
    }, setError);
  }, [id]);

  const valid = fraction > 0 && fraction < 1 && Number.isInteger(seed) && seed >= 0;
  const changed =
    !!view?.split.saved &&
    (Math.abs(view.split.saved.testFraction - fraction) > 1e-9 || view.split.saved.seed !== seed);
  // Preview the proposed split's per-class counts as the controls change.
  const hasView = !!view;
  const fixed = view?.split.fixed ?? true;
  useEffect(() => {
    if (!hasView || fixed || !valid) return;
    const t = setTimeout(() => {
      getDatasetSamples(id, { perClass: 0, split: { testFraction: fraction, seed } }).then(
        (v) => setView((cur) => (cur ? { ...cur, split: { ...v.split, saved: cur.split.saved } } : cur)),
        setError,
      );
    }, 250);
    return () => clearTimeout(t);
  }, [id, fraction, seed, valid, hasView, fixed]);

  if (!id)
    return (
      <p className="page">
        No dataset named. <Link href="/datasets">All datasets</Link>
      </p>
    );
  const labels = view?.dataset.labels ?? [];
  return (
    <div className="page datasets">
      <p>
        <Link href="/datasets">← All datasets</Link>
      </p>
      <h1>{view?.dataset.name ?? 'Dataset'}</h1>
      <ErrorNote title="Dataset" error={error} />
      {!view && !error ? <p className="muted">Decoding the samples…</p> : null}
      {view ? (
        <>
          <p className="muted">
            {view.counts.reduce((a, b) => a + b, 0)} samples · {view.counts.length} classes · each [
            {view.shape.join('×')}] · {view.dataset.kind}
            {' · '}
            <Link href="/train" onClick={() => rememberDataset(view.dataset.id)}>
              Train on it
            </Link>
          </p>
          <section aria-label="Classes and split">
            <h2>Classes and train/test split</h2>
            <table className="class-counts" data-testid="class-counts">
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col" className="num">
                    Samples
                  </th>
                  <th scope="col" className="num">
                    Train
                  </th>
                  <th scope="col" className="num">
                    Test
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.counts.map((n, c) => (
                  <tr key={labels[c] ?? c}>
                    <th scope="row">{labels[c] ?? c}</th>
                    <td className="num">{n}</td>
                    <td className="num">{view.split.train[c]}</td>
                    <td className="num">{view.split.test[c]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {view.split.fixed ? (
              <p className="help">This built-in dataset keeps its own fixed train/test split.</p>
            ) : (
              <form
                className="split-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!valid) return;
                  setDatasetSplit(id, { testFraction: fraction, seed }).then(() => {
                    setSaved(
                      `Saved: ${(fraction * 100).toFixed(0)} % of each class for testing, seed ${seed}.`,
                    );
                    setView((cur) =>
                      cur
                        ? { ...cur, split: { ...cur.split, saved: { testFraction: fraction, seed } } }
                        : cur,
                    );
                  }, setError);
                }}
              >
                <NumberField
                  id="split-fraction"
                  label="Test fraction (per class)"
                  value={fraction}
                  onChange={setFraction}
                  error={fraction > 0 && fraction < 1 ? undefined : 'Between 0 and 1, e.g. 0.2.'}
                  help="Share of every class held out to measure accuracy (stratified)."
                />
                <NumberField
                  id="split-seed"
                  label="Split seed"
                  value={seed}
                  onChange={setSeed}
                  error={Number.isInteger(seed) && seed >= 0 ? undefined : 'A whole number ≥ 0.'}
                  help="The same seed always picks the same test samples."
                />
                <button type="submit" className="primary" disabled={!valid || !changed}>
                  Save split
                </button>{' '}
                {changed ? <span className="help">Preview — runs use the saved split.</span> : null}
                {saved ? (
                  <p className="status-ok" role="status" data-testid="split-saved">
                    {saved} New runs train and test on it.
                  </p>
                ) : null}
              </form>
            )}
          </section>
          <section aria-label="Samples">
            <h2>Samples per class</h2>
            {view.samples.length === 0 ? (
              <p className="muted">This dataset holds feature vectors, not images: no samples to draw.</p>
            ) : null}
            {view.counts.map((_, c) => {
              const items = view.samples.filter((s) => s.label === c);
              if (!items.length) return null;
              return (
                <div key={labels[c] ?? c} className="sample-row" data-testid={`samples-${labels[c] ?? c}`}>
                  <h3>{labels[c] ?? c}</h3>
                  <div className="sample-grid">
                    {items.map((s) => (
                      <SampleImage
                        key={s.index}
                        pixels={s.pixels}
                        shape={view.shape}
                        label={`${labels[c] ?? c} sample ${s.index} (${s.split})`}
                      />
                    ))}
                  </div>
                </div>
              );
            })}
          </section>
        </>
      ) : null}
    </div>
  );
}
