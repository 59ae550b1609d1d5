/**
 * Vector autoregression for Spiral In / Spiral Out, in the manner of Trusov, Bucklin & Pauwels (2009),
 * "Effects of word-of-mouth versus traditional marketing", J. Marketing 73(5): a VAR on (log) flow,
 * stock and purchases, lag order by information criterion, Granger causality, generalized impulse
 * responses with bootstrap bands, elasticities from the log-log responses, and wear-out.
 *
 *   model        y_t = c + Σ_{l=1}^p A_l y_{t−l} + u_t, u_t ~ (0, Σ)             Lütkepohl (2005) eq. 2.1.1
 *   estimation   equation-by-equation OLS = GLS for a VAR (same regressors)       Lütkepohl §3.2, eq. 3.2.10
 *   Σ̂            U'U / (n − kp − 1)                                                eq. 3.2.19
 *   lag order    AIC(p) = ln|Σ̃_p| + 2pk²/n, BIC(p) = ln|Σ̃_p| + ln(n)·pk²/n,
 *                all p on the same sample, Σ̃ the ML estimate                      eqs. 4.3.2, 4.3.8
 *   Granger      F = ((RSS_r − RSS_u)/p) / (RSS_u/(n − kp − 1)) ~ F(p, n − kp − 1) per equation
 *   IRF          see irf.ts (Pesaran & Shin 1998 generalized, or Cholesky orthogonalised)
 *   bands        residual bootstrap (Runkle 1987): resample centred residual vectors, rebuild the series
 *                recursively from the first p observations, refit VAR(p), percentile intervals
 *   coefficient intervals  B̂ ± t_{n−m} · √(σ̂_ii · (X'X)^{-1}_rr)
 *
 * Thin or degenerate data (too few periods for one lag, a constant series, collinear series) gives a
 * result with a `status` and a message, never NaN and never a throw; bad input (unequal lengths,
 * non-finite values, bad options) throws InvalidArgumentsError.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { createRng, randomInt, type Rng } from '../numeric/random.js';
import { InvalidArgumentsError } from './errors.js';
import { impulseResponses, irfIndex, type IrfKind } from './irf.js';
import { olsMulti } from './ols.js';
import { fSurvival, quantileSorted, tCdf, tQuantile } from './special.js';

export const VAR_DEFAULTS = {
  /** Largest lag order tried (capped further so every equation keeps `minResidualDf` degrees of freedom). */
  maxLag: 8,
  criterion: 'bic' as 'aic' | 'bic',
  /** Impulse-response horizon in periods (responses for h = 0..horizon). */
  horizon: 12,
  level: 0.95,
  irf: 'generalized' as IrfKind,
  /** Bootstrap replications for the bands; 0 = no bands. */
  bootstrap: 500,
  seed: 1,
  /** Significance level of the Granger tests and of the dominance decision. */
  alpha: 0.05,
  minResidualDf: 5,
};

export type VarStatus = 'ok' | 'insufficient-data' | 'constant-series' | 'singular';

export interface VarInput {
  names: readonly string[];
  series: readonly ArrayLike<number>[];
  /** Optional period labels, one per observation. */
  periods?: readonly string[];
}

