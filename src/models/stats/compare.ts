/**
 * Comparing a treatment arm with a control arm from sufficient statistics (no per-customer data):
 * per arm n, ΣY, ΣY², and for CUPED the pre-exposure covariate's ΣX, ΣX², ΣXY.
 *
 * - Absolute lift Δ = Ȳ_t − Ȳ_c with Welch's standard error √(s_t²/n_t + s_c²/n_c) and the
 *   Welch–Satterthwaite degrees of freedom; the p-value is the two-sided Welch t-test of Δ = 0
 *   (for a 0/1 conversion metric this is the unpooled two-proportion z-test up to n/(n−1)).
 * - Relative lift Δ/Ȳ_c with a **delta-method** interval (GrowthBook's frequentist engine):
 *       Var(Ȳ_t/Ȳ_c) ≈ s_t²/(n_t Ȳ_c²) + Ȳ_t² s_c²/(n_c Ȳ_c⁴),
 *   the interval Ȳ_t/Ȳ_c − 1 ± t_{1−α/2, ν} √Var.
 * - CUPED (Deng, Xu, Kohavi & Walker, WSDM 2013; GrowthBook's "CUPED" documentation): with X the
 *   same metric in the pre-exposure period, θ = Cov(Y, X)/Var(X) pooled over the two arms (within-arm
 *   sums of cross-products over within-arm sums of squares), each arm's adjusted mean
 *   Ȳ − θ(X̄_arm − X̄) and adjusted variance s_Y² + θ² s_X² − 2θ s_XY. The variance reduction is
 *   1 − Var(Δ_cuped)/Var(Δ). Randomisation makes E[X̄_t − X̄_c] = 0, so the adjustment changes the
 *   variance, not the expectation, of Δ.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { incompleteBeta, tQuantile } from '../var/special.js';

/** Sufficient statistics of one arm: Y the outcome, X the pre-exposure covariate (0 when unused). */
export interface ArmMoments {
  n: number;
  sumY: number;
  sumY2: number;
  sumX: number;
  sumX2: number;
  sumXY: number;
}

export interface Comparison {
  control: number;
  treatment: number;
  absolute: number;
  absoluteLower: number;
  absoluteUpper: number;
  /** Null when the control mean is 0. */
  relative: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number;
  /** Welch–Satterthwaite degrees of freedom and the standard error of Δ. */
  df: number;
  se: number;
}

export interface CupedComparison extends Comparison {
  theta: number;
  /** 1 − Var(Δ_cuped)/Var(Δ): the share of the variance of the lift that the covariate removed. */
  varianceReduction: number;
}

export const COMPARE_DEFAULTS = { alpha: 0.05 } as const;

/** Zero moments, to add customers to. */
export function emptyMoments(): ArmMoments {
  return { n: 0, sumY: 0, sumY2: 0, sumX: 0, sumX2: 0, sumXY: 0 };
}

/** Adds one customer's (y, x) to the moments (tests and the simulator build moments this way). */
export function addObservation(m: ArmMoments, y: number, x = 0): void {
  m.n += 1;
  m.sumY += y;
  m.sumY2 += y * y;
  m.sumX += x;
  m.sumX2 += x * x;
  m.sumXY += x * y;
}

/** Sample variance from sums (n − 1 in the denominator), clamped at 0 against rounding. */
function variance(n: number, sum: number, sum2: number): number {
  return Math.max(0, (sum2 - (sum * sum) / n) / (n - 1));
}

function covariance(n: number, sx: number, sy: number, sxy: number): number {
  return (sxy - (sx * sy) / n) / (n - 1);
}

