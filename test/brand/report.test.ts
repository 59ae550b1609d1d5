/**
 * The brand report section on a small simulated store (brand dynamics on) and on thin data: every
 * chart placed with its table, numbers from the result, and messages instead of charts when a
 * model could not be estimated.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyzeBrand } from '../../src/brand/index.js';
import { BrandSectionSchema } from '../../src/domain/sections/brand.js';
import { brandSection } from '../../src/report/sections/brand.js';
import { renderReport } from '../../src/report/index.js';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import { buildResult } from '../fixtures/result.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-brand-report-');
let store: DuckDbStore;
before(async () => {
  const out = join(scratch.dir, 'sim.csv');
  await simulate({ customers: 2000, seed: 9, out, customerTruth: false, brand: {} });
  ({ store } = await memoryStoreWith([out], 'simulated'));
});
after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('a result without a brand section renders no brand section', () => {
  assert.equal(brandSection(buildResult()), null);
  assert.doesNotMatch(renderReport(buildResult()), /id="brand-flow"/);
});

test('the brand section draws flow, momentum, stock, Spiral In/Out, Bass, share of voice and sentiment, each with its numbers', async () => {
  const brand = BrandSectionSchema.parse(await analyzeBrand(store, { period: 'week', bootstrap: 50, brandBootstrap: 0 }));
  const s = brandSection(buildResult({ brand }))!;
  assert.deepEqual(s.charts.map((c) => c.elementId), [
    'brand-flow', 'brand-momentum', 'brand-stock', 'brand-irf-out', 'brand-irf-in', 'brand-irf-target', 'brand-bass', 'brand-share-of-voice', 'brand-sentiment',
  ]);
  const doc = renderReport(buildResult({ brand }));
  for (const c of s.charts) assert.match(doc, new RegExp(`id="${c.elementId}"`));
  // the flow chart's stacked series sum to the flow per week
  const flow = s.charts[0].option.series as { data: number[] }[];
  const total = flow.reduce((a, x) => a + x.data.reduce((p, q) => p + q, 0), 0);
  assert.equal(total, brand.totals.flowEvents);
  // KPI tiles carry the estimates
  const lambda = brand.overall.stock.result.lambda!;
  assert.match(doc, new RegExp(`data-kpi="lambda" data-value="${lambda}"`));
  assert.match(doc, /Open ideas ranked|open ideas ranked/);
  assertJsonSafe(JSON.parse(JSON.stringify(brand)));
});

test('thin data: a single day of two events gives messages, not charts that cannot be drawn, and no NaN', async () => {
  const thin = await DuckDbStore.open(':memory:');
  await thin.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id) VALUES
    ('a', 'c1', '2024-03-01 10:00', 'review', 'x'), ('b', 'c2', '2024-03-01 11:00', 'purchase', 'x')`);
  const r = await analyzeBrand(thin, { period: 'day', listening: false });
  await thin.close();
  assert.equal(r.status, 'ok');
  assert.equal(r.periods.length, 1);
  assert.match(r.warnings.join(' '), /single day/);
  assert.equal(r.overall.momentum.status, 'insufficient-data');
  assert.equal(r.overall.stock.result.status, 'insufficient-data');
  assert.equal(r.diffusion.result.status, 'insufficient-data');
  assert.equal(r.cocreation.result.status, 'not-applicable');
  assertJsonSafe(JSON.parse(JSON.stringify(r)));
  const s = brandSection(buildResult({ brand: BrandSectionSchema.parse(r) }))!;
  assert.deepEqual(s.charts.map((c) => c.elementId), ['brand-flow', 'brand-stock']);
  assert.match(s.html.toString(), /at least 3 are needed/);
});

test('constant flow and no spontaneous actions give a clear status', async () => {
  const flat = await DuckDbStore.open(':memory:');
  const rows: string[] = [];
  for (let w = 0; w < 20; w++) {
    const day = new Date(Date.UTC(2024, 0, 1 + 7 * w)).toISOString().slice(0, 10);
    for (let k = 0; k < 5; k++) rows.push(`('m${w}-${k}', 'c${k}', '${day} 12:00', 'mention', 'x')`, `('p${w}-${k}', 'c${k}', '${day} 13:00', 'purchase', 'x')`);
  }
  await flat.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id) VALUES ${rows.join(',')}`);
  const r = await analyzeBrand(flat, { period: 'week', listening: false });
  assert.equal(r.overall.momentum.status, 'constant-series');
  assert.equal(r.overall.stock.result.status, 'constant-series');
  assertJsonSafe(JSON.parse(JSON.stringify(r)));
  await flat.exec(`DELETE FROM events WHERE type = 'mention'`);
  const none = await analyzeBrand(flat, { period: 'week', listening: false });
  await flat.close();
  assert.equal(none.status, 'no-flow');
  assert.match(none.message!, /no spontaneous actions/);
  assert.equal(none.overall.stock.result.status, 'no-flow');
  assertJsonSafe(JSON.parse(JSON.stringify(none)));
});
