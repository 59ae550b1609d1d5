/**
 * BG/NBD: Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005), "Counting your customers the easy
 * way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275–284.
 *
 * While alive a customer buys as Poisson(λ), λ ~ Gamma(r, α); after each purchase they drop out
 * with probability p, p ~ Beta(a, b).
 *
 * - Likelihood (eq. 6; written as in Fader, Hardie & Lee's note "Implementing the BG/NBD model",
 *   eq. 3), for a customer with (x, t_x, T):
 *     L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / Γ(r) · [ (α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x) ]
 *   evaluated in logs; the bracket by log-sum-exp.
 * - Expected purchases of a new customer in (0, t] (eq. 9):
 *     E[X(t)] = (a+b-1)/(a-1) · [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))]
 * - Conditional expected purchases in (T, T+t] (eq. 10):
 *     E[Y(t) | x, t_x, T] = (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *                           / (1 + 1{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x))
 *   With z = t/(α+T+t), Euler's transformation turns ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)
 *   into (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z): no huge powers for heavy buyers.
 * - P(alive | x, t_x, T) (eq. 11 / the note): 1 / (1 + 1{x>0} a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 *
 * Speed: the Σ over tuples is grouped. Terms in x alone (the gamma-function ratios and their
 * digamma derivatives) are built once per evaluation by the recurrences Γ(y+1) = yΓ(y), ψ(y+1) = ψ(y) + 1/y
 * over 0..max x; log(α+T) and log(α+t_x) once per distinct T and t_x; per tuple there remain one exp
 * and one log1p. The gradient is analytic.
 */
import { DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';
import { digamma, hyp2f1, lgamma, log1pexp, logHyp2f1, trigamma } from '../numeric/special.js';
import { fitMaximumLikelihood, type LogLikelihood, type LogLikelihoodHessian, type MlFit } from './fit.js';
import { checkColumns, indexDistinct, systematicSample, type Distinct } from './tuples.js';
import type { BgnbdParams, FitOptions, FitResult, RfmTuples } from './types.js';

export const BGNBD_DEFAULTS = {
  /** Screen starts on a subsample when there are more tuples than this. */
  screenAbove: 50_000,
  /** Customers in the screening subsample. */
  screenCustomers: 20_000,
  seed: 1,
  /** Build x-only terms by recurrence when max x is at most this (else lgamma per distinct x). */
  recurrenceMaxX: 1_000_000,
};

export const BGNBD_PARAM_NAMES = ['r', 'alpha', 'a', 'b'] as const;

export type BgnbdFit = FitResult<'bgnbd', BgnbdParams>;

/** Checks RFM tuples: 0 <= t_x <= T, x >= 0, x = 0 ⇒ t_x = 0. Returns the row count. */
export function checkRfmTuples(what: string, t: RfmTuples): number {
  const cols = t as unknown as Record<string, Float64Array>;
  const X = t.x, TX = t.t_x, T = t.T, C = t.count;
  if (X instanceof Float64Array && TX instanceof Float64Array && T instanceof Float64Array && C instanceof Float64Array) {
    // One fused pass; comparisons with NaN are false, so it also rejects non-finite values. Only
    // when it finds a problem do the row-wise checks below run, to name the first offending row.
    const len = X.length;
    let ok = TX.length === len && T.length === len && C.length === len;
    for (let i = 0; i < len && ok; i++) {
      const x = X[i], tx = TX[i];
      ok = x >= 0 && x < Infinity && tx >= 0 && tx <= T[i] && T[i] < Infinity && C[i] >= 0 && C[i] < Infinity && (x !== 0 || tx === 0);
    }
    if (ok) return len;
  }
  const len = checkColumns(what, cols, ['x', 't_x', 'T', 'count']);
  for (let i = 0; i < len; i++) {
    const x = X[i], tx = TX[i], Ti = T[i];
    if (x < 0) throw new InvalidArgumentsError(`${what}: row ${i}: x = ${x} must be >= 0`);
    if (tx < 0 || tx > Ti) throw new InvalidArgumentsError(`${what}: row ${i}: need 0 <= t_x <= T, got t_x = ${tx}, T = ${Ti}`);
    if (x === 0 && tx !== 0) throw new InvalidArgumentsError(`${what}: row ${i}: x = 0 needs t_x = 0, got ${tx}`);
  }
  return len;
}

/** Precomputed indexing of RFM tuples for repeated likelihood evaluations. */
export interface PreparedRfm {
  rows: number;
  customers: number;
  x: Float64Array;
  count: Float64Array;
  /** Distinct x values, each row's index into them, Σ count per distinct x. */
  xValues: Float64Array;
  xIndex: Int32Array;
  xCount: Float64Array;
  TValues: Float64Array;
  TIndex: Int32Array;
  txValues: Float64Array;
  txIndex: Int32Array;
  /** Σ count of rows with x = 0, per distinct T. */
  zeroCountByT: Float64Array;
  /** Σ count over rows with x > 0; Σ count · x; Σ count · T. */
  repeatCustomers: number;
  sumX: number;
  sumT: number;
  /** All x are integers and max x <= recurrenceMaxX. */
  integerX: boolean;
  maxX: number;
}

export function prepareRfm(t: RfmTuples, recurrenceMaxX = BGNBD_DEFAULTS.recurrenceMaxX): PreparedRfm {
  const xd = indexDistinct(t.x), Td = indexDistinct(t.T, false), txd = indexDistinct(t.t_x, false);
  let maxX = 0, integer = true;
  for (let j = 0; j < xd.values.length; j++) {
    const v = xd.values[j];
    if (v > maxX) maxX = v;
    if (v !== Math.floor(v)) integer = false;
  }
  return summarise(t.x, t.count, xd, Td, txd, maxX, integer && maxX <= recurrenceMaxX);
}

/** The per-x and per-T sums of prepared tuples (one pass over the rows). */
function summarise(
  X: Float64Array, C: Float64Array, xd: Distinct, Td: Distinct, txd: Distinct, maxX: number, integerX: boolean,
): PreparedRfm {
  const rows = X.length;
  const xCount = new Float64Array(xd.values.length);
  const zeroCountByT = new Float64Array(Td.values.length);
  const xI = xd.index, TI = Td.index, TV = Td.values;
  let customers = 0, repeatCustomers = 0, sumX = 0, sumT = 0;
  for (let i = 0; i < rows; i++) {
    const c = C[i], x = X[i], k = TI[i];
    customers += c;
    sumX += c * x;
    sumT += c * TV[k];
    xCount[xI[i]] += c;
    if (x === 0) zeroCountByT[k] += c;
    else repeatCustomers += c;
  }
  return {
    rows, customers, x: X, count: C,
    xValues: xd.values, xIndex: xd.index, xCount,
    TValues: Td.values, TIndex: Td.index, txValues: txd.values, txIndex: txd.index,
    zeroCountByT, repeatCustomers, sumX, sumT, integerX, maxX,
  };
}

/**
 * A seeded systematic subsample of about `target` customers of prepared tuples (see
 * systematicSample), sharing the distinct-value tables: one pass over the rows, and only the kept
 * rows are copied.
 */
export function subsamplePrepared(p: PreparedRfm, target: number, seed: number): PreparedRfm {
  const { keep, counts } = systematicSample(p.count, target, seed);
  const n = keep.length;
  const x = new Float64Array(n), xIndex = new Int32Array(n), TIndex = new Int32Array(n), txIndex = new Int32Array(n);
  for (let m = 0; m < n; m++) {
    const i = keep[m];
    x[m] = p.x[i];
    xIndex[m] = p.xIndex[i];
    TIndex[m] = p.TIndex[i];
    txIndex[m] = p.txIndex[i];
  }
  return summarise(
    x, counts, { values: p.xValues, index: xIndex }, { values: p.TValues, index: TIndex }, { values: p.txValues, index: txIndex }, p.maxX, p.integerX,
  );
}

/**
 * For each distinct x: log Γ(y+x) − log Γ(y), ψ(y+x) − ψ(y) and (when trigOut is given)
 * ψ'(y+x) − ψ'(y), by recurrence over 0..max x when x is integer (ψ'(y+1) = ψ'(y) − 1/y²), else by
 * lgamma/digamma/trigamma per distinct x.
 */
export function gammaRatioTable(
  y: number, xValues: Float64Array, integerX: boolean, maxX: number, logOut: Float64Array, digOut: Float64Array, trigOut: Float64Array | null = null,
): void {
  if (integerX) {
    let lg = 0, dg = 0, tg = 0, k = 0;
    for (let j = 0; j < xValues.length; j++) {
      const x = xValues[j];
      if (trigOut) {
        for (; k < x; k++) {
          const inv = 1 / (y + k);
          lg += Math.log(y + k);
          dg += inv;
          tg -= inv * inv;
        }
        trigOut[j] = tg;
      } else {
        for (; k < x; k++) {
          lg += Math.log(y + k);
          dg += 1 / (y + k);
        }
      }
      logOut[j] = lg;
      digOut[j] = dg;
    }
    return;
  }
  const lgy = lgamma(y), dgy = digamma(y), tgy = trigOut ? trigamma(y) : 0;
  for (let j = 0; j < xValues.length; j++) {
    logOut[j] = lgamma(y + xValues[j]) - lgy;
    digOut[j] = digamma(y + xValues[j]) - dgy;
    if (trigOut) trigOut[j] = trigamma(y + xValues[j]) - tgy;
  }
}

/**
 * Σ_i count_i · log L(r, α, a, b | x_i, t_x,i, T_i) on prepared tuples; with grad, writes
 * ∂/∂(r, α, a, b); with hess (and grad), also the 4×4 row-major ∂²/∂θ∂θᵀ. `modified` switches to
 * MBG/NBD (Batislam et al. 2007, see mbgnbd.ts): the beta ratio is B(a, b+x+1)/B(a, b) and the
 * drop-out term a/(b+x) (α+t_x)^-(r+x) is present for x = 0 too.
 *
 * The Hessian: the x-only terms give trigamma differences (by recurrence); per tuple the bracket is
 * f = log(e^u1 + e^u2) with u1 = −(r+x) log(α+T), u2 = log a − log(b+x−1) − (r+x) log(α+t_x), so
 * with the softmax weights w1, w2: ∇f = w1∇u1 + w2∇u2 and
 * ∇²f = w1∇²u1 + w2∇²u2 + w1 w2 (∇u2 − ∇u1)(∇u2 − ∇u1)ᵀ.
 */
export function bgnbdLogLikelihoodPrepared(
  p: PreparedRfm, theta: ArrayLike<number>, grad: Float64Array | null, modified = false, hess: Float64Array | null = null,
): number {
  const r = theta[0], alpha = theta[1], a = theta[2], b = theta[3];
  const nx = p.xValues.length;
  const shift = modified ? 1 : 0;
  const xShift = modified ? p.xValues.map((v) => v + 1) : p.xValues;
  const lgR = new Float64Array(nx), dgR = new Float64Array(nx);
  const lgB = new Float64Array(nx), dgB = new Float64Array(nx);
  const lgAB = new Float64Array(nx), dgAB = new Float64Array(nx);
  const tgR = hess ? new Float64Array(nx) : null, tgB = hess ? new Float64Array(nx) : null, tgAB = hess ? new Float64Array(nx) : null;
  gammaRatioTable(r, p.xValues, p.integerX, p.maxX, lgR, dgR, tgR);
  gammaRatioTable(b, xShift, p.integerX, p.maxX + shift, lgB, dgB, tgB);
  gammaRatioTable(a + b, xShift, p.integerX, p.maxX + shift, lgAB, dgAB, tgAB);
  // Hessian accumulators (upper triangle, θ = r, α, a, b).
  let hrr = 0, hra = 0, hrA = 0, hrb = 0, haa = 0, haA = 0, hab = 0, hAA = 0, hAb = 0, hbb = 0;
  // Terms in x alone: log Γ(r+x)/Γ(r) + log B(a, b+x+shift)/B(a, b), and log(b+x−1+shift) for the bracket.
  let ll = 0, gr = 0, ga = 0, gb = 0, galpha = 0;
  const logBX1 = new Float64Array(nx), invBX1 = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    const c = p.xCount[j];
    ll += c * (lgR[j] + lgB[j] - lgAB[j]);
    gr += c * dgR[j];
    ga -= c * dgAB[j];
    gb += c * (dgB[j] - dgAB[j]);
    if (hess) {
      hrr += c * tgR![j];
      hAA -= c * tgAB![j];
      hAb -= c * tgAB![j];
      hbb += c * (tgB![j] - tgAB![j]);
    }
    const bx = b + p.xValues[j] - 1 + shift;
    if (bx > 0) {
      logBX1[j] = Math.log(bx);
      invBX1[j] = 1 / bx;
    }
  }
  const N = p.customers;
  const logAlpha = Math.log(alpha);
  ll += N * r * logAlpha;
  gr += N * logAlpha;
  galpha += (N * r) / alpha;
  hra += N / alpha;
  haa -= (N * r) / (alpha * alpha);
  // Distinct T and t_x: log(α+·) and 1/(α+·).
  const nT = p.TValues.length, ntx = p.txValues.length;
  const lT = new Float64Array(nT), iT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    lT[k] = Math.log(alpha + p.TValues[k]);
    iT[k] = 1 / (alpha + p.TValues[k]);
    const c0 = modified ? 0 : p.zeroCountByT[k];
    if (c0 > 0) {
      // x = 0: the bracket is (α+T)^-r.
      ll -= c0 * r * lT[k];
      gr -= c0 * lT[k];
      galpha -= c0 * r * iT[k];
      hra -= c0 * iT[k];
      haa += c0 * r * iT[k] * iT[k];
    }
  }
  const ltx = new Float64Array(ntx), itx = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) {
    ltx[k] = Math.log(alpha + p.txValues[k]);
    itx[k] = 1 / (alpha + p.txValues[k]);
  }
  const logA = Math.log(a), invA = 1 / a;
  // BG/NBD's bracket has two terms only for x > 0 (x = 0 was summed by T above); MBG/NBD's always.
  const tables: RowTables = { r, logA, invA, lT, iT, ltx, itx, logBX1, invBX1, allRows: modified };
  if (!grad) return ll + bracketSum(p, tables);
  const acc = new Float64Array(16);
  if (hess) bracketHessian(p, tables, acc);
  else bracketGradient(p, tables, acc);
  ll += acc[0];
  grad[0] = gr + acc[1];
  grad[1] = galpha + acc[2];
  grad[2] = ga + acc[3] * invA;
  grad[3] = gb + acc[4];
  if (hess) {
    // acc[5..15] (bracketHessian): Σ q dr², Σ q dr dα, Σ q dr, Σ q dr ib, Σ q dα² + the α-α
    // curvature, Σ q dα, Σ q dα ib, Σ q, Σ q ib, Σ (c w2 + q) ib², the r-α curvature.
    hrr += acc[5];
    hra += acc[6] + acc[15];
    hrA += acc[7] * invA;
    hrb -= acc[8];
    haa += acc[9];
    haA += acc[10] * invA;
    hab -= acc[11];
    hAA += (acc[12] - acc[3]) * invA * invA;
    hAb -= acc[13] * invA;
    hbb += acc[14];
    hess.set([hrr, hra, hrA, hrb, hra, haa, haA, hab, hrA, haA, hAA, hAb, hrb, hab, hAb, hbb]);
  }
  return ll;
}

