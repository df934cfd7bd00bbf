// Build step: write both provider schemas from prisma/models.prisma and generate one Prisma client per provider
// into src/generated/{sqlite,postgres}. Skips work when the schema is unchanged since the last generation.
// Prisma 7's CLI wants a schema-engine binary it would download; `generate` never runs it, so any existing file
// will do (PRISMA_SCHEMA_ENGINE_BINARY) — migrations use the WASM schema engine instead.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const apiRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(apiRoot, '..', '..');
const { writeSchemas, providerDir } = await import(join(repoRoot, 'prisma', 'generate-schemas.mjs'));
writeSchemas();

const require = createRequire(import.meta.url);
const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
const prismaVersion = JSON.parse(readFileSync(require.resolve('prisma/package.json'), 'utf8')).version;

for (const [provider, out] of [
  ['sqlite', 'sqlite'],
  ['postgresql', 'postgres'],
]) {
  const schema = join(providerDir(provider), 'schema.prisma');
  const stampFile = join(apiRoot, 'src', 'generated', out, '.schema-hash');
  const hash = createHash('sha256').update(readFileSync(schema)).update(prismaVersion).digest('hex');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) continue;
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: repoRoot,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  writeFileSync(stampFile, hash);
  console.log(`prisma: generated ${provider} client`);
}
