/**
 * Word of mouth as diffusion: the Bass (1969) model, "A new product growth for model consumer
 * durables", Management Science 15(5).
 *
 *   hazard        f(t) / (1 − F(t)) = p + q·F(t)                                        Bass eq. (1)
 *   cumulative    F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t})                    Bass eq. (7)
 *   adoptions     E[a_t] = m·(F(t) − F(t−1)),  period t = 1..T covers (t−1, t]          Srinivasan & Mason (1986) eq. (5)
 *   peak          t* = ln(q/p) / (p + q)                                                 Bass eq. (9)
 *
 * Estimation: Poisson quasi-likelihood on the discrete adoptions (the MLE of Schmittlein & Mahajan 1982
 * with Poisson counts), which weights periods by their noise, unlike plain NLS. m is profiled out in
 * closed form (m̂ = N(T)/F(T)), so only (ln p, ln q) are searched (Nelder–Mead, multi-start); the
 * covariance of (ln p, ln q, ln m) is φ̂·I⁻¹ with I = Σ_t ∇μ_t ∇μ_tᵀ / μ_t and φ̂ = max(1, Pearson χ²/(T−3)).
 * Intervals are exp(θ̂ ± t_{T−3}·se) on the log scale. Derived quantities (imitation share, peak)
 * take intervals from seeded draws of the asymptotic normal.
 *
 * Imitation share: adoptions from external influence up to t are p·m·∫₀ᵗ(1 − F), with
 *   ∫₀ᵗ (1 − F(s)) ds = (1 + c)/(b·c) · [ln(1 + c) − ln(1 + c·e^{−bt})],  b = p + q, c = q/p,
 * so over the whole life cycle the innovators' share is (p/q)·ln(1 + q/p); the rest is word of mouth.
 */
import { Matrix, inverse } from 'ml-matrix';
import { createRng, normal, type Rng } from '../numeric/random.js';
import { ConvergenceError, InvalidArgumentsError } from '../var/errors.js';
import { quantileSorted, tQuantile } from '../var/special.js';

export const BASS_DEFAULTS = {
  level: 0.95,
  /** Fewest periods: three parameters and a dispersion estimate. */
  minPeriods: 5,
  /** 'counts': dispersion floored at 1 (Poisson). 'rates': estimated freely. */
  kind: 'counts' as 'counts' | 'rates',
  /** Draws from the asymptotic normal for the intervals of derived quantities. */
  draws: 2000,
  seed: 1,
  /** Search box for p and q. */
  pMin: 1e-6,
  pMax: 1,
  qMin: 1e-6,
  qMax: 3,
  /** m̂ above this multiple of the adoptions seen so far means m is not identified. */
  maxMarketMultiple: 1000,
  /** Relative standard error of m above which m is called poorly identified. */
  maxRelativeSeM: 0.5,
  maxIterations: 5000,
};

export type BassStatus = 'ok' | 'not-peaked' | 'not-identified' | 'insufficient-data' | 'no-adoptions';

export interface BassInput {
  /** New adopters per period (period 1 = the launch period). */
  adoptions: ArrayLike<number>;
  periods?: readonly string[];
}

export type BassOptions = Partial<typeof BASS_DEFAULTS> & { rng?: Rng };

export interface BassEstimate {
  estimate: number;
  /** Delta-method standard error on the natural scale; null when it overflows (parameter not identified). */
  se: number | null;
  lower: number | null;
  upper: number | null;
}

export interface DerivedEstimate {
  estimate: number;
  lower: number;
  upper: number;
}

