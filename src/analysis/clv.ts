/**
 * The CLV section: from the store's purchase events, BG/NBD + Gamma-Gamma CLV for every customer.
 *
 * Periods are chosen from the data: the unit is weeks (days when purchases span under 8 weeks).
 * With at least 26 weeks of purchases the last third (whole weeks) is held out to validate a fit
 * on the first two thirds (tracking curve, calibration vs holdout by frequency, MAE/RMSE); the
 * scores, customer equity and P(alive) come from a second fit on the full history, looking
 * forward from the last purchase day. Too few purchasers, or a fit that fails, give a section with
 * a status, a message, null numbers and a warning — never NaN.
 */
import type { Warning } from '../domain/result.js';
import type { ClvFit, ClvSection, ClvValidation } from '../domain/sections/clv.js';
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';
import { UNIT_DAYS, type TimeUnit } from '../clv/summary.js';
import { CLV_DEFAULTS, discountStatement, fitFromStore, scoreStore, type AnyFit, type ClvFitReport } from '../clv/pipeline.js';
import { gammaGammaMeanSpend } from '../models/clv/gammagamma.js';
import { ConvergenceError, InvalidArgumentsError } from '../models/numeric/errors.js';
import { ClvInputError } from '../clv/errors.js';
import type { FrequencyRow } from '../clv/validate.js';

export const CLV_SECTION_DEFAULTS = {
  /** Fewer purchasers than this: no fit. */
  minPurchasers: 20,
  minRepeatBuyers: 5,
  /** Hold out the last third of the history when it spans at least this many days. */
  holdoutMinDays: 182,
  holdoutShare: 1 / 3,
  topCustomers: 10,
  histogramBins: 20,
  /** Frequencies at or above this are one row ("7+"). */
  maxFrequencyRow: 7,
  recencyBins: 8,
  scoresTable: 'clv_scores',
};

const day = (d: unknown): string | null => (d instanceof Date ? d.toISOString().slice(0, 10) : d == null ? null : String(d).slice(0, 10));

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function fitOf(f: AnyFit | ClvFitReport, tuples: number): ClvFit {
  const se: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(f.stdErrors as Record<string, number>)) se[k] = Number.isFinite(v) ? v : null;
  return {
    model: f.model, params: { ...(f.params as Record<string, number>) }, stdErrors: se, logLikelihood: f.logLikelihood,
    converged: f.converged, iterations: f.iterations, customers: f.customers, tuples,
  };
}

