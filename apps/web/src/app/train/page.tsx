import { Suspense } from 'react';
import { TrainApp } from '../../train/TrainApp';

export const metadata = { title: 'Train · BNN Studio' };

export default function TrainRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <TrainApp />
    </Suspense>
  );
}