export interface VarOptions {
  maxLag?: number;
  /** Fix the lag order instead of choosing it. */
  lag?: number;
  criterion?: 'aic' | 'bic';
  horizon?: number;
  level?: number;
  irf?: IrfKind;
  bootstrap?: number;
  seed?: number;
  rng?: Rng;
  alpha?: number;
  minResidualDf?: number;
  /** Names of the variables that are in logs; responses between two of them are elasticities. `true` = all. */
  logs?: readonly string[] | boolean;
  /** Which variable is flow and which is stock, for the Spiral In / Spiral Out verdict. */
  spiral?: { flow: string; stock: string };
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface Estimate {
  estimate: number;
  /** Bootstrap (or t) interval at `level`; null when no bands were computed. */
  lower: number | null;
  upper: number | null;
}

export interface LagCriterion {
  lag: number;
  aic: number | null;
  bic: number | null;
}

export interface CoefficientRow {
  /** The equation (dependent variable). */
  equation: string;
  /** 'const' or `${variable}.l${lag}`. */
  regressor: string;
  variable: string | null;
  lag: number | null;
  estimate: number;
  se: number;
  lower: number;
  upper: number;
  tStat: number | null;
  pValue: number | null;
}

export interface GrangerTest {
  cause: string;
  effect: string;
  fStat: number;
  df1: number;
  df2: number;
  pValue: number;
  significant: boolean;
}

export interface ImpulseResponse {
  impulse: string;
  response: string;
  /** Response at h = 0..horizon to a one-standard-deviation shock. */
  point: number[];
  lower: number[] | null;
  upper: number[] | null;
  /** Σ_{h=0}^{H} of the one-SD response. */
  cumulative: Estimate;
  /** When both variables are in logs: % response to a 1% impulse, at impact and accumulated over the horizon. */
  elasticity: { shortRun: Estimate; longRun: Estimate } | null;
  /** First horizon at which the band excludes 0 (null: never, or no bands). */
  significantFrom: number | null;
  /** First horizon after `significantFrom` at which the band includes 0 again: how long the impulse lasts. */
  wearOut: number | null;
  /** Number of consecutive significant periods starting at `significantFrom`. */
  duration: number;
  /** True when the response is still significant at the last horizon (the duration is a lower bound). */
  censored: boolean;
}

export interface DirectionEffect {
  cause: string;
  effect: string;
  grangerPValue: number;
  /** Carry-over effect Σ_{h=1}^{H} of the response (lagged effects only, like Granger causality). */
  carryOver: Estimate;
}

export interface SpiralDominance {
  /** 'spiral-out' = stock → flow dominates; 'spiral-in' = flow → stock dominates. */
  direction: 'spiral-out' | 'spiral-in' | 'balanced' | 'neither';
  /** 'elasticity' when flow and stock are both in logs, else responses in residual-SD units per one-SD shock. */
  measure: 'elasticity' | 'standardized';
  spiralOut: DirectionEffect;
  spiralIn: DirectionEffect;
  /** Bootstrap interval of |Spiral Out carry-over| − |Spiral In carry-over|; null without bootstrap. */
  difference: Estimate;
  message: string;
}

export interface VarResult {
  status: VarStatus;
  message: string | null;
  warnings: string[];
  names: string[];
  lag: number | null;
  criterion: 'aic' | 'bic' | 'fixed';
  lagSelection: LagCriterion[];
  /** Observations used by the final fit (T − p). */
  nObs: number | null;
  firstPeriod: string | null;
  lastPeriod: string | null;
  intercept: number[] | null;
  /** lags[l][i][j]: coefficient of variable j at lag l+1 in equation i. */
  lags: number[][][] | null;
  coefficients: CoefficientRow[];
  sigma: number[][] | null;
  stable: boolean | null;
  maxRootModulus: number | null;
  granger: GrangerTest[];
  irf: {
    kind: IrfKind;
    shock: 'one-sd';
    horizon: number;
    level: number;
    replications: number;
    failedReplications: number;
    responses: ImpulseResponse[];
  } | null;
  dominance: SpiralDominance | null;
}

interface Fit {
  p: number;
  k: number;
  n: number;
  coef: Matrix;
  A: number[][][];
  c: number[];
  sigma: number[][];
  residuals: Matrix;
  xtxInverse: Matrix;
  rss: Float64Array;
  df: number;
  X: Matrix;
  Y: Matrix;
}

function design(data: readonly Float64Array[], p: number, start: number): { X: Matrix; Y: Matrix } {
  const k = data.length;
  const T = data[0].length;
  const n = T - start;
  const X = new Matrix(n, 1 + k * p);
  const Y = new Matrix(n, k);
  for (let r = 0; r < n; r++) {
    const t = start + r;
    X.set(r, 0, 1);
    for (let l = 1; l <= p; l++) for (let j = 0; j < k; j++) X.set(r, 1 + (l - 1) * k + j, data[j][t - l]);
    for (let i = 0; i < k; i++) Y.set(r, i, data[i][t]);
  }
  return { X, Y };
}

function fitOls(data: readonly Float64Array[], p: number, start: number, withInverse: boolean): Fit | null {
  const k = data.length;
  const { X, Y } = design(data, p, start);
  const ols = olsMulti(X, Y, withInverse);
  if (!ols) return null;
  const n = X.rows;
  const A: number[][][] = [];
  for (let l = 1; l <= p; l++) {
    const Al: number[][] = [];
    for (let i = 0; i < k; i++) {
      const row: number[] = [];
      for (let j = 0; j < k; j++) row.push(ols.coef.get(1 + (l - 1) * k + j, i));
      Al.push(row);
    }
    A.push(Al);
  }
  const c = Array.from({ length: k }, (_, i) => ols.coef.get(0, i));
  const sigma = crossProduct(ols.residuals, ols.dfResidual);
  return { p, k, n, coef: ols.coef, A, c, sigma, residuals: ols.residuals, xtxInverse: ols.xtxInverse, rss: ols.rss, df: ols.dfResidual, X, Y };
}

function crossProduct(U: Matrix, divisor: number): number[][] {
  const k = U.columns;
  const S: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let r = 0; r < U.rows; r++) for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) S[i][j] += U.get(r, i) * U.get(r, j);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
    S[i][j] /= divisor;
    S[j][i] = S[i][j];
  }
  return S;
}

