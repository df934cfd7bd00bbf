import type { GraphNode, ParamValue } from '../spec/graph-types.js';
import { type GraphIssue, makeIssue } from '../spec/issues.js';
import { getConstraintDef, hasConstraintDef, listConstraintDefs } from './constraints.js';
import { getParamDef, type LayerDef } from './layers.js';
import type { ParamDef } from './param-def.js';
import { getQuantizerDef, hasQuantizerDef, listQuantizerDefs } from './quantizers.js';

/** Checks a node's params against its layer definition; pushes every problem found. */
export function checkNodeParams(node: GraphNode, def: LayerDef, out: GraphIssue[]): void {
  for (const name in node.params) {
    const value = node.params[name]!;
    const p = getParamDef(def, name);
    if (!p) {
      const list = def.params.map((q) => q.name).join(', ') || 'none';
      out.push(
        makeIssue(
          'unknown_param',
          { nodeId: node.id, field: name },
          `${def.type} '${node.id}': unknown param '${name}'`,
          `Remove '${name}'. ${def.type} params: ${list}.`,
        ),
      );
      continue;
    }
    checkValue(node.id, `${def.type} '${node.id}'`, p, value, name, out);
  }
}

/** The message prefix naming the node (none for a field checked on its own). */
const at = (where: string) => (where ? `${where}: ` : '');

/**
 * Checks one param value against its ParamDef (type, integer, range, arity, known quantizer/constraint and its
 * options): the issues found, empty when the value is acceptable. The studio's properties panel shows these as
 * the user types; `validateGraph` reports the same checks for whole nodes.
 */
export function checkParamValue(p: ParamDef, value: ParamValue, field: string = p.name): GraphIssue[] {
  const out: GraphIssue[] = [];
  checkValue('', '', p, value, field, out);
  return out;
}

function describeRange(p: ParamDef): string {
  if (p.options) return `one of ${p.options.map((o) => JSON.stringify(o)).join(', ')}`;
  if (p.min !== undefined && p.max !== undefined) return `between ${p.min} and ${p.max}`;
  if (p.min !== undefined) return `at least ${p.min}`;
  if (p.max !== undefined) return `at most ${p.max}`;
  return 'a finite number';
}

function typeIssue(
  nodeId: string,
  where: string,
  field: string,
  p: ParamDef,
  value: ParamValue,
  expected: string,
) {
  return makeIssue(
    'param_type',
    { nodeId, field },
    `${at(where)}'${field}' must be ${expected}, got ${JSON.stringify(value)}`,
    `Set '${field}' to ${expected}${p.nullable ? ' or null' : ''} (default ${JSON.stringify(p.default)}).`,
  );
}

function rangeIssue(nodeId: string, where: string, field: string, p: ParamDef, value: ParamValue) {
  return makeIssue(
    'param_range',
    { nodeId, field },
    `${at(where)}'${field}' = ${JSON.stringify(value)} is out of range (must be ${describeRange(p)})`,
    `Set '${field}' ${describeRange(p)} (default ${JSON.stringify(p.default)}).`,
  );
}

const inRange = (p: ParamDef, n: number) =>
  (p.min === undefined || n >= p.min) && (p.max === undefined || n <= p.max);

