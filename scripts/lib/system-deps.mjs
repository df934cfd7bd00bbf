// Debian packages the test suite needs. Installed with apt-get when running as root; otherwise we stop with the
// exact command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { run } from './run.mjs';

export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'gcc-arm-none-eabi', present: () => onPath('arm-none-eabi-gcc') },
  { pkg: 'libnewlib-arm-none-eabi', present: () => dpkgInstalled('libnewlib-arm-none-eabi') },
  { pkg: 'qemu-system-arm', present: () => onPath('qemu-system-arm') },
  { pkg: 'postgresql', present: () => findPostgresBin() !== null },
  // The firmware tests also build bundles on the host (sanitizers), with make and CMake, and unpack zips.
  { pkg: 'gcc', present: () => onPath('gcc') },
  { pkg: 'make', present: () => onPath('make') },
  { pkg: 'cmake', present: () => onPath('cmake') },
  { pkg: 'unzip', present: () => onPath('unzip') },
  // The full Fashion-MNIST (60,000 + 10,000 IDX files): bnn-core's loader test and the studio's second built-in
  // dataset read /usr/share/datasets/fashion-mnist.
  {
    pkg: 'dataset-fashion-mnist',
    present: () => existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'),
  },
  // The .tflite tests read every written file back through flatc with the TFLite schema (an independent reader).
  { pkg: 'flatbuffers-compiler', present: () => onPath('flatc') },
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

/** Directory holding initdb/pg_ctl/postgres of the newest installed PostgreSQL, or null. */
export function findPostgresBin() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(`${base}/${v}/bin/initdb`) && existsSync(`${base}/${v}/bin/pg_ctl`))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? `${base}/${versions[0]}/bin` : null;
}

export async function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(
      `Missing Debian packages: ${missing.join(', ')}.\nInstall them, then run npm test again:\n  sudo ${command}`,
    );
    process.exit(1);
  }
  console.log(`> Installing Debian packages: ${missing.join(', ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let code = await run('apt-get', ['update'], { env });
  if (code === 0)
    code = await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  const still = SYSTEM_PACKAGES.filter((p) => !p.present()).map((p) => p.pkg);
  if (code !== 0 || still.length > 0) {
    console.error(
      `Installing Debian packages failed (still missing: ${still.join(', ') || 'none'}). Run:\n  ${command}`,
    );
    process.exit(1);
  }
}
