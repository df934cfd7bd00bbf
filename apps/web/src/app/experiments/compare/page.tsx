import { Suspense } from 'react';
import { CompareRuns } from '../../../experiments/CompareRuns';

export const metadata = { title: 'Compare runs · BNN Studio' };

export default function CompareRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <CompareRuns />
    </Suspense>
  );
}
