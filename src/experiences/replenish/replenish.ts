/**
 * Replenishment (the "automatic execution" experience): for every (customer, item) pair with a
 * repeat purchase — or every customer when the data has no items — the next purchase date and
 * quantity with an 80% interval. SQL reduces the purchases to per-pair statistics (purchase days,
 * count / mean / variance of the log intervals between them, the last purchase day, log quantity
 * per purchase day); the model (models/replenish/interpurchase.ts) shrinks each pair toward its
 * item and the item toward the population; the forecasts go back to the store as `replenishment`.
 */
import type { Store } from '../../store/types.js';
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { fitShrinkage, truncatedLogNormalForecast, REPLENISH_DEFAULTS, type ShrinkageFit } from '../../models/replenish/interpurchase.js';
import { readColumns, writeColumns } from '../../network/io.js';
import { num } from '../../sql/quote.js';
import { dialectOf, replaceTableAs, type Dialect } from '../../sql/dialect.js';

import { REPLENISHMENT_TABLE } from '../contracts.js';

/** The store table the actions step reads (../contracts.ts). */
export { REPLENISHMENT_TABLE };

export type ReplenishLevel = 'item' | 'customer';

interface PairColumns {
  length: number;
  gid: Int32Array;
  n: Int32Array;
  qn: Int32Array;
  lastDay: Int32Array;
  meanLog: Float64Array;
  varLog: Float64Array;
  meanGap: Float64Array;
  qMeanLog: Float64Array;
  qVarLog: Float64Array;
}

/** The day number (days since 1970-01-01) of a date expression, an integer. */
const dayNumber = (d: Dialect, e: string): string => `CAST(${d.daysBetween(e, d.date('1970-01-01'))} AS ${d.types.int})`;
/** The date of a day number. */
const dateOf = (d: Dialect, n: string): string => `CAST(${d.addDays(d.date('1970-01-01'), n)} AS ${d.types.date})`;
/** The variance of `e` over the group's rows, 0 with fewer than two (var_samp is NULL there; ClickHouse's varSamp gives nan). */
const varSamp = (e: string, n: string): string => `CASE WHEN ${n} > 1 THEN var_samp(${e}) ELSE 0 END`;

/**
 * rep_pairs: per (customer, item) with at least two purchase days before `cutoff` — the count, mean
 * and variance of log days between purchase days, the mean gap, the last purchase day (days since
 * 1970-01-01), and log quantity per purchase day — with dense integer ids for the model.
 */
async function buildPairs(store: Store, level: ReplenishLevel, cutoff: string | null): Promise<PairColumns> {
  const d = dialectOf(store);
  const int = d.types.int, dbl = d.types.double;
  const item = level === 'item' ? 'item_id' : "''";
  // Postgres refuses a constant in GROUP BY: without items the customer alone is the key
  const byItem = level === 'item' ? 'item_id, ' : '';
  const where = `type = 'purchase'${level === 'item' ? ' AND item_id IS NOT NULL' : ''}${cutoff === null ? '' : ` AND ts < ${d.timestamp(cutoff)}`}`;
  // A quantity's log where it is positive, NULL elsewhere (the aggregates skip it: FILTER on every engine).
  const lq = `CASE WHEN q > 0 THEN ln(CAST(q AS ${dbl})) END`;
  const lg = `ln(CAST(gap AS ${dbl}))`;
  await replaceTableAs(store, 'rep_pairs', `
    WITH d AS (
      SELECT customer_id, ${item} AS item_key, ${d.toDate('ts')} AS day, sum(quantity) AS q
      FROM events WHERE ${where} GROUP BY customer_id, ${byItem}${d.toDate('ts')}),
    multi AS (SELECT customer_id, item_key FROM d GROUP BY customer_id, item_key HAVING count(*) >= 2),
    g AS (
      SELECT d.customer_id AS customer_id, d.item_key AS item_key, d.day AS day, d.q AS q,
        ${d.daysBetween('d.day', d.lag('d.day', { partitionBy: 'd.customer_id, d.item_key', orderBy: 'd.day' }))} AS gap
      FROM d JOIN multi ON multi.customer_id = d.customer_id AND multi.item_key = d.item_key),
    s AS (
      SELECT customer_id, item_key, CAST(count(gap) AS ${int}) AS n, avg(${lg}) AS mean_log, ${varSamp(lg, 'count(gap)')} AS var_log,
        CAST(avg(gap) AS ${dbl}) AS mean_gap, ${dayNumber(d, 'max(day)')} AS last_day,
        CAST(count(${lq}) AS ${int}) AS q_n, avg(${lq}) AS q_mean_log, ${varSamp(lq, `count(${lq})`)} AS q_var_log
      FROM g GROUP BY customer_id, item_key)
    SELECT CAST(row_number() OVER (ORDER BY ${d.byteOrder('customer_id')}, ${d.byteOrder('item_key')}) - 1 AS ${int}) AS pid,
      CAST(dense_rank() OVER (ORDER BY ${d.byteOrder('item_key')}) - 1 AS ${int}) AS gid,
      customer_id, item_key, n, mean_log, var_log, mean_gap, last_day, q_n, q_mean_log, q_var_log FROM s`, { temp: true });
  // named as the batch's fields (another engine's rows are read by name; DuckDB's columns by position)
  const b = await readColumns(store,
    `SELECT gid, n, q_n AS "qn", last_day AS "lastDay", mean_log AS "meanLog", var_log AS "varLog", mean_gap AS "meanGap",
      coalesce(q_mean_log, 0) AS "qMeanLog", q_var_log AS "qVarLog" FROM rep_pairs ORDER BY pid`,
    ['gid', 'n', 'qn', 'lastDay'], ['meanLog', 'varLog', 'meanGap', 'qMeanLog', 'qVarLog']);
  return { length: b.length, ...b.int, ...b.float };
}

