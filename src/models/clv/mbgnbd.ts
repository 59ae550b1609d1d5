/**
 * MBG/NBD: Batislam, E. P., Denizel, M. & Filiztekin, A. (2007), "Empirical validation and
 * comparison of models for customer base analysis", International Journal of Research in
 * Marketing 24(3), 201–209.
 *
 * As BG/NBD (bgnbd.ts), except that a customer may also drop out right at time 0 (after the trial
 * purchase), so a customer with no repeat purchase is not certainly alive.
 * - Likelihood (eq. 3):
 *     L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / Γ(r) · [ (α+T)^-(r+x) + a/(b+x) (α+t_x)^-(r+x) ]
 * - P(alive | x, t_x, T) (eq. 4): 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x))
 * - E[Y(t) | x, t_x, T] (eq. 5):
 *     P(alive) · (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))]
 *   computed, with z = t/(α+T+t) and Euler's transformation, as
 *     P(alive) · (a+b+x)/(a−1) · [1 − (1−z)^(a−1) 2F1(a+b−r, a−1; a+b+x; z)]
 * - E[X(t)] of a new customer: b/(a−1) · [1 − (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))], which is the
 *   conditional expectation at x = t_x = T = 0.
 * The likelihood and the fit share bgnbd.ts's grouped evaluation, analytic gradient and Hessian
 * (flag `modified`, fitBgnbdFamily).
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { log1pexp } from '../numeric/special.js';
import { bgnbdLogLikelihoodPrepared, checkRfmTuples, fitBgnbdFamily, prepareRfm, scaledHyp2f1, BGNBD_PARAM_NAMES } from './bgnbd.js';
import type { FitOptions, FitResult, MbgnbdParams, RfmTuples } from './types.js';

export const MBGNBD_PARAM_NAMES = BGNBD_PARAM_NAMES;
export type MbgnbdFit = FitResult<'mbgnbd', MbgnbdParams>;

function theta(p: MbgnbdParams): number[] {
  for (const k of MBGNBD_PARAM_NAMES) {
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InvalidArgumentsError(`mbgnbd: ${k} must be finite and > 0, got ${p[k]}`);
  }
  return [p.r, p.alpha, p.a, p.b];
}

/** Σ count · log L(r, α, a, b | x, t_x, T). */
export function mbgnbdLogLikelihood(params: MbgnbdParams, tuples: RfmTuples): number {
  checkRfmTuples('mbgnbdLogLikelihood', tuples);
  return bgnbdLogLikelihoodPrepared(prepareRfm(tuples), theta(params), null, true);
}

export function fitMbgnbd(tuples: RfmTuples, options: FitOptions = {}): MbgnbdFit {
  return { model: 'mbgnbd', ...fitBgnbdFamily('fitMbgnbd', tuples, options, true) };
}

export function mbgnbdPAlive(p: MbgnbdParams, x: number, tx: number, T: number): number {
  const d = Math.log(p.a) - Math.log(p.b + x) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx));
  return Math.exp(-log1pexp(d));
}

/** Expected purchases in (T, T+t] of a customer known to be alive (depends on x and T only). */
export function mbgnbdExpectedIfAlive(p: MbgnbdParams, t: number, x: number, T: number): number {
  if (t === 0) return 0;
  const f = (a: number): number => {
    const z = t / (p.alpha + T + t);
    const g = scaledHyp2f1(a - 1, a + p.b - p.r, a - 1, a + p.b + x, z);
    return ((a + p.b + x) / (a - 1)) * (1 - g);
  };
  if (Math.abs(p.a - 1) < 1e-7) return 0.5 * (f(p.a - 1e-6) + f(p.a + 1e-6));
  return f(p.a);
}

export function mbgnbdExpectedPurchases(p: MbgnbdParams, t: number, x: number, tx: number, T: number): number {
  if (!(t >= 0)) throw new InvalidArgumentsError(`mbgnbdExpectedPurchases: t must be >= 0, got ${t}`);
  return mbgnbdPAlive(p, x, tx, T) * mbgnbdExpectedIfAlive(p, t, x, T);
}

export function mbgnbdExpectedPurchasesNew(p: MbgnbdParams, t: number): number {
  return mbgnbdExpectedPurchases(p, t, 0, 0, 0);
}
