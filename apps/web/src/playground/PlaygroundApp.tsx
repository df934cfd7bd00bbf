'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { loadRunData } from '../experiments/run-data';
import { apiFetch } from '../lib/api';
import { fetchRunWeights, getDataset, listRuns, type RunSummary } from '../lib/studio-api';
import { cachedRunWeights } from '../lib/weights-cache';
import { topK } from '../train/confusion';
import { DrawPad } from './DrawPad';
import { type Gray, rgbaToGray, toModelInput, toProbabilities } from './preprocess';
import { type LoadedModel, loadImportedModel, loadModel, runFloat, runPacked } from './runner';

interface Prediction {
  packed: { top: Array<{ index: number; score: number }>; ms: number };
  float: { top: Array<{ index: number; score: number }>; ms: number; backend: string } | null;
  floatError?: string;
}

function TopList({
  title,
  top,
  labels,
  ms,
  testId,
}: {
  title: string;
  top: Array<{ index: number; score: number }>;
  labels: string[];
  ms: number;
  testId: string;
}) {
  return (
    <div className="prediction" data-testid={testId}>
      <h3>{title}</h3>
      <p className="big-label" data-testid={`${testId}-top`}>
        {labels[top[0]!.index] ?? top[0]!.index}
      </p>
      <ol className="topk">
        {top.map((t) => (
          <li key={t.index}>
            <span className="topk-label">{labels[t.index] ?? t.index}</span>
            <span className="topk-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(1, t.score * 100)}%` }} />
            </span>
            <span className="num">{(t.score * 100).toFixed(1)}%</span>
          </li>
        ))}
      </ol>
      <p className="help" data-testid={`${testId}-latency`}>
        {ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`} per inference
      </p>
    </div>
  );
}

export function PlaygroundApp() {
  const params = useSearchParams();
  const router = useRouter();
  const runId = params.get('run');
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [model, setModel] = useState<LoadedModel | null>(null);
  const [labels, setLabels] = useState<string[]>([]);
  const [status, setStatus] = useState<string>('');
  const [error, setError] = useState<unknown>(null);
  const [prediction, setPrediction] = useState<Prediction | null>(null);
  const [preview, setPreview] = useState<Float32Array | null>(null);
  const [clear, setClear] = useState(0);
  const previewRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    listRuns({ status: 'completed', pageSize: 100 }).then((p) => setRuns(p.runs), setError);
  }, []);

  useEffect(() => {
    if (!runId) return;
    let cancelled = false;
    setModel(null);
    setPrediction(null);
    setError(null);
    (async () => {
      setStatus('Loading the run…');
      const data = await loadRunData(runId);
      if (!data.graph) throw new Error('This run has no architecture to run.');
      if (data.run.location === 'imported') {
        // Imported runs have no studio layers or latent weights: run their stored deploy graph.
        setStatus('Fetching the imported model…');
        const res = await apiFetch(`/api/runs/${encodeURIComponent(runId)}/deploy-graph`);
        const m = await loadImportedModel(data.graph, await res.text());
        if (cancelled) {
          m.engine.dispose();
          return;
        }
        setLabels([]);
        setModel(m);
        setStatus(`Ready: imported model, ${m.deploy.ops.length} ops on the ${m.engine.backend} engine.`);
        return;
      }
      setStatus('Fetching the trained weights…');
      const bytes = (await fetchRunWeights(runId)) ?? (await cachedRunWeights(runId));
      if (!bytes)
        throw Object.assign(new Error('The trained weights of this run are not available in this browser.'), {
          fix: 'Train it in this browser, or use a studio server that offers GET /api/runs/:id/weights.',
        });
      setStatus('Lowering to the packed model and starting the WASM kernels…');
      const m = await loadModel(data.graph, bytes);
      const ds = await getDataset(data.run.datasetId).catch(() => null);
      if (cancelled) {
        m.engine.dispose();
        return;
      }
      setLabels(ds?.labels ?? []);
      setModel(m);
      setStatus(
        `Ready: ${m.deploy.ops.length} ops on the ${m.engine.backend} engine (${m.engine.threads} thread).`,
      );
    })().catch((e) => {
      if (!cancelled) {
        setError(e);
        setStatus('');
      }
    });
    return () => {
      cancelled = true;
    };
  }, [runId]);

  useEffect(() => () => model?.engine.dispose(), [model]);

  const predict = useCallback(
    async (g: Gray) => {
      if (!model) return;
      const x = toModelInput(g, model.inputShape, model.range);
      setPreview(x);
      const packed = runPacked(model, x);
      const p: Prediction = {
        packed: { top: topK(toProbabilities(packed.scores), 3), ms: packed.ms },
        float: null,
      };
      setPrediction(p);
      try {
        const f = await runFloat(model, x);
        setPrediction({
          ...p,
          float: { top: topK(toProbabilities(f.scores), 3), ms: f.ms, backend: f.backend },
        });
      } catch (e) {
        setPrediction({ ...p, floatError: (e as Error).message });
      }
    },
    [model],
  );

  useEffect(() => {
    const c = previewRef.current;
    if (!c || !preview || !model) return;
    const [H, W, C] = model.inputShape.length === 3 ? model.inputShape : [model.inputShape[0]!, 1, 1];
    c.width = W!;
    c.height = H!;
    const ctx = c.getContext('2d')!;
    const img = ctx.createImageData(W!, H!);
    const [lo, hi] = model.range;
    for (let i = 0; i < H! * W!; i++) {
      const v = Math.round(((preview[i * C!]! - lo) / (hi - lo)) * 255);
      img.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(img, 0, 0);
  }, [preview, model]);

  const onFile = async (file: File) => {
    const bmp = await createImageBitmap(file);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    await predict(rgbaToGray(ctx.getImageData(0, 0, bmp.width, bmp.height).data, bmp.width, bmp.height));
  };

  const agree = prediction?.float ? prediction.float.top[0]!.index === prediction.packed.top[0]!.index : null;
  return (
    <div className="page playground">
      <h1>Playground</h1>
      <p className="lead">
        Draw a digit or drop an image: the bit-packed model runs here with the studio&apos;s WASM kernels,
        next to the float model on TensorFlow.js.
      </p>
      <label htmlFor="run-picker">Model (a finished run)</label>
      <select
        id="run-picker"
        value={runId ?? ''}
        onChange={(e) =>
          router.push(
            e.target.value ? `/playground?run=${encodeURIComponent(e.target.value)}` : '/playground',
          )
        }
      >
        <option value="">Choose a run…</option>
        {runId && !runs.some((r) => r.id === runId) ? <option value={runId}>{runId}</option> : null}
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name ?? r.id}
            {typeof r.finalAccuracy === 'number' ? ` (${(r.finalAccuracy * 100).toFixed(1)}%)` : ''}
          </option>
        ))}
      </select>
      {!runId ? (
        <p className="muted">
          Pick a run above, or <Link href="/train">train one</Link> first.
        </p>
      ) : null}
      <p className="muted" role="status" data-testid="playground-status">
        {status}
      </p>
      <ErrorNote title="Playground" error={error} />
      <div className="play-grid">
        <div>
          <DrawPad onChange={predict} clearSignal={clear} />
          <div className="toolbar">
            <button
              type="button"
              onClick={() => {
                setClear((c) => c + 1);
                setPrediction(null);
                setPreview(null);
              }}
            >
              Clear
            </button>
            <label htmlFor="image-file" className="inline-label">
              Or choose an image
            </label>
            <input
              id="image-file"
              type="file"
              accept="image/*"
              disabled={!model}
              onChange={(e) => e.target.files?.[0] && onFile(e.target.files[0])}
            />
          </div>
          <section
            className="dropzone"
            aria-label="Drop an image here"
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const f = e.dataTransfer.files[0];
              if (f && model) void onFile(f);
            }}
          >
            Drop an image here
          </section>
        </div>
        <div>
          <h2>Model input</h2>
          <canvas
            ref={previewRef}
            className="preview"
            aria-label="The 28×28 input the model sees"
            role="img"
          />
          {prediction ? (
            <div className="predictions">
              <TopList
                title="Packed model (WASM kernels)"
                top={prediction.packed.top}
                labels={labels}
                ms={prediction.packed.ms}
                testId="packed-prediction"
              />
              {prediction.float ? (
                <TopList
                  title={`Float model (tfjs ${prediction.float.backend})`}
                  top={prediction.float.top}
                  labels={labels}
                  ms={prediction.float.ms}
                  testId="float-prediction"
                />
              ) : prediction.floatError ? (
                <p className="field-error">Float model failed: {prediction.floatError}</p>
              ) : (
                <p className="muted">Running the float model…</p>
              )}
              {agree !== null ? (
                <p className={agree ? 'status-ok' : 'field-error'} data-testid="agreement">
                  {agree
                    ? 'Packed and float models agree.'
                    : 'Packed and float models disagree on this input.'}
                </p>
              ) : null}
            </div>
          ) : (
            <p className="muted">{model ? 'Draw a digit to see the prediction.' : ''}</p>
          )}
        </div>
      </div>
    </div>
  );
}
