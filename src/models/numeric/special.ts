/**
 * Special functions for the likelihoods in models/: log-gamma, digamma, trigamma, log-beta,
 * log-space sums, and the Gauss hypergeometric function 2F1 in log form with its partial
 * derivatives (the BG/NBD, MBG/NBD and Pareto/NBD expectations and the Pareto/NBD likelihood
 * need it).
 *
 * - lgamma / digamma / trigamma: shift the argument up to >= 10 by the recurrence, then the
 *   Stirling / de Moivre asymptotic series (Abramowitz & Stegun 6.1.40, 6.3.18, 6.4.12); the
 *   reflection formula for negative arguments. Relative error ~1e-15.
 * - 2F1: the defining power series (A&S 15.1.1) summed together with its derivatives in a, b, c, z
 *   by the product rule (so a numerator parameter of 0 is fine). For 0 <= z < 1 the series is
 *   summed either directly or after Euler's transformation (A&S 15.3.3)
 *   2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z), whichever has the smaller numerator parameters,
 *   so heavy buyers (a, b in the thousands) never overflow; for z < 0, Pfaff's transformation
 *   (A&S 15.3.4) maps z into [0, 1).
 * - 2F1 near z = 1: where the series would need more than HYP2F1_DEFAULTS.connectionTerms terms
 *   (it converges like z^k, e.g. 280,000 terms for 2F1(1, 57271.68; 57272.78; 0.99987), which a
 *   Pareto/NBD fit reaches when s and β run off along the no-dropout ridge):
 *   - when a numerator parameter p lies in (0, c), Euler's integral (A&S 15.3.1)
 *       2F1(a,b;c;z) = Γ(c)/(Γ(p)Γ(c−p)) ∫_0^1 t^(p−1) (1−t)^(c−p−1) (1−zt)^(−other) dt
 *     by tanh-sinh quadrature in log space: the integrand is positive, so large parameters (where
 *     the two terms of the connection formula below are e^(b(1−z)) times the result and cancel) lose
 *     nothing;
 *   - otherwise the connection formula z → 1 − z (A&S 15.3.6) sums two series in w = 1 − z, in
 *     signed log form:
 *     2F1(a,b;c;z) = Γ(c)Γ(m)/(Γ(c−a)Γ(c−b)) 2F1(a,b;1−m;w) + w^m Γ(c)Γ(−m)/(Γ(a)Γ(b)) 2F1(c−a,c−b;1+m;w),
 *   m = c − a − b. When m is within integerGap of an integer the two terms have poles that cancel,
 *   so the value is interpolated in c from Chebyshev nodes around the integer (2F1 is analytic in c;
 *   8 nodes at ±0.01 leave an interpolation error far below 1e-12). The derivatives are, on the
 *   integral path, the integrand-weighted means of the log-integrand's derivatives (one quadrature
 *   gives the value and all four), and on the connection path central differences of log 2F1.
 */
import { ConvergenceError, InvalidArgumentsError } from './errors.js';

const LOG_SQRT_2PI = 0.9189385332046728; // log(sqrt(2π))

// Stirling series coefficients B_{2k} / (2k (2k-1)) for k = 1..8.
const STIRLING = [
  1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400,
];

/** log |Γ(x)|; +Infinity at 0 and the negative integers. */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return Infinity;
    // Reflection: Γ(x)Γ(1-x) = π / sin(πx)
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  }
  let prod = 1;
  let y = x;
  while (y < 10) {
    prod *= y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  let series = 0;
  let p = inv;
  for (let k = 0; k < STIRLING.length; k++) {
    series += STIRLING[k] * p;
    p *= inv2;
  }
  const base = (y - 0.5) * Math.log(y) - y + LOG_SQRT_2PI + series;
  return prod === 1 ? base : base - Math.log(prod);
}

/** ψ(x) = d/dx log Γ(x); NaN at 0 and the negative integers. */
export function digamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0) {
    if (Number.isInteger(x)) return NaN;
    return digamma(1 - x) - Math.PI / Math.tan(Math.PI * x);
  }
  let acc = 0;
  let y = x;
  while (y < 10) {
    acc -= 1 / y;
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  // ln y - 1/(2y) - Σ B_{2k}/(2k y^{2k})
  const tail =
    inv2 *
    (1 / 12 -
      inv2 *
        (1 / 120 -
          inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))));
  return acc + Math.log(y) - 0.5 * inv - tail;
}

