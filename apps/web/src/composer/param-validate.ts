/**
 * Field-level checks of a param value against its ParamDef (range, integer, arity), so the properties panel can
 * say what is wrong as the user types. The graph-level checks (shapes, combinations) come from validateGraph.
 */
import type { ParamDef, ParamValue } from '@bnn-studio/bnn-core';

function checkNumber(def: ParamDef, v: unknown, integer: boolean, what: string): string | null {
  if (typeof v !== 'number' || Number.isNaN(v)) return `${what} must be a number.`;
  if (integer && !Number.isInteger(v)) return `${what} must be a whole number.`;
  if (def.min !== undefined && v < def.min) return `${what} must be at least ${def.min} (got ${v}).`;
  if (def.max !== undefined && v > def.max) return `${what} must be at most ${def.max} (got ${v}).`;
  return null;
}

/** null when the value is acceptable for its def, else a sentence naming the problem. */
export function checkParam(def: ParamDef, value: ParamValue | undefined): string | null {
  if (value === undefined) return null; // the default applies
  if (value === null) return def.nullable ? null : `${def.name} is required.`;
  switch (def.kind) {
    case 'int':
      return checkNumber(def, value, true, def.name);
    case 'float':
      return checkNumber(def, value, false, def.name);
    case 'bool':
      return typeof value === 'boolean' ? null : `${def.name} must be true or false.`;
    case 'enum':
      return def.options?.some((o) => o === value)
        ? null
        : `${def.name} must be one of ${(def.options ?? []).join(', ')}.`;
    case 'intPair':
    case 'floatPair': {
      const arr = typeof value === 'number' && def.kind === 'intPair' ? [value, value] : value;
      if (!Array.isArray(arr) || arr.length !== 2) return `${def.name} needs two values.`;
      for (const [i, v] of arr.entries()) {
        const err = checkNumber(def, v, def.kind === 'intPair', `${def.name}[${i}]`);
        if (err) return err;
      }
      return null;
    }
    case 'shape': {
      if (!Array.isArray(value) || value.length === 0) return `${def.name} needs at least one dimension.`;
      for (const [i, v] of value.entries()) {
        const err = checkNumber(def, v, true, `${def.name}[${i}]`);
        if (err) return err;
      }
      return null;
    }
    case 'quantizer':
    case 'constraint':
      return typeof value === 'object' &&
        !Array.isArray(value) &&
        typeof (value as { id?: unknown }).id === 'string'
        ? null
        : `${def.name} must name a ${def.kind}.`;
    case 'normalization': {
      const n = value as { mean?: unknown; std?: unknown };
      if (typeof n !== 'object' || typeof n.mean !== 'number' || typeof n.std !== 'number')
        return `${def.name} needs a mean and a std.`;
      if (n.std <= 0) return `${def.name}.std must be positive.`;
      return null;
    }
    default:
      return null;
  }
}

/** Parses a comma/×-separated list typed by the user ("28, 28, 1" or "28x28x1"). */
export function parseNumberList(text: string): number[] | null {
  const parts = text
    .split(/[\s,×x]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  const nums = parts.map(Number);
  return nums.some((n) => Number.isNaN(n)) ? null : nums;
}
