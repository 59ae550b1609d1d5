/**
 * Social listening through the store on real data: the 14,640 airline tweets as `mention` events
 * (14,485 distinct tweet_ids: an id repeated in the file is one event and counts once), and the
 * Amazon fashion reviews with their star ratings.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { sharedData } from '../../test/helpers/paths.js';
import { analyzeListening } from './analyze.js';
import { scoreSentiment } from './score.js';
import type { ListeningResult } from './types.js';

const TWEETS = sharedData('twitter_airline', 'Tweets.csv');
const AMAZON = sharedData('amazon_fashion', 'AMAZON_FASHION_5.jsonl');

let store: DuckDbStore;
let result: ListeningResult;

const INSERT_TWEETS = `
  INSERT INTO events (event_id, customer_id, ts, type, item_id, text, source)
  SELECT tweet_id, name, timezone('UTC', strptime(tweet_created, '%Y-%m-%d %H:%M:%S %z')), 'mention', airline, text, 'Tweets.csv'
    FROM read_csv(?, header = true, all_varchar = true)`;

before(async () => {
  store = await DuckDbStore.open(':memory:', { threads: 1 });
  await store.query(INSERT_TWEETS, [TWEETS]);
  result = await analyzeListening(store, { types: ['mention'], period: 'day' });
});
after(async () => store.close());

test('tweets: share of voice per airline equals a direct count of distinct tweet_ids', async () => {
  const direct = await store.query<{ item_id: string; rows: number; events: number }>(
    `SELECT item_id, count(*) AS rows, count(DISTINCT event_id) AS events FROM events GROUP BY item_id ORDER BY events DESC`,
  );
  assert.equal(direct.reduce((s, r) => s + r.rows, 0), 14_640);
  assert.equal(result.overall.events, 14_485);
  assert.deepEqual(
    result.items.map((i) => [i.itemId, i.events]),
    direct.map((r) => [r.item_id, r.events]),
  );
  const united = result.items.find((i) => i.itemId === 'United')!;
  assert.equal(united.events, 3822);
  assert.equal(united.shareOfVoice, 3822 / 14_485);
  // American's 2,759 rows hold 155 repeats of the same tweets: counted once each.
  assert.equal(result.items.find((i) => i.itemId === 'American')!.events, 2604);
  assert.ok(Math.abs(result.items.reduce((s, i) => s + (i.shareOfVoice ?? 0), 0) - 1) < 1e-12);
});

test('tweets: every distinct text scored once, every event gets one score, re-runs are incremental', async () => {
  assert.deepEqual(result.scoring, { textsScored: 14_427, eventsScored: 14_485, eventsAlreadyScored: 0 });
  const [{ rows, ids }] = await store.query<{ rows: number; ids: number }>(
    `SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM text_sentiment WHERE method = 'ensemble'`,
  );
  assert.equal(rows, 14_485);
  assert.equal(ids, 14_485);
  const again = await analyzeListening(store, { types: ['mention'], period: 'day' });
  assert.deepEqual(again.scoring, { textsScored: 0, eventsScored: 0, eventsAlreadyScored: 14_485 });
  assert.deepEqual(again.items, result.items);
  // Same per-text scores as calling scoreSentiment directly.
  const sample = await store.query<{ text: string; score: number; label: string }>(
    `SELECT e.text, s.score, s.label FROM events e JOIN text_sentiment s USING (event_id) ORDER BY e.event_id LIMIT 25`,
  );
  const direct = scoreSentiment(sample.map((r) => r.text));
  sample.forEach((r, i) => {
    assert.equal(r.label, direct[i].label);
    assert.ok(Math.abs(r.score - direct[i].score) < 1e-12);
  });
});

test('tweets: sentiment per airline and day adds up to the per-airline totals', () => {
  for (const item of result.items) {
    const days = result.overTime.filter((p) => p.itemId === item.itemId);
    assert.equal(days.reduce((s, p) => s + p.scored, 0), item.scored, String(item.itemId));
    const mean = days.reduce((s, p) => s + p.scored * (p.meanScore ?? 0), 0) / item.scored;
    assert.ok(Math.abs(mean - (item.meanScore ?? NaN)) < 1e-9);
  }
  assert.deepEqual([...new Set(result.overTime.map((p) => p.period))].sort().slice(0, 2), ['2015-02-17', '2015-02-18']);
  for (const p of result.overTime) assert.match(p.period, /^\d{4}-\d{2}-\d{2}$/);
  // Virgin America and Delta get the warmest tweets, US Airways the coldest (as the human labels say).
  const net = new Map(result.items.map((i) => [i.itemId, i.netSentiment!]));
  assert.ok(net.get('US Airways')! < net.get('Delta')! && net.get('US Airways')! < net.get('Virgin America')!);
});

test('tweets: United complaint terms are about delays, cancellations and bags', () => {
  const united = result.complaintTerms.find((c) => c.itemId === 'United')!;
  assert.ok(united.negativeTexts > 1000);
  const terms = united.terms.map((t) => t.term);
  const relevant = ['delayed', 'delay', 'cancelled', 'lost', 'bag', 'bags', 'luggage', 'late', 'worst', 'hold', 'gate', 'seat'];
  assert.ok(terms.filter((t) => relevant.includes(t)).length >= 5, terms.join(' '));
  assert.ok(!terms.includes('united') && !terms.includes('the'));
  for (const t of united.terms) assert.ok(t.lift >= 1.5 && t.docs >= 5);
  for (let i = 1; i < united.terms.length; i++) assert.ok(united.terms[i - 1].docs >= united.terms[i].docs);
});

test('tweets: the result is plain JSON (no NaN, no undefined)', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
  const walk = (v: unknown): void => {
    if (typeof v === 'number') assert.ok(Number.isFinite(v));
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(result);
});

test('batches of 7 texts give the same scores as one batch', async () => {
  const small = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    await small.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, text)
      SELECT tweet_id, name, TIMESTAMP '2015-02-20', 'mention', airline, text
        FROM read_csv('${TWEETS.replace(/'/g, "''")}', header = true, all_varchar = true) ORDER BY tweet_id LIMIT 40`);
    const r = await analyzeListening(small, { types: ['mention'], batchSize: 7, method: 'vader' });
    assert.equal(r.scoring.eventsScored, 40);
    const rows = await small.query<{ text: string; score: number }>(
      `SELECT e.text, s.score FROM events e JOIN text_sentiment s USING (event_id) WHERE s.method = 'vader' ORDER BY e.event_id`,
    );
    assert.equal(rows.length, 40);
    const direct = scoreSentiment(rows.map((x) => x.text), { method: 'vader' });
    rows.forEach((x, i) => assert.equal(x.score, direct[i].score));
  } finally {
    await small.close();
  }
});

test('Amazon reviews: mean sentiment rises with the stars, and agrees better than VADER', async () => {
  const s = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    await s.query(
      `INSERT INTO events (event_id, customer_id, ts, type, item_id, rating, text, source)
       SELECT reviewerID || '|' || asin || '|' || unixReviewTime, reviewerID, to_timestamp(unixReviewTime)::TIMESTAMP,
              'review', asin, overall, reviewText, 'AMAZON_FASHION_5.jsonl'
         FROM read_json_auto(?)`,
      [AMAZON],
    );
    const r = await analyzeListening(s, { period: 'month' });
    const ra = r.ratingAgreement!;
    assert.ok(ra.reviews > 2900, `reviews ${ra.reviews}`);
    assert.deepEqual(ra.meanScoreByRating.map((m) => m.rating), [1, 2, 3, 4, 5]);
    for (let i = 1; i < 5; i++) {
      assert.ok(ra.meanScoreByRating[i].meanScore > ra.meanScoreByRating[i - 1].meanScore, JSON.stringify(ra.meanScoreByRating));
    }
    assert.ok(ra.spearman! > 0.45, `Spearman ${ra.spearman}`);
    assert.ok(ra.bucketAccuracy! > 0.6 && ra.bucketMacroF1! > 0.4, JSON.stringify(ra));
    const vader = (await analyzeListening(s, { method: 'vader' })).ratingAgreement!;
    assert.ok(ra.spearman! > vader.spearman!, `ensemble ${ra.spearman} vs VADER ${vader.spearman}`);
    // Both methods' scores live side by side.
    const [{ methods }] = await s.query<{ methods: number }>(`SELECT count(DISTINCT method) AS methods FROM text_sentiment`);
    assert.equal(methods, 2);
  } finally {
    await s.close();
  }
});

test('thin data: no events, or events without text, give a clear warning and nulls, not NaN', async () => {
  const s = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    const empty = await analyzeListening(s);
    assert.equal(empty.overall.events, 0);
    assert.equal(empty.overall.meanScore, null);
    assert.equal(empty.overall.netSentiment, null);
    assert.deepEqual(empty.items, []);
    assert.equal(empty.ratingAgreement, null);
    assert.match(empty.warnings.join(' '), /no events of type review\/mention/);
    await s.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, rating) VALUES
      ('r1', 'c1', TIMESTAMP '2020-01-01', 'review', 'a', 5), ('r2', 'c2', TIMESTAMP '2020-01-02', 'review', 'a', 1)`);
    const noText = await analyzeListening(s);
    assert.equal(noText.overall.events, 2);
    assert.equal(noText.items[0].shareOfVoice, 1);
    assert.equal(noText.items[0].meanScore, null);
    assert.match(noText.warnings.join(' '), /none of the 2 review\/mention events has text/);
    assert.deepEqual(JSON.parse(JSON.stringify(noText)), noText);
    await assert.rejects(analyzeListening(s, { period: 'year' as never }), /period must be one of/);
  } finally {
    await s.close();
  }
});
