/** Field-by-field comparison of two JSON documents (e.g. two analysis results). */

export interface FieldDiff {
  path: string;
  a: unknown;
  b: unknown;
}

/**
 * Every path where `a` and `b` differ (leaves compared with Object.is, so 0 and -0 or two NaNs are
 * told apart as JSON would not; arrays by index, objects by key). `ignore` holds paths left out.
 */
export function diffFields(a: unknown, b: unknown, ignore: ReadonlySet<string> = new Set(), path = '$'): FieldDiff[] {
  if (ignore.has(path)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: FieldDiff[] = [];
    if (a.length !== b.length) out.push({ path: `${path}.length`, a: a.length, b: b.length });
    for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(...diffFields(a[i], b[i], ignore, `${path}[${i}]`));
    return out;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: FieldDiff[] = [];
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const p = `${path}.${k}`;
      if (ignore.has(p)) continue;
      if (!(k in a) || !(k in b)) out.push({ path: p, a: (a as Record<string, unknown>)[k], b: (b as Record<string, unknown>)[k] });
      else out.push(...diffFields((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], ignore, p));
    }
    return out;
  }
  return Object.is(a, b) ? [] : [{ path, a, b }];
}