export interface BassResult {
  status: BassStatus;
  message: string | null;
  warnings: string[];
  level: number;
  /** External influence (innovation). */
  p: BassEstimate | null;
  /** Imitation (word of mouth). */
  q: BassEstimate | null;
  /** Market size (eventual adopters). */
  m: BassEstimate | null;
  /** Share of adoptions due to imitation: in the observed periods, and over the whole life cycle. */
  imitationShare: { observed: DerivedEstimate; lifetime: DerivedEstimate } | null;
  /** t* = ln(q/p)/(p+q) in periods since launch; null when q ≤ p (adoptions fall from the start). */
  peakTime: DerivedEstimate | null;
  /** True when the fitted peak lies at least one period before the end of the data. */
  peaked: boolean | null;
  cumulativeAdoptions: number;
  /** m̂·(F(t) − F(t−1)) per period. */
  fitted: number[] | null;
  dispersion: number | null;
  /** Poisson log-likelihood at the optimum, up to the constant −Σ ln a_t!. */
  logLik: number | null;
  periods: string[] | null;
}

/** Bass cumulative adoption fraction F(t) (eq. 7). */
export function bassCdf(t: number, p: number, q: number): number {
  if (t <= 0) return 0;
  const e = Math.exp(-(p + q) * t);
  return -Math.expm1(-(p + q) * t) / (1 + (q / p) * e);
}

/** Expected adoptions per period, m·(F(t) − F(t−1)), t = 1..T. */
export function bassAdoptions(T: number, p: number, q: number, m: number): Float64Array {
  const out = new Float64Array(T);
  let prev = 0;
  for (let t = 1; t <= T; t++) {
    const F = bassCdf(t, p, q);
    out[t - 1] = m * (F - prev);
    prev = F;
  }
  return out;
}

/** Share of adoptions in (0, t] due to imitation; t = ∞ gives the life-cycle share 1 − (p/q)·ln(1 + q/p). */
export function imitationShare(p: number, q: number, t: number): number {
  const c = q / p;
  if (t === Infinity) return 1 - Math.log1p(c) / c;
  const b = p + q;
  const integral = ((1 + c) / (b * c)) * (Math.log1p(c) - Math.log1p(c * Math.exp(-b * t)));
  return 1 - (p * integral) / bassCdf(t, p, q);
}

/** Profile log-likelihood of (ln p, ln q) with m̂ = N/F(T): Σ a_t ln ΔF_t − N ln F(T) (+ const). */
function profileLogLik(a: Float64Array, N: number, lp: number, lq: number): number {
  const p = Math.exp(lp);
  const q = Math.exp(lq);
  const T = a.length;
  let prev = 0;
  let s = 0;
  for (let t = 1; t <= T; t++) {
    const F = bassCdf(t, p, q);
    const dF = F - prev;
    prev = F;
    if (a[t - 1] > 0) {
      if (!(dF > 0)) return -Infinity;
      s += a[t - 1] * Math.log(dF);
    }
  }
  if (!(prev > 0)) return -Infinity;
  return s - N * Math.log(prev);
}

/** Nelder–Mead maximisation in 2-D (Nelder & Mead 1965; Lagarias et al. 1998 coefficients). */
function nelderMeadMax(f: (x: number, y: number) => number, x0: number, y0: number, step: number, maxIter: number): { x: number; y: number; value: number; iterations: number } {
  let pts = [
    [x0, y0],
    [x0 + step, y0],
    [x0, y0 + step],
  ];
  let vals = pts.map(([x, y]) => -f(x, y));
  for (let it = 0; it < maxIter; it++) {
    const order = [0, 1, 2].sort((i, j) => vals[i] - vals[j]);
    pts = order.map((i) => pts[i]);
    vals = order.map((i) => vals[i]);
    const size = Math.max(Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]), Math.hypot(pts[2][0] - pts[0][0], pts[2][1] - pts[0][1]));
    if (Number.isFinite(vals[2]) && vals[2] - vals[0] <= 1e-11 * (1 + Math.abs(vals[0])) && size < 1e-7) {
      return { x: pts[0][0], y: pts[0][1], value: -vals[0], iterations: it };
    }
    const cx = (pts[0][0] + pts[1][0]) / 2;
    const cy = (pts[0][1] + pts[1][1]) / 2;
    const at = (t: number): [number, number] => [cx + t * (pts[2][0] - cx), cy + t * (pts[2][1] - cy)];
    const r = at(-1);
    const fr = -f(r[0], r[1]);
    if (fr < vals[0]) {
      const e = at(-2);
      const fe = -f(e[0], e[1]);
      if (fe < fr) { pts[2] = e; vals[2] = fe; } else { pts[2] = r; vals[2] = fr; }
    } else if (fr < vals[1]) {
      pts[2] = r; vals[2] = fr;
    } else {
      const c = fr < vals[2] ? at(-0.5) : at(0.5);
      const fc = -f(c[0], c[1]);
      if (fc < Math.min(fr, vals[2])) {
        pts[2] = c; vals[2] = fc;
      } else {
        for (let i = 1; i < 3; i++) {
          pts[i] = [(pts[0][0] + pts[i][0]) / 2, (pts[0][1] + pts[i][1]) / 2];
          vals[i] = -f(pts[i][0], pts[i][1]);
        }
      }
    }
  }
  throw new ConvergenceError(`bass: Nelder–Mead did not converge in ${maxIter} iterations`, maxIter, vals[2] - vals[0]);
}

