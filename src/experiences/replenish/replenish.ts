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
import { lit } from '../../sql/quote.js';

/** The store table the actions step reads. */
export const REPLENISHMENT_TABLE = 'replenishment';

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

const dateLit = (d: string): string => `DATE ${lit(d)}`;

/**
 * rep_pairs: per (customer, item) with at least two purchase days before `cutoff` — the count, mean
 * and variance of log days between purchase days, the mean gap, the last purchase day (days since
 * 1970-01-01), and log quantity per purchase day — with dense integer ids for the model.
 */
async function buildPairs(store: Store, level: ReplenishLevel, cutoff: string | null): Promise<PairColumns> {
  const item = level === 'item' ? 'item_id' : "''";
  const where = `type = 'purchase'${level === 'item' ? ' AND item_id IS NOT NULL' : ''}${cutoff === null ? '' : ` AND ts < CAST(${dateLit(cutoff)} AS TIMESTAMP)`}`;
  await store.exec(`CREATE OR REPLACE TEMP TABLE rep_pairs AS
    WITH d AS (
      SELECT customer_id, ${item} AS item_key, CAST(ts AS DATE) AS day, sum(quantity) AS q
      FROM events WHERE ${where} GROUP BY ALL),
    multi AS (SELECT customer_id, item_key FROM d GROUP BY ALL HAVING count(*) >= 2),
    g AS (
      SELECT *, date_diff('day', lag(day) OVER (PARTITION BY customer_id, item_key ORDER BY day), day) AS gap
      FROM d SEMI JOIN multi ON multi.customer_id = d.customer_id AND multi.item_key = d.item_key),
    s AS (
      SELECT customer_id, item_key, count(gap)::INTEGER AS n, avg(ln(gap)) AS mean_log, coalesce(var_samp(ln(gap)), 0) AS var_log,
        avg(gap)::DOUBLE AS mean_gap, date_diff('day', DATE '1970-01-01', max(day))::INTEGER AS last_day,
        count(q) FILTER (WHERE q > 0)::INTEGER AS q_n, avg(ln(q)) FILTER (WHERE q > 0) AS q_mean_log, coalesce(var_samp(ln(q)) FILTER (WHERE q > 0), 0) AS q_var_log
      FROM g GROUP BY customer_id, item_key)
    SELECT (row_number() OVER (ORDER BY customer_id, item_key) - 1)::INTEGER AS pid,
      (dense_rank() OVER (ORDER BY item_key) - 1)::INTEGER AS gid, * FROM s`);
  const b = await readColumns(store,
    'SELECT gid, n, q_n, last_day, mean_log, var_log, mean_gap, coalesce(q_mean_log, 0), q_var_log FROM rep_pairs ORDER BY pid',
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
  const [r] = await store.query<{ lo: string | null; hi: string | null; n: number; items: number }>(`
    SELECT CAST(min(ts) AS DATE)::VARCHAR AS lo, CAST(max(ts) AS DATE)::VARCHAR AS hi,
      count(*) FILTER (WHERE type = 'purchase')::DOUBLE AS n, count(item_id) FILTER (WHERE type = 'purchase')::DOUBLE AS items
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
    const itemCol = lv === 'item' ? 'p.item_key::VARCHAR' : 'NULL::VARCHAR';
    await store.exec(`CREATE OR REPLACE TABLE ${REPLENISHMENT_TABLE} AS
      SELECT p.customer_id::VARCHAR AS customer_id, ${itemCol} AS item_id,
        (DATE '1970-01-01' + f.due)::DATE AS due, (DATE '1970-01-01' + f.lower)::DATE AS due_lower, (DATE '1970-01-01' + f.upper)::DATE AS due_upper,
        f.quantity::DOUBLE AS quantity, f.quantity_lower::DOUBLE AS quantity_lower, f.quantity_upper::DOUBLE AS quantity_upper
      FROM rep_pairs p JOIN rep_forecast f USING (pid)`);
    const [r] = await store.query<{ customers: number; soon: number }>(`SELECT count(DISTINCT customer_id)::DOUBLE AS customers,
      count(*) FILTER (WHERE due < ${dateLit(span.max)} + 8)::DOUBLE AS soon FROM ${REPLENISHMENT_TABLE}`);
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
    const [r] = await store.query<{ n: number; mae: number | null; cover: number | null; base: number | null }>(`
      WITH actual AS (
        SELECT customer_id, ${item} AS item_key, date_diff('day', DATE '1970-01-01', min(CAST(ts AS DATE)))::INTEGER AS day
        FROM events WHERE type = 'purchase' AND ts >= CAST(${dateLit(holdoutFrom)} AS TIMESTAMP)${lv === 'item' ? ' AND item_id IS NOT NULL' : ''}
        GROUP BY ALL)
      SELECT count(*)::DOUBLE AS n, avg(abs(f.due - a.day))::DOUBLE AS mae,
        avg(CASE WHEN a.day BETWEEN f.lower AND f.upper THEN 1.0 ELSE 0.0 END)::DOUBLE AS cover,
        avg(abs(f.baseline_due - a.day))::DOUBLE AS base
      FROM rep_pairs p JOIN rep_forecast f USING (pid) JOIN actual a ON a.customer_id = p.customer_id AND a.item_key = p.item_key`);
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

