/**
 * The CLV pipeline over a store, shared by `spiral clv` and the analysis section: SQL sufficient
 * statistics → compressed tuples → model fit(s) → holdout validation and model choice → scores.
 * Everything here returns plain, JSON-ready objects; printing and exit codes belong to the CLI.
 */
import type { Store } from '../store/types.js';
import { fitNbd } from '../models/clv/nbd.js';
import { fitWithBoundary, type BoundaryAwareFit } from '../models/clv/dropout-limit.js';
import { fitBgbb, bgbbExpectedPurchases, type BgbbFit } from '../models/clv/bgbb.js';
import { fitGammaGamma, type GammaGammaFit } from '../models/clv/gammagamma.js';
import { rfmModel, type RfmModel, type RfmModelSpec } from '../models/clv/clv.js';
import { ConvergenceError, InvalidArgumentsError } from '../models/numeric/errors.js';
import type { BoundaryNote, ClvModelName, DiscreteTuples, FitOptions, RfmTuples, SpendTuples } from '../models/clv/types.js';
import { ClvInputError } from './errors.js';
import {
  buildCustomerSummary, buildDiscreteSummary, loadRfmTuples, loadSpendTuples, UNIT_DAYS,
  type CustomerSummaryInfo, type DiscreteSummary, type SummaryOptions, type TimeUnit,
} from './summary.js';
import { chooseByHoldout, trackingCurve, validateHoldout, type FrequencyRow, type HoldoutValidation, type TrackingRow } from './validate.js';
import { writeClvScores, type ScoreResult } from './score.js';

import { PURCHASE_MODELS, type ModelRequest, type PurchaseModelName } from './models.js';

export { MODEL_REQUESTS, PURCHASE_MODELS, type ModelRequest, type PurchaseModelName } from './models.js';

/** A purchase-model fit; BG/NBD, MBG/NBD and Pareto/NBD may come back at their no-dropout boundary (fit.boundary). */
export type PurchaseFit = BoundaryAwareFit;
export type AnyFit = PurchaseFit | BgbbFit | GammaGammaFit;

/** A fit as JSON: the parameter names are the papers' (r, alpha, a, b; r, alpha, s, beta; …). */
export interface FitSummary {
  model: ClvModelName;
  params: Record<string, number>;
  stdErrors: Record<string, number>;
  /** Σ over customers, in the units of the data. */
  logLikelihood: number;
  converged: boolean;
  iterations: number;
  customers: number;
  /** Set when the fit ran to the no-dropout boundary: what is reported instead, and why (also a warning). */
  boundary: BoundaryNote | null;
}

export interface HoldoutSummary {
  /** What is counted: repeat purchases (purchase models) or transactions in whole periods (BG/BB). */
  measure: 'repeat purchases' | 'transactions';
  customers: number;
  /** Holdout length in the unit (BG/BB: opportunities differ per cohort; null there). */
  length: number | null;
  actual: number;
  predicted: number;
  mae: number;
  rmse: number;
  byFrequency: FrequencyRow[];
}

export interface CandidateSummary {
  model: PurchaseModelName;
  logLikelihood: number | null;
  converged: boolean;
  params: Record<string, number> | null;
  holdout: { actual: number; predicted: number; mae: number; rmse: number } | null;
  /** Why the candidate could not be fitted. */
  error: string | null;
  /** The model actually reported for this candidate (e.g. nbd when BG/NBD ran to its no-dropout limit). */
  fittedModel: ClvModelName | null;
  /** The boundary note of the candidate's fit, if any. */
  boundary: string | null;
  /** Why auto set the candidate aside (no fit, no finite holdout predictions); null for usable candidates. */
  setAside: string | null;
}

export interface ClvFitReport extends FitSummary {
  requestedModel: ModelRequest;
  source: 'db' | 'summary';
  unit: TimeUnit | null;
  calibrationEnd: string | null;
  holdoutEnd: string | null;
  /** Distinct tuples the model was fitted on (the compressed sufficient statistics). */
  tuples: number;
  holdout: HoldoutSummary | null;
  /** Weekly cumulative repeat purchases, actual vs predicted (purchase models with a store). */
  tracking: TrackingRow[] | null;
  /** `auto`: every candidate and how the choice was made. */
  candidates: CandidateSummary[] | null;
  selection: string | null;
}

