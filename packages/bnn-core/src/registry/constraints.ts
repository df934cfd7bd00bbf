import type { ConstraintRef } from '../spec/graph-types.js';
import { idRegistry, type ParamDef, resolveRefConfig } from './param-def.js';

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

const REGISTRY = idRegistry('constraint', CONSTRAINTS, (c) => c.id);

export function listConstraintDefs(): ConstraintDef[] {
  return REGISTRY.list();
}

export function hasConstraintDef(id: string): boolean {
  return REGISTRY.has(id);
}

/** The constraint for an id or alias; throws `UnknownIdError` naming the id and listing the known ones. */
export function getConstraintDef(id: string): ConstraintDef {
  return REGISTRY.get(id);
}

export function resolveConstraintConfig(ref: ConstraintRef): Record<string, number | string | boolean> {
  return resolveRefConfig(getConstraintDef(ref.id), ref.config);
}
