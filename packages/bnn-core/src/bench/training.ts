// Placeholder created by core-spec so src/bench/index.ts builds; owned by core-train, who replaces it with the
// training/accuracy cases (accuracy per preset, binary ÷ float epoch time, wasm ÷ cpu epoch time, argmax parity).
import type { BenchCase } from './infer.js';

export async function trainingCases(): Promise<BenchCase[]> {
  return [];
}
