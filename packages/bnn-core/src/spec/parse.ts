import { graphSpecSchema } from './graph-schema.js';
import { GRAPH_FORMAT, type GraphSpec } from './graph-types.js';
import { type GraphIssue, makeIssue } from './issues.js';
import { GRAPH_MIGRATIONS, type GraphMigration, migrateDocument } from './migrations.js';

export type ParseGraphResult =
  | { ok: true; graph: GraphSpec; migrated: string[] }
  | { ok: false; issues: GraphIssue[] };

/**
 * Reads a graph document (parsed JSON or a JSON string): migrates older versions step by step, then checks it
 * against the schema. Returns every schema problem at once, never throws. The returned graph equals the input
 * (same keys, same order) when no migration ran, so `JSON.stringify` round-trips exactly. Semantic checks
 * (cycles, shapes, params) are `validateGraph`'s job.
 */
export function parseGraph(json: unknown, migrations: GraphMigration[] = GRAPH_MIGRATIONS): ParseGraphResult {
  let doc = json;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      return fail(
        'schema',
        `graph document: not valid JSON (${(e as Error).message})`,
        'Check the file is a graph JSON.',
      );
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail(
      'schema',
      'graph document: expected a JSON object',
      'Load a graph JSON object ({ "format": ... }).',
    );
  }
  const record = doc as Record<string, unknown>;
  if (record.format !== GRAPH_FORMAT) {
    return fail(
      'schema',
      `graph document: 'format' must be "${GRAPH_FORMAT}", got ${JSON.stringify(record.format)}`,
      `Set "format": "${GRAPH_FORMAT}"; is this file a BNN Studio graph?`,
      'format',
    );
  }
  const migrated = migrateDocument(record, migrations);
  if (!migrated.ok) return fail('version', migrated.message, migrated.fix, 'version');

  const parsed = graphSpecSchema.safeParse(migrated.doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((zi) => {
      const field = zi.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '');
      const where: { nodeId?: string; edgeId?: string; field: string } = { field };
      const [head, index] = zi.path;
      if (typeof index === 'number') {
        const list = (migrated.doc as { nodes?: unknown; edges?: unknown })[
          head === 'nodes' ? 'nodes' : 'edges'
        ];
        const item = Array.isArray(list) ? (list[index] as { id?: unknown } | undefined) : undefined;
        if (head === 'nodes' && typeof item?.id === 'string') where.nodeId = item.id;
        if (head === 'edges' && typeof item?.id === 'string') where.edgeId = item.id;
      }
      return makeIssue(
        'schema',
        where,
        `graph document: ${field || 'document'}: ${zi.message}`,
        schemaFix(zi.code),
      );
    });
    return { ok: false, issues };
  }
  // Same content as the (strictly validated) input; keep its key order by returning a clone of it.
  return {
    ok: true,
    graph: structuredClone(migrated.doc) as unknown as GraphSpec,
    migrated: migrated.applied,
  };
}

function schemaFix(code: string): string {
  switch (code) {
    case 'unrecognized_keys':
      return 'Remove the unknown key (graph documents are strict so they round-trip exactly).';
    case 'invalid_type':
      return 'Give the field a value of the expected type.';
    default:
      return 'Correct the field as the message says.';
  }
}

function fail(code: 'schema' | 'version', message: string, fix: string, field?: string): ParseGraphResult {
  return { ok: false, issues: [makeIssue(code, field ? { field } : {}, message, fix)] };
}
