/**
 * Goodwill stock as a discrete-time adstock, with the carry-over λ estimated from the data.
 *
 * Nerlove & Arrow (1962), "Optimal advertising policy under dynamic conditions", Economica 29:
 * dA/dt = q(t) − δA(t) (their eq. 1). In discrete time with carry-over λ = 1 − δ:
 *
 *   S_t = λ·S_{t−1} + flow_t,   S_{−1} = 0                                             (1)
 *
 * λ is the value whose stock best explains purchases `lead` periods later (lead 1 = next period):
 *
 *   purchases_{t+lead} = a + b·S_t(λ) + e_t,   e_t ~ N(0, σ²)                             (2)
 *
 * For fixed λ, (2) is a simple regression; concentrating a, b, σ² out gives the profile log-likelihood
 * ℓ(λ) = −(n/2)(ln(2π·RSS(λ)/n) + 1). λ̂ maximises ℓ over [0, λmax] (grid, then golden section), and the
 * interval is the profile-likelihood set {λ : 2(ℓ(λ̂) − ℓ(λ)) ≤ χ²₁(level)} (Wilks), the connected piece
 * around λ̂, clipped at the boundary (flagged). The half-life is ln(1/2)/ln λ periods.
 */
import { InvalidArgumentsError } from '../var/errors.js';
import { chiSquareQuantile, tQuantile } from '../var/special.js';

export const ADSTOCK_DEFAULTS = {
  /** Purchases are explained `lead` periods after the stock (1 = next period, 0 = same period). */
  lead: 1,
  /** Upper end of the λ search; 1 itself would make the stock a running sum with no decay. */
  lambdaMax: 0.99,
  /** Grid points on [0, lambdaMax] before golden-section refinement. */
  gridSize: 100,
  level: 0.95,
  /** Fewest (stock, purchases) pairs for a fit: three parameters plus a little to spare. */
  minPairs: 6,
};

export type AdstockStatus = 'ok' | 'insufficient-data' | 'no-flow' | 'constant-series';

export interface AdstockInput {
  /** Flow per period (counts of spontaneous actions, or any non-negative rate). */
  flow: ArrayLike<number>;
  /** Purchases (or new customers) per period, same periods as flow. */
  purchases: ArrayLike<number>;
  periods?: readonly string[];
}

export type AdstockOptions = Partial<typeof ADSTOCK_DEFAULTS>;

export interface AdstockEstimate {
  estimate: number;
  se: number;
  lower: number;
  upper: number;
}

export interface AdstockResult {
  status: AdstockStatus;
  message: string | null;
  warnings: string[];
  lambda: number | null;
  interval: { lower: number; upper: number; lowerAtBoundary: boolean; upperAtBoundary: boolean } | null;
  level: number;
  /** Periods for the stock to halve without new flow; null when λ̂ = 0. */
  halfLife: number | null;
  /** Regression (2) at λ̂ (intervals conditional on λ̂, t with n − 3 df). */
  intercept: AdstockEstimate | null;
  slope: AdstockEstimate | null;
  r2: number | null;
  nPairs: number;
  lead: number;
  /** ℓ(λ) − ℓ(λ̂) on an 11-point grid, for a chart of how sharply the data pin λ down. */
  profile: { lambda: number; relativeLogLik: number }[];
  /** The stock at λ̂, one per period; null when λ is not estimated. */
  stock: number[] | null;
  periods: string[] | null;
}

/** S_t = λ S_{t−1} + flow_t with S_{−1} = 0 (eq. 1). */
export function computeAdstock(flow: ArrayLike<number>, lambda: number): Float64Array {
  if (!(lambda >= 0 && lambda < 1)) throw new InvalidArgumentsError(`adstock: lambda must be in [0, 1), got ${lambda}`);
  const S = new Float64Array(flow.length);
  let s = 0;
  for (let t = 0; t < flow.length; t++) {
    s = lambda * s + flow[t];
    S[t] = s;
  }
  return S;
}

interface RegressionFit {
  a: number;
  b: number;
  rss: number;
  sxx: number;
  xbar: number;
  syy: number;
}

