/**
 * The CLV pipeline over a store, shared by `spiral clv` and the analysis section: SQL sufficient
 * statistics → compressed tuples → model fit(s) → holdout validation and model choice → scores.
 * Everything here returns plain, JSON-ready objects; printing and exit codes belong to the CLI.
 */
import type { Store } from '../store/types.js';
import { fitBgnbd, type BgnbdFit } from '../models/clv/bgnbd.js';
import { fitPnbd, type PnbdFit } from '../models/clv/pnbd.js';
import { fitMbgnbd, type MbgnbdFit } from '../models/clv/mbgnbd.js';
import { fitBgbb, bgbbExpectedPurchases, type BgbbFit } from '../models/clv/bgbb.js';
import { fitGammaGamma, type GammaGammaFit } from '../models/clv/gammagamma.js';
import { rfmModel, type RfmModel, type RfmModelSpec } from '../models/clv/clv.js';
import { ConvergenceError, InvalidArgumentsError } from '../models/numeric/errors.js';
import type { ClvModelName, DiscreteTuples, FitOptions, RfmTuples, SpendTuples } from '../models/clv/types.js';
import { ClvInputError } from './errors.js';
import {
  buildCustomerSummary, buildDiscreteSummary, loadRfmTuples, loadSpendTuples, UNIT_DAYS,
  type CustomerSummaryInfo, type DiscreteSummary, type SummaryOptions, type TimeUnit,
} from './summary.js';
import { chooseByHoldout, trackingCurve, validateHoldout, type FrequencyRow, type HoldoutValidation, type TrackingRow } from './validate.js';
import { writeClvScores, type ScoreResult } from './score.js';

export type PurchaseModelName = 'bgnbd' | 'pnbd' | 'mbgnbd';
export const PURCHASE_MODELS: readonly PurchaseModelName[] = ['bgnbd', 'pnbd', 'mbgnbd'];
/** What a user may ask for: a model, or `auto` (the purchase model with the smallest holdout error). */
export type ModelRequest = PurchaseModelName | 'bgbb' | 'ggamma' | 'auto';
export const MODEL_REQUESTS: readonly ModelRequest[] = ['bgnbd', 'pnbd', 'mbgnbd', 'bgbb', 'ggamma', 'auto'];

export type PurchaseFit = BgnbdFit | PnbdFit | MbgnbdFit;
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
  };
}

export function fitPurchaseModel(model: PurchaseModelName, tuples: RfmTuples, options: FitOptions = {}): PurchaseFit {
  switch (model) {
    case 'bgnbd': return fitBgnbd(tuples, options);
    case 'pnbd': return fitPnbd(tuples, options);
    case 'mbgnbd': return fitMbgnbd(tuples, options);
  }
}

