/**
 * Every data set in ../shared/data ingests with its bundled mapping, and the facts in
 * shared/data/SOURCES.md hold in the store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedData } from '../helpers/paths.js';
import { memoryStoreWith } from '../helpers/ingest.js';

test('CDNOW master: 69,659 rows (215 repeated lines kept), 23,570 customers, $2,500,315.63 (SOURCES.md §1)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
  assert.equal(report.accepted, 69_659);
  assert.equal(report.rejected, 0);
  assert.equal(report.duplicates, 0);
  const [r] = await store.query<{ n: number; c: number; amt: number; qty: number; zero: number; first: Date; last: Date }>(
    `SELECT count(*) n, count(DISTINCT customer_id) c, round(sum(amount), 2) amt, sum(quantity) qty,
            count(*) FILTER (WHERE amount = 0) zero, min(ts) AS "first", max(ts) AS "last" FROM events WHERE type = 'purchase'`,
  );
  assert.equal(r.n, 69_659);
  assert.equal(r.c, 23_570);
  assert.equal(r.amt, 2_500_315.63);
  assert.equal(r.qty, 167_881);
  assert.equal(r.zero, 80);
  assert.equal(r.first.toISOString(), '1997-01-01T00:00:00.000Z');
  assert.equal(r.last.toISOString(), '1998-06-30T00:00:00.000Z');
  const [rep] = await store.query<{ repeaters: number }>(
    `SELECT count(*) AS repeaters FROM (SELECT customer_id FROM events GROUP BY 1 HAVING count(*) > 1)`,
  );
  assert.equal(rep.repeaters, 11_662);
  await store.close();
});

test('CDNOW 1/10th sample: 6,919 rows of 2,357 customers (SOURCES.md §1b)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('cdnow', 'cdnow_sample_elog.csv')], 'cdnow_sample');
  assert.equal(report.accepted, 6_919);
  const [r] = await store.query<{ c: number; first: Date }>(`SELECT count(DISTINCT customer_id) c, min(ts) AS "first" FROM events`);
  assert.equal(r.c, 2_357);
  assert.equal(r.first.toISOString(), '1997-01-01T00:00:00.000Z');
  await store.close();
});

test('Ciao trust: 111,781 follow edges between 7,317 users, 47.6% reciprocated (SOURCES.md §2)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('ciao', 'ciao_trust.csv')], 'ciao_trust');
  assert.equal(report.accepted, 111_781);
  const [r] = await store.query<{ nodes: number; recip: number }>(
    `SELECT (SELECT count(*) FROM (SELECT customer_id FROM events UNION SELECT peer_id FROM events)) AS nodes,
            (SELECT count(*) FROM events a JOIN events b ON a.customer_id = b.peer_id AND a.peer_id = b.customer_id) / count(*) AS recip
     FROM events`,
  );
  assert.equal(r.nodes, 7_317);
  assert.equal(Math.round(r.recip * 1000) / 10, 47.6);
  await store.close();
});

test('Ciao ratings (gzipped): 284,086 reviews, 7,375 users, 105,114 products, 190 exact repeats kept (SOURCES.md §2)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('ciao', 'ciao_ratings.csv.gz')], 'ciao_ratings');
  assert.equal(report.accepted, 284_086);
  const [r] = await store.query<{ users: number; items: number; first: Date; last: Date; zero: number }>(
    `SELECT count(DISTINCT customer_id) users, count(DISTINCT item_id) items, min(ts) AS "first", max(ts) AS "last",
            count(*) FILTER (WHERE rating = 0) zero FROM events`,
  );
  assert.equal(r.users, 7_375);
  assert.equal(r.items, 105_114);
  assert.equal(r.first.toISOString().slice(0, 10), '2000-05-30');
  assert.equal(r.last.toISOString().slice(0, 10), '2011-04-12');
  assert.equal(r.zero, 34);
  await store.close();
});

test('Taobao: 84,287 events of 814 users; pv 75,693 / cart 4,494 / fav 2,351 / buy 1,749 (SOURCES.md §3)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao');
  assert.equal(report.accepted, 84_287);
  const rows = await store.query<{ type: string; n: number }>(`SELECT type, count(*) n FROM events GROUP BY type ORDER BY type`);
  assert.deepEqual(Object.fromEntries(rows.map((r) => [r.type, r.n])), { cart: 4_494, purchase: 1_749, save: 2_351, view: 75_693 });
  const [r] = await store.query<{ users: number; buyers: number; early: number }>(
    `SELECT count(DISTINCT customer_id) users, count(DISTINCT customer_id) FILTER (WHERE type = 'purchase') buyers,
            count(*) FILTER (WHERE ts < TIMESTAMP '2017-11-24 16:00:00') early FROM events`,
  );
  assert.equal(r.users, 814);
  assert.equal(r.buyers, 558);
  assert.ok(r.early >= 35, `events before the official window: ${r.early}`);
  await store.close();
});

test('Tweets: 14,640 mentions despite multi-line text, 7,701 handles, 6 airlines, offsets converted to UTC (SOURCES.md §4)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('twitter_airline', 'Tweets.csv')], 'twitter_airline');
  assert.equal(report.accepted, 14_640);
  assert.equal(report.rejected, 0);
  const [r] = await store.query<{ handles: number; airlines: number; multiline: number; ids: number }>(
    `SELECT count(DISTINCT customer_id) handles, count(DISTINCT item_id) airlines,
            count(*) FILTER (WHERE contains(text, chr(10))) multiline,
            count(DISTINCT props->>'tweet_id') ids FROM events`,
  );
  assert.equal(r.handles, 7_701);
  assert.equal(r.airlines, 6);
  assert.ok(r.multiline > 0, 'some tweets span several lines');
  assert.equal(r.ids, 14_485);
  const united = await store.query<{ n: number }>(`SELECT count(*) n FROM events WHERE item_id = 'United'`);
  assert.equal(united[0].n, 3_822);
  // 570306133677760513 was created 2015-02-24 11:35:52 -0800 = 19:35:52 UTC
  const [t] = await store.query<{ ts: Date }>(`SELECT ts FROM events WHERE props->>'tweet_id' = '570306133677760513'`);
  assert.equal(t.ts.toISOString(), '2015-02-24T19:35:52.000Z');
  await store.close();
});

test('Amazon Fashion NDJSON: 3,176 reviews, 406 reviewers, 31 products, star counts (SOURCES.md §5)', async () => {
  const { store, report } = await memoryStoreWith([sharedData('amazon_fashion', 'AMAZON_FASHION_5.jsonl')], 'amazon_fashion');
  assert.equal(report.accepted, 3_176);
  const [r] = await store.query<{ reviewers: number; items: number; five: number; one: number; first: Date }>(
    `SELECT count(DISTINCT customer_id) reviewers, count(DISTINCT item_id) items,
            count(*) FILTER (WHERE rating = 5) five, count(*) FILTER (WHERE rating = 1) one, min(ts) AS "first" FROM events`,
  );
  assert.equal(r.reviewers, 406);
  assert.equal(r.items, 31);
  assert.equal(r.five, 2_157);
  assert.equal(r.one, 117);
  assert.equal(r.first.toISOString().slice(0, 10), '2009-12-25');
  await store.close();
});