/**
 * The a, b → ∞ limit of BG/NBD (MBG/NBD with `modified`) at a/(a+b) = p fixed: every customer has
 * the same dropout probability p after each purchase (dropout-limit.ts). In the odds o = p/(1−p),
 *   L = (1+o)^−(x+shift) · Γ(r+x) α^r / Γ(r) · [ (α+T)^-(r+x) + 1{x>0 or modified} o (α+t_x)^-(r+x) ]
 * since B(a, b+x+shift)/B(a, b) → (1−p)^(x+shift) and a/(b+x−1+shift) → o. θ = (r, α, o); with
 * grad, writes ∂/∂(r, α, o). The bracket is the same per-tuple loop as the full model's.
 */
export function homogeneousDropoutLogLikelihoodPrepared(p: PreparedRfm, theta: ArrayLike<number>, grad: Float64Array | null, modified = false): number {
  const r = theta[0], alpha = theta[1], o = theta[2];
  const nx = p.xValues.length, shift = modified ? 1 : 0;
  const lgR = new Float64Array(nx), dgR = new Float64Array(nx);
  gammaRatioTable(r, p.xValues, p.integerX, p.maxX, lgR, dgR);
  const l1o = Math.log1p(o);
  const N = p.customers, logAlpha = Math.log(alpha);
  let ll = N * r * logAlpha, gr = N * logAlpha, galpha = (N * r) / alpha, go = 0;
  for (let j = 0; j < nx; j++) {
    const c = p.xCount[j], k = p.xValues[j] + shift;
    ll += c * (lgR[j] - k * l1o);
    gr += c * dgR[j];
    go -= (c * k) / (1 + o);
  }
  const nT = p.TValues.length, ntx = p.txValues.length;
  const lT = new Float64Array(nT), iT = new Float64Array(nT);
  for (let k = 0; k < nT; k++) {
    lT[k] = Math.log(alpha + p.TValues[k]);
    iT[k] = 1 / (alpha + p.TValues[k]);
    const c0 = modified ? 0 : p.zeroCountByT[k];
    if (c0 > 0) {
      ll -= c0 * r * lT[k];
      gr -= c0 * lT[k];
      galpha -= c0 * r * iT[k];
    }
  }
  const ltx = new Float64Array(ntx), itx = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) {
    ltx[k] = Math.log(alpha + p.txValues[k]);
    itx[k] = 1 / (alpha + p.txValues[k]);
  }
  const zeros = new Float64Array(nx);
  const tables: RowTables = { r, logA: Math.log(o), invA: 1 / o, lT, iT, ltx, itx, logBX1: zeros, invBX1: zeros, allRows: modified };
  if (!grad) return ll + bracketSum(p, tables);
  const acc = new Float64Array(16);
  bracketGradient(p, tables, acc);
  grad[0] = gr + acc[1];
  grad[1] = galpha + acc[2];
  grad[2] = go + acc[3] / o;
  return ll + acc[0];
}

