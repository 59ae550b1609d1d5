/**
 * Closed forms the ground truth reports, computed from the true parameters with the models' own
 * implementations (models/clv): one BG/NBD expectation, one 2F1, one Gamma-Gamma mean.
 *
 * BG/NBD expected repeat purchases in (0, t] for a new customer, Fader, Hardie & Lee (2005),
 * equation (9):  E[X(t)] = (a+b-1)/(a-1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]; with a
 * fixed dropout probability p (`dropout`), its a, b → ∞ limit (1 − (α/(α+pt))^r)/p (r t/α at p = 0).
 * Gamma-Gamma expected transaction value, Fader, Hardie & Lee (2005) "RFM and CLV", eq. (4)
 * with no history: E[Z] = p·γ/(q−1), finite only for q > 1.
 */
import { bgnbdExpectedPurchasesNew } from '../models/clv/bgnbd.js';
import { homogeneousExpectedPurchasesNew } from '../models/clv/dropout-limit.js';
import { gammaGammaMeanSpend as meanSpend } from '../models/clv/gammagamma.js';
import type { BgNbdParams, GammaGammaParams } from './options.js';

/** BG/NBD E[X(t)], repeat purchases of a new customer in t time units (FHL 2005, eq. 9). */
export function bgnbdExpectedRepeats(t: number, { r, alpha, a, b, dropout }: BgNbdParams): number {
  if (t <= 0) return 0;
  if (dropout !== undefined) return homogeneousExpectedPurchasesNew({ r, alpha, p: dropout }, t);
  return bgnbdExpectedPurchasesNew({ r, alpha, a, b }, t);
}

/** Gamma-Gamma expected value of one transaction, or null when q <= 1 (the mean is infinite). */
export function gammaGammaMeanSpend(p: GammaGammaParams): number | null {
  return p.q > 1 ? meanSpend(p) : null;
}
