/**
 * Pareto/NBD: Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987), "Counting your customers:
 * who are they and what will they do next?", Management Science 33(1), 1–24; likelihood and
 * expectations as derived in Fader & Hardie (2005), "A note on deriving the Pareto/NBD model and
 * related expressions", and computed as in Fader & Hardie, "A note on implementing the Pareto/NBD
 * model in MATLAB" (numerically stable form).
 *
 * While alive a customer buys as Poisson(λ), λ ~ Gamma(r, α); lifetimes are Exponential(μ),
 * μ ~ Gamma(s, β).
 * - Likelihood (deriving note eq. 22; implementation note eqs. 2–3):
 *     L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) · A0 ]
 *     α >= β: A0 = 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+t_x)) / (α+t_x)^(r+s+x)
 *                − 2F1(r+s+x, s+1; r+s+x+1; (α−β)/(α+T))   / (α+T)^(r+s+x)
 *     α <  β: the same with 2F1(r+s+x, r+x; r+s+x+1; (β−α)/(β+·)) / (β+·)^(r+s+x)
 *   Stable form: everything in logs; A0 by log-subtract-exp of the two terms; the bracket by
 *   log-add-exp; 2F1 in log form (Euler-transformed when r+x is large), so the argument of 2F1
 *   is always in [0, 1) and nothing overflows for heavy buyers.
 * - P(alive | x, t_x, T) (deriving note eq. 18): (α+T)^-(r+x)(β+T)^-s · Γ(r+x)α^rβ^s/Γ(r) / L.
 * - E[Y(t) | x, t_x, T] (eq. 24): P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)].
 * - E[X(t)] of a new customer (eq. 17): rβ / (α(s−1)) · [1 − (β/(β+t))^(s−1)].
 * - DERT (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2), continuous discount rate δ per unit time:
 *     DERT = P(alive) · (r+x)/(α+T) · E[1/(δ+μ) | alive] = P(alive) · (r+x)(β+T)/(α+T) · U(1, 2−s; δ(β+T))
 *   where U(1, 2−s; z) = ∫_0^∞ e^{−zu}(1+u)^{−s} du (so that (β+T)^s δ^(s−1) Ψ(s, s; δ(β+T)) of the paper
 *   equals (β+T)·U(1, 2−s; δ(β+T))).
 *
 * Gradient: analytic, by the chain rule through log-add/sub-exp and the derivatives of log 2F1 in
 * its parameters and argument (numeric/special.ts). Each likelihood pass evaluates 2F1 once per
 * distinct (x, t_x) and (x, T) pair, not per tuple (see endPairs).
 */
import { ConvergenceError, InvalidArgumentsError } from '../numeric/errors.js';
import { logAddExp, logHyp2f1WithGrad, tricomiU1, type LogHyp2f1 } from '../numeric/special.js';
import { BGNBD_DEFAULTS, checkIdentifiable, checkRfmTuples, gammaRatioTable, prepareRfm, rfmStarts, type PreparedRfm } from './bgnbd.js';
import { indexDistinct, subsampleColumns } from './tuples.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import type { FitOptions, FitResult, PnbdParams, RfmTuples } from './types.js';

export const PNBD_PARAM_NAMES = ['r', 'alpha', 's', 'beta'] as const;

export const PNBD_DEFAULTS = {
  /**
   * Customers in the screening subsample (with more tuples than BGNBD_DEFAULTS.screenAbove).
   * Smaller than BG/NBD's: a pass costs one 2F1 per distinct (x, t) pair, and a subsample keeps
   * most of the pairs, so screening on 20,000 customers cost more than it saved (1M customers:
   * 4.8 s with 20,000, 2.0 s with 5,000, 2.6 s with 2,000, whose start needs more full passes).
   */
  screenCustomers: 5_000,
  /**
   * β above this multiple of (α + the longest T) is the no-dropout ridge: the dropout rates' scale
   * far beyond the observation window, where the data do not identify dropout (issue #15) and every
   * 2F1 of the likelihood sits at z → 1 (milliseconds each instead of microseconds). The fit stops
   * there with a ConvergenceError that says so; BG/NBD's no-dropout limit or the NBD fit such data.
   */
  ridgeBeta: 20,
  /**
   * A gamma shape (r or s) above this: the rates no longer differ between customers (the data show
   * no spread, e.g. every customer with the same x, t_x, T). The likelihood is flat as the shape and
   * scale grow together, and each 2F1 then needs ever more quadrature nodes (a fit on one repeated
   * tuple spent minutes there); the fit stops with a ConvergenceError that says so.
   */
  maxShape: 1e6,
};
export type PnbdFit = FitResult<'pnbd', PnbdParams>;

interface Vterm {
  v: number;
  dr: number;
  ds: number;
  dalpha: number;
  dbeta: number;
}

