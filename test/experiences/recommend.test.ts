/**
 * Recommendations on small stores with planted structure (item pairs bought together, customers who
 * buy what the people they follow bought), on degenerate stores, and the exact output table.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryStoreWith, bundledMapping } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import { createRng, randomInt } from '../../src/models/numeric/random.js';
import {
  evaluateRecommendations, writeRecommendations, recommendFor, RECOMMENDATIONS_TABLE,
} from '../../src/experiences/recommend/recommend.js';
import { buildInteractions, candidates, personalGridHitsSql, rankTopK, tsLit } from '../../src/experiences/recommend/sql.js';
import { dialectOf } from '../../src/sql/dialect.js';
import { personalGrid } from '../../src/models/recommend/personal.js';

const { dir, cleanup } = scratchDir('spiral-recs-');
after(cleanup);

const HEADER = 'event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text';
let fileNo = 0;
function csv(rows: string[]): string {
  const file = join(dir, `events-${fileNo++}.csv`);
  writeFileSync(file, `${[HEADER, ...rows].join('\n')}\n`);
  return file;
}
const day = (d: number, h = 12): string => new Date(Date.UTC(2024, 0, 1 + d, h)).toISOString();

/**
 * 40 items in 20 pairs (2k, 2k+1). Each customer buys one item of a pair before day 60 and its
 * partner after; a popular decoy item 'hot' is viewed by everybody. Item-kNN learns the pairs from
 * customers whose both purchases fall before the split.
 */
function pairedStore(seed: number, withFollows = false): string {
  const rng = createRng(seed);
  const rows: string[] = [];
  let id = 0;
  for (let c = 0; c < 600; c++) {
    const pair = randomInt(rng, 20);
    const first = 2 * pair + randomInt(rng, 2);
    const second = first ^ 1;
    rows.push(`e${id++},c${c},${day(randomInt(rng, 10))},view,hot,,,,web,,`);
    const t1 = randomInt(rng, 40);
    rows.push(`e${id++},c${c},${day(t1)},purchase,i${first},10,1,,web,,`);
    // Two thirds buy the partner before the split (training signal), a third after (the holdout).
    const t2 = c % 3 === 0 ? 62 + randomInt(rng, 20) : t1 + 1 + randomInt(rng, 15);
    rows.push(`e${id++},c${c},${day(t2)},purchase,i${second},10,1,,web,,`);
    if (withFollows && c > 0) rows.push(`e${id++},c${c},${day(0)},follow,,,,c${c - 1},web,,`);
  }
  return csv(rows);
}

test('item-kNN learns items bought together and beats both baselines on the holdout', async () => {
  const { store } = await memoryStoreWith([pairedStore(1)], 'simulated');
  try {
    const e = await evaluateRecommendations(store, { holdoutFrom: '2024-03-01', k: 3, model: 'itemknn', compare: ['itemknn', 'ease'] });
    assertJsonSafe(JSON.parse(JSON.stringify(e)));
    assert.equal(e.model, 'itemknn');
    assert.ok(e.customers > 150, `${e.customers} customers evaluated`);
    // The partner of the item bought before is the only relevant item; item-kNN ranks it first.
    assert.ok((e.recall as number) > 0.9, `item-kNN recall@3 ${e.recall}`);
    assert.ok((e.models.ease?.recall as number) > 0.9, `EASE recall@3 ${e.models.ease?.recall}`);
    assert.ok((e.baselines.popularity.recall as number) < 0.2);
    assert.equal(e.baselines.recent.recall, 0, 'the partner was never bought before, so recent items cannot hit');
  } finally {
    await store.close();
  }
});