/** Two-sided p-value of Student's t with df degrees of freedom, without cancellation in the tail. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

interface ArmSummary {
  n: number;
  mean: number;
  variance: number;
}

function compareSummaries(c: ArmSummary, t: ArmSummary, alpha: number): Comparison | null {
  const vc = c.variance / c.n;
  const vt = t.variance / t.n;
  const se2 = vc + vt;
  if (!(se2 > 0)) return null;
  const se = Math.sqrt(se2);
  const df = (se2 * se2) / ((vc * vc) / (c.n - 1) + (vt * vt) / (t.n - 1));
  const q = tQuantile(1 - alpha / 2, df);
  const absolute = t.mean - c.mean;
  let relative: number | null = null;
  let lower: number | null = null;
  let upper: number | null = null;
  if (c.mean !== 0) {
    relative = t.mean / c.mean - 1;
    const varRel = vt / (c.mean * c.mean) + (t.mean * t.mean * vc) / c.mean ** 4;
    const h = q * Math.sqrt(varRel);
    lower = relative - h;
    upper = relative + h;
  }
  return {
    control: c.mean,
    treatment: t.mean,
    absolute,
    absoluteLower: absolute - q * se,
    absoluteUpper: absolute + q * se,
    relative,
    lower,
    upper,
    pValue: tTwoSidedP(absolute / se, df),
    df,
    se,
  };
}

function check(where: string, m: ArmMoments): void {
  if (!(m.n >= 2)) throw new InvalidArgumentsError(`${where}: each arm needs at least 2 customers, got ${m.n}`);
  for (const k of ['sumY', 'sumY2', 'sumX', 'sumX2', 'sumXY'] as const) {
    if (!Number.isFinite(m[k])) throw new InvalidArgumentsError(`${where}: ${k} must be finite, got ${m[k]}`);
  }
}

/**
 * Treatment vs control on the outcome Y (Welch, delta-method relative interval); null when both arms
 * have zero variance (e.g. no conversions anywhere), where no test is defined.
 */
export function compareArms(control: ArmMoments, treatment: ArmMoments, alpha: number = COMPARE_DEFAULTS.alpha): Comparison | null {
  check('compareArms', control);
  check('compareArms', treatment);
  const s = (m: ArmMoments): ArmSummary => ({ n: m.n, mean: m.sumY / m.n, variance: variance(m.n, m.sumY, m.sumY2) });
  return compareSummaries(s(control), s(treatment), alpha);
}

/** θ = Cov(Y, X)/Var(X) pooled within the arms; null when X does not vary within the arms. */
export function cupedTheta(arms: readonly ArmMoments[]): number | null {
  let sxy = 0;
  let sxx = 0;
  for (const m of arms) {
    if (m.n === 0) continue;
    sxy += m.sumXY - (m.sumX * m.sumY) / m.n;
    sxx += m.sumX2 - (m.sumX * m.sumX) / m.n;
  }
  if (!(sxx > 1e-12)) return null;
  return sxy / sxx;
}

/** The CUPED-adjusted comparison; null when X does not vary or the adjusted variance is zero. */
export function compareArmsCuped(control: ArmMoments, treatment: ArmMoments, alpha: number = COMPARE_DEFAULTS.alpha): CupedComparison | null {
  check('compareArmsCuped', control);
  check('compareArmsCuped', treatment);
  const theta = cupedTheta([control, treatment]);
  if (theta === null) return null;
  const raw = compareArms(control, treatment, alpha);
  const xbar = (control.sumX + treatment.sumX) / (control.n + treatment.n);
  const adjust = (m: ArmMoments): ArmSummary => {
    const vy = variance(m.n, m.sumY, m.sumY2);
    const vx = variance(m.n, m.sumX, m.sumX2);
    const cxy = covariance(m.n, m.sumX, m.sumY, m.sumXY);
    return { n: m.n, mean: m.sumY / m.n - theta * (m.sumX / m.n - xbar), variance: Math.max(0, vy + theta * theta * vx - 2 * theta * cxy) };
  };
  const adj = compareSummaries(adjust(control), adjust(treatment), alpha);
  if (adj === null) return null;
  const varianceReduction = raw === null ? 0 : 1 - (adj.se * adj.se) / (raw.se * raw.se);
  return { ...adj, theta, varianceReduction };
}
