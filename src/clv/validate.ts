/**
 * Calibration/holdout validation of a purchase model, as in BTYD (Fader, Hardie & Lee 2005 §5):
 * - aggregate: Σ predicted vs Σ actual repeat purchases in the holdout;
 * - per customer: MAE and RMSE of predicted vs actual holdout repeat purchases;
 * - conditional expectations: mean predicted vs actual holdout purchases by calibration frequency x;
 * - tracking: cumulative repeat purchases week by week from the cohort's first day, actual vs
 *   predicted (Σ over first-purchase-day cohorts of cohort size · E[X(t)], t = time since the
 *   cohort's first purchase).
 * SQL returns only grouped counts (per tuple and holdout count, per cohort day, per week); nothing
 * loops over customers in TypeScript.
 */
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';
import type { RfmModel } from '../models/clv/clv.js';
import { ClvInputError } from './errors.js';
import { UNIT_DAYS, type CustomerSummaryInfo, type RfmColumns, resolveSummaryOptions, type SummaryOptions } from './summary.js';

export interface FrequencyRow {
  x: number;
  customers: number;
  actual: number;
  predicted: number;
}

export interface TrackingRow {
  /** Week index from the cohort's first purchase day (0-based). */
  week: number;
  actual: number;
  predicted: number;
  /** Whether the week ends after the calibration end. */
  holdout: boolean;
}

export interface HoldoutValidation {
  model: RfmModel['model'];
  customers: number;
  /** Holdout length in the data's unit. */
  holdoutLength: number;
  actual: number;
  predicted: number;
  mae: number;
  rmse: number;
  byFrequency: FrequencyRow[];
}

/** Predicted holdout purchases per tuple (index = tuple_id). */
export function predictHoldout(model: RfmModel, tuples: RfmColumns, holdoutLength: number): Float64Array {
  const out = new Float64Array(tuples.x.length);
  for (let i = 0; i < out.length; i++) out[i] = model.expectedPurchases(holdoutLength, tuples.x[i], tuples.t_x[i], tuples.T[i]);
  return out;
}

export async function validateHoldout(store: Store, info: CustomerSummaryInfo, tuples: RfmColumns, model: RfmModel): Promise<HoldoutValidation> {
  if (info.holdoutLength === null) throw new ClvInputError('holdout validation needs a holdout end');
  const pred = predictHoldout(model, tuples, info.holdoutLength);
  const rows = await store.query<{ tuple_id: number; holdout_x: number; n: number }>(`
    SELECT t.tuple_id, s.holdout_x, COUNT(*) AS n
    FROM ${info.summaryTable} s
    JOIN ${info.tuplesTable} t ON t.x = s.x AND t.recency_days = s.recency_days AND t.age_days = s.age_days
    GROUP BY t.tuple_id, s.holdout_x`);
  let customers = 0, actual = 0, predicted = 0, abs = 0, sq = 0;
  const byX = new Map<number, FrequencyRow>();
  for (const r of rows) {
    const n = Number(r.n), a = Number(r.holdout_x), p = pred[r.tuple_id], x = tuples.x[r.tuple_id];
    customers += n;
    actual += n * a;
    predicted += n * p;
    abs += n * Math.abs(p - a);
    sq += n * (p - a) * (p - a);
    const f = byX.get(x) ?? { x, customers: 0, actual: 0, predicted: 0 };
    f.customers += n;
    f.actual += n * a;
    f.predicted += n * p;
    byX.set(x, f);
  }
  const byFrequency = [...byX.values()].sort((a, b) => a.x - b.x).map((f) => ({ ...f, actual: f.actual / f.customers, predicted: f.predicted / f.customers }));
  return {
    model: model.model, customers, holdoutLength: info.holdoutLength, actual, predicted,
    mae: customers ? abs / customers : 0, rmse: customers ? Math.sqrt(sq / customers) : 0, byFrequency,
  };
}

