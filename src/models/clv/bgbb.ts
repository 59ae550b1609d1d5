/**
 * BG/BB: Fader, P. S., Hardie, B. G. S. & Shang, J. (2010), "Customer-base analysis in a
 * discrete-time noncontractual setting", Marketing Science 29(6), 1086–1108.
 *
 * At each of n discrete opportunities an alive customer transacts with probability p,
 * p ~ Beta(α, β), and dies before the next with probability θ, θ ~ Beta(γ, δ).
 * - Likelihood (eq. 5), for x transactions in n opportunities, the last at t_x:
 *     L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
 *       + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
 *   summed in logs (log-sum-exp); the gradient is the weighted sum of each term's digamma gradient.
 * - P(alive at n+1 | x, t_x, n) (eq. 11): B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L
 * - E[X(n, n+n*) | x, t_x, n] (eq. 13), transactions in the next n* opportunities:
 *     1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) · Γ(γ+δ)/Γ(1+δ)
 *         · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)]
 * - E[X(n)] of a new customer (eq. 7): α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))]
 * - DERT at discount rate d per opportunity (eq. 14):
 *     B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+1)/((1+d)B(γ,δ)) · 2F1(1, δ+n+1; γ+δ+n+1; 1/(1+d)) / L
 */
import { DegenerateDataError, InvalidArgumentsError } from '../numeric/errors.js';
import { digamma, lgamma, logBeta, logHyp2f1 } from '../numeric/special.js';
import { fitMaximumLikelihood, type LogLikelihood } from './fit.js';
import { checkColumns, totalCount } from './tuples.js';
import type { BgbbParams, DiscreteTuples, FitOptions, FitResult } from './types.js';

export const BGBB_PARAM_NAMES = ['alpha', 'beta', 'gamma', 'delta'] as const;
export type BgbbFit = FitResult<'bgbb', BgbbParams>;

export function checkDiscreteTuples(what: string, t: DiscreteTuples): number {
  const len = checkColumns(what, t as unknown as Record<string, Float64Array>, ['x', 't_x', 'n', 'count']);
  for (let i = 0; i < len; i++) {
    const x = t.x[i], tx = t.t_x[i], n = t.n[i];
    if (![x, tx, n].every(Number.isInteger)) throw new InvalidArgumentsError(`${what}: row ${i}: x, t_x and n must be integers, got ${x}, ${tx}, ${n}`);
    if (!(x >= 0 && x <= tx && tx <= n)) throw new InvalidArgumentsError(`${what}: row ${i}: need 0 <= x <= t_x <= n, got x = ${x}, t_x = ${tx}, n = ${n}`);
    if (x === 0 && tx !== 0) throw new InvalidArgumentsError(`${what}: row ${i}: x = 0 needs t_x = 0, got ${tx}`);
  }
  return len;
}

/** log L for one tuple, adding count · ∂ log L/∂θ into grad when given. */
function tupleLogLikelihood(al: number, be: number, ga: number, de: number, x: number, tx: number, n: number, count: number, grad: Float64Array | null): number {
  const lbAB = logBeta(al, be), lbGD = logBeta(ga, de);
  const terms = n - tx + 1;
  const logs = new Float64Array(terms);
  logs[0] = logBeta(al + x, be + n - x) - lbAB + logBeta(ga, de + n) - lbGD;
  for (let i = 0; i < n - tx; i++) {
    logs[i + 1] = logBeta(al + x, be + tx - x + i) - lbAB + logBeta(ga + 1, de + tx + i) - lbGD;
  }
  let m = -Infinity;
  for (let k = 0; k < terms; k++) if (logs[k] > m) m = logs[k];
  let s = 0;
  for (let k = 0; k < terms; k++) s += Math.exp(logs[k] - m);
  const ll = m + Math.log(s);
  if (grad) {
    const dAB = digamma(al + be), dGD = digamma(ga + de);
    const dA = digamma(al), dB = digamma(be), dG = digamma(ga), dD = digamma(de);
    const dAx = digamma(al + x);
    for (let k = 0; k < terms; k++) {
      const w = (count * Math.exp(logs[k] - ll));
      // Term k: B(α+x, β+y)/B(α,β) · B(γ+g1, δ+v)/B(γ,δ)
      const y = k === 0 ? n - x : tx - x + k - 1;
      const g1 = k === 0 ? 0 : 1;
      const v = k === 0 ? n : tx + k - 1;
      const dSum1 = digamma(al + x + be + y), dSum2 = digamma(ga + g1 + de + v);
      grad[0] += w * (dAx - dSum1 - dA + dAB);
      grad[1] += w * (digamma(be + y) - dSum1 - dB + dAB);
      grad[2] += w * (digamma(ga + g1) - dSum2 - dG + dGD);
      grad[3] += w * (digamma(de + v) - dSum2 - dD + dGD);
    }
  }
  return ll;
}

function logLikelihoodTuples(t: DiscreteTuples, theta: ArrayLike<number>, grad: Float64Array | null): number {
  const al = theta[0], be = theta[1], ga = theta[2], de = theta[3];
  if (grad) grad.fill(0);
  let ll = 0;
  for (let i = 0; i < t.x.length; i++) {
    const c = t.count[i];
    if (c === 0) continue;
    ll += c * tupleLogLikelihood(al, be, ga, de, t.x[i], t.t_x[i], t.n[i], c, grad);
  }
  return ll;
}

