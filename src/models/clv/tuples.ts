/**
 * Helpers on compressed tuples: input checks with typed errors, distinct-value indexing (so a
 * likelihood evaluates log(α+T) once per distinct T, not once per tuple), Σ count, and a seeded
 * systematic subsample of customers for screening start points.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { createRng } from '../numeric/random.js';

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
  // A column-wise pass first; the row-wise pass below, which names the first offending row, runs
  // only when it finds a problem.
  let ok = true;
  for (const name of names) {
    const c = cols[name];
    for (let i = 0; i < len && ok; i++) ok = c[i] - c[i] === 0; // false for NaN and ±Infinity
  }
  const count = cols.count;
  for (let i = 0; i < len && ok; i++) ok = count[i] >= 0;
  if (ok) return len;
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

/** Distinct values and each row's index into them. */
export interface Distinct {
  values: Float64Array;
  index: Int32Array;
}

/**
 * Distinct values of v (finite; NaN is an error) and each row's index into them. Sorted unless
 * `sorted` is false (a lookup table needs no order); non-negative integers up to 1e6 (purchase
 * counts) index a dense 0..max table. Other values go through an open-addressing hash table on the
 * doubles' bits: typed arrays only, so no number is boxed per row.
 */
export function indexDistinct(v: Float64Array, sorted = true): Distinct {
  const index = new Int32Array(v.length);
  let max = 0, i = 0;
  for (; i < v.length; i++) {
    const x = v[i];
    if (!(x >= 0 && x <= 1e6 && x === Math.floor(x))) break;
    index[i] = x;
    if (x > max) max = x;
  }
  if (i === v.length && max <= 4 * v.length + 1024) {
    const values = new Float64Array(v.length ? max + 1 : 0);
    for (let k = 0; k < values.length; k++) values[k] = k;
    return { values, index };
  }
  const found = hashDistinct(v, index);
  if (!sorted) return { values: found, index };
  const order = Array.from(found, (_, k) => k).sort((a, b) => found[a] - found[b]);
  const rank = new Int32Array(order.length);
  order.forEach((k, r) => (rank[k] = r));
  for (let j = 0; j < index.length; j++) index[j] = rank[index[j]];
  return { values: Float64Array.from(order, (k) => found[k]), index };
}

/** Distinct values in order of first appearance; writes each row's index into `index`. */
function hashDistinct(v: Float64Array, index: Int32Array): Float64Array {
  const bits = new Int32Array(v.buffer, v.byteOffset, 2 * v.length);
  let cap = 1024, mask = cap - 1;
  let keys = new Float64Array(cap), ids = new Int32Array(cap).fill(-1);
  let values = new Float64Array(256);
  let nd = 0;
  const slot = (x: number, lo: number, hi: number): number => {
    // 0 and −0 are one value: both hash to 0.
    const h = x === 0 ? 0 : Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    return (h ^ (h >>> 15)) & mask;
  };
  // Runs of one value (sorted input, e.g. tuples ordered by x and t_x) skip the table.
  let last = NaN, lastId = -1;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === last) {
      index[i] = lastId;
      continue;
    }
    if (x !== x) throw new InvalidArgumentsError(`indexDistinct: row ${i} is NaN`);
    let h = slot(x, bits[2 * i], bits[2 * i + 1]);
    for (;;) {
      const id = ids[h];
      if (id < 0) break;
      if (keys[h] === x) {
        index[i] = id;
        h = -1;
        break;
      }
      h = (h + 1) & mask;
    }
    last = x;
    if (h < 0) {
      lastId = index[i];
      continue;
    }
    lastId = nd;
    if (nd === values.length) {
      const grown = new Float64Array(2 * nd);
      grown.set(values);
      values = grown;
    }
    values[nd] = x;
    keys[h] = x;
    ids[h] = nd;
    index[i] = nd++;
    if (2 * nd > cap) {
      // Keep the load under one half: grow and re-insert the distinct values.
      cap *= 4;
      mask = cap - 1;
      keys = new Float64Array(cap);
      ids = new Int32Array(cap).fill(-1);
      const vb = new Int32Array(values.buffer, 0, 2 * nd);
      for (let k = 0; k < nd; k++) {
        let g = slot(values[k], vb[2 * k], vb[2 * k + 1]);
        while (ids[g] >= 0) g = (g + 1) & mask;
        ids[g] = k;
        keys[g] = values[k];
      }
    }
  }
  return values.slice(0, nd);
}

/**
 * A seeded systematic sample of about `target` of the N = Σ count customers (Madow & Madow 1944):
 * the customers are laid end to end in row order and every (N/target)-th one from a seeded random
 * offset is kept, so a row with count c keeps ⌊c·target/N⌋ or one more. Returns the kept rows and
 * their sampled counts. One pass, no draw per row.
 */
export function systematicSample(count: Float64Array, target: number, seed: number): { keep: Int32Array; counts: Float64Array } {
  const N = totalCount(count);
  const step = Math.max(1, N / target);
  const offset = createRng(seed).next() * step;
  // Sample points offset + k·step (k = 0, 1, …) below a cumulative count c: max(0, ⌈(c − offset)/step⌉),
  // at most ⌈N/step⌉ in all, so at most that many kept rows.
  const cap = Math.min(count.length, Math.ceil(N / step) + 1);
  const keep = new Int32Array(cap), counts = new Float64Array(cap);
  let kept = 0, cum = 0, prev = 0;
  for (let i = 0; i < count.length && kept < cap; i++) {
    cum += count[i];
    const upto = cum > offset ? Math.ceil((cum - offset) / step) : 0;
    if (upto > prev) {
      keep[kept] = i;
      counts[kept++] = upto - prev;
      prev = upto;
    }
  }
  return { keep: keep.slice(0, kept), counts: counts.slice(0, kept) };
}

/**
 * A seeded subsample of about `target` customers (systematicSample), as columns. Rows left with
 * no customers are dropped.
 */
export function subsampleColumns<C extends Columns>(cols: C, names: readonly (keyof C & string)[], target: number, seed: number): C {
  const { keep, counts } = systematicSample(cols.count, target, seed);
  const out: Columns = {};
  for (const name of names) {
    if (name === 'count') {
      out[name] = counts;
      continue;
    }
    const src = cols[name], dst = new Float64Array(keep.length);
    for (let m = 0; m < keep.length; m++) dst[m] = src[keep[m]];
    out[name] = dst;
  }
  return out as C;
}