/** What the per-tuple bracket needs: parameters and the per-distinct-value tables. */
interface RowTables {
  r: number;
  logA: number;
  invA: number;
  /** log(α+T), 1/(α+T) per distinct T; log(α+t_x), 1/(α+t_x) per distinct t_x. */
  lT: Float64Array;
  iT: Float64Array;
  ltx: Float64Array;
  itx: Float64Array;
  /** log(b+x−1), 1/(b+x−1) per distinct x (b+x with MBG/NBD's shift). */
  logBX1: Float64Array;
  invBX1: Float64Array;
  /** false: rows with x = 0 are skipped (their weight is taken as 0). */
  allRows: boolean;
}

/** The row columns the loops read. */
type Rows = Pick<PreparedRfm, 'x' | 'count' | 'xIndex' | 'TIndex' | 'txIndex'>;

// The per-tuple loops, one small function each (so each compiles fast and on its own). With
// u1 = −(r+x) log(α+T), u2 = log a − log(b+x−1) − (r+x) log(α+t_x), d = u2 − u1, the bracket is
// log(e^u1 + e^u2) = u1 + max(d, 0) + log(1 + e^−|d|), and w2 = e^u2/(e^u1 + e^u2), w1 = 1 − w2.
// log(1 + e) with e in (0, 1] instead of log1p: the absolute error is ~1e-16, and it is cheaper.

