'use client';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import {
  type ComposerActions,
  type ComposerState,
  type ComposerStore,
  createComposerStore,
} from './composer-store';

const ComposerContext = createContext<ComposerStore | null>(null);

/** One composer store per provider (never a module global, so server rendering shares nothing). */
export function ComposerProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createComposerStore());
  return <ComposerContext.Provider value={store}>{children}</ComposerContext.Provider>;
}

export function useComposerStore(): ComposerStore {
  const store = useContext(ComposerContext);
  if (!store) throw new Error('web: useComposer must be used inside <ComposerProvider>.');
  return store;
}

export function useComposer<T>(selector: (s: ComposerState & ComposerActions) => T): T {
  return useStore(useComposerStore(), selector);
}
