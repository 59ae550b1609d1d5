/**
 * Taobao UserBehavior (the shared prefix, via the bundled `taobao` mapping): the funnel
 * view → save/cart → purchase and the stage counts, each checked against a direct SQL count written
 * independently (correlated subqueries over the raw events, not the funnel's tables); the top paths.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFunnel } from '../../src/funnel/index.js';
import type { FunnelSection } from '../../src/domain/sections/funnel.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';

let store: DuckDbStore;
let f: FunnelSection;

before(async () => {
  ({ store } = await memoryStoreWith([sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao'));
  const r = await analyzeFunnel(store);
  assert.ok('stages' in r);
  f = r;
});

after(async () => {
  await store?.close();
});

async function count(sql: string): Promise<number> {
  const [r] = await store.query<{ n: number }>(sql);
  return Number(r.n);
}

test('view → save/cart → purchase: counts and rates equal a direct SQL count', async () => {
  const viewers = await count(`SELECT count(DISTINCT customer_id) AS n FROM events WHERE type = 'view'`);
  const savers = await count(`SELECT count(DISTINCT s.customer_id) AS n FROM events s
    WHERE s.type IN ('save', 'cart') AND s.ts >= (SELECT min(v.ts) FROM events v WHERE v.customer_id = s.customer_id AND v.type = 'view')`);
  const buyers = await count(`SELECT count(DISTINCT p.customer_id) AS n FROM events p
    WHERE p.type = 'purchase' AND p.ts >= (SELECT min(s.ts) FROM events s WHERE s.customer_id = p.customer_id AND s.type IN ('save', 'cart')
      AND s.ts >= (SELECT min(v.ts) FROM events v WHERE v.customer_id = p.customer_id AND v.type = 'view'))`);
  assert.deepEqual(f.steps.map((s) => s.customers), [viewers, savers, buyers]);
  assert.equal(f.steps[1].rate, savers / viewers);
  assert.equal(f.steps[2].rate, buyers / savers);
  assert.equal(f.steps[2].overall, buyers / viewers);
  // the numbers of this prefix (812 viewers, 688 saved or carted, 447 bought after that)
  assert.deepEqual([viewers, savers, buyers], [812, 688, 447]);
});

test('stages: action and loyalty reached equal distinct purchasers and buyers on two or more days', async () => {
  const reached = (s: string) => f.stages.find((x) => x.stage === s)!.reached;
  assert.equal(reached('action'), await count(`SELECT count(DISTINCT customer_id) AS n FROM events WHERE type = 'purchase'`));
  assert.equal(reached('loyalty'), await count(`SELECT count(*) AS n FROM (SELECT customer_id FROM events WHERE type = 'purchase' GROUP BY 1 HAVING count(DISTINCT CAST(ts AS DATE)) >= 2)`));
  assert.equal(reached('awareness'), await count(`SELECT count(DISTINCT customer_id) AS n FROM events`));
  assert.equal(reached('advocacy'), 0);
  const a2p = f.conversions.find((c) => c.segment === 'all' && c.from === 'preference')!;
  assert.equal(a2p.rate, reached('action') / reached('preference'));
});

test('no peer or firm touches: everything is credited to none, effects are not estimated, with a message', () => {
  assert.equal(f.touches.peerTouches + f.touches.firmTouches, 0);
  assert.equal(f.attribution.lastTouchShares.none, 1);
  assert.equal(f.attribution.shapley.none, 1);
  assert.equal(f.peerEffect.status, 'insufficient');
  assert.equal(f.peerEffect.riskRatio, null);
  assert.match(f.attribution.message!, /no peer or firm touches/);
  assert.doesNotMatch(JSON.stringify(f), /NaN|Infinity/);
});

test('top paths before and after the first purchase, with drop-off per step', () => {
  const p = f.paths;
  assert.equal(p.before[0].path, 'view > purchase');
  assert.ok(p.before[0].customers > 100);
  assert.ok(p.after[0].path.startsWith('purchase'));
  const purchasers = f.stages.find((x) => x.stage === 'action')!.reached;
  assert.equal(p.before.reduce((a, x) => a + x.customers, 0) <= purchasers, true);
  assert.equal(p.dropoff[0].customers, f.customers);
  for (const d of p.dropoff) assert.equal(d.purchased + d.continued + d.dropped + d.truncated, d.customers);
  // the first step of most journeys is a view (731 of 814)
  const first = p.links.filter((l) => l.source.startsWith('1 '));
  assert.ok(first.filter((l) => l.source === '1 view').reduce((a, l) => a + l.customers, 0) > 0.85 * f.customers);
});
