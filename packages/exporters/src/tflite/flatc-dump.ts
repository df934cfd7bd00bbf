/**
 * Test helper: dumps a .tflite to JSON with Debian's flatc and our TFLite schema subset, an independent
 * reader to cross-check ./read-tflite.ts and the writer.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TFLITE_SCHEMA_PATH = fileURLToPath(new URL('./schema/tflite-subset.fbs', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: flatc's JSON is checked field by field in tests.
export function flatcDump(bytes: Uint8Array): any {
  const dir = mkdtempSync(join(tmpdir(), 'bnn-tflite-'));
  try {
    const file = join(dir, 'model.tflite');
    writeFileSync(file, bytes);
    execFileSync('flatc', [
      '--json',
      '--strict-json',
      '--raw-binary',
      '-o',
      dir,
      TFLITE_SCHEMA_PATH,
      '--',
      file,
    ]);
    return JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
