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
import { digamma, hyp2f1, lgamma, log1pexp } from '../numeric/special.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import { checkColumns, indexDistinct, subsampleColumns, totalCount } from './tuples.js';
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
  const len = checkColumns(what, t as unknown as Record<string, Float64Array>, ['x', 't_x', 'T', 'count']);
  for (let i = 0; i < len; i++) {
    const x = t.x[i], tx = t.t_x[i], T = t.T[i];
    if (x < 0) throw new InvalidArgumentsError(`${what}: row ${i}: x = ${x} must be >= 0`);
    if (tx < 0 || tx > T) throw new InvalidArgumentsError(`${what}: row ${i}: need 0 <= t_x <= T, got t_x = ${tx}, T = ${T}`);
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
  /** Rows with x > 0 (and count > 0). */
  repeatRows: Int32Array;
  /** Rows with count > 0. */
  activeRows: Int32Array;
  /** All x are integers and max x <= recurrenceMaxX. */
  integerX: boolean;
  maxX: number;
  /** The per-row columns of repeatRows / activeRows packed contiguously (built on first use). */
  packed: { repeat?: PackedRows; active?: PackedRows };
}

/** One row set's columns in row order, so the likelihood's hot loop reads memory sequentially. */
interface PackedRows {
  count: Float64Array;
  x: Float64Array;
  xIndex: Int32Array;
  TIndex: Int32Array;
  txIndex: Int32Array;
}

function packRows(p: PreparedRfm, rows: Int32Array): PackedRows {
  const n = rows.length;
  const out: PackedRows = { count: new Float64Array(n), x: new Float64Array(n), xIndex: new Int32Array(n), TIndex: new Int32Array(n), txIndex: new Int32Array(n) };
  for (let m = 0; m < n; m++) {
    const i = rows[m];
    out.count[m] = p.count[i];
    out.x[m] = p.x[i];
    out.xIndex[m] = p.xIndex[i];
    out.TIndex[m] = p.TIndex[i];
    out.txIndex[m] = p.txIndex[i];
  }
  return out;
}

export function prepareRfm(t: RfmTuples, recurrenceMaxX = BGNBD_DEFAULTS.recurrenceMaxX): PreparedRfm {
  const rows = t.x.length;
  const xd = indexDistinct(t.x), Td = indexDistinct(t.T, false), txd = indexDistinct(t.t_x, false);
  const xCount = new Float64Array(xd.values.length);
  const zeroCountByT = new Float64Array(Td.values.length);
  let nRepeat = 0;
  for (let i = 0; i < rows; i++) {
    xCount[xd.index[i]] += t.count[i];
    if (t.x[i] === 0) zeroCountByT[Td.index[i]] += t.count[i];
    else if (t.count[i] > 0) nRepeat++;
  }
  const repeatRows = new Int32Array(nRepeat);
  for (let i = 0, j = 0; i < rows; i++) if (t.x[i] > 0 && t.count[i] > 0) repeatRows[j++] = i;
  let nActive = 0;
  for (let i = 0; i < rows; i++) if (t.count[i] > 0) nActive++;
  const activeRows = new Int32Array(nActive);
  for (let i = 0, j = 0; i < rows; i++) if (t.count[i] > 0) activeRows[j++] = i;
  const maxX = xd.values.length ? xd.values[xd.values.length - 1] : 0;
  const integerX = xd.values.every(Number.isInteger) && maxX <= recurrenceMaxX;
  return {
    rows, customers: totalCount(t.count), x: t.x, count: t.count,
    xValues: xd.values, xIndex: xd.index, xCount,
    TValues: Td.values, TIndex: Td.index, txValues: txd.values, txIndex: txd.index,
    zeroCountByT, repeatRows, activeRows, integerX, maxX, packed: {},
  };
}

/**
 * For each distinct x: log Γ(y+x) − log Γ(y) and ψ(y+x) − ψ(y), by recurrence over 0..max x when
 * x is integer, else by lgamma/digamma per distinct x.
 */
export function gammaRatioTable(y: number, xValues: Float64Array, integerX: boolean, maxX: number, logOut: Float64Array, digOut: Float64Array): void {
  if (integerX) {
    let lg = 0, dg = 0, k = 0;
    for (let j = 0; j < xValues.length; j++) {
      const x = xValues[j];
      for (; k < x; k++) {
        lg += Math.log(y + k);
        dg += 1 / (y + k);
      }
      logOut[j] = lg;
      digOut[j] = dg;
    }
    return;
  }
  const lgy = lgamma(y), dgy = digamma(y);
  for (let j = 0; j < xValues.length; j++) {
    logOut[j] = lgamma(y + xValues[j]) - lgy;
    digOut[j] = digamma(y + xValues[j]) - dgy;
  }
}

/**
 * Σ_i count_i · log L(r, α, a, b | x_i, t_x,i, T_i) on prepared tuples; with grad, writes
 * ∂/∂(r, α, a, b). `modified` switches to MBG/NBD (Batislam et al. 2007, see mbgnbd.ts): the beta
 * ratio is B(a, b+x+1)/B(a, b) and the drop-out term a/(b+x) (α+t_x)^-(r+x) is present for x = 0 too.
 */