test('auto chooses on the inner split and is never worse than the better baseline here', async () => {
  const { store } = await memoryStoreWith([pairedStore(2)], 'simulated');
  try {
    const e = await evaluateRecommendations(store, { holdoutFrom: '2024-03-01', k: 3, compare: [] });
    assert.ok(e.selection.inner, 'an inner split was used');
    assert.ok(e.selection.candidates.length >= 6);
    const best = Math.max(e.baselines.popularity.recall ?? 0, e.baselines.recent.recall ?? 0);
    assert.ok((e.recall as number) >= best, `chosen ${e.model} ${e.recall} vs baselines ${best}`);
  } finally {
    await store.close();
  }
});

test('the social model recommends what the people one follows bought', async () => {
  // Customer c(n) follows c(n−1) and buys, after the split, the item c(n−1) bought before it.
  const rng = createRng(5);
  const rows: string[] = [];
  let id = 0;
  for (let c = 0; c < 300; c++) {
    rows.push(`e${id++},c${c},${day(1)},view,hot,,,,web,,`);
    rows.push(`e${id++},c${c},${day(2 + randomInt(rng, 30))},purchase,i${c},10,1,,web,,`);
    if (c > 0) {
      rows.push(`e${id++},c${c},${day(0)},follow,,,,c${c - 1},web,,`);
      rows.push(`e${id++},c${c},${day(70 + randomInt(rng, 10))},purchase,i${c - 1},10,1,,web,,`);
    }
  }
  const { store } = await memoryStoreWith([csv(rows)], 'simulated');
  try {
    const e = await evaluateRecommendations(store, { holdoutFrom: '2024-03-01', k: 5, model: 'social', compare: ['itemknn'] });
    assert.equal(e.model, 'social');
    assert.ok((e.recall as number) > 0.95, `social recall ${e.recall}`);
    assert.ok((e.models.itemknn?.recall as number) < 0.2, `item-kNN has no signal here: ${e.models.itemknn?.recall}`);
  } finally {
    await store.close();
  }
});

test('the recommendations table has the exact columns, k rows per customer, and one customer can be read back', async () => {
  const { store } = await memoryStoreWith([pairedStore(3, true)], 'simulated');
  try {
    const s = await writeRecommendations(store, { k: 4 });
    assertJsonSafe(JSON.parse(JSON.stringify(s)));
    assert.equal(s.table, RECOMMENDATIONS_TABLE);
    assert.equal(s.customers, 600);
    const cols = await store.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${RECOMMENDATIONS_TABLE}' ORDER BY ordinal_position`);
    assert.deepEqual(cols.map((c) => `${c.column_name} ${c.data_type}`), ['customer_id VARCHAR', 'rank INTEGER', 'item_id VARCHAR', 'score DOUBLE', 'model VARCHAR']);
    const [r] = await store.query<{ bad: number; n: number }>(`SELECT count(*) FILTER (WHERE score IS NULL OR isnan(score))::INT AS bad, count(DISTINCT customer_id)::INT AS n FROM ${RECOMMENDATIONS_TABLE}`);
    assert.equal(r.bad, 0);
    assert.equal(r.n, 600);
    const [k] = await store.query<{ ok: boolean }>(`SELECT bool_and(n = 4) AS ok FROM (SELECT customer_id, count(*) AS n, max(rank) AS r FROM ${RECOMMENDATIONS_TABLE} GROUP BY 1)`);
    assert.equal(k.ok, true);
    const one = await recommendFor(store, 'c7', { k: 4 });
    assert.equal(one.source, 'table');
    assert.deepEqual(one.items.map((i) => i.rank), [1, 2, 3, 4]);
    await assert.rejects(recommendFor(store, 'nobody'), /unknown customer "nobody"/);
  } finally {
    await store.close();
  }
});