/** purchases_{t+lead} on S_t, t = 0..T−1−lead. */
function regress(S: Float64Array, y: Float64Array, lead: number): RegressionFit {
  const n = S.length - lead;
  let xbar = 0;
  let ybar = 0;
  for (let t = 0; t < n; t++) {
    xbar += S[t];
    ybar += y[t + lead];
  }
  xbar /= n;
  ybar /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let t = 0; t < n; t++) {
    const dx = S[t] - xbar;
    const dy = y[t + lead] - ybar;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = ybar - b * xbar;
  const rss = Math.max(0, syy - b * sxy);
  return { a, b, rss, sxx, xbar, syy };
}

function validate(input: AdstockInput, o: typeof ADSTOCK_DEFAULTS): { flow: Float64Array; y: Float64Array } {
  const T = input.flow.length;
  if (input.purchases.length !== T) throw new InvalidArgumentsError(`adstock: ${T} flow values but ${input.purchases.length} purchase values`);
  if (input.periods && input.periods.length !== T) throw new InvalidArgumentsError(`adstock: ${input.periods.length} period labels for ${T} periods`);
  const flow = Float64Array.from(input.flow);
  const y = Float64Array.from(input.purchases);
  for (let t = 0; t < T; t++) {
    if (!(Number.isFinite(flow[t]) && flow[t] >= 0)) throw new InvalidArgumentsError(`adstock: flow[${t}] must be a finite number >= 0, got ${flow[t]}`);
    if (!Number.isFinite(y[t])) throw new InvalidArgumentsError(`adstock: purchases[${t}] must be finite, got ${y[t]}`);
  }
  if (!(Number.isInteger(o.lead) && o.lead >= 0)) throw new InvalidArgumentsError(`adstock: lead must be an integer >= 0, got ${o.lead}`);
  if (!(o.lambdaMax > 0 && o.lambdaMax < 1)) throw new InvalidArgumentsError(`adstock: lambdaMax must be in (0,1), got ${o.lambdaMax}`);
  if (!(Number.isInteger(o.gridSize) && o.gridSize >= 10)) throw new InvalidArgumentsError(`adstock: gridSize must be an integer >= 10, got ${o.gridSize}`);
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`adstock: level must be in (0,1), got ${o.level}`);
  if (!(Number.isInteger(o.minPairs) && o.minPairs >= 4)) throw new InvalidArgumentsError(`adstock: minPairs must be an integer >= 4, got ${o.minPairs}`);
  return { flow, y };
}

