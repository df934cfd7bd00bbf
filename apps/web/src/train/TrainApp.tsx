'use client';
import type { GraphSpec } from '@bnn-studio/bnn-core';
import {
  getPreset,
  inferGraph,
  outputHead,
  presetRecipe,
  validateGraph,
  withOutputClasses,
} from '@bnn-studio/bnn-core';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { BudgetBars } from '../components/BudgetBars';
import { ConfusionMatrix } from '../components/ConfusionMatrix';
import { ErrorNote } from '../components/ErrorNote';
import { LiveCharts } from '../components/LiveCharts';
import { NumberField } from '../components/NumberField';
import { loadDraft, saveDraft } from '../composer/drafts';
import { rememberDataset, rememberedDataset } from '../lib/remembered-dataset';
import {
  type DatasetInfo,
  getArchitectureVersion,
  getRun,
  listDatasets,
  listProjects,
  listRuns,
  type ProjectInfo,
  type RunSummary,
} from '../lib/studio-api';
import { formatBytes, TARGET_IDS, TARGETS, type TargetId } from '../lib/targets';
import type { BackendPreference } from './backend-choice';
import {
  forgetLastTrainRun,
  lastTrainRun,
  type SessionHandle,
  startBrowserTraining,
  startServerTraining,
  watchServerRun,
} from './controllers';
import { BUILTIN_MNIST, DatasetPicker } from './DatasetPicker';
import { tensorsUrl } from './dataset-tensors';
import { ModelPicker, type ModelSource, sourceKey } from './ModelPicker';
import { TrainingProvider, useTraining, useTrainingStore } from './TrainingProvider';
import {
  checkForm,
  DEFAULT_FORM,
  formFromRecipe,
  OPTIMIZERS,
  PRUNE_METHODS,
  type PruneMethodId,
  type TrainForm,
  toTrainConfig,
} from './train-config';

/** The pruning channel scores as the form names them (bnn-core's PRUNE_METHODS). */
const PRUNE_METHOD_LABELS: Record<PruneMethodId, string> = {
  weight: 'Latent-weight magnitude (mean |w| of the channel)',
  bn: 'BatchNorm scale |γ|/σ (network slimming)',
  'bn-weight': 'Both (product)',
};

