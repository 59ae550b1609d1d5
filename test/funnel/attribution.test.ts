/** The attribution models and the matched effect estimate on hand-made path cells with known answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markovAttribution, shapleyAttribution, touchEffect, type PathCell } from '../../src/funnel/attribution.js';

const cell = (stratum: string, path: string, customers: number, conversions: number): PathCell => ({ stratum, path, customers, conversions });

test('Shapley: one stratum, rates 10% / 30% / 20% / 40% for none / peer / firm / both', () => {
  const cells = [cell('1', '', 1000, 100), cell('1', 'peer', 100, 30), cell('1', 'firm', 100, 20), cell('1', 'firm>peer', 100, 40)];
  const r = shapleyAttribution(cells);
  // peer: 100·(0.3−0.1) + 100·½[(0.3−0.1) + (0.4−0.2)] = 20 + 20 = 40; firm: 100·0.1 + 100·½[(0.2−0.1) + (0.4−0.3)] = 10 + 10 = 20
  assert.ok(Math.abs(r.peerConversions! - 40) < 1e-9);
  assert.ok(Math.abs(r.firmConversions! - 20) < 1e-9);
  assert.ok(Math.abs(r.noneConversions! - 130) < 1e-9);
  assert.ok(Math.abs(r.peer! + r.firm! + r.none! - 1) < 1e-12);
  assert.ok(Math.abs(r.peer! - 40 / 190) < 1e-12);
});

test('Shapley stratifies: a touch that only goes with the more active gets no credit when it has no effect', () => {
  // stratum a converts 10%, stratum b 50%, touched or not; peer touches are mostly in b
  const cells = [cell('a', '', 900, 90), cell('a', 'peer', 100, 10), cell('b', '', 100, 50), cell('b', 'peer', 900, 450)];
  const r = shapleyAttribution(cells);
  assert.ok(Math.abs(r.peer!) < 1e-12);
  // pooled, the same data would credit the peer touch: 46% vs 14% conversion
  const pooled = shapleyAttribution(cells.map((c) => ({ ...c, stratum: 'all' })));
  assert.ok(pooled.peer! > 0.3);
});

test('Shapley: no conversions, or no untouched customers → null, never NaN', () => {
  assert.equal(shapleyAttribution([cell('1', '', 10, 0)]).peer, null);
  assert.equal(shapleyAttribution([cell('1', 'peer', 100, 10)]).peer, null);
  assert.equal(shapleyAttribution([]).none, null);
});

test('Markov removal effect: a chain solved by hand', () => {
  // start→peer 100 (50 convert), start→firm 100 (10 convert), start→none 100 (0 convert)
  const r = markovAttribution([cell('1', 'peer', 100, 50), cell('1', 'firm', 100, 10), cell('1', '', 100, 0)]);
  // P(conv) = (50 + 10) / 300 = 0.2; without peer 10/300, RE 5/6; without firm 50/300, RE 1/6
  assert.ok(Math.abs(r.peerRemovalEffect! - 5 / 6) < 1e-12);
  assert.ok(Math.abs(r.firmRemovalEffect! - 1 / 6) < 1e-12);
  assert.ok(Math.abs(r.peer! - 5 / 6) < 1e-12);
  assert.ok(Math.abs(r.firm! - 1 / 6) < 1e-12);
  assert.equal(r.none, 0);
});

test('Markov: a two-step path passes through both states', () => {
  // every customer sees firm then peer; only removing either kills all conversions
  const r = markovAttribution([cell('1', 'firm>peer', 100, 30), cell('1', '', 100, 10)]);
  assert.ok(Math.abs(r.peerRemovalEffect! - 0.75) < 1e-12); // P = 40/200; without: 10/200
  assert.ok(Math.abs(r.firmRemovalEffect! - 0.75) < 1e-12);
  assert.ok(Math.abs(r.none! - 0.25) < 1e-12);
  assert.ok(Math.abs(r.peer! - 0.375) < 1e-12);
});

test('Mantel–Haenszel risk ratio: homogeneous RR 2 in two strata confounded by activity', () => {
  const cells = [
    cell('1', '', 900, 90), cell('1', 'peer', 100, 20), // 10% vs 20%
    cell('5', '', 100, 30), cell('5', 'peer', 900, 540), // 30% vs 60%
  ];
  const e = touchEffect(cells, 'peer');
  assert.equal(e.status, 'ok');
  assert.ok(Math.abs(e.riskRatio! - 2) < 1e-12);
  assert.ok(e.lower! < 2 && e.upper! > 2);
  // unstratified: 560/1000 vs 120/1000 = 4.67, badly biased
  assert.ok(Math.abs(e.naiveRiskRatio! - 560 / 120) < 1e-12);
  assert.equal(e.strata, 2);
});

test('touch effect: too few treated → insufficient with nulls', () => {
  const e = touchEffect([cell('1', '', 100, 10), cell('1', 'firm', 5, 1)], 'firm');
  assert.equal(e.status, 'insufficient');
  assert.equal(e.riskRatio, null);
  assert.match(e.message!, /5 customers had a firm touch/);
});
