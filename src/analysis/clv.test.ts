import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { ClvSectionSchema } from '../domain/sections/clv.js';
import type { Warning } from '../domain/result.js';
import { memoryStoreWith } from '../../test/helpers/ingest.js';
import { sharedData } from '../../test/helpers/paths.js';
import { runClvSection } from './clv.js';

async function storeWith(rows: [string, string, string, number | null][]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:', { threads: 1 });
  if (rows.length) {
    const values = rows.map(([c, ts, type, amount], i) => `('e${i}', '${c}', TIMESTAMP '${ts}', '${type}', ${amount === null ? 'NULL' : amount})`);
    await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, amount) VALUES ${values.join(',')}`);
  }
  return store;
}

test('clv section on the CDNOW sample: a third held out, equity is the sum of the scores, every number finite', async () => {
  const { store } = await memoryStoreWith([sharedData('cdnow', 'cdnow_sample_elog.csv')], 'cdnow_sample');
  try {
    const warnings: Warning[] = [];
    const s = (await runClvSection(store, {}, warnings))!;
    ClvSectionSchema.parse(s);
    assert.equal(s.status, 'ok');
    assert.equal(s.unit, 'week');
    assert.equal(s.firstPurchase, '1997-01-01');
    assert.equal(s.lastPurchase, '1998-06-30');
    assert.equal(s.customers, 2357);
    assert.equal(s.validation!.calibrationEnd, '1998-01-06'); // 545 days: the last 25 whole weeks held out
    assert.ok(Math.abs(s.validation!.predicted - s.validation!.actual) / s.validation!.actual < 0.15);
    const [row] = await store.query<{ eq: number; n: number }>('SELECT SUM(clv) AS eq, COUNT(*) AS n FROM clv_scores');
    assert.equal(row.n, 2357);
    assert.ok(Math.abs(row.eq - s.equity.customerEquity!) < 1e-6 * row.eq);
    assert.equal(s.distribution.reduce((a, b) => a + b.customers, 0), 2357);
    assert.equal(s.topCustomers.length, 10);
    assert.ok(s.topCustomers[0].clv! >= s.topCustomers[9].clv!);
    const heatCustomers = s.pAliveHeatmap!.cells.reduce((a, c) => a + c.customers, 0);
    assert.equal(heatCustomers, 2357);
    assert.equal(s.validation!.byFrequency.reduce((a, f) => a + f.customers, 0), s.validation!.customers);
    assert.ok(s.formulas.some((f) => f.name === 'CLV' && /1 \+ d/.test(f.text)));
    assert.doesNotMatch(JSON.stringify(s), /NaN|Infinity/);
    assert.deepEqual(warnings, []);
  } finally {
    await store.close();
  }
});

test('clv section: absent without purchases; too few purchasers give a status, nulls and a warning', async () => {
  const none = await storeWith([['a', '2024-01-01 10:00:00', 'view', null]]);
  try {
    assert.equal(await runClvSection(none, {}, []), undefined);
  } finally {
    await none.close();
  }
  const few = await storeWith([
    ['a', '2024-01-01 10:00:00', 'purchase', 10], ['a', '2024-02-01 10:00:00', 'purchase', 12], ['b', '2024-01-05 10:00:00', 'purchase', 8],
  ]);
  try {
    const warnings: Warning[] = [];
    const s = (await runClvSection(few, {}, warnings))!;
    ClvSectionSchema.parse(s);
    assert.equal(s.status, 'insufficient');
    assert.match(s.message!, /only 2 customers bought/);
    assert.equal(s.equity.customerEquity, null);
    assert.equal(s.model, null);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0].section, 'clv');
  } finally {
    await few.close();
  }
});

test('clv section: nobody repeats → failed with the model\'s reason, never NaN', async () => {
  const rows: [string, string, string, number | null][] = Array.from({ length: 30 }, (_, i) => [`c${i}`, `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`, 'purchase', 10]);
  const store = await storeWith(rows);
  try {
    const warnings: Warning[] = [];
    const s = (await runClvSection(store, {}, warnings))!;
    ClvSectionSchema.parse(s);
    assert.equal(s.status, 'failed');
    assert.match(s.message!, /repeat purchase/);
    assert.equal(s.unit, 'day');
    assert.ok(warnings.some((w) => w.section === 'clv'));
    assert.doesNotMatch(JSON.stringify(s), /NaN/);
  } finally {
    await store.close();
  }
});
