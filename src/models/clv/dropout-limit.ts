/**
 * The no-dropout boundary of the buy-till-you-die models, and fits that stay honest there.
 *
 * When customers are all still buying, the data do not identify dropout: the likelihood of BG/NBD
 * (MBG/NBD) is flat along a ridge a, b → ∞ with a/(a+b) fixed, and that of Pareto/NBD along
 * s, β → ∞ with s/β fixed; the optimiser walks off along it (issue #15: a ≈ 3·10^5, b ≈ 3.6·10^7,
 * standard errors larger than the estimates, every prediction null).
 *
 * The limit of BG/NBD there is a model of its own, every customer with the same dropout probability
 * p = a/(a+b) after each purchase (Fader, Hardie & Lee 2005, eqs. 7 and 10 with p fixed):
 * - likelihood: bgnbd.ts homogeneousDropoutLogLikelihoodPrepared;
 * - P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · p/(1−p) · ((α+T)/(α+t_x))^(r+x))  (MBG/NBD: for every x);
 * - E[Y(t) | alive, x, T] = E_λ[(1 − e^{−λpt})/p], λ ~ Gamma(r+x, α+T):
 *     (1 − ((α+T)/(α+T+pt))^(r+x)) / p, computed as −expm1(−(r+x) log1p(pt/(α+T)))/p so that
 *     p → 0 gives the NBD's (r+x)t/(α+T) without cancellation;
 * - E[X(t)] = (1 − (α/(α+pt))^r)/p  (MBG/NBD: × (1−p), the chance of surviving the trial);
 * - DERT at continuous rate δ: P(alive) · E_λ[λ/(δ+pλ)] = P(alive) · (r+x)/p · U(1, 1−(r+x); δ(α+T)/p),
 *   U Tricomi's function (the size-biased λ ~ Gamma(r+x+1, α+T), as in pnbd.ts's DERT).
 * When p itself runs to 0 the limit is the NBD (nbd.ts).
 *
 * fitWithBoundary: fits the full model; if it ran along the ridge (concentration a+b, or s, above
 * BOUNDARY_DEFAULTS.ridgeConcentration) or failed, BG/NBD and MBG/NBD are refitted at the limit
 * and the limit is kept unless the full fit is better by more than the boundary likelihood-ratio
 * threshold (the statistic is a 50:50 mixture of χ²₀ and χ²₁ on the boundary — Self & Liang 1987 —
 * whose 5% point is 2.706, i.e. 1.353 in log-likelihood). Pareto/NBD stays at its fitted point (its
 * expectations are closed forms that stay finite for large s and β, and 2F1 holds there), reported
 * with the finite parametrisation mean dropout rate s/β and coefficient of variation 1/√s.
 * Fits that do not reach the ridge are returned untouched, so interior fits (CDNOW) are unchanged.
 */
import { ConvergenceError, InvalidArgumentsError } from '../numeric/errors.js';
import { log1pexp, tricomiU1 } from '../numeric/special.js';
import { checkIdentifiable, checkRfmTuples, fitBgnbd, homogeneousDropoutLogLikelihoodPrepared, prepareRfm, rfmStarts } from './bgnbd.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import { fitMbgnbd, type MbgnbdFit } from './mbgnbd.js';
import { fitNbd, type NbdFit } from './nbd.js';
import { fitPnbd, type PnbdFit } from './pnbd.js';
import type { BgnbdFit } from './bgnbd.js';
import type { BoundaryNote, FitOptions, FitResult, HomogeneousDropoutParams, RfmTuples } from './types.js';

export const BOUNDARY_DEFAULTS = {
  /** a + b (BG/NBD, MBG/NBD) or s (Pareto/NBD) above this: the fit ran along the no-dropout ridge. */
  ridgeConcentration: 1e3,
  /** Half the 5% point of the 50:50 χ²₀/χ²₁ mixture (2.706): the full fit must beat the limit by more. */
  lrThreshold: 1.353,
  /** A limit with p below this is reported as the NBD. */
  minDropout: 1e-6,
};

export type HomogeneousDropoutFit = FitResult<'bgnbd' | 'mbgnbd', HomogeneousDropoutParams> & { limit: 'homogeneous-dropout' };

const HD_NAMES = ['r', 'alpha', 'odds'] as const;