/** ln det of a symmetric positive-definite matrix by Cholesky; null if not positive definite. */
function logDet(S: readonly (readonly number[])[]): number | null {
  const k = S.length;
  const L: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let ld = 0;
  for (let j = 0; j < k; j++) {
    let d = S[j][j];
    for (let r = 0; r < j; r++) d -= L[j][r] ** 2;
    if (!(d > 1e-300)) return null;
    L[j][j] = Math.sqrt(d);
    ld += Math.log(d);
    for (let i = j + 1; i < k; i++) {
      let s = S[i][j];
      for (let r = 0; r < j; r++) s -= L[i][r] * L[j][r];
      L[i][j] = s / L[j][j];
    }
  }
  return ld;
}

function maxRootModulus(A: readonly number[][][], k: number): number {
  const p = A.length;
  const kp = k * p;
  const C = new Matrix(kp, kp);
  for (let l = 0; l < p; l++) for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) C.set(i, l * k + j, A[l][i][j]);
  for (let i = k; i < kp; i++) C.set(i, i - k, 1);
  const evd = new EigenvalueDecomposition(C);
  let mx = 0;
  for (let i = 0; i < kp; i++) mx = Math.max(mx, Math.hypot(evd.realEigenvalues[i], evd.imaginaryEigenvalues[i]));
  return mx;
}

function isInt(x: number): boolean {
  return Number.isInteger(x);
}

