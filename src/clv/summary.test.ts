import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { buildCustomerSummary, customerSummarySql, loadRfmTuples, loadSpendTuples } from './summary.js';
import { ClvInputError } from './errors.js';
import { uploadColumns as uploadTupleColumns } from '../sql/upload.js';

async function storeWith(rows: [string, string, string, number | null][]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  const values = rows.map(([c, ts, type, amount], i) => `('e${i}', '${c}', TIMESTAMP '${ts}', '${type}', ${amount === null ? 'NULL' : amount})`);
  await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, amount) VALUES ${values.join(',')}`);
  return store;
}

test('summary: same-day purchases are one transaction, spend per day is summed, holdout counted, late joiners left out', async () => {
  const store = await storeWith([
    ['a', '2024-01-01 09:00:00', 'purchase', 10],
    ['a', '2024-01-01 18:00:00', 'purchase', 5], // same day as the first: not a repeat
    ['a', '2024-01-08 10:00:00', 'purchase', 20],
    ['a', '2024-01-08 11:00:00', 'purchase', 10], // same day: spend of that day = 30
    ['a', '2024-01-15 10:00:00', 'purchase', 60],
    ['a', '2024-01-20 10:00:00', 'view', null], // not a purchase
    ['a', '2024-02-05 10:00:00', 'purchase', 7], // holdout
    ['b', '2024-01-29 12:00:00', 'purchase', 3],
    ['c', '2024-02-02 12:00:00', 'purchase', 3], // first purchase after calibration end
  ]);
  try {
    const info = await buildCustomerSummary(store, { unit: 'week', calibrationEnd: '2024-01-29', holdoutEnd: '2024-02-12' });
    assert.equal(info.customers, 2);
    assert.equal(info.repeatBuyers, 1);
    assert.equal(info.holdoutRepeatPurchases, 1);
    assert.equal(info.holdoutLength, 2);
    const rows = await store.query<{ customer_id: string; x: number; t_x: number; T: number; monetary: number | null; holdout_x: number }>(
      `SELECT customer_id, x, t_x, "T", monetary, holdout_x FROM clv_customer_summary ORDER BY customer_id`);
    assert.deepEqual(rows.map((r) => r.customer_id), ['a', 'b']);
    assert.equal(rows[0].x, 2);
    assert.equal(rows[0].t_x, 2);
    assert.equal(rows[0].T, 4);
    assert.equal(rows[0].monetary, 45);
    assert.equal(rows[0].holdout_x, 1);
    assert.equal(rows[1].x, 0);
    assert.equal(rows[1].T, 0);
    assert.equal(rows[1].monetary, null);
    const t = await loadRfmTuples(store, info);
    assert.ok(t.x instanceof Float64Array);
    assert.deepEqual(Array.from(t.x), [0, 2]);
    assert.deepEqual(Array.from(t.count), [1, 1]);
    const s = await loadSpendTuples(store, info);
    assert.deepEqual(Array.from(s.monetary), [45]);
    const days = await buildCustomerSummary(store, { unit: 'day', calibrationEnd: '2024-01-29' });
    assert.equal(days.holdoutRepeatPurchases, null);
    const [a] = await store.query<{ t_x: number; T: number }>(`SELECT t_x, "T" FROM clv_customer_summary WHERE customer_id = 'a'`);
    assert.equal(a.t_x, 14);
    assert.equal(a.T, 28);
  } finally {
    await store.close();
  }
});

test('summary: identical customers compress to one tuple with their count', async () => {
  const store = await storeWith([
    ['a', '2024-01-01 09:00:00', 'purchase', 10], ['a', '2024-01-05 09:00:00', 'purchase', 10],
    ['b', '2024-01-01 10:00:00', 'purchase', 10], ['b', '2024-01-05 11:00:00', 'purchase', 12],
    ['c', '2024-01-02 10:00:00', 'purchase', 10],
  ]);
  try {
    const info = await buildCustomerSummary(store, { unit: 'day', calibrationEnd: '2024-01-10' });
    const t = await loadRfmTuples(store, info);
    assert.equal(t.x.length, 2);
    assert.deepEqual(Array.from(t.count).sort(), [1, 2]);
    await uploadTupleColumns(store, 'tmp_cols', { v: Float64Array.from([0.1, 1e-300]) });
    const rows = await store.query<{ tuple_id: number; v: number }>('SELECT * FROM tmp_cols ORDER BY tuple_id');
    assert.equal(rows[1].v, 1e-300);
  } finally {
    await store.close();
  }
});

test('summary options are checked with a clear error', () => {
  assert.throws(() => customerSummarySql({ unit: 'week', calibrationEnd: '2024-02-31x' }), ClvInputError);
  assert.throws(() => customerSummarySql({ unit: 'year' as 'week', calibrationEnd: '2024-01-01' }), ClvInputError);
  assert.throws(() => customerSummarySql({ unit: 'week', calibrationEnd: '2024-01-10', holdoutEnd: '2024-01-01' }), ClvInputError);
  assert.throws(() => customerSummarySql({ unit: 'week', calibrationEnd: '2024-01-10', eventsTable: 'events; DROP TABLE x' }), ClvInputError);
  assert.match(customerSummarySql({ unit: 'week', calibrationEnd: '2024-01-10' }), /\/ 7 AS "T"/);
});
