/**
 * Brand momentum: the growth rate of flow, smoothed, with an interval and a significance flag.
 *
 * Over a trailing window of w periods, flow follows a log-linear trend fitted as a quasi-Poisson GLM
 * (McCullagh & Nelder 1989, §6.2 and §9.2):
 *
 *   E[flow_t] = exp(a + g·(t − t̄)),   Var[flow_t] = φ·E[flow_t]                              (1)
 *
 * g is the momentum: log-points of growth per period (e^g − 1 is the percentage). Fisher scoring with
 * step halving; φ̂ = Pearson χ² / (w − 2) (eq. 9.4 of McCullagh & Nelder), floored at 1 for counts
 * (Poisson is the least noise a count can have); SE(ĝ) = √(φ̂ · (I⁻¹)_gg); interval ĝ ± t_{w−2}·SE.
 * `significant` = the interval excludes 0. Zeros need no fudge (no log(0)); the MLE exists when at
 * least two periods in the window have positive flow.
 */
import { ConvergenceError, InvalidArgumentsError } from '../var/errors.js';
import { tQuantile } from '../var/special.js';

export const MOMENTUM_DEFAULTS = {
  /** Trailing window in periods (12 ≈ a quarter of weeks, a year of months). */
  window: 12,
  level: 0.95,
  /** 'counts': φ floored at 1. 'rates' (e.g. flow per active customer): φ estimated freely. */
  kind: 'counts' as 'counts' | 'rates',
  /** Fewest periods for a trend with a dispersion estimate. */
  minPeriods: 3,
  maxIterations: 100,
};

export type MomentumStatus = 'ok' | 'insufficient-data' | 'no-flow' | 'constant-series';

export interface MomentumInput {
  flow: ArrayLike<number>;
  periods?: readonly string[];
}

export type MomentumOptions = Partial<typeof MOMENTUM_DEFAULTS>;

export interface TrendFit {
  growthRate: number;
  lower: number;
  upper: number;
  se: number;
  dispersion: number;
  significant: boolean;
}

export interface MomentumPoint {
  period: string | null;
  /** Periods in this point's window (fewer than `window` at the start of the series). */
  n: number;
  growthRate: number | null;
  lower: number | null;
  upper: number | null;
  significant: boolean | null;
}

export interface MomentumResult {
  status: MomentumStatus;
  message: string | null;
  warnings: string[];
  window: number;
  level: number;
  from: string | null;
  to: string | null;
  /** Log growth per period over the latest window. */
  growthRate: number | null;
  /** e^g − 1, the growth per period as a fraction. */
  growthPct: number | null;
  interval: { lower: number; upper: number } | null;
  pctInterval: { lower: number; upper: number } | null;
  significant: boolean;
  direction: 'growing' | 'declining' | 'flat' | null;
  /** φ̂ actually used (after the floor for counts). */
  dispersion: number | null;
  /** The momentum of every trailing window, for a chart. */
  series: MomentumPoint[];
}

/**
 * Quasi-Poisson log-linear trend (1) on y[from..to). Returns null when the MLE does not exist
 * (fewer than two periods with positive flow). Throws ConvergenceError if Fisher scoring stalls.
 */
export function fitLogLinearTrend(
  y: ArrayLike<number>,
  from: number,
  to: number,
  level: number,
  kind: 'counts' | 'rates',
  maxIterations = MOMENTUM_DEFAULTS.maxIterations,
): TrendFit | null {
  const n = to - from;
  let positive = 0;
  let total = 0;
  for (let t = from; t < to; t++) {
    if (y[t] > 0) positive++;
    total += y[t];
  }
  if (n < 3 || positive < 2) return null;
  const tbar = (n - 1) / 2;
  let a = Math.log(total / n);
  let g = 0;
  const loglik = (a0: number, g0: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const eta = a0 + g0 * (i - tbar);
      s += y[from + i] * eta - Math.exp(eta);
    }
    return s;
  };
  let ll = loglik(a, g);
  let converged = false;
  let lastStep = Number.NaN;
  let i00 = 0, i01 = 0, i11 = 0;
  for (let it = 0; it < maxIterations; it++) {
    let u0 = 0, u1 = 0;
    i00 = 0; i01 = 0; i11 = 0;
    for (let i = 0; i < n; i++) {
      const x = i - tbar;
      const mu = Math.exp(a + g * x);
      const r = y[from + i] - mu;
      u0 += r;
      u1 += r * x;
      i00 += mu;
      i01 += mu * x;
      i11 += mu * x * x;
    }
    const det = i00 * i11 - i01 * i01;
    if (!(det > 0)) throw new ConvergenceError('momentum: singular information matrix in the trend fit', it, Number.NaN);
    const da = (i11 * u0 - i01 * u1) / det;
    const dg = (-i01 * u0 + i00 * u1) / det;
    let step = 1;
    let accepted = false;
    for (let h = 0; h < 40; h++) {
      const na = a + step * da;
      const ng = g + step * dg;
      const nll = loglik(na, ng);
      if (Number.isFinite(nll) && nll >= ll - 1e-12 * Math.abs(ll)) {
        a = na;
        g = ng;
        ll = nll;
        accepted = true;
        break;
      }
      step /= 2;
    }
    if (!accepted) break;
    lastStep = Math.max(Math.abs(step * da), Math.abs(step * dg));
    if (Math.abs(step * da) < 1e-10 && Math.abs(step * dg) < 1e-10) {
      converged = true;
      break;
    }
  }
  if (!converged) throw new ConvergenceError(`momentum: the trend fit did not converge in ${maxIterations} iterations`, maxIterations, lastStep);
  // information and Pearson dispersion at the optimum
  let pearson = 0;
  i00 = 0; i01 = 0; i11 = 0;
  for (let i = 0; i < n; i++) {
    const x = i - tbar;
    const mu = Math.exp(a + g * x);
    pearson += (y[from + i] - mu) ** 2 / mu;
    i00 += mu;
    i01 += mu * x;
    i11 += mu * x * x;
  }
  const phiHat = pearson / (n - 2);
  const dispersion = kind === 'counts' ? Math.max(1, phiHat) : phiHat;
  const varG = (dispersion * i00) / (i00 * i11 - i01 * i01);
  const se = Math.sqrt(Math.max(0, varG));
  const tq = tQuantile(0.5 + level / 2, n - 2);
  const lower = g - tq * se;
  const upper = g + tq * se;
  return { growthRate: g, lower, upper, se, dispersion, significant: lower > 0 || upper < 0 };
}

