/**
 * Special functions and distribution functions for the brand models' tests and intervals.
 *
 * - lgamma / log-beta: numeric/special.ts (shifted Stirling series; one implementation for every model).
 * - Regularized incomplete beta I_x(a, b): the continued fraction of Numerical Recipes §6.4
 *   (eq. 6.4.5) evaluated with the modified Lentz algorithm (Lentz 1976; Thompson & Barnett 1986),
 *   using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where the fraction converges slowly.
 * - Regularized incomplete gamma P(a, x), Q(a, x): series for x < a + 1, Lentz continued fraction otherwise
 *   (Numerical Recipes §6.2).
 * - F, Student t, normal and chi-square CDFs from those; normal quantile by Wichura's AS 241 (PPND16);
 *   t and chi-square quantiles by safeguarded bisection on the CDF.
 *
 * Numbers here are plain doubles; every iterative routine throws ConvergenceError instead of returning
 * an unconverged value.
 */
import { ConvergenceError, InvalidArgumentsError } from './errors.js';
import { lgamma, logBeta } from '../numeric/special.js';

const TINY = 1e-300;
const EPS = 1e-15;

/** Continued fraction for I_x(a,b) (NR eq. 6.4.5) by modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const maxIter = 10_000;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIter; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new ConvergenceError(`incompleteBeta: continued fraction did not converge for x=${x}, a=${a}, b=${b}`, maxIter, Number.NaN);
}

/** Regularized incomplete beta I_x(a, b), a, b > 0, x in [0, 1]. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || !Number.isFinite(a) || !Number.isFinite(b)) {
    throw new InvalidArgumentsError(`incompleteBeta: a and b must be finite and > 0, got a=${a}, b=${b}`);
  }
  if (!(x >= 0 && x <= 1)) throw new InvalidArgumentsError(`incompleteBeta: x must be in [0,1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Regularized lower incomplete gamma P(a, x). */
export function incompleteGammaP(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new InvalidArgumentsError(`incompleteGamma: a must be finite and > 0, got ${a}`);
  if (!(x >= 0)) throw new InvalidArgumentsError(`incompleteGamma: x must be >= 0, got ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), computed without cancellation. */
export function incompleteGammaQ(a: number, x: number): number {
  if (!(a > 0) || !Number.isFinite(a)) throw new InvalidArgumentsError(`incompleteGamma: a must be finite and > 0, got ${a}`);
  if (!(x >= 0)) throw new InvalidArgumentsError(`incompleteGamma: x must be >= 0, got ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < 10_000; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
  }
  throw new ConvergenceError(`incompleteGamma: series did not converge for a=${a}, x=${x}`, 10_000, Number.NaN);
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
  }
  throw new ConvergenceError(`incompleteGamma: continued fraction did not converge for a=${a}, x=${x}`, 10_000, Number.NaN);
}

function checkDf(name: string, df: number): void {
  if (!(df > 0) || !Number.isFinite(df)) throw new InvalidArgumentsError(`${name}: degrees of freedom must be finite and > 0, got ${df}`);
}

/** P(F ≤ f) for F ~ F(d1, d2). */
export function fCdf(f: number, d1: number, d2: number): number {
  checkDf('fCdf', d1);
  checkDf('fCdf', d2);
  if (!(f > 0)) return 0;
  if (f === Infinity) return 1;
  return incompleteBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

/** P(F > f) for F ~ F(d1, d2), computed directly so tiny p-values keep their digits. */
export function fSurvival(f: number, d1: number, d2: number): number {
  checkDf('fSurvival', d1);
  checkDf('fSurvival', d2);
  if (!(f > 0)) return 1;
  if (f === Infinity) return 0;
  return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function tCdf(t: number, df: number): number {
  checkDf('tCdf', df);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Φ(x), the standard normal CDF, via Q(1/2, x²/2). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) throw new InvalidArgumentsError('normalCdf: x is NaN');
  const q = 0.5 * incompleteGammaQ(0.5, (x * x) / 2);
  return x >= 0 ? 1 - q : q;
}

/** P(X ≤ x) for X ~ χ²(df). */
export function chiSquareCdf(x: number, df: number): number {
  checkDf('chiSquareCdf', df);
  if (!(x > 0)) return 0;
  return incompleteGammaP(df / 2, x / 2);
}

/** Standard normal quantile, Wichura (1988) AS 241 PPND16 (relative accuracy about 1e-16). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidArgumentsError(`normalQuantile: p must be in (0,1), got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) * r + 1971.5909503065514427) * r + 133.14166789178437745) * r + 3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) * r + 687.1870074920579083) * r + 42.313330701600911252) * r + 1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let val: number;
  if (r <= 5) {
    r -= 1.6;
    val =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) * r + 5.7694972214606914055) * r + 4.6303378461565452959) * r + 1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) * r + 1.6763848301838038494) * r + 2.05319162663775882187) * r + 1);
  } else {
    r -= 5;
    val =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) * r + 6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) * r + 0.13692988092273580531) * r + 0.59983220655588793769) * r + 1);
  }
  return q < 0 ? -val : val;
}

/** Inverts a continuous increasing CDF on [lo, ∞) by bracketing then bisection. */
function invertCdf(name: string, cdf: (x: number) => number, p: number, lo: number, start: number): number {
  let hi = Math.max(start, lo + 1);
  let guard = 0;
  while (cdf(hi) < p) {
    lo = hi;
    hi *= 2;
    if (++guard > 1100) throw new ConvergenceError(`${name}: could not bracket p=${p}`, guard, Number.NaN);
  }
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) < p) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-13 * Math.max(1, Math.abs(hi))) break;
  }
  return 0.5 * (lo + hi);
}

/** Quantile of Student's t with df degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  checkDf('tQuantile', df);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentsError(`tQuantile: p must be in (0,1), got ${p}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  return invertCdf('tQuantile', (t) => tCdf(t, df), p, 0, Math.max(1, normalQuantile(p)));
}

/** Quantile of χ²(df). */
export function chiSquareQuantile(p: number, df: number): number {
  checkDf('chiSquareQuantile', df);
  if (!(p > 0 && p < 1)) throw new InvalidArgumentsError(`chiSquareQuantile: p must be in (0,1), got ${p}`);
  return invertCdf('chiSquareQuantile', (x) => chiSquareCdf(x, df), p, 0, df);
}

/** The q-quantile of an ascending-sorted sample, linear interpolation between order statistics (R type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new InvalidArgumentsError('quantileSorted: empty sample');
  if (!(q >= 0 && q <= 1)) throw new InvalidArgumentsError(`quantileSorted: q must be in [0,1], got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
