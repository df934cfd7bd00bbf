import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, lower, randomWeights } from '@bnn-studio/bnn-core';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ExportRefusedError } from '../errors.js';
import { unpackZip } from '../stm32/verify.js';
import { readTflite } from '../tflite/read-tflite.js';
import { buildXcoreBundle } from './bundle.js';

const TIMEOUT = 300_000;

function quicknet28() {
  const graph = getPreset('quicknet-28');
  return lower(graph, randomWeights(graph, 3));
}

describe('xcore.ai bundle', () => {
  it(
    'holds the xcore .tflite, convert.sh, the XCommon CMake app and the portable runtime, which passes bit-exact on the host',
    async () => {
      const { zip, manifest } = await buildXcoreBundle(quicknet28(), { goldenCount: 2 });
      const files = unzipSync(zip);
      const rel = (p: string) => p.split('/').slice(1).join('/');
      const byRel = new Map(Object.entries(files).map(([p, d]) => [rel(p), d]));
      for (const f of [
        'model/model.tflite',
        'convert.sh',
        'app/CMakeLists.txt',
        'app/src/main.c',
        'app/src/golden.h',
        'portable/Makefile',
        'portable/CMakeLists.txt',
        'portable/src/bnn_model.c',
        'portable/src/bnn_runtime.c',
        'manifest.json',
        'README.md',
      ]) {
        expect(byRel.has(f), f).toBe(true);
      }
      // the model is the xcore-profile .tflite, readable through the schema, with LCE binary convs
      const view = readTflite(byRel.get('model/model.tflite')!);
      expect(view.operatorCodes.map((c) => c.customCode)).toContain('LceBconv2d');
      expect(view.operatorCodes.map((c) => c.customCode)).not.toContain('LceDequantize');
      expect(manifest.tflite.io.input.type).toBe('int8');
      const cmake = strFromU8(byRel.get('app/CMakeLists.txt')!);
      expect(cmake).toContain('set(APP_HW_TARGET XCORE-AI-EXPLORER)');
      const main = strFromU8(byRel.get('app/src/main.c')!);
      expect(main).toMatch(/model_init\(NULL\)/);
      expect(main).toMatch(/model_invoke\(\)/);
      const readme = strFromU8(byRel.get('README.md')!);
      expect(readme).toContain('Not verified here');
      expect(manifest.verified.needsXmosTools.length).toBeGreaterThan(0);

      const dir = mkdtempSync(join(tmpdir(), 'bnn-xcore-'));
      try {
        const root = unpackZip(zip, dir);
        execFileSync('bash', ['-n', join(root, 'convert.sh')]);
        // convert.sh says what to install when xformer is missing
        const convert = (() => {
          try {
            execFileSync('bash', [join(root, 'convert.sh')], {
              stdio: 'pipe',
              env: { PATH: '/usr/bin:/bin' },
            });
            return '';
          } catch (e) {
            return String((e as { stderr?: Buffer }).stderr ?? '');
          }
        })();
        expect(convert).toContain('pip install xmos-ai-tools');
        const out = execFileSync('make', ['host-test'], { cwd: join(root, 'portable'), encoding: 'utf8' });
        expect(out).toMatch(/^PASS$/m);
        expect(out).toMatch(/vector 1: 0 mismatching values/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'keeps convert.sh executable in the zip',
    async () => {
      const { zip } = await buildXcoreBundle(quicknet28(), { goldenCount: 1 });
      const dir = mkdtempSync(join(tmpdir(), 'bnn-xcore-x-'));
      try {
        const zipPath = join(dir, 'b.zip');
        writeFileSync(zipPath, zip);
        execFileSync('unzip', ['-q', zipPath, '-d', dir]);
        const name = Object.keys(unzipSync(zip))[0]!.split('/')[0]!;
        expect(statSync(join(dir, name, 'convert.sh')).mode & 0o111).not.toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    'refuses a model the xcore profile cannot express, naming the layer and the rule',
    async () => {
      const graph = getPreset('larq-mnist');
      const deploy = lower(graph, randomWeights(graph, 1));
      const err = await buildXcoreBundle(deploy, { goldenCount: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportRefusedError);
      expect((err as ExportRefusedError).rule).toMatch(/^xcore\./);
      expect((err as ExportRefusedError).nodeId).not.toBe('');
    },
    TIMEOUT,
  );
});
