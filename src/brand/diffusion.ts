/**
 * Bass (1969) on new customers per period, through models/diffusion's fitBass.
 *
 * fitBass skips starts where every period's ΔF underflows to 0 (large (p + q)·T); if still no start
 * converges it throws, and this falls back to coarser periods. Bass is closed under a change of
 * time unit — F(t; p, q) = F(t/g; g·p, g·q) — so the fallback fits g-period totals and divides p,
 * q and their intervals by g (m is unchanged); the result says so in a warning.
 */
import { bassAdoptions, fitBass, type BassEstimate, type BassResult } from '../models/diffusion/index.js';
import { ConvergenceError } from '../models/var/index.js';

const GROUPINGS = [2, 3, 4, 6, 8, 12];

function rescale(e: BassEstimate | null, g: number): BassEstimate | null {
  if (!e) return null;
  const d = (x: number | null): number | null => (x === null ? null : x / g);
  return { estimate: e.estimate / g, se: d(e.se), lower: d(e.lower), upper: d(e.upper) };
}

/** fitBass, with the time-unit fallback when the optimiser does not converge. */
export function fitBassRobust(adoptions: readonly number[], periods: readonly string[], seed = 1): BassResult {
  try {
    return fitBass({ adoptions, periods }, { seed });
  } catch (e) {
    if (!(e instanceof ConvergenceError)) throw e;
    let last: unknown = e;
    for (const g of GROUPINGS) {
      const n = Math.floor(adoptions.length / g);
      if (n < 5) break;
      const grouped: number[] = [];
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < g; j++) s += adoptions[i * g + j];
        grouped.push(s);
      }
      let r: BassResult;
      try {
        r = fitBass({ adoptions: grouped }, { seed });
      } catch (e2) {
        last = e2;
        continue;
      }
      if (!r.p || !r.q || !r.m) return { ...r, periods: [...periods] };
      const p = r.p.estimate / g;
      const q = r.q.estimate / g;
      const m = r.m.estimate;
      const T = adoptions.length;
      const scaleDerived = (d: { estimate: number; lower: number; upper: number } | null) => (d ? { estimate: d.estimate * g, lower: d.lower * g, upper: d.upper * g } : null);
      return {
        ...r,
        warnings: [
          ...r.warnings,
          `fitted on ${g}-period totals (${n} of them${n * g < T ? `; the last ${T - n * g} period${T - n * g === 1 ? '' : 's'} left out` : ''}) because the optimiser did not converge on the ${T} single periods; p and q are per period (divided by ${g}), m is unchanged, logLik is that of the totals`,
        ],
        p: rescale(r.p, g),
        q: rescale(r.q, g),
        peakTime: scaleDerived(r.peakTime),
        peaked: r.peakTime ? r.peakTime.estimate * g <= T - 1 : r.peaked,
        cumulativeAdoptions: adoptions.reduce((a, b) => a + b, 0),
        fitted: Array.from(bassAdoptions(T, p, q, m)),
        periods: [...periods],
      };
    }
    throw last;
  }
}
