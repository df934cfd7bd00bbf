'use client';
import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import {
  createTrainingStore,
  type TrainingActions,
  type TrainingState,
  type TrainingStore,
} from './training-store';

const Ctx = createContext<TrainingStore | null>(null);

export function TrainingProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createTrainingStore());
  return <Ctx.Provider value={store}>{children}</Ctx.Provider>;
}

export function useTrainingStore(): TrainingStore {
  const s = useContext(Ctx);
  if (!s) throw new Error('web: useTraining must be used inside <TrainingProvider>.');
  return s;
}

export function useTraining<T>(selector: (s: TrainingState & TrainingActions) => T): T {
  return useStore(useTrainingStore(), selector);
}