function checkValue(
  nodeId: string,
  where: string,
  p: ParamDef,
  value: ParamValue,
  field: string,
  out: GraphIssue[],
) {
  if (value === null) {
    if (!p.nullable) out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
    return;
  }
  switch (p.kind) {
    case 'int':
    case 'float': {
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (p.kind === 'float' || Number.isInteger(value));
      if (!ok) out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
      else if (!inRange(p, value as number)) out.push(rangeIssue(nodeId, where, field, p, value));
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') out.push(typeIssue(nodeId, where, field, p, value, 'true or false'));
      return;
    case 'enum':
      if (!p.options?.includes(value as string | number))
        out.push(rangeIssue(nodeId, where, field, p, value));
      return;
    case 'intPair': {
      const pair = typeof value === 'number' ? [value, value] : value;
      if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((n) => Number.isInteger(n))) {
        out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
      } else if (!pair.every((n) => inRange(p, n))) out.push(rangeIssue(nodeId, where, field, p, value));
      return;
    }
    case 'floatPair': {
      if (!Array.isArray(value) || value.length !== 2 || !value.every((n) => Number.isFinite(n))) {
        out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
      } else if (!(value[0]! < value[1]!) || !value.every((n) => inRange(p, n))) {
        out.push(
          makeIssue(
            'param_range',
            { nodeId, field },
            `${at(where)}'${field}' = ${JSON.stringify(value)} must be [low, high] with low < high`,
            `Set '${field}' to the data's [min, max], e.g. [0, 1] or [0, 255].`,
          ),
        );
      }
      return;
    }
    case 'shape': {
      if (!Array.isArray(value) || value.length === 0 || !value.every((n) => Number.isInteger(n))) {
        out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
      } else if (!value.every((n) => inRange(p, n))) out.push(rangeIssue(nodeId, where, field, p, value));
      return;
    }
    case 'normalization': {
      const v = value as Record<string, ParamValue>;
      const ok =
        typeof v === 'object' &&
        !Array.isArray(v) &&
        typeof v.mean === 'number' &&
        typeof v.std === 'number' &&
        Object.keys(v).length === 2;
      if (!ok) out.push(typeIssue(nodeId, where, field, p, value, '{ "mean": number, "std": number }'));
      else if (!((v.std as number) > 0))
        out.push(
          makeIssue(
            'param_range',
            { nodeId, field },
            `${at(where)}normalization std must be > 0, got ${v.std}`,
            'Set std to the (positive) standard deviation of the data.',
          ),
        );
      return;
    }
    case 'quantizer':
    case 'constraint':
      checkRef(nodeId, where, p, value, field, out);
      return;
  }
}

function expectedOf(p: ParamDef): string {
  switch (p.kind) {
    case 'int':
      return `an integer ${describeRange(p)}`;
    case 'float':
      return `a number ${describeRange(p)}`;
    case 'intPair':
      return 'an integer or a pair of integers [a, b]';
    case 'floatPair':
      return 'a pair of numbers [low, high]';
    case 'shape':
      return 'a non-empty list of positive integers';
    case 'quantizer':
      return 'a quantizer reference { "id": ..., "config": {...} }';
    case 'constraint':
      return 'a constraint reference { "id": ..., "config": {...} }';
    default:
      return describeRange(p);
  }
}

function checkRef(
  nodeId: string,
  where: string,
  p: ParamDef,
  value: ParamValue,
  field: string,
  out: GraphIssue[],
) {
  const isQ = p.kind === 'quantizer';
  const v = (typeof value === 'string' ? { id: value } : value) as Record<string, ParamValue>;
  if (typeof v !== 'object' || Array.isArray(v) || typeof v.id !== 'string') {
    out.push(typeIssue(nodeId, where, field, p, value, expectedOf(p)));
    return;
  }
  for (const k of Object.keys(v)) {
    if (k !== 'id' && k !== 'config') {
      out.push(
        makeIssue(
          'quantizer_config',
          { nodeId, field },
          `${at(where)}'${field}' has unknown key '${k}'`,
          `Put options inside "config": { "${k}": ... }.`,
        ),
      );
    }
  }
  const known = isQ ? hasQuantizerDef(v.id) : hasConstraintDef(v.id);
  if (!known) {
    const ids = (isQ ? listQuantizerDefs() : listConstraintDefs()).map((d) => d.id).join(', ');
    out.push(
      makeIssue(
        isQ ? 'unknown_quantizer' : 'unknown_constraint',
        { nodeId, field },
        `${at(where)}'${field}' names unknown ${isQ ? 'quantizer' : 'constraint'} '${v.id}'`,
        `Use one of: ${ids}${p.nullable ? ', or null for none' : ''}.`,
      ),
    );
    return;
  }
  const def = isQ ? getQuantizerDef(v.id) : getConstraintDef(v.id);
  const config = v.config;
  if (config === undefined) return;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    out.push(typeIssue(nodeId, where, `${field}.config`, p, config, 'an object of options'));
    return;
  }
  const cfgDefs = new Map(def.config.map((c) => [c.name, c]));
  for (const [k, cv] of Object.entries(config as Record<string, ParamValue>)) {
    const cd = cfgDefs.get(k);
    if (!cd) {
      const names = def.config.map((c) => c.name).join(', ') || 'none';
      out.push(
        makeIssue(
          'quantizer_config',
          { nodeId, field: `${field}.config.${k}` },
          `${at(where)}${def.id} has no option '${k}'`,
          `Remove '${k}'. ${def.id} options: ${names}.`,
        ),
      );
      continue;
    }
    const before = out.length;
    checkValue(nodeId, where, cd, cv, `${field}.config.${k}`, out);
    for (let i = before; i < out.length; i++) out[i]!.code = 'quantizer_config';
  }
}