/** ψ'(x), the trigamma function, for x > 0. */
export function trigamma(x: number): number {
  if (!(x > 0)) {
    if (Number.isNaN(x) || Number.isInteger(x)) return NaN;
    // Reflection: ψ'(1-x) + ψ'(x) = π² / sin²(πx)
    const s = Math.sin(Math.PI * x);
    return (Math.PI * Math.PI) / (s * s) - trigamma(1 - x);
  }
  let acc = 0;
  let y = x;
  while (y < 10) {
    acc += 1 / (y * y);
    y += 1;
  }
  const inv = 1 / y;
  const inv2 = inv * inv;
  const tail =
    inv +
    inv2 / 2 +
    inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 * (1 / 30 - inv2 * (5 / 66 - inv2 * (691 / 2730 - (inv2 * 7) / 6))))));
  return acc + tail;
}

/** log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a+b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/** log(e^a + e^b) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log(e^a − e^b) for a >= b; -Infinity when a == b. */
export function logSubExp(a: number, b: number): number {
  if (b > a) throw new InvalidArgumentsError(`logSubExp: need a >= b, got ${a} < ${b}`);
  if (b === -Infinity) return a;
  return a + log1mexp(b - a);
}

/** log(1 − e^x) for x <= 0, accurate near 0 and for large |x| (Mächler 2012). */
export function log1mexp(x: number): number {
  if (x > 0) throw new InvalidArgumentsError(`log1mexp: need x <= 0, got ${x}`);
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** log(1 + e^x) without overflow. */
export function log1pexp(x: number): number {
  if (x <= -37) return Math.exp(x);
  if (x <= 18) return Math.log1p(Math.exp(x));
  if (x <= 33.3) return x + Math.exp(-x);
  return x;
}

/** log Σ e^{v_i}; -Infinity for an empty array. */
export function logSumExp(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += Math.exp(values[i] - m);
  return m + Math.log(s);
}

/** log 2F1 and its partial derivatives d(log 2F1)/d{a,b,c,z}. */
export interface LogHyp2f1 {
  value: number;
  da: number;
  db: number;
  dc: number;
  dz: number;
}

export const HYP2F1_DEFAULTS = {
  /** Relative size of the last term at which the series stops. */
  tolerance: 1e-16,
  /** Terms before a ConvergenceError (z near 1 converges slowly). */
  maxTerms: 200_000,
  /** Above this z, a series estimated to need more than connectionTerms terms uses the 1 − z form. */
  nearOne: 0.9,
  connectionTerms: 2_000,
  /** m = c − a − b closer than this to an integer: interpolate in c (the poles of Γ(±m) cancel). */
  integerGap: 1e-3,
};

interface SeriesSum {
  /** The sum is s · e^logScale (terms are rescaled when they grow huge). */
  logScale: number;
  s: number;
  sa: number;
  sb: number;
  sc: number;
  sz: number;
}

/** Σ_k (a)_k (b)_k / ((c)_k k!) z^k and its derivatives, for |z| < 1. */
function series(a: number, b: number, c: number, z: number, grad: boolean): SeriesSum {
  const { tolerance, maxTerms } = HYP2F1_DEFAULTS;
  let term = 1, s = 1;
  let ta = 0, tb = 0, tc = 0, tz = 0; // derivatives of the current term
  let sa = 0, sb = 0, sc = 0, sz = 0;
  let logScale = 0;
  for (let k = 0; k < maxTerms; k++) {
    const ak = a + k, bk = b + k, ck = c + k, k1 = k + 1;
    const q = z / (ck * k1);
    const ratio = ak * bk * q;
    if (grad) {
      const nta = ta * ratio + term * bk * q;
      const ntb = tb * ratio + term * ak * q;
      const ntc = tc * ratio - (term * ratio) / ck;
      const ntz = tz * ratio + (term * ak * bk) / (ck * k1);
      ta = nta; tb = ntb; tc = ntc; tz = ntz;
      sa += ta; sb += tb; sc += tc; sz += tz;
    }
    term *= ratio;
    s += term;
    if (Math.abs(term) > 1e250 || Math.abs(s) > 1e250) {
      // Rescale everything: only ratios matter for the log and its derivatives.
      const f = 1e-250;
      term *= f; s *= f; ta *= f; tb *= f; tc *= f; tz *= f; sa *= f; sb *= f; sc *= f; sz *= f;
      logScale += 250 * Math.LN10;
    }
    if (!Number.isFinite(s)) {
      throw new ConvergenceError(`hyp2f1(${a}, ${b}; ${c}; ${z}): series overflows`, k, Math.abs(term));
    }
    // Past the peak (|ratio| < 1) and every running sum has stopped moving.
    if (
      Math.abs(ratio) < 1 &&
      Math.abs(term) <= tolerance * Math.abs(s) &&
      (!grad ||
        (Math.abs(ta) <= tolerance * (Math.abs(sa) + 1e-300) &&
          Math.abs(tb) <= tolerance * (Math.abs(sb) + 1e-300) &&
          Math.abs(tc) <= tolerance * (Math.abs(sc) + 1e-300) &&
          Math.abs(tz) <= tolerance * (Math.abs(sz) + 1e-300)))
    ) {
      return { logScale, s, sa, sb, sc, sz };
    }
    if (term === 0 && (!grad || (ta === 0 && tb === 0 && tc === 0 && tz === 0))) return { logScale, s, sa, sb, sc, sz };
  }
  throw new ConvergenceError(
    `hyp2f1(${a}, ${b}; ${c}; ${z}): series did not converge in ${maxTerms} terms`,
    maxTerms,
    Math.abs(term / s),
  );
}

function checkArgs(a: number, b: number, c: number, z: number): void {
  if (![a, b, c, z].every(Number.isFinite)) {
    throw new InvalidArgumentsError(`hyp2f1: arguments must be finite, got (${a}, ${b}; ${c}; ${z})`);
  }
  if (c <= 0 && Number.isInteger(c)) throw new InvalidArgumentsError(`hyp2f1: c must not be 0 or a negative integer, got ${c}`);
  if (!(z < 1)) throw new InvalidArgumentsError(`hyp2f1: need z < 1, got ${z}`);
}

function fromSeries(r: SeriesSum, where: string): LogHyp2f1 {
  if (!(r.s > 0)) throw new InvalidArgumentsError(`logHyp2f1${where}: 2F1 is not positive (${r.s}); use hyp2f1`);
  return { value: Math.log(r.s) + r.logScale, da: r.sa / r.s, db: r.sb / r.s, dc: r.sc / r.s, dz: r.sz / r.s };
}

/** log 2F1(a,b;c;z) for 0 <= z < 1, choosing the direct or Euler-transformed series or the 1 − z form. */
function logHyp2f1Unit(a: number, b: number, c: number, z: number, grad: boolean): LogHyp2f1 {
  const ea = c - a, eb = c - b;
  const direct = Math.abs(a * b) <= Math.abs(ea * eb) || z === 0;
  if (direct ? slowSeries(a, b, c, z) : slowSeries(ea, eb, c, z)) return logConnectionWithGrad(a, b, c, z, grad);
  if (direct) {
    return fromSeries(series(a, b, c, z, grad), `(${a}, ${b}; ${c}; ${z})`);
  }
  const g = fromSeries(series(ea, eb, c, z, grad), `(${a}, ${b}; ${c}; ${z})`);
  const l1z = Math.log1p(-z);
  const e = c - a - b;
  return {
    value: e * l1z + g.value,
    da: -l1z - g.da,
    db: -l1z - g.db,
    dc: l1z + g.da + g.db + g.dc,
    dz: -e / (1 - z) + g.dz,
  };
}

function logHyp2f1Impl(a: number, b: number, c: number, z: number, grad: boolean): LogHyp2f1 {
  checkArgs(a, b, c, z);
  if (z >= 0) return logHyp2f1Unit(a, b, c, z, grad);
  // Pfaff: 2F1(a,b;c;z) = (1-z)^(-a) 2F1(a, c-b; c; z/(z-1)); use the form with the smaller numerator.
  const w = z / (z - 1);
  const dw = -1 / ((z - 1) * (z - 1));
  const l1z = Math.log1p(-z);
  if (Math.abs(a) <= Math.abs(b)) {
    const h = logHyp2f1Unit(a, c - b, c, w, grad);
    return { value: -a * l1z + h.value, da: -l1z + h.da, db: -h.db, dc: h.db + h.dc, dz: a / (1 - z) + h.dz * dw };
  }
  const h = logHyp2f1Unit(c - a, b, c, w, grad);
  return { value: -b * l1z + h.value, da: -h.da, db: -l1z + h.db, dc: h.da + h.dc, dz: b / (1 - z) + h.dz * dw };
}

/** log 2F1(a,b;c;z) with its partial derivatives, for z < 1 where 2F1 > 0. */
export function logHyp2f1WithGrad(a: number, b: number, c: number, z: number): LogHyp2f1 {
  return logHyp2f1Impl(a, b, c, z, true);
}

/** log 2F1(a,b;c;z) for z < 1 where 2F1 > 0. */
export function logHyp2f1(a: number, b: number, c: number, z: number): number {
  return logHyp2f1Impl(a, b, c, z, false).value;
}

/** 2F1(a,b;c;z) for |z| < 1 (direct or Euler series; any sign). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  checkArgs(a, b, c, z);
  if (z >= 0) {
    const ea = c - a, eb = c - b;
    const direct = Math.abs(a * b) <= Math.abs(ea * eb);
    if (direct ? slowSeries(a, b, c, z) : slowSeries(ea, eb, c, z)) {
      const v = connection(a, b, c, z);
      return v.sign * Math.exp(v.log);
    }
    if (direct) {
      const r = series(a, b, c, z, false);
      return r.s * Math.exp(r.logScale);
    }
    const r = series(ea, eb, c, z, false);
    return r.s * Math.exp((c - a - b) * Math.log1p(-z) + r.logScale);
  }
  if (!(z > -1)) {
    const h = logHyp2f1Impl(a, b, c, z, false);
    return Math.exp(h.value);
  }
  const r = series(a, b, c, z, false);
  return r.s * Math.exp(r.logScale);
}

/** A real number as sign · e^log (sign 0 for zero). */
export interface SignedLog {
  log: number;
  sign: number;
}

/** log |Γ(x)| and the sign of Γ(x); sign 0 at the poles (where 1/Γ(x) = 0). */
function gammaSigned(x: number): SignedLog {
  if (x > 0) return { log: lgamma(x), sign: 1 };
  if (Number.isInteger(x)) return { log: Infinity, sign: 0 };
  return { log: lgamma(x), sign: Math.floor(x) % 2 === 0 ? 1 : -1 };
}

function addSigned(p: SignedLog, q: SignedLog): SignedLog {
  if (p.sign === 0) return q;
  if (q.sign === 0) return p;
  const [hi, lo] = p.log >= q.log ? [p, q] : [q, p];
  const r = Math.exp(lo.log - hi.log);
  const f = hi.sign === lo.sign ? 1 + r : 1 - r;
  return f === 0 ? { log: -Infinity, sign: 0 } : { log: hi.log + Math.log(f), sign: hi.sign };
}

/**
 * Whether the power series of 2F1(a,b;c;z) would need more than connectionTerms terms: past the
 * peak of the terms they decay like k^(a+b−c−1) z^k, so about (37 + max(0, a+b−c−1) ln k)/(−ln z)
 * terms follow the peak, which is the positive root k of (a+k)(b+k)z = (c+k)(k+1).
 */
function slowSeries(a: number, b: number, c: number, z: number): boolean {
  const { nearOne, connectionTerms } = HYP2F1_DEFAULTS;
  if (!(z > nearOne)) return false;
  const lz = -Math.log(z);
  let n = 37 / lz;
  const e = a + b - c - 1;
  if (e > 0) n += (e * Math.log(n)) / lz;
  // (1−z)k² + (c + 1 − (a+b)z)k + c − abz = 0
  const A = 1 - z, B = c + 1 - (a + b) * z, C = c - a * b * z;
  const disc = B * B - 4 * A * C;
  const peak = disc > 0 ? Math.max(0, (-B + Math.sqrt(disc)) / (2 * A)) : 0;
  return n + peak > connectionTerms;
}

/** Σ of the series as a signed log. */
function seriesSigned(a: number, b: number, c: number, w: number): SignedLog {
  const r = series(a, b, c, w, false);
  return r.s === 0 ? { log: -Infinity, sign: 0 } : { log: Math.log(Math.abs(r.s)) + r.logScale, sign: Math.sign(r.s) };
}

/** A&S 15.3.6 for m = c − a − b not an integer. */
function connectionAt(a: number, b: number, c: number, z: number): SignedLog {
  const m = c - a - b, w = 1 - z, lw = Math.log(w);
  const gc = gammaSigned(c), gm = gammaSigned(m), gmm = gammaSigned(-m);
  const gca = gammaSigned(c - a), gcb = gammaSigned(c - b), ga = gammaSigned(a), gb = gammaSigned(b);
  let t1: SignedLog = { log: -Infinity, sign: 0 };
  if (gca.sign !== 0 && gcb.sign !== 0) {
    const s1 = seriesSigned(a, b, 1 - m, w);
    t1 = { log: gc.log + gm.log - gca.log - gcb.log + s1.log, sign: gc.sign * gm.sign * gca.sign * gcb.sign * s1.sign };
  }
  let t2: SignedLog = { log: -Infinity, sign: 0 };
  if (ga.sign !== 0 && gb.sign !== 0) {
    const s2 = seriesSigned(c - a, c - b, 1 + m, w);
    t2 = { log: m * lw + gc.log + gmm.log - ga.log - gb.log + s2.log, sign: gc.sign * gmm.sign * ga.sign * gb.sign * s2.sign };
  }
  return addSigned(t1, t2);
}

const CHEBYSHEV_NODES = 8;
const CHEBYSHEV_RADIUS = 0.01;

/** log ∫ of Euler's integrand and the integrand-weighted means of log t, log(1−t), log(1−zt), t/(1−zt). */
interface EulerIntegral {
  log: number;
  meanLogT: number;
  meanLog1T: number;
  meanLog1ZT: number;
  meanTOver1ZT: number;
}

/**
 * log ∫_0^1 t^(p−1) (1−t)^(q−1) (1−zt)^(−a) dt for p, q > 0, z < 1, by the tanh-sinh rule
 * (Takahasi & Mori 1974): t = σ(π sinh s) with σ the logistic function, so t and 1 − t are both
 * computed without cancellation and the endpoint behaviour t^(p−1), (1−t)^(q−1) becomes a double
 * exponential decay in s. The step is halved until the sum changes by less than 1e-15 (or the
 * rounding floor of the log-integrand, whose terms grow with p, q and a). With
 * `moments`, the same nodes give the weighted means the derivatives need (differentiation under
 * the integral sign).
 */
function eulerIntegral(p: number, q: number, a: number, z: number, moments: boolean): EulerIntegral {
  const lts: number[] = [], l1ts: number[] = [], l1zts: number[] = [], tz: number[] = [], logs: number[] = [];
  let peakV = -Infinity, peakSize = 0;
  const node = (sv: number): number => {
    const u = Math.PI * Math.sinh(sv);
    const lt = -log1pexp(-u), l1t = -log1pexp(u); // log t, log(1 − t)
    const t = Math.exp(lt), omt = Math.exp(l1t);
    // 1 − z t = (1 − t) + (1 − z) t, without cancellation for z and t near 1.
    const onezt = omt + (1 - z) * t;
    const l1zt = Math.log(onezt);
    const v = p * lt + q * l1t - a * l1zt + Math.log(Math.PI * Math.cosh(sv));
    logs.push(v);
    // The rounding of v: its terms may be large and cancel (large p, q, a).
    const size = Math.abs(p * lt) + Math.abs(q * l1t) + Math.abs(a * l1zt);
    if (v > peakV) {
      peakV = v;
      peakSize = size;
    }
    if (moments) {
      lts.push(lt);
      l1ts.push(l1t);
      l1zts.push(l1zt);
      tz.push(t / onezt);
    }
    return v;
  };
  // Nodes s = k h on both sides until the log-integrand is 60 below its peak (and |s| <= 7, where
  // σ saturates in double precision).
  const addNodes = (h: number, offset: number, step: number): void => {
    for (const dir of [1, -1]) {
      let peak = -Infinity;
      for (let k = offset; ; k += step) {
        if (dir === -1 && k === 0) continue;
        const sv = dir * k * h;
        if (Math.abs(sv) > 7) break;
        const v = node(sv);
        if (v > peak) peak = v;
        if (k > 8 && v < peak - 60) break;
      }
    }
  };
  let h = 1 / 8;
  addNodes(h, 0, 1);
  let value = logSumExp(logs) + Math.log(h);
  let lastChange = Infinity;
  for (let level = 0; level < 12; level++) {
    h /= 2;
    addNodes(h, 1, 2);
    const cur = logSumExp(logs) + Math.log(h);
    // Converged when the change is below 1e-15 relative or the rounding floor of the log-integrand
    // at its peak (a few ulps of its largest terms), whichever is larger.
    const change = Math.abs(cur - value);
    const tol = Math.max(1e-15 * Math.max(1, Math.abs(cur)), 4 * Number.EPSILON * peakSize);
    // Halving h squares the error of tanh-sinh (it converges double exponentially): a change that
    // no longer shrinks is the rounding noise of summing many terms, and halving further (twice the
    // nodes each time) cannot improve it. Stop there once it is far below the 1e-10 asked of 2F1.
    const noise = level >= 3 && change >= 0.5 * lastChange && change < 1e-12 * Math.max(1, Math.abs(cur));
    const done = (change < tol && level >= 2) || noise;
    value = cur;
    lastChange = change;
    if (done) break;
  }
  if (!moments) return { log: value, meanLogT: 0, meanLog1T: 0, meanLog1ZT: 0, meanTOver1ZT: 0 };
  let top = -Infinity;
  for (const v of logs) if (v > top) top = v;
  let w = 0, m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < logs.length; i++) {
    const e = Math.exp(logs[i] - top);
    w += e;
    m1 += e * lts[i];
    m2 += e * l1ts[i];
    m3 += e * l1zts[i];
    m4 += e * tz[i];
  }
  return { log: value, meanLogT: m1 / w, meanLog1T: m2 / w, meanLog1ZT: m3 / w, meanTOver1ZT: m4 / w };
}

