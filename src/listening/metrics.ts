/**
 * Three-class evaluation: confusion matrix, accuracy and macro-F1 (the unweighted mean of the
 * per-class F1, so the small neutral and positive classes count as much as the large negative one),
 * and thresholds that turn a polarity score into a label.
 */

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof LABELS)[number];

export class InvalidArgumentsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidArgumentsError';
  }
}

export function labelIndex(label: string): 0 | 1 | 2 {
  const i = LABELS.indexOf(label as SentimentLabel);
  if (i < 0) throw new InvalidArgumentsError(`sentiment: unknown label "${label}" (expected ${LABELS.join('/')})`);
  return i as 0 | 1 | 2;
}

/** Neutral band of a polarity score: score ≤ negativeMax → negative, score ≥ positiveMin → positive. */
export interface Thresholds {
  negativeMax: number;
  positiveMin: number;
}

export function labelByThresholds(score: number, t: Thresholds): SentimentLabel {
  if (score <= t.negativeMax) return 'negative';
  if (score >= t.positiveMin) return 'positive';
  return 'neutral';
}

export interface Evaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  /** F1 per class in LABELS order; 0 for a class never predicted and never true. */
  f1: [number, number, number];
  /** confusion[true][predicted], LABELS order. */
  confusion: number[][];
}

export function evaluate(truth: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): Evaluation {
  if (truth.length !== predicted.length) {
    throw new InvalidArgumentsError(`evaluate: ${truth.length} true labels but ${predicted.length} predictions`);
  }
  if (truth.length === 0) throw new InvalidArgumentsError('evaluate: no labelled texts');
  const cm = LABELS.map(() => LABELS.map(() => 0));
  for (let i = 0; i < truth.length; i++) cm[labelIndex(truth[i])][labelIndex(predicted[i])]++;
  let correct = 0;
  const f1 = [0, 0, 0] as [number, number, number];
  for (let k = 0; k < 3; k++) {
    correct += cm[k][k];
    const predictedK = cm[0][k] + cm[1][k] + cm[2][k];
    const trueK = cm[k][0] + cm[k][1] + cm[k][2];
    const denom = predictedK + trueK;
    f1[k] = denom === 0 ? 0 : (2 * cm[k][k]) / denom;
  }
  return { n: truth.length, accuracy: correct / truth.length, macroF1: (f1[0] + f1[1] + f1[2]) / 3, f1, confusion: cm };
}

/**
 * The neutral band that maximises macro-F1 on the given (training) scores: a grid search over
 * candidate cut points (score quantiles), negativeMax < positiveMin. Ties keep the first found,
 * so the result is deterministic.
 */
export function tuneThresholds(scores: readonly number[], truth: readonly SentimentLabel[], gridSize = 60): Thresholds {
  if (scores.length !== truth.length || scores.length === 0) {
    throw new InvalidArgumentsError('tuneThresholds: scores and labels must be non-empty and of equal length');
  }
  const sorted = [...scores].sort((a, b) => a - b);
  const cuts = new Set<number>();
  for (let g = 1; g < gridSize; g++) cuts.add(sorted[Math.floor((g / gridSize) * (sorted.length - 1))]);
  const grid = [...cuts].sort((a, b) => a - b);
  let best: Thresholds = { negativeMax: -0.05, positiveMin: 0.05 };
  let bestF1 = -1;
  for (let i = 0; i < grid.length; i++) {
    for (let j = i; j < grid.length; j++) {
      // positiveMin just above the cut so a score equal to a cut is never both.
      const t = { negativeMax: grid[i], positiveMin: j === i ? nextUp(grid[j]) : grid[j] };
      const f = evaluate(truth, scores.map((s) => labelByThresholds(s, t))).macroF1;
      if (f > bestF1) {
        bestF1 = f;
        best = t;
      }
    }
  }
  return best;
}

function nextUp(x: number): number {
  return x + Math.max(Math.abs(x) * 1e-12, 1e-12);
}

/** Ranks with ties averaged (1-based). */
export function averageRanks(x: readonly number[]): Float64Array {
  const order = Array.from(x.keys()).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(x.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && x[order[j]] === x[order[i]]) j++;
    for (let k = i; k < j; k++) r[order[k]] = (i + j + 1) / 2;
    i = j;
  }
  return r;
}

/** Spearman's rank correlation (Pearson on average ranks); null when either side is constant or n < 2. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new InvalidArgumentsError('spearman: x and y differ in length');
  const n = x.length;
  if (n < 2) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const m = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
