/**
 * ClickHouse's hooks (src/sql/dialect.ts), for chdb and a server alike. The store sessions set
 * aggregate_functions_null_for_empty and join_use_nulls, so an aggregate over no rows is NULL and
 * an outer join's missing side is NULL, as in standard SQL (src/store/clickhouse/settings.ts).
 */
import type { Dialect } from './dialect.js';
import { ident, litFor, num, timestampText } from './quote.js';

const lit = (v: string): string => litFor('clickhouse', v);

export const clickhouseDialect: Dialect = {
  name: 'clickhouse',
  types: { text: 'String', double: 'Float64', int: 'Int32', bigint: 'Int64', timestamp: "DateTime64(6, 'UTC')", date: 'Date32', json: 'String' },
  lit,
  timestamp: (v) => `toDateTime64(${lit(timestampText(v))}, 6, 'UTC')`,
  date: (ymd) => `toDate32(${lit(ymd)})`,
  toDate: (e) => `toDate32(${e})`,
  daysBetween: (to, from) => `toInt32(dateDiff('day', ${from}, ${to}))`,
  periodStart: (p, e) => (p === 'week' ? `toStartOfWeek(${e}, 1)` : p === 'month' ? `toStartOfMonth(${e})` : `toStartOfDay(${e})`),
  epochSeconds: (e) => `toFloat64(toUnixTimestamp64Micro(${e})) / 1e6`,
  addDays: (e, n) => `addDays(${e}, ${n})`,
  quantile: (e, q) => `quantileExactInclusive(${num(q)})(${e})`,
  firstPerGroup: ({ select, from, partitionBy, orderBy }) =>
    `SELECT ${select} FROM ${from} ORDER BY ${partitionBy}, ${orderBy} LIMIT 1 BY ${partitionBy}`,
  hash64: (e) => `reinterpretAsInt64(sipHash64(${e}))`,
  replaceTableAs: (name, select, o = {}) =>
    o.temp
      ? [`DROP TEMPORARY TABLE IF EXISTS ${ident(name)}`, `CREATE TEMPORARY TABLE ${ident(name)} ENGINE = Memory AS ${select}`]
      : [`CREATE OR REPLACE TABLE ${ident(name)} ENGINE = MergeTree ORDER BY tuple() AS ${select}`],
  tableExists: (name) => `SELECT count() AS n FROM system.tables WHERE name = ${lit(name)} AND (database = currentDatabase() OR is_temporary)`,
  viewExists: (name) => `SELECT count() AS n FROM system.tables WHERE name = ${lit(name)} AND database = currentDatabase() AND engine = 'View'`,
  intDiv: (a, b) => `intDiv(${a}, ${b})`,
  // argMin skips rows whose value is NULL; Spiral groups by a unique key (event_id) where it uses this
  firstValue: (v, o) => `argMin(${v}, ${o})`,
  // leadInFrame needs the frame to reach the next row, and returns the type's default (not NULL) past the last row
  lead: (e, p, o) => `leadInFrame(toNullable(${e})) OVER (PARTITION BY ${p} ORDER BY ${o} ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)`,
  quantiles: (e, qs) => `quantilesExactInclusive(${qs.map(num).join(', ')})(${e})`,
  secondsBetween: (a, b) => `toFloat64(dateDiff('second', ${a}, ${b}))`,
  dateText: (e, u) => `formatDateTime(${e}, '${u === 'month' ? '%Y-%m' : '%Y-%m-%d'}')`,
  byteOrder: (e) => e,
  epochMicros: (e) => `toUnixTimestamp64Micro(${e})`,
  addSeconds: (e, n) => `addMicroseconds(${e}, toInt64(round(1e6 * (${n}))))`,
  lag: (e, { partitionBy, orderBy }) =>
    `lagInFrame(toNullable(${e}), 1, NULL) OVER (PARTITION BY ${partitionBy} ORDER BY ${orderBy} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
  countIf: (c) => (c ? `toInt64(countIf(${c}))` : 'toInt64(count())'),
  stddevSamp: (e) => `if(count(${e}) > 1, stddevSamp(${e}), NULL)`,
  argMin: (v, by, f) => `argMin${f ? 'If' : ''}(${v}, ${by.length === 1 ? by[0] : `tuple(${by.join(', ')})`}${f ? `, ${f}` : ''})`,
  argMax: (v, by, f) => `argMax${f ? 'If' : ''}(${v}, ${by.length === 1 ? by[0] : `tuple(${by.join(', ')})`}${f ? `, ${f}` : ''})`,
  portableHash: (e) => `toInt64(bitShiftRight(reinterpretAsUInt64(reverse(substring(MD5(${e}), 1, 8))), 4))`,
  // no ordered string_agg: sort (key…, value) tuples, keep the values
  stringAgg: (e, sep, by) =>
    `if(count(${e}) = 0, NULL, arrayStringConcat(arrayMap(t -> tupleElement(t, ${by.length + 1}), arraySort(groupArrayIf(tuple(${by.join(', ')}, ${e}), ${e} IS NOT NULL))), ${lit(sep)}))`,
  // props is a String column: JSONExtractString for strings, the raw text for numbers and booleans
  jsonText: (j, k) => `multiIf(JSONType(${j}, ${lit(k)}) = 'String', JSONExtractString(${j}, ${lit(k)}), JSONType(${j}, ${lit(k)}) = 'Null', NULL, JSONExtractRaw(${j}, ${lit(k)}))`,
  nullDouble: 'CAST(NULL AS Nullable(Float64))',
  quarterText: (e) => `formatDateTime(toStartOfQuarter(${e}), '%Y-%m')`,
  addMicros: (e, n) => `addMicroseconds(${e}, toInt64(${n}))`,
  refreshStatistics: () => [],
  inlineCte: '',
  semiJoin: (kind, table, alias, on) => ({ join: `LEFT ${kind === 'anti' ? 'ANTI' : 'SEMI'} JOIN ${table} ${alias} ON ${on}`, where: '1 = 1' }),
  rowId: null,
};