function validate(input: VarInput, o: Required<Omit<VarOptions, 'lag' | 'rng' | 'logs' | 'spiral'>> & VarOptions): Float64Array[] {
  const { names, series } = input;
  if (!Array.isArray(names) || names.length === 0) throw new InvalidArgumentsError('var: names must be a non-empty array');
  if (series.length !== names.length) throw new InvalidArgumentsError(`var: ${names.length} names but ${series.length} series`);
  if (new Set(names).size !== names.length) throw new InvalidArgumentsError('var: names must be unique');
  const T = series[0].length;
  const data = series.map((s, i) => {
    if (s.length !== T) throw new InvalidArgumentsError(`var: series "${names[i]}" has ${s.length} values, "${names[0]}" has ${T}`);
    const a = Float64Array.from(s);
    for (let t = 0; t < T; t++) {
      if (!Number.isFinite(a[t])) throw new InvalidArgumentsError(`var: series "${names[i]}"[${t}] is not a finite number (${a[t]})`);
    }
    return a;
  });
  if (input.periods && input.periods.length !== T) throw new InvalidArgumentsError(`var: ${input.periods.length} period labels for ${T} observations`);
  if (!(isInt(o.maxLag) && o.maxLag >= 1)) throw new InvalidArgumentsError(`var: maxLag must be an integer >= 1, got ${o.maxLag}`);
  if (o.lag !== undefined && !(isInt(o.lag) && o.lag >= 1)) throw new InvalidArgumentsError(`var: lag must be an integer >= 1, got ${o.lag}`);
  if (o.criterion !== 'aic' && o.criterion !== 'bic') throw new InvalidArgumentsError(`var: criterion must be 'aic' or 'bic', got ${String(o.criterion)}`);
  if (!(isInt(o.horizon) && o.horizon >= 0 && o.horizon <= 500)) throw new InvalidArgumentsError(`var: horizon must be an integer in [0, 500], got ${o.horizon}`);
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`var: level must be in (0,1), got ${o.level}`);
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InvalidArgumentsError(`var: alpha must be in (0,1), got ${o.alpha}`);
  if (o.irf !== 'generalized' && o.irf !== 'orthogonalized') throw new InvalidArgumentsError(`var: irf must be 'generalized' or 'orthogonalized', got ${String(o.irf)}`);
  if (!(isInt(o.bootstrap) && o.bootstrap >= 0)) throw new InvalidArgumentsError(`var: bootstrap must be an integer >= 0, got ${o.bootstrap}`);
  if (!(isInt(o.minResidualDf) && o.minResidualDf >= 1)) throw new InvalidArgumentsError(`var: minResidualDf must be an integer >= 1, got ${o.minResidualDf}`);
  if (Array.isArray(o.logs)) for (const n of o.logs) if (!names.includes(n)) throw new InvalidArgumentsError(`var: logs names unknown variable "${n}"`);
  if (o.spiral) {
    const { flow, stock } = o.spiral;
    if (!names.includes(flow) || !names.includes(stock) || flow === stock) {
      throw new InvalidArgumentsError(`var: spiral.flow and spiral.stock must be two different variable names, got "${flow}", "${stock}"`);
    }
  }
  return data;
}

function emptyResult(names: readonly string[], status: VarStatus, message: string, criterion: VarResult['criterion']): VarResult {
  return {
    status, message, warnings: [], names: [...names], lag: null, criterion, lagSelection: [], nObs: null,
    firstPeriod: null, lastPeriod: null, intercept: null, lags: null, coefficients: [], sigma: null, stable: null,
    maxRootModulus: null, granger: [], irf: null, dominance: null,
  };
}

/** Largest p with T − p − (1 + kp) ≥ minDf. */
function largestFeasibleLag(T: number, k: number, minDf: number): number {
  return Math.floor((T - 1 - minDf) / (k + 1));
}

