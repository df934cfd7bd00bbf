'use client';
import { describeError } from '../lib/api';

/** An error with its fix, announced to screen readers. */
export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const { message, fix } = describeError(error);
  return (
    <div className="error-note" role="alert">
      {title ? <strong>{title}: </strong> : null}
      <span>{message}</span>
      {fix ? <p className="fix">Fix: {fix}</p> : null}
    </div>
  );
}
