import { getPreset } from '@bnn-studio/bnn-core';
import { describe, expect, it } from 'vitest';
import type { FromTrainer } from './protocol.js';
import { threadExecutor } from './thread-executor.js';

describe('training thread', () => {
  it('starts from TypeScript sources and reports an unknown dataset kind as an error message', async () => {
    const messages: FromTrainer[] = [];
    const exec = threadExecutor(
      {
        runId: 'run_t',
        graph: getPreset('mnist-tiny'),
        dataset: { id: 'x', kind: 'nope', dir: '/nonexistent', labels: [], options: {} },
        config: { epochs: 1, batchSize: 8, seed: 1, optimizer: { id: 'adam' } },
        limits: {},
        resumeFrom: null,
        backend: 'cpu',
      },
      (m) => messages.push(m),
    );
    await exec.done;
    const last = messages.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toMatch(/unknown dataset kind 'nope'|does not provide/);
  });
});
