'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../components/ErrorNote';
import { rememberDataset } from '../lib/remembered-dataset';
import { type DatasetInfo, uploadDataset } from '../lib/studio-api';
import { zipStore } from '../lib/zip-store';

/** Side of the square images captured from the camera (the upload resizes them to the model's input). */
const CAPTURE_SIZE = 96;

interface CaptureClass {
  /** Stable key for React (names can repeat while typed). */
  key: number;
  name: string;
  shots: { url: string; blob: Blob }[];
}

const safeName = (n: string) => n.trim().replace(/[^A-Za-z0-9_-]+/g, '_') || 'class';

/**
 * Teachable-Machine-style capture: camera frames, one class at a time, become an image-folder zip (one folder per
 * class) uploaded as a dataset. Frames are centre-cropped to a square and scaled to 96×96 PNGs.
 */
export function CameraCapture({ onUploaded }: { onUploaded(d: DatasetInfo): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [on, setOn] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [classes, setClasses] = useState<CaptureClass[]>([
    { key: 0, name: 'class_a', shots: [] },
    { key: 1, name: 'class_b', shots: [] },
  ]);
  const [name, setName] = useState('camera-dataset');
  const [busy, setBusy] = useState(false);
  const [uploaded, setUploaded] = useState<DatasetInfo | null>(null);

  useEffect(
    () => () => {
      for (const t of stream.current?.getTracks() ?? []) t.stop();
    },
    [],
  );

  const start = async () => {
    setError(null);
    try {
      if (!navigator.mediaDevices?.getUserMedia)
        throw new Error('This browser offers no camera access here (it needs https or localhost).');
      const s = await navigator.mediaDevices.getUserMedia({
        video: { width: 320, height: 240 },
        audio: false,
      });
      stream.current = s;
      if (video.current) {
        video.current.srcObject = s;
        await video.current.play();
      }
      setOn(true);
    } catch (e) {
      const err = e as Error;
      setError(
        err.name === 'NotAllowedError'
          ? Object.assign(new Error('The camera permission was refused.'), {
              fix: "Allow the camera in the browser's site settings, then press Start camera again.",
            })
          : err.name === 'NotFoundError'
            ? Object.assign(new Error('No camera was found.'), { fix: 'Connect a camera and try again.' })
            : err,
      );
    }
  };

  const capture = (k: number) => {
    const v = video.current;
    if (!v?.videoWidth) return;
    const side = Math.min(v.videoWidth, v.videoHeight);
    const canvas = document.createElement('canvas');
    canvas.width = CAPTURE_SIZE;
    canvas.height = CAPTURE_SIZE;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(
      v,
      (v.videoWidth - side) / 2,
      (v.videoHeight - side) / 2,
      side,
      side,
      0,
      0,
      CAPTURE_SIZE,
      CAPTURE_SIZE,
    );
    canvas.toBlob((blob) => {
      if (!blob) return;
      const url = URL.createObjectURL(blob);
      setClasses((cs) => cs.map((c, i) => (i === k ? { ...c, shots: [...c.shots, { url, blob }] } : c)));
    }, 'image/png');
  };

  const names = classes.map((c) => safeName(c.name));
  const duplicate = new Set(names).size !== names.length;
  const ready = classes.filter((c) => c.shots.length > 0).length >= 2 && !duplicate;
  const upload = async () => {
    setBusy(true);
    setError(null);
    try {
      const entries = [];
      for (const c of classes)
        for (const [i, s] of c.shots.entries())
          entries.push({
            name: `${safeName(c.name)}/${String(i).padStart(3, '0')}.png`,
            data: new Uint8Array(await s.blob.arrayBuffer()),
          });
      const zip = zipStore(entries);
      const file = new File([zip.buffer as ArrayBuffer], `${safeName(name)}.zip`, {
        type: 'application/zip',
      });
      const d = await uploadDataset([file], { name, kind: 'zip' }, () => undefined);
      rememberDataset(d.id);
      setUploaded(d);
      onUploaded(d);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="camera-capture" aria-label="Capture from camera">
      <h2>New dataset from the camera</h2>
      <p className="help">
        Show the camera one class at a time and press its Capture button; 20 or more images per class train
        best. The images are uploaded as an image-folder zip (one folder per class).
      </p>
      <div className="camera-layout">
        <div>
          <video ref={video} className="camera-video" muted playsInline width={320} height={240} />
          <p>
            <button type="button" onClick={start} disabled={on}>
              {on ? 'Camera on' : 'Start camera'}
            </button>
          </p>
        </div>
        <div className="capture-classes">
          {classes.map((c, k) => (
            <div key={c.key} className="capture-class" data-testid={`capture-class-${k}`}>
              <label htmlFor={`class-name-${k}`}>Class {k + 1} name</label>
              <input
                id={`class-name-${k}`}
                value={c.name}
                onChange={(e) =>
                  setClasses((cs) => cs.map((x, i) => (i === k ? { ...x, name: e.target.value } : x)))
                }
              />{' '}
              <button type="button" disabled={!on} onClick={() => capture(k)}>
                Capture {c.name || `class ${k + 1}`}
              </button>{' '}
              <span data-testid={`capture-count-${k}`}>{c.shots.length} image(s)</span>
              <div className="sample-grid">
                {c.shots.slice(-12).map((s) => (
                  // biome-ignore lint/performance/noImgElement: blob previews, not optimisable images
                  <img key={s.url} src={s.url} alt={`${c.name} capture`} width={48} height={48} />
                ))}
              </div>
            </div>
          ))}
          <p>
            <button
              type="button"
              onClick={() =>
                setClasses((cs) => [...cs, { key: cs.length, name: `class_${cs.length + 1}`, shots: [] }])
              }
            >
              Add a class
            </button>
          </p>
          {duplicate ? <p className="field-error">Two classes have the same name: rename one.</p> : null}
          <label htmlFor="camera-dataset-name">Dataset name</label>
          <input id="camera-dataset-name" value={name} onChange={(e) => setName(e.target.value)} />
          <p>
            <button type="button" className="primary" disabled={!ready || busy} onClick={upload}>
              {busy ? 'Uploading…' : 'Upload as a dataset'}
            </button>{' '}
            {!ready ? <span className="help">Capture images of at least two classes.</span> : null}
          </p>
          {uploaded ? (
            <p className="status-ok" role="status" data-testid="camera-upload-confirmation">
              Uploaded “{uploaded.name}”: {uploaded.samples} samples in {uploaded.numClasses} classes.{' '}
              <Link href={`/datasets/view?id=${encodeURIComponent(uploaded.id)}`}>See its samples</Link>
            </p>
          ) : null}
          <ErrorNote title="Camera" error={error} />
        </div>
      </div>
    </section>
  );
}
