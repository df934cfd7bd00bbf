import { Suspense } from 'react';
import { RunDetail } from '../../../experiments/RunDetail';

export const metadata = { title: 'Run · BNN Studio' };

export default function RunRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <RunDetail />
    </Suspense>
  );
}
