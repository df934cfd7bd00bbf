'use client';

/**
 * "Import model": uploads a Larq Compute Engine `.tflite` (POST /api/imports) and opens the imported run. A model
 * with operators the studio cannot run exactly is listed operator by operator, with what is supported.
 */
import type { ImportRefusal } from '@bnn-studio/api/contract';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { ImportRefusedError, importTfliteModel } from '../lib/studio-api';

export function ImportModelButton({ projectId }: { projectId?: string }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fix?: string; refused?: ImportRefusal[] } | null>(
    null,
  );
  const [file, setFile] = useState<File | null>(null);

  async function upload(f: File, int8Softmax?: 'float') {
    setBusy(true);
    setError(null);
    try {
      const res = await importTfliteModel(f, {
        ...(projectId ? { projectId } : {}),
        ...(int8Softmax ? { int8Softmax } : {}),
      });
      router.push(`/experiments/run?id=${encodeURIComponent(res.runId)}`);
    } catch (e) {
      const err = e as Error & { fix?: string };
      setError({
        message: err.message,
        ...(err.fix ? { fix: err.fix } : {}),
        ...(e instanceof ImportRefusedError ? { refused: e.refused } : {}),
      });
    } finally {
      setBusy(false);
    }
  }

  const softmaxOnly = error?.refused?.length && error.refused.every((r) => r.op === 'SOFTMAX');
  return (
    <span className="import-model">
      <input
        ref={input}
        type="file"
        accept=".tflite"
        hidden
        data-testid="import-model-file"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) {
            setFile(f);
            void upload(f);
          }
        }}
      />
      <button
        type="button"
        disabled={busy}
        onClick={() => input.current?.click()}
        title="Import a Larq Compute Engine .tflite"
      >
        {busy ? 'Importing…' : 'Import model'}
      </button>
      {error ? (
        <div className="error-note" role="alert" data-testid="import-error">
          <strong>Import failed:</strong> {error.message}
          {error.fix && !error.refused ? <p>Fix: {error.fix}</p> : null}
          {error.refused ? (
            <ul>
              {error.refused.map((r) => (
                <li key={`${r.operatorIndex}-${r.op}`}>
                  {r.operatorIndex >= 0 ? `Operator ${r.operatorIndex}` : 'Model'} ({r.op}): {r.message}{' '}
                  Supported: {r.supported}
                </li>
              ))}
            </ul>
          ) : null}
          {softmaxOnly && file ? (
            <button type="button" disabled={busy} onClick={() => void upload(file, 'float')}>
              Import with the int8 softmax computed in float32
            </button>
          ) : null}
        </div>
      ) : null}
    </span>
  );
}
