import { GRAPH_VERSION } from './graph-types.js';

/**
 * Step-by-step migrations of the graph document. Each step takes a document of version `from` to `from + 1`;
 * `migrateDocument` applies them in order and reports a gap instead of skipping it. Version 1 is the first
 * released version, so the list is empty today; add `{ from: 1, ... }` when version 2 ships.
 */
export interface GraphMigration {
  from: number;
  description: string;
  up(doc: Record<string, unknown>): Record<string, unknown>;
}

export const GRAPH_MIGRATIONS: GraphMigration[] = [];

export type MigrationResult =
  | { ok: true; doc: Record<string, unknown>; applied: string[] }
  | { ok: false; message: string; fix: string };

/** Checks that the migrations form one gap-free chain ending at `current`. Returns the problem or null. */
export function checkMigrationChain(migrations: GraphMigration[], current: number): string | null {
  const froms = migrations.map((m) => m.from).sort((a, b) => a - b);
  for (let i = 0; i < froms.length; i++) {
    if (i > 0 && froms[i] === froms[i - 1]) return `two migrations start at version ${froms[i]}`;
    if (i > 0 && froms[i] !== froms[i - 1]! + 1)
      return `no migration from version ${froms[i - 1]! + 1} (gap before ${froms[i]})`;
  }
  if (froms.length > 0 && froms[froms.length - 1]! + 1 !== current)
    return `the last migration ends at version ${froms[froms.length - 1]! + 1}, not ${current}`;
  return null;
}

export function migrateDocument(
  doc: Record<string, unknown>,
  migrations: GraphMigration[] = GRAPH_MIGRATIONS,
  current: number = GRAPH_VERSION,
): MigrationResult {
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return {
      ok: false,
      message: `graph document: 'version' must be a whole number, got ${JSON.stringify(version)}`,
      fix: `Set "version": ${current} (the current graph format version).`,
    };
  }
  if (version > current) {
    return {
      ok: false,
      message: `graph document: version ${version} is newer than this app supports (${current})`,
      fix: 'Update BNN Studio, or re-export the graph from the version that wrote it.',
    };
  }
  const chainProblem = checkMigrationChain(migrations, current);
  if (chainProblem) {
    return {
      ok: false,
      message: `graph migrations: ${chainProblem}`,
      fix: 'This is a bug in BNN Studio; report it.',
    };
  }
  let out = doc;
  const applied: string[] = [];
  for (let v = version; v < current; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) {
      return {
        ok: false,
        message: `graph document: version ${version} is too old; no migration from version ${v}`,
        fix: `Recreate the graph, or convert it by hand to version ${current}.`,
      };
    }
    out = { ...step.up(out), version: v + 1 };
    applied.push(`${v}→${v + 1}: ${step.description}`);
  }
  return { ok: true, doc: out, applied };
}