export interface PairForecasts {
  due: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  quantity: Float64Array;
  quantityLower: Float64Array;
  quantityUpper: Float64Array;
  /** The mean-interval baseline's due day. */
  baselineDue: Float64Array;
  interval: ShrinkageFit;
  quantityFit: ShrinkageFit | null;
}

/** Forecasts (as day numbers) for the pairs at `refDay`, the first day not yet observed. */
function forecast(c: PairColumns, refDay: number, level: number): PairForecasts {
  const P = c.length;
  let groups = 1;
  for (let p = 0; p < P; p++) if (c.gid[p] + 1 > groups) groups = c.gid[p] + 1; // no spread: millions of pairs overflow the stack
  const interval = fitShrinkage({ n: c.n, mean: c.meanLog, variance: c.varLog, group: c.gid, groups }, {}, 'replenish intervals');
  let qTotal = 0;
  for (let p = 0; p < P; p++) qTotal += c.qn[p];
  const quantityFit = qTotal > 0 ? fitShrinkage({ n: c.qn, mean: c.qMeanLog, variance: c.qVarLog, group: c.gid, groups }, {}, 'replenish quantities') : null;
  const out: PairForecasts = {
    due: new Float64Array(P), lower: new Float64Array(P), upper: new Float64Array(P),
    quantity: new Float64Array(P).fill(NaN), quantityLower: new Float64Array(P).fill(NaN), quantityUpper: new Float64Array(P).fill(NaN),
    baselineDue: new Float64Array(P), interval, quantityFit,
  };
  for (let p = 0; p < P; p++) {
    const elapsed = Math.max(0, refDay - c.lastDay[p]);
    const f = truncatedLogNormalForecast(interval.mean[p], interval.predictiveVariance[p], elapsed, level);
    out.due[p] = c.lastDay[p] + Math.round(f.median);
    // An inclusive range of whole days covers about half a day beyond each end, so round inward.
    out.lower[p] = c.lastDay[p] + Math.ceil(f.lower);
    out.upper[p] = Math.max(out.lower[p], c.lastDay[p] + Math.floor(f.upper));
    out.baselineDue[p] = c.lastDay[p] + Math.round(c.meanGap[p]);
    if (quantityFit) {
      const q = truncatedLogNormalForecast(quantityFit.mean[p], quantityFit.predictiveVariance[p], 0, level);
      out.quantity[p] = q.median;
      out.quantityLower[p] = q.lower;
      out.quantityUpper[p] = q.upper;
    }
  }
  return out;
}

async function writeForecasts(store: Store, f: PairForecasts): Promise<void> {
  const P = f.due.length;
  await writeColumns(store, 'rep_forecast', [
    { name: 'pid', type: 'INTEGER', data: Int32Array.from({ length: P }, (_, i) => i) },
    { name: 'due', type: 'INTEGER', data: f.due },
    { name: 'lower', type: 'INTEGER', data: f.lower },
    { name: 'upper', type: 'INTEGER', data: f.upper },
    { name: 'baseline_due', type: 'INTEGER', data: f.baselineDue },
    { name: 'quantity', type: 'DOUBLE', data: f.quantity },
    { name: 'quantity_lower', type: 'DOUBLE', data: f.quantityLower },
    { name: 'quantity_upper', type: 'DOUBLE', data: f.quantityUpper },
  ], { temp: true });
}

