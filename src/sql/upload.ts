/**
 * Bulk upload of numeric columns computed in TypeScript into a fresh table of the store, keyed by
 * row index (`key` 0..n−1), on every engine. Each column travels as ONE text of shortest
 * round-trip decimals, split and cast inside the engine (exact: every engine parses a shortest
 * round-trip decimal back to the same double), so several hundred thousand rows take a fraction of
 * a second where INSERT … VALUES took ~30 µs a row:
 *
 *   DuckDB      a bound parameter, unnest(string_split(?, ','))
 *   PostgreSQL  a bound parameter, unnest(string_to_array($1, ',')::float8[]) WITH ORDINALITY
 *   ClickHouse  the text inlined (the clients bind no parameters) and ARRAY JOINed, in statements
 *               kept under max_query_size (256 KiB of SQL; more is refused)
 *
 * Used by the CLV scores (src/clv/score.ts) and any score written back from TypeScript.
 */
import type { Store } from '../store/types.js';
import { StoreError } from '../store/types.js';
import { dialectOf } from './dialect.js';
import { ident, litFor, num } from './quote.js';

export const UPLOAD_DEFAULTS = {
  /** Rows per statement on DuckDB and Postgres (each text parameter a few MB). */
  rows: 100_000,
  /** Bytes of column text per ClickHouse statement (its max_query_size is 262,144). */
  clickhouseBytes: 200_000,
};

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function text(v: Float64Array, start: number, end: number, column: string): string {
  const parts = new Array<string>(end - start);
  for (let i = start; i < end; i++) {
    if (!Number.isFinite(v[i])) throw new StoreError(`upload: column ${column} row ${i} is ${v[i]}, not a finite number`);
    parts[i - start] = num(v[i]);
  }
  return parts.join(',');
}

/** Row ranges [start, end) of at most `rows` rows. */
function* ranges(n: number, rows: number): Generator<[number, number]> {
  for (let start = 0; start < n; start += rows) yield [start, Math.min(n, start + rows)];
}

/**
 * (Re)creates `table` (a TEMP table of this connection) as (key INTEGER, <col> DOUBLE, …) holding
 * the columns `cols` (all of one length), row i keyed by i.
 */
export async function uploadColumns(store: Store, table: string, cols: Record<string, Float64Array>, o: { key?: string } = {}): Promise<void> {
  const key = o.key ?? 'tuple_id';
  const names = Object.keys(cols);
  const n = names.length ? cols[names[0]].length : 0;
  for (const c of [table, key, ...names]) if (!PLAIN.test(c)) throw new StoreError(`upload: "${c}" is not a plain SQL identifier`);
  for (const c of names) if (cols[c].length !== n) throw new StoreError(`upload: column ${c} has ${cols[c].length} rows, expected ${n}`);
  const d = dialectOf(store);
  const t = ident(table);
  const columns = `${ident(key)} ${d.types.int}, ${names.map((c) => `${ident(c)} ${d.types.double}`).join(', ')}`;
  if (store.dialect === 'clickhouse') {
    await store.exec(`DROP TEMPORARY TABLE IF EXISTS ${t}`);
    await store.exec(`CREATE TEMPORARY TABLE ${t} (${columns}) ENGINE = Memory`);
    if (names.length === 0) return;
    const lit = (s: string) => litFor('clickhouse', s);
    const rows = Math.max(1, Math.floor(UPLOAD_DEFAULTS.clickhouseBytes / (25 * Math.max(1, names.length))));
    for (const [start, end] of ranges(n, rows)) {
      // the arrays are named u_<column> so no alias shadows a column of the table (ClickHouse resolves aliases first)
      const arrays = names.map((c) => `arrayMap(v -> toFloat64(v), splitByChar(',', ${lit(text(cols[c], start, end, c))})) AS ${ident(`u_${c}`)}`);
      await store.exec(
        `INSERT INTO ${t} SELECT toInt32(${start} + u_i - 1), ${names.map((c) => ident(`u_${c}`)).join(', ')}
         FROM (SELECT ${arrays.join(', ')}) ARRAY JOIN ${names.map((c) => ident(`u_${c}`)).join(', ')}, arrayEnumerate(${ident(`u_${names[0]}`)}) AS u_i`);
    }
    return;
  }
  await store.exec(`DROP TABLE IF EXISTS ${t}; CREATE TEMP TABLE ${t} (${columns})`);
  if (names.length === 0) return;
  for (const [start, end] of ranges(n, UPLOAD_DEFAULTS.rows)) {
    const params = names.map((c) => text(cols[c], start, end, c));
    if (store.dialect === 'postgres') {
      await store.query(
        `INSERT INTO ${t} SELECT CAST(${start} + u.i - 1 AS INTEGER), ${names.map((_, k) => `u.c${k}`).join(', ')}
         FROM unnest(${names.map(() => `string_to_array(?, ',')::float8[]`).join(', ')}) WITH ORDINALITY AS u(${names.map((_, k) => `c${k}`).join(', ')}, i)`,
        params,
      );
    } else {
      await store.query(
        `INSERT INTO ${t} SELECT CAST(${start} + unnest(range(${end - start})) AS INTEGER), ${names.map(() => 'CAST(unnest(string_split(?, \',\')) AS DOUBLE)').join(', ')}`,
        params,
      );
    }
  }
}
