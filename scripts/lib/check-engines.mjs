// Install contract: no installed dependency may declare an `engines.node` range that excludes the Node.js this
// project runs on. npm only warns (EBADENGINE) and installs anyway, and such packages fail at run time in ways
// that are hard to trace (better-sqlite3 13 on Node 20 segfaults), so the test command fails on them instead.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './run.mjs';

/** Lock-file entries whose engines.node range excludes `nodeVersion`: `[{ path, version, range }]`. */
export function enginesExcluding(nodeVersion = process.version) {
  const require = createRequire(join(repoRoot, 'package.json'));
  const semver = require('semver');
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
  const bad = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const range = entry.engines?.node;
    if (typeof range !== 'string' || !path) continue;
    if (!semver.satisfies(nodeVersion, range, { includePrerelease: true })) {
      bad.push({ path, version: entry.version, range });
    }
  }
  return bad;
}

/** Prints each offender and returns false when any dependency excludes the running Node.js. */
export function checkEngines() {
  const bad = enginesExcluding();
  for (const b of bad) {
    console.error(
      `${b.path}@${b.version} requires node ${b.range}, but this project runs ${process.version}: pin a version that supports it (package.json "overrides" or the dependent's version) and commit the lock file.`,
    );
  }
  if (bad.length === 0) console.log(`Every locked dependency accepts node ${process.version}.`);
  return bad.length === 0;
}