test('degenerate stores: one customer, no items, no network, no purchases, a date outside the data', async () => {
  const one = await memoryStoreWith([csv([`e1,solo,${day(1)},purchase,a,1,1,,web,,`, `e2,solo,${day(5)},view,b,,,,web,,`, `e3,solo,${day(9)},cart,c,,,,web,,`])], 'simulated');
  try {
    const s = await writeRecommendations(one.store, { k: 10 });
    assert.equal(s.customers, 1);
    assert.ok(s.rows >= 1 && s.rows <= 3);
    assert.ok(s.customersShort === 1, 'a catalogue of 3 items cannot fill 10 slots');
    const e = await evaluateRecommendations(one.store, { holdoutFrom: '2024-01-08', k: 10 });
    assertJsonSafe(JSON.parse(JSON.stringify(e)));
    assert.equal(e.customers, 1);
    await assert.rejects(evaluateRecommendations(one.store, { holdoutFrom: '2030-01-01' }), /outside the data/);
    await assert.rejects(writeRecommendations(one.store, { model: 'social' }), /no network/);
  } finally {
    await one.store.close();
  }
  const noItems = await memoryStoreWith([csv([`e1,a,${day(1)},purchase,,1,1,,web,,`, `e2,b,${day(2)},purchase,,1,1,,web,,`])], 'simulated');
  try {
    await assert.rejects(writeRecommendations(noItems.store), /no items/);
  } finally {
    await noItems.store.close();
  }
  // Reviews only: relevance falls back to ratings >= 4; nobody follows anybody, so social is null with a reason.
  const rows: string[] = [];
  for (let c = 0; c < 30; c++) {
    rows.push(`r${c}a,u${c},${day(c % 20)},review,p${c % 7},,,,web,5,`);
    rows.push(`r${c}b,u${c},${day(40 + (c % 10))},review,p${(c + 1) % 7},,,,web,${c % 2 ? 4 : 2},`);
  }
  const reviews = await memoryStoreWith([csv(rows)], 'simulated');
  try {
    const e = await evaluateRecommendations(reviews.store, { holdoutFrom: '2024-02-05', k: 3 });
    assertJsonSafe(JSON.parse(JSON.stringify(e)));
    assert.equal(e.relevance, 'ratings');
    assert.equal(e.customers, 15, 'the 15 customers with a rating >= 4 in the holdout');
    assert.equal(e.models.social?.recall, null);
    assert.match(e.models.social?.reason ?? '', /no network/);
  } finally {
    await reviews.store.close();
  }
});

test('the personal grid scored in one query gives each setting the same top-k hits as ranking it alone', async () => {
  // Random histories (views, saves, carts, purchases on different days) so the 12 settings disagree.
  const rng = createRng(11);
  const types = ['view', 'view', 'view', 'save', 'cart', 'purchase'];
  const rows: string[] = [];
  for (let c = 0; c < 150; c++) {
    for (let e = 0; e < 4 + randomInt(rng, 30); e++) {
      rows.push(`e${c}-${e},c${c},${day(randomInt(rng, 60), randomInt(rng, 24))},${types[randomInt(rng, types.length)]},i${randomInt(rng, 25)},10,1,,web,,`);
    }
  }
  const { store } = await memoryStoreWith([csv(rows)], 'simulated');
  try {
    const cutoff = day(45, 0);
    const ref = tsLit(dialectOf(store), cutoff);
    await buildInteractions(store, cutoff);
    await store.exec(`CREATE OR REPLACE TEMP TABLE rec_rel AS SELECT DISTINCT customer_id, item_id FROM events
      WHERE type IN ('save', 'cart', 'purchase') AND ts >= ${ref} AND customer_id IN (SELECT customer_id FROM events WHERE ts < ${ref})`);
    await store.exec('CREATE OR REPLACE TEMP TABLE rec_targets AS SELECT DISTINCT customer_id FROM rec_rel');
    const k = 5;
    const grid = personalGrid();
    const together = await store.query<{ idx: number; relevant: number; ranks: string }>(personalGridHitsSql(dialectOf(store), grid, ref, k));
    const key = (r: { relevant: number; ranks: string }): string => `${r.relevant}:${r.ranks.split(',').filter(Boolean).map(Number).sort((a, b) => a - b).join(',')}`;
    const distinct = new Set<string>();
    for (let i = 0; i < grid.length; i++) {
      await rankTopK(store, [candidates.repeat(dialectOf(store), grid[i], ref)], k);
      const alone = await store.query<{ customer_id: string; relevant: number; ranks: string }>(`
        SELECT r.customer_id, r.n::INTEGER AS relevant, coalesce(string_agg(t.rank::VARCHAR, ','), '') AS ranks
        FROM (SELECT customer_id, count(*) AS n FROM rec_rel GROUP BY 1) r
        LEFT JOIN (SELECT t.* FROM rec_top t SEMI JOIN rec_rel x USING (customer_id, item_id)) t USING (customer_id)
        GROUP BY r.customer_id, r.n`);
      const a = alone.map(key).sort();
      const b = together.filter((r) => Number(r.idx) === i).map(key).sort();
      assert.ok(a.length > 100);
      assert.deepEqual(b, a, `setting ${i}`);
      distinct.add(a.join('|'));
    }
    assert.ok(distinct.size >= 3, `the settings rank differently (${distinct.size} distinct hit patterns)`);
  } finally {
    await store.close();
  }
});

