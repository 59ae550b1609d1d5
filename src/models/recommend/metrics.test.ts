import { test } from 'node:test';
import assert from 'node:assert/strict';
import { idealDcg, ndcgAtK, rankingMetrics, recallAtK, coverage } from './metrics.js';

test('recall@k divides hits in the top k by all relevant items, not min(k, |rel|)', () => {
  assert.equal(recallAtK({ relevant: 20, hitRanks: [1, 5, 12] }, 10), 2 / 20);
  assert.equal(recallAtK({ relevant: 2, hitRanks: [] }, 10), 0);
});

test('NDCG@k matches a hand computation (hits at ranks 1 and 3 of 2 relevant)', () => {
  const dcg = 1 / Math.log2(2) + 1 / Math.log2(4);
  const idcg = 1 / Math.log2(2) + 1 / Math.log2(3);
  assert.ok(Math.abs(ndcgAtK({ relevant: 2, hitRanks: [1, 3] }, 10) - dcg / idcg) < 1e-15);
  assert.equal(ndcgAtK({ relevant: 1, hitRanks: [1] }, 10), 1);
  assert.ok(Math.abs(idealDcg(30, 10) - idealDcg(10, 10)) < 1e-15, 'the ideal DCG stops at k');
});

test('rankingMetrics averages over customers and gives nulls, not NaN, for none', () => {
  const m = rankingMetrics([{ relevant: 1, hitRanks: [2] }, { relevant: 4, hitRanks: [] }], 10);
  assert.equal(m.customers, 2);
  assert.equal(m.recall, 0.5);
  assert.equal(m.hitRate, 0.5);
  assert.ok(Math.abs((m.ndcg as number) - 1 / Math.log2(3) / 2) < 1e-15);
  assert.deepEqual(rankingMetrics([], 10), { customers: 0, recall: null, ndcg: null, hitRate: null });
  assert.equal(coverage(3, 0), null);
  assert.equal(coverage(3, 12), 0.25);
});

test('metrics reject impossible input', () => {
  assert.throws(() => recallAtK({ relevant: 0, hitRanks: [] }, 10), /relevant/);
  assert.throws(() => recallAtK({ relevant: 1, hitRanks: [1, 2] }, 10), /2 hits but only 1/);
  assert.throws(() => rankingMetrics([], 0), /k must be/);
});