/** Estimates λ of the adstock (1) from how well the stock explains later purchases (2). */
export function fitAdstock(input: AdstockInput, options: AdstockOptions = {}): AdstockResult {
  const o = { ...ADSTOCK_DEFAULTS, ...options };
  const { flow, y } = validate(input, o);
  const T = flow.length;
  const n = Math.max(0, T - o.lead);
  const base: AdstockResult = {
    status: 'ok', message: null, warnings: [], lambda: null, interval: null, level: o.level, halfLife: null,
    intercept: null, slope: null, r2: null, nPairs: n, lead: o.lead, profile: [], stock: null,
    periods: input.periods ? [...input.periods] : null,
  };
  if (n < o.minPairs) {
    return { ...base, status: 'insufficient-data', message: `adstock: ${T} periods give ${n} (stock, purchases) pairs; at least ${o.minPairs} are needed to estimate λ` };
  }
  if (flow.every((v) => v === 0)) {
    return { ...base, status: 'no-flow', message: 'adstock: there is no flow (no spontaneous actions) in any period, so there is no stock to estimate' };
  }
  if (flow.every((v) => v === flow[0])) {
    return { ...base, status: 'constant-series', message: 'adstock: flow is the same in every period, so the data cannot tell one decay rate from another' };
  }
  let yConst = true;
  for (let t = o.lead + 1; t < T; t++) if (y[t] !== y[o.lead]) yConst = false;
  if (yConst) {
    return { ...base, status: 'constant-series', message: 'adstock: purchases are the same in every period, so no stock explains them better than another; λ is not identified' };
  }

  const logLik = (lambda: number): number => {
    const fit = regress(computeAdstock(flow, lambda), y, o.lead);
    // a perfect fit would give +∞; floor RSS relative to the total variation
    const rss = Math.max(fit.rss, 1e-12 * fit.syy);
    return -(n / 2) * (Math.log((2 * Math.PI * rss) / n) + 1);
  };

  const G = o.gridSize;
  const grid = Array.from({ length: G + 1 }, (_, i) => (o.lambdaMax * i) / G);
  const ll = grid.map(logLik);
  let best = 0;
  for (let i = 1; i <= G; i++) if (ll[i] > ll[best]) best = i;
  // golden-section refinement inside the neighbouring grid cells
  let lambdaHat = grid[best];
  let llHat = ll[best];
  {
    let lo = grid[Math.max(0, best - 1)];
    let hi = grid[Math.min(G, best + 1)];
    const r = (Math.sqrt(5) - 1) / 2;
    let x1 = hi - r * (hi - lo);
    let x2 = lo + r * (hi - lo);
    let f1 = logLik(x1);
    let f2 = logLik(x2);
    for (let it = 0; it < 60 && hi - lo > 1e-10; it++) {
      if (f1 > f2) {
        hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = logLik(x1);
      } else {
        lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = logLik(x2);
      }
    }
    const xm = 0.5 * (lo + hi);
    const fm = logLik(xm);
    if (fm > llHat) {
      lambdaHat = xm;
      llHat = fm;
    }
  }

  const crit = chiSquareQuantile(o.level, 1) / 2;
  const inside = (lambda: number): boolean => llHat - logLik(lambda) <= crit;
  const endpoint = (direction: -1 | 1): { value: number; atBoundary: boolean } => {
    let i = best;
    while (i + direction >= 0 && i + direction <= G && llHat - ll[i + direction] <= crit) i += direction;
    if (i + direction < 0 || i + direction > G) return { value: grid[i], atBoundary: true };
    // bisection between the last inside point and the first outside point
    let a = i === best ? lambdaHat : grid[i];
    let b = grid[i + direction];
    for (let it = 0; it < 60; it++) {
      const m = 0.5 * (a + b);
      if (inside(m)) a = m;
      else b = m;
    }
    return { value: 0.5 * (a + b), atBoundary: false };
  };
  const lowerEnd = endpoint(-1);
  const upperEnd = endpoint(1);
  const interval = {
    lower: Math.min(lowerEnd.value, lambdaHat),
    upper: Math.max(upperEnd.value, lambdaHat),
    lowerAtBoundary: lowerEnd.atBoundary,
    upperAtBoundary: upperEnd.atBoundary,
  };

  const S = computeAdstock(flow, lambdaHat);
  const fit = regress(S, y, o.lead);
  const warnings: string[] = [];
  const df = n - 3;
  const sigma2 = fit.rss / df;
  const tq = tQuantile(0.5 + o.level / 2, df);
  let slope: AdstockEstimate | null = null;
  let intercept: AdstockEstimate | null = null;
  if (fit.sxx > 0) {
    const seB = Math.sqrt(sigma2 / fit.sxx);
    const seA = Math.sqrt(sigma2 * (1 / n + (fit.xbar * fit.xbar) / fit.sxx));
    slope = { estimate: fit.b, se: seB, lower: fit.b - tq * seB, upper: fit.b + tq * seB };
    intercept = { estimate: fit.a, se: seA, lower: fit.a - tq * seA, upper: fit.a + tq * seA };
  }
  if (fit.b <= 0) warnings.push('the stock does not raise later purchases (slope <= 0): λ has no goodwill interpretation here');
  else if (slope && slope.lower <= 0) warnings.push('the stock–purchases slope is not significantly positive: treat λ as weakly identified');
  if (interval.lowerAtBoundary && interval.upperAtBoundary) warnings.push(`the ${Math.round(o.level * 100)}% interval spans all of [0, ${o.lambdaMax}]: the data do not identify λ`);
  else if (interval.upperAtBoundary) warnings.push(`the interval reaches the search limit λ = ${o.lambdaMax}: the stock may barely decay`);
  if (lambdaHat >= o.lambdaMax - 1e-9) warnings.push(`λ̂ is at the search limit ${o.lambdaMax}`);

  const profile = Array.from({ length: 11 }, (_, i) => {
    const lambda = (o.lambdaMax * i) / 10;
    return { lambda, relativeLogLik: logLik(lambda) - llHat };
  });
  return {
    ...base,
    warnings,
    lambda: lambdaHat,
    interval,
    halfLife: lambdaHat > 0 ? Math.log(0.5) / Math.log(lambdaHat) : null,
    intercept,
    slope,
    r2: fit.syy > 0 ? 1 - fit.rss / fit.syy : null,
    profile,
    stock: Array.from(S),
  };
}
