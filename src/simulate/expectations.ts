/**
 * Closed forms the ground truth reports, computed from the true parameters.
 *
 * BG/NBD expected repeat purchases in (0, t] for a new customer, Fader, Hardie & Lee (2005),
 * equation (9):  E[X(t)] = (a+b-1)/(a-1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
 * Gamma-Gamma expected transaction value, Fader, Hardie & Lee (2005) "RFM and CLV", eq. (4)
 * with no history: E[Z] = p·γ/(q−1), finite only for q > 1.
 */
import { InvalidArgumentsError } from '../models/numeric/random.js';
import type { BgNbdParams, GammaGammaParams } from './options.js';

/**
 * Gauss's hypergeometric series 2F1(a, b; c; z) for 0 <= z < 1 and a, b, c > 0 (every term is
 * positive, so the tail after term n is below term_n·z/(1−z)). Throws if it does not converge.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 5_000_000): number {
  if (!(z >= 0 && z < 1)) throw new InvalidArgumentsError(`hyp2f1: z must be in [0, 1), got ${z}`);
  if (!(a > 0 && b > 0 && c > 0)) throw new InvalidArgumentsError(`hyp2f1: a, b, c must be > 0, got ${a}, ${b}, ${c}`);
  let term = 1;
  let sum = 1;
  const tailFactor = z / (1 - z);
  for (let n = 0; n < maxTerms; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    // past the terms' peak (ratio < 1), the remaining tail is bounded by a geometric series
    const ratio = ((a + n + 1) * (b + n + 1) * z) / ((c + n + 1) * (n + 2));
    if (ratio < 1 && term * Math.max(tailFactor, ratio / (1 - ratio)) < 1e-15 * sum) return sum;
  }
  throw new InvalidArgumentsError(`hyp2f1: series did not converge in ${maxTerms} terms (a=${a}, b=${b}, c=${c}, z=${z})`);
}

/** BG/NBD E[X(t)], repeat purchases of a new customer in t time units (FHL 2005, eq. 9). */
export function bgnbdExpectedRepeats(t: number, { r, alpha, a, b }: BgNbdParams): number {
  if (t <= 0) return 0;
  // The formula has a removable singularity at a = 1; step around it.
  if (Math.abs(a - 1) < 1e-6) {
    const h = 1e-4;
    return (bgnbdExpectedRepeats(t, { r, alpha, a: 1 - h, b }) + bgnbdExpectedRepeats(t, { r, alpha, a: 1 + h, b })) / 2;
  }
  const z = t / (alpha + t);
  const f = hyp2f1(r, b, a + b - 1, z);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * f);
}

/** Gamma-Gamma expected value of one transaction, or null when q <= 1 (the mean is infinite). */
export function gammaGammaMeanSpend({ p, q, gamma }: GammaGammaParams): number | null {
  return q > 1 ? (p * gamma) / (q - 1) : null;
}