/** Momentum of flow over the latest window, plus the rolling series. */
export function brandMomentum(input: MomentumInput, options: MomentumOptions = {}): MomentumResult {
  const o = { ...MOMENTUM_DEFAULTS, ...options };
  const T = input.flow.length;
  const y = Float64Array.from(input.flow);
  for (let t = 0; t < T; t++) if (!(Number.isFinite(y[t]) && y[t] >= 0)) throw new InvalidArgumentsError(`momentum: flow[${t}] must be a finite number >= 0, got ${y[t]}`);
  if (input.periods && input.periods.length !== T) throw new InvalidArgumentsError(`momentum: ${input.periods.length} period labels for ${T} periods`);
  if (!(Number.isInteger(o.window) && o.window >= 3)) throw new InvalidArgumentsError(`momentum: window must be an integer >= 3, got ${o.window}`);
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`momentum: level must be in (0,1), got ${o.level}`);
  if (o.kind !== 'counts' && o.kind !== 'rates') throw new InvalidArgumentsError(`momentum: kind must be 'counts' or 'rates', got ${String(o.kind)}`);
  if (!(Number.isInteger(o.minPeriods) && o.minPeriods >= 3)) throw new InvalidArgumentsError(`momentum: minPeriods must be an integer >= 3, got ${o.minPeriods}`);

  const label = (t: number): string | null => (input.periods ? input.periods[t] : null);
  const series: MomentumPoint[] = [];
  for (let t = 0; t < T; t++) {
    const n = Math.min(o.window, t + 1);
    const fit = n >= o.minPeriods ? fitLogLinearTrend(y, t + 1 - n, t + 1, o.level, o.kind, o.maxIterations) : null;
    series.push({
      period: label(t), n,
      growthRate: fit ? fit.growthRate : null,
      lower: fit ? fit.lower : null,
      upper: fit ? fit.upper : null,
      significant: fit ? fit.significant : null,
    });
  }
  const w = Math.min(o.window, T);
  const from = T - w;
  const empty: MomentumResult = {
    status: 'ok', message: null, warnings: [], window: w, level: o.level, from: T > 0 ? label(from) : null, to: T > 0 ? label(T - 1) : null,
    growthRate: null, growthPct: null, interval: null, pctInterval: null, significant: false, direction: null, dispersion: null, series,
  };
  if (w < o.minPeriods) {
    return { ...empty, status: 'insufficient-data', message: `momentum: ${T} period${T === 1 ? '' : 's'} of flow; at least ${o.minPeriods} are needed for a growth rate with an interval` };
  }
  let sum = 0;
  let positive = 0;
  for (let t = from; t < T; t++) {
    sum += y[t];
    if (y[t] > 0) positive++;
  }
  if (sum === 0) return { ...empty, status: 'no-flow', message: `momentum: no flow in the last ${w} periods` };
  if (positive < 2) {
    return { ...empty, status: 'insufficient-data', message: `momentum: only one of the last ${w} periods has any flow, so no growth rate can be estimated` };
  }
  const warnings: string[] = [];
  if (w < o.window) warnings.push(`only ${T} periods: momentum uses all of them instead of a ${o.window}-period window`);
  const fit = fitLogLinearTrend(y, from, T, o.level, o.kind, o.maxIterations)!;
  let constant = true;
  for (let t = from + 1; t < T; t++) if (y[t] !== y[from]) constant = false;
  const result: MomentumResult = {
    ...empty,
    warnings,
    growthRate: fit.growthRate,
    growthPct: Math.expm1(fit.growthRate),
    interval: { lower: fit.lower, upper: fit.upper },
    pctInterval: { lower: Math.expm1(fit.lower), upper: Math.expm1(fit.upper) },
    significant: fit.significant,
    direction: fit.significant ? (fit.growthRate > 0 ? 'growing' : 'declining') : 'flat',
    dispersion: fit.dispersion,
  };
  if (constant) {
    return { ...result, status: 'constant-series', message: `momentum: flow is constant over the last ${w} periods; growth is 0` };
  }
  return result;
}