/** Fits the VAR, chooses the lag, tests Granger causality both ways and bootstraps impulse responses. */
export function fitVar(input: VarInput, options: VarOptions = {}): VarResult {
  const o = { ...VAR_DEFAULTS, ...options };
  const data = validate(input, o);
  const names = [...input.names];
  const k = names.length;
  const T = data[0].length;
  const criterionLabel: VarResult['criterion'] = o.lag !== undefined ? 'fixed' : o.criterion;
  const feasible = largestFeasibleLag(T, k, o.minResidualDf);
  const need = 1 + k + 1 + o.minResidualDf;
  if (feasible < 1 || (o.lag !== undefined && o.lag > feasible)) {
    const lagNote = o.lag !== undefined ? ` at lag ${o.lag}` : '';
    return emptyResult(names, 'insufficient-data', `var: ${T} periods are too few for a ${k}-variable VAR${lagNote} (need at least ${o.lag !== undefined ? o.lag * (k + 1) + 1 + o.minResidualDf : need})`, criterionLabel);
  }
  const constant = names.filter((_, i) => data[i].every((v) => v === data[i][0]));
  if (constant.length > 0) {
    return emptyResult(names, 'constant-series', `var: series ${constant.map((s) => `"${s}"`).join(', ')} ${constant.length > 1 ? 'are' : 'is'} constant, so ${constant.length > 1 ? 'they carry' : 'it carries'} no dynamics to estimate`, criterionLabel);
  }
  const warnings: string[] = [];

  // lag order on a common sample
  const lagSelection: LagCriterion[] = [];
  let p: number;
  if (o.lag !== undefined) {
    p = o.lag;
  } else {
    const pmax = Math.min(o.maxLag, feasible);
    if (pmax < o.maxLag) warnings.push(`maxLag reduced from ${o.maxLag} to ${pmax} so each equation keeps ${o.minResidualDf} residual degrees of freedom`);
    let best = Infinity;
    p = 0;
    for (let q = 1; q <= pmax; q++) {
      const fit = fitOls(data, q, pmax, false);
      const ld = fit ? logDet(crossProduct(fit.residuals, fit.n)) : null;
      if (fit === null || ld === null) {
        lagSelection.push({ lag: q, aic: null, bic: null });
        continue;
      }
      const n = fit.n;
      const aic = ld + (2 * q * k * k) / n;
      const bic = ld + (Math.log(n) * q * k * k) / n;
      lagSelection.push({ lag: q, aic, bic });
      const v = o.criterion === 'aic' ? aic : bic;
      if (v < best) {
        best = v;
        p = q;
      }
    }
    if (p === 0) return emptyResult(names, 'singular', 'var: the series are collinear (the regressors are rank deficient at every lag order)', criterionLabel);
  }

  const fit = fitOls(data, p, p, true);
  if (!fit) return emptyResult(names, 'singular', `var: the series are collinear (rank-deficient regressors at lag ${p})`, criterionLabel);
  if (logDet(fit.sigma) === null) {
    return emptyResult(names, 'singular', 'var: the residual covariance is singular (a series is an exact linear function of the others)', criterionLabel);
  }

  const modulus = maxRootModulus(fit.A, k);
  const stable = modulus < 1;
  if (!stable) warnings.push(`the estimated VAR is not stable (largest root modulus ${modulus.toFixed(3)}): impulse responses do not die out; consider differencing`);

  const coefficients = coefficientTable(fit, names, o.level);
  const granger = k >= 2 ? grangerTests(fit, names, o.alpha) : [];

  const logSet = new Set<string>(o.logs === true ? names : Array.isArray(o.logs) ? o.logs : []);
  const irfPart = bootstrapIrf(fit, data, names, logSet, o, warnings);

  let dominance: SpiralDominance | null = null;
  if (o.spiral && irfPart) dominance = spiralDominance(o.spiral, names, granger, irfPart, logSet, o.alpha);

  const periods = input.periods;
  return {
    status: 'ok',
    message: null,
    warnings,
    names,
    lag: p,
    criterion: criterionLabel,
    lagSelection,
    nObs: fit.n,
    firstPeriod: periods ? periods[p] : null,
    lastPeriod: periods ? periods[T - 1] : null,
    intercept: fit.c,
    lags: fit.A,
    coefficients,
    sigma: fit.sigma,
    stable,
    maxRootModulus: modulus,
    granger,
    irf: irfPart ? irfPart.result : null,
    dominance,
  };
}

function coefficientTable(fit: Fit, names: readonly string[], level: number): CoefficientRow[] {
  const rows: CoefficientRow[] = [];
  const tq = tQuantile(0.5 + level / 2, fit.df);
  const m = fit.coef.rows;
  for (let i = 0; i < fit.k; i++) {
    for (let r = 0; r < m; r++) {
      const est = fit.coef.get(r, i);
      const se = Math.sqrt(Math.max(0, fit.sigma[i][i] * fit.xtxInverse.get(r, r)));
      const l = r === 0 ? null : Math.floor((r - 1) / fit.k) + 1;
      const v = r === 0 ? null : names[(r - 1) % fit.k];
      const tStat = se > 0 ? est / se : null;
      rows.push({
        equation: names[i],
        regressor: r === 0 ? 'const' : `${v}.l${l}`,
        variable: v,
        lag: l,
        estimate: est,
        se,
        lower: est - tq * se,
        upper: est + tq * se,
        tStat,
        pValue: tStat === null ? null : 2 * tCdf(-Math.abs(tStat), fit.df),
      });
    }
  }
  return rows;
}

