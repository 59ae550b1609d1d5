/**
 * CLV sufficient statistics, computed by SQL inside the store (DESIGN.md: raw events are touched
 * only by SQL). Per customer, from purchase events:
 *   - purchase days: several purchases on one day are one transaction whose spend is the sum
 *     of that day's amounts;
 *   - x   = repeat purchase days after the first purchase day, up to the calibration end;
 *   - t_x = last calibration purchase day − first purchase day; T = calibration end − first day;
 *     both in the chosen unit (day = 1, week = 7, month = 365.25/12 days);
 *   - monetary = mean spend of the repeat purchase days in calibration (Gamma-Gamma), NULL if x = 0;
 *   - holdout_x = purchase days in (calibration end, holdout end].
 * Customers whose first purchase falls after the calibration end are not in the calibration
 * cohort and are left out. Dates are inclusive calendar days of the timestamps as stored.
 *
 * The per-customer rows stay in a store table; only the compressed distinct (x, t_x, T) tuples
 * with their counts (and spend tuples) come back to TypeScript, as typed columns. Both tables are
 * TEMP (this connection only, never written to the store file: 2.5 s instead of 3.7-5 s for 1M
 * customers); the scores that are meant to last go to clv_scores (score.ts).
 * The SQL is written once for every engine: the few pieces that differ (date literals, the day of
 * a timestamp, day differences, type names, TEMP tables) come from the dialect (src/sql/dialect.ts).
 */
import type { Store } from '../store/types.js';
import { dialectOf, type Dialect } from '../sql/dialect.js';
import { TABLES } from '../sql/tables.js';
import { ClvInputError } from './errors.js';

export type TimeUnit = 'day' | 'week' | 'month';

export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7, month: 365.25 / 12 };

export const SUMMARY_DEFAULTS = {
  eventType: 'purchase',
  eventsTable: TABLES.events,
  /** Per-customer statistics table written by buildCustomerSummary. */
  summaryTable: TABLES.clvCustomerSummary,
  /** Distinct (x, t_x, T) tuples with counts and a tuple_id. */
  tuplesTable: TABLES.clvTuples,
};

export interface SummaryOptions {
  unit: TimeUnit;
  /** Last calibration day, YYYY-MM-DD, inclusive. */
  calibrationEnd: string;
  /** Last holdout day, YYYY-MM-DD, inclusive. */
  holdoutEnd?: string;
  eventType?: string;
  eventsTable?: string;
  summaryTable?: string;
  tuplesTable?: string;
}

