// `bnn-studio import` and `bnn-studio predict` as a script uses them (`--json`: the last stdout line is one JSON
// object): an LCE-layout .tflite in, a run id out; int8 samples in, int8 outputs out; refusals named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lceInt8Bnn } from '../../../../packages/exporters/src/tflite/import/lce-fixtures.js';
import { lastJsonLine, runCli } from '../test/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bnn-cli-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(
  args: string[],
): Promise<{ code: number | null; stdout: string; json: Record<string, unknown> }> {
  const r = await runCli(args, join(dir, 'data'));
  return { code: r.code, stdout: r.stdout + r.stderr, json: lastJsonLine(r.stdout) };
}

describe('bnn-studio import / predict', () => {
  it('imports an int8 BNN and predicts int8 samples; refuses an int8 softmax by operator', async () => {
    const file = join(dir, 'bnn.tflite');
    writeFileSync(file, lceInt8Bnn(7, false).bytes);
    const imp = await cli(['import', file, '--name', 'my larq model', '--json']);
    expect(imp.code, imp.stdout).toBe(0);
    expect(imp.json).toEqual({
      runId: expect.stringMatching(/^run_/),
      architectureVersionId: expect.stringMatching(/^arv_/),
      operators: 10,
      refused: [],
    });
    const input = join(dir, 'in.json');
    const samples = [0, 1].map((s) => Array.from({ length: 192 }, (_, i) => ((i * 31 + s * 7) % 256) - 128));
    writeFileSync(input, JSON.stringify({ inputs: samples }));
    const pred = await cli(['predict', String(imp.json.runId), '--input', input, '--json']);
    expect(pred.code, pred.stdout).toBe(0);
    const outputs = pred.json.outputs as number[][];
    expect(outputs).toHaveLength(2);
    for (const o of outputs) {
      expect(o).toHaveLength(10);
      for (const v of o) expect(Number.isInteger(v) && v >= -128 && v <= 127).toBe(true);
    }
    writeFileSync(input, JSON.stringify({ inputs: [[0.5, 200]] }));
    const bad = await cli(['predict', String(imp.json.runId), '--input', input]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('192 integers in −128…127 per sample');

    const soft = join(dir, 'softmax.tflite');
    writeFileSync(soft, lceInt8Bnn(7, true).bytes);
    // int8 SOFTMAX imports exactly by default (routes/imports.test.ts); --int8-softmax refuse refuses it by operator.
    const refused = await cli(['import', soft, '--int8-softmax', 'refuse', '--json']);
    expect(refused.code).toBe(1);
    expect(refused.json.refused).toEqual([expect.objectContaining({ operatorIndex: 10, op: 'SOFTMAX' })]);
    expect(refused.stdout).toContain('operator 10 (SOFTMAX)');
  });
});