function grangerTests(fit: Fit, names: readonly string[], alpha: number): GrangerTest[] {
  const out: GrangerTest[] = [];
  const { k, p, X, Y } = fit;
  for (let j = 0; j < k; j++) {
    const keep: number[] = [];
    for (let col = 0; col < X.columns; col++) if (col === 0 || (col - 1) % k !== j) keep.push(col);
    const Xr = X.subMatrixColumn(keep);
    const restricted = olsMulti(Xr, Y, false);
    for (let i = 0; i < k; i++) {
      if (i === j) continue;
      const rssU = fit.rss[i];
      const rssR = restricted ? restricted.rss[i] : rssU;
      const df2 = fit.df;
      let fStat = rssU > 0 ? ((rssR - rssU) / p) / (rssU / df2) : rssR > rssU ? Number.MAX_VALUE : 0;
      if (!(fStat > 0)) fStat = 0;
      const pValue = fSurvival(fStat, p, df2);
      out.push({ cause: names[j], effect: names[i], fStat, df1: p, df2, pValue, significant: pValue < alpha });
    }
  }
  return out;
}

interface IrfBundle {
  result: NonNullable<VarResult['irf']>;
  /** Point one-SD and unit responses, and their bootstrap replicates (flattened like irf.ts). */
  pointSd: Float64Array;
  pointUnit: Float64Array;
  sigma: number[][];
  bootSd: Float64Array[];
  bootUnit: Float64Array[];
  bootSigma: number[][][];
  k: number;
  horizon: number;
  level: number;
}

function percentileBand(values: Float64Array | number[], level: number): Interval {
  const s = Float64Array.from(values).sort();
  return { lower: quantileSorted(s, (1 - level) / 2), upper: quantileSorted(s, 1 - (1 - level) / 2) };
}