/** log[2F1(·; z_t) / (m+t)^(r+s+x)] and its derivatives, for one end t of the A0 integral. */
function vTerm(r: number, alpha: number, s: number, beta: number, x: number, t: number, grad: boolean): Vterm {
  const rho = r + s + x;
  if (alpha >= beta) {
    const mt = alpha + t;
    const z = (alpha - beta) / mt;
    const h: LogHyp2f1 = logHyp2f1WithGrad(rho, s + 1, rho + 1, z);
    const lm = Math.log(mt);
    if (!grad) return { v: h.value - rho * lm, dr: 0, ds: 0, dalpha: 0, dbeta: 0 };
    return {
      v: h.value - rho * lm,
      dr: h.da + h.dc - lm,
      ds: h.da + h.db + h.dc - lm,
      dalpha: (h.dz * (beta + t)) / (mt * mt) - rho / mt,
      dbeta: -h.dz / mt,
    };
  }
  const mt = beta + t;
  const z = (beta - alpha) / mt;
  const h = logHyp2f1WithGrad(rho, r + x, rho + 1, z);
  const lm = Math.log(mt);
  if (!grad) return { v: h.value - rho * lm, dr: 0, ds: 0, dalpha: 0, dbeta: 0 };
  return {
    v: h.value - rho * lm,
    dr: h.da + h.db + h.dc - lm,
    ds: h.da + h.dc - lm,
    dalpha: -h.dz / mt,
    dbeta: (h.dz * (alpha + t)) / (mt * mt) - rho / mt,
  };
}

interface Bracket {
  /** log of the "alive at T" term and of the full bracket. */
  P: number;
  logBracket: number;
  /** Derivatives of logBracket (only when grad). */
  dr: number;
  dalpha: number;
  ds: number;
  dbeta: number;
}

/** log[(α+T)^-(r+x)(β+T)^-s + s/(r+s+x) A0] for one tuple. */
function bracket(r: number, alpha: number, s: number, beta: number, x: number, tx: number, T: number, grad: boolean): Bracket {
  if (!(tx < T)) return combine(r, alpha, s, beta, x, T, null, null, grad);
  return combine(r, alpha, s, beta, x, T, vTerm(r, alpha, s, beta, x, tx, grad), vTerm(r, alpha, s, beta, x, T, grad), grad);
}

/** The bracket from the A0 integral's two ends v1 = vTerm(x, t_x), v2 = vTerm(x, T) (null when t_x = T). */
function combine(r: number, alpha: number, s: number, beta: number, x: number, T: number, v1: Vterm | null, v2: Vterm | null, grad: boolean): Bracket {
  const lT = Math.log(alpha + T), lbT = Math.log(beta + T);
  const P = -(r + x) * lT - s * lbT;
  const rho = r + s + x;
  let Q = -Infinity;
  let qr = 0, qa = 0, qs = 0, qb = 0;
  if (v1 && v2) {
    if (v1.v > v2.v) {
      const omega = Math.exp(v2.v - v1.v);
      const logA0 = v1.v + Math.log1p(-omega);
      Q = Math.log(s) - Math.log(rho) + logA0;
      if (grad) {
        const k = 1 / (1 - omega);
        qr = -1 / rho + k * (v1.dr - omega * v2.dr);
        qs = 1 / s - 1 / rho + k * (v1.ds - omega * v2.ds);
        qa = k * (v1.dalpha - omega * v2.dalpha);
        qb = k * (v1.dbeta - omega * v2.dbeta);
      }
    }
  }
  const logBracket = logAddExp(P, Q);
  if (!grad) return { P, logBracket, dr: 0, dalpha: 0, ds: 0, dbeta: 0 };
  const w = Q === -Infinity ? 0 : Math.exp(Q - logBracket);
  const w1 = 1 - w;
  return {
    P,
    logBracket,
    dr: w1 * -lT + w * qr,
    dalpha: (w1 * -(r + x)) / (alpha + T) + w * qa,
    ds: w1 * -lbT + w * qs,
    dbeta: (w1 * -s) / (beta + T) + w * qb,
  };
}

/**
 * The distinct (x, t) pairs the A0 integral needs: vTerm depends on a tuple's x and one end t (t_x
 * or T) only, so each pass evaluates its 2F1 once per distinct (x, t_x) and (x, T) pair — on 1M
 * customers about 11k of each instead of 324k tuples.
 */
interface EndPairs {
  x: Float64Array;
  t: Float64Array;
  /** Per tuple: its (x, t_x) pair and its (x, T) pair (indexes into x and t). */
  txPair: Int32Array;
  TPair: Int32Array;
}