export interface CustomerSummaryInfo {
  customers: number;
  repeatBuyers: number;
  /** Σ holdout_x, when there is a holdout. */
  holdoutRepeatPurchases: number | null;
  unit: TimeUnit;
  calibrationEnd: string;
  holdoutEnd: string | null;
  /** Calibration length of the cohort in units (calibration end − earliest first purchase). */
  calibrationSpan: number;
  /** Holdout length in units, or null. */
  holdoutLength: number | null;
  summaryTable: string;
  tuplesTable: string;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkDate(name: string, v: string): void {
  if (!DATE_RE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    throw new ClvInputError(`${name} "${v}" is not a YYYY-MM-DD date`);
  }
}

function checkIdent(name: string, v: string): void {
  if (!IDENT_RE.test(v)) throw new ClvInputError(`${name} "${v}" is not a plain SQL identifier`);
}

export function resolveSummaryOptions(o: SummaryOptions): Required<Omit<SummaryOptions, 'holdoutEnd'>> & { holdoutEnd: string | null } {
  if (!(o.unit in UNIT_DAYS)) throw new ClvInputError(`unit "${o.unit}" must be day, week or month`);
  checkDate('calibration end', o.calibrationEnd);
  if (o.holdoutEnd !== undefined) {
    checkDate('holdout end', o.holdoutEnd);
    if (o.holdoutEnd <= o.calibrationEnd) throw new ClvInputError(`holdout end ${o.holdoutEnd} must be after calibration end ${o.calibrationEnd}`);
  }
  const r = {
    unit: o.unit,
    calibrationEnd: o.calibrationEnd,
    holdoutEnd: o.holdoutEnd ?? null,
    eventType: o.eventType ?? SUMMARY_DEFAULTS.eventType,
    eventsTable: o.eventsTable ?? SUMMARY_DEFAULTS.eventsTable,
    summaryTable: o.summaryTable ?? SUMMARY_DEFAULTS.summaryTable,
    tuplesTable: o.tuplesTable ?? SUMMARY_DEFAULTS.tuplesTable,
  };
  checkIdent('events table', r.eventsTable);
  checkIdent('summary table', r.summaryTable);
  checkIdent('tuples table', r.tuplesTable);
  return r;
}

/** Statements that replace `name` by a TEMP table of `select`, as one script. */
const tempTable = (d: Dialect, name: string, select: string): string => `${d.replaceTableAs(name, select, { temp: true }).join(';\n')};\n`;

/** The SQL that builds the per-customer table (exported so tests can check the text). */
export function summaryTableSql(o: SummaryOptions, d: Dialect = dialectOf('duckdb')): string {
  const r = resolveSummaryOptions(o);
  const cal = d.date(r.calibrationEnd);
  const last = r.holdoutEnd ? d.date(r.holdoutEnd) : cal;
  const u = UNIT_DAYS[r.unit];
  return tempTable(d, r.summaryTable, `
WITH days AS (
  SELECT customer_id, ${d.toDate('ts')} AS d, SUM(amount) AS spend
  FROM ${r.eventsTable}
  WHERE type = ${d.lit(r.eventType)} AND ${d.toDate('ts')} <= ${last}
  GROUP BY customer_id, ${d.toDate('ts')}
),
firsts AS (
  SELECT customer_id, MIN(d) AS first_day FROM days GROUP BY customer_id HAVING MIN(d) <= ${cal}
),
per_customer AS (
  SELECT f.customer_id, f.first_day,
    COUNT(*) FILTER (WHERE d.d > f.first_day AND d.d <= ${cal}) AS x,
    ${d.daysBetween(`MAX(d.d) FILTER (WHERE d.d <= ${cal})`, 'f.first_day')} AS recency_days,
    ${d.daysBetween(cal, 'f.first_day')} AS age_days,
    AVG(d.spend) FILTER (WHERE d.d > f.first_day AND d.d <= ${cal}) AS monetary,
    COUNT(*) FILTER (WHERE d.d > ${cal}) AS holdout_x
  FROM firsts f JOIN days d ON d.customer_id = f.customer_id
  GROUP BY f.customer_id, f.first_day
)
SELECT customer_id, first_day, CAST(x AS INTEGER) AS x, CAST(recency_days AS INTEGER) AS recency_days,
  CAST(age_days AS INTEGER) AS age_days,
  CAST(recency_days AS ${d.types.double}) / ${u} AS t_x, CAST(age_days AS ${d.types.double}) / ${u} AS "T",
  monetary, CAST(holdout_x AS INTEGER) AS holdout_x
FROM per_customer`);
}

/** Compression: the distinct (x, t_x, T) tuples of the per-customer table with their counts and a tuple_id. */
export function tuplesTableSql(o: SummaryOptions, d: Dialect = dialectOf('duckdb')): string {
  const r = resolveSummaryOptions(o);
  return tempTable(d, r.tuplesTable, `
SELECT CAST(row_number() OVER (ORDER BY x, recency_days, age_days) - 1 AS INTEGER) AS tuple_id, *
FROM (
  SELECT x, recency_days, age_days, MIN(t_x) AS t_x, MIN("T") AS "T", CAST(COUNT(*) AS ${d.types.double}) AS n_customers
  FROM ${r.summaryTable} GROUP BY x, recency_days, age_days
) g`);
}

/** Both statements: the per-customer table, then its compression. */
export function customerSummarySql(o: SummaryOptions, d: Dialect = dialectOf('duckdb')): string {
  return summaryTableSql(o, d) + tuplesTableSql(o, d);
}

/** Builds the per-customer table and the tuples table in the store. */
export async function buildCustomerSummary(store: Store, o: SummaryOptions): Promise<CustomerSummaryInfo> {
  await store.exec(customerSummarySql(o, dialectOf(store)));
  return summaryInfo(store, o);
}

/** Counts of a per-customer table already built with these options. */
export async function summaryInfo(store: Store, o: SummaryOptions): Promise<CustomerSummaryInfo> {
  const r = resolveSummaryOptions(o);
  const [row] = await store.query<{ customers: number; repeat_buyers: number; holdout: number | null; max_age: number | null }>(
    `SELECT COUNT(*) AS customers, COUNT(*) FILTER (WHERE x > 0) AS repeat_buyers,
       SUM(holdout_x) AS holdout, MAX(age_days) AS max_age FROM ${r.summaryTable}`,
  );
  const u = UNIT_DAYS[r.unit];
  const holdoutDays = r.holdoutEnd
    ? Math.round((Date.parse(`${r.holdoutEnd}T00:00:00Z`) - Date.parse(`${r.calibrationEnd}T00:00:00Z`)) / 86_400_000)
    : null;
  return {
    customers: Number(row.customers),
    repeatBuyers: Number(row.repeat_buyers),
    holdoutRepeatPurchases: r.holdoutEnd ? Number(row.holdout ?? 0) : null,
    unit: r.unit,
    calibrationEnd: r.calibrationEnd,
    holdoutEnd: r.holdoutEnd,
    calibrationSpan: Number(row.max_age ?? 0) / u,
    holdoutLength: holdoutDays === null ? null : holdoutDays / u,
    summaryTable: r.summaryTable,
    tuplesTable: r.tuplesTable,
  };
}

/** Compressed (x, t_x, T, count) tuples; index i is tuple_id i of the tuples table. */
export interface RfmColumns {
  x: Float64Array;
  t_x: Float64Array;
  T: Float64Array;
  count: Float64Array;
}

export async function loadRfmTuples(store: Store, info: Pick<CustomerSummaryInfo, 'tuplesTable'>): Promise<RfmColumns> {
  const rows = await store.query<{ x: number; t_x: number; T: number; n_customers: number }>(
    `SELECT x, t_x, "T", n_customers FROM ${info.tuplesTable} ORDER BY tuple_id`,
  );
  const n = rows.length;
  const out = { x: new Float64Array(n), t_x: new Float64Array(n), T: new Float64Array(n), count: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    out.x[i] = r.x;
    out.t_x[i] = r.t_x;
    out.T[i] = r.T;
    out.count[i] = r.n_customers;
  }
  return out;
}

/**
 * Spend tuples of the repeat buyers: distinct (x, monetary) with counts, in a fixed order (so the
 * screening subsample, and with it the fit to its last digit, is the same on every run). Buyers
 * whose mean repeat spend is not positive (no amounts, or returns netted in) are left out:
 * Gamma-Gamma needs m > 0.
 */
export interface SpendColumns {
  x: Float64Array;
  monetary: Float64Array;
  count: Float64Array;
}

export async function loadSpendTuples(store: Store, info: Pick<CustomerSummaryInfo, 'summaryTable'>): Promise<SpendColumns> {
  const rows = await store.query<{ x: number; monetary: number; n: number }>(
    `SELECT x, monetary, CAST(COUNT(*) AS ${dialectOf(store).types.double}) AS n FROM ${info.summaryTable}
     WHERE x > 0 AND monetary > 0 GROUP BY x, monetary ORDER BY x, monetary`,
  );
  const n = rows.length;
  const out = { x: new Float64Array(n), monetary: new Float64Array(n), count: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    out.x[i] = rows[i].x;
    out.monetary[i] = rows[i].monetary;
    out.count[i] = rows[i].n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Discrete time (BG/BB)

/** (x, t_x, n) tuples with counts, and per holdout tuple the actual transactions in n* more periods. */
export interface DiscreteSummary {
  tuples: { x: Float64Array; t_x: Float64Array; n: Float64Array; count: Float64Array };
  /** Customers left out because no whole period followed their first purchase before the calibration end. */
  tooRecent: number;
  holdout: {
    x: Float64Array; t_x: Float64Array; n: Float64Array; nStar: Float64Array; actual: Float64Array; count: Float64Array;
  } | null;
}

/**
 * Discrete-time statistics for BG/BB: each customer's time after the first purchase is cut into
 * periods of the unit (period 0 holds the first purchase). Opportunities 1..n are the whole periods
 * that end on or before the calibration end; x = periods among them with a purchase, t_x = the last
 * such period (0 if none). With a holdout, n* = the further whole periods up to the holdout end and
 * the actual count is the periods among them with a purchase.
 */
export function discreteSummarySql(o: SummaryOptions, d: Dialect = dialectOf('duckdb')): string {
  const r = resolveSummaryOptions(o);
  const cal = d.date(r.calibrationEnd);
  const last = r.holdoutEnd ? d.date(r.holdoutEnd) : cal;
  const dbl = d.types.double;
  const u = `CAST(${UNIT_DAYS[r.unit]} AS ${dbl})`;
  return `
WITH days AS (
  SELECT DISTINCT customer_id, ${d.toDate('ts')} AS d FROM ${r.eventsTable}
  WHERE type = ${d.lit(r.eventType)} AND ${d.toDate('ts')} <= ${last}
),
firsts AS (
  SELECT customer_id, MIN(d) AS first_day FROM days GROUP BY customer_id HAVING MIN(d) <= ${cal}
),
periods AS (
  -- names differ from per_customer's aliases: ClickHouse resolves an alias before a column
  SELECT f.customer_id, CAST(FLOOR(CAST(${d.daysBetween('d.d', 'f.first_day')} AS ${dbl}) / ${u}) AS INTEGER) AS k,
    CAST(FLOOR(CAST(${d.daysBetween(cal, 'f.first_day')} + 1 AS ${dbl}) / ${u}) AS INTEGER) - 1 AS n_cal,
    CAST(FLOOR(CAST(${d.daysBetween(last, 'f.first_day')} + 1 AS ${dbl}) / ${u}) AS INTEGER) - 1 AS n_last
  FROM firsts f JOIN days d ON d.customer_id = f.customer_id
),
per_customer AS (
  SELECT customer_id, MIN(n_cal) AS n, MIN(n_last) - MIN(n_cal) AS n_star,
    COUNT(DISTINCT k) FILTER (WHERE k >= 1 AND k <= n_cal) AS x,
    COALESCE(MAX(k) FILTER (WHERE k >= 1 AND k <= n_cal), 0) AS t_x,
    COUNT(DISTINCT k) FILTER (WHERE k > n_cal AND k <= n_last) AS holdout_x
  FROM periods GROUP BY customer_id
)
SELECT CAST(x AS INTEGER) AS x, CAST(t_x AS INTEGER) AS t_x, CAST(n AS INTEGER) AS n, CAST(n_star AS INTEGER) AS n_star,
  CAST(holdout_x AS INTEGER) AS holdout_x, CAST(COUNT(*) AS ${dbl}) AS count
FROM per_customer GROUP BY 1, 2, 3, 4, 5 ORDER BY n, x, t_x, n_star, holdout_x`;
}

export async function buildDiscreteSummary(store: Store, o: SummaryOptions): Promise<DiscreteSummary> {
  const r = resolveSummaryOptions(o);
  const rows = await store.query<{ x: number; t_x: number; n: number; n_star: number; holdout_x: number; count: number }>(discreteSummarySql(o, dialectOf(store)));
  let tooRecent = 0;
  const fit = new Map<string, [number, number, number, number]>();
  const kept = rows.filter((row) => {
    if (row.n >= 1) return true;
    tooRecent += Number(row.count);
    return false;
  });
  for (const row of kept) {
    const key = `${row.x}|${row.t_x}|${row.n}`;
    const v = fit.get(key) ?? [row.x, row.t_x, row.n, 0];
    v[3] += Number(row.count);
    fit.set(key, v);
  }
  const f = [...fit.values()];
  const tuples = {
    x: Float64Array.from(f, (v) => v[0]), t_x: Float64Array.from(f, (v) => v[1]), n: Float64Array.from(f, (v) => v[2]), count: Float64Array.from(f, (v) => v[3]),
  };
  const holdout = r.holdoutEnd
    ? {
        x: Float64Array.from(kept, (v) => v.x), t_x: Float64Array.from(kept, (v) => v.t_x), n: Float64Array.from(kept, (v) => v.n),
        nStar: Float64Array.from(kept, (v) => v.n_star), actual: Float64Array.from(kept, (v) => v.holdout_x), count: Float64Array.from(kept, (v) => Number(v.count)),
      }
    : null;
  return { tuples, tooRecent, holdout };
}
