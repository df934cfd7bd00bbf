import { Suspense } from 'react';
import { ExperimentsApp } from '../../experiments/ExperimentsApp';

export const metadata = { title: 'Experiments · BNN Studio' };

export default function ExperimentsRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <ExperimentsApp />
    </Suspense>
  );
}