/** The numerator parameter for Euler's integral: a or b in (0, c), or null. */
function eulerParameter(a: number, b: number, c: number): 'a' | 'b' | null {
  if (b > 0 && b < c) return 'b';
  if (a > 0 && a < c) return 'a';
  return null;
}

/**
 * log 2F1 by Euler's integral, with p the chosen numerator parameter and `other` the remaining one:
 * log Γ(c) − log Γ(p) − log Γ(c−p) + log ∫ t^(p−1)(1−t)^(c−p−1)(1−zt)^(−other) dt, and its
 * derivatives in (p, other, c, z) by differentiating under the integral.
 */
function logEuler(p: number, other: number, c: number, z: number, grad: boolean): { value: number; dp: number; dother: number; dc: number; dz: number } {
  const I = eulerIntegral(p, c - p, other, z, grad);
  const value = lgamma(c) - lgamma(p) - lgamma(c - p) + I.log;
  if (!grad) return { value, dp: 0, dother: 0, dc: 0, dz: 0 };
  const dcp = digamma(c - p);
  return {
    value,
    dp: -digamma(p) + dcp + I.meanLogT - I.meanLog1T,
    dother: -I.meanLog1ZT,
    dc: digamma(c) - dcp + I.meanLog1T,
    dz: other * I.meanTOver1ZT,
  };
}

