import { Suspense } from 'react';
import { PlaygroundApp } from '../../playground/PlaygroundApp';

export const metadata = { title: 'Playground · BNN Studio' };

export default function PlaygroundRoute() {
  return (
    <Suspense fallback={<p className="page">Loading…</p>}>
      <PlaygroundApp />
    </Suspense>
  );
}
