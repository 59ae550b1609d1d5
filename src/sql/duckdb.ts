/** DuckDB's hooks (src/sql/dialect.ts): the default engine, whose SQL the rest of src/ is written in. */
import type { Dialect } from './dialect.js';
import { ident, lit, num } from './quote.js';
import { standardDates } from './standard.js';

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  types: { text: 'VARCHAR', double: 'DOUBLE', int: 'INTEGER', bigint: 'BIGINT', timestamp: 'TIMESTAMP', date: 'DATE', json: 'JSON' },
  ...standardDates,
  epochSeconds: (e) => `epoch(${e})`,
  addDays: (e, n) => `(${e} + to_days(CAST(${n} AS INTEGER)))`,
  quantile: (e, q) => `quantile_cont(${e}, ${num(q)})`,
  firstPerGroup: ({ select, from, partitionBy, orderBy }) =>
    `SELECT ${select} FROM ${from} QUALIFY row_number() OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy}) = 1`,
  hash64: (e) => `hash(${e})`,
  replaceTableAs: (name, select, o = {}) => [`CREATE OR REPLACE ${o.temp ? 'TEMP ' : ''}TABLE ${ident(name)} AS ${select}`],
  tableExists: (name) => `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ${lit(name)}`,
  viewExists: (name) => `SELECT count(*) AS n FROM duckdb_views() WHERE view_name = ${lit(name)} AND NOT internal`,
  intDiv: (a, b) => `(${a} // ${b})`,
  // arg_min_null keeps a NULL value (arg_min skips it), as first(v ORDER BY o) does, without its sort
  firstValue: (v, o) => `arg_min_null(${v}, ${o})`,
  lead: (e, p, o) => `lead(${e}) OVER (PARTITION BY ${p} ORDER BY ${o})`,
  quantiles: (e, qs) => `quantile_cont(${e}, [${qs.map(num).join(', ')}])`,
  secondsBetween: (a, b) => `CAST(date_diff('second', ${a}, ${b}) AS DOUBLE)`,
  dateText: (e, u) => `strftime(${e}, '${u === 'month' ? '%Y-%m' : '%Y-%m-%d'}')`,
  byteOrder: (e) => e,
  epochMicros: (e) => `epoch_us(${e})`,
  addSeconds: (e, n) => `(${e} + to_microseconds(CAST(round(1e6 * (${n})) AS BIGINT)))`,
  lag: (e, { partitionBy, orderBy }) => `lag(${e}) OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy})`,
  countIf: (c) => (c ? `count(*) FILTER (WHERE ${c})` : 'count(*)'),
  stddevSamp: (e) => `stddev_samp(${e})`,
  argMin: (v, by, f) => `arg_min(${v}, ${by.length === 1 ? by[0] : `struct_pack(${by.map((b, i) => `k${i} := ${b}`).join(', ')})`})${f ? ` FILTER (WHERE ${f})` : ''}`,
  argMax: (v, by, f) => `arg_max(${v}, ${by.length === 1 ? by[0] : `struct_pack(${by.map((b, i) => `k${i} := ${b}`).join(', ')})`})${f ? ` FILTER (WHERE ${f})` : ''}`,
  portableHash: (e) => `CAST('0x' || substr(md5(${e}), 1, 15) AS BIGINT)`,
  stringAgg: (e, sep, by) => `string_agg(${e}, ${lit(sep)} ORDER BY ${by.join(', ')})`,
  jsonText: (j, k) => `json_extract_string(${j}, ${lit(`$.${k}`)})`,
  nullDouble: 'CAST(NULL AS DOUBLE)',
  quarterText: (e) => `strftime(date_trunc('quarter', ${e}), '%Y-%m')`,
  addMicros: (e, n) => `(${e} + to_microseconds(CAST(${n} AS BIGINT)))`,
  refreshStatistics: () => [],
  inlineCte: 'NOT MATERIALIZED',
  semiJoin: (kind, table, alias, on) => ({ join: `${kind === 'anti' ? 'ANTI' : 'SEMI'} JOIN ${table} ${alias} ON ${on}`, where: '1 = 1' }),
  rowId: 'rowid',
};
