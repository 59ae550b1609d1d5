import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_METHOD, scoreSentiment, SENTIMENT_METHODS } from './score.js';

test('scoreSentiment: the default method is the ensemble', () => {
  assert.equal(DEFAULT_METHOD, 'ensemble');
});

for (const method of SENTIMENT_METHODS) {
  test(`scoreSentiment(${method}): obvious cases, order kept, blank text neutral`, () => {
    const out = scoreSentiment(
      ['I love this, the crew was wonderful!', '', 'Worst service ever. Flight cancelled and my bag is lost.', '   '],
      { method },
    );
    assert.equal(out.length, 4);
    assert.equal(out[0].label, 'positive');
    assert.equal(out[2].label, 'negative');
    assert.ok(out[0].score > 0 && out[2].score < 0);
    assert.deepEqual(out[1], { score: 0, label: 'neutral' });
    assert.deepEqual(out[3], { score: 0, label: 'neutral' });
    for (const s of out) assert.ok(s.score >= -1 && s.score <= 1);
  });
}

test('scoreSentiment: a plain question is neutral under the default', () => {
  assert.equal(scoreSentiment(['What time does the gate open for flight 123?'])[0].label, 'neutral');
});

test('scoreSentiment rejects unknown methods and non-strings', () => {
  assert.throws(() => scoreSentiment(['x'], { method: 'bert' as never }), /unknown method "bert"/);
  assert.throws(() => scoreSentiment([null as unknown as string]), /text 0 is null/);
});

test('scoreSentiment(vader) honours custom thresholds', () => {
  const [s] = scoreSentiment(['good'], { method: 'vader' });
  const [t] = scoreSentiment(['good'], { method: 'vader', thresholds: { negativeMax: -0.9, positiveMin: 0.9 } });
  assert.equal(s.label, 'positive');
  assert.equal(t.label, 'neutral');
  assert.equal(s.score, t.score);
});
