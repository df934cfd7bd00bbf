// `bnn-studio search` end to end (a real one-rung search of two 1-epoch candidates on 256 MNIST digits), and its
// flags: sizes with units, and errors that name the flag and the fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../test/cli.js';
import { parseBytes, searchRequest } from './search-command.js';

const dir = mkdtempSync(join(tmpdir(), 'bnn-cli-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bnn-studio search', () => {
  it('reads sizes with units and names a bad flag with its fix', () => {
    expect(parseBytes('--flash', '64KiB')).toBe(65536);
    expect(parseBytes('--flash', '16 kib')).toBe(16384);
    expect(parseBytes('--ram', '1.5MiB')).toBe(1572864);
    expect(parseBytes('--ram', '1000')).toBe(1000);
    expect(() => parseBytes('--flash', '64 parsecs')).toThrow(/--flash '64 parsecs' is not a size.*64KiB/);
    const base = { dataset: 'mnist', target: 'stm32l4r9', flash: '64KiB' };
    expect(searchRequest({ ...base, trials: 4 })).toMatchObject({ budget: { flashBytes: 65536 }, trials: 4 });
    expect(() => searchRequest(base)).toThrow(/--trials N or --minutes M/);
    expect(() => searchRequest({ ...base, trials: 2, minutes: 3 })).toThrow(/not both/);
    expect(() => searchRequest({ ...base, target: 'esp32', trials: 2 })).toThrow(
      /--target \(stm32l4r9 \| xcore\)/,
    );
    expect(() => searchRequest({ dataset: 'mnist', target: 'xcore', trials: 2 })).toThrow(/--weights/);
  });

  it('runs a search and prints the best and the front as the last JSON line', async () => {
    const space = join(dir, 'space.json');
    writeFileSync(
      space,
      JSON.stringify({
        widths: [[0.25], [0.25, 0.5], [0.25], [0.25]],
        depths: [1],
        hidden: [0],
        firstLayer: ['float'],
        quantizers: ['ste_sign'],
        maxEpochs: 1,
      }),
    );
    const r = await runCli(
      [
        'search',
        '--dataset',
        'mnist',
        '--target',
        'stm32l4r9',
        '--weights',
        '4KiB',
        '--ram',
        '160KiB',
        '--trials',
        '2',
        '--limit',
        '256',
        '--space',
        space,
        '--json',
      ],
      join(dir, 'data'),
    );
    expect(r.code, r.out).toBe(0);
    const j = lastJsonLine(r.out) as {
      searchId: string;
      best: { runId: string; accuracy: number; packedBytes: number; flashBytes: number; ramBytes: number };
      front: unknown[];
      started: number;
    };
    expect(j.searchId).toMatch(/^search_/);
    expect(j.started).toBe(2);
    expect(j.best.runId).toMatch(/^run_/);
    expect(j.best.accuracy).toBeGreaterThan(0);
    expect(j.best.packedBytes).toBeLessThanOrEqual(4096);
    expect(j.best.ramBytes).toBeLessThanOrEqual(160 * 1024);
    expect(j.best.flashBytes).toBeGreaterThan(0);
    expect(j.front.length).toBeGreaterThan(0);
  });

  it('refuses a budget no candidate meets, naming the fix', async () => {
    const r = await runCli(
      ['search', '--dataset', 'mnist', '--target', 'xcore', '--weights', '100', '--trials', '2'],
      join(dir, 'data'),
    );
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/No candidate of the search space fits the budget.*Fix: Raise the budget/s);
  });
});
