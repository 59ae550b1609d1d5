/**
 * Next-purchase time and quantity per (customer, item) with empirical-Bayes shrinkage, after
 * Bhagat et al. (KDD 2018), "Buy it again: modeling repeat purchase recommendations", §3–4:
 * inter-purchase times are log-normal, and a sparse pair borrows strength from its item and the
 * item from the population, so two purchases (one interval) are enough to say something.
 *
 * Model, on y = log(days between purchase days) of pair p of item g:
 *   y_pk ~ N(μ_p, σ²_g),   μ_p ~ N(m_g, τ²),   m_g ~ N(m, ω²).
 * σ²_g is the pooled within-pair variance of item g shrunk toward the population's with ν₀ prior
 * degrees of freedom; τ² and ω² come from the method of moments (between-pair and between-item
 * variance net of sampling noise); m_g and μ_p are the posterior means (normal–normal
 * conjugacy). The next interval's predictive law is log-normal with mean μ̂_p and variance
 * σ²_g + Var(μ_p | data); given that `elapsed` days have passed since the last purchase it is
 * truncated below at `elapsed`, and its quantiles give the due date (median) and the interval.
 * Quantities use the same shrinkage on log quantity per purchase day (no truncation).
 */
import { InvalidArgumentsError, DegenerateDataError } from '../numeric/errors.js';
import { normalCdf, normalQuantile } from '../var/special.js';

export const REPLENISH_DEFAULTS = {
  /** Central interval probability. */
  level: 0.8,
  /** Prior degrees of freedom pulling an item's within-pair variance toward the population's. */
  priorDf: 10,
  /** Floor on variances (log scale), so a perfectly regular history still has a finite interval. */
  minVariance: 1e-4,
  /** Moment-estimation passes (τ² and the item means depend on each other). */
  passes: 5,
};

/** Sufficient statistics of one pair's log values (intervals or quantities). */
export interface LogStats {
  /** Number of observations (intervals, or purchase days with a quantity). */
  n: Int32Array | Float64Array;
  /** Mean of the logs (ignored when n = 0). */
  mean: Float64Array;
  /** Sample variance of the logs (n − 1 denominator; ignored when n < 2). */
  variance: Float64Array;
  /** Group (item) index of each pair, 0..groups−1; all 0 for customer-level data. */
  group: Int32Array;
  groups: number;
}

export interface ShrinkageFit {
  /** Population mean and between-item variance of item means. */
  populationMean: number;
  betweenItems: number;
  /** Between-pair variance within an item. */
  betweenPairs: number;
  /** Pooled within-pair variance. */
  withinPairs: number;
  /** Posterior mean of each pair's μ and the predictive variance of a new log observation. */
  mean: Float64Array;
  predictiveVariance: Float64Array;
  /** Per item: σ²_g and the posterior mean m_g. */
  itemVariance: Float64Array;
  itemMean: Float64Array;
}

function check(s: LogStats, what: string): number {
  const P = s.n.length;
  if (s.mean.length !== P || s.variance.length !== P || s.group.length !== P) throw new InvalidArgumentsError(`${what}: statistics arrays differ in length`);
  if (!Number.isInteger(s.groups) || s.groups < 1) throw new InvalidArgumentsError(`${what}: groups must be a positive integer, got ${s.groups}`);
  let total = 0;
  for (let p = 0; p < P; p++) {
    const n = s.n[p];
    if (!(n >= 0) || !Number.isInteger(n)) throw new InvalidArgumentsError(`${what}: pair ${p} has n = ${n}`);
    if (s.group[p] < 0 || s.group[p] >= s.groups) throw new InvalidArgumentsError(`${what}: pair ${p} has group ${s.group[p]} outside 0..${s.groups - 1}`);
    if (n > 0 && !Number.isFinite(s.mean[p])) throw new InvalidArgumentsError(`${what}: pair ${p} has mean ${s.mean[p]}`);
    if (n > 1 && !(s.variance[p] >= 0)) throw new InvalidArgumentsError(`${what}: pair ${p} has variance ${s.variance[p]}`);
    total += n;
  }
  if (total === 0) throw new DegenerateDataError(`${what}: no observations to fit`);
  return P;
}