function bracketSum(rows: Rows, t: RowTables): number {
  const X = rows.x, C = rows.count, xI = rows.xIndex, TI = rows.TIndex, txI = rows.txIndex;
  const { r, logA, lT, ltx, logBX1, allRows } = t;
  let ll = 0;
  for (let m = 0; m < C.length; m++) {
    const c = allRows || X[m] > 0 ? C[m] : 0;
    const rx = r + X[m], lt = lT[TI[m]];
    const d = logA - logBX1[xI[m]] - rx * (ltx[txI[m]] - lt);
    ll += c * (-rx * lt + (d > 0 ? d : 0) + Math.log(1 + Math.exp(-Math.abs(d))));
  }
  return ll;
}

/** acc[0] = Σ bracket; acc[1..4] = its ∂/∂r, ∂/∂α, Σ c w2 (∂/∂a × a), ∂/∂b. */
function bracketGradient(rows: Rows, t: RowTables, acc: Float64Array): void {
  const X = rows.x, C = rows.count, xI = rows.xIndex, TI = rows.TIndex, txI = rows.txIndex;
  const { r, logA, lT, iT, ltx, itx, logBX1, invBX1, allRows } = t;
  let ll = 0, gr = 0, galpha = 0, w2sum = 0, gb = 0;
  for (let m = 0; m < C.length; m++) {
    const c = allRows || X[m] > 0 ? C[m] : 0;
    const rx = r + X[m], j = xI[m], kT = TI[m], kt = txI[m];
    const lt = lT[kT], lx = ltx[kt];
    const d = logA - logBX1[j] - rx * (lx - lt);
    const e = Math.exp(-Math.abs(d));
    const inv = 1 / (1 + e);
    const w2 = d > 0 ? inv : e * inv;
    const w1 = 1 - w2;
    ll += c * (-rx * lt + (d > 0 ? d : 0) + Math.log(1 + e));
    gr -= c * (w1 * lt + w2 * lx);
    galpha -= c * rx * (w1 * iT[kT] + w2 * itx[kt]);
    w2sum += c * w2;
    gb -= c * w2 * invBX1[j];
  }
  acc[0] = ll; acc[1] = gr; acc[2] = galpha; acc[3] = w2sum; acc[4] = gb;
}