function endPairs(p: PreparedRfm): EndPairs {
  // Keys over one table of t values: t_x values first, then T values.
  const ntx = p.txValues.length, nt = ntx + p.TValues.length;
  const keys = new Float64Array(2 * p.rows);
  for (let i = 0; i < p.rows; i++) {
    keys[i] = p.xIndex[i] * nt + p.txIndex[i];
    keys[p.rows + i] = p.xIndex[i] * nt + ntx + p.TIndex[i];
  }
  const d = indexDistinct(keys, false);
  const x = new Float64Array(d.values.length), t = new Float64Array(d.values.length);
  for (let k = 0; k < d.values.length; k++) {
    const key = d.values[k], ti = key % nt;
    x[k] = p.xValues[(key - ti) / nt];
    t[k] = ti < ntx ? p.txValues[ti] : p.TValues[ti - ntx];
  }
  return { x, t, txPair: d.index.subarray(0, p.rows), TPair: d.index.subarray(p.rows) };
}

function logLikelihoodPrepared(p: PreparedRfm, pairs: EndPairs, tuples: RfmTuples, theta: ArrayLike<number>, grad: Float64Array | null): number {
  const r = theta[0], alpha = theta[1], s = theta[2], beta = theta[3];
  const nx = p.xValues.length;
  const lgR = new Float64Array(nx), dgR = new Float64Array(nx);
  gammaRatioTable(r, p.xValues, p.integerX, p.maxX, lgR, dgR);
  const N = p.customers;
  let ll = N * (r * Math.log(alpha) + s * Math.log(beta));
  let gr = N * Math.log(alpha), ga = (N * r) / alpha, gs = N * Math.log(beta), gb = (N * s) / beta;
  for (let j = 0; j < nx; j++) {
    ll += p.xCount[j] * lgR[j];
    gr += p.xCount[j] * dgR[j];
  }
  const wantGrad = grad !== null;
  const ends: Vterm[] = Array.from(pairs.x, (x, k) => vTerm(r, alpha, s, beta, x, pairs.t[k], wantGrad));
  for (let i = 0; i < p.rows; i++) {
    const c = tuples.count[i];
    if (c === 0) continue;
    const tx = tuples.t_x[i], T = tuples.T[i];
    const b = tx < T
      ? combine(r, alpha, s, beta, tuples.x[i], T, ends[pairs.txPair[i]], ends[pairs.TPair[i]], wantGrad)
      : combine(r, alpha, s, beta, tuples.x[i], T, null, null, wantGrad);
    ll += c * b.logBracket;
    if (wantGrad) {
      gr += c * b.dr;
      ga += c * b.dalpha;
      gs += c * b.ds;
      gb += c * b.dbeta;
    }
  }
  if (grad) {
    grad[0] = gr;
    grad[1] = ga;
    grad[2] = gs;
    grad[3] = gb;
  }
  return ll;
}

function checkParams(p: PnbdParams): void {
  for (const k of PNBD_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`pnbd: ${k} must be finite and > 0, got ${p[k]}`);
  }
}

/** Σ count · log L(r, α, s, β | x, t_x, T). */
export function pnbdLogLikelihood(params: PnbdParams, tuples: RfmTuples): number {
  checkRfmTuples('pnbdLogLikelihood', tuples);
  checkParams(params);
  const p = prepareRfm(tuples);
  return logLikelihoodPrepared(p, endPairs(p), tuples, [params.r, params.alpha, params.s, params.beta], null);
}

/** Σ count · log L and its gradient in (r, α, s, β) (exported for tests of the analytic gradient). */
export function pnbdLogLikelihoodWithGrad(params: PnbdParams, tuples: RfmTuples): { value: number; grad: Float64Array } {
  checkRfmTuples('pnbdLogLikelihoodWithGrad', tuples);
  const grad = new Float64Array(4);
  const p = prepareRfm(tuples);
  const value = logLikelihoodPrepared(p, endPairs(p), tuples, [params.r, params.alpha, params.s, params.beta], grad);
  return { value, grad };
}