/** Fits the a, b → ∞ limit of BG/NBD (or MBG/NBD with `modified`): θ = (r, α, p). */
export function fitHomogeneousDropout(tuples: RfmTuples, options: FitOptions = {}, modified = false, startOdds: readonly number[] = [0.01, 0.1, 0.5]): HomogeneousDropoutFit {
  const what = modified ? 'fitMbgnbd (a, b → ∞ limit)' : 'fitBgnbd (a, b → ∞ limit)';
  checkRfmTuples(what, tuples);
  const prepared = prepareRfm(tuples);
  checkIdentifiable(what, prepared);
  const ll: LogLikelihood = (theta, grad) => homogeneousDropoutLogLikelihoodPrepared(prepared, theta, grad, modified);
  const base = rfmStarts(prepared, [[1, 1, 1], [0.3, 1, 1], [3, 1, 1]]);
  const starts = base.flatMap(([r, alpha]) => startOdds.map((o) => [r, alpha, o]));
  const { starts: _ignored, ...rest } = options;
  const fit = fitMaximumLikelihood({ what, names: HD_NAMES, ll, customers: prepared.customers, starts }, rest);
  const o = fit.params.odds, p = o / (1 + o);
  return {
    model: modified ? 'mbgnbd' : 'bgnbd',
    limit: 'homogeneous-dropout',
    params: { r: fit.params.r, alpha: fit.params.alpha, p },
    // dp/do = 1/(1+o)²
    stdErrors: { r: fit.stdErrors.r, alpha: fit.stdErrors.alpha, p: fit.stdErrors.odds / ((1 + o) * (1 + o)) },
    logLikelihood: fit.logLikelihood,
    converged: fit.converged,
    iterations: fit.iterations,
    customers: prepared.customers,
  };
}

// ---------------------------------------------------------------------------------------------
// Per customer (the limit)

export function homogeneousPAlive(p: HomogeneousDropoutParams, x: number, tx: number, T: number, modified = false): number {
  if (x === 0 && !modified) return 1;
  if (p.p === 0) return 1;
  const logOdds = Math.log(p.p) - Math.log1p(-p.p) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return Math.exp(-log1pexp(logOdds));
}

/** (1 − (B/(B+pt))^k)/p, continuous at p = 0 (where it is k t / B). */
function dropoutGrowth(k: number, B: number, p: number, t: number): number {
  if (p === 0) return (k * t) / B;
  return -Math.expm1(-k * Math.log1p((p * t) / B)) / p;
}

/** Expected purchases in (T, T+t] of a customer known to be alive. */
export function homogeneousExpectedIfAlive(p: HomogeneousDropoutParams, t: number, x: number, T: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`expected purchases: t must be >= 0, got ${t}`);
  return dropoutGrowth(p.r + x, p.alpha + T, p.p, t);
}

export function homogeneousExpectedPurchases(p: HomogeneousDropoutParams, t: number, x: number, tx: number, T: number, modified = false): number {
  return homogeneousPAlive(p, x, tx, T, modified) * homogeneousExpectedIfAlive(p, t, x, T);
}

export function homogeneousExpectedPurchasesNew(p: HomogeneousDropoutParams, t: number, modified = false): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`expected purchases: t must be >= 0, got ${t}`);
  return (modified ? 1 - p.p : 1) * dropoutGrowth(p.r, p.alpha, p.p, t);
}

/** U(1, 2−s; z) = ∫_0^∞ e^{−zu}(1+u)^{−s} du; its asymptotic series Σ (−1)^k (s)_k / z^{k+1} when s/z is tiny. */
function tricomiU1Large(s: number, z: number): number {
  const q = s / z;
  if (z > 1 && Math.abs(q) < 1e-4) return (1 - q * (1 - ((s + 1) / z) * (1 - (s + 2) / z))) / z;
  return tricomiU1(s, z);
}

/** DERT at continuous rate δ per unit time (see the header). */
export function homogeneousDert(p: HomogeneousDropoutParams, delta: number, x: number, tx: number, T: number, modified = false): number {
  if (!(delta > 0)) throw new InvalidArgumentsError(`DERT: delta must be > 0, got ${delta}`);
  const k = p.r + x, B = p.alpha + T;
  const perAlive = p.p === 0 ? k / (B * delta) : (k / p.p) * tricomiU1Large(k + 1, (delta * B) / p.p);
  return homogeneousPAlive(p, x, tx, T, modified) * perAlive;
}

// ---------------------------------------------------------------------------------------------
// Boundary-aware fitting

export type BoundaryAwareFit = BgnbdFit | MbgnbdFit | PnbdFit | NbdFit | HomogeneousDropoutFit;

const MODEL_LABEL = { bgnbd: 'BG/NBD', mbgnbd: 'MBG/NBD', pnbd: 'Pareto/NBD' } as const;

function plain(o: object): Record<string, number> {
  return { ...(o as Record<string, number>) };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(4) : String(v);
}

function isFitFailure(e: unknown): e is Error {
  return e instanceof ConvergenceError || e instanceof InvalidArgumentsError;
}