function bootstrapIrf(
  fit: Fit,
  data: readonly Float64Array[],
  names: readonly string[],
  logSet: ReadonlySet<string>,
  o: typeof VAR_DEFAULTS & VarOptions,
  warnings: string[],
): IrfBundle | null {
  const { k, p, horizon } = { k: fit.k, p: fit.p, horizon: o.horizon };
  const pointSd = impulseResponses(fit.A, fit.sigma, horizon, o.irf, 'one-sd');
  const pointUnit = impulseResponses(fit.A, fit.sigma, horizon, o.irf, 'unit');
  if (!pointSd || !pointUnit || !pointSd.every(Number.isFinite) || !pointUnit.every(Number.isFinite)) {
    warnings.push('impulse responses could not be computed (singular or explosive system)');
    return null;
  }
  const bootSd: Float64Array[] = [];
  const bootUnit: Float64Array[] = [];
  const bootSigma: number[][][] = [];
  let failed = 0;
  if (o.bootstrap > 0) {
    const rng = o.rng ?? createRng(o.seed);
    const T = data[0].length;
    const n = fit.n;
    // centred residuals, inflated by √(n/(n − m)) so their covariance is the unbiased Σ̂ (OLS residuals are too small)
    const U: Float64Array[] = [];
    const mean = new Float64Array(k);
    const inflate = Math.sqrt(n / fit.df);
    for (let r = 0; r < n; r++) for (let i = 0; i < k; i++) mean[i] += fit.residuals.get(r, i) / n;
    for (let r = 0; r < n; r++) U.push(Float64Array.from({ length: k }, (_, i) => (fit.residuals.get(r, i) - mean[i]) * inflate));
    const star = Array.from({ length: k }, () => new Float64Array(T));
    for (let b = 0; b < o.bootstrap; b++) {
      for (let i = 0; i < k; i++) for (let t = 0; t < p; t++) star[i][t] = data[i][t];
      for (let t = p; t < T; t++) {
        const u = U[randomInt(rng, n)];
        for (let i = 0; i < k; i++) {
          let v = fit.c[i] + u[i];
          for (let l = 1; l <= p; l++) {
            const Al = fit.A[l - 1][i];
            for (let j = 0; j < k; j++) v += Al[j] * star[j][t - l];
          }
          star[i][t] = v;
        }
      }
      const bf = fitOls(star, p, p, false);
      const sd = bf ? impulseResponses(bf.A, bf.sigma, horizon, o.irf, 'one-sd') : null;
      const unit = bf ? impulseResponses(bf.A, bf.sigma, horizon, o.irf, 'unit') : null;
      if (!bf || !sd || !unit || !sd.every(Number.isFinite) || !unit.every(Number.isFinite)) {
        failed++;
        continue;
      }
      bootSd.push(sd);
      bootUnit.push(unit);
      bootSigma.push(bf.sigma);
    }
    if (failed > 0) warnings.push(`${failed} of ${o.bootstrap} bootstrap replications were singular or explosive and were dropped`);
    if (bootSd.length < Math.max(20, o.bootstrap / 2)) {
      warnings.push('too few usable bootstrap replications: impulse-response bands omitted');
      bootSd.length = 0;
      bootUnit.length = 0;
      bootSigma.length = 0;
    }
  }
  const hasBands = bootSd.length > 0;
  const level = o.level;
  const responses: ImpulseResponse[] = [];
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < k; i++) {
      const point: number[] = [];
      const lower: number[] = [];
      const upper: number[] = [];
      for (let h = 0; h <= horizon; h++) {
        const idx = irfIndex(k, h, i, j);
        point.push(pointSd[idx]);
        if (hasBands) {
          const band = percentileBand(bootSd.map((a) => a[idx]), level);
          lower.push(band.lower);
          upper.push(band.upper);
        }
      }
      const cumulative = summed(pointSd, bootSd, k, i, j, 0, horizon, level);
      const elasticity =
        logSet.has(names[i]) && logSet.has(names[j])
          ? {
              shortRun: summed(pointUnit, bootUnit, k, i, j, 0, 0, level),
              longRun: summed(pointUnit, bootUnit, k, i, j, 0, horizon, level),
            }
          : null;
      const sig = hasBands ? significance(lower, upper) : { significantFrom: null, wearOut: null, duration: 0, censored: false };
      responses.push({
        impulse: names[j],
        response: names[i],
        point,
        lower: hasBands ? lower : null,
        upper: hasBands ? upper : null,
        cumulative,
        elasticity,
        ...sig,
      });
    }
  }
  return {
    result: { kind: o.irf, shock: 'one-sd', horizon, level, replications: bootSd.length, failedReplications: failed, responses },
    pointSd, pointUnit, sigma: fit.sigma, bootSd, bootUnit, bootSigma, k, horizon, level,
  };
}

function summed(point: Float64Array, boot: Float64Array[], k: number, i: number, j: number, from: number, to: number, level: number): Estimate {
  const sum = (a: Float64Array): number => {
    let s = 0;
    for (let h = from; h <= to; h++) s += a[irfIndex(k, h, i, j)];
    return s;
  };
  const estimate = sum(point);
  if (boot.length === 0) return { estimate, lower: null, upper: null };
  const band = percentileBand(boot.map(sum), level);
  return { estimate, lower: band.lower, upper: band.upper };
}

function significance(lower: readonly number[], upper: readonly number[]): Pick<ImpulseResponse, 'significantFrom' | 'wearOut' | 'duration' | 'censored'> {
  const H = lower.length - 1;
  const excludes0 = (h: number): boolean => lower[h] > 0 || upper[h] < 0;
  let from = -1;
  for (let h = 0; h <= H; h++) if (excludes0(h)) { from = h; break; }
  if (from < 0) return { significantFrom: null, wearOut: null, duration: 0, censored: false };
  let h = from;
  while (h <= H && excludes0(h)) h++;
  const censored = h > H;
  return { significantFrom: from, wearOut: censored ? null : h, duration: h - from, censored };
}

