/** DuckDbStore.queryDoubleColumns: DOUBLE columns as Float64Arrays, across chunks, NULL and other types refused. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { openDuckDb } from './index.js';
import { StoreError } from '../types.js';

const store = await openDuckDb(':memory:');
after(() => store.close());

test('queryDoubleColumns: every row of a result spanning several chunks, in order, as DuckDB has the values', async () => {
  const sql = 'SELECT i::DOUBLE AS i, (i / 7)::DOUBLE AS "a third" , CASE WHEN i = 3 THEN \'inf\'::DOUBLE ELSE -i * 0.5 END AS neg FROM range(5000) t(i) ORDER BY i';
  const cols = await store.queryDoubleColumns(sql);
  assert.deepEqual(Object.keys(cols), ['i', 'a third', 'neg']);
  const rows = await store.query<{ i: number; 'a third': number; neg: number }>(sql);
  assert.equal(cols.i.length, 5000);
  assert.ok(cols.i instanceof Float64Array);
  assert.deepEqual(Array.from(cols.i), rows.map((r) => r.i));
  assert.deepEqual(Array.from(cols['a third']), rows.map((r) => r['a third']));
  assert.deepEqual(Array.from(cols.neg), rows.map((r) => r.neg));
  assert.equal(cols.neg[3], Infinity);
});

test('queryDoubleColumns: an empty result has its columns, empty', async () => {
  const cols = await store.queryDoubleColumns('SELECT 1::DOUBLE AS x, 2::DOUBLE AS y WHERE false');
  assert.deepEqual(Object.keys(cols), ['x', 'y']);
  assert.equal(cols.x.length, 0);
});

test('queryDoubleColumns: a NULL or a column that is not DOUBLE is a StoreError, not a 0', async () => {
  await assert.rejects(store.queryDoubleColumns('SELECT CASE WHEN i = 4000 THEN NULL ELSE i END::DOUBLE AS x FROM range(5000) t(i) ORDER BY i'),
    (e: unknown) => e instanceof StoreError && /column "x" has a NULL in row 4001/.test(e.message));
  await assert.rejects(store.queryDoubleColumns('SELECT 1::DOUBLE AS x, 2 AS n'), (e: unknown) => e instanceof StoreError && /column "n" is INTEGER, not DOUBLE/.test(e.message));
  await assert.rejects(store.queryDoubleColumns('SELECT nope FROM nowhere'), StoreError);
});
