/** Formatting of C source text: exact float literals and wrapped constant arrays. */

/**
 * A C `float` literal that parses back to exactly `value` (9 significant digits round-trip every float32;
 * the `f` suffix makes the compiler round the decimal straight to float). Non-finite values are rejected by
 * the caller before this point, except infinities which map to math.h's INFINITY.
 */
export function cFloat(value: number): string {
  if (Number.isNaN(value)) throw new Error('cFloat: NaN has no C literal; refuse the model before emitting');
  if (value === Number.POSITIVE_INFINITY) return 'INFINITY';
  if (value === Number.NEGATIVE_INFINITY) return '-INFINITY';
  if (value === 0) return Object.is(value, -0) ? '-0.0f' : '0.0f';
  const text = Math.fround(value).toPrecision(9);
  return `${text.includes('.') || text.includes('e') ? text : `${text}.`}f`;
}

export function cU32(value: number): string {
  return `0x${(value >>> 0).toString(16).toUpperCase().padStart(8, '0')}u`;
}

/** int32 literal; INT32_MIN cannot be written as a negated literal of type int. */
export function cI32(value: number): string {
  if (value === -2147483648) return '(-2147483647 - 1)';
  return String(value | 0);
}

/** Joins literals into lines of `perLine` items, indented for an initializer list. */
export function wrapItems(items: string[], perLine: number): string {
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += perLine) lines.push(`  ${items.slice(i, i + perLine).join(', ')},`);
  return lines.join('\n');
}

export function cFloatArray(values: ArrayLike<number>): string {
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) items.push(cFloat(values[i] as number));
  return wrapItems(items, 8);
}

export function cU32Array(values: ArrayLike<number>): string {
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) items.push(cU32(values[i] as number));
  return wrapItems(items, 8);
}

export function cI8Array(values: ArrayLike<number>): string {
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) items.push(String(values[i]! | 0));
  return wrapItems(items, 16);
}

export function cI32Array(values: ArrayLike<number>): string {
  const items: string[] = [];
  for (let i = 0; i < values.length; i++) items.push(cI32(values[i] as number));
  return wrapItems(items, 10);
}

/** A C identifier derived from an arbitrary id (node ids may hold dashes, dots, spaces). */
export function cIdent(id: string): string {
  const base = id.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(base) ? base : `_${base}`;
}

/** A C string literal (ASCII, escaped). */
export function cString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code >= 32 && code < 127) out += ch;
    else out += '?';
  }
  return `${out}"`;
}
