import { Suspense } from 'react';
import { ComposerApp } from '../../composer/ComposerApp';

export const metadata = { title: 'Composer · BNN Studio' };

export default function ComposerPage() {
  return (
    <Suspense fallback={<p className="page">Loading the composer…</p>}>
      <ComposerApp />
    </Suspense>
  );
}