function useModel(source: ModelSource) {
  const [graph, setGraph] = useState<GraphSpec | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const key = sourceKey(source);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names the source
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    (async () => {
      try {
        const g =
          source.kind === 'version'
            ? (await getArchitectureVersion(source.id)).graph
            : source.kind === 'preset'
              ? getPreset(source.id)
              : ((await loadDraft())?.graph ?? null);
        if (!cancelled) setGraph(g);
      } catch (e) {
        if (!cancelled) setError(e);
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [key]);
  return { graph, setGraph, versionId: source.kind === 'version' ? source.id : null, error, loading };
}

/**
 * The model's output width against the dataset's class count, checked before training: on a mismatch, the
 * error names both counts and offers to set the output layer's units in one click.
 */
function ClassCheck({
  graph,
  dataset,
  onFix,
}: {
  graph: GraphSpec;
  dataset: DatasetInfo | undefined;
  onFix(fixed: GraphSpec): void;
}) {
  const classes = dataset?.numClasses;
  const head = useMemo(() => {
    try {
      return outputHead(graph);
    } catch {
      return null;
    }
  }, [graph]);
  if (!classes || !head || head.classes === classes) return null;
  const fixed = withOutputClasses(graph, classes);
  return (
    <div className="class-check field-error" role="alert" data-testid="class-mismatch">
      <p>
        The model outputs <strong>{head.classes}</strong> class scores but the dataset “{dataset.name}” has{' '}
        <strong>{classes}</strong> classes{dataset.labels?.length ? ` (${dataset.labels.join(', ')})` : ''}.
        Training would fail.
      </p>
      {fixed ? (
        <p>
          <button type="button" className="primary" onClick={() => onFix(fixed)}>
            Set the output to {classes} classes
          </button>{' '}
          <span className="help">
            Sets units of “{head.unitsNodeId}” to {classes}.
          </span>
        </p>
      ) : (
        <p className="fix">
          Fix: end the model with a Dense/QuantDense of {classes} units in the composer, or pick a dataset
          with {head.classes} classes.
        </p>
      )}
    </div>
  );
}

/**
 * The live charts, in their own component: only they re-render when an epoch or a per-batch loss lands, and they
 * draw on a canvas in one animation frame (recharts stays for the run page's final view).
 */
function LiveMetricCharts() {
  const epochs = useTraining((s) => s.epochs);
  const batchLoss = useTraining((s) => s.batchLoss);
  return <LiveCharts epochs={epochs} batchLoss={batchLoss} />;
}

/** "1 min 05 s" / "12 s": a duration for the ETA. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** Batch progress, in its own component: it changes several times a second, the charts do not re-render. */
function LiveProgress() {
  const phase = useTraining((s) => s.phase);
  const progress = useTraining((s) => s.progress);
  const location = useTraining((s) => s.location);
  if (phase !== 'running' && phase !== 'stopping' && phase !== 'starting' && phase !== 'done') return null;
  if (phase === 'done' && !progress) return null;
  if (!progress)
    return (
      <p className="muted" data-testid="batch-progress-waiting">
        {location === 'server'
          ? 'Waiting for the first batch (the server loads the dataset and builds the model first)…'
          : 'Preparing the data and the model…'}
      </p>
    );
  return (
    <p data-testid="batch-progress">
      <label htmlFor="batch-progress">
        Epoch {progress.epoch}
        {progress.epochs ? ` of ${progress.epochs}` : ''}, batch {progress.batch + 1}
        {progress.batches ? ` of ${progress.batches}` : ''} · loss {progress.loss.toFixed(4)}
        {typeof progress.etaSeconds === 'number' ? ` · about ${formatEta(progress.etaSeconds)} left` : ''}
      </label>
      <progress
        id="batch-progress"
        max={progress.batches || 1}
        value={progress.batches ? progress.batch + 1 : 0}
      />
    </p>
  );
}

function LiveView() {
  const phase = useTraining((s) => s.phase);
  const log = useTraining((s) => s.log);
  const confusion = useTraining((s) => s.confusion);
  const labels = useTraining((s) => s.labels);
  const testAccuracy = useTraining((s) => s.testAccuracy);
  const runId = useTraining((s) => s.runId);
  const backend = useTraining((s) => s.backend);
  const error = useTraining((s) => s.error);
  const location = useTraining((s) => s.location);
  const serverStatus = useTraining((s) => s.serverStatus);
  const teacher = useTraining((s) => s.teacher);
  if (phase === 'idle')
    return (
      <section className="live" aria-label="Training progress">
        <h2>Live view</h2>
        <p className="muted">
          Start training to see loss, accuracy and the flip ratio of the binary weights per epoch, and the
          confusion matrix at the end.
        </p>
        <LiveMetricCharts key="charts" />
      </section>
    );
  return (
    <section className="live" aria-label="Training progress">
      <h2>
        {location === 'browser' ? 'Training in your browser' : 'Training on the server'}{' '}
        <span className={`phase phase-${phase}`} data-testid="training-phase">
          {phase}
        </span>
      </h2>
      <p className="muted">
        {runId ? (
          <>
            Run{' '}
            <Link href={`/experiments/run?id=${encodeURIComponent(runId)}`} prefetch={false}>
              {runId}
            </Link>
          </>
        ) : (
          'Creating the run…'
        )}
        {backend ? ` · backend ${backend}` : ''}
        {serverStatus ? ` · server status ${serverStatus}` : ''}
      </p>
      {teacher ? (
        <p className="muted" data-testid="training-teacher">
          Teacher{' '}
          <Link href={`/experiments/run?id=${encodeURIComponent(teacher.runId)}`} prefetch={false}>
            {teacher.name}
          </Link>
          {teacher.accuracy !== null
            ? `: test accuracy ${(teacher.accuracy * 100).toFixed(2)}%`
            : ' (training first)'}
        </p>
      ) : null}
      <LiveProgress />
      {error ? (
        <ErrorNote title="Training" error={Object.assign(new Error(error.message), { fix: error.fix })} />
      ) : null}
      {error?.fix ? <p className="fix">Fix: {error.fix}</p> : null}
      <LiveMetricCharts key="charts" />
      {phase === 'done' ? (
        <div className="result" data-testid="training-result">
          <h3>Result</h3>
          <p>
            {testAccuracy !== null ? `Test accuracy ${(testAccuracy * 100).toFixed(2)}%. ` : ''}
            {runId ? (
              <Link href={`/experiments/run?id=${encodeURIComponent(runId)}`} prefetch={false}>
                Open the run (exports, playground)
              </Link>
            ) : null}
          </p>
          {confusion ? <ConfusionMatrix matrix={confusion} labels={labels} /> : null}
        </div>
      ) : null}
      <details>
        <summary>Log ({log.length})</summary>
        <pre className="log" data-testid="training-log">
          {log.join('\n')}
        </pre>
      </details>
    </section>
  );
}

/** The model's summary and budget bars: memoised, so starting or finishing a run does not re-render it. */
const ModelCard = memo(function ModelCard({
  graph,
  versionId,
  analysis,
  target,
  origin,
}: {
  graph: GraphSpec;
  versionId: string | null;
  /** Where an unsaved model comes from ("composer draft", "preset", "edited here"). */
  origin: string;
  analysis: { issues: unknown[]; a: ReturnType<typeof inferGraph> } | null;
  target: TargetId;
}) {
  const graphErrors = analysis?.issues.length ?? 0;
  return (
    <div className="model-card">
      <p>
        <strong data-testid="train-model-name">{graph.name}</strong> · {graph.nodes.length} layers
        {versionId ? ` · saved version ${versionId}` : ` · ${origin}`} ·{' '}
        <Link href={versionId ? `/composer?version=${encodeURIComponent(versionId)}` : '/composer'}>
          edit
        </Link>
      </p>
      {analysis ? (
        <p>
          Packed weights {formatBytes(analysis.a.totals.packedBytes)} · arena{' '}
          {formatBytes(analysis.a.totals.arenaBytes)}
        </p>
      ) : null}
      {graphErrors ? (
        <p className="field-error">
          The model has {graphErrors} error(s). <Link href="/composer">Fix them in the composer</Link> before
          training.
        </p>
      ) : null}
      {analysis ? (
        <BudgetBars
          target={target}
          weightBytes={analysis.a.totals.packedBytes}
          arenaBytes={analysis.a.totals.arenaBytes}
        />
      ) : null}
    </div>
  );
});

/** Test samples a browser run scores at the end (the confusion matrix and the run's accuracy). */
const BROWSER_TEST_SAMPLES = 1000;

function TrainPage() {
  const store = useTrainingStore();
  // A boolean, not the phase: the form does not re-render when a run goes from starting to running.
  const busy = useTraining((s) => s.phase === 'starting' || s.phase === 'running' || s.phase === 'stopping');
  const params = useSearchParams();
  const [source, setSource] = useState<ModelSource>(() => {
    const v = params.get('version');
    return v ? { kind: 'version', id: v } : { kind: 'draft' };
  });
  const { graph, setGraph, versionId, error: modelError, loading } = useModel(source);
  // Set when the page changed the model (the class fix): the run then sends the graph, not the saved version.
  const [edited, setEdited] = useState(false);
  const [form, setForm] = useState<TrainForm>(DEFAULT_FORM);
  const [datasets, setDatasets] = useState<DatasetInfo[]>([BUILTIN_MNIST]);
  const [datasetId, setDatasetIdState] = useState('mnist');
  // Set once the user (or an upload) chose a dataset: the page then stops choosing one for them.
  const picked = useRef(false);
  useEffect(() => {
    const remembered = rememberedDataset();
    if (remembered) {
      picked.current = true;
      setDatasetIdState(remembered);
    }
  }, []);
  const setDatasetId = (id: string) => {
    picked.current = true;
    rememberDataset(id);
    setDatasetIdState(id);
  };
  const [teachers, setTeachers] = useState<RunSummary[]>([]);
  const [apiError, setApiError] = useState<unknown>(null);
  const [runName, setRunName] = useState('');
  const [projects, setProjects] = useState<ProjectInfo[]>([]);
  const [projectId, setProjectId] = useState('');
  const [backendPref, setBackendPref] = useState<BackendPreference>('auto');
  const session = useRef<SessionHandle | null>(null);

  useEffect(() => {
    listDatasets().then((d) => d.length && setDatasets(d), setApiError);
    listProjects().then(setProjects, () => undefined);
    listRuns({ status: 'completed', pageSize: 50 }).then(
      (p) => setTeachers(p.runs),
      () => undefined,
    );
    // ?run= names a run to watch; else the run this tab showed last (coming back shows it again).
    const named = params.get('run');
    const last = named ? null : lastTrainRun();
    let cancelled = false;
    if (named && store.getState().phase === 'idle') session.current = watchServerRun(store, named);
    else if (last && store.getState().phase === 'idle')
      // A remembered run may have been deleted since: show it only if it still exists.
      getRun(last).then(
        () => {
          if (!cancelled && store.getState().phase === 'idle') session.current = watchServerRun(store, last);
        },
        () => forgetLastTrainRun(),
      );
    return () => {
      cancelled = true;
      session.current?.dispose();
    };
  }, [store, params]);

  // A preset opened for training starts from its recipe (schedule, augmentation, epochs), so training it with
  // the form's defaults reproduces its documented accuracy.
  const presetId = typeof graph?.meta?.preset === 'string' ? graph.meta.preset : null;
  const recipe = useMemo(() => presetRecipe(presetId), [presetId]);
  useEffect(() => {
    if (recipe) setForm((f) => formFromRecipe(recipe, f));
  }, [recipe]);
  // The recipe's dataset too, unless the user has chosen one in this tab (picked, or uploaded: that choice wins,
  // e.g. a preset whose output was just fitted to an upload's classes). It is the page's choice, so it is not
  // remembered as the user's.
  useEffect(() => {
    if (picked.current || !recipe || !datasets.some((d) => d.id === recipe.dataset)) return;
    setDatasetIdState(recipe.dataset);
  }, [recipe, datasets]);

  const analysis = useMemo(() => {
    if (!graph) return null;
    try {
      return { issues: validateGraph(graph).filter((i) => i.severity === 'error'), a: inferGraph(graph) };
    } catch {
      return null;
    }
  }, [graph]);
  const errors = checkForm(form);
  const set = <K extends keyof TrainForm>(k: K, v: TrainForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const graphErrors = analysis?.issues.length ?? 0;
  const dataset = datasets.find((d) => d.id === datasetId);
  // Until the user picks one, a model whose output does not fit MNIST's 10 classes gets the newest dataset it fits.
  useEffect(() => {
    if (picked.current || !graph || datasets.length < 2) return;
    let classes: number | null = null;
    try {
      classes = outputHead(graph)?.classes ?? null;
    } catch {
      return;
    }
    const current = datasets.find((d) => d.id === datasetId);
    if (!classes || current?.numClasses === classes) return;
    const fit = [...datasets].reverse().find((d) => d.numClasses === classes);
    if (fit) setDatasetIdState(fit.id);
  }, [graph, datasets, datasetId]);
  const classMismatch = useMemo(() => {
    if (!graph || !dataset?.numClasses) return false;
    try {
      const head = outputHead(graph);
      return !!head && head.classes !== dataset.numClasses;
    } catch {
      return false;
    }
  }, [graph, dataset]);
  const canStart =
    !!graph && !busy && Object.keys(errors).length === 0 && graphErrors === 0 && !classMismatch;
  const fixClasses = (fixed: GraphSpec) => {
    setGraph(fixed);
    setEdited(true);
    if (source.kind === 'draft')
      loadDraft()
        .then((d) => saveDraft({ graph: fixed, saved: d?.saved ?? null, target: d?.target ?? form.target }))
        .catch((e) => setApiError(e));
  };
  // The built-in MNIST trains from the studio's static IDX files; uploads from the API's decoded tensors.
  // (Other built-ins, e.g. Fashion-MNIST, come as the API's decoded tensors like uploads.)
  const builtinMnist = datasetId === 'mnist';
  // Pruning and its fine-tuning run on the server only.
  const browserOk = !!dataset && form.pruneFraction === 0;

  const request = () => ({
    graph: graph!,
    architectureVersionId: edited ? null : versionId,
    datasetId,
    config: toTrainConfig(form),
    ...(form.maxTrainSamples > 0 ? { limits: { trainSamples: form.maxTrainSamples } } : {}),
    name: runName || `${graph!.name} · ${form.optimizer} · ${form.epochs} ep`,
    ...(projectId ? { projectId } : {}),
  });

  const trainBrowser = () => {
    session.current?.dispose();
    if (builtinMnist) {
      session.current = startBrowserTraining(
        store,
        request(),
        {
          imagesUrl: '/datasets/mnist-images.idx',
          labelsUrl: '/datasets/mnist-labels.idx',
          maxTrainSamples: form.maxTrainSamples,
          testSamples: BROWSER_TEST_SAMPLES,
        },
        { backend: backendPref },
      );
      return;
    }
    const req = request();
    session.current = startBrowserTraining(
      store,
      { ...req, limits: { ...req.limits, testSamples: BROWSER_TEST_SAMPLES } },
      {
        kind: 'tensors',
        url: tensorsUrl(datasetId, {
          maxTrainSamples: form.maxTrainSamples,
          maxTestSamples: BROWSER_TEST_SAMPLES,
        }),
      },
      { backend: backendPref },
    );
  };
  const trainServer = async () => {
    session.current?.dispose();
    session.current = await startServerTraining(store, request());
  };

  return (
    <div className="page train">
      <h1>Train</h1>
      <ErrorNote title="API" error={apiError} />
      <div className="train-layout">
        <div className="train-left">
          <section aria-label="Model">
            <h2>Model</h2>
            {loading ? <p className="muted">Loading the model…</p> : null}
            <ErrorNote title="Model" error={modelError} />
            {!loading && !graph ? (
              <p>
                No model yet. <Link href="/composer">Compose one</Link> (your draft is picked up here
                automatically).
              </p>
            ) : null}
            <ModelPicker
              value={source}
              onChange={(s) => {
                setSource(s);
                setEdited(false);
              }}
            />
            {graph ? (
              <ModelCard
                graph={graph}
                versionId={edited ? null : versionId}
                origin={
                  edited ? 'changed here, not saved' : source.kind === 'preset' ? 'preset' : 'composer draft'
                }
                analysis={analysis}
                target={form.target}
              />
            ) : null}
            {graph ? <ClassCheck graph={graph} dataset={dataset} onFix={fixClasses} /> : null}
          </section>
          <form
            className="train-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (canStart && browserOk) trainBrowser();
            }}
          >
            <DatasetPicker
              datasets={datasets}
              value={datasetId}
              onChange={setDatasetId}
              onUploaded={(d) => setDatasets((ds) => [...ds.filter((x) => x.id !== d.id), d])}
            />
            <fieldset>
              <legend>Hyperparameters</legend>
              <label htmlFor="optimizer">Optimizer</label>
              <select
                id="optimizer"
                value={form.optimizer}
                onChange={(e) => set('optimizer', e.target.value as TrainForm['optimizer'])}
              >
                {OPTIMIZERS.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.label}
                  </option>
                ))}
              </select>
              <p className="help">{OPTIMIZERS.find((o) => o.id === form.optimizer)?.help}</p>
              <NumberField
                id="lr"
                label="Learning rate"
                value={form.learningRate}
                onChange={(v) => set('learningRate', v)}
                error={errors.learningRate}
                help="Step size for latent / float weights."
              />
              {form.optimizer === 'bop' || form.optimizer === 'case' ? (
                <>
                  <NumberField
                    id="bop-threshold"
                    label="Bop threshold τ"
                    value={form.bopThreshold}
                    onChange={(v) => set('bopThreshold', v)}
                    error={errors.bopThreshold}
                    help="A weight flips when |momentum| exceeds τ (Larq default 1e-8)."
                  />
                  <NumberField
                    id="bop-gamma"
                    label="Bop adaptivity γ"
                    value={form.bopGamma}
                    onChange={(v) => set('bopGamma', v)}
                    error={errors.bopGamma}
                    help="Rate of the gradient moving average (Larq default 1e-4)."
                  />
                </>
              ) : null}
              <label htmlFor="schedule">Learning-rate schedule</label>
              <select
                id="schedule"
                value={form.schedule}
                onChange={(e) => set('schedule', e.target.value as TrainForm['schedule'])}
              >
                <option value="constant">Constant</option>
                <option value="cosine">Cosine decay</option>
                <option value="step">Step decay</option>
              </select>
              {form.schedule === 'cosine' ? (
                <>
                  <NumberField
                    id="warmup-epochs"
                    label="Warm-up (epochs)"
                    value={form.warmupEpochs}
                    onChange={(v) => set('warmupEpochs', v)}
                    error={errors.warmupEpochs}
                    help="Linear warm-up from 0 over these epochs, then cosine decay."
                  />
                  <NumberField
                    id="min-lr"
                    label="Final learning rate"
                    value={form.minLearningRate}
                    onChange={(v) => set('minLearningRate', v)}
                    error={errors.minLearningRate}
                  />
                </>
              ) : null}
              {form.schedule === 'step' ? (
                <>
                  <NumberField
                    id="step-size"
                    label="Decay every (epochs)"
                    value={form.stepSize}
                    onChange={(v) => set('stepSize', v)}
                    error={errors.stepSize}
                  />
                  <NumberField
                    id="step-gamma"
                    label="Decay factor"
                    value={form.stepGamma}
                    onChange={(v) => set('stepGamma', v)}
                    error={errors.stepGamma}
                  />
                </>
              ) : null}
              <fieldset className="augmentation">
                <legend>Augmentation</legend>
                <NumberField
                  id="aug-shift"
                  label="Random shift (± pixels)"
                  value={form.shift}
                  onChange={(v) => set('shift', v)}
                  error={errors.shift}
                  help="Translate each training image by up to this many pixels (zero fill); 0 = off."
                />
                <label htmlFor="aug-flip">
                  <input
                    id="aug-flip"
                    type="checkbox"
                    checked={form.flip}
                    onChange={(e) => set('flip', e.target.checked)}
                  />{' '}
                  Random left–right flip
                </label>
                <NumberField
                  id="aug-noise"
                  label="Gaussian noise (sd)"
                  value={form.noise}
                  onChange={(v) => set('noise', v)}
                  error={errors.noise}
                />
              </fieldset>
              {recipe ? (
                <p className="help" data-testid="recipe-note">
                  Preset recipe applied: {recipe.epochs} epochs, Adam {recipe.optimizer.learningRate}, cosine
                  decay after {recipe.schedule.warmupEpochs} warm-up epoch(s), ±{recipe.augmentation.shift} px
                  shifts, on {recipe.dataset}.
                </p>
              ) : null}
              <NumberField
                id="epochs"
                label="Epochs"
                value={form.epochs}
                onChange={(v) => set('epochs', v)}
                error={errors.epochs}
              />
              <NumberField
                id="batch"
                label="Batch size"
                value={form.batchSize}
                onChange={(v) => set('batchSize', v)}
                error={errors.batchSize}
              />
              <NumberField
                id="seed"
                label="Seed"
                value={form.seed}
                onChange={(v) => set('seed', v)}
                error={errors.seed}
                help="Same seed, same data order and initial weights: reproducible runs."
              />
              <NumberField
                id="val-split"
                label="Validation split"
                value={form.validationSplit}
                onChange={(v) => set('validationSplit', v)}
                error={errors.validationSplit}
                help="Fraction of training samples held out for val loss/accuracy."
              />
              <NumberField
                id="recal-bn"
                label="Re-estimate BatchNorm (batches, 0 = off)"
                value={form.recalibrateBatchNorm}
                onChange={(v) => set('recalibrateBatchNorm', v)}
                error={errors.recalibrateBatchNorm}
                help="After the last epoch, recompute BatchNorm statistics for the final weights on this many training batches."
              />
              <NumberField
                id="max-samples"
                label="Training samples (browser, 0 = all)"
                value={form.maxTrainSamples}
                onChange={(v) => set('maxTrainSamples', v)}
                error={errors.maxTrainSamples}
                help="Train on a subset for a quick first run in the browser."
              />
              <label htmlFor="browser-backend">Browser backend</label>
              <select
                id="browser-backend"
                value={backendPref}
                onChange={(e) => setBackendPref(e.target.value as BackendPreference)}
              >
                <option value="auto">Automatic (WebGL on a GPU, else WebAssembly)</option>
                <option value="webgl">WebGL</option>
                <option value="wasm">WebAssembly</option>
                <option value="cpu">Plain JavaScript (slowest)</option>
              </select>
              <p className="help">
                TensorFlow.js backend of &quot;Train in browser&quot;. Automatic skips software WebGL (no
                GPU), which is slower than WebAssembly.
              </p>
            </fieldset>
            <fieldset>
              <legend>Distillation and target</legend>
              <label htmlFor="teacher">Distillation teacher</label>
              <select
                id="teacher"
                value={form.teacherRunId}
                onChange={(e) => set('teacherRunId', e.target.value)}
              >
                <option value="">None</option>
                <option value="float-twin">Float twin of this model (reused, or trained first)</option>
                {teachers.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name ?? r.id}
                  </option>
                ))}
              </select>
              <p className="help">
                The teacher&apos;s soft predictions guide this model (knowledge distillation): its float twin
                (same graph, quantizers off; a finished one on this dataset is reused, else it trains first as
                its own run), or a finished run with the same input and classes. The run page shows the
                teacher and the gain over a run of the same recipe and seed without distillation.
              </p>
              {form.teacherRunId ? (
                <>
                  {form.teacherRunId === 'float-twin' ? (
                    <NumberField
                      id="teacher-epochs"
                      label="Teacher epochs"
                      value={form.teacherEpochs}
                      onChange={(v) => set('teacherEpochs', v)}
                      error={errors.teacherEpochs}
                    />
                  ) : null}
                  <NumberField
                    id="temperature"
                    label="Temperature"
                    value={form.temperature}
                    onChange={(v) => set('temperature', v)}
                    error={errors.temperature}
                  />
                  <NumberField
                    id="alpha"
                    label="Alpha (weight of the teacher loss)"
                    value={form.alpha}
                    onChange={(v) => set('alpha', v)}
                    error={errors.alpha}
                  />
                  <NumberField
                    id="distill-warmup"
                    label="Distillation warm-up (epochs of ramping alpha up from 0)"
                    value={form.distillWarmup}
                    onChange={(v) => set('distillWarmup', v)}
                    error={errors.distillWarmup}
                  />
                  <NumberField
                    id="distill-attention"
                    label="Attention matching weight (Real-to-Binary; 0 = off)"
                    value={form.attention}
                    onChange={(v) => set('attention', v)}
                    error={errors.attention}
                  />
                </>
              ) : null}
              <NumberField
                id="prune-fraction"
                label="Prune after training (fraction of binary channels, 0 = off; server)"
                value={form.pruneFraction}
                onChange={(v) => set('pruneFraction', v)}
                error={errors.pruneFraction}
                help="After training on the server, remove this fraction of the output channels of every binary layer the graph lets go (the least useful by their scores), then fine-tune. The run moves to the smaller, pruned architecture version."
              />
              {form.pruneFraction > 0 ? (
                <>
                  <label htmlFor="prune-method">Channel score</label>
                  <select
                    id="prune-method"
                    value={form.pruneMethod}
                    onChange={(e) => set('pruneMethod', e.target.value as PruneMethodId)}
                  >
                    {PRUNE_METHODS.map((m) => (
                      <option key={m} value={m}>
                        {PRUNE_METHOD_LABELS[m]}
                      </option>
                    ))}
                  </select>
                  <NumberField
                    id="prune-epochs"
                    label="Fine-tuning epochs after pruning"
                    value={form.pruneEpochs}
                    onChange={(v) => set('pruneEpochs', v)}
                    error={errors.pruneEpochs}
                  />
                </>
              ) : null}
              <label htmlFor="train-target">Target device</label>
              <select
                id="train-target"
                value={form.target}
                onChange={(e) => set('target', e.target.value as TargetId)}
              >
                {TARGET_IDS.map((id) => (
                  <option key={id} value={id}>
                    {TARGETS[id].label}
                  </option>
                ))}
              </select>
              <label htmlFor="run-project">Project</label>
              <select id="run-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
                <option value="">None</option>
                {projects.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              <label htmlFor="run-name">Run name</label>
              <input
                id="run-name"
                value={runName}
                onChange={(e) => setRunName(e.target.value)}
                placeholder={graph ? `${graph.name} · ${form.optimizer}` : ''}
              />
            </fieldset>
            <div className="toolbar">
              <button type="submit" className="primary" disabled={!canStart || !browserOk}>
                Train in browser
              </button>
              <button type="button" className="primary" disabled={!canStart} onClick={trainServer}>
                Train on server
              </button>
              <button type="button" disabled={!busy} onClick={() => session.current?.stop()}>
                Stop
              </button>
              {classMismatch ? (
                <span className="field-error">Fix the class mismatch under Model before training.</span>
              ) : null}
            </div>
          </form>
        </div>
        <LiveView />
      </div>
    </div>
  );
}

export function TrainApp() {
  return (
    <TrainingProvider>
      <TrainPage />
    </TrainingProvider>
  );
}
