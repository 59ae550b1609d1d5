/** PostgreSQL's hooks (src/sql/dialect.ts). */
import type { Dialect } from './dialect.js';
import { ident, lit, num } from './quote.js';
import { standardDates } from './standard.js';

const analyze = (table: string): string[] => [`ANALYZE ${ident(table)}`];

export const postgresDialect: Dialect = {
  name: 'postgres',
  types: { text: 'TEXT', double: 'DOUBLE PRECISION', int: 'INTEGER', bigint: 'BIGINT', timestamp: 'TIMESTAMP', date: 'DATE', json: 'JSON' },
  ...standardDates,
  epochSeconds: (e) => `CAST(extract(epoch FROM ${e}) AS DOUBLE PRECISION)`,
  addDays: (e, n) => `(${e} + make_interval(days => CAST(${n} AS INTEGER)))`,
  quantile: (e, q) => `percentile_cont(${num(q)}) WITHIN GROUP (ORDER BY ${e})`,
  firstPerGroup: ({ select, from, partitionBy, orderBy }) =>
    `SELECT DISTINCT ON (${partitionBy}) ${select} FROM ${from} ORDER BY ${partitionBy}, ${orderBy}`,
  // the first 8 bytes of md5, as a signed 64-bit integer
  hash64: (e) => `('x' || substr(md5(${e}), 1, 16))::bit(64)::bigint`,
  // then ANALYZE: autovacuum never analyses a TEMP table, and takes its time with a new one
  replaceTableAs: (name, select, o = {}) => [`DROP TABLE IF EXISTS ${ident(name)}`, `CREATE ${o.temp ? 'TEMP ' : ''}TABLE ${ident(name)} AS ${select}`, ...analyze(name)],
  tableExists: (name) => `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ${lit(name)} AND (table_schema = current_schema() OR table_schema LIKE 'pg_temp%')`,
  viewExists: (name) => `SELECT count(*) AS n FROM pg_views WHERE viewname = ${lit(name)} AND schemaname = current_schema()`,
  intDiv: (a, b) => `div(${a}, ${b})::bigint`,
  firstValue: (v, o) => `(array_agg(${v} ORDER BY ${o}))[1]`,
  lead: (e, p, o) => `lead(${e}) OVER (PARTITION BY ${p} ORDER BY ${o})`,
  quantiles: (e, qs) => `percentile_cont(ARRAY[${qs.map(num).join(', ')}]::double precision[]) WITHIN GROUP (ORDER BY ${e})`,
  secondsBetween: (a, b) => `CAST(extract(epoch FROM date_trunc('second', ${b})) - extract(epoch FROM date_trunc('second', ${a})) AS DOUBLE PRECISION)`,
  dateText: (e, u) => `to_char(${e}, '${u === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD'}')`,
  byteOrder: (e) => `(${e} COLLATE "C")`,
  epochMicros: (e) => `CAST(extract(epoch FROM ${e}) * 1000000 AS BIGINT)`,
  addSeconds: (e, n) => `(${e} + make_interval(secs => ${n}))`,
  lag: (e, { partitionBy, orderBy }) => `lag(${e}) OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy})`,
  countIf: (c) => (c ? `count(*) FILTER (WHERE ${c})` : 'count(*)'),
  stddevSamp: (e) => `stddev_samp(${e})`,
  // no arg_min: the first element of the values ordered by the key (NULL keys last, as the other engines skip them)
  argMin: (v, by, f) => `(array_agg(${v} ORDER BY ${by.map((b) => `${b} ASC NULLS LAST`).join(', ')})${f ? ` FILTER (WHERE ${f})` : ''})[1]`,
  argMax: (v, by, f) => `(array_agg(${v} ORDER BY ${by.map((b) => `${b} DESC NULLS LAST`).join(', ')})${f ? ` FILTER (WHERE ${f})` : ''})[1]`,
  portableHash: (e) => `CAST(CAST('x' || substr(md5(${e}), 1, 15) AS bit(60)) AS BIGINT)`,
  stringAgg: (e, sep, by) => `string_agg(${e}, ${lit(sep)} ORDER BY ${by.join(', ')})`,
  jsonText: (j, k) => `(CAST(${j} AS JSON) ->> ${lit(k)})`,
  nullDouble: 'CAST(NULL AS DOUBLE PRECISION)',
  quarterText: (e) => `to_char(date_trunc('quarter', ${e}), 'YYYY-MM')`,
  // interval × an integer-valued double: exact below 2^53 µs (285 years)
  addMicros: (e, n) => `(${e} + CAST(${n} AS BIGINT) * INTERVAL '1 microsecond')`,
  refreshStatistics: analyze,
  inlineCte: 'NOT MATERIALIZED',
  semiJoin: (kind, table, alias, on) => ({ join: '', where: `${kind === 'anti' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${on})` }),
  rowId: null,
};