/**
 * bracketGradient's sums and the Hessian's: ∇²f = w1∇²u1 + w2∇²u2 + w1 w2 (∇u2 − ∇u1)(∇u2 − ∇u1)ᵀ
 * with ∇u2 − ∇u1 = (dr, dα, 1/a, −ib) = (log(α+T) − log(α+t_x), (r+x)(1/(α+T) − 1/(α+t_x)), 1/a,
 * −1/(b+x−1)); the 1/a factors are applied by the caller. q = c w1 w2.
 */
function bracketHessian(rows: Rows, t: RowTables, acc: Float64Array): void {
  const X = rows.x, C = rows.count, xI = rows.xIndex, TI = rows.TIndex, txI = rows.txIndex;
  const { r, logA, lT, iT, ltx, itx, logBX1, invBX1, allRows } = t;
  let ll = 0, gr = 0, galpha = 0, w2sum = 0, gb = 0;
  let qdrdr = 0, qdrda = 0, qdr = 0, qdrib = 0, qdada = 0, qda = 0, qdaib = 0, qsum = 0, qib = 0, hbb = 0, hra = 0;
  for (let m = 0; m < C.length; m++) {
    const c = allRows || X[m] > 0 ? C[m] : 0;
    const rx = r + X[m], j = xI[m], kT = TI[m], kt = txI[m];
    const lt = lT[kT], lx = ltx[kt], it = iT[kT], ix = itx[kt], ib = invBX1[j];
    const d = logA - logBX1[j] - rx * (lx - lt);
    const e = Math.exp(-Math.abs(d));
    const inv = 1 / (1 + e);
    const w2 = d > 0 ? inv : e * inv;
    const w1 = 1 - w2;
    const wi = w1 * it + w2 * ix;
    ll += c * (-rx * lt + (d > 0 ? d : 0) + Math.log(1 + e));
    gr -= c * (w1 * lt + w2 * lx);
    galpha -= c * rx * wi;
    w2sum += c * w2;
    gb -= c * w2 * ib;
    // w1 ∇²u1 + w2 ∇²u2: (r, α) −(w1 iT + w2 itx); (α, α) (r+x)(w1 iT² + w2 itx²); (b, b) w2 ib².
    hra -= c * wi;
    const q = c * w1 * w2;
    const dr = lt - lx, da = rx * (it - ix);
    qdrdr += q * dr * dr;
    qdrda += q * dr * da;
    qdr += q * dr;
    qdrib += q * dr * ib;
    qdada += q * da * da + c * rx * (w1 * it * it + w2 * ix * ix);
    qda += q * da;
    qdaib += q * da * ib;
    qsum += q;
    qib += q * ib;
    hbb += (c * w2 + q) * ib * ib;
  }
  acc[0] = ll; acc[1] = gr; acc[2] = galpha; acc[3] = w2sum; acc[4] = gb;
  acc[5] = qdrdr; acc[6] = qdrda; acc[7] = qdr; acc[8] = qdrib; acc[9] = qdada; acc[10] = qda;
  acc[11] = qdaib; acc[12] = qsum; acc[13] = qib; acc[14] = hbb; acc[15] = hra;
}

