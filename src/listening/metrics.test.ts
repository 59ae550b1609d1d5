import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, evaluate, labelByThresholds, spearman, tuneThresholds, type SentimentLabel } from './metrics.js';
import { lexiconTerms } from './tokens.js';

test('evaluate: accuracy, per-class F1 and macro-F1 by hand', () => {
  const truth: SentimentLabel[] = ['negative', 'negative', 'neutral', 'positive', 'positive', 'negative'];
  const pred: SentimentLabel[] = ['negative', 'neutral', 'neutral', 'positive', 'negative', 'negative'];
  const e = evaluate(truth, pred);
  assert.equal(e.accuracy, 4 / 6);
  // negative: tp 2, predicted 3, true 3 → 2·2/6; neutral: tp 1, predicted 2, true 1 → 2/3; positive: tp 1, predicted 1, true 2 → 2/3.
  assert.deepEqual(e.f1.map((x) => x.toFixed(6)), [4 / 6, 2 / 3, 2 / 3].map((x) => x.toFixed(6)));
  assert.equal(e.macroF1.toFixed(6), ((4 / 6 + 2 / 3 + 2 / 3) / 3).toFixed(6));
  assert.deepEqual(e.confusion, [[2, 1, 0], [0, 1, 0], [1, 0, 1]]);
  assert.throws(() => evaluate(['negative'], []), /1 true labels but 0/);
  assert.throws(() => evaluate(['bad' as SentimentLabel], ['negative']), /unknown label/);
});

test('labelByThresholds: the neutral band is closed at both ends', () => {
  const t = { negativeMax: -0.05, positiveMin: 0.05 };
  assert.equal(labelByThresholds(-0.05, t), 'negative');
  assert.equal(labelByThresholds(0.05, t), 'positive');
  assert.equal(labelByThresholds(0.0499, t), 'neutral');
});

test('tuneThresholds finds the band that separates three well-ordered classes', () => {
  const scores = [-0.9, -0.8, -0.7, -0.1, 0, 0.1, 0.7, 0.8, 0.9];
  const truth: SentimentLabel[] = ['negative', 'negative', 'negative', 'neutral', 'neutral', 'neutral', 'positive', 'positive', 'positive'];
  const t = tuneThresholds(scores, truth, 20);
  assert.equal(evaluate(truth, scores.map((s) => labelByThresholds(s, t))).macroF1, 1);
});

test('spearman: ties get average ranks; constant input gives null', () => {
  assert.deepEqual([...averageRanks([10, 20, 20, 5])], [2, 3.5, 3.5, 1]);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), null);
  // x = 1,2,2,3 vs y = 1,3,2,4: ranks 1,2.5,2.5,4 vs 1,3,2,4 → ρ = 4.5 / sqrt(4.5·5).
  assert.equal(spearman([1, 2, 2, 3], [1, 3, 2, 4])!.toFixed(6), (4.5 / Math.sqrt(4.5 * 5)).toFixed(6));
});

test('lexiconTerms: handles, URLs dropped; negation scope marked up to punctuation', () => {
  assert.deepEqual(lexiconTerms("@united I'm not happy with the wait, thanks http://t.co/x"), [
    "i'm", 'not', 'not_happy', 'not_with', 'not_the', 'not_wait', 'thanks',
  ]);
  assert.deepEqual(lexiconTerms("Why didn't anyone call?!"), ['why', 'didnt', 'not_anyone', 'not_call', '?', '!']);
});
