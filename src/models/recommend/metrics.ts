/**
 * Top-k ranking metrics for a time-split evaluation (recall@k, NDCG@k with binary relevance, hit
 * rate, catalogue coverage). Recall@k of a customer = hits in the top k / their relevant items (all
 * of them, not min(k, |rel|)), averaged over customers with at least one relevant item; NDCG@k =
 * Σ_hits 1/log2(rank + 1) / Σ_{r ≤ min(k, |rel|)} 1/log2(r + 1) (Järvelin & Kekäläinen 2002).
 */
import { InvalidArgumentsError } from '../numeric/errors.js';

/** One evaluated customer: how many items were relevant, and the 1-based ranks (≤ k) of the hits. */
export interface CustomerHits {
  relevant: number;
  hitRanks: readonly number[];
}

export interface RankingMetrics {
  customers: number;
  recall: number | null;
  ndcg: number | null;
  hitRate: number | null;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentsError(`metrics: k must be an integer >= 1, got ${k}`);
}

/** Ideal DCG for `relevant` items at cutoff k: Σ_{r=1}^{min(k, relevant)} 1/log2(r+1). */
export function idealDcg(relevant: number, k: number): number {
  let s = 0;
  for (let r = 1; r <= Math.min(k, relevant); r++) s += 1 / Math.log2(r + 1);
  return s;
}

export function recallAtK(c: CustomerHits, k: number): number {
  checkK(k);
  if (!(c.relevant > 0)) throw new InvalidArgumentsError('recallAtK: a customer needs at least one relevant item');
  const hits = c.hitRanks.filter((r) => r >= 1 && r <= k).length;
  if (hits > c.relevant) throw new InvalidArgumentsError(`recallAtK: ${hits} hits but only ${c.relevant} relevant items`);
  return hits / c.relevant;
}

export function ndcgAtK(c: CustomerHits, k: number): number {
  checkK(k);
  if (!(c.relevant > 0)) throw new InvalidArgumentsError('ndcgAtK: a customer needs at least one relevant item');
  let dcg = 0;
  for (const r of c.hitRanks) if (r >= 1 && r <= k) dcg += 1 / Math.log2(r + 1);
  return dcg / idealDcg(c.relevant, k);
}

/** Means over customers; null (not NaN) when there is no customer to evaluate. */
export function rankingMetrics(customers: readonly CustomerHits[], k: number): RankingMetrics {
  checkK(k);
  if (customers.length === 0) return { customers: 0, recall: null, ndcg: null, hitRate: null };
  let recall = 0;
  let ndcg = 0;
  let hit = 0;
  for (const c of customers) {
    recall += recallAtK(c, k);
    ndcg += ndcgAtK(c, k);
    if (c.hitRanks.some((r) => r >= 1 && r <= k)) hit++;
  }
  const n = customers.length;
  return { customers: n, recall: recall / n, ndcg: ndcg / n, hitRate: hit / n };
}

/** Share of the catalogue (items seen in training) that appears in at least one top-k list. */
export function coverage(recommendedItems: number, catalogueItems: number): number | null {
  if (!(catalogueItems > 0)) return null;
  if (recommendedItems < 0 || recommendedItems > catalogueItems) {
    throw new InvalidArgumentsError(`coverage: ${recommendedItems} recommended items of a catalogue of ${catalogueItems}`);
  }
  return recommendedItems / catalogueItems;
}
