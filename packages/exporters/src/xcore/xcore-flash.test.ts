// The xcore bundle's top-level Makefile: `make run` (xrun) and `make flash` (xflash) say what to install when the
// XMOS tools are missing, and the README documents both.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getPreset, lower, randomWeights } from '@bnn-studio/bnn-core';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { unpackZip } from '../stm32/verify.js';
import { buildXcoreBundle } from './bundle.js';

describe('xcore.ai bundle: run and flash', () => {
  it('has make run / make flash calling xrun / xflash, with install hints when they are missing', async () => {
    const graph = getPreset('quicknet-28');
    const { zip } = await buildXcoreBundle(lower(graph, randomWeights(graph, 2)), { goldenCount: 1 });
    const files = unzipSync(zip);
    const readme = strFromU8(files[Object.keys(files).find((p) => p.endsWith('/README.md'))!]!);
    expect(readme).toContain('xrun --io app/bin/app_bnn_xcore.xe');
    expect(readme).toContain('xflash app/bin/app_bnn_xcore.xe');
    const dir = mkdtempSync(join(tmpdir(), 'bnn-xflash-'));
    try {
      const root = unpackZip(zip, dir);
      // Pretend the model was converted, so the targets reach their tool check.
      writeFileSync(join(root, 'app/src/model.tflite.cpp'), '// converted\n');
      const env = { PATH: '/usr/bin:/bin' };
      for (const [target, tool] of [
        ['run', 'xmake'],
        ['flash', 'xmake'],
      ] as const) {
        const r = spawnSync('make', [target], { cwd: root, env });
        expect(r.status, target).not.toBe(0);
        expect(r.stdout.toString()).toContain(`'${tool}' is not installed or not on PATH`);
        expect(r.stdout.toString()).toContain('XMOS XTC Tools 15');
      }
      const dry = spawnSync('make', ['-n', 'run', 'flash', 'XMAKE=true'], { cwd: root, env });
      expect(dry.stdout.toString()).toContain('xrun --io app/bin/app_bnn_xcore.xe');
      expect(dry.stdout.toString()).toContain('xflash app/bin/app_bnn_xcore.xe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