function finiteOrNull(v: unknown): number | null {
  const n = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Mean holdout purchases by frequency, the top frequencies merged into one "k+" row. */
function frequencyRows(rows: FrequencyRow[], cap: number): ClvValidation['byFrequency'] {
  const out: ClvValidation['byFrequency'] = [];
  let tail = { customers: 0, actual: 0, predicted: 0 };
  for (const r of rows) {
    if (r.x < cap) out.push({ frequency: String(r.x), customers: r.customers, actual: r.actual, predicted: r.predicted });
    else tail = { customers: tail.customers + r.customers, actual: tail.actual + r.actual * r.customers, predicted: tail.predicted + r.predicted * r.customers };
  }
  if (tail.customers > 0) out.push({ frequency: `${cap}+`, customers: tail.customers, actual: tail.actual / tail.customers, predicted: tail.predicted / tail.customers });
  return out;
}

function formulas(unit: TimeUnit, d: ReturnType<typeof discountStatement>): ClvSection['formulas'] {
  return [
    { name: 'CLV', text: d.formula },
    { name: 'Discounting', text: `d = (1 + ${d.annualRate})^(${UNIT_DAYS[unit]} / 365.25) − 1 = ${d.perPeriodRate.toPrecision(4)} per ${unit}; purchases of period k are discounted to its end by (1 + d)^k, over H = ${d.horizonPeriods} ${unit}s.` },
    { name: 'P(alive)', text: 'BG/NBD (Fader, Hardie & Lee 2005, eq. 11): P(alive | x, t_x, T) = 1 / (1 + [x > 0] · a/(b + x − 1) · ((α + T)/(α + t_x))^(r + x)).' },
    { name: 'Expected purchases', text: 'BG/NBD (eq. 10): E[Y(t) | x, t_x, T] = P(alive) · (a + b + x − 1)/(a − 1) · [1 − ((α + T)/(α + T + t))^(r + x) · 2F1(r + x, b + x; a + b + x − 1; t/(α + T + t))].' },
    { name: 'Expected spend', text: 'Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): E[Z | x, m] = p(γ + m x)/(p x + q − 1) for repeat buyers, the population mean pγ/(q − 1) otherwise.' },
    { name: 'Customer equity', text: 'Σ CLV over all customers of the calibration cohort (customers whose first purchase is on or before the calibration end).' },
  ];
}

function emptySection(unit: TimeUnit, base: Pick<ClvSection, 'firstPurchase' | 'lastPurchase' | 'purchasers' | 'periodNote'>, status: 'insufficient' | 'failed', message: string): ClvSection {
  const d = discountStatement(unit, CLV_DEFAULTS.annualDiscountRate, CLV_DEFAULTS.horizonPeriods[unit], CLV_DEFAULTS.margin);
  return {
    status, message, unit, ...base, calibrationEnd: null, customers: 0, repeatBuyers: 0, model: null, spend: null, meanSpend: null,
    discount: { annualRate: d.annualRate, perPeriodRate: d.perPeriodRate, horizonPeriods: d.horizonPeriods, margin: d.margin },
    formulas: formulas(unit, d),
    equity: { customerEquity: null, meanClv: null, medianClv: null, top10Share: null, expectedPurchases: null, expectedActive: null, scoresTable: null },
    distribution: [], topCustomers: [], validation: null, pAliveHeatmap: null,
  };
}

function isModelError(e: unknown): e is Error {
  return e instanceof ConvergenceError || e instanceof InvalidArgumentsError || e instanceof ClvInputError;
}

/** The CLV section, or undefined when the store has no purchases at all (the overview already says so). */
export async function runClvSection(store: Store, _opts: unknown, warnings: Warning[]): Promise<ClvSection | undefined> {
  const D = CLV_SECTION_DEFAULTS;
  const d = dialectOf(store);
  const [span] = await store.query<{ first: unknown; last: unknown; purchasers: number }>(
    `SELECT MIN(${d.toDate('ts')}) AS first, MAX(${d.toDate('ts')}) AS last, COUNT(DISTINCT customer_id) AS purchasers FROM events WHERE type = 'purchase'`);
  const purchasers = Number(span.purchasers);
  const first = day(span.first), last = day(span.last);
  if (purchasers === 0 || first === null || last === null) return undefined;
  const spanDays = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
  const unit: TimeUnit = spanDays >= 56 ? 'week' : 'day';
  const holdoutDays = spanDays >= D.holdoutMinDays ? Math.floor((spanDays * D.holdoutShare) / 7) * 7 : 0;
  const calibrationEnd = holdoutDays > 0 ? addDays(last, -holdoutDays) : null;
  const periodNote = (calibrationEnd
    ? `Purchases from ${first} to ${last} (${spanDays} days). Validation: calibration to ${calibrationEnd}, the last ${holdoutDays / 7} weeks (a third) held out to ${last}. `
    : `Purchases from ${first} to ${last} (${spanDays} days): under 26 weeks, so no holdout validation. `) +
    `Scores and customer equity: a fit on the full history to ${last}, looking forward from there; unit: ${unit}.`;
  const base = { firstPurchase: first, lastPurchase: last, purchasers, periodNote };
  if (purchasers < D.minPurchasers) {
    const message = `only ${purchasers} customers bought; CLV needs at least ${D.minPurchasers}`;
    warnings.push({ section: 'clv', message });
    return emptySection(unit, base, 'insufficient', message);
  }

  let validation: ClvValidation | null = null;
  if (calibrationEnd) {
    try {
      const v = await fitFromStore(store, {
        model: 'bgnbd', unit, calibrationEnd, holdoutEnd: last,
        summaryTable: 'clv_validation_summary', tuplesTable: 'clv_validation_tuples',
      });
      const h = v.holdout!;
      const origin = await store.query<{ o: unknown }>('SELECT MIN(first_day) AS o FROM clv_validation_summary');
      const o = day(origin[0]?.o) ?? first;
      validation = {
        calibrationEnd, holdoutEnd: last, holdoutLength: h.length ?? 0, fit: fitOf(v, v.tuples), customers: h.customers,
        actual: h.actual, predicted: h.predicted, mae: h.mae, rmse: h.rmse,
        tracking: (v.tracking ?? []).map((t) => ({ ...t, weekStart: addDays(o, 7 * t.week) })),
        byFrequency: frequencyRows(h.byFrequency, D.maxFrequencyRow),
      };
      if (!v.converged) warnings.push({ section: 'clv', message: 'the validation fit (calibration period) did not converge; its numbers are the best point found' });
      if (v.boundary) warnings.push({ section: 'clv', message: `validation fit: ${v.boundary.message}` });
    } catch (e) {
      if (!isModelError(e)) throw e;
      warnings.push({ section: 'clv', message: `holdout validation skipped: ${e.message}` });
    }
  }

  let r;
  try {
    r = await scoreStore(store, { model: 'bgnbd', unit, calibrationEnd: last, scoresTable: D.scoresTable });
  } catch (e) {
    if (!isModelError(e)) throw e;
    const message = `the purchase model could not be fitted: ${e.message}`;
    warnings.push({ section: 'clv', message });
    return { ...emptySection(unit, base, 'failed', message), validation };
  }
  if (r.info.repeatBuyers < D.minRepeatBuyers) {
    warnings.push({ section: 'clv', message: `only ${r.info.repeatBuyers} customers bought more than once; the CLV estimates are very uncertain` });
  }
  if (r.spendError) warnings.push({ section: 'clv', message: `no spend model, so no CLV in money: ${r.spendError}` });
  if (r.spendNote) warnings.push({ section: 'clv', message: r.spendNote });
  const boundary = 'boundary' in r.choice.fit ? r.choice.fit.boundary : undefined;
  if (boundary) warnings.push({ section: 'clv', message: boundary.message });
  const table = r.score.table;
  const [eq] = await store.query<Record<string, unknown>>(`
    SELECT SUM(clv) AS equity, AVG(clv) AS mean, ${d.quantile('clv', 0.5)} AS median, ${d.quantile('clv', 0.9)} AS p90, ${d.quantile('clv', 0.99)} AS p99,
      MAX(clv) AS max, SUM(expected_purchases) AS purchases, SUM(p_alive) AS active FROM ${table}`);
  const equity = finiteOrNull(eq.equity);
  let top10Share: number | null = null;
  const distribution: ClvSection['distribution'] = [];
  if (equity !== null && equity > 0) {
    const n = r.score.customers;
    const [t] = await store.query<{ s: number | null }>(`SELECT SUM(clv) AS s FROM (SELECT clv FROM ${table} ORDER BY clv DESC NULLS LAST LIMIT ${Math.max(1, Math.ceil(n / 10))}) top`);
    top10Share = finiteOrNull(t.s) === null ? null : Number(t.s) / equity;
    const p99 = finiteOrNull(eq.p99) ?? 0, max = finiteOrNull(eq.max) ?? 0;
    const hi = p99 > 0 ? p99 : max;
    if (hi > 0) {
      const width = hi / D.histogramBins;
      const bins = await store.query<{ b: number; n: number }>(
        `SELECT LEAST(CAST(FLOOR(clv / ${width}) AS INTEGER), ${D.histogramBins}) AS b, COUNT(*) AS n FROM ${table} WHERE clv IS NOT NULL GROUP BY 1 ORDER BY 1`);
      const counts = new Array<number>(D.histogramBins + 1).fill(0);
      for (const b of bins) counts[Math.max(0, Number(b.b))] += Number(b.n);
      for (let i = 0; i < D.histogramBins; i++) distribution.push({ from: i * width, to: (i + 1) * width, customers: counts[i] });
      if (counts[D.histogramBins] > 0) distribution.push({ from: hi, to: Math.max(max, hi), customers: counts[D.histogramBins] });
    }
  }
  const top = await store.query<Record<string, unknown>>(
    `SELECT customer_id, x, t_x, "T", monetary, p_alive, expected_purchases, expected_spend, clv FROM ${table}
     ORDER BY clv DESC NULLS LAST, expected_purchases DESC, ${d.byteOrder('customer_id')} LIMIT ${D.topCustomers}`);
  const meanSpend = r.spend && r.spend.params.q > 1 ? gammaGammaMeanSpend(r.spend.params) : r.constantSpend;
  return {
    status: 'ok', message: null, unit, ...base, calibrationEnd: last,
    customers: r.info.customers, repeatBuyers: r.info.repeatBuyers,
    model: fitOf(r.choice.fit, r.tuples.x.length),
    spend: r.spend ? fitOf(r.spend, 0) : null,
    meanSpend,
    discount: { annualRate: r.discount.annualRate, perPeriodRate: r.discount.perPeriodRate, horizonPeriods: r.discount.horizonPeriods, margin: r.discount.margin },
    formulas: boundary
      ? [...formulas(unit, r.discount), {
        name: 'No-dropout boundary',
        text: `${boundary.message} At that limit P(alive) = 1 / (1 + [x > 0] · p/(1 − p) · ((α + T)/(α + t_x))^(r + x)) and E[Y(t) | alive] = (1 − ((α + T)/(α + T + p t))^(r + x)) / p; for the NBD P(alive) = 1 and E[Y(t)] = (r + x) t/(α + T).`,
      }]
      : formulas(unit, r.discount),
    equity: {
      customerEquity: equity, meanClv: finiteOrNull(eq.mean), medianClv: finiteOrNull(eq.median), top10Share,
      expectedPurchases: finiteOrNull(eq.purchases), expectedActive: finiteOrNull(eq.active), scoresTable: table,
    },
    distribution,
    topCustomers: top.map((c) => ({
      customerId: String(c.customer_id), x: Number(c.x), t_x: Number(c.t_x), T: Number(c.T), monetary: finiteOrNull(c.monetary),
      pAlive: Number(c.p_alive), expectedPurchases: Number(c.expected_purchases), expectedSpend: finiteOrNull(c.expected_spend), clv: finiteOrNull(c.clv),
    })),
    validation,
    pAliveHeatmap: heatmap(r.tuples, r.score.tupleScores.pAlive, unit),
  };
}

/** Mean P(alive) by frequency bucket × periods-since-last-purchase bucket, weighted by customers. */
function heatmap(t: { x: Float64Array; t_x: Float64Array; T: Float64Array; count: Float64Array }, pAlive: Float64Array, unit: TimeUnit): ClvSection['pAliveHeatmap'] {
  const D = CLV_SECTION_DEFAULTS;
  const fLabels = [...Array.from({ length: D.maxFrequencyRow }, (_, i) => String(i)), `${D.maxFrequencyRow}+`];
  let maxGap = 0;
  for (let i = 0; i < t.x.length; i++) maxGap = Math.max(maxGap, t.T[i] - t.t_x[i]);
  const bins = D.recencyBins;
  const width = maxGap > 0 ? Math.ceil(maxGap / bins) : 1;
  const rLabels = Array.from({ length: bins }, (_, i) => `${i * width}–${(i + 1) * width}`);
  const n = new Float64Array(fLabels.length * bins), s = new Float64Array(fLabels.length * bins);
  for (let i = 0; i < t.x.length; i++) {
    const f = Math.min(t.x[i], D.maxFrequencyRow);
    const r = Math.min(Math.floor((t.T[i] - t.t_x[i]) / width), bins - 1);
    n[f * bins + r] += t.count[i];
    s[f * bins + r] += t.count[i] * pAlive[i];
  }
  const cells: NonNullable<ClvSection['pAliveHeatmap']>['cells'] = [];
  for (let f = 0; f < fLabels.length; f++) {
    for (let r = 0; r < bins; r++) {
      const c = n[f * bins + r];
      cells.push({ f, r, customers: c, pAlive: c > 0 ? s[f * bins + r] / c : null });
    }
  }
  return { frequency: fLabels, recency: rLabels, recencyNote: `${unit}s since the last purchase (T − t_x)`, cells };
}
