/**
 * Agreement measures for checking segments and scores against ground truth: the adjusted Rand index
 * (Hubert & Arabie 1985) between two labelings, and Spearman's rank correlation with average ranks for ties.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';

const choose2 = (n: number): number => (n * (n - 1)) / 2;

/** Adjusted Rand index of two labelings of the same points (1 = identical up to renaming, ~0 = chance). */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new InvalidArgumentsError(`adjustedRandIndex: labelings have ${a.length} and ${b.length} points`);
  const n = a.length;
  if (n < 2) throw new InvalidArgumentsError('adjustedRandIndex: needs at least 2 points');
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  let index = 0;
  for (const v of table.values()) index += choose2(v);
  let sa = 0, sb = 0;
  for (const v of rows.values()) sa += choose2(v);
  for (const v of cols.values()) sb += choose2(v);
  const expected = (sa * sb) / choose2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1; // both labelings trivial (one cluster each, or all singletons)
  return (index - expected) / (max - expected);
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i] - x[j]);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rho (Pearson correlation of average ranks); null when either side is constant. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  if (x.length !== y.length) throw new InvalidArgumentsError(`spearman: ${x.length} and ${y.length} values`);
  if (x.length < 2) throw new InvalidArgumentsError('spearman: needs at least 2 pairs');
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new InvalidArgumentsError(`spearman: pair ${i} is not finite`);
  }
  const r = pearson(averageRanks(x), averageRanks(y));
  return Number.isNaN(r) ? null : r;
}