test('with item categories, auto damps the items of a category the customer bought from since (and finds what they buy next)', async () => {
  // Each customer compares four items of one category (three views each, on two days), buys the
  // first, and had looked once at two items of another category; next they cart one of those two.
  // Odd customers do it inside the inner split's window, even ones in the holdout. By recency or
  // frequency the three unbought alternatives fill the top 3 and hide the other category's items.
  const rows: string[] = [];
  const at = (d: number, h: number): number => Date.UTC(2024, 0, 1 + d, h) / 1000;
  for (let c = 0; c < 80; c++) {
    for (let j = 0; j < 4; j++) {
      for (const t of [at(13, 10), at(13, 11), at(14, 10)]) rows.push(`c${c},i${c}a${j},catA${c % 3},pv,${t}`);
    }
    for (let j = 0; j < 2; j++) rows.push(`c${c},i${c}b${j},catB${c % 3},pv,${at(13, 9)}`);
    rows.push(`c${c},i${c}a0,catA${c % 3},buy,${at(15, 8)}`);
    rows.push(`c${c},i${c}b${c % 2},catB${c % 3},cart,${c % 2 ? at(15, 18) : at(16, 6)}`);
  }
  const file = join(dir, `taobao-${fileNo++}.csv`);
  writeFileSync(file, `user_id,item_id,category_id,behavior,timestamp\n${rows.join('\n')}\n`);
  const withCats = await memoryStoreWith([file], 'taobao');
  const noCats = await memoryStoreWith([file], { ...bundledMapping('taobao'), props: undefined });
  try {
    await buildInteractions(withCats.store, day(16, 0), null, true);
    const flagged = await withCats.store.query<{ item: string; n: number }>(
      "SELECT regexp_replace(item_id, '^i[0-9]+', '') AS item, count(*)::INT AS n FROM rec_ui WHERE cat_bought GROUP BY 1 ORDER BY 1");
    assert.deepEqual(flagged.map((r) => `${r.item}:${r.n}`), ['a1:80', 'a2:80', 'a3:80'], 'only the unbought alternatives of the bought category');

    const e = await evaluateRecommendations(withCats.store, { holdoutFrom: '2024-01-17', k: 3, compare: [] });
    assert.equal(e.customers, 40);
    assert.equal(e.model, 'repeat');
    assert.ok((e.selection.weights?.categoryBought ?? 0) > 0, `chosen ${e.params}`);
    assert.equal(e.recall, 1);
    assert.equal(e.baselines.recent.recall, 0);
    const plain = await evaluateRecommendations(noCats.store, { holdoutFrom: '2024-01-17', k: 3, compare: ['repeat'] });
    assert.equal(plain.selection.weights?.categoryBought ?? 0, 0, 'no categories: the grid has no damping');
    assert.equal(plain.models.repeat?.recall, 0);
  } finally {
    await withCats.store.close();
    await noCats.store.close();
  }
});
