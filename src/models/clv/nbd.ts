/**
 * NBD: purchases with no dropout — Ehrenberg, A. S. C. (1959), "The pattern of consumer purchases",
 * Applied Statistics 8(1), 26–41; in the (x, t_x, T) form of Morrison, D. G. & Schmittlein, D. C.
 * (1988), "Generalizing the NBD model for customer purchases", JBES 6(2), 145–159, and Fader,
 * Hardie & Lee (2005), section 2 (the BG/NBD with p = 0).
 *
 * Every customer buys as Poisson(λ) forever, λ ~ Gamma(r, α). It is the limit of BG/NBD, MBG/NBD
 * and Pareto/NBD when nobody drops out, so it is the honest model when the data do not identify
 * dropout (customers are all still buying), and it makes that comparison explicit.
 * - Likelihood (FHL 2005 eq. 3 with p = 0): L = Γ(r+x)/Γ(r) · α^r / (α+T)^(r+x)  (t_x plays no part).
 * - P(alive) = 1.
 * - E[Y(t) | x, t_x, T] = (r+x) t / (α+T);  E[X(t)] = r t / α  (the Gamma posterior mean of λ).
 * - DERT at continuous rate δ: ∫_0^∞ e^{−δτ} (r+x)/(α+T) dτ = (r+x) / ((α+T) δ).
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { BGNBD_DEFAULTS, checkIdentifiable, checkRfmTuples, gammaRatioTable, prepareRfm, rfmStarts, subsamplePrepared, type PreparedRfm } from './bgnbd.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import type { FitOptions, FitResult, NbdParams, RfmTuples } from './types.js';

export const NBD_PARAM_NAMES = ['r', 'alpha'] as const;
export type NbdFit = FitResult<'nbd', NbdParams>;

/** Σ count · log L(r, α | x, T) on prepared tuples, with ∂/∂(r, α) into grad. */
export function nbdLogLikelihoodPrepared(p: PreparedRfm, theta: ArrayLike<number>, grad: Float64Array | null): number {
  const r = theta[0], alpha = theta[1];
  const nx = p.xValues.length;
  const lg = new Float64Array(nx), dg = new Float64Array(nx);
  gammaRatioTable(r, p.xValues, p.integerX, p.maxX, lg, dg);
  const N = p.customers, logAlpha = Math.log(alpha);
  let ll = N * r * logAlpha, gr = N * logAlpha, ga = (N * r) / alpha;
  for (let j = 0; j < nx; j++) {
    ll += p.xCount[j] * lg[j];
    gr += p.xCount[j] * dg[j];
  }
  // −(r+x) log(α+T): per distinct T, Σ count and Σ count·x of its rows.
  const nT = p.TValues.length;
  const cT = new Float64Array(nT), cxT = new Float64Array(nT);
  for (let i = 0; i < p.rows; i++) {
    const k = p.TIndex[i], c = p.count[i];
    cT[k] += c;
    cxT[k] += c * p.x[i];
  }
  for (let k = 0; k < nT; k++) {
    if (cT[k] === 0) continue;
    const at = alpha + p.TValues[k], l = Math.log(at);
    ll -= (r * cT[k] + cxT[k]) * l;
    gr -= cT[k] * l;
    ga -= (r * cT[k] + cxT[k]) / at;
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = ga;
  }
  return ll;
}

function checkParams(p: NbdParams): void {
  for (const k of NBD_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`nbd: ${k} must be finite and > 0, got ${p[k]}`);
  }
}

/** Σ count · log L(r, α | x, t_x, T). */
export function nbdLogLikelihood(params: NbdParams, tuples: RfmTuples): number {
  checkRfmTuples('nbdLogLikelihood', tuples);
  checkParams(params);
  return nbdLogLikelihoodPrepared(prepareRfm(tuples), [params.r, params.alpha], null);
}

/** Fits the NBD by maximum likelihood on compressed (x, t_x, T, count) tuples. */
export function fitNbd(tuples: RfmTuples, options: FitOptions = {}): NbdFit {
  checkRfmTuples('fitNbd', tuples);
  const prepared = prepareRfm(tuples);
  checkIdentifiable('fitNbd', prepared);
  const ll: LogLikelihood = (theta, grad) => nbdLogLikelihoodPrepared(prepared, theta, grad);
  const screenAbove = options.screenAbove ?? BGNBD_DEFAULTS.screenAbove;
  const screened = screenAbove > 0 && prepared.rows > screenAbove && prepared.customers > 2 * BGNBD_DEFAULTS.screenCustomers;
  let screen: { ll: LogLikelihood; customers: number } | undefined;
  if (screened) {
    const sub = subsamplePrepared(prepared, BGNBD_DEFAULTS.screenCustomers, options.seed ?? BGNBD_DEFAULTS.seed);
    screen = { ll: (theta, grad) => nbdLogLikelihoodPrepared(sub, theta, grad), customers: sub.customers };
  }
  const starts = rfmStarts(prepared, [[1, 1, 1], [0.3, 1, 1], [3, 1, 1]]).map(([r, alpha]) => [r, alpha]);
  const fit = fitMaximumLikelihood({ what: 'fitNbd', names: NBD_PARAM_NAMES, ll, customers: prepared.customers, starts, screen }, options);
  return { model: 'nbd', ...fit, customers: prepared.customers };
}

// ---------------------------------------------------------------------------------------------
// Per customer

export function nbdPAlive(): number {
  return 1;
}

/** E[Y(t) | x, t_x, T] = (r+x) t / (α+T). */
export function nbdExpectedPurchases(p: NbdParams, t: number, x: number, _tx: number, T: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`nbdExpectedPurchases: t must be >= 0, got ${t}`);
  return ((p.r + x) * t) / (p.alpha + T);
}

/** E[X(t)] = r t / α. */
export function nbdExpectedPurchasesNew(p: NbdParams, t: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`nbdExpectedPurchasesNew: t must be >= 0, got ${t}`);
  return (p.r * t) / p.alpha;
}

/** DERT at continuous rate δ > 0: (r+x) / ((α+T) δ). */
export function nbdDert(p: NbdParams, delta: number, x: number, _tx: number, T: number): number {
  if (!(delta > 0)) throw new InvalidArgumentsError(`nbdDert: delta must be > 0, got ${delta}`);
  return (p.r + x) / ((p.alpha + T) * delta);
}