export function fitSummary(fit: AnyFit): FitSummary {
  return {
    model: fit.model,
    params: { ...fit.params } as Record<string, number>,
    stdErrors: { ...fit.stdErrors } as Record<string, number>,
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    customers: fit.customers,
    boundary: 'boundary' in fit && fit.boundary ? fit.boundary : null,
  };
}

/** Free parameters of a fit (for AIC). */
function parameterCount(fit: PurchaseFit): number {
  return Object.keys(fit.params).length;
}

export function fitPurchaseModel(model: PurchaseModelName, tuples: RfmTuples, options: FitOptions = {}): PurchaseFit {
  return model === 'nbd' ? fitNbd(tuples, options) : fitWithBoundary(model, tuples, options);
}

export function purchaseSpec(fit: PurchaseFit): RfmModelSpec {
  if ('limit' in fit) return { model: fit.model, limit: fit.limit, params: fit.params };
  switch (fit.model) {
    case 'bgnbd': return { model: 'bgnbd', params: fit.params };
    case 'pnbd': return { model: 'pnbd', params: fit.params };
    case 'mbgnbd': return { model: 'mbgnbd', params: fit.params };
    case 'nbd': return { model: 'nbd', params: fit.params };
  }
}

export function purchaseModelOf(fit: PurchaseFit): RfmModel {
  return rfmModel(purchaseSpec(fit));
}

function holdoutOf(v: HoldoutValidation): HoldoutSummary {
  return {
    measure: 'repeat purchases', customers: v.customers, length: v.holdoutLength,
    actual: v.actual, predicted: v.predicted, mae: v.mae, rmse: v.rmse, byFrequency: v.byFrequency,
  };
}

/** With fitOptions.throwOnNonConvergence false a non-converged fit comes back with converged = false. */
export interface FitFromStoreOptions extends SummaryOptions {
  model: ModelRequest;
  fitOptions?: FitOptions;
  /** Also compute the weekly tracking curve (default true). */
  tracking?: boolean;
}

export interface PurchaseChoice {
  fit: PurchaseFit;
  validation: HoldoutValidation | null;
  candidates: CandidateSummary[] | null;
  selection: string | null;
}

/**
 * Fits a purchase model (or, for `auto`, every purchase model) on the tuples. `auto` chooses only
 * among candidates that could be fitted and, with a holdout, produced finite holdout predictions;
 * each other candidate is set aside with the reason. Among the usable ones it picks the smallest
 * per-customer holdout RMSE when there is a holdout, else the smallest AIC (2k − 2 LL: the NBD has
 * two parameters, the no-dropout limits of BG/NBD and MBG/NBD three, the full models four). None
 * usable is an error that names every reason.
 */
