/**
 * Gamma-Gamma spend model: Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "RFM and CLV: using
 * iso-value curves for customer base analysis", Journal of Marketing Research 42(4), 415–430
 * (section "the spend model"), and Fader & Hardie (2013), "The Gamma-Gamma model of monetary value"
 * (the note whose equation numbers follow).
 *
 * Each transaction's value is Gamma(p, ν); ν ~ Gamma(q, γ) across customers. For a repeat buyer
 * with x transactions of mean value m (= z̄):
 * - Likelihood of the mean (note eq. 3, the density of z̄ given x):
 *     f(m | p, q, γ, x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q x^(px) m^(px−1) / (γ + m x)^(px+q)
 *   (this is what BTYD's spend.LL and the note's −4055.9 on CDNOW sum).
 * - Conditional expected mean transaction value (note eq. 5):
 *     E[Z | p, q, γ, m, x] = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · m = p (γ + m x) / (px + q − 1)
 *   a weighted average of the population mean pγ/(q−1) and the customer's own mean.
 *
 * Fitting is on distinct (x, monetary) tuples with counts; the gamma-function terms depend only on
 * x and are evaluated once per distinct x. Analytic gradient.
 */
import { ConvergenceError, DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';
import { digamma, lgamma } from '../numeric/special.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import { checkColumns, indexDistinct, subsampleColumns, totalCount } from './tuples.js';
import type { FitOptions, FitResult, GammaGammaParams, SpendTuples } from './types.js';

export const GAMMAGAMMA_PARAM_NAMES = ['p', 'q', 'gamma'] as const;

export const GAMMAGAMMA_DEFAULTS = {
  /** Screen the starts on a seeded subsample of buyers when there are more tuples than this. */
  screenAbove: 50_000,
  screenCustomers: 20_000,
  seed: 1,
  /**
   * p above this: a customer's spend no longer varies between purchases in the model (its shape runs
   * to infinity), where the likelihood is flat and the optimum a matter of rounding — one store stopped
   * at p = 2·10^8 "converged", the same rows in another store failed the information check. The fit
   * stops there with a ConvergenceError that says the data do not identify the parameters.
   */
  maxShape: 1e6,
};
export type GammaGammaFit = FitResult<'ggamma', GammaGammaParams>;

export function checkSpendTuples(what: string, t: SpendTuples): number {
  const len = checkColumns(what, t as unknown as Record<string, Float64Array>, ['x', 'monetary', 'count']);
  for (let i = 0; i < len; i++) {
    if (!(t.x[i] >= 1)) throw new InvalidArgumentsError(`${what}: row ${i}: x = ${t.x[i]}; the spend model needs repeat buyers (x >= 1)`);
    if (!(t.monetary[i] > 0)) throw new InvalidArgumentsError(`${what}: row ${i}: monetary = ${t.monetary[i]} must be > 0`);
  }
  return len;
}

interface PreparedSpend {
  rows: number;
  customers: number;
  x: Float64Array;
  logM: Float64Array;
  m: Float64Array;
  count: Float64Array;
  xValues: Float64Array;
  xIndex: Int32Array;
  xCount: Float64Array;
  /** Σ count · x · (log m + log x) per distinct x, and Σ count · log m. */
  constP: number;
  sumCLogM: number;
}

function prepareSpend(t: SpendTuples): PreparedSpend {
  const rows = t.x.length;
  const xd = indexDistinct(t.x);
  const xCount = new Float64Array(xd.values.length);
  const logM = new Float64Array(rows);
  let constP = 0, sumCLogM = 0;
  for (let i = 0; i < rows; i++) {
    const c = t.count[i];
    xCount[xd.index[i]] += c;
    logM[i] = Math.log(t.monetary[i]);
    constP += c * t.x[i] * (logM[i] + Math.log(t.x[i]));
    sumCLogM += c * logM[i];
  }
  return { rows, customers: totalCount(t.count), x: t.x, logM, m: t.monetary, count: t.count, xValues: xd.values, xIndex: xd.index, xCount, constP, sumCLogM };
}

function logLikelihoodPrepared(s: PreparedSpend, theta: ArrayLike<number>, grad: Float64Array | null): number {
  const p = theta[0], q = theta[1], g = theta[2];
  const lgq = lgamma(q), dgq = grad ? digamma(q) : 0, logG = Math.log(g);
  // Per distinct x: log Γ(px+q) − log Γ(px) and the digamma terms.
  const nx = s.xValues.length;
  const dPx = new Float64Array(nx), dPxq = new Float64Array(nx);
  let ll = 0, gp = 0, gq = 0, gg = 0;
  for (let j = 0; j < nx; j++) {
    const x = s.xValues[j], c = s.xCount[j], px = p * x;
    if (c === 0) continue;
    ll += c * (lgamma(px + q) - lgamma(px) - lgq + q * logG);
    if (grad) {
      dPxq[j] = digamma(px + q);
      dPx[j] = digamma(px);
      gp += c * x * (dPxq[j] - dPx[j]);
      gq += c * (dPxq[j] - dgq + logG);
      gg += (c * q) / g;
    }
  }
  // (px−1) log m + px log x summed: p Σ c x (log m + log x) − Σ c log m
  ll += p * s.constP - s.sumCLogM;
  if (grad) gp += s.constP;
  for (let i = 0; i < s.rows; i++) {
    const c = s.count[i], x = s.x[i], den = g + s.m[i] * x;
    const lden = Math.log(den);
    ll -= c * (p * x + q) * lden;
    if (grad) {
      gp -= c * x * lden;
      gq -= c * lden;
      gg -= (c * (p * x + q)) / den;
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gg;
  }
  return ll;
}

/** Σ count · log f(monetary | p, q, γ, x). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, tuples: SpendTuples): number {
  checkSpendTuples('gammaGammaLogLikelihood', tuples);
  checkParams(params);
  return logLikelihoodPrepared(prepareSpend(tuples), [params.p, params.q, params.gamma], null);
}

function checkParams(p: GammaGammaParams): void {
  for (const k of GAMMAGAMMA_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`gammagamma: ${k} must be finite and > 0, got ${p[k]}`);
  }
}

/** Fits the Gamma-Gamma spend model on (x, monetary, count) tuples of repeat buyers. */
export function fitGammaGamma(tuples: SpendTuples, options: FitOptions = {}): GammaGammaFit {
  checkSpendTuples('fitGammaGamma', tuples);
  const s = prepareSpend(tuples);
  if (!(s.customers > 0)) throw new DegenerateDataError('fitGammaGamma: no repeat buyers (Σ count = 0)');
  if (s.customers < 2) throw new DegenerateDataError('fitGammaGamma: a single repeat buyer cannot identify p, q and gamma');
  let mean = 0;
  for (let i = 0; i < s.rows; i++) mean += s.count[i] * s.m[i];
  mean /= s.customers;
  const starts = ([[1, 2], [5, 3], [15, 8]] as const).map(([p, q]) => [p, q, (mean * (q - 1)) / p]);
  const ll: LogLikelihood = (theta, grad) => {
    if (theta[0] > GAMMAGAMMA_DEFAULTS.maxShape) {
      throw new ConvergenceError(
        `fitGammaGamma: the data do not identify the parameters: p ran past ${GAMMAGAMMA_DEFAULTS.maxShape} (a customer's spend barely varies between purchases)`,
        0, NaN,
      );
    }
    return logLikelihoodPrepared(s, theta, grad);
  };
  const screenAbove = options.screenAbove ?? GAMMAGAMMA_DEFAULTS.screenAbove;
  let screen: { ll: LogLikelihood; customers: number } | undefined;
  if (screenAbove > 0 && s.rows > screenAbove && s.customers > 2 * GAMMAGAMMA_DEFAULTS.screenCustomers) {
    const sub = prepareSpend(subsampleColumns(tuples as unknown as Record<string, Float64Array>, ['x', 'monetary', 'count'], GAMMAGAMMA_DEFAULTS.screenCustomers, options.seed ?? GAMMAGAMMA_DEFAULTS.seed) as unknown as SpendTuples);
    screen = { ll: (theta, grad) => logLikelihoodPrepared(sub, theta, grad), customers: sub.customers };
  }
  const fit = fitMaximumLikelihood({ what: 'fitGammaGamma', names: GAMMAGAMMA_PARAM_NAMES, ll, customers: s.customers, starts, screen }, options);
  return { model: 'ggamma', ...fit, customers: s.customers };
}

/** Population mean transaction value pγ/(q−1); a typed error when q <= 1 (infinite mean). */
export function gammaGammaMeanSpend(p: GammaGammaParams): number {
  if (!(p.q > 1)) throw new InvalidArgumentsError(`gammagamma: q = ${p.q} <= 1, so the mean spend is infinite`);
  return (p.p * p.gamma) / (p.q - 1);
}

/** E[Z | x, m]: expected mean transaction value of a customer with x repeat purchases of mean m. */
export function gammaGammaExpectedSpend(p: GammaGammaParams, x: number, monetary: number): number {
  if (x === 0) return gammaGammaMeanSpend(p);
  if (!(x > 0) || !(monetary >= 0)) throw new InvalidArgumentsError(`gammaGammaExpectedSpend: need x >= 0 and monetary >= 0, got ${x}, ${monetary}`);
  const den = p.p * x + p.q - 1;
  if (!(den > 0)) throw new InvalidArgumentsError(`gammaGammaExpectedSpend: px + q − 1 = ${den} <= 0`);
  return (p.p * (p.gamma + monetary * x)) / den;
}