/** Fits Pareto/NBD by maximum likelihood on compressed (x, t_x, T, count) tuples. */
export function fitPnbd(tuples: RfmTuples, options: FitOptions = {}): PnbdFit {
  checkRfmTuples('fitPnbd', tuples);
  const prepared = prepareRfm(tuples);
  checkIdentifiable('fitPnbd', prepared);
  const pairs = endPairs(prepared);
  let maxT = 0;
  for (const v of prepared.TValues) if (v > maxT) maxT = v;
  const ll: LogLikelihood = (theta, grad) => {
    if (theta[3] > PNBD_DEFAULTS.ridgeBeta * (theta[1] + maxT)) {
      throw new ConvergenceError(
        `fitPnbd: ran along the no-dropout ridge (s = ${theta[2].toPrecision(4)}, β = ${theta[3].toPrecision(4)} > ${PNBD_DEFAULTS.ridgeBeta} × (α + T)): ` +
          'the data do not identify dropout (customers are all still buying); BG/NBD at its no-dropout limit or the NBD (--model nbd) fit such data',
        0, NaN,
      );
    }
    if (theta[0] > PNBD_DEFAULTS.maxShape || theta[2] > PNBD_DEFAULTS.maxShape) {
      throw new ConvergenceError(
        `fitPnbd: the data do not identify the parameters: a gamma shape ran past ${PNBD_DEFAULTS.maxShape} (r = ${theta[0].toPrecision(4)}, s = ${theta[2].toPrecision(4)}), ` +
          'so the rates show no spread between customers',
        0, NaN,
      );
    }
    return logLikelihoodPrepared(prepared, pairs, tuples, theta, grad);
  };
  // Starts: (r, s, β as a multiple of the mean T) spread out; α from the mean purchase rate.
  const meanT = Math.max(prepared.sumT / prepared.customers, 1e-3);
  const starts = rfmStarts(prepared, [[1, 1, 1], [0.5, 0.5, 0.3], [2, 2, 3]]).map(([r, alpha, s, k]) => [r, alpha, s, k * meanT]);
  // Many tuples (1M customers: ~300k): rank the starts on a seeded subsample, polish on all of them
  // (each full evaluation costs two 2F1 per tuple).
  const screenAbove = options.screenAbove ?? BGNBD_DEFAULTS.screenAbove;
  let screen: { ll: LogLikelihood; customers: number } | undefined;
  if (screenAbove > 0 && prepared.rows > screenAbove && prepared.customers > 2 * PNBD_DEFAULTS.screenCustomers) {
    const sub = subsampleColumns(tuples as unknown as Record<string, Float64Array>, ['x', 't_x', 'T', 'count'], PNBD_DEFAULTS.screenCustomers, options.seed ?? BGNBD_DEFAULTS.seed) as unknown as RfmTuples;
    const ps = prepareRfm(sub);
    const subPairs = endPairs(ps);
    screen = { ll: (theta, grad) => logLikelihoodPrepared(ps, subPairs, sub, theta, grad), customers: ps.customers };
  }
  const fit = fitMaximumLikelihood({ what: 'fitPnbd', names: PNBD_PARAM_NAMES, ll, customers: prepared.customers, starts, screen }, options);
  return { model: 'pnbd', ...fit, customers: prepared.customers };
}

// ---------------------------------------------------------------------------------------------
// Per customer

/** P(alive | x, t_x, T). */
export function pnbdPAlive(p: PnbdParams, x: number, tx: number, T: number): number {
  const b = bracket(p.r, p.alpha, p.s, p.beta, x, tx, T, false);
  return Math.exp(b.P - b.logBracket);
}

/** [1 − (B/(B+t))^k] / k, continuous at k = 0 (where it is log((B+t)/B)). */
function powerGrowth(k: number, B: number, t: number): number {
  const L = Math.log1p(t / B); // log((B+t)/B)
  if (Math.abs(k * L) < 1e-10) return L * (1 - (k * L) / 2);
  return -Math.expm1(-k * L) / k;
}

/** Expected purchases in (T, T+t] of a customer known to be alive (depends on x and T only). */
export function pnbdExpectedIfAlive(p: PnbdParams, t: number, x: number, T: number): number {
  const B = p.beta + T;
  return ((p.r + x) / (p.alpha + T)) * B * powerGrowth(p.s - 1, B, t);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t periods. */
export function pnbdExpectedPurchases(p: PnbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`pnbdExpectedPurchases: t must be >= 0, got ${t}`);
  return pnbdPAlive(p, x, tx, T) * pnbdExpectedIfAlive(p, t, x, T);
}

/** E[X(t)]: expected purchases in (0, t] of a new customer. */
export function pnbdExpectedPurchasesNew(p: PnbdParams, t: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`pnbdExpectedPurchasesNew: t must be >= 0, got ${t}`);
  return (p.r / p.alpha) * p.beta * powerGrowth(p.s - 1, p.beta, t);
}

/**
 * DERT: discounted expected residual transactions at continuous discount rate δ per unit time
 * (e.g. weekly data and 15% a year compounded continuously: δ = ln(1.15)/52).
 */
export function pnbdDert(p: PnbdParams, delta: number, x: number, tx: number, T: number): number {
  if (!(delta > 0)) throw new InvalidArgumentsError(`pnbdDert: delta must be > 0, got ${delta}`);
  const B = p.beta + T;
  return pnbdPAlive(p, x, tx, T) * ((p.r + x) / (p.alpha + T)) * B * tricomiU1(p.s, delta * B);
}
