/**
 * The sentiment table on the 14,485 human-labelled airline tweets (Crowdflower 2015), recomputed:
 * the shipped models must be what their recipes give on the train split, and on the seeded test
 * split they must beat the stated floors and plain VADER (compound ±0.05) by macro-F1.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { sharedData } from '../../test/helpers/paths.js';
import { readLabelledCsv, splitTrainTest, type LabelledText } from './evaluation.js';
import { evaluate, labelByThresholds, type Evaluation } from './metrics.js';
import { vaderScores } from './libraries.js';
import { RECIPES, SPLIT, prepareTrain, trainRecipe, type ModelName } from './recipes.js';
import { SHIPPED_MODELS } from './models/index.js';
import { scoreSentiment, VADER_THRESHOLDS } from './score.js';
import type { PreparedText } from './train.js';

let all: LabelledText[];
let train: LabelledText[];
let test_: LabelledText[];
let prepared: PreparedText[];
const results = new Map<string, Evaluation>();

before(async () => {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  all = await readLabelledCsv(store, sharedData('twitter_airline', 'Tweets.csv'), {
    id: 'tweet_id',
    text: 'text',
    label: 'airline_sentiment',
    confidence: 'airline_sentiment_confidence',
  });
  await store.close();
  ({ train, test: test_ } = splitTrainTest(all, SPLIT.seed, SPLIT.testShare));
  prepared = prepareTrain(train);
  const truth = test_.map((t) => t.label);
  const texts = test_.map((t) => t.text);
  results.set('vader', evaluate(truth, texts.map((t) => labelByThresholds(vaderScores(t).compound, VADER_THRESHOLDS))));
  for (const m of ['ensemble', 'ensemble+lexicon'] as const) results.set(m, evaluate(truth, scoreSentiment(texts, { method: m }).map((s) => s.label)));
});

test('tweets: 14,485 distinct labelled tweets, split 70/30 without overlap', () => {
  assert.equal(all.length, 14_485);
  assert.deepEqual(
    [...new Set(all.map((t) => t.label))].sort().map((l) => [l, all.filter((t) => t.label === l).length]),
    [['negative', 9084], ['neutral', 3068], ['positive', 2333]],
  );
  assert.equal(test_.length, 4346);
  const ids = new Set(train.map((t) => t.id));
  assert.ok(test_.every((t) => !ids.has(t.id)));
});

for (const name of Object.keys(RECIPES) as ModelName[]) {
  test(`shipped model "${name}" is what its recipe learns from the train split alone`, () => {
    const fresh = trainRecipe(name, prepared);
    const shipped = SHIPPED_MODELS[name];
    assert.deepEqual(Object.keys(fresh.terms), Object.keys(shipped.terms));
    const flat = (m: typeof fresh): number[] => [...m.bias, ...m.libraryWeights.flat(), ...Object.values(m.terms).flat()];
    const a = flat(fresh);
    const b = flat(shipped);
    const worst = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
    assert.ok(worst < 1e-4, `largest weight difference ${worst}`);
  });
}

test('plain VADER on the test split: the baseline (recorded, sanity-bounded)', () => {
  const v = results.get('vader')!;
  assert.ok(v.macroF1 > 0.45 && v.macroF1 < 0.56, `VADER macro-F1 ${v.macroF1}`);
  assert.ok(v.accuracy > 0.5 && v.accuracy < 0.6, `VADER accuracy ${v.accuracy}`);
});

test('default "ensemble" on the test split: accuracy ≥ 0.62, macro-F1 ≥ 0.60, and ≥ VADER + 0.08 macro-F1', () => {
  const e = results.get('ensemble')!;
  const v = results.get('vader')!;
  assert.ok(e.accuracy >= 0.62, `accuracy ${e.accuracy}`);
  assert.ok(e.macroF1 >= 0.6, `macro-F1 ${e.macroF1}`);
  assert.ok(e.macroF1 >= v.macroF1 + 0.08, `ensemble ${e.macroF1} vs VADER ${v.macroF1}`);
  assert.ok(e.accuracy > v.accuracy);
});

test('"ensemble+lexicon" on the test split: accuracy ≥ 0.80, macro-F1 ≥ 0.74', () => {
  const e = results.get('ensemble+lexicon')!;
  assert.ok(e.accuracy >= 0.8, `accuracy ${e.accuracy}`);
  assert.ok(e.macroF1 >= 0.74, `macro-F1 ${e.macroF1}`);
  // Every class is found, not just the majority.
  for (const f of e.f1) assert.ok(f > 0.6, `per-class F1 ${e.f1}`);
});
