// Prisma's WASM schema engine: migration SQL (`diff`) and `applyMigrations` for both providers, through the same
// driver adapters the app uses. The package's JS entry imports the .wasm as an ES module (which Node cannot do),
// so we instantiate the bytes ourselves with its `schema_engine_bg` glue.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

interface EngineModule {
  SchemaEngine: {
    new: (
      options: { datamodels: [string, string][] | undefined },
      log: (msg: string) => void,
      adapter: object,
    ) => Promise<SchemaEngine>;
  };
}

export interface SchemaEngine {
  applyMigrations(input: {
    migrationsList: MigrationList;
    filters: SchemaFilter;
  }): Promise<{ appliedMigrationNames: string[] }>;
  diff(params: {
    from: DiffTarget;
    to: DiffTarget;
    script: boolean;
    exitCode: boolean | null;
    filters: SchemaFilter;
  }): Promise<{ exitCode: number; stdout: string | null }>;
  free(): void;
}

interface SchemaFilter {
  externalTables: string[];
  externalEnums: string[];
}
export interface MigrationList {
  baseDir: string;
  lockfile: { path: string; content: string | null };
  shadowDbInitScript: string;
  migrationDirectories: {
    path: string;
    migrationFile: { path: string; content: { tag: 'ok'; value: string } };
  }[];
}
export type DiffTarget =
  | { tag: 'empty' }
  | { tag: 'schemaDatamodel'; files: { path: string; content: string }[] }
  | ({ tag: 'migrations' } & MigrationList);

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

let modulePromise: Promise<EngineModule> | undefined;

async function loadEngineModule(): Promise<EngineModule> {
  const pkgDir = dirname(require.resolve('@prisma/schema-engine-wasm'));
  const glue = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & {
    __wbg_set_wasm(exports: unknown): void;
  };
  const bytes = readFileSync(join(pkgDir, 'schema_engine_bg.wasm'));
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return glue;
}

export async function openSchemaEngine(
  adapter: SqlMigrationAwareDriverAdapterFactory,
  datamodel?: { path: string; content: string },
): Promise<SchemaEngine> {
  modulePromise ??= loadEngineModule();
  const mod = await modulePromise;
  const datamodels: [string, string][] | undefined = datamodel
    ? [[datamodel.path, datamodel.content]]
    : undefined;
  return mod.SchemaEngine.new({ datamodels }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter));
}

/** Reads a Prisma migrations folder (`<dir>/<name>/migration.sql` + `migration_lock.toml`). */
export function readMigrations(dir: string): MigrationList {
  const lockPath = join(dir, 'migration_lock.toml');
  const names = existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir: dir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(dir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}
