import type { ParamValue } from '../spec/graph-types.js';

/**
 * How a parameter is edited and validated.
 * - `int`, `float`, `bool`, `enum`: scalars (`enum` values are listed in `options`).
 * - `intPair`: `[a, b]` of integers (Keras also accepts one int `n`, meaning `[n, n]`).
 * - `floatPair`: `[lo, hi]` of numbers (e.g. the Input's value range).
 * - `shape`: a list of positive integers (e.g. `target_shape`).
 * - `quantizer` / `constraint`: a `{ id, config }` reference into the quantizer / constraint registry, or null.
 * - `normalization`: `{ mean, std }` or null (the Input's optional normalisation).
 */
export type ParamKind =
  | 'int'
  | 'float'
  | 'bool'
  | 'enum'
  | 'intPair'
  | 'floatPair'
  | 'shape'
  | 'quantizer'
  | 'constraint'
  | 'normalization';

export interface ParamDef {
  name: string;
  kind: ParamKind;
  /** Value used when the node leaves the param out. `null` means "none" (only where `nullable`). */
  default: ParamValue;
  /** Inclusive bounds for numbers (each element of pairs/shapes). */
  min?: number;
  max?: number;
  /** Allowed values of an `enum` (numbers or strings). */
  options?: Array<string | number>;
  /** Whether `null` is accepted (e.g. no quantizer, `strides: null` = pool size). */
  nullable?: boolean;
  help: string;
}

/** Thrown when a registry is asked for an id it does not know; names the id and lists the known ones. */
export class UnknownIdError extends Error {
  readonly registry: string;
  readonly id: string;
  readonly known: string[];
  constructor(registry: string, id: string, known: string[]) {
    super(`bnn-core ${registry} registry: unknown id '${id}'. Known ids: ${known.join(', ')}.`);
    this.name = 'UnknownIdError';
    this.registry = registry;
    this.id = id;
    this.known = known;
  }
}

/**
 * Lookup of defs by string id or alias (as Larq's aliases), shared by the layer, quantizer and constraint
 * registries. `get` throws `UnknownIdError` naming the id and listing the known ones.
 */
export function idRegistry<D extends { aliases: string[] }>(
  registry: string,
  defs: D[],
  idOf: (def: D) => string,
) {
  const byId = new Map<string, D>();
  for (const def of defs) {
    byId.set(idOf(def), def);
    for (const alias of def.aliases) byId.set(alias, def);
  }
  return {
    list: (): D[] => defs.slice(),
    has: (id: string): boolean => byId.has(id),
    get(id: string): D {
      const def = byId.get(id);
      if (!def) throw new UnknownIdError(registry, id, defs.map(idOf));
      return def;
    },
  };
}

type ConfigValue = number | string | boolean | null;

/**
 * A quantizer/constraint config with the def's defaults applied; given keys win, unknown ones are kept.
 * `V` is the reference's value type (quantizer configs admit null, e.g. `clip_value: null`; constraints do not).
 */
export function resolveRefConfig<V extends ConfigValue>(
  def: { config: ParamDef[] },
  given: Record<string, V> | undefined,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const p of def.config) out[p.name] = p.default as V;
  if (given) for (const [k, v] of Object.entries(given)) out[k] = v;
  return out;
}
