import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('./scripts/build-wasm.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
}
