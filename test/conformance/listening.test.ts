/**
 * Conformance of social listening (src/listening/, the brand step's share of voice and sentiment)
 * on DuckDB, Postgres and chdb with the Twitter US airline tweets (shared/data SOURCES.md): 14,640
 * tweets ingested into each engine, scored once per engine, and analyzeListening gives the same
 * result field by field — counts exact, shares and mean scores to 1e-9 — including the complaint
 * terms (words split, filtered and ranked in SQL) and the rating agreement; the brand step's share
 * of voice over the six airlines is the same and matches the published split (United 3,822 tweets);
 * and `analyze` on the tweets is the same on every engine field by field (engines.ts, analyzeEach).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeListening, scoreStoreTexts } from '../../src/listening/index.js';
import type { ListeningResult } from '../../src/listening/types.js';
import { analyzeBrand } from '../../src/brand/index.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, analyzeEach, assertSameAsDuckDb, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

let env: Engines;
const results = {} as Record<EngineName, ListeningResult>;

before(async () => {
  env = await openEngines('tweets');
  const reports = await ingestEach(env, sharedData('twitter_airline', 'Tweets.csv'), 'twitter_airline');
  for (const e of ENGINES) assert.equal(reports[e].accepted, 14_640, e);
  for (const e of ENGINES) {
    const t = Date.now();
    results[e] = await analyzeListening(env.stores[e], { period: 'day', method: 'vader' });
    console.log(`${e}: listening ${Date.now() - t} ms`);
  }
});
after(async () => env?.close());

test('every tweet is scored once on each engine, and a second run scores nothing new', async () => {
  for (const e of ENGINES) {
    assert.equal(results[e].scoring.eventsScored, 14_640, e);
    assert.equal(results[e].scoring.textsScored, results.duckdb.scoring.textsScored, e);
    const again = await scoreStoreTexts(env.stores[e], { method: 'vader', types: ['review', 'mention'], batchSize: 10_000 });
    assert.equal(again.eventsScored, 0, e);
    assert.equal(again.eventsAlreadyScored, 14_640, e);
  }
});

test('sentiment per airline and per day, complaint terms and rating agreement are the same on every engine', () => {
  const r = results.duckdb;
  assert.equal(r.overall.scored, 14_640);
  assert.equal(r.items.length, 6);
  assert.ok(r.overTime.length >= 40, `${r.overTime.length} (day, airline) cells`);
  assert.ok(r.complaintTerms.some((c) => c.itemId === 'United' && c.terms.length > 0), 'complaint terms found');
  assertSameAsDuckDb(results, () => false);
});

test('the brand step\'s share of voice over the six airlines is the same on every engine', async () => {
  for (const e of ENGINES) {
    const b = await analyzeBrand(env.stores[e], { period: 'day', listening: false, brandModels: 0, bootstrap: 0, brandBootstrap: 0 });
    assert.equal(b.shareOfVoice?.brands, 6, e);
    assert.equal(b.shareOfVoice?.totalEvents, 14_640, e);
    assert.deepEqual(b.shareOfVoice!.items[0], { itemId: 'United', events: 3822, customers: b.shareOfVoice!.items[0].customers, share: 3822 / 14_640 }, e);
  }
});

let analyzed: Awaited<ReturnType<typeof analyzeEach>> | null = null;
/** The brand step's listening scores texts with the default `ensemble` method, in process order. */
const isEnsembleListening = (d: string): boolean => d.startsWith('.brand.listening.');

test('analyze on the tweets gives the same result on every engine, field by field (the ensemble sentiment apart: below)', async () => {
  analyzed = await analyzeEach(env, { now: new Date('2015-03-01T00:00:00Z') });
  for (const e of ENGINES) assert.equal(analyzed.results[e].overview.events, 14_640, e);
  for (const e of ['postgres', 'chdb'] as const) {
    const diffs: string[] = analyzed.diffs[e].filter((d) => !isEnsembleListening(d));
    assert.deepEqual(diffs.slice(0, 15), [], `${e} differs from duckdb in ${diffs.length} fields`);
  }
});

// Known disagreement, not an engine's: winkNLP (a feature of the `ensemble` sentiment model) adds a
// word it does not know to its lexicon the first time it reads it, and the same text then scores
// differently (0.245, then 0.49 on "…the pre-boards..."), so a text's score depends on the texts
// scored before it in the process — here DuckDB's analysis runs first and 5 of 14,640 tweets score
// differently on the engines after it. Reading each text twice fixes it but changes the features the
// shipped models were trained on (src/listening/evaluation.test.ts), so the fix needs a retraining.
test('the brand step\'s ensemble sentiment of the tweets is the same on every engine', { todo: 'winkNLP learns unknown words on first reading: scores depend on the process history (retrain the shipped models on twice-read features)' }, () => {
  assert.ok(analyzed, 'analyze ran');
  for (const e of ['postgres', 'chdb'] as const) {
    const diffs: string[] = analyzed.diffs[e].filter(isEnsembleListening);
    assert.deepEqual(diffs.slice(0, 15), [], `${e} differs from duckdb in ${diffs.length} fields`);
  }
});