function thetaOf(p: BgbbParams): number[] {
  for (const k of BGBB_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`bgbb: ${k} must be finite and > 0, got ${p[k]}`);
  }
  return [p.alpha, p.beta, p.gamma, p.delta];
}

/** Σ count · log L(α, β, γ, δ | x, t_x, n). */
export function bgbbLogLikelihood(params: BgbbParams, tuples: DiscreteTuples): number {
  checkDiscreteTuples('bgbbLogLikelihood', tuples);
  return logLikelihoodTuples(tuples, thetaOf(params), null);
}

/** Σ count · log L and ∂/∂(α, β, γ, δ). */
export function bgbbLogLikelihoodWithGrad(params: BgbbParams, tuples: DiscreteTuples): { value: number; grad: Float64Array } {
  checkDiscreteTuples('bgbbLogLikelihoodWithGrad', tuples);
  const grad = new Float64Array(4);
  return { value: logLikelihoodTuples(tuples, thetaOf(params), grad), grad };
}

export function fitBgbb(tuples: DiscreteTuples, options: FitOptions = {}): BgbbFit {
  checkDiscreteTuples('fitBgbb', tuples);
  const customers = totalCount(tuples.count);
  if (!(customers > 0)) throw new DegenerateDataError('fitBgbb: no customers (Σ count = 0)');
  let repeat = 0;
  for (let i = 0; i < tuples.x.length; i++) if (tuples.x[i] > 0) repeat += tuples.count[i];
  if (repeat === 0) throw new DegenerateDataError('fitBgbb: no customer made a repeat transaction (every x = 0); the model is not identified');
  if (customers < 2) throw new DegenerateDataError('fitBgbb: a single customer cannot identify the model\'s four parameters');
  const ll: LogLikelihood = (theta, grad) => logLikelihoodTuples(tuples, theta, grad);
  const starts = [[1, 1, 1, 1], [0.5, 2, 0.5, 3], [2, 0.5, 2, 0.5]];
  const fit = fitMaximumLikelihood({ what: 'fitBgbb', names: BGBB_PARAM_NAMES, ll, customers, starts }, options);
  return { model: 'bgbb', ...fit, customers };
}

// ---------------------------------------------------------------------------------------------
// Per customer

function logL(p: BgbbParams, x: number, tx: number, n: number): number {
  return tupleLogLikelihood(p.alpha, p.beta, p.gamma, p.delta, x, tx, n, 1, null);
}

/** P(alive at opportunity n+1 | x, t_x, n). */
export function bgbbPAlive(p: BgbbParams, x: number, tx: number, n: number): number {
  const num = logBeta(p.alpha + x, p.beta + n - x) - logBeta(p.alpha, p.beta) + logBeta(p.gamma, p.delta + n + 1) - logBeta(p.gamma, p.delta);
  return Math.exp(num - logL(p, x, tx, n));
}

/**
 * δ/(γ−1) · Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+k)/Γ(γ+δ+n+k)], continuous at γ = 1.
 */
function survivalSum(p: BgbbParams, n: number, k: number): number {
  const f = (g: number): number => {
    const c = lgamma(g + p.delta) - lgamma(1 + p.delta);
    const u = lgamma(1 + p.delta + n) - lgamma(g + p.delta + n);
    const v = lgamma(1 + p.delta + n + k) - lgamma(g + p.delta + n + k);
    // e^{c+u} − e^{c+v} = e^{c+u} (1 − e^{v−u})
    return (p.delta / (g - 1)) * Math.exp(c + u) * -Math.expm1(v - u);
  };
  if (Math.abs(p.gamma - 1) < 1e-7) return 0.5 * (f(p.gamma - 1e-6) + f(p.gamma + 1e-6));
  return f(p.gamma);
}

/** E[X(n, n+k) | x, t_x, n]: expected transactions in the next k opportunities. */
export function bgbbExpectedPurchases(p: BgbbParams, k: number, x: number, tx: number, n: number): number {
  if (!(k >= 0) || !Number.isInteger(k)) throw new InvalidArgumentsError(`bgbbExpectedPurchases: k must be an integer >= 0, got ${k}`);
  const lead = logBeta(p.alpha + x + 1, p.beta + n - x) - logBeta(p.alpha, p.beta) - logL(p, x, tx, n);
  return Math.exp(lead) * survivalSum(p, n, k);
}

/** E[X(n)]: expected transactions of a new customer in the first n opportunities. */
export function bgbbExpectedPurchasesNew(p: BgbbParams, n: number): number {
  if (!(n >= 0) || !Number.isInteger(n)) throw new InvalidArgumentsError(`bgbbExpectedPurchasesNew: n must be an integer >= 0, got ${n}`);
  return (p.alpha / (p.alpha + p.beta)) * survivalSum(p, 0, n);
}

/** DERT at discount rate d per opportunity (FHS 2010 eq. 14). */
export function bgbbDert(p: BgbbParams, d: number, x: number, tx: number, n: number): number {
  if (!(d > 0)) throw new InvalidArgumentsError(`bgbbDert: d must be > 0, got ${d}`);
  const lead =
    logBeta(p.alpha + x + 1, p.beta + n - x) - logBeta(p.alpha, p.beta) +
    logBeta(p.gamma, p.delta + n + 1) - Math.log1p(d) - logBeta(p.gamma, p.delta) +
    logHyp2f1(1, p.delta + n + 1, p.gamma + p.delta + n + 1, 1 / (1 + d)) - logL(p, x, tx, n);
  return Math.exp(lead);
}