export async function fitAndChoose(
  store: Store | null, info: CustomerSummaryInfo | null, tuples: RfmTuples, request: PurchaseModelName | 'auto', fitOptions: FitOptions = {},
): Promise<PurchaseChoice> {
  const withHoldout = store !== null && info !== null && info.holdoutLength !== null;
  if (request !== 'auto') {
    const fit = fitPurchaseModel(request, tuples, fitOptions);
    const validation = withHoldout ? await validateHoldout(store, info, tuples, purchaseModelOf(fit)) : null;
    if (validation && !validationFinite(validation)) {
      throw new ConvergenceError(`${request}: the fitted model gives non-finite holdout predictions (predicted ${validation.predicted}); try --model auto or nbd`, fit.iterations, NaN);
    }
    return { fit, validation, candidates: null, selection: null };
  }
  const ok: { fit: PurchaseFit; validation: HoldoutValidation | null }[] = [];
  const candidates: CandidateSummary[] = [];
  for (const model of PURCHASE_MODELS) {
    let fit: PurchaseFit;
    try {
      fit = fitPurchaseModel(model, tuples, { ...fitOptions, throwOnNonConvergence: true });
    } catch (e) {
      if (!(e instanceof ConvergenceError || e instanceof InvalidArgumentsError)) throw e;
      candidates.push({
        model, logLikelihood: null, converged: false, params: null, holdout: null, error: e.message,
        fittedModel: null, boundary: null, setAside: `could not be fitted: ${e.message}`,
      });
      continue;
    }
    let validation: HoldoutValidation | null = null;
    let setAside: string | null = null;
    if (withHoldout) {
      try {
        validation = await validateHoldout(store, info, tuples, purchaseModelOf(fit));
        if (!validationFinite(validation)) setAside = `its holdout predictions are not finite (predicted ${validation.predicted})`;
      } catch (e) {
        if (!(e instanceof ConvergenceError || e instanceof InvalidArgumentsError)) throw e;
        setAside = `no holdout predictions: ${e.message}`;
      }
    }
    const boundary = 'boundary' in fit && fit.boundary ? fit.boundary.message : null;
    candidates.push({
      model, logLikelihood: fit.logLikelihood, converged: fit.converged, params: { ...fit.params } as Record<string, number>,
      holdout: validation && !setAside ? { actual: validation.actual, predicted: validation.predicted, mae: validation.mae, rmse: validation.rmse } : null,
      error: null, fittedModel: fit.model, boundary, setAside,
    });
    if (!setAside) ok.push({ fit, validation });
  }
  const reasons = (): string => candidates.filter((c) => c.setAside).map((c) => `${c.model}: ${c.setAside}`).join('; ');
  if (ok.length === 0) {
    throw new ConvergenceError(`auto: no purchase model ${withHoldout ? 'produced holdout predictions' : 'could be fitted'} (${reasons()})`, 0, NaN);
  }
  const asideNote = candidates.some((c) => c.setAside) ? `; set aside: ${reasons()}` : '';
  if (withHoldout) {
    const choice = chooseByHoldout(ok.map((c) => ({ candidate: c, validation: c.validation! })));
    return {
      ...choice.chosen, candidates,
      selection: `smallest per-customer holdout RMSE among the candidates with holdout predictions (${choice.chosen.fit.model}: ${choice.chosen.validation!.rmse.toFixed(4)})${asideNote}`,
    };
  }
  const aic = (f: PurchaseFit): number => 2 * parameterCount(f) - 2 * f.logLikelihood;
  const best = ok.reduce((a, b) => (aic(b.fit) < aic(a.fit) ? b : a));
  return { ...best, candidates, selection: `no holdout: smallest AIC (2k − 2 log-likelihood; ${best.fit.model}: ${aic(best.fit).toFixed(2)})${asideNote}` };
}

function validationFinite(v: HoldoutValidation): boolean {
  return Number.isFinite(v.predicted) && Number.isFinite(v.rmse) && Number.isFinite(v.mae) && v.byFrequency.every((f) => Number.isFinite(f.predicted));
}

function baseReport(fit: AnyFit, o: { requestedModel: ModelRequest; source: 'db' | 'summary'; tuples: number; unit?: TimeUnit; calibrationEnd?: string; holdoutEnd?: string | null }): ClvFitReport {
  return {
    ...fitSummary(fit),
    requestedModel: o.requestedModel,
    source: o.source,
    unit: o.unit ?? null,
    calibrationEnd: o.calibrationEnd ?? null,
    holdoutEnd: o.holdoutEnd ?? null,
    tuples: o.tuples,
    holdout: null,
    tracking: null,
    candidates: null,
    selection: null,
  };
}

/** `spiral clv fit --db`: summary SQL in the store, then the requested model. */
export async function fitFromStore(store: Store, o: FitFromStoreOptions): Promise<ClvFitReport> {
  const where = { source: 'db' as const, unit: o.unit, calibrationEnd: o.calibrationEnd, holdoutEnd: o.holdoutEnd ?? null, requestedModel: o.model };
  if (o.model === 'bgbb') {
    const d = await buildDiscreteSummary(store, o);
    const fit = fitBgbb(d.tuples, o.fitOptions);
    const report = baseReport(fit, { ...where, tuples: d.tuples.x.length });
    report.holdout = d.holdout ? bgbbHoldout(fit, d) : null;
    return report;
  }
  const info = await buildCustomerSummary(store, o);
  noCustomers(info);
  if (o.model === 'ggamma') {
    const spend = await loadSpendTuples(store, info);
    if (spend.x.length === 0) throw new ClvInputError(await noSpendReason(store, info));
    const fit = fitGammaGamma(spend, o.fitOptions);
    return baseReport(fit, { ...where, tuples: spend.x.length });
  }
  const tuples = await loadRfmTuples(store, info);
  const choice = await fitAndChoose(store, info, tuples, o.model, o.fitOptions);
  const report = baseReport(choice.fit, { ...where, tuples: tuples.x.length });
  report.holdout = choice.validation ? holdoutOf(choice.validation) : null;
  report.candidates = choice.candidates;
  report.selection = choice.selection;
  if (o.tracking !== false) report.tracking = await trackingCurve(store, info, o, purchaseModelOf(choice.fit));
  return report;
}

