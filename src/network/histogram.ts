/**
 * Histograms of non-negative integer distributions (degrees, core numbers, community and cascade
 * sizes) small enough for JSON at any graph size: one bin per value while the values stay small,
 * power-of-two bins ([0], [1], [2–3], [4–7], …) for heavy tails.
 */
import { InvalidArgumentsError } from './errors.js';

export interface HistogramBin {
  /** Inclusive bounds. */
  lo: number;
  hi: number;
  count: number;
}

export interface Histogram {
  scale: 'linear' | 'log2';
  bins: HistogramBin[];
  total: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  median: number | null;
}

export function integerHistogram(values: ArrayLike<number>, opts: { exactUpTo?: number } = {}): Histogram {
  const exactUpTo = opts.exactUpTo ?? 32;
  const n = values.length;
  if (n === 0) return { scale: 'linear', bins: [], total: 0, min: null, max: null, mean: null, median: null };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (!(Number.isInteger(x) && x >= 0)) throw new InvalidArgumentsError(`integerHistogram: value ${x} at ${i} is not a non-negative integer`);
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const bins: HistogramBin[] = [];
  let scale: Histogram['scale'];
  if (max <= exactUpTo) {
    scale = 'linear';
    const counts = new Float64Array(max - min + 1);
    for (let i = 0; i < n; i++) counts[values[i] - min]++;
    for (let v = min; v <= max; v++) bins.push({ lo: v, hi: v, count: counts[v - min] });
  } else {
    scale = 'log2';
    const binOf = (x: number): number => (x === 0 ? 0 : 1 + Math.floor(Math.log2(x)));
    const counts = new Float64Array(binOf(max) + 1);
    for (let i = 0; i < n; i++) counts[binOf(values[i])]++;
    for (let b = binOf(min); b < counts.length; b++) {
      const lo = b === 0 ? 0 : 2 ** (b - 1);
      bins.push({ lo, hi: b === 0 ? 0 : 2 * lo - 1, count: counts[b] });
    }
  }
  return { scale, bins, total: n, min, max, mean: sum / n, median: medianOf(values) };
}

function medianOf(values: ArrayLike<number>): number {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  return n % 2 === 1 ? x[(n - 1) / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/** Mean, median and max of real values, null when empty. */
export function summary(values: ArrayLike<number>): { count: number; mean: number | null; median: number | null; max: number | null } {
  const n = values.length;
  if (n === 0) return { count: 0, mean: null, median: null, max: null };
  let s = 0;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    s += values[i];
    if (values[i] > max) max = values[i];
  }
  return { count: n, mean: s / n, median: medianOf(values), max };
}