interface DataSpan {
  min: string;
  max: string;
  /** 'item' when purchases carry items, 'customer' when none does, null without purchases. */
  level: ReplenishLevel | null;
}

/** The data's first and last day and the forecast level, in one pass over the events. */
async function dataSpan(store: Store): Promise<DataSpan | null> {
  const d = dialectOf(store);
  const [r] = await store.query<{ lo: string | null; hi: string | null; n: number; items: number }>(`
    SELECT ${d.dateText('min(ts)', 'day')} AS lo, ${d.dateText('max(ts)', 'day')} AS hi,
      CAST(${d.countIf(`type = 'purchase'`)} AS ${d.types.double}) AS n, CAST(${d.countIf(`type = 'purchase' AND item_id IS NOT NULL`)} AS ${d.types.double}) AS items
    FROM events`);
  if (!r || r.lo === null || r.hi === null) return null;
  return { min: r.lo, max: r.hi, level: Number(r.n) === 0 ? null : Number(r.items) > 0 ? 'item' : 'customer' };
}

async function dropTemps(store: Store): Promise<void> {
  for (const t of ['rep_pairs', 'rep_forecast']) await store.exec(`DROP TABLE IF EXISTS ${t}`);
}

const fitSummary = (f: PairForecasts) => ({
  intervalDays: { median: Math.exp(f.interval.populationMean), withinPairsLogSd: Math.sqrt(f.interval.withinPairs), betweenPairsLogSd: Math.sqrt(f.interval.betweenPairs), betweenItemsLogSd: Math.sqrt(f.interval.betweenItems) },
  quantity: f.quantityFit ? { median: Math.exp(f.quantityFit.populationMean), withinPairsLogSd: Math.sqrt(f.quantityFit.withinPairs) } : null,
});

export interface ReplenishSummary {
  table: string | null;
  level: ReplenishLevel | null;
  /** Pairs (or customers) with a forecast. */
  pairs: number;
  customers: number;
  /** Forecasts due within 7 days of the data's last day. */
  dueWithinWeek: number;
  fit: ReturnType<typeof fitSummary> | null;
  quantityReason?: string;
  reason?: string;
}

/** Writes `replenishment` for every pair with a repeat purchase; a status with nulls when there is none. */
export async function writeReplenishment(store: Store, opts: { level?: number } = {}): Promise<ReplenishSummary> {
  const level = opts.level ?? REPLENISH_DEFAULTS.level;
  const span = await dataSpan(store);
  const empty = (why: string, lv: ReplenishLevel | null): ReplenishSummary => ({ table: null, level: lv, pairs: 0, customers: 0, dueWithinWeek: 0, fit: null, reason: why });
  if (span === null) return empty('the store has no events: ingest a file first', null);
  const lv = span.level;
  if (lv === null) return empty('the store has no purchase events, so there is nothing to replenish', null);
  try {
    const pairs = await buildPairs(store, lv, null);
    if (pairs.length === 0) return empty(`no ${lv === 'item' ? '(customer, item) pair' : 'customer'} has purchases on two different days`, lv);
    const refDay = daysOf(span.max) + 1;
    const f = forecast(pairs, refDay, level);
    await writeForecasts(store, f);
    const d = dialectOf(store);
    const text = d.types.text, dbl = d.types.double;
    const itemCol = lv === 'item' ? `CAST(p.item_key AS ${text})` : `CAST(NULL AS ${text})`;
    await replaceTableAs(store, REPLENISHMENT_TABLE, `
      SELECT CAST(p.customer_id AS ${text}) AS customer_id, ${itemCol} AS item_id,
        ${dateOf(d, 'f.due')} AS due, ${dateOf(d, 'f.lower')} AS due_lower, ${dateOf(d, 'f.upper')} AS due_upper,
        CAST(f.quantity AS ${dbl}) AS quantity, CAST(f.quantity_lower AS ${dbl}) AS quantity_lower, CAST(f.quantity_upper AS ${dbl}) AS quantity_upper
      FROM rep_pairs p JOIN rep_forecast f ON f.pid = p.pid`);
    const [r] = await store.query<{ customers: number; soon: number }>(`SELECT CAST(count(DISTINCT customer_id) AS ${dbl}) AS customers,
      CAST(${d.countIf(`due < ${dateOf(d, num(daysOf(span.max) + 8))}`)} AS ${dbl}) AS soon FROM ${REPLENISHMENT_TABLE}`);
    const out: ReplenishSummary = { table: REPLENISHMENT_TABLE, level: lv, pairs: pairs.length, customers: Number(r.customers), dueWithinWeek: Number(r.soon), fit: fitSummary(f) };
    if (!f.quantityFit) out.quantityReason = 'no purchase records a quantity, so quantity columns are null';
    return out;
  } finally {
    await dropTemps(store);
  }
}

