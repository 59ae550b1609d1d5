/**
 * Replenishment on a seeded generator with known cycles (test/experiences/replenish-generator.ts),
 * ingested like any file. The simulator-based test (latent personas with replenishment cycles) is to
 * be added once the simulator's persona mechanism is merged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import { writeCycleData } from './replenish-generator.js';
import { evaluateReplenishment, writeReplenishment, REPLENISHMENT_TABLE } from '../../src/experiences/replenish/replenish.js';

const { dir, cleanup } = scratchDir('spiral-replenish-');
after(cleanup);

test('known cycles: shrinkage beats the mean-interval baseline and 80% intervals cover 75-85%', async () => {
  const d = writeCycleData(join(dir, 'cycles.csv'), { customers: 1500, items: 12, seed: 7, days: 720, pairSd: 0.25, intervalSd: 0.3 });
  const { store } = await memoryStoreWith([d.file], 'simulated');
  try {
    const e = await evaluateReplenishment(store, '2023-07-01');
    assertJsonSafe(JSON.parse(JSON.stringify(e)));
    assert.equal(e.level, 'item');
    assert.ok(e.pairs > 1000, `${e.pairs} pairs evaluated`);
    const ratio = (e.mae as number) / (e.baseline.meanInterval.mae as number);
    // Measured 0.79–0.84 over seeds (the issue asks ≤ 0.8 on the simulator's personas; see the report).
    assert.ok(ratio < 0.9, `MAE ${e.mae} vs baseline ${e.baseline.meanInterval.mae}: ratio ${ratio}`);
    assert.ok((e.coverage80 as number) >= 0.75 && (e.coverage80 as number) <= 0.85, `coverage ${e.coverage80}`);
    // The generator's variance components come back.
    assert.ok(Math.abs((e.fit?.intervalDays.withinPairsLogSd as number) - 0.3) < 0.03);
    assert.ok(Math.abs((e.fit?.intervalDays.betweenPairsLogSd as number) - 0.25) < 0.05);

    const s = await writeReplenishment(store);
    assert.equal(s.table, REPLENISHMENT_TABLE);
    assert.equal(s.pairs, (await store.query(`SELECT 1 FROM ${REPLENISHMENT_TABLE}`)).length);
    const cols = await store.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${REPLENISHMENT_TABLE}' ORDER BY ordinal_position`);
    assert.deepEqual(cols.map((c) => `${c.column_name} ${c.data_type}`), [
      'customer_id VARCHAR', 'item_id VARCHAR', 'due DATE', 'due_lower DATE', 'due_upper DATE', 'quantity DOUBLE', 'quantity_lower DOUBLE', 'quantity_upper DOUBLE',
    ]);
    const [bad] = await store.query<{ n: number }>(`SELECT count(*)::INT AS n FROM ${REPLENISHMENT_TABLE}
      WHERE NOT (due_lower <= due AND due <= due_upper AND quantity_lower <= quantity AND quantity <= quantity_upper) OR isnan(quantity)`);
    assert.equal(bad.n, 0);
  } finally {
    await store.close();
  }
});

test('without items the forecast is per customer (item_id null); without quantities the quantity is null with a reason', async () => {
  const d = writeCycleData(join(dir, 'noitems.csv'), { customers: 300, items: 1, seed: 3, days: 400, pairSd: 0.2, intervalSd: 0.25, withItems: false, withQuantity: false });
  const { store } = await memoryStoreWith([d.file], 'simulated');
  try {
    const s = await writeReplenishment(store);
    assert.equal(s.level, 'customer');
    assert.match(s.quantityReason ?? '', /quantity/);
    const [r] = await store.query<{ items: number; q: number; n: number }>(`SELECT count(item_id)::INT AS items, count(quantity)::INT AS q, count(*)::INT AS n FROM ${REPLENISHMENT_TABLE}`);
    assert.equal(r.items, 0);
    assert.equal(r.q, 0);
    assert.ok(r.n > 250);
    const e = await evaluateReplenishment(store, '2022-11-01');
    assertJsonSafe(JSON.parse(JSON.stringify(e)));
    assert.ok((e.mae as number) > 0 && e.pairs > 100);
  } finally {
    await store.close();
  }
});

test('degenerate stores give a status with nulls and a reason: no purchases, one purchase each, a date outside the data', async () => {
  const file = join(dir, 'views.csv');
  writeFileSync(file, 'event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text\n' +
    'e1,a,2024-01-01T00:00:00Z,view,x,,,,web,,\ne2,a,2024-01-05T00:00:00Z,view,y,,,,web,,\n');
  const views = await memoryStoreWith([file], 'simulated');
  try {
    const s = await writeReplenishment(views.store);
    assert.equal(s.table, null);
    assert.match(s.reason ?? '', /no purchase/);
    const e = await evaluateReplenishment(views.store, '2024-01-03');
    assert.equal(e.mae, null);
    assert.match(e.reason ?? '', /no purchase/);
  } finally {
    await views.store.close();
  }
  const once = join(dir, 'once.csv');
  writeFileSync(once, 'event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text\n' +
    'e1,a,2024-01-01T00:00:00Z,purchase,x,1,1,,web,,\ne2,b,2024-01-05T00:00:00Z,purchase,x,1,1,,web,,\ne3,a,2024-01-01T09:00:00Z,purchase,x,1,1,,web,,\n');
  const one = await memoryStoreWith([once], 'simulated');
  try {
    const s = await writeReplenishment(one.store);
    assert.equal(s.table, null);
    assert.match(s.reason ?? '', /two different days/);
    await assert.rejects(evaluateReplenishment(one.store, '2025-01-01'), /outside the data/);
  } finally {
    await one.store.close();
  }
});