/** Empirical-Bayes fit of the three-level normal model on per-pair log statistics. */
export function fitShrinkage(s: LogStats, opts: Partial<typeof REPLENISH_DEFAULTS> = {}, what = 'replenish'): ShrinkageFit {
  const o = { ...REPLENISH_DEFAULTS, ...opts };
  const P = check(s, what);
  const G = s.groups;
  // Within-pair variance: pooled per item, shrunk toward the population's.
  const ss = new Float64Array(G);
  const df = new Float64Array(G);
  let ssAll = 0;
  let dfAll = 0;
  let grand = 0;
  let nAll = 0;
  for (let p = 0; p < P; p++) {
    const n = s.n[p];
    if (n > 0) {
      grand += n * s.mean[p];
      nAll += n;
    }
    if (n > 1) {
      ss[s.group[p]] += (n - 1) * s.variance[p];
      df[s.group[p]] += n - 1;
      ssAll += (n - 1) * s.variance[p];
      dfAll += n - 1;
    }
  }
  grand /= nAll;
  // Without any repeated pair the within variance is not identified separately; take the spread of single observations.
  let sigma2 = dfAll > 0 ? ssAll / dfAll : NaN;
  if (!Number.isFinite(sigma2)) {
    let v = 0;
    for (let p = 0; p < P; p++) if (s.n[p] > 0) v += s.n[p] * (s.mean[p] - grand) ** 2;
    sigma2 = nAll > 1 ? v / (nAll - 1) : o.minVariance;
  }
  sigma2 = Math.max(o.minVariance, sigma2);
  const itemVariance = new Float64Array(G);
  for (let g = 0; g < G; g++) itemVariance[g] = Math.max(o.minVariance, (ss[g] + o.priorDf * sigma2) / (df[g] + o.priorDf));

  // Item means and τ², ω² by alternating moment estimates.
  const itemMean = new Float64Array(G).fill(grand);
  const itemVar = new Float64Array(G); // posterior variance of m_g
  let tau2 = 0;
  let omega2 = 0;
  let m = grand;
  const num = new Float64Array(G);
  const den = new Float64Array(G);
  for (let pass = 0; pass < o.passes; pass++) {
    // τ²: E[(ȳ_p − m_g)²] = τ² + σ²_g/n_p, over pairs with observations.
    let acc = 0;
    let cnt = 0;
    for (let p = 0; p < P; p++) {
      const n = s.n[p];
      if (n === 0) continue;
      const g = s.group[p];
      acc += (s.mean[p] - itemMean[g]) ** 2 - itemVariance[g] / n;
      cnt++;
    }
    tau2 = Math.max(o.minVariance, acc / cnt);
    // Item means: precision-weighted pair means, shrunk toward m with ω².
    num.fill(0);
    den.fill(0);
    for (let p = 0; p < P; p++) {
      const n = s.n[p];
      if (n === 0) continue;
      const g = s.group[p];
      const w = 1 / (tau2 + itemVariance[g] / n);
      num[g] += w * s.mean[p];
      den[g] += w;
    }
    let accG = 0;
    let cntG = 0;
    let mNum = 0;
    let mDen = 0;
    for (let g = 0; g < G; g++) {
      if (den[g] === 0) continue;
      const raw = num[g] / den[g];
      accG += (raw - m) ** 2 - 1 / den[g];
      cntG++;
      mNum += raw;
      mDen++;
    }
    m = mNum / mDen;
    omega2 = G > 1 && cntG > 1 ? Math.max(o.minVariance, accG / cntG) : o.minVariance;
    for (let g = 0; g < G; g++) {
      const prec = den[g] + 1 / omega2;
      itemMean[g] = (num[g] + m / omega2) / prec;
      itemVar[g] = 1 / prec;
    }
  }
  const mean = new Float64Array(P);
  const predictiveVariance = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const g = s.group[p];
    const n = s.n[p];
    const prior = tau2 + itemVar[g];
    const prec = n / itemVariance[g] + 1 / prior;
    mean[p] = ((n > 0 ? n * s.mean[p] : 0) / itemVariance[g] + itemMean[g] / prior) / prec;
    predictiveVariance[p] = itemVariance[g] + 1 / prec;
  }
  return { populationMean: m, betweenItems: omega2, betweenPairs: tau2, withinPairs: sigma2, mean, predictiveVariance, itemVariance, itemMean };
}

export interface Forecast {
  /** Median and the central `level` interval, in the original units (days, or quantity). */
  median: number;
  lower: number;
  upper: number;
}

/**
 * Quantiles of a log-normal LN(μ, v) truncated below at `elapsed` (> 0 days already passed;
 * 0 for no truncation): q(p) = exp(μ + √v Φ⁻¹(F₀ + p (1 − F₀))), F₀ = Φ((log elapsed − μ)/√v).
 */
export function truncatedLogNormalForecast(mu: number, variance: number, elapsed: number, level = REPLENISH_DEFAULTS.level): Forecast {
  if (!Number.isFinite(mu)) throw new InvalidArgumentsError(`forecast: mu must be finite, got ${mu}`);
  if (!(variance > 0)) throw new InvalidArgumentsError(`forecast: variance must be > 0, got ${variance}`);
  if (!(elapsed >= 0)) throw new InvalidArgumentsError(`forecast: elapsed must be >= 0, got ${elapsed}`);
  if (!(level > 0 && level < 1)) throw new InvalidArgumentsError(`forecast: level must be in (0,1), got ${level}`);
  const sd = Math.sqrt(variance);
  // Far beyond the distribution's bulk the truncated law sits at `elapsed`; cap F0 so Φ⁻¹ stays finite.
  const f0 = elapsed > 0 ? Math.min(1 - 1e-12, normalCdf((Math.log(elapsed) - mu) / sd)) : 0;
  const q = (p: number): number => {
    const u = f0 + p * (1 - f0);
    return Math.max(elapsed, Math.exp(mu + sd * normalQuantile(Math.min(1 - 1e-15, Math.max(1e-15, u)))));
  };
  return { median: q(0.5), lower: q((1 - level) / 2), upper: q((1 + level) / 2) };
}