/** 2F1(a,b;c;z) for z near 1 as a signed log (see the header). */
function connection(a: number, b: number, c: number, z: number): SignedLog {
  // Euler's integral when a numerator parameter lies in (0, c): a positive integrand, no cancellation.
  const e = eulerParameter(a, b, c);
  if (e !== null) return { log: (e === 'b' ? logEuler(b, a, c, z, false) : logEuler(a, b, c, z, false)).value, sign: 1 };
  const m = c - a - b, k = Math.round(m);
  if (Math.abs(m - k) >= HYP2F1_DEFAULTS.integerGap) return connectionAt(a, b, c, z);
  // Near an integer m the two terms have cancelling poles: interpolate in c (Lagrange through
  // Chebyshev nodes m_j = k + h cos(π(2j+1)/2N), none of them an integer), on log|2F1| when every
  // node has the same sign (smooth in c), else on the values scaled by the largest.
  const nodes: number[] = [], vals: SignedLog[] = [];
  for (let j = 0; j < CHEBYSHEV_NODES; j++) {
    const mj = k + CHEBYSHEV_RADIUS * Math.cos((Math.PI * (2 * j + 1)) / (2 * CHEBYSHEV_NODES));
    nodes.push(mj);
    vals.push(connectionAt(a, b, a + b + mj, z));
  }
  const lagrange = (ys: number[]): number => {
    let sum = 0;
    for (let i = 0; i < nodes.length; i++) {
      let l = 1;
      for (let j = 0; j < nodes.length; j++) if (j !== i) l *= (m - nodes[j]) / (nodes[i] - nodes[j]);
      sum += l * ys[i];
    }
    return sum;
  };
  const sign = vals[0].sign;
  if (sign !== 0 && vals.every((v) => v.sign === sign)) return { log: lagrange(vals.map((v) => v.log)), sign };
  const top = Math.max(...vals.map((v) => v.log));
  const y = lagrange(vals.map((v) => v.sign * Math.exp(v.log - top)));
  return y === 0 ? { log: -Infinity, sign: 0 } : { log: top + Math.log(Math.abs(y)), sign: Math.sign(y) };
}

