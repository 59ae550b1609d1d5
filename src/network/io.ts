/**
 * Columnar transfer between the store and typed arrays. The graph algorithms need millions of
 * (int, int, number) tuples; turning each into a JS row object costs ~1.7 s per million rows, so on
 * DuckDB the columns travel through a temporary CSV file instead (COPY … TO, then one pass over the
 * bytes: ~0.2 s per million rows), and results come back the same way (read_csv → table), never one
 * INSERT per row. Other dialects (Postgres, ClickHouse) fall back to plain queries and batched
 * multi-row INSERTs into a table made with the dialect's hooks.
 *
 * These helpers belong in store/ once the Store interface grows a columnar read/write; until then
 * they live here and only use the public Store interface.
 */
import { mkdtempSync, readFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row, Store } from '../store/types.js';
import { InvalidArgumentsError } from './errors.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A checked SQL identifier (table or column name); throws on anything that would need quoting. */
export function sqlIdent(name: string): string {
  if (!IDENT.test(name)) throw new InvalidArgumentsError(`network: "${name}" is not a plain SQL identifier`);
  return name;
}

export interface ColumnBatch<I extends string, F extends string> {
  length: number;
  int: Record<I, Int32Array>;
  float: Record<F, Float64Array>;
}

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-network-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/**
 * Runs `sql` and returns its columns as typed arrays. The query must select exactly the `ints`
 * columns then the `floats` columns, in that order. Integer columns must be non-null 32-bit
 * integers; a NULL in a float column becomes NaN (callers turn it into null before JSON).
 */
export async function readColumns<I extends string, F extends string>(
  store: Store,
  sql: string,
  ints: readonly I[],
  floats: readonly F[] = [],
): Promise<ColumnBatch<I, F>> {
  if (store.dialect !== 'duckdb') return readColumnsByRows(store, sql, ints, floats);
  return withTempDir(async (dir) => {
    const file = join(dir, 'columns.csv');
    await store.exec(`COPY (${sql}) TO ${sqlString(file)} (FORMAT csv, HEADER false, DELIMITER ',')`);
    return parseCsvColumns(readFileSync(file), ints, floats);
  });
}

async function readColumnsByRows<I extends string, F extends string>(
  store: Store,
  sql: string,
  ints: readonly I[],
  floats: readonly F[],
): Promise<ColumnBatch<I, F>> {
  const rows = await store.query<Row>(sql);
  const batch = allocate(rows.length, ints, floats);
  rows.forEach((r, k) => {
    for (const c of ints) batch.int[c][k] = Number(r[c]);
    for (const c of floats) batch.float[c][k] = r[c] === null || r[c] === undefined ? NaN : Number(r[c]);
  });
  return batch;
}

function allocate<I extends string, F extends string>(n: number, ints: readonly I[], floats: readonly F[]): ColumnBatch<I, F> {
  const int = {} as Record<I, Int32Array>;
  const float = {} as Record<F, Float64Array>;
  for (const c of ints) int[c] = new Int32Array(n);
  for (const c of floats) float[c] = new Float64Array(n);
  return { length: n, int, float };
}

/** Parses headerless CSV of plain numbers (what DuckDB writes for INTEGER/BIGINT/DOUBLE columns). */
export function parseCsvColumns<I extends string, F extends string>(
  buf: Uint8Array,
  ints: readonly I[],
  floats: readonly F[],
): ColumnBatch<I, F> {
  let n = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === 10) n++;
  if (buf.length > 0 && buf[buf.length - 1] !== 10) n++;
  const batch = allocate(n, ints, floats);
  const cols: (Int32Array | Float64Array)[] = [...ints.map((c) => batch.int[c]), ...floats.map((c) => batch.float[c])];
  const nInt = ints.length;
  const ncol = cols.length;
  const decoder = new TextDecoder('latin1');
  let row = 0;
  let col = 0;
  let start = 0;
  let v = 0;
  let neg = false;
  let simple = true; // only digits (and a leading minus) so far
  const flush = (end: number): void => {
    if (col >= ncol) throw new InvalidArgumentsError(`readColumns: row ${row + 1} has more than ${ncol} fields`);
    const target = cols[col];
    if (end === start) {
      if (col < nInt) throw new InvalidArgumentsError(`readColumns: row ${row + 1}: integer column ${ints[col]} is NULL`);
      target[row] = NaN;
    } else if (simple) {
      target[row] = neg ? -v : v;
    } else {
      const s = decoder.decode(buf.subarray(start, end));
      const x = s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s);
      target[row] = col < nInt ? Math.trunc(x) : x;
    }
  };
  for (let i = 0; i <= buf.length; i++) {
    const c = i < buf.length ? buf[i] : 10;
    if (c === 44 || c === 10) {
      if (c === 10 && i === buf.length && start === i && col === 0) break; // trailing newline
      flush(c === 10 && i > 0 && buf[i - 1] === 13 ? i - 1 : i);
      if (c === 10) {
        if (col !== ncol - 1) throw new InvalidArgumentsError(`readColumns: row ${row + 1} has ${col + 1} fields, expected ${ncol}`);
        row++;
        col = 0;
      } else col++;
      start = i + 1;
      v = 0;
      neg = false;
      simple = true;
    } else if (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
    } else if (c === 45 && i === start) {
      neg = true;
    } else if (c !== 13) {
      simple = false;
    }
  }
  batch.length = row;
  return batch;
}

