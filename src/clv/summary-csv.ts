/**
 * A user's own summary CSV for `spiral clv fit --summary`: columns x, t_x, T (or x, t_x, n for
 * BG/BB), an optional count (customers with that row) and an optional monetary (mean repeat spend,
 * for Gamma-Gamma). lifetimes' names frequency / recency / monetary_value are accepted too.
 * DuckDB reads the file (every value as text, so a bad cell is reported as written); each row is
 * checked here and an error names the file, the line and the column. Rows are compressed to
 * distinct tuples with summed counts before any model sees them.
 */
import { basename } from 'node:path';
import type { Store } from '../store/types.js';
import type { DiscreteTuples, RfmTuples, SpendTuples } from '../models/clv/types.js';
import { ClvInputError } from './errors.js';

const ALIASES: Record<string, string> = { frequency: 'x', recency: 't_x', monetary_value: 'monetary', n_customers: 'count' };

export interface SummaryCsv {
  rows: number;
  columns: string[];
  rfm: RfmTuples | null;
  discrete: DiscreteTuples | null;
  /** Repeat buyers (x >= 1) with their mean spend, when there is a monetary column. */
  spend: SpendTuples | null;
}

function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** Groups rows by a key, summing the last value (the count). */
function compress(rows: number[][], width: number): Float64Array[] {
  const map = new Map<string, number[]>();
  for (const r of rows) {
    const key = r.slice(0, width).join('|');
    const v = map.get(key);
    if (v) v[width] += r[width];
    else map.set(key, r.slice(0, width + 1));
  }
  const out: Float64Array[] = [];
  const vals = [...map.values()];
  for (let j = 0; j <= width; j++) out.push(Float64Array.from(vals, (v) => v[j]));
  return out;
}

export async function readSummaryCsv(store: Store, path: string): Promise<SummaryCsv> {
  const file = basename(path);
  const src = `read_csv(${sqlString(path)}, header = true, all_varchar = true, auto_detect = true)`;
  let described: { column_name: string }[];
  try {
    described = await store.query<{ column_name: string }>(`DESCRIBE SELECT * FROM ${src}`);
  } catch (e) {
    throw new ClvInputError(`${file}: cannot read as CSV: ${(e as Error).message.split('\n')[0]}`);
  }
  const raw = described.map((d) => d.column_name);
  const names = raw.map((c) => ALIASES[c.trim()] ?? c.trim());
  const col = (name: string): number => names.indexOf(name);
  const hasT = col('T') >= 0, hasN = col('n') >= 0;
  for (const need of ['x', 't_x']) {
    if (col(need) < 0) throw new ClvInputError(`${file}: no column "${need}" (have: ${raw.join(', ')}); expected x,t_x,T (or x,t_x,n for bgbb) [,count] [,monetary]`);
  }
  if (!hasT && !hasN) throw new ClvInputError(`${file}: no column "T" (or "n" for bgbb) (have: ${raw.join(', ')})`);
  const wanted = ['x', 't_x', 'T', 'n', 'count', 'monetary'].filter((c) => col(c) >= 0);
  const select = wanted.map((c) => `"${raw[col(c)].replace(/"/g, '""')}" AS "${c}"`).join(', ');
  const rows = await store.query<Record<string, string | null>>(`SELECT ${select} FROM ${src}`);
  if (rows.length === 0) throw new ClvInputError(`${file}: no rows`);
  const rfm: number[][] = [], disc: number[][] = [], spend: number[][] = [];
  rows.forEach((row, i) => {
    const line = i + 2; // line 1 is the header
    const where = `${file}:${line}`;
    const num = (c: string, fallback?: number): number => {
      const s = row[c];
      if (s === null || s === undefined || s.trim() === '') {
        if (fallback !== undefined) return fallback;
        throw new ClvInputError(`${where}: ${c} is empty`);
      }
      const v = Number(s.trim());
      if (!Number.isFinite(v)) throw new ClvInputError(`${where}: ${c} "${s}" is not a finite number`);
      return v;
    };
    const x = num('x'), tx = num('t_x');
    const count = wanted.includes('count') ? num('count', 1) : 1;
    if (x < 0) throw new ClvInputError(`${where}: x = ${x} must be >= 0`);
    if (tx < 0) throw new ClvInputError(`${where}: t_x = ${tx} must be >= 0`);
    if (x === 0 && tx !== 0) throw new ClvInputError(`${where}: x = 0 needs t_x = 0, got t_x = ${tx}`);
    if (count < 0) throw new ClvInputError(`${where}: count = ${count} must be >= 0`);
    if (hasT) {
      const T = num('T');
      if (tx > T) throw new ClvInputError(`${where}: t_x = ${tx} is after T = ${T} (need 0 <= t_x <= T)`);
      rfm.push([x, tx, T, count]);
    }
    if (hasN) {
      const n = num('n');
      if (![x, tx, n].every(Number.isInteger)) throw new ClvInputError(`${where}: x, t_x and n must be whole numbers of periods for bgbb, got ${x}, ${tx}, ${n}`);
      if (!(x <= tx && tx <= n)) throw new ClvInputError(`${where}: need 0 <= x <= t_x <= n, got x = ${x}, t_x = ${tx}, n = ${n}`);
      disc.push([x, tx, n, count]);
    }
    if (wanted.includes('monetary') && x >= 1) {
      const m = num('monetary');
      if (!(m > 0)) throw new ClvInputError(`${where}: monetary = ${m} must be > 0 for a repeat buyer (x >= 1)`);
      spend.push([x, m, count]);
    }
  });
  const r = rfm.length ? compress(rfm, 3) : null;
  const d = disc.length ? compress(disc, 3) : null;
  const s = spend.length ? compress(spend, 2) : null;
  return {
    rows: rows.length,
    columns: wanted,
    rfm: r ? { x: r[0], t_x: r[1], T: r[2], count: r[3] } : null,
    discrete: d ? { x: d[0], t_x: d[1], n: d[2], count: d[3] } : null,
    spend: s ? { x: s[0], monetary: s[1], count: s[2] } : wanted.includes('monetary') ? { x: new Float64Array(0), monetary: new Float64Array(0), count: new Float64Array(0) } : null,
  };
}
