import { Suspense } from 'react';
import { DatasetView } from '../../../datasets/DatasetView';

export const metadata = { title: 'Dataset · BNN Studio' };

export default function DatasetRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <DatasetView />
    </Suspense>
  );
}