function noCustomers(info: CustomerSummaryInfo): void {
  if (info.customers === 0) {
    throw new ClvInputError(`no customer made a first purchase on or before the calibration end ${info.calibrationEnd} (is there any "purchase" event in the store?)`);
  }
}

/** BG/BB holdout: expected vs actual transactions in each cohort's whole holdout periods. */
function bgbbHoldout(fit: BgbbFit, d: DiscreteSummary): HoldoutSummary {
  const h = d.holdout!;
  let customers = 0, actual = 0, predicted = 0, abs = 0, sq = 0;
  const byX = new Map<number, FrequencyRow>();
  for (let i = 0; i < h.x.length; i++) {
    const c = h.count[i], a = h.actual[i];
    const p = bgbbExpectedPurchases(fit.params, h.nStar[i], h.x[i], h.t_x[i], h.n[i]);
    customers += c;
    actual += c * a;
    predicted += c * p;
    abs += c * Math.abs(p - a);
    sq += c * (p - a) ** 2;
    const f = byX.get(h.x[i]) ?? { x: h.x[i], customers: 0, actual: 0, predicted: 0 };
    f.customers += c;
    f.actual += c * a;
    f.predicted += c * p;
    byX.set(h.x[i], f);
  }
  const byFrequency = [...byX.values()].sort((a, b) => a.x - b.x).map((f) => ({ ...f, actual: f.actual / f.customers, predicted: f.predicted / f.customers }));
  return { measure: 'transactions', customers, length: null, actual, predicted, mae: customers ? abs / customers : 0, rmse: customers ? Math.sqrt(sq / customers) : 0, byFrequency };
}

/** `spiral clv fit --summary`: tuples read from a CSV (see summary-csv.ts). */
export async function fitFromTuples(
  request: ModelRequest,
  data: { rfm?: RfmTuples; discrete?: DiscreteTuples; spend?: SpendTuples },
  fitOptions: FitOptions = {},
): Promise<ClvFitReport> {
  const source = 'summary' as const;
  if (request === 'bgbb') {
    if (!data.discrete) throw new ClvInputError('bgbb needs the columns x, t_x, n');
    const fit = fitBgbb(data.discrete, fitOptions);
    return baseReport(fit, { requestedModel: request, source, tuples: data.discrete.x.length });
  }
  if (request === 'ggamma') {
    if (!data.spend) throw new ClvInputError('ggamma needs a monetary column');
    const fit = fitGammaGamma(data.spend, fitOptions);
    return baseReport(fit, { requestedModel: request, source, tuples: data.spend.x.length });
  }
  if (!data.rfm) throw new ClvInputError(`${request} needs the columns x, t_x, T`);
  const choice = await fitAndChoose(null, null, data.rfm, request, fitOptions);
  const report = baseReport(choice.fit, { requestedModel: request, source, tuples: data.rfm.x.length });
  report.candidates = choice.candidates;
  report.selection = choice.selection;
  return report;
}

// ---------------------------------------------------------------------------------------------
// Spend

export interface SpendModel {
  spend: GammaGammaFit | null;
  spendError: string | null;
  constantSpend: number | null;
  spendNote: string | null;
}

