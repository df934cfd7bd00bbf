'use client';
import { useEffect, useState } from 'react';
import { getHealth } from '../lib/studio-api';
import { ErrorNote } from './ErrorNote';

type Health = Awaited<ReturnType<typeof getHealth>>;

export function ApiStatus() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    getHealth().then(setHealth, setError);
  }, []);
  if (error) return <ErrorNote title="API" error={error} />;
  if (!health) return <p className="muted">Checking the studio API…</p>;
  return (
    <p className="status-ok" data-testid="api-status">
      API {health.status}
      {` · database ${health.database.provider}`}
      {` · v${health.version}`}
    </p>
  );
}
