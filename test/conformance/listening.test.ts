/**
 * Conformance of social listening (src/listening/, the brand step's share of voice and sentiment)
 * on DuckDB, Postgres and chdb with the Twitter US airline tweets (shared/data SOURCES.md): 14,640
 * tweets ingested into each engine, scored once per engine, and analyzeListening gives the same
 * result field by field — counts exact, shares and mean scores to 1e-9 — including the complaint
 * terms (words split, filtered and ranked in SQL) and the rating agreement; the brand step's share
 * of voice over the six airlines is the same and matches the published split (United 3,822 tweets).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeListening, scoreStoreTexts } from '../../src/listening/index.js';
import type { ListeningResult } from '../../src/listening/types.js';
import { analyzeBrand } from '../../src/brand/index.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, assertSameAsDuckDb, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

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