export function bgnbdLogLikelihoodPrepared(p: PreparedRfm, theta: ArrayLike<number>, grad: Float64Array | null, modified = false): number {
  const r = theta[0], alpha = theta[1], a = theta[2], b = theta[3];
  const nx = p.xValues.length;
  const shift = modified ? 1 : 0;
  const xShift = modified ? p.xValues.map((v) => v + 1) : p.xValues;
  const lgR = new Float64Array(nx), dgR = new Float64Array(nx);
  const lgB = new Float64Array(nx), dgB = new Float64Array(nx);
  const lgAB = new Float64Array(nx), dgAB = new Float64Array(nx);
  gammaRatioTable(r, p.xValues, p.integerX, p.maxX, lgR, dgR);
  gammaRatioTable(b, xShift, p.integerX, p.maxX + shift, lgB, dgB);
  gammaRatioTable(a + b, xShift, p.integerX, p.maxX + shift, lgAB, dgAB);
  // Terms in x alone: log Γ(r+x)/Γ(r) + log B(a, b+x+shift)/B(a, b), and log(b+x−1+shift) for the bracket.
  let ll = 0, gr = 0, ga = 0, gb = 0, galpha = 0;
  const logBX1 = new Float64Array(nx), invBX1 = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    const c = p.xCount[j];
    ll += c * (lgR[j] + lgB[j] - lgAB[j]);
    gr += c * dgR[j];
    ga -= c * dgAB[j];
    gb += c * (dgB[j] - dgAB[j]);
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
    }
  }
  const ltx = new Float64Array(ntx), itx = new Float64Array(ntx);
  for (let k = 0; k < ntx; k++) {
    ltx[k] = Math.log(alpha + p.txValues[k]);
    itx[k] = 1 / (alpha + p.txValues[k]);
  }
  const logA = Math.log(a), invA = 1 / a;
  const rows = modified ? (p.packed.active ??= packRows(p, p.activeRows)) : (p.packed.repeat ??= packRows(p, p.repeatRows));
  const X = rows.x, C = rows.count, xI = rows.xIndex, TI = rows.TIndex, txI = rows.txIndex;
  const n = C.length;
  // log(1 + e) with e in (0, 1] instead of log1p: the absolute error is ~1e-16, and it is cheaper.
  if (grad) {
    let w2sum = 0;
    for (let m = 0; m < n; m++) {
      const c = C[m], rx = r + X[m], j = xI[m], kT = TI[m], kt = txI[m];
      const lt = lT[kT], lx = ltx[kt];
      // u1 = −(r+x) log(α+T); u2 = log a − log(b+x−1) − (r+x) log(α+t_x); d = u2 − u1
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
    grad[0] = gr;
    grad[1] = galpha;
    grad[2] = ga + w2sum * invA;
    grad[3] = gb;
  } else {
    for (let m = 0; m < n; m++) {
      const rx = r + X[m], lt = lT[TI[m]];
      const d = logA - logBX1[xI[m]] - rx * (ltx[txI[m]] - lt);
      ll += C[m] * (-rx * lt + (d > 0 ? d : 0) + Math.log(1 + Math.exp(-Math.abs(d))));
    }
  }
  return ll;
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
  let sx = 0, sT = 0;
  for (let i = 0; i < p.rows; i++) {
    sx += p.count[i] * p.x[i];
    sT += p.count[i] * p.TValues[p.TIndex[i]];
  }
  const rate = Math.max(sx, 1e-3) / Math.max(sT, 1e-3);
  return shapes.map(([r, c, d]) => [r, r / rate, c, d]);
}

export function checkIdentifiable(what: string, p: PreparedRfm): void {
  if (!(p.customers > 0)) throw new DegenerateDataError(`${what}: no customers (Σ count = 0)`);
  let repeat = 0;
  for (let m = 0; m < p.repeatRows.length; m++) repeat += p.count[p.repeatRows[m]];
  if (repeat === 0) {
    throw new DegenerateDataError(`${what}: no customer made a repeat purchase (every x = 0); the purchase and drop-out processes are not identified`);
  }
  if (p.customers < 2) throw new DegenerateDataError(`${what}: a single customer cannot identify the model's four parameters`);
}

/** Fits BG/NBD by maximum likelihood on compressed (x, t_x, T, count) tuples. */
export function fitBgnbd(tuples: RfmTuples, options: FitOptions = {}): BgnbdFit {
  checkRfmTuples('fitBgnbd', tuples);
  const prepared = prepareRfm(tuples);
  checkIdentifiable('fitBgnbd', prepared);
  const ll: LogLikelihood = (theta, grad) => bgnbdLogLikelihoodPrepared(prepared, theta, grad);
  const screenAbove = options.screenAbove ?? BGNBD_DEFAULTS.screenAbove;
  let screen: { ll: LogLikelihood; customers: number } | undefined;
  if (screenAbove > 0 && prepared.rows > screenAbove && prepared.customers > 2 * BGNBD_DEFAULTS.screenCustomers) {
    const sub = subsampleColumns(tuples as unknown as Record<string, Float64Array>, ['x', 't_x', 'T', 'count'], BGNBD_DEFAULTS.screenCustomers, options.seed ?? BGNBD_DEFAULTS.seed);
    const ps = prepareRfm(sub as unknown as RfmTuples);
    screen = { ll: (theta, grad) => bgnbdLogLikelihoodPrepared(ps, theta, grad), customers: ps.customers };
  }
  const fit = fitMaximumLikelihood(
    {
      what: 'fitBgnbd', names: BGNBD_PARAM_NAMES, ll, customers: prepared.customers, screen,
      starts: rfmStarts(prepared, [[1, 1, 1], [0.3, 0.7, 2.5], [3, 2, 6]]),
    },
    options,
  );
  return { model: 'bgnbd', ...fit, customers: prepared.customers };
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
    const g = Math.exp((a - 1) * Math.log1p(-z)) * hyp2f1(a + p.b - 1 - p.r, a - 1, a + p.b + x - 1, z);
    return ((a + p.b + x - 1) / (a - 1)) * (1 - g);
  };
  if (Math.abs(p.a - 1) < 1e-7) return 0.5 * (f(p.a - 1e-6) + f(p.a + 1e-6));
  return f(p.a);
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
