// Writes one schema.prisma per provider from models.prisma (Prisma fixes the provider per schema).
// Usage: node prisma/generate-schemas.mjs   (run by `npm run build -w @bnn-studio/api`)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PROVIDERS = ['sqlite', 'postgresql'];
export const providerDir = (provider) => join(here, provider === 'sqlite' ? 'sqlite' : 'postgres');

export function schemaFor(provider) {
  const models = readFileSync(join(here, 'models.prisma'), 'utf8');
  const clientDir = provider === 'sqlite' ? 'sqlite' : 'postgres';
  return `// GENERATED from prisma/models.prisma by prisma/generate-schemas.mjs. Do not edit.
generator client {
  provider               = "prisma-client"
  output                 = "../../apps/api/src/generated/${clientDir}"
  runtime                = "nodejs"
  moduleFormat           = "esm"
  importFileExtension    = "js"
  generatedFileExtension = "ts"
}

datasource db {
  provider = "${provider}"
}

${models}`;
}

export function writeSchemas() {
  for (const provider of PROVIDERS) {
    const dir = providerDir(provider);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'schema.prisma');
    const text = schemaFor(provider);
    let old = '';
    try {
      old = readFileSync(file, 'utf8');
    } catch {}
    if (old !== text) writeFileSync(file, text);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeSchemas();
