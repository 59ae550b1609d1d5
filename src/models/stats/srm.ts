/**
 * Sample ratio mismatch: a chi-square goodness-of-fit test of the customers per variant against the
 * planned split (GrowthBook's SRM check), flagged at p < 0.001. The p-value is Q(k−1 / 2, χ²/2), the
 * regularized upper incomplete gamma, so tiny p-values keep their digits.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';
import { incompleteGammaQ } from '../var/special.js';

export const SRM_DEFAULTS = { threshold: 0.001 } as const;

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  flagged: boolean;
  expected: number[];
}

/** `observed[i]` customers in variant i, `weights[i]` its planned share (any positive scale). */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[], threshold: number = SRM_DEFAULTS.threshold): SrmResult {
  if (observed.length !== weights.length) throw new InvalidArgumentsError(`sampleRatioMismatch: ${observed.length} counts but ${weights.length} weights`);
  if (observed.length < 2) throw new InvalidArgumentsError('sampleRatioMismatch: needs at least two variants');
  if (weights.some((w) => !(w > 0) || !Number.isFinite(w))) throw new InvalidArgumentsError(`sampleRatioMismatch: weights must be finite and > 0, got ${weights.join(',')}`);
  if (observed.some((o) => !(o >= 0) || !Number.isFinite(o))) throw new InvalidArgumentsError(`sampleRatioMismatch: counts must be finite and >= 0, got ${observed.join(',')}`);
  const total = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  const expected = weights.map((w) => (total * w) / wsum);
  let chiSquare = 0;
  for (let i = 0; i < observed.length; i++) if (expected[i] > 0) chiSquare += (observed[i] - expected[i]) ** 2 / expected[i];
  const df = observed.length - 1;
  const pValue = total === 0 ? 1 : incompleteGammaQ(df / 2, chiSquare / 2);
  return { chiSquare, df, pValue, flagged: pValue < threshold, expected };
}