/** Σ count · log-likelihood of BG/NBD at params (the papers' total). */
export function bgnbdLogLikelihood(params: BgnbdParams, tuples: RfmTuples): number {
  checkRfmTuples('bgnbdLogLikelihood', tuples);
  checkParams(params);
  return bgnbdLogLikelihoodPrepared(prepareRfm(tuples), [params.r, params.alpha, params.a, params.b], null);
}

/** Per-tuple log-likelihood (count ignored), e.g. to check one customer against the papers. */
export function bgnbdLogLikelihoodEach(params: BgnbdParams, tuples: RfmTuples): Float64Array {
  checkRfmTuples('bgnbdLogLikelihoodEach', tuples);
  checkParams(params);
  const out = new Float64Array(tuples.x.length);
  const one = new Float64Array(1).fill(1);
  for (let i = 0; i < out.length; i++) {
    const t: RfmTuples = { x: tuples.x.subarray(i, i + 1), t_x: tuples.t_x.subarray(i, i + 1), T: tuples.T.subarray(i, i + 1), count: one };
    out[i] = bgnbdLogLikelihoodPrepared(prepareRfm(t), [params.r, params.alpha, params.a, params.b], null);
  }
  return out;
}

function checkParams(p: BgnbdParams, what = 'bgnbd'): void {
  for (const k of BGNBD_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`${what}: ${k} must be finite and > 0, got ${p[k]}`);
  }
}

/** Default starts spread over the parameter space, scaled to the data's purchase rate. */
export function rfmStarts(p: PreparedRfm, shapes: readonly (readonly [number, number, number])[]): number[][] {
  const rate = Math.max(p.sumX, 1e-3) / Math.max(p.sumT, 1e-3);
  return shapes.map(([r, c, d]) => [r, r / rate, c, d]);
}

export function checkIdentifiable(what: string, p: PreparedRfm): void {
  if (!(p.customers > 0)) throw new DegenerateDataError(`${what}: no customers (Σ count = 0)`);
  if (p.repeatCustomers === 0) {
    throw new DegenerateDataError(`${what}: no customer made a repeat purchase (every x = 0); the purchase and drop-out processes are not identified`);
  }
  if (p.customers < 2) throw new DegenerateDataError(`${what}: a single customer cannot identify the model's four parameters`);
}

/** Fits BG/NBD by maximum likelihood on compressed (x, t_x, T, count) tuples. */
export function fitBgnbd(tuples: RfmTuples, options: FitOptions = {}): BgnbdFit {
  return { model: 'bgnbd', ...fitBgnbdFamily('fitBgnbd', tuples, options, false) };
}

/**
 * BG/NBD or (modified) MBG/NBD by maximum likelihood: one likelihood with its analytic gradient
 * and Hessian, starts screened on a systematic subsample above screenAbove tuples, Newton polish.
 */
