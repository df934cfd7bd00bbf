import { describe, expect, it } from 'vitest';
import { Heap } from './runtime.js';

describe('Heap', () => {
  it('aligns allocations to 16 bytes, or to the alignment asked for, and grows the memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 });
    const heap = new Heap(memory, 1000);
    expect(heap.alloc(3)).toBe(1008);
    expect(heap.alloc(10, 64)).toBe(1024);
    expect(heap.alloc(1)).toBe(1040);
    const big = heap.alloc(100_000, 64);
    expect(big % 64).toBe(0);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 100_000);
  });
});