export function purchaseSpec(fit: PurchaseFit): RfmModelSpec {
  switch (fit.model) {
    case 'bgnbd': return { model: 'bgnbd', params: fit.params };
    case 'pnbd': return { model: 'pnbd', params: fit.params };
    case 'mbgnbd': return { model: 'mbgnbd', params: fit.params };
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
 * Fits a purchase model (or, for `auto`, every purchase model) on the tuples. `auto` picks the
 * smallest per-customer holdout RMSE when there is a holdout, else the largest log-likelihood
 * (the three models have four parameters each, so that is also the smallest AIC/BIC).
 */
export async function fitAndChoose(
  store: Store | null, info: CustomerSummaryInfo | null, tuples: RfmTuples, request: PurchaseModelName | 'auto', fitOptions: FitOptions = {},
): Promise<PurchaseChoice> {
  const withHoldout = store !== null && info !== null && info.holdoutLength !== null;
  if (request !== 'auto') {
    const fit = fitPurchaseModel(request, tuples, fitOptions);
    const validation = withHoldout ? await validateHoldout(store, info, tuples, purchaseModelOf(fit)) : null;
    return { fit, validation, candidates: null, selection: null };
  }
  const ok: { fit: PurchaseFit; validation: HoldoutValidation | null }[] = [];
  const candidates: CandidateSummary[] = [];
  for (const model of PURCHASE_MODELS) {
    try {
      const fit = fitPurchaseModel(model, tuples, { ...fitOptions, throwOnNonConvergence: true });
      const validation = withHoldout ? await validateHoldout(store, info, tuples, purchaseModelOf(fit)) : null;
      ok.push({ fit, validation });
      candidates.push({
        model, logLikelihood: fit.logLikelihood, converged: fit.converged, params: { ...fit.params } as Record<string, number>,
        holdout: validation ? { actual: validation.actual, predicted: validation.predicted, mae: validation.mae, rmse: validation.rmse } : null,
        error: null,
      });
    } catch (e) {
      if (!(e instanceof ConvergenceError || e instanceof InvalidArgumentsError)) throw e;
      candidates.push({ model, logLikelihood: null, converged: false, params: null, holdout: null, error: e.message });
    }
  }
  if (ok.length === 0) {
    throw new ConvergenceError(`auto: no purchase model could be fitted (${candidates.map((c) => `${c.model}: ${c.error}`).join('; ')})`, 0, NaN);
  }
  if (withHoldout) {
    const choice = chooseByHoldout(ok.map((c) => ({ candidate: c, validation: c.validation! })));
    return {
      ...choice.chosen, candidates,
      selection: `smallest per-customer holdout RMSE (${choice.chosen.fit.model}: ${choice.chosen.validation!.rmse.toFixed(4)})`,
    };
  }
  const best = ok.reduce((a, b) => (b.fit.logLikelihood > a.fit.logLikelihood ? b : a));
  return { ...best, candidates, selection: 'no holdout: largest log-likelihood (all candidates have four parameters, so also the smallest AIC/BIC)' };
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
  /** Why there is no spend model (no amounts, fewer than two repeat buyers, …). */
  spendError: string | null;
  discount: DiscountStatement;
  score: ScoreResult;
}

/** Fits the purchase model and Gamma-Gamma, then writes clv_scores into the store. */
export async function scoreStore(store: Store, o: ScoreStoreOptions): Promise<ScoreStoreResult> {
  const info = await buildCustomerSummary(store, o);
  noCustomers(info);
  const tuples = await loadRfmTuples(store, info);
  const choice = await fitAndChoose(store, info, tuples, o.model, o.fitOptions);
  const spendTuples = await loadSpendTuples(store, info);
  let spend: GammaGammaFit | null = null;
  let spendError: string | null = null;
  try {
    spend = fitGammaGamma(spendTuples, o.fitOptions);
    if (!(spend.params.q > 1)) {
      spendError = `Gamma-Gamma q = ${spend.params.q.toPrecision(4)} <= 1: the mean spend is infinite, so CLV is not defined`;
      spend = null;
    }
  } catch (e) {
    if (!(e instanceof ConvergenceError || e instanceof InvalidArgumentsError)) throw e;
    spendError = e.message;
  }
  const horizon = o.horizonPeriods ?? CLV_DEFAULTS.horizonPeriods[o.unit];
  if (!(horizon >= 1) || !Number.isInteger(horizon)) throw new ClvInputError(`horizon must be a whole number of periods >= 1, got ${horizon}`);
  const margin = o.margin ?? CLV_DEFAULTS.margin;
  const discount = discountStatement(o.unit, o.annualDiscountRate ?? CLV_DEFAULTS.annualDiscountRate, horizon, margin);
  const score = await writeClvScores(store, info, tuples, {
    model: purchaseModelOf(choice.fit),
    horizon,
    discount: { discountRate: discount.perPeriodRate, periodLength: 1, horizon },
    ...(spend ? { spend: spend.params } : {}),
    margin,
    ...(o.scoresTable ? { scoresTable: o.scoresTable } : {}),
  });
  return { info, tuples, choice, spend, spendError, discount, score };
}
