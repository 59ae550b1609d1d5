import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseBest } from './select.js';

test('chooseBest takes the highest recall, breaks ties by NDCG then by order, and skips nulls', () => {
  const best = chooseBest([
    { candidate: 'a', recall: 0.1, ndcg: 0.05 },
    { candidate: 'b', recall: null, ndcg: null },
    { candidate: 'c', recall: 0.2, ndcg: 0.01 },
    { candidate: 'd', recall: 0.2, ndcg: 0.02 },
    { candidate: 'e', recall: 0.2, ndcg: 0.02 },
  ]);
  assert.equal(best?.candidate, 'd');
  assert.equal(chooseBest([{ candidate: 'x', recall: null, ndcg: null }]), null);
});
