/**
 * Conformance of recommendations and replenishment (issue 13) on DuckDB, Postgres and chdb. One
 * store per engine holds a simulated brand of 1,500 customers (src/simulate with peer effects: a
 * follow network for the social model, repeat purchases with quantities for replenishment) and the
 * Taobao UserBehavior prefix (SOURCES.md §3, the bundled `taobao` mapping: item categories in
 * props, so the personal model's grid has its category damping). The years apart do not matter:
 * the statements are what is compared. On each engine: the evaluation on a time split (recall,
 * NDCG, hit rate, coverage of every model, the inner split's choice), the `recommendations` table
 * for every customer (summary, and the item lists of a set of customers row for row), one
 * customer's list, the `replenishment` table and its evaluation. Counts exact, sums and statistics
 * to 1e-9 relative, what follows a fit (replenishment's shrinkage fit and the forecasts built on
 * it) to 1e-6, item lists and models text for text.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { evaluateRecommendations, recommendFor, writeRecommendations, RECOMMENDATIONS_TABLE } from '../../src/experiences/recommend/recommend.js';
import { evaluateReplenishment, writeReplenishment, REPLENISHMENT_TABLE } from '../../src/experiences/replenish/replenish.js';
import { dialectOf } from '../../src/sql/dialect.js';
import { ingestToStore } from '../../src/ingest/engines.js';
import { bundledMapping } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, closeTo, ingestEach, onEach, resultDiffs, type EngineName, type Engines, openEngines } from './engines.js';

let env: Engines;
/** A holdout inside the simulated brand's data. */
let holdoutFrom: string;

before(async () => {
  env = await openEngines('recommend_sim');
  const csv = join(env.dir, 'sim.csv');
  await simulate({ customers: 1500, seed: 11, out: csv, customerTruth: false, peerEffects: {} });
  await ingestEach(env, csv, 'simulated');
  for (const e of ENGINES) {
    await ingestToStore(env.stores[e], [sharedData('taobao', 'taobao_userbehavior_prefix.csv')], bundledMapping('taobao'), { rejectFile: join(env.dir, `${e}.taobao.rejects.csv`) });
  }
  const [r] = await env.stores.duckdb.query<{ hi: Date }>(`SELECT max(ts) AS hi FROM events`);
  holdoutFrom = new Date(r.hi.getTime() - 60 * 86_400_000).toISOString().slice(0, 10);
});
after(async () => env?.close());

/** Every engine's value equals DuckDB's (resultDiffs: integers exact, numbers to 1e-9, under `isModel` paths to 1e-6). */
function assertSame<T>(r: Record<EngineName, T>, what: string, isModel: (path: string) => boolean = () => false): void {
  for (const e of ENGINES) {
    const diffs = resultDiffs(r.duckdb, r[e], { isModel });
    assert.deepEqual(diffs.slice(0, 10), [], `${what}: ${e} differs from duckdb in ${diffs.length} fields`);
  }
}

test('recommend --evaluate: the same metrics of every model and the same inner-split choice on every engine', async () => {
  const r = await onEach(env, (store) => evaluateRecommendations(store, { holdoutFrom, k: 10 }));
  assert.ok(r.duckdb.customers > 100, `customers evaluated: ${r.duckdb.customers}`);
  assert.ok((r.duckdb.selection.inner?.customers ?? 0) > 100, 'inner split customers');
  assert.ok(r.duckdb.selection.candidates.some((c) => c.model === 'social' && c.recall !== null), 'the social model ran (a network)');
  assert.ok(r.duckdb.models.ease?.recall !== null && r.duckdb.models.itemknn?.recall !== null, 'EASE and item-kNN ran');
  assert.ok(r.duckdb.selection.candidates.length === 7);
  assertSame(r, 'evaluation');
});

test('the recommendations table: the same summary on every engine and the same items, ranks, scores and models for every customer', async () => {
  const r = await onEach(env, (store) => writeRecommendations(store, { k: 10 }));
  assert.ok(r.duckdb.customers > 2000 && r.duckdb.rows > 10 * 2000, `${r.duckdb.customers} customers, ${r.duckdb.rows} rows`);
  assertSame(r, 'summary');
  const read = (e: EngineName) => {
    const d = dialectOf(env.stores[e]);
    return env.stores[e].query<{ customer_id: string; rank: number; item_id: string; score: number; model: string }>(
      `SELECT customer_id, rank, item_id, score, model FROM ${RECOMMENDATIONS_TABLE} ORDER BY ${d.byteOrder('customer_id')}, rank`);
  };
  const base = await read('duckdb');
  for (const e of ENGINES) {
    const got = await read(e);
    assert.equal(got.length, base.length, `${e}: rows`);
    for (let i = 0; i < got.length; i++) {
      const a = base[i], b = got[i];
      const where = `${e} ${a.customer_id} rank ${a.rank}`;
      assert.deepEqual([b.customer_id, Number(b.rank), b.item_id, b.model], [a.customer_id, Number(a.rank), a.item_id, a.model], where);
      assert.ok(closeTo(Number(a.score), Number(b.score), 1e-9), `${where}: score ${b.score} vs ${a.score}`);
    }
  }
});

test('one customer\'s recommendations, computed (a given model) and from the table, are the same on every engine', async () => {
  const [{ c }] = await env.stores.duckdb.query<{ c: string }>(`SELECT min(customer_id) AS c FROM events WHERE type = 'follow'`);
  for (const model of ['blend', 'ease', 'auto'] as const) {
    const r = await onEach(env, (store) => recommendFor(store, c, { k: 5, model }));
    assert.equal(r.duckdb.items.length, 5, model);
    assertSame(r, `customer ${c}, ${model}`);
  }
});

test('the replenishment table and its evaluation are the same on every engine', async () => {
  const fit = (p: string): boolean => /\.fit\./.test(p);
  const w = await onEach(env, (store) => writeReplenishment(store));
  assert.ok(w.duckdb.pairs > 100, `pairs ${w.duckdb.pairs}`);
  assertSame(w, 'replenishment summary', fit);
  const read = (e: EngineName) => {
    const d = dialectOf(env.stores[e]);
    return env.stores[e].query<Record<string, unknown>>(`SELECT customer_id, item_id, ${d.dateText('due', 'day')} AS due, ${d.dateText('due_lower', 'day')} AS lo,
      ${d.dateText('due_upper', 'day')} AS hi, quantity, quantity_lower, quantity_upper FROM ${REPLENISHMENT_TABLE} ORDER BY ${d.byteOrder('customer_id')}, ${d.byteOrder('item_id')}`);
  };
  const base = await read('duckdb');
  for (const e of ENGINES) {
    const got = await read(e);
    assert.equal(got.length, base.length, `${e}: rows`);
    // the forecasts follow the fit: whole days equal, quantities to 1e-6
    const diffs = resultDiffs(base, got, { isModel: (p) => /quantity/.test(p) });
    assert.deepEqual(diffs.slice(0, 10), [], `${e}: ${diffs.length} differences`);
  }
  const ev = await onEach(env, (store) => evaluateReplenishment(store, holdoutFrom));
  assert.ok(ev.duckdb.pairs > 20, `evaluated pairs ${ev.duckdb.pairs}`);
  assertSame(ev, 'replenishment evaluation', fit);
});
