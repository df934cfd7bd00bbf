/**
 * Field-level checks of a param value against its ParamDef (type, range, integer, arity, known quantizer), so the
 * properties panel can say what is wrong as the user types. The checks are bnn-core's (`checkParamValue`, the
 * same that `validateGraph` runs on whole nodes); the graph-level checks (shapes, combinations) come from
 * validateGraph.
 */
import { checkParamValue, type ParamDef, type ParamValue } from '@bnn-studio/bnn-core';

/** null when the value is acceptable for its def (or absent: the default applies), else the problem and its fix. */
export function checkParam(def: ParamDef, value: ParamValue | undefined): string | null {
  if (value === undefined) return null;
  const [issue] = checkParamValue(def, value);
  return issue ? `${issue.message}. ${issue.fix}` : null;
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