/** Why the store gives the spend model nothing to fit: no positive amounts, or nobody bought again. */
async function noSpendReason(store: Store, info: CustomerSummaryInfo): Promise<string> {
  const [row] = await store.query<{ repeaters: number }>(`SELECT COUNT(*) FILTER (WHERE x > 0) AS repeaters FROM ${info.summaryTable}`);
  const repeaters = Number(row.repeaters);
  return repeaters > 0
    ? `the spend model (Gamma-Gamma) needs positive purchase amounts, but none of the ${repeaters.toLocaleString('en-US')} customers who bought again has a positive mean repeat spend (amounts missing or all zero)`
    : 'the spend model (Gamma-Gamma) needs repeat buyers, and no customer bought again in the calibration period';
}

/**
 * Gamma-Gamma on the repeat buyers' mean spend, or the reason there is none. When every repeat
 * buyer has the same mean spend, the model is not identified (its between-customer heterogeneity
 * runs to zero, q → ∞) and its expected spend tends to that common value: that value is used for
 * everyone, with a note, instead of a fit that returns NaN.
 */
export async function fitSpendModel(store: Store, info: CustomerSummaryInfo, fitOptions: FitOptions = {}): Promise<SpendModel> {
  const t = await loadSpendTuples(store, info);
  if (t.x.length === 0) return { spend: null, spendError: await noSpendReason(store, info), constantSpend: null, spendNote: null };
  let same = true;
  for (let i = 1; i < t.monetary.length && same; i++) same = t.monetary[i] === t.monetary[0];
  if (same) {
    const m = t.monetary[0];
    return {
      spend: null, spendError: null, constantSpend: m,
      spendNote: `every repeat buyer has the same mean spend (${m}), so Gamma-Gamma is not identified (no spread between customers); the expected spend per purchase is ${m} for everyone`,
    };
  }
  try {
    const spend = fitGammaGamma(t, fitOptions);
    if (!(spend.params.q > 1)) {
      return { spend: null, spendError: `Gamma-Gamma q = ${spend.params.q.toPrecision(4)} <= 1: the mean spend is infinite, so CLV is not defined`, constantSpend: null, spendNote: null };
    }
    if (![spend.params.p, spend.params.q, spend.params.gamma, spend.logLikelihood].every(Number.isFinite)) {
      return { spend: null, spendError: 'Gamma-Gamma did not give finite estimates', constantSpend: null, spendNote: null };
    }
    return { spend, spendError: null, constantSpend: null, spendNote: null };
  } catch (e) {
    if (!(e instanceof ConvergenceError || e instanceof InvalidArgumentsError)) throw e;
    return { spend: null, spendError: e.message, constantSpend: null, spendNote: null };
  }
}

// ---------------------------------------------------------------------------------------------
// Scoring

export const CLV_DEFAULTS = {
  /** Annual discount rate (compounded per period of the unit). */
  annualDiscountRate: 0.1,
  /** One year of periods in each unit. */
  horizonPeriods: { day: 365, week: 52, month: 12 } as Record<TimeUnit, number>,
  margin: 1,
};

/** The per-period rate equivalent to an annual rate: (1 + annual)^(unit days / 365.25) − 1. */
export function perPeriodRate(annual: number, unit: TimeUnit): number {
  if (!(annual >= 0) || !Number.isFinite(annual)) throw new ClvInputError(`discount rate must be a finite number >= 0, got ${annual}`);
  return Math.expm1(Math.log1p(annual) * (UNIT_DAYS[unit] / 365.25));
}

export interface DiscountStatement {
  annualRate: number;
  perPeriodRate: number;
  horizonPeriods: number;
  unit: TimeUnit;
  margin: number;
  formula: string;
}

export function discountStatement(unit: TimeUnit, annualRate: number, horizonPeriods: number, margin: number): DiscountStatement {
  const d = perPeriodRate(annualRate, unit);
  if (horizonPeriods === Infinity) {
    return {
      annualRate, perPeriodRate: d, horizonPeriods, unit, margin,
      formula:
        `CLV = margin × E[spend per purchase | x, m] × DERT(δ | x, t_x, T), the discounted expected residual transactions over an unbounded horizon ` +
        `in closed form at the continuous rate δ = ln(1 + d) per ${unit}, d = (1 + ${annualRate})^(${unit} / year) − 1 = ${d.toPrecision(4)} (the same discounting as (1 + d)^−k at the end of period k); margin = ${margin}. ` +
        'DERT: Pareto/NBD (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2), NBD (r + x)/((α + T) δ), and BG/NBD / MBG/NBD only at their no-dropout limit; customer equity = Σ CLV over customers.',
    };
  }
  return {
    annualRate, perPeriodRate: d, horizonPeriods, unit, margin,
    formula:
      `CLV = margin × E[spend per purchase | x, m] × Σ_{k=1..H} (E[Y(k) | x, t_x, T] − E[Y(k−1) | x, t_x, T]) / (1 + d)^k, ` +
      `with H = ${horizonPeriods} ${unit}s, d = (1 + ${annualRate})^(${unit} / year) − 1 = ${d.toPrecision(4)} per ${unit}, margin = ${margin}; ` +
      'E[Y(t) | x, t_x, T] is the purchase model\'s conditional expectation, E[spend | x, m] the Gamma-Gamma conditional mean; customer equity = Σ CLV over customers.',
  };
}

