/**
 * The funnel against the simulator's truth: 40,000 considerers (peerEffects block; seed 5) whose
 * conversion has a known peer risk ratio (2.0), firm risk ratio (1.3) and funnel transitions, with
 * peer touches more likely for the more active. The peer effect is estimated against a matched
 * baseline — the Mantel–Haenszel risk ratio within strata of activity (views before the decision)
 * × the other touch — and must come back within ±0.15 (about 3.5 standard errors at this size); the
 * firm effect within ±0.1; the Shapley shares of conversions within 0.03 (peer) and 0.025 (firm)
 * of the truth's expected Shapley split; the stage transitions within 0.01. Across seeds 5–10 at
 * 80,000 considerers the MH peer estimates averaged 1.997.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFunnel } from '../../src/funnel/index.js';
import type { FunnelSection } from '../../src/domain/sections/funnel.js';
import { simulate, type SimulationTruth } from '../../src/simulate/index.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-funnel-sim-');
let store: DuckDbStore;
let truth: NonNullable<SimulationTruth['peerEffects']>;
let f: FunnelSection;

before(async () => {
  const out = join(scratch.dir, 'events.csv');
  // one base customer and no other touches: the considerers are the whole log
  const s = await simulate({
    customers: 1, seed: 5, out, customerTruth: false, prospects: { ratio: 0 },
    acquisition: { referredShare: 0, firmShare: 0 }, exposures: { campaignReach: 0 }, social: { shareProb: 0, reviewProb: 0 },
    peerEffects: { people: 40_000 },
  });
  truth = (JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth).peerEffects!;
  ({ store } = await memoryStoreWith([out], 'simulated'));
  const r = await analyzeFunnel(store);
  assert.ok('stages' in r);
  f = r;
});

after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('peer effect: the matched (stratified) risk ratio recovers the true 2.0; the naive one is biased upwards', () => {
  const e = f.peerEffect;
  assert.equal(e.status, 'ok');
  assert.ok(Math.abs(e.riskRatio! - truth.peerEffect) <= 0.15, `peer RR ${e.riskRatio} vs ${truth.peerEffect}`);
  assert.ok(e.lower! < e.riskRatio! && e.riskRatio! < e.upper!);
  assert.ok(e.naiveRiskRatio! > e.riskRatio!, `naive ${e.naiveRiskRatio} should exceed the stratified ${e.riskRatio} (touches go with activity)`);
  assert.equal(e.treated, truth.realized.peerTouched);
});

test('firm effect: the risk ratio recovers the true 1.3', () => {
  const e = f.firmEffect;
  assert.equal(e.status, 'ok');
  assert.ok(Math.abs(e.riskRatio! - truth.firmEffect) <= 0.1, `firm RR ${e.riskRatio} vs ${truth.firmEffect}`);
  assert.equal(e.treated, truth.realized.firmTouched);
});

test('Shapley shares of conversions match the truth\'s expected peer/firm split', () => {
  const s = f.attribution.shapley;
  const t = truth.attribution;
  assert.ok(Math.abs(s.peer! - t.peerShare) <= 0.03, `peer share ${s.peer} vs ${t.peerShare}`);
  assert.ok(Math.abs(s.firm! - t.firmShare) <= 0.025, `firm share ${s.firm} vs ${t.firmShare}`);
  assert.ok(Math.abs(s.peer! + s.firm! + s.none! - 1) < 1e-9);
  // conversions = the considerers' buyers (plus the one base customer)
  assert.equal(f.attribution.conversions, truth.realized.buyers + 1);
});

test('last touch credits every touched conversion to its latest touch and over-credits touches against Shapley', () => {
  const lt = f.attribution.lastTouchShares;
  assert.ok(Math.abs(lt.peer! + lt.firm! + lt.none! - 1) < 1e-9);
  assert.ok(lt.peer! > f.attribution.shapley.peer!);
  assert.ok(lt.firm! > f.attribution.shapley.firm!);
  const action = f.attribution.lastTouch.find((r) => r.stage === 'action')!;
  assert.equal(action.conversions, f.attribution.conversions);
});

test('stage transitions: consideration → preference → action at the known rates', () => {
  const all = (from: string) => f.conversions.find((c) => c.segment === 'all' && c.from === from)!;
  assert.ok(Math.abs(all('consideration').rate! - truth.transitions.considerationToPreference) <= 0.01);
  assert.ok(Math.abs(all('preference').rate! - truth.transitions.preferenceToAction) <= 0.01);
  // every considerer's first event is a view: awareness → consideration is certain, at once
  assert.equal(all('awareness').rate, 1);
  assert.equal(all('awareness').medianDays, 0);
  // a repeat purchase is at least a day later
  assert.ok(all('action').medianDays! >= 1);
});

test('by cohort and channel: the rows add up to the overall counts', () => {
  for (const seg of ['cohort', 'channel'] as const) {
    const rows = f.conversions.filter((c) => c.segment === seg && c.from === 'preference');
    assert.ok(rows.length >= 2);
    const overall = f.conversions.find((c) => c.segment === 'all' && c.from === 'preference')!;
    assert.equal(rows.reduce((a, r) => a + r.reached, 0), overall.reached);
    assert.equal(rows.reduce((a, r) => a + r.converted, 0), overall.converted);
  }
});

test('paths: view (> cart) > purchase lead; drop-off per step adds up; phases by acquisition', () => {
  const p = f.paths;
  assert.equal(p.before[0].path, 'view > cart > purchase');
  assert.ok(p.before.some((x) => x.path === 'view > purchase'));
  for (const d of p.dropoff) assert.equal(d.purchased + d.continued + d.dropped + d.truncated, d.customers);
  assert.equal(p.dropoff[0].customers, f.customers);
  const purchases = p.dropoff.reduce((a, d) => a + d.purchased, 0) + p.dropoff.reduce((a, d) => a + d.truncated, 0);
  assert.ok(purchases >= f.attribution.conversions - 1);
  // the sankey is a DAG over position-numbered steps
  for (const l of p.links) if (!['drop-off', 'more…'].includes(l.target)) assert.ok(Number(l.target.split(' ')[0]) === Number(l.source.split(' ')[0]) + 1);
  const all = p.phases.find((r) => r.segment === 'all')!;
  assert.ok(all.recognize.medianHours! > 0);
  assert.ok(all.request.medianHours! > 0 && all.request.medianHours! < 0.05); // the cart is a minute before the purchase
  assert.ok(p.phases.some((r) => r.segment === 'acquisition' && r.key === 'not referred'));
});