function daysOf(date: string): number {
  return Math.round(new Date(`${date}T00:00:00Z`).getTime() / 86_400_000);
}

export interface ReplenishEvaluation {
  holdoutFrom: string;
  level: ReplenishLevel | null;
  /** Pairs with ≥ 2 purchase days before the holdout and a purchase in it (the evaluated ones). */
  pairs: number;
  /** Pairs with a forecast, whether or not they bought again in the holdout. */
  pairsForecast: number;
  mae: number | null;
  coverage80: number | null;
  baseline: { meanInterval: { mae: number | null } };
  fit: ReturnType<typeof fitSummary> | null;
  reason?: string;
}

/**
 * Fits on purchases before `holdoutFrom` and scores each pair's first purchase day on or after it:
 * MAE in days of the due date, and the share of actual days inside [due_lower, due_upper]; the
 * baseline is the last purchase plus the pair's mean interval.
 */
export async function evaluateReplenishment(store: Store, holdoutFrom: string, opts: { level?: number } = {}): Promise<ReplenishEvaluation> {
  const level = opts.level ?? REPLENISH_DEFAULTS.level;
  const span = await dataSpan(store);
  const none = (why: string, lv: ReplenishLevel | null, forecastPairs = 0): ReplenishEvaluation => ({
    holdoutFrom, level: lv, pairs: 0, pairsForecast: forecastPairs, mae: null, coverage80: null, baseline: { meanInterval: { mae: null } }, fit: null, reason: why,
  });
  if (span === null) return none('the store has no events: ingest a file first', null);
  if (!(holdoutFrom > span.min && holdoutFrom <= span.max)) {
    throw new InvalidArgumentsError(`replenish: --holdout-from ${holdoutFrom} is outside the data (events from ${span.min} to ${span.max}): it must leave events on both sides`);
  }
  const lv = span.level;
  if (lv === null) return none('the store has no purchase events, so there is nothing to replenish', null);
  try {
    const pairs = await buildPairs(store, lv, holdoutFrom);
    if (pairs.length === 0) return none(`no ${lv === 'item' ? '(customer, item) pair' : 'customer'} has purchases on two different days before ${holdoutFrom}`, lv);
    const f = forecast(pairs, daysOf(holdoutFrom), level);
    await writeForecasts(store, f);
    const item = lv === 'item' ? 'item_id' : "''";
    const d = dialectOf(store);
    const dbl = d.types.double;
    const [r] = await store.query<{ n: number; mae: number | null; cover: number | null; base: number | null }>(`
      WITH actual AS (
        SELECT customer_id, ${item} AS item_key, ${dayNumber(d, `min(${d.toDate('ts')})`)} AS first_day
        FROM events WHERE type = 'purchase' AND ts >= ${d.timestamp(holdoutFrom)}${lv === 'item' ? ' AND item_id IS NOT NULL' : ''}
        GROUP BY customer_id${lv === 'item' ? ', item_id' : ''})
      SELECT CAST(count(*) AS ${dbl}) AS n, CAST(avg(abs(f.due - a.first_day)) AS ${dbl}) AS mae,
        CAST(avg(CASE WHEN a.first_day BETWEEN f.lower AND f.upper THEN 1.0 ELSE 0.0 END) AS ${dbl}) AS cover,
        CAST(avg(abs(f.baseline_due - a.first_day)) AS ${dbl}) AS base
      FROM rep_pairs p JOIN rep_forecast f ON f.pid = p.pid JOIN actual a ON a.customer_id = p.customer_id AND a.item_key = p.item_key`);
    const n = Number(r.n);
    const out: ReplenishEvaluation = {
      holdoutFrom, level: lv, pairs: n, pairsForecast: pairs.length,
      mae: n > 0 ? Number(r.mae) : null, coverage80: n > 0 ? Number(r.cover) : null, baseline: { meanInterval: { mae: n > 0 ? Number(r.base) : null } }, fit: fitSummary(f),
    };
    if (n === 0) out.reason = `none of the ${pairs.length} forecast pairs bought again from ${holdoutFrom} on`;
    return out;
  } finally {
    await dropTemps(store);
  }
}