/** log 2F1 near z = 1 with its derivatives (see the header). */
function logConnectionWithGrad(a: number, b: number, c: number, z: number, grad: boolean): LogHyp2f1 {
  const e = eulerParameter(a, b, c);
  if (e === 'b') {
    const r = logEuler(b, a, c, z, grad);
    return { value: r.value, da: r.dother, db: r.dp, dc: r.dc, dz: r.dz };
  }
  if (e === 'a') {
    const r = logEuler(a, b, c, z, grad);
    return { value: r.value, da: r.dp, db: r.dother, dc: r.dc, dz: r.dz };
  }
  const f = (aa: number, bb: number, cc: number, zz: number): number => {
    const v = connection(aa, bb, cc, zz);
    if (v.sign <= 0) throw new InvalidArgumentsError(`logHyp2f1(${aa}, ${bb}; ${cc}; ${zz}): 2F1 is not positive; use hyp2f1`);
    return v.log;
  };
  const value = f(a, b, c, z);
  if (!grad) return { value, da: 0, db: 0, dc: 0, dz: 0 };
  const d = (g: (h: number) => number, x: number): number => {
    const h = 1e-6 * Math.max(1, Math.abs(x));
    return (g(h) - g(-h)) / (2 * h);
  };
  const hz = Math.min(1e-6 * Math.max(1, z), (1 - z) / 4);
  return {
    value,
    da: d((h) => f(a + h, b, c, z), a),
    db: d((h) => f(a, b + h, c, z), b),
    dc: d((h) => f(a, b, c + h, z), c),
    dz: (f(a, b, c, z + hz) - f(a, b, c, z - hz)) / (2 * hz),
  };
}

