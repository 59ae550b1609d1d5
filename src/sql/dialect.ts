/**
 * The per-engine SQL hooks (STYLE.md: Evidence/Cube keep a handful of hooks per warehouse, kysely
 * one dialect object per engine). A statement that differs between engines only in these pieces
 * is written once with the hooks; a statement that differs more lives in src/sql/<engine>/.
 *
 *   DuckDB      src/sql/duckdb.ts       (the default; every statement in src/ runs here)
 *   PostgreSQL  src/sql/postgres.ts
 *   ClickHouse  src/sql/clickhouse.ts   (chdb embedded, or a server over HTTP)
 */
import type { DialectName, Store } from '../store/types.js';
import { duckdbDialect } from './duckdb.js';
import { postgresDialect } from './postgres.js';
import { clickhouseDialect } from './clickhouse.js';

export type Period = 'day' | 'week' | 'month';

export interface Dialect {
  readonly name: DialectName;
  /** Column type names. */
  readonly types: { text: string; double: string; int: string; bigint: string; timestamp: string; date: string; json: string };
  /** A string literal ('it''s'; ClickHouse also escapes backslashes). */
  lit(value: string): string;
  /** A UTC timestamp literal. */
  timestamp(value: Date | string): string;
  /** A calendar-date literal, YYYY-MM-DD. */
  date(ymd: string): string;
  /** The calendar day of a timestamp (UTC). */
  toDate(expr: string): string;
  /** Whole days from date `from` to date `to` (to − from), an integer. */
  daysBetween(to: string, from: string): string;
  /** Start of the period holding `expr` (weeks start on Monday), as a timestamp or date. */
  periodStart(period: Period, expr: string): string;
  /** Seconds since 1970-01-01 UTC, as a double. */
  epochSeconds(expr: string): string;
  /** `expr` plus `n` days (n may be a SQL expression). */
  addDays(expr: string, n: string | number): string;
  /** The q-quantile (0..1) of `expr`, interpolated (q = 0.5: the median). */
  quantile(expr: string, q: number): string;
  /**
   * One row per group: the columns `select` of the row of `from` with the smallest `orderBy`
   * within each `partitionBy` group.
   */
  firstPerGroup(o: { select: string; from: string; partitionBy: string; orderBy: string }): string;
  /** A 64-bit hash of a string expression (engine-specific values: for bucketing, not for storage across engines). */
  hash64(expr: string): string;
  /** Statements that (re)create `name` as the result of `select`; temp = this connection/session only. */
  replaceTableAs(name: string, select: string, o?: { temp?: boolean }): string[];
  /** A query returning one row {n} > 0 when table `name` exists (for this connection). */
  tableExists(name: string): string;
  /** A query returning one row {n} > 0 when `name` is a view (of the current schema / database). */
  viewExists(name: string): string;
  /** Integer division of two non-negative integer expressions (DuckDB `//`; `/` on Postgres integers; ClickHouse intDiv). */
  intDiv(a: string, b: string): string;
  /** Aggregate: the value of `value` on the row with the smallest `orderBy` in the group (DuckDB first(… ORDER BY …)). */
  firstValue(value: string, orderBy: string): string;
  /** Window: `expr` on the next row of the partition in `orderBy` order, NULL on the last row. */
  lead(expr: string, partitionBy: string, orderBy: string): string;
  /** Aggregate: the q-quantiles (0..1, interpolated as `quantile`) of `expr` as one array value. */
  quantiles(expr: string, qs: readonly number[]): string;
  /** Whole seconds from timestamp `from` to `to` as a double: second boundaries crossed (DuckDB date_diff('second', …)). */
  secondsBetween(from: string, to: string): string;
  /** A timestamp or date as text: 'YYYY-MM' (month) or 'YYYY-MM-DD' (day). */
  dateText(expr: string, unit: 'month' | 'day'): string;
  /** A text expression to ORDER BY in byte order (Postgres otherwise sorts by the database's locale). */
  byteOrder(expr: string): string;
  /** Microseconds since 1970-01-01 UTC, a 64-bit integer. */
  epochMicros(expr: string): string;
  /** `expr` plus `n` seconds (n may be negative, or a SQL expression). */
  addSeconds(expr: string, n: string | number): string;
  /** The previous row's `expr` in the window (NULL on the first row of each partition). */
  lag(expr: string, o: { partitionBy: string; orderBy: string }): string;
  /** Rows where `cond` holds (every row without one), as a signed 64-bit integer (ClickHouse's count is unsigned). */
  countIf(cond?: string): string;
  /** The sample standard deviation of `expr`; NULL with fewer than two values (ClickHouse gives nan). */
  stddevSamp(expr: string): string;
  /** `value` of the row with the smallest tuple `by` (lexicographic) among the rows where `filter` holds. */
  argMin(value: string, by: readonly string[], filter?: string): string;
  /** `value` of the row with the largest tuple `by` among the rows where `filter` holds. */
  argMax(value: string, by: readonly string[], filter?: string): string;
  /**
   * A non-negative 60-bit hash of a string expression that is THE SAME on every engine (the first
   * 15 hex digits of its MD5): for seeded samples and draws whose results must agree across engines.
   */
  portableHash(expr: string): string;
  /** The group's `expr` values joined by `sep`, in ascending order of the tuple `orderBy`. */
  stringAgg(expr: string, sep: string, orderBy: readonly string[]): string;
  /** The top-level `key` of a JSON text/value as text (a string without quotes, a number as written); NULL when absent or null. */
  jsonText(json: string, key: string): string;
  /** A NULL of the double type (ClickHouse: Nullable(Float64)). */
  readonly nullDouble: string;
  /** The first month of the calendar quarter holding a timestamp, as text 'YYYY-MM' (UTC). */
  quarterText(expr: string): string;
  /** `expr` plus `n` microseconds exactly (n a 64-bit integer SQL expression, may be negative). */
  addMicros(expr: string, n: string): string;
  /**
   * Statements that refresh the planner's statistics of `table` after a bulk write (Postgres:
   * ANALYZE — a table its autovacuum has not analysed yet, or any TEMP table, which autovacuum never
   * analyses, is planned as if nearly empty: nested loops over it took 40–70 s at 1M events). None
   * on DuckDB and ClickHouse, which keep their statistics as they write.
   */
  refreshStatistics(table: string): string[];
  /**
   * Rows of the FROM item before it that have (`semi`) or have no (`anti`) row of `table` (alias
   * `alias`) matching `on`: a clause to put right after that FROM item (DuckDB SEMI/ANTI JOIN,
   * ClickHouse LEFT SEMI/ANTI JOIN; empty on Postgres) and a condition for the WHERE (Postgres
   * [NOT] EXISTS, which its planner runs as a semi/anti join; 1 = 1 elsewhere).
   */
  semiJoin(kind: 'semi' | 'anti', table: string, alias: string, on: string): { join: string; where: string };
  /**
   * What goes between a CTE's `AS` and its `(` to have the CTE inlined where it is read, not materialized:
   * DuckDB materializes a CTE read more than once, and a CTE over the events (millions of rows) then costs a
   * copy and one slow scan of it per read (network_peer_decisions at 10.8M events: 15.9 → 7.2 CPU-s inlined).
   * `AS NOT MATERIALIZED` on DuckDB and Postgres; empty on ClickHouse, whose CTEs are always inlined.
   */
  readonly inlineCte: string;
  /**
   * The integer every row of a table carries without a column (DuckDB rowid: unique, 0..n−1 in a table just
   * written by CREATE TABLE AS), or null: a table that needs a row key then numbers its rows itself
   * (row_number() OVER (), which on DuckDB costs ~0.4 CPU-s per million wide rows, measured on a quiet machine).
   */
  readonly rowId: string | null;
}

const DIALECTS: Record<DialectName, Dialect> = { duckdb: duckdbDialect, postgres: postgresDialect, clickhouse: clickhouseDialect };

export function dialectOf(store: Pick<Store, 'dialect'> | DialectName): Dialect {
  return DIALECTS[typeof store === 'string' ? store : store.dialect];
}

/** Whether `name` exists as a table or view the store's connection can read. */
export async function tableExists(store: Store, name: string): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(dialectOf(store).tableExists(name));
  return Number(row?.n ?? 0) > 0;
}

/** Whether `name` is a view on the store. */
export async function viewExists(store: Store, name: string): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(dialectOf(store).viewExists(name));
  return Number(row?.n ?? 0) > 0;
}

/** (Re)creates `name` from `select` on the store. */
export async function replaceTableAs(store: Store, name: string, select: string, o: { temp?: boolean } = {}): Promise<void> {
  for (const s of dialectOf(store).replaceTableAs(name, select, o)) await store.exec(s);
}