export function fitBgnbdFamily(
  what: string, tuples: RfmTuples, options: FitOptions, modified: boolean,
): MlFit<(typeof BGNBD_PARAM_NAMES)[number]> & { customers: number } {
  checkRfmTuples(what, tuples);
  const prepared = prepareRfm(tuples);
  checkIdentifiable(what, prepared);
  const problemOn = (p: PreparedRfm): { ll: LogLikelihood; hessian: LogLikelihoodHessian; customers: number } => ({
    ll: (theta, grad) => bgnbdLogLikelihoodPrepared(p, theta, grad, modified),
    hessian: (theta, grad, hess) => bgnbdLogLikelihoodPrepared(p, theta, grad, modified, hess),
    customers: p.customers,
  });
  const screenAbove = options.screenAbove ?? BGNBD_DEFAULTS.screenAbove;
  const screened = screenAbove > 0 && prepared.rows > screenAbove && prepared.customers > 2 * BGNBD_DEFAULTS.screenCustomers;
  const fit = fitMaximumLikelihood(
    {
      what, names: BGNBD_PARAM_NAMES, ...problemOn(prepared),
      screen: screened ? problemOn(subsamplePrepared(prepared, BGNBD_DEFAULTS.screenCustomers, options.seed ?? BGNBD_DEFAULTS.seed)) : undefined,
      starts: rfmStarts(prepared, [[1, 1, 1], [0.3, 0.7, 2.5], [3, 2, 6]]),
    },
    options,
  );
  return { ...fit, customers: prepared.customers };
}

// ---------------------------------------------------------------------------------------------
// Per customer

/** log of a/(b+x−1) ((α+T)/(α+t_x))^(r+x): the odds that a customer with x > 0 has dropped out. */
function logDeadOdds(p: BgnbdParams, x: number, tx: number, T: number): number {
  return Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
}

/** P(alive | x, t_x, T) (BG/NBD eq. 11). */
export function bgnbdPAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  return Math.exp(-log1pexp(logDeadOdds(p, x, tx, T)));
}

/**
 * (a+b+x−1)/(a−1) · [1 − (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z)], z = t/(α+T+t): the expected
 * purchases in (T, T+t] of a customer known to be alive. At a = 1 the ratio is 0/0 and is replaced
 * by the mean of its values at a ± 1e-6.
 */
export function bgnbdExpectedIfAlive(p: BgnbdParams, t: number, x: number, T: number): number {
  if (t === 0) return 0;
  const f = (a: number): number => {
    const z = t / (p.alpha + T + t);
    const g = scaledHyp2f1(a - 1, a + p.b - 1 - p.r, a - 1, a + p.b + x - 1, z);
    return ((a + p.b + x - 1) / (a - 1)) * (1 - g);
  };
  if (Math.abs(p.a - 1) < 1e-7) return 0.5 * (f(p.a - 1e-6) + f(p.a + 1e-6));
  return f(p.a);
}

/**
 * (1−z)^k · 2F1(a, b; c; z). For large a and b (near the no-dropout ridge) the factor underflows
 * while 2F1 overflows; the product is then taken in logs.
 */
export function scaledHyp2f1(k: number, a: number, b: number, c: number, z: number): number {
  const f = Math.exp(k * Math.log1p(-z));
  const h = hyp2f1(a, b, c, z);
  const g = f * h;
  if (Number.isFinite(g) && f > 0) return g;
  return Math.exp(k * Math.log1p(-z) + logHyp2f1(a, b, c, z));
}

/** E[Y(t) | x, t_x, T]: expected repeat purchases in the next t periods (BG/NBD eq. 10). */
export function bgnbdExpectedPurchases(p: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`bgnbdExpectedPurchases: t must be >= 0, got ${t}`);
  return bgnbdPAlive(p, x, tx, T) * bgnbdExpectedIfAlive(p, t, x, T);
}

/** E[X(t)]: expected purchases in (0, t] of a new customer (BG/NBD eq. 9). */
export function bgnbdExpectedPurchasesNew(p: BgnbdParams, t: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`bgnbdExpectedPurchasesNew: t must be >= 0, got ${t}`);
  return bgnbdExpectedIfAlive(p, t, 0, 0);
}
