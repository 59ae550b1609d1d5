/**
 * Sample sizes for a two-arm experiment (equal arms, two-sided test).
 *
 * - Two proportions: the textbook formula (Fleiss, Levin & Paik, "Statistical Methods for Rates and
 *   Proportions", 3rd ed. 2003, eq. 4.14, without continuity correction; what R's
 *   `power.prop.test` solves):
 *       n = [z_{1−α/2} √(2 p̄ q̄) + z_{1−β} √(p₁q₁ + p₂q₂)]² / (p₂ − p₁)²,   p̄ = (p₁ + p₂)/2.
 *   Baseline 0.10, MDE 0.02 absolute, α = 0.05, power 0.8 → 3,840.8 → 3,841 per arm.
 * - Means (Welch): n = (t_{1−α/2, ν} + t_{1−β, ν})² (σ_c² + σ_t²) / δ², with the Welch–Satterthwaite
 *   ν for equal arms, iterated from the normal approximation until n stops changing (the t-based
 *   refinement adds a customer or two at large n, more at small n).
 * - Days: the total sample divided by the segment's traffic (customers reachable per day), rounded up.
 *
 * Quantiles come from models/var/special.ts (Wichura's AS 241 for the normal, bisection on the
 * regularized incomplete beta for Student's t), which is tested against R.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { normalQuantile, tQuantile } from '../var/special.js';

export const DESIGN_DEFAULTS = { alpha: 0.05, power: 0.8 } as const;

export interface Design {
  /** Customers per arm (rounded up). */
  perArm: number;
  /** Customers in both arms. */
  total: number;
  /** Days the traffic needs to enrol `total`; null without a traffic figure. */
  days: number | null;
  /** The unrounded per-arm size, for readers who check the formula. */
  exact: number;
  method: 'two-proportion' | 'welch-means';
}

export interface TwoProportionInput {
  /** Control conversion rate p₁ in (0, 1). */
  baseline: number;
  /** Minimum detectable effect, absolute: p₂ = p₁ + mde (may be negative). */
  mde: number;
  alpha?: number;
  power?: number;
  /** Customers entering the experiment per day (both arms together). */
  dailyTraffic?: number | null;
}

export interface MeansInput {
  /** Standard deviation of the metric in the control arm (and the treatment arm unless sdTreatment). */
  sd: number;
  sdTreatment?: number;
  /** Minimum detectable difference in means, absolute (≠ 0). */
  mde: number;
  alpha?: number;
  power?: number;
  dailyTraffic?: number | null;
}

function checkLevels(where: string, alpha: number, power: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new InvalidArgumentsError(`${where}: alpha must be in (0, 1), got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new InvalidArgumentsError(`${where}: power must be in (0, 1), got ${power}`);
}

/** Days that `total` customers take at `dailyTraffic` a day; null without traffic. */
export function daysNeeded(total: number, dailyTraffic: number | null | undefined): number | null {
  if (dailyTraffic === null || dailyTraffic === undefined) return null;
  if (!(dailyTraffic > 0) || !Number.isFinite(dailyTraffic)) return null;
  return Math.ceil(total / dailyTraffic);
}

/** Per-arm sample size for comparing two proportions (Fleiss et al. eq. 4.14). */
export function twoProportionDesign(input: TwoProportionInput): Design {
  const alpha = input.alpha ?? DESIGN_DEFAULTS.alpha;
  const power = input.power ?? DESIGN_DEFAULTS.power;
  checkLevels('twoProportionDesign', alpha, power);
  const p1 = input.baseline;
  const p2 = p1 + input.mde;
  if (!(p1 > 0 && p1 < 1)) throw new InvalidArgumentsError(`twoProportionDesign: baseline must be in (0, 1), got ${p1}`);
  if (!(input.mde !== 0 && Number.isFinite(input.mde))) throw new InvalidArgumentsError(`twoProportionDesign: mde must be a non-zero number, got ${input.mde}`);
  if (!(p2 > 0 && p2 < 1)) throw new InvalidArgumentsError(`twoProportionDesign: baseline + mde must be in (0, 1), got ${p2}`);
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const root = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  const exact = (root * root) / (input.mde * input.mde);
  const perArm = Math.ceil(exact - 1e-9);
  return { perArm, total: 2 * perArm, days: daysNeeded(2 * perArm, input.dailyTraffic), exact, method: 'two-proportion' };
}

/** Per-arm sample size for a Welch t-test of two means. */
export function meansDesign(input: MeansInput): Design {
  const alpha = input.alpha ?? DESIGN_DEFAULTS.alpha;
  const power = input.power ?? DESIGN_DEFAULTS.power;
  checkLevels('meansDesign', alpha, power);
  const s1 = input.sd;
  const s2 = input.sdTreatment ?? input.sd;
  if (!(s1 > 0 && Number.isFinite(s1)) || !(s2 > 0 && Number.isFinite(s2))) {
    throw new InvalidArgumentsError(`meansDesign: standard deviations must be finite and > 0, got ${s1} and ${s2}`);
  }
  if (!(input.mde !== 0 && Number.isFinite(input.mde))) throw new InvalidArgumentsError(`meansDesign: mde must be a non-zero number, got ${input.mde}`);
  const v = s1 * s1 + s2 * s2;
  const d2 = input.mde * input.mde;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  let n = ((za + zb) ** 2 * v) / d2;
  for (let i = 0; i < 50; i++) {
    const m = Math.max(2, n);
    // Welch–Satterthwaite ν for two arms of size m
    const a = (s1 * s1) / m;
    const b = (s2 * s2) / m;
    const df = (a + b) ** 2 / ((a * a + b * b) / (m - 1));
    const next = ((tQuantile(1 - alpha / 2, df) + tQuantile(power, df)) ** 2 * v) / d2;
    if (Math.abs(next - n) < 1e-6) {
      n = next;
      break;
    }
    n = next;
  }
  const perArm = Math.max(2, Math.ceil(n - 1e-9));
  return { perArm, total: 2 * perArm, days: daysNeeded(2 * perArm, input.dailyTraffic), exact: n, method: 'welch-means' };
}
