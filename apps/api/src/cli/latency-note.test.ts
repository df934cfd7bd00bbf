import { describe, expect, it } from 'vitest';
import { latencyNote } from './commands.js';

describe('latencyNote (the export command prints the firmware report’s latency estimate)', () => {
  it('names the estimate, the target and where the exact count comes from', () => {
    const note = latencyNote({
      latency: {
        estimatedMs: 177.358,
        estimatedInstructions: 17735793,
        target: 'STM32L4R9 (Cortex-M4F, 120 MHz)',
      },
    });
    expect(note).toBe(
      '; latency estimate 177.4 ms (17735793 instructions) on STM32L4R9 (Cortex-M4F, 120 MHz) — `make qemu-test` in the bundle prints the exact count',
    );
  });
  it('is empty for reports without one (.bnn, .tflite)', () => {
    expect(latencyNote(null)).toBe('');
    expect(latencyNote({ bytes: 10 })).toBe('');
  });
});
