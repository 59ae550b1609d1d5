/**
 * Helpers on compressed tuples: input checks with typed errors, distinct-value indexing (so a
 * likelihood evaluates log(α+T) once per distinct T, not once per tuple), Σ count, and a seeded
 * Poisson-thinned subsample of customers for screening start points.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { createRng, poisson } from '../numeric/random.js';

export type Columns = Record<string, Float64Array>;

/** Checks that every column is a Float64Array of one length and counts are finite and >= 0. */
export function checkColumns(what: string, cols: Columns, names: readonly string[]): number {
  let len = -1;
  for (const name of names) {
    const c = cols[name];
    if (!(c instanceof Float64Array)) throw new InvalidArgumentsError(`${what}: column ${name} must be a Float64Array`);
    if (len < 0) len = c.length;
    else if (c.length !== len) throw new InvalidArgumentsError(`${what}: column ${name} has ${c.length} rows, expected ${len}`);
  }
  const count = cols.count;
  for (let i = 0; i < len; i++) {
    for (const name of names) {
      const v = cols[name][i];
      if (!Number.isFinite(v)) throw new InvalidArgumentsError(`${what}: row ${i}: ${name} = ${v} is not finite`);
    }
    if (count[i] < 0) throw new InvalidArgumentsError(`${what}: row ${i}: count = ${count[i]} is negative`);
  }
  return len;
}

export function totalCount(count: Float64Array): number {
  let s = 0;
  for (let i = 0; i < count.length; i++) s += count[i];
  return s;
}

/**
 * Distinct values of v and each row's index into them. Sorted unless `sorted` is false (a lookup
 * table needs no order); non-negative integers up to 1e6 (purchase counts) index a dense 0..max table.
 */
export function indexDistinct(v: Float64Array, sorted = true): { values: Float64Array; index: Int32Array } {
  const index = new Int32Array(v.length);
  let max = 0, dense = true;
  for (let i = 0; i < v.length && dense; i++) {
    const x = v[i];
    if (!(x >= 0 && x <= 1e6 && Number.isInteger(x))) dense = false;
    else if (x > max) max = x;
  }
  if (dense && max <= 4 * v.length + 1024) {
    for (let i = 0; i < v.length; i++) index[i] = v[i];
    const values = new Float64Array(v.length ? max + 1 : 0);
    for (let k = 0; k < values.length; k++) values[k] = k;
    return { values, index };
  }
  const pos = new Map<number, number>();
  const list: number[] = [];
  for (let i = 0; i < v.length; i++) {
    let k = pos.get(v[i]);
    if (k === undefined) {
      k = list.length;
      pos.set(v[i], k);
      list.push(v[i]);
    }
    index[i] = k;
  }
  if (!sorted) return { values: Float64Array.from(list), index };
  const order = list.map((_, k) => k).sort((a, b) => list[a] - list[b]);
  const rank = new Int32Array(order.length);
  order.forEach((k, r) => (rank[k] = r));
  for (let i = 0; i < index.length; i++) index[i] = rank[index[i]];
  return { values: Float64Array.from(order, (k) => list[k]), index };
}

/**
 * A seeded subsample of about `target` customers: each tuple's count is thinned to
 * Poisson(count · f). Rows left with no customers are dropped.
 */
export function subsampleColumns<C extends Columns>(cols: C, names: readonly (keyof C & string)[], target: number, seed: number): C {
  const count = cols.count;
  const N = totalCount(count);
  const f = Math.min(1, target / N);
  const rng = createRng(seed);
  const thinned = new Float64Array(count.length);
  let kept = 0;
  for (let i = 0; i < count.length; i++) {
    thinned[i] = poisson(rng, count[i] * f);
    if (thinned[i] > 0) kept++;
  }
  const out: Columns = {};
  for (const name of names) out[name] = new Float64Array(kept);
  let j = 0;
  for (let i = 0; i < count.length; i++) {
    if (thinned[i] === 0) continue;
    for (const name of names) out[name][j] = name === 'count' ? thinned[i] : cols[name][i];
    j++;
  }
  return out as C;
}
