'use client';
import { useEffect, useState } from 'react';
import { apiJson } from '../lib/api';
import { ErrorNote } from './ErrorNote';

interface Health {
  status: string;
  database?: { ok: boolean; provider: string };
  version?: string;
}

export function ApiStatus() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    apiJson<Health>('/api/health').then(setHealth, setError);
  }, []);
  if (error) return <ErrorNote title="API" error={error} />;
  if (!health) return <p className="muted">Checking the studio API…</p>;
  return (
    <p className="status-ok" data-testid="api-status">
      API {health.status}
      {health.database ? ` · database ${health.database.provider}` : ''}
      {health.version ? ` · v${health.version}` : ''}
    </p>
  );
}