/**
 * Fits BG/NBD, MBG/NBD or Pareto/NBD and, when the fit runs along the no-dropout ridge, reports it
 * as described in the header (with `boundary` set). Interior fits come back exactly as fitted.
 */
export function fitWithBoundary(model: 'bgnbd' | 'mbgnbd' | 'pnbd', tuples: RfmTuples, options: FitOptions = {}): BoundaryAwareFit {
  const D = BOUNDARY_DEFAULTS;
  let full: BgnbdFit | MbgnbdFit | PnbdFit | null = null;
  let fullError: Error | null = null;
  try {
    full = model === 'bgnbd' ? fitBgnbd(tuples, options) : model === 'mbgnbd' ? fitMbgnbd(tuples, options) : fitPnbd(tuples, options);
  } catch (e) {
    if (!isFitFailure(e)) throw e;
    fullError = e;
  }
  const concentration = full === null ? Infinity : full.model === 'pnbd' ? full.params.s : full.params.a + full.params.b;
  if (full !== null && concentration <= D.ridgeConcentration) return full; // interior (converged or not, as before)
  if (full === null && !(fullError instanceof ConvergenceError)) throw fullError!; // bad data, not a ridge
  const label = MODEL_LABEL[model];
  const ridge = full ? { params: plain(full.params), logLikelihood: full.logLikelihood } : null;
  const ridgeError = fullError ? fullError.message : full && !full.converged ? `${label} did not converge` : null;
  const where = full
    ? `${label} ran along the no-dropout ridge (${model === 'pnbd' ? `s = ${fmt(concentration)}, β = ${fmt((full.params as { beta: number }).beta)}` : `a + b = ${fmt(concentration)}`}${full.converged ? '' : ', not converged'})`
    : `${label} could not be fitted (${fullError!.message})`;

  if (model === 'pnbd') {
    if (full === null || !full.converged) throw fullError ?? new ConvergenceError(`${where}; fit nbd for the no-dropout limit`, full?.iterations ?? 0, NaN);
    const p = full.params as { r: number; alpha: number; s: number; beta: number };
    const finiteParams = { r: p.r, alpha: p.alpha, meanDropoutRate: p.s / p.beta, dropoutRateCv: 1 / Math.sqrt(p.s) };
    const boundary: BoundaryNote = {
      limit: 'ridge', finiteParams, ridge, ridgeError,
      message: `${where}: the data do not identify how dropout rates differ between customers; every customer is taken to drop out at about the same rate, mean ${fmt(finiteParams.meanDropoutRate)} per unit (CV ${fmt(finiteParams.dropoutRateCv)}); predictions use the fitted point, where they are finite.`,
    };
    return { ...full, boundary };
  }

  const modified = model === 'mbgnbd';
  const startOdds = full ? [(full.params as { a: number; b: number }).a / (full.params as { a: number; b: number }).b, 0.01, 0.1] : [0.01, 0.1, 0.5];
  let limit: HomogeneousDropoutFit | null = null;
  let limitError: Error | null = null;
  try {
    limit = fitHomogeneousDropout(tuples, { ...options, throwOnNonConvergence: true }, modified, startOdds);
  } catch (e) {
    if (!isFitFailure(e)) throw e;
    limitError = e;
  }
  if (full && full.converged && limit && full.logLikelihood - limit.logLikelihood > D.lrThreshold) return full; // a real interior optimum
  if (limit && limit.params.p >= D.minDropout) {
    const finiteParams = { r: limit.params.r, alpha: limit.params.alpha, p: limit.params.p, polarization: 0 };
    return {
      ...limit,
      boundary: {
        limit: 'homogeneous-dropout', finiteParams, ridge, ridgeError,
        message: `${where}: the data do not identify how dropout differs between customers, so ${label} is reported at its limit a, b → ∞ with a/(a+b) = p = ${fmt(limit.params.p)} (every customer drops out with that probability after each purchase; log-likelihood ${limit.logLikelihood.toFixed(2)}).`,
      },
    };
  }
  // The dropout probability itself runs to 0: the limit is the NBD.
  const nbd = fitNbd(tuples, { ...options, throwOnNonConvergence: true });
  const why = limit ? `the dropout probability runs to 0 (p = ${fmt(limit.params.p)})` : `the a, b → ∞ limit could not be fitted either (${limitError!.message})`;
  return {
    ...nbd,
    boundary: {
      limit: 'no-dropout', finiteParams: plain(nbd.params), ridge, ridgeError,
      message: `${where} and ${why}: reported as its no-dropout limit, the NBD (log-likelihood ${nbd.logLikelihood.toFixed(2)}); P(alive) is 1 for every customer.`,
    },
  };
}