export type SqlColumnType = 'INTEGER' | 'BIGINT' | 'DOUBLE';

export interface OutColumn {
  name: string;
  type: SqlColumnType;
  /** NaN (and ±Infinity) is written as NULL. */
  data: Int32Array | Float64Array | Uint32Array;
}

/**
 * Replaces `table` with the given columns (all the same length). On DuckDB: one temp CSV and one
 * `CREATE TABLE … AS SELECT * FROM read_csv(…)`; elsewhere: multi-row INSERTs of 1,000 rows.
 */
export async function writeColumns(store: Store, table: string, columns: readonly OutColumn[], opts: { temp?: boolean } = {}): Promise<void> {
  sqlIdent(table);
  if (columns.length === 0) throw new InvalidArgumentsError('writeColumns: no columns');
  const n = columns[0].data.length;
  for (const c of columns) {
    sqlIdent(c.name);
    if (c.data.length !== n) throw new InvalidArgumentsError(`writeColumns: column ${c.name} has ${c.data.length} values, expected ${n}`);
  }
  const kind = opts.temp ? 'TEMP TABLE' : 'TABLE';
  if (store.dialect !== 'duckdb') {
    // the empty table from a typed SELECT (the dialect's replace-table), then multi-row INSERTs
    const d = dialectOf(store);
    const type = (t: SqlColumnType): string => (t === 'INTEGER' ? d.types.int : t === 'BIGINT' ? d.types.bigint : d.types.double);
    await replaceTableAs(store, table, `SELECT ${columns.map((c) => `CAST(NULL AS ${type(c.type)}) AS ${c.name}`).join(', ')} WHERE 1 = 0`, opts);
    for (let lo = 0; lo < n; lo += 5000) {
      const hi = Math.min(n, lo + 5000);
      const values: string[] = [];
      for (let i = lo; i < hi; i++) values.push(`(${columns.map((c) => formatNumber(c.data[i])).join(',')})`);
      await store.exec(`INSERT INTO ${table} VALUES ${values.join(',')}`);
    }
    return;
  }
  await withTempDir(async (dir) => {
    const file = join(dir, `${table}.csv`);
    const fd = openSync(file, 'w');
    try {
      const CHUNK = 65536;
      for (let lo = 0; lo < n; lo += CHUNK) {
        const hi = Math.min(n, lo + CHUNK);
        const lines: string[] = new Array(hi - lo);
        for (let i = lo; i < hi; i++) {
          let line = '';
          for (let j = 0; j < columns.length; j++) {
            const x = columns[j].data[i];
            if (j > 0) line += ',';
            if (Number.isFinite(x)) line += String(x);
          }
          lines[i - lo] = line;
        }
        writeSync(fd, lines.join('\n') + '\n');
      }
    } finally {
      closeSync(fd);
    }
    const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    await store.exec(
      `CREATE OR REPLACE ${kind} ${table} AS SELECT * FROM read_csv(${sqlString(file)}, header = false, delim = ',', ` +
        `nullstr = '', auto_detect = false, columns = {${spec}})`,
    );
  });
}

function formatNumber(x: number): string {
  return Number.isNaN(x) ? 'NULL' : Number.isFinite(x) ? String(x) : 'NULL';
}