function spiralDominance(
  roles: { flow: string; stock: string },
  names: readonly string[],
  granger: readonly GrangerTest[],
  irf: IrfBundle,
  logSet: ReadonlySet<string>,
  alpha: number,
): SpiralDominance {
  const f = names.indexOf(roles.flow);
  const s = names.indexOf(roles.stock);
  const { k, horizon, level } = irf;
  const measure: SpiralDominance['measure'] = logSet.has(roles.flow) && logSet.has(roles.stock) ? 'elasticity' : 'standardized';
  // carry-over of response i to impulse j, h = 1..H, in the chosen units
  const carry = (sd: Float64Array, unit: Float64Array, sigma: readonly number[][], i: number, j: number): number => {
    let sum = 0;
    for (let h = 1; h <= horizon; h++) {
      const idx = irfIndex(k, h, i, j);
      sum += measure === 'elasticity' ? unit[idx] : sd[idx] / Math.sqrt(sigma[i][i]);
    }
    return sum;
  };
  const outPoint = carry(irf.pointSd, irf.pointUnit, irf.sigma, f, s);
  const inPoint = carry(irf.pointSd, irf.pointUnit, irf.sigma, s, f);
  const B = irf.bootSd.length;
  const outBoot: number[] = [];
  const inBoot: number[] = [];
  const diffBoot: number[] = [];
  for (let b = 0; b < B; b++) {
    const o = carry(irf.bootSd[b], irf.bootUnit[b], irf.bootSigma[b], f, s);
    const n = carry(irf.bootSd[b], irf.bootUnit[b], irf.bootSigma[b], s, f);
    outBoot.push(o);
    inBoot.push(n);
    diffBoot.push(Math.abs(o) - Math.abs(n));
  }
  const est = (point: number, boot: number[]): Estimate => {
    if (boot.length === 0) return { estimate: point, lower: null, upper: null };
    const band = percentileBand(boot, level);
    return { estimate: point, lower: band.lower, upper: band.upper };
  };
  const gOut = granger.find((g) => g.cause === roles.stock && g.effect === roles.flow);
  const gIn = granger.find((g) => g.cause === roles.flow && g.effect === roles.stock);
  const pOut = gOut ? gOut.pValue : 1;
  const pIn = gIn ? gIn.pValue : 1;
  const difference = est(Math.abs(outPoint) - Math.abs(inPoint), diffBoot);
  const sigOut = pOut < alpha;
  const sigIn = pIn < alpha;
  let direction: SpiralDominance['direction'];
  let message: string;
  const pct = `${Math.round((1 - alpha) * 100)}%`;
  if (!sigOut && !sigIn) {
    direction = 'neither';
    message = `Neither direction is significant at ${pct}: stock → flow p = ${pOut.toPrecision(2)}, flow → stock p = ${pIn.toPrecision(2)}.`;
  } else if (sigOut && !sigIn) {
    direction = 'spiral-out';
    message = `Spiral Out: stock drives flow (Granger p = ${pOut.toPrecision(2)}); flow does not significantly feed stock (p = ${pIn.toPrecision(2)}).`;
  } else if (sigIn && !sigOut) {
    direction = 'spiral-in';
    message = `Spiral In: flow becomes stock (Granger p = ${pIn.toPrecision(2)}); stock does not significantly drive flow (p = ${pOut.toPrecision(2)}).`;
  } else if (difference.lower !== null && difference.upper !== null && (difference.lower > 0 || difference.upper < 0)) {
    direction = difference.lower > 0 ? 'spiral-out' : 'spiral-in';
    message = `Both directions are significant; the ${direction === 'spiral-out' ? 'stock → flow' : 'flow → stock'} carry-over is larger (difference band excludes 0).`;
  } else {
    direction = 'balanced';
    message = 'Both directions are significant and their carry-over effects are not distinguishable.';
  }
  return {
    direction,
    measure,
    spiralOut: { cause: roles.stock, effect: roles.flow, grangerPValue: pOut, carryOver: est(outPoint, outBoot) },
    spiralIn: { cause: roles.flow, effect: roles.stock, grangerPValue: pIn, carryOver: est(inPoint, inBoot) },
    difference,
    message,
  };
}