/** Cumulative weekly tracking curve (actual vs predicted repeat purchases) through the holdout end. */
export async function trackingCurve(store: Store, info: CustomerSummaryInfo, summaryOptions: SummaryOptions, model: RfmModel): Promise<TrackingRow[]> {
  const o = resolveSummaryOptions(summaryOptions);
  const last = o.holdoutEnd ?? o.calibrationEnd;
  const u = UNIT_DAYS[o.unit];
  const d = dialectOf(store);
  const cohorts = await store.query<{ offset_days: number; n: number; last_offset: number; cal_offset: number }>(`
    WITH origin AS (SELECT MIN(first_day) AS o FROM ${info.summaryTable})
    SELECT CAST(${d.daysBetween('s.first_day', 'origin.o')} AS INTEGER) AS offset_days, COUNT(*) AS n,
      CAST(${d.daysBetween(d.date(last), 'origin.o')} AS INTEGER) AS last_offset, CAST(${d.daysBetween(d.date(o.calibrationEnd), 'origin.o')} AS INTEGER) AS cal_offset
    FROM ${info.summaryTable} s CROSS JOIN origin GROUP BY 1, 3, 4 ORDER BY 1`);
  if (cohorts.length === 0) return [];
  const weekly = await store.query<{ week: number; n: number }>(`
    WITH origin AS (SELECT MIN(first_day) AS o FROM ${info.summaryTable}),
    days AS (
      SELECT customer_id, ${d.toDate('ts')} AS d FROM ${o.eventsTable}
      WHERE type = ${d.lit(o.eventType)} AND ${d.toDate('ts')} <= ${d.date(last)}
      GROUP BY customer_id, ${d.toDate('ts')}
    )
    SELECT CAST(FLOOR(CAST(${d.daysBetween('d.d', 'origin.o')} AS ${d.types.double}) / 7) AS INTEGER) AS week, COUNT(*) AS n
    FROM days d JOIN ${info.summaryTable} s ON s.customer_id = d.customer_id CROSS JOIN origin
    WHERE d.d > s.first_day GROUP BY 1 ORDER BY 1`);
  const lastOffset = Number(cohorts[0].last_offset), calOffset = Number(cohorts[0].cal_offset);
  const weeks = Math.floor(lastOffset / 7) + 1;
  const actualByWeek = new Float64Array(weeks);
  for (const w of weekly) if (w.week < weeks) actualByWeek[w.week] += Number(w.n);
  const out: TrackingRow[] = [];
  let cum = 0;
  for (let w = 0; w < weeks; w++) {
    // End of week w, in days from the origin, capped at the last day (+1: a day's purchases happen within it).
    const endDay = Math.min(7 * (w + 1), lastOffset + 1);
    let predicted = 0;
    for (const c of cohorts) {
      const t = (endDay - Number(c.offset_days) - 1) / u;
      if (t > 0) predicted += Number(c.n) * model.expectedPurchasesNew(t);
    }
    cum += actualByWeek[w];
    out.push({ week: w, actual: cum, predicted, holdout: endDay - 1 > calOffset });
  }
  return out;
}

export interface ModelChoice<C> {
  chosen: C;
  /** Every candidate with its holdout validation, in the order given. */
  candidates: { candidate: C; validation: HoldoutValidation }[];
}

/**
 * `--model auto`: the candidate with the smallest per-customer holdout RMSE; ties go to the smaller
 * aggregate error |predicted − actual|.
 */
export function chooseByHoldout<C>(candidates: { candidate: C; validation: HoldoutValidation }[]): ModelChoice<C> {
  if (candidates.length === 0) throw new ClvInputError('chooseByHoldout: no candidates');
  let best = candidates[0];
  for (const c of candidates.slice(1)) {
    const d = c.validation.rmse - best.validation.rmse;
    if (d < -1e-12 || (Math.abs(d) <= 1e-12 && Math.abs(c.validation.predicted - c.validation.actual) < Math.abs(best.validation.predicted - best.validation.actual))) best = c;
  }
  return { chosen: best.candidate, candidates };
}