/**
 * ∫_0^∞ e^{-z t} (1+t)^{-s} dt = U(1, 2-s, z) (Tricomi's confluent hypergeometric function,
 * A&S 13.2.5), for z > 0 and real s. DERT needs it: E[1/(δ+μ)] for μ ~ Gamma(s, β) equals
 * (β / δ)... see clv.ts. Computed on t = e^u by the trapezoidal rule, which converges
 * geometrically for this smooth, doubly decaying integrand.
 */
export function tricomiU1(s: number, z: number): number {
  if (!(z > 0) || !Number.isFinite(z) || !Number.isFinite(s)) {
    throw new InvalidArgumentsError(`tricomiU1: need z > 0 and finite s, got s=${s}, z=${z}`);
  }
  // Integrand in u: exp(u - z e^u - s log1p(e^u)). Its peak is near u* where 1 = z e^u + s e^u/(1+e^u).
  const h = 0.05;
  let sum = 0;
  let peak = -Infinity;
  const f = (u: number): number => {
    const t = Math.exp(u);
    return u - z * t - s * Math.log1p(t);
  };
  // Right end: z e^u grows without bound, so stop once the log-integrand is 40 below the peak.
  // Left end: integrand ~ e^u, so u = log(1e-18) is enough.
  let u = -42;
  for (;;) {
    const lf = f(u);
    if (lf > peak) peak = lf;
    sum += Math.exp(lf);
    if (u > 0 && lf < peak - 40) break;
    u += h;
    if (u > 800) break;
  }
  return sum * h;
}
