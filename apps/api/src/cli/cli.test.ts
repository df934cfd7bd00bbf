// The `bnn-studio` command line end to end, as a script would use it (`--json`, last line one JSON object):
// train on real MNIST digits → list → export a .bnn → export a firmware bundle from that .bnn → build and run the
// bundle's self-check on the emulated Cortex-M4.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, lower, randomWeights } from '@bnn-studio/bnn-core';
import { readTflite, writeBnn, xcoreFileProblems } from '@bnn-studio/exporters';
import { afterAll, describe, expect, it } from 'vitest';
import { lastJsonLine, runCli } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bnn-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; json: Record<string, unknown> }> {
  const r = await runCli(args, join(dir, 'data'), env);
  return { code: r.code, out: r.out, json: lastJsonLine(r.out) };
}

describe('bnn-studio CLI', () => {
  it('trains, lists, exports and verifies a firmware bundle on the emulator', async () => {
    const graphFile = join(dir, 'graph.json');
    writeFileSync(graphFile, JSON.stringify(getPreset('mnist-tiny')));

    const train = await cli(['train', graphFile, '--epochs', '1', '--limit', '256', '--seed', '3', '--json']);
    expect(train.code, train.out).toBe(0);
    const runId = String(train.json.runId);
    expect(runId).toMatch(/^run_/);

    const list = await cli(['runs', 'list', '--json']);
    expect(list.code, list.out).toBe(0);
    expect(JSON.stringify(list.json)).toContain(runId);

    const bnn = join(dir, 'model.bnn');
    const exp = await cli(['export', runId, '--target', 'bnn', '--out', bnn, '--json']);
    expect(exp.code, exp.out).toBe(0);
    expect(existsSync(bnn)).toBe(true);

    // tflite-xcore from the run and from its .bnn (calibrated on the dataset the .bnn names): mnist-tiny's binary
    // max-pool on bit-packed data has no xcore form, so both refuse naming the node and the fix.
    for (const source of [runId, bnn]) {
      const xc = await cli([
        'export',
        source,
        '--target',
        'tflite-xcore',
        '--out',
        join(dir, 'm.xcore.tflite'),
      ]);
      expect(xc.code, xc.out).not.toBe(0);
      expect(xc.out).toMatch(/max_pool2d_5.*Fix: Move "max_pool2d_5" before the sign quantizer/s);
    }
    // A .bnn whose architecture xcore takes exports: calibrated on MNIST, the dataset its provenance names.
    const quick = getPreset('quicknet-28');
    const quickBnn = join(dir, 'quicknet.bnn');
    writeFileSync(quickBnn, writeBnn(lower(quick, randomWeights(quick, 2)), { dataset: 'mnist' }));
    const xcoreFile = join(dir, 'quicknet.xcore.tflite');
    const xq = await cli(['export', quickBnn, '--target', 'tflite-xcore', '--out', xcoreFile, '--json']);
    expect(xq.code, xq.out).toBe(0);
    const model = readTflite(new Uint8Array(readFileSync(xcoreFile)));
    expect(xcoreFileProblems(model)).toEqual([]);
    // Without a dataset in its provenance the CLI says how to calibrate instead.
    const bare = join(dir, 'bare.bnn');
    writeFileSync(bare, writeBnn(lower(quick, randomWeights(quick, 2)), {}));
    const xb = await cli(['export', bare, '--target', 'tflite-xcore', '--out', xcoreFile]);
    expect(xb.code).not.toBe(0);
    expect(xb.out).toMatch(/names no dataset.*bnn-studio export <run-id> --target tflite-xcore/);

    const zip = join(dir, 'stm32l4.zip');
    const fw = await cli(['export', bnn, '--target', 'stm32l4', '--out', zip, '--json']);
    expect(fw.code, fw.out).toBe(0);
    expect(existsSync(zip)).toBe(true);

    const verify = await cli(['verify', zip, '--json']);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.json).toMatchObject({ passed: true });

    const missing = await cli([
      'export',
      'run_does_not_exist',
      '--target',
      'bnn',
      '--out',
      join(dir, 'x.bnn'),
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toMatch(/run_does_not_exist/);
  }, 600_000);

  it('train --distill-from float-twin trains the float twin first, then reuses it; a bad teacher is refused', async () => {
    const graphFile = join(dir, 'tiny.json');
    writeFileSync(graphFile, JSON.stringify(getPreset('mnist-tiny')));
    const args = [
      'train',
      graphFile,
      '--epochs',
      '1',
      '--limit',
      '128',
      '--seed',
      '5',
      '--distill-from',
      'float-twin',
    ];
    const first = await cli([...args, '--alpha', '0.7', '--json']);
    expect(first.code, first.out).toBe(0);
    const d = first.json.distillation as {
      teacher: { id: string; floatTwin: boolean; finalAccuracy: number };
    };
    expect(d.teacher).toMatchObject({
      floatTwin: true,
      status: 'completed',
      finalAccuracy: expect.any(Number),
    });
    expect(first.json.distillation).toMatchObject({ alpha: 0.7 });
    const second = await cli([...args]);
    expect(second.code, second.out).toBe(0);
    expect(second.out).not.toMatch(/training it first/);
    expect(second.out).toContain(`Distilled from run ${d.teacher.id}`);
    const bad = await cli([
      'train',
      graphFile,
      '--epochs',
      '1',
      '--limit',
      '128',
      '--distill-from',
      'run_nope',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/Teacher run 'run_nope' does not exist.*float-twin/);
  }, 600_000);

  it('datasets add fashion-mnist registers the Debian dataset, or prints the one apt command', async () => {
    const add = await cli(['datasets', 'add', 'fashion-mnist', '--json']);
    if (existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz')) {
      expect(add.code, add.out).toBe(0);
      expect(add.json).toMatchObject({
        dataset: 'fashion-mnist',
        installed: true,
        train: 60000,
        test: 10000,
      });
    }
    const missing = await cli(['datasets', 'add', 'fashion-mnist'], {
      BNN_FASHION_MNIST_DIR: join(dir, 'none'),
    });
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('sudo apt-get install -y dataset-fashion-mnist');
    const unknown = await cli(['datasets', 'add', 'cifar10']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.out).toMatch(/'cifar10' is not a built-in dataset.*fashion-mnist/);
  }, 120_000);
});
