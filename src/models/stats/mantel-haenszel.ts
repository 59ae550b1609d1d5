/**
 * Mantel–Haenszel risk ratio over strata of 2×2 tables (treated / control × outcome yes / no), with
 * the Greenland & Robins (1985, Biometrics 41:55–68) variance of its log and a normal interval on
 * that scale. Rothman, Greenland & Lash, Modern Epidemiology (3rd ed.), ch. 15, eq. 15-17/15-19:
 *
 *   RR_MH = Σ a·n0/N / Σ c·n1/N,   Var(ln RR_MH) = Σ (n1·n0·(a + c) − a·c·N)/N² / (Σ a·n0/N · Σ c·n1/N)
 *
 * with a / n1 the treated units with the outcome / all treated units of a stratum, c / n0 the same
 * for the controls, N = n1 + n0. The one implementation behind the funnel's peer/firm touch effect
 * and the network's peer effect on prospects' decisions.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { normalQuantile } from '../var/special.js';

export interface RiskStratum {
  /** Treated units with the outcome, and all treated units. */
  a: number;
  n1: number;
  /** Control units with the outcome, and all control units. */
  c: number;
  n0: number;
}

export interface MantelHaenszelOptions {
  /** Coverage of the interval, in (0, 1). */
  level: number;
  /** A stratum counts when it has a treated unit and at least this many controls. */
  minControls: number;
}

export const MANTEL_HAENSZEL_DEFAULTS: MantelHaenszelOptions = { level: 0.95, minControls: 1 };

export interface MantelHaenszelRiskRatio {
  /** null when no counted stratum has an outcome among the treated (numerator 0) or the controls (denominator 0). */
  estimate: number | null;
  /** Standard error of the ratio by the delta method (estimate × se of its log). */
  se: number | null;
  seLog: number | null;
  lower: number | null;
  upper: number | null;
  /** Strata that counted. */
  strata: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

export function mantelHaenszelRiskRatio(strata: Iterable<RiskStratum>, options: Partial<MantelHaenszelOptions> = {}): MantelHaenszelRiskRatio {
  const o = { ...MANTEL_HAENSZEL_DEFAULTS, ...options };
  if (!(o.level > 0 && o.level < 1)) throw new InvalidArgumentsError(`mantelHaenszelRiskRatio: level must be in (0,1), got ${o.level}`);
  if (!(Number.isInteger(o.minControls) && o.minControls >= 1)) throw new InvalidArgumentsError(`mantelHaenszelRiskRatio: minControls must be an integer >= 1, got ${o.minControls}`);
  const z = normalQuantile(0.5 + o.level / 2);
  let num = 0, den = 0, v = 0, used = 0;
  for (const s of strata) {
    if (!(s.a >= 0 && s.c >= 0 && s.n1 >= 0 && s.n0 >= 0)) {
      throw new InvalidArgumentsError(`mantelHaenszelRiskRatio: a stratum's counts must be >= 0, got a=${s.a}, n1=${s.n1}, c=${s.c}, n0=${s.n0}`);
    }
    if (s.n1 === 0 || s.n0 < o.minControls) continue; // a stratum without both groups carries no comparison
    const N = s.n1 + s.n0;
    used++;
    num += (s.a * s.n0) / N;
    den += (s.c * s.n1) / N;
    v += (s.n1 * s.n0 * (s.a + s.c) - s.a * s.c * N) / (N * N);
  }
  if (num === 0 || den === 0) return { estimate: null, se: null, seLog: null, lower: null, upper: null, strata: used };
  const rr = num / den;
  const seLog = Math.sqrt(Math.max(0, v) / (num * den));
  return { estimate: finite(rr), se: finite(rr * seLog), seLog: finite(seLog), lower: finite(rr * Math.exp(-z * seLog)), upper: finite(rr * Math.exp(z * seLog)), strata: used };
}
