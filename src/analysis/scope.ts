/**
 * Events dated far outside the data: kept in the store, left out of every model.
 *
 * One purchase dated 2100-01-01 stretched the weekly grid to 10,436 periods and put NaN into the
 * CLV tracking (issue 17.3). A date after the latest ingest (plus a day for clocks and time
 * zones) cannot have happened when the file was written, and one before 1970 predates any
 * digital event log; both are damage to their row. They stay in the store (nothing is lost and a
 * corrected mapping can explain them) but the analysis reads `events` through a temporary view of
 * the plausible rows only, and says how many it left out and their range.
 */
import type { Warning } from '../domain/result.js';
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';
import { ident } from '../sql/quote.js';
import { TABLES } from '../sql/tables.js';

/** Earliest plausible event date. */
export const EARLIEST_EVENT = '1970-01-01';
/** How far past the latest ingest an event may be dated (clock skew, time zones). */
export const FUTURE_TOLERANCE_DAYS = 1;

export interface DateScope {
  /** Events at or after `from` and before `until` are analysed. */
  from: string;
  until: string;
  excluded: number;
  /** Range of the excluded dates (null when none). */
  min: string | null;
  max: string | null;
}

const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : d == null ? null : String(d));

/**
 * The window of plausible dates for this store: [1970-01-01, latest ingest + 1 day), or + 1 day
 * from `now` for a store without an ingest record; and what falls outside it.
 */
export async function plausibleDateScope(store: Store, table: string, now: Date = new Date()): Promise<DateScope> {
  const [{ last }] = await store.query<{ last: Date | null }>(`SELECT max(started_at) AS last FROM ${TABLES.ingests}`);
  const ref = last instanceof Date ? last : now;
  const until = new Date(ref.getTime() + FUTURE_TOLERANCE_DAYS * 86_400_000).toISOString();
  const from = `${EARLIEST_EVENT}T00:00:00.000Z`;
  const d = dialectOf(store);
  const [r] = await store.query<{ n: number; min: Date | null; max: Date | null }>(
    `SELECT count(*) AS n, min(ts) AS min, max(ts) AS max FROM ${table}
     WHERE ts < ${d.timestamp(from.slice(0, 19))} OR ts >= ${d.timestamp(until.slice(0, 19))}`,
  );
  return { from, until, excluded: r.n, min: iso(r.min), max: iso(r.max) };
}

/**
 * Makes `events` on this connection show only the plausibly dated rows (a temporary view that
 * shadows the table; the stored rows are untouched) and returns the warning to show, or null when
 * every event is in range. Idempotent.
 */
export async function scopeToPlausibleDates(store: Store, now?: Date): Promise<Warning | null> {
  const table = await storedEventsTable(store);
  await store.exec(dropShadow[store.dialect]);
  const scope = await plausibleDateScope(store, table, now);
  if (scope.excluded === 0) return null;
  const d = dialectOf(store);
  const plausible = `SELECT * FROM ${table} WHERE ts >= ${d.timestamp(scope.from.slice(0, 19))} AND ts < ${d.timestamp(scope.until.slice(0, 19))}`;
  // ClickHouse has no temporary views: a temporary table of the plausible rows shadows `events`
  await store.exec(store.dialect === 'clickhouse'
    ? `CREATE TEMPORARY TABLE ${TABLES.events} ENGINE = Memory AS ${plausible}`
    : `CREATE TEMP VIEW ${TABLES.events} AS ${plausible}`);
  const n = scope.excluded.toLocaleString('en-US');
  return {
    section: 'overview',
    message: `${n} event${scope.excluded === 1 ? '' : 's'} dated outside ${scope.from.slice(0, 10)} … ${scope.until.slice(0, 10)} ` +
      `(from ${scope.min?.slice(0, 10)} to ${scope.max?.slice(0, 10)}) kept in the store but left out of the analysis: ` +
      `a date after the latest ingest (+${FUTURE_TOLERANCE_DAYS} day) or before ${EARLIEST_EVENT} is taken as damage to the row`,
  };
}

/** The shadow of `events` this module may have made on the connection, dropped. */
const dropShadow: Record<Store['dialect'], string> = {
  duckdb: `DROP VIEW IF EXISTS temp.${TABLES.events}`,
  postgres: `DROP VIEW IF EXISTS pg_temp.${TABLES.events}`,
  clickhouse: `DROP TEMPORARY TABLE IF EXISTS ${TABLES.events}`,
};

/** The stored `events` table, qualified so a temporary shadow of it is not read instead. */
async function storedEventsTable(store: Store): Promise<string> {
  const q = { duckdb: 'SELECT current_database() AS db', postgres: 'SELECT current_schema() AS db', clickhouse: 'SELECT currentDatabase() AS db' }[store.dialect];
  const [{ db }] = await store.query<{ db: string }>(q);
  return store.dialect === 'duckdb' ? `${ident(db)}.main.${TABLES.events}` : `${ident(db)}.${TABLES.events}`;
}
