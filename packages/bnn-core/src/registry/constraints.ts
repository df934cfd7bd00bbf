import type { ConstraintRef } from '../spec/graph-types.js';
import { type ParamDef, UnknownIdError } from './param-def.js';

/** Metadata of weight constraints referenced by `kernel_constraint` & co (Larq `larq/constraints.py`). */
export interface ConstraintDef {
  id: string;
  aliases: string[];
  label: string;
  config: ParamDef[];
  help: string;
}

const CONSTRAINTS: ConstraintDef[] = [
  {
    id: 'weight_clip',
    aliases: ['WeightClip'],
    label: 'Weight clip',
    config: [
      {
        name: 'clip_value',
        kind: 'float',
        default: 1,
        min: 0,
        max: 1e6,
        help: 'Latent weights are clipped to [−clip_value, clip_value] after every update.',
      },
    ],
    help: 'Keeps latent weights in [−clip_value, clip_value] so their sign can still flip (without it, weights drift away and stop changing: "starved weights").',
  },
];

const BY_ID = new Map<string, ConstraintDef>();
for (const def of CONSTRAINTS) {
  BY_ID.set(def.id, def);
  for (const alias of def.aliases) BY_ID.set(alias, def);
}

export function listConstraintDefs(): ConstraintDef[] {
  return CONSTRAINTS.slice();
}

export function hasConstraintDef(id: string): boolean {
  return BY_ID.has(id);
}

/** The constraint for an id or alias; throws `UnknownIdError` naming the id and listing the known ones. */
export function getConstraintDef(id: string): ConstraintDef {
  const def = BY_ID.get(id);
  if (!def)
    throw new UnknownIdError(
      'constraint',
      id,
      CONSTRAINTS.map((c) => c.id),
    );
  return def;
}

export function resolveConstraintConfig(ref: ConstraintRef): Record<string, number | string | boolean> {
  const def = getConstraintDef(ref.id);
  const out: Record<string, number | string | boolean> = {};
  for (const p of def.config) out[p.name] = p.default as number | string | boolean;
  if (ref.config) for (const [k, v] of Object.entries(ref.config)) out[k] = v;
  return out;
}
