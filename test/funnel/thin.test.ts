/** Thin data: no events, no purchases, no touches, a handful of customers — clear status and message, null never NaN, no crash. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFunnel } from '../../src/funnel/index.js';
import { runFunnelSection } from '../../src/analysis/funnel.js';
import type { Warning } from '../../src/domain/result.js';
import { FunnelSectionSchema } from '../../src/domain/sections/funnel.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';

const stores: DuckDbStore[] = [];
after(async () => {
  for (const s of stores) await s.close();
});

async function storeWith(rows: [string, string, string, string?, string?][]): Promise<DuckDbStore> {
  const s = await DuckDbStore.open(':memory:');
  stores.push(s);
  for (const [i, [c, ts, type, item, peer]] of rows.entries()) {
    await s.query(`INSERT INTO events (event_id, customer_id, ts, type, item_id, peer_id, channel) VALUES (?, ?, CAST(? AS TIMESTAMP), ?, ?, ?, 'web')`, [`e${i}`, c, ts, type, item ?? null, peer ?? null]);
  }
  return s;
}

const clean = (x: unknown): void => assert.doesNotMatch(JSON.stringify(x), /NaN|Infinity/);

test('no events: no funnel (undefined section), no crash', async () => {
  const s = await storeWith([]);
  assert.deepEqual(await analyzeFunnel(s), { status: 'no-events' });
  const warnings: Warning[] = [];
  assert.equal(await runFunnelSection(s, {}, warnings), undefined);
});

test('views and carts but no purchases: status no-purchases, message, nulls for attribution and effects', async () => {
  const s = await storeWith([
    ['a', '2024-01-01 10:00:00', 'view', 'i1'], ['a', '2024-01-01 10:05:00', 'cart', 'i1'],
    ['b', '2024-01-02 10:00:00', 'view', 'i1'], ['b', '2024-01-03 10:00:00', 'exposure', 'i1'],
  ]);
  const r = await analyzeFunnel(s);
  assert.ok('stages' in r);
  FunnelSectionSchema.parse(r);
  assert.equal(r.status, 'no-purchases');
  assert.match(r.message!, /no purchases/);
  assert.equal(r.attribution.conversions, 0);
  assert.equal(r.attribution.shapley.peer, null);
  assert.equal(r.attribution.lastTouchShares.none, null);
  assert.equal(r.peerEffect.riskRatio, null);
  const p2a = r.conversions.find((c) => c.segment === 'all' && c.from === 'preference')!;
  assert.equal(p2a.rate, 0);
  assert.equal(p2a.medianDays, null);
  const a2l = r.conversions.find((c) => c.segment === 'all' && c.from === 'action')!;
  assert.equal(a2l.reached, 0);
  assert.equal(a2l.rate, null);
  assert.deepEqual(r.paths.before, []);
  assert.equal(r.steps[2].customers, 0);
  clean(r);
});

test('a peer share reaches a customer with no own events: awareness only, counted as referred', async () => {
  const s = await storeWith([
    ['a', '2024-01-01 10:00:00', 'view', 'i1'], ['a', '2024-01-01 10:01:00', 'purchase', 'i1'], ['a', '2024-01-02 10:00:00', 'share', 'i1', 'b'],
    ['c', '2024-01-01 09:00:00', 'referral', null as unknown as string, 'd'], ['d', '2024-01-02 09:00:00', 'view', 'i2'], ['d', '2024-01-02 09:30:00', 'purchase', 'i2'],
  ]);
  const r = await analyzeFunnel(s);
  assert.ok('stages' in r);
  assert.equal(r.stages.find((x) => x.stage === 'awareness')!.reached, 4); // a, b (share only), c (referral: advocacy), d
  assert.equal(r.stages.find((x) => x.stage === 'awareness')!.furthest, 1); // b
  assert.equal(r.stages.find((x) => x.stage === 'advocacy')!.reached, 2); // a shared, c referred
  // d's purchase is credited to c's referral the day before
  const action = r.attribution.lastTouch.find((x) => x.stage === 'action')!;
  assert.equal(action.peer, 1);
  assert.equal(r.attribution.conversions, 2);
  const referred = r.paths.phases.find((x) => x.segment === 'acquisition' && x.key === 'referred');
  assert.equal(referred?.purchased, 1);
  assert.equal(r.peerEffect.status, 'insufficient');
  clean(r);
});

test('bad options are an InvalidArgumentsError naming the option', async () => {
  const s = await storeWith([['a', '2024-01-01 10:00:00', 'view', 'i1']]);
  await assert.rejects(analyzeFunnel(s, { lookbackDays: 0 }), { name: 'InvalidArgumentsError', message: /lookbackDays/ });
  await assert.rejects(analyzeFunnel(s, { maxSteps: 1 }), { message: /maxSteps/ });
});

test('the TEMP tables are dropped unless kept', async () => {
  const s = await storeWith([['a', '2024-01-01 10:00:00', 'view', 'i1'], ['a', '2024-01-01 11:00:00', 'purchase', 'i1']]);
  await analyzeFunnel(s);
  const t = await s.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'funnel_%'`);
  assert.equal(t.length, 0);
  await analyzeFunnel(s, { keepTables: true });
  const kept = await s.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'funnel_%' ORDER BY 1`);
  assert.deepEqual(kept.map((x) => x.table_name), ['funnel_customers', 'funnel_journeys', 'funnel_touches']);
});