function validate(input: BassInput, o: typeof BASS_DEFAULTS): Float64Array {
  const a = Float64Array.from(input.adoptions);
  for (let t = 0; t < a.length; t++) if (!(Number.isFinite(a[t]) && a[t] >= 0)) throw new InvalidArgumentsError(`bass: adoptions[${t}] must be a finite number >= 0, got ${a[t]}`);
  if (input.periods && input.periods.length !== a.length) throw new InvalidArgumentsError(`bass: ${input.periods.length} period labels for ${a.length} periods`);
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`bass: level must be in (0,1), got ${o.level}`);
  if (!(Number.isInteger(o.minPeriods) && o.minPeriods >= 4)) throw new InvalidArgumentsError(`bass: minPeriods must be an integer >= 4, got ${o.minPeriods}`);
  if (!(Number.isInteger(o.draws) && o.draws >= 100)) throw new InvalidArgumentsError(`bass: draws must be an integer >= 100, got ${o.draws}`);
  if (!(o.pMin > 0 && o.pMin < o.pMax && o.qMin > 0 && o.qMin < o.qMax)) throw new InvalidArgumentsError('bass: need 0 < pMin < pMax and 0 < qMin < qMax');
  if (o.kind !== 'counts' && o.kind !== 'rates') throw new InvalidArgumentsError(`bass: kind must be 'counts' or 'rates', got ${String(o.kind)}`);
  return a;
}