export interface ScoreStoreOptions extends SummaryOptions {
  model: PurchaseModelName | 'auto';
  /** CLV horizon in periods of the unit; Infinity: closed-form DERT (Pareto/NBD, NBD, the BG/NBD limits). */
  horizonPeriods?: number;
  annualDiscountRate?: number;
  margin?: number;
  fitOptions?: FitOptions;
  scoresTable?: string;
}

export interface ScoreStoreResult {
  info: CustomerSummaryInfo;
  tuples: RfmTuples;
  choice: PurchaseChoice;
  spend: GammaGammaFit | null;
  /** Why there is no spend model (no positive amounts, fewer than two repeat buyers, …). */
  spendError: string | null;
  /** Every repeat buyer has the same mean spend: that value is everyone's expected spend (spend is null). */
  constantSpend: number | null;
  /** A warning about the spend model that is not an error (e.g. the constant spend above). */
  spendNote: string | null;
  discount: DiscountStatement;
  /** Periods expected_purchases looks ahead (the horizon, or one year when the horizon is unbounded). */
  purchaseHorizon: number;
  score: ScoreResult;
}

/** Fits the purchase model and Gamma-Gamma, then writes clv_scores into the store. */
export async function scoreStore(store: Store, o: ScoreStoreOptions): Promise<ScoreStoreResult> {
  const info = await buildCustomerSummary(store, o);
  noCustomers(info);
  const tuples = await loadRfmTuples(store, info);
  const choice = await fitAndChoose(store, info, tuples, o.model, o.fitOptions);
  const { spend, spendError, constantSpend, spendNote } = await fitSpendModel(store, info, o.fitOptions);
  const horizon = o.horizonPeriods ?? CLV_DEFAULTS.horizonPeriods[o.unit];
  const infinite = horizon === Infinity;
  if (!infinite && (!(horizon >= 1) || !Number.isInteger(horizon))) throw new ClvInputError(`horizon must be a whole number of periods >= 1 or inf, got ${horizon}`);
  if (infinite && purchaseModelOf(choice.fit).dert === undefined) {
    throw new ClvInputError(
      `--horizon inf needs a closed-form DERT; ${choice.fit.model === 'mbgnbd' ? 'MBG/NBD' : 'BG/NBD'} has none (only at its no-dropout limit). Use a finite --horizon, or --model pnbd or nbd`,
    );
  }
  // With an unbounded horizon, expected_purchases still looks one year ahead (an unbounded count is infinite without dropout).
  const purchaseHorizon = infinite ? CLV_DEFAULTS.horizonPeriods[o.unit] : horizon;
  const margin = o.margin ?? CLV_DEFAULTS.margin;
  const discount = discountStatement(o.unit, o.annualDiscountRate ?? CLV_DEFAULTS.annualDiscountRate, horizon, margin);
  const score = await writeClvScores(store, info, tuples, {
    model: purchaseModelOf(choice.fit),
    horizon: purchaseHorizon,
    discount: { discountRate: discount.perPeriodRate, periodLength: 1, horizon },
    ...(spend ? { spend: spend.params } : {}),
    ...(constantSpend !== null ? { constantSpend } : {}),
    margin,
    ...(o.scoresTable ? { scoresTable: o.scoresTable } : {}),
  });
  return { info, tuples, choice, spend, spendError, constantSpend, spendNote, discount, purchaseHorizon, score };
}
