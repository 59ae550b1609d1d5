/**
 * Choosing a recommender on an inner validation split: the candidate with the highest recall@k,
 * ties (within `tolerance`) broken by NDCG@k, then by the order the candidates were given (simpler
 * first). Candidates whose metrics are null (nobody to evaluate) are skipped.
 */
import { InvalidArgumentsError } from '../numeric/errors.js';

export interface Scored<T> {
  candidate: T;
  recall: number | null;
  ndcg: number | null;
}

export function chooseBest<T>(scored: readonly Scored<T>[], tolerance = 1e-12): Scored<T> | null {
  if (!(tolerance >= 0)) throw new InvalidArgumentsError(`chooseBest: tolerance must be >= 0, got ${tolerance}`);
  let best: Scored<T> | null = null;
  for (const s of scored) {
    if (s.recall === null || s.ndcg === null || !Number.isFinite(s.recall) || !Number.isFinite(s.ndcg)) continue;
    if (best === null) {
      best = s;
      continue;
    }
    const dr = s.recall - (best.recall as number);
    if (dr > tolerance || (Math.abs(dr) <= tolerance && s.ndcg > (best.ndcg as number) + tolerance)) best = s;
  }
  return best;
}