/** Fits p, q, m to adoptions per period. */
export function fitBass(input: BassInput, options: BassOptions = {}): BassResult {
  const o = { ...BASS_DEFAULTS, ...options };
  const a = validate(input, o);
  const T = a.length;
  let N = 0;
  let positive = 0;
  for (const v of a) {
    N += v;
    if (v > 0) positive++;
  }
  const base: BassResult = {
    status: 'ok', message: null, warnings: [], level: o.level, p: null, q: null, m: null, imitationShare: null,
    peakTime: null, peaked: null, cumulativeAdoptions: N, fitted: null, dispersion: null, logLik: null,
    periods: input.periods ? [...input.periods] : null,
  };
  if (T < o.minPeriods) return { ...base, status: 'insufficient-data', message: `bass: ${T} period${T === 1 ? '' : 's'} of adoptions; at least ${o.minPeriods} are needed for p, q and m` };
  if (N === 0) return { ...base, status: 'no-adoptions', message: 'bass: there are no adoptions in any period' };
  if (positive < 3) return { ...base, status: 'insufficient-data', message: `bass: only ${positive} period${positive === 1 ? ' has' : 's have'} adoptions; at least 3 are needed` };

  const lpMin = Math.log(o.pMin), lpMax = Math.log(o.pMax), lqMin = Math.log(o.qMin), lqMax = Math.log(o.qMax);
  const objective = (lp: number, lq: number): number =>
    lp < lpMin || lp > lpMax || lq < lqMin || lq > lqMax ? -Infinity : profileLogLik(a, N, lp, lq);
  // Multi-start: on a long series a start far from the data can give every observed period zero
  // probability (ΔF underflows), where Nelder–Mead has no slope to follow. Such starts are skipped,
  // and a start that does not converge only fails the fit when no other start converged.
  let best: { x: number; y: number; value: number } | null = null;
  let failure: ConvergenceError | null = null;
  for (const p0 of [0.001, 0.01, 0.05]) {
    for (const q0 of [0.05, 0.3, 0.8]) {
      if (!Number.isFinite(objective(Math.log(p0), Math.log(q0)))) continue;
      let r: { x: number; y: number; value: number };
      try {
        r = nelderMeadMax(objective, Math.log(p0), Math.log(q0), 0.5, o.maxIterations);
      } catch (e) {
        if (e instanceof ConvergenceError) {
          failure = e;
          continue;
        }
        throw e;
      }
      if (!best || r.value > best.value) best = r;
    }
  }
  if (!best && failure) throw failure;
  if (!best || !Number.isFinite(best.value)) {
    return { ...base, status: 'not-identified', message: 'bass: no (p, q) gives the observed adoptions a positive likelihood' };
  }
  const p = Math.exp(best.x);
  const q = Math.exp(best.y);
  const FT = bassCdf(T, p, q);
  const m = N / FT;
  const fitted = bassAdoptions(T, p, q, m);
  const warnings: string[] = [];
  const edge = (v: number, lo: number, hi: number): boolean => Math.abs(Math.log(v) - lo) < 1e-3 || Math.abs(Math.log(v) - hi) < 1e-3;
  if (edge(p, lpMin, lpMax)) warnings.push(`p̂ = ${p.toPrecision(3)} is at the edge of the search box [${o.pMin}, ${o.pMax}]`);
  if (edge(q, lqMin, lqMax)) warnings.push(`q̂ = ${q.toPrecision(3)} is at the edge of the search box [${o.qMin}, ${o.qMax}]${q < 10 * o.qMin ? ': no detectable word of mouth' : ''}`);

  // Fisher information for θ = (ln p, ln q, ln m)
  const mu = (lp: number, lq: number, lm: number): Float64Array => bassAdoptions(T, Math.exp(lp), Math.exp(lq), Math.exp(lm));
  const th = [best.x, best.y, Math.log(m)];
  const h = 1e-5;
  const J: Float64Array[] = [];
  for (let r = 0; r < 2; r++) {
    const up = [...th];
    const dn = [...th];
    up[r] += h;
    dn[r] -= h;
    const mu1 = mu(up[0], up[1], up[2]);
    const mu0 = mu(dn[0], dn[1], dn[2]);
    J.push(mu1.map((v, t) => (v - mu0[t]) / (2 * h)));
  }
  J.push(Float64Array.from(fitted)); // ∂μ/∂ln m = μ
  const info = new Matrix(3, 3);
  let pearson = 0;
  let logLik = 0;
  for (let t = 0; t < T; t++) {
    const f = fitted[t];
    if (!(f > 0)) continue;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) info.set(r, c, info.get(r, c) + (J[r][t] * J[c][t]) / f);
    pearson += (a[t] - f) ** 2 / f;
    logLik += (a[t] > 0 ? a[t] * Math.log(f) : 0) - f;
  }
  const df = T - 3;
  const phiHat = pearson / df;
  const dispersion = o.kind === 'counts' ? Math.max(1, phiHat) : phiHat;
  let cov: Matrix | null = null;
  try {
    const inv = inverse(info);
    cov = inv.mul(dispersion);
  } catch {
    cov = null;
  }
  const variances = cov ? [0, 1, 2].map((i) => cov!.get(i, i)) : [];
  const choleskyFactor = cov ? cholesky3(cov) : null;
  if (!cov || !choleskyFactor || !variances.every((v) => Number.isFinite(v) && v >= 0)) {
    return {
      ...base, warnings, status: 'not-identified', fitted: Array.from(fitted), dispersion, logLik,
      message: 'bass: the information matrix is singular at the optimum, so p, q and m cannot be told apart by these data',
    };
  }
  const tq = tQuantile(0.5 + o.level / 2, df);
  const logScale = (value: number, v: number): BassEstimate => {
    const se = Math.sqrt(v);
    return { estimate: value, se: finiteOrNull(value * se), lower: finiteOrNull(value * Math.exp(-tq * se)), upper: finiteOrNull(value * Math.exp(tq * se)) };
  };
  const pEst = logScale(p, variances[0]);
  const qEst = logScale(q, variances[1]);
  const mEst = logScale(m, variances[2]);

  // derived quantities by draws from the asymptotic normal of θ
  const rng = o.rng ?? createRng(o.seed);
  const obs: number[] = [];
  const life: number[] = [];
  const peaks: number[] = [];
  const z = [0, 0, 0];
  for (let d = 0; d < o.draws; d++) {
    for (let i = 0; i < 3; i++) z[i] = normal(rng);
    const lp = th[0] + choleskyFactor[0][0] * z[0];
    const lq = th[1] + choleskyFactor[1][0] * z[0] + choleskyFactor[1][1] * z[1];
    const pd = Math.exp(lp);
    const qd = Math.exp(lq);
    obs.push(imitationShare(pd, qd, T));
    life.push(imitationShare(pd, qd, Infinity));
    peaks.push(qd > pd ? Math.log(qd / pd) / (pd + qd) : 0);
  }
  const band = (point: number, xs: number[]): DerivedEstimate => {
    const s = Float64Array.from(xs.filter(Number.isFinite)).sort();
    if (s.length === 0) return { estimate: point, lower: point, upper: point };
    return { estimate: point, lower: quantileSorted(s, (1 - o.level) / 2), upper: quantileSorted(s, 1 - (1 - o.level) / 2) };
  };
  const peak = q > p ? Math.log(q / p) / (p + q) : null;
  const peaked = peak === null ? true : peak < T - 1;

  let status: BassStatus = 'ok';
  let message: string | null = null;
  const relSeM = Math.sqrt(variances[2]);
  if (m > o.maxMarketMultiple * N) {
    status = 'not-identified';
    message = `bass: m̂ is ${Math.round(m / N)}× the adoptions so far; the data show no slowdown, so the market size is not identified`;
  } else if (!peaked) {
    status = 'not-peaked';
    message = `bass: adoptions have not peaked within the ${T} periods (fitted peak at period ${peak!.toFixed(1)}), so m is poorly identified; treat m and the life-cycle share as rough`;
  }
  if (relSeM > o.maxRelativeSeM) warnings.push(`m is poorly identified (relative standard error ${relSeM.toFixed(2)})`);

  return {
    ...base,
    status,
    message,
    warnings,
    p: pEst,
    q: qEst,
    m: mEst,
    imitationShare: { observed: band(imitationShare(p, q, T), obs), lifetime: band(imitationShare(p, q, Infinity), life) },
    peakTime: peak === null ? null : band(peak, peaks),
    peaked,
    fitted: Array.from(fitted),
    dispersion,
    logLik,
  };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Lower Cholesky factor of a 3×3 covariance; null unless positive definite. */
function cholesky3(S: Matrix): number[][] | null {
  const L = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  for (let j = 0; j < 3; j++) {
    let d = S.get(j, j);
    for (let r = 0; r < j; r++) d -= L[j][r] ** 2;
    if (!(d > 0)) return null;
    L[j][j] = Math.sqrt(d);
    for (let i = j + 1; i < 3; i++) {
      let s = S.get(i, j);
      for (let r = 0; r < j; r++) s -= L[i][r] * L[j][r];
      L[i][j] = s / L[j][j];
    }
  }
  return L;
}
