/**
 * The peer-effect estimator: the stratified comparison and the Mantel–Haenszel risk ratio solved by
 * hand, the prospects' decision units on a log built by hand, and recovery of a known effect on a
 * synthetic event log where touches go to visibly active customers (so a naive comparison is far off
 * and the matched one is not). Recovery on the simulator's considerers: peer-decisions.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import {
  mantelHaenszelRiskRatio, peerEffect, stratifiedComparison, PEER_DECISIONS_TABLE, PEER_INFLUENCE_TABLE, PEER_UNITS_TABLE, type PeerEffectRun, type StratumStats,
} from '../../src/network/peer-effect.js';
import { InvalidArgumentsError } from '../../src/network/errors.js';
import { insertSyntheticPeerLog, type SyntheticPeerTruth } from './synthetic-peer.js';

test('stratifiedComparison: a two-stratum case solved by hand', () => {
  // Stratum a: treated y = 2, 4 (mean 3, s² 2); controls y = 1, 1, 2, 2 (mean 1.5, s² 1/3).
  // Stratum b: treated y = 1 (one unit: borrows the pooled treated s² = 2/1); controls y = 0, 2 (mean 1, s² 2).
  const sums = (ys: number[], pre: number[]) => ({
    n: ys.length, sumPost: ys.reduce((s, y) => s + y, 0), sumPost2: ys.reduce((s, y) => s + y * y, 0),
    sumPre: pre.reduce((s, y) => s + y, 0), sumPre2: pre.reduce((s, y) => s + y * y, 0),
    sumDiff2: ys.reduce((s, y, i) => s + (y - pre[i]) ** 2, 0),
  });
  const r = stratifiedComparison([
    { stratum: 'a', treated: true, ...sums([2, 4], [1, 1]) },
    { stratum: 'a', treated: false, ...sums([1, 1, 2, 2], [1, 1, 1, 1]) },
    { stratum: 'b', treated: true, ...sums([1], [0]) },
    { stratum: 'b', treated: false, ...sums([0, 2], [0, 0]) },
    { stratum: 'c', treated: true, ...sums([5], [5]) }, // no controls: unmatched
  ]);
  assert.equal(r.matchedTreated, 3);
  assert.equal(r.unmatchedTreated, 1);
  assert.equal(r.controls, 6);
  assert.equal(r.strata, 2);
  const att = (2 / 3) * (3 - 1.5) + (1 / 3) * (1 - 1);
  assert.ok(Math.abs(r.post.estimate! - att) < 1e-12);
  const v = (2 / 3) ** 2 * (2 / 2 + 1 / 3 / 4) + (1 / 3) ** 2 * (2 / 1 + 2 / 2);
  assert.ok(Math.abs(r.post.se! - Math.sqrt(v)) < 1e-12);
  assert.ok(Math.abs(r.post.lower! - (att - 1.959963984540054 * Math.sqrt(v))) < 1e-9);
  // Placebo on the pre-window: a: 1 − 1 = 0; b: 0 − 0 = 0.
  assert.equal(r.placebo.estimate, 0);
  assert.ok(Math.abs(r.treatedMean! - 7 / 3) < 1e-12);
  assert.ok(Math.abs(r.counterfactualMean! - (2 / 3) * 1.5 - 1 / 3) < 1e-12);
  // Naive: all treated (2, 4, 1, 5) vs all controls (1, 1, 2, 2, 0, 2).
  assert.ok(Math.abs(r.naive! - (3 - 8 / 6)) < 1e-12);
  assert.ok(Math.abs(r.ratio.estimate! - (7 / 3) / (4 / 3)) < 1e-12);
  assert.throws(() => stratifiedComparison([], 1.5), InvalidArgumentsError);
  assert.equal(stratifiedComparison([]).post.estimate, null);
});

test('mantelHaenszelRiskRatio: a three-stratum case solved by hand', () => {
  const row = (stratum: string, treated: boolean, n: number, bought: number): StratumStats =>
    ({ stratum, treated, n, sumPost: bought, sumPost2: bought, sumPre: 0, sumPre2: 0, sumDiff2: bought });
  const rows = [
    row('s1', true, 10, 3), row('s1', false, 20, 2),
    row('s2', true, 5, 1), row('s2', false, 5, 1),
    row('s3', true, 4, 4), row('s3', false, 1, 0), // one control (< minControls 2): left out
    row('s4', false, 7, 1), // no treated: left out
  ];
  const r = mantelHaenszelRiskRatio(rows);
  // R = Σ a·n0/N = 3·20/30 + 1·5/10 = 2.5; S = Σ c·n1/N = 2·10/30 + 1·5/10 = 7/6; RR = R / S = 15/7.
  const R = 2.5;
  const S = 7 / 6;
  assert.equal(r.strata, 2);
  assert.ok(Math.abs(r.estimate! - R / S) < 1e-12);
  // Greenland–Robins: Var(ln RR) = Σ (n1·n0·(a + c) − a·c·N) / N² / (R·S).
  const v = ((10 * 20 * 5 - 3 * 2 * 30) / 900 + (5 * 5 * 2 - 1 * 1 * 10) / 100) / (R * S);
  assert.ok(Math.abs(r.lower! - (R / S) * Math.exp(-1.959963984540054 * Math.sqrt(v))) < 1e-9);
  assert.ok(Math.abs(r.upper! - (R / S) * Math.exp(1.959963984540054 * Math.sqrt(v))) < 1e-9);
  assert.ok(Math.abs(r.se! - (R / S) * Math.sqrt(v)) < 1e-12);
  assert.equal(mantelHaenszelRiskRatio(rows, 0.95, 1).strata, 3);
  assert.equal(mantelHaenszelRiskRatio([row('a', true, 3, 0), row('a', false, 3, 1)]).estimate, null);
  assert.throws(() => mantelHaenszelRiskRatio(rows, 0), InvalidArgumentsError);
});

test('prospects\' decision units: who was still deciding, touched in the decision window, brought in or not a prospect', async () => {
  const s = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    // [customer, day, type, item, peer]; S is an existing customer who shares.
    const log: [string, number, string, string | null, string | null][] = [
      ['S', 0, 'purchase', 'A', null],
      ['P1', 10, 'view', 'A', null], ['P1', 11, 'view', 'A', null], ['S', 12, 'share', 'A', 'P1'], ['P1', 13, 'purchase', 'A', null],
      ['P2', 10, 'view', 'A', null], ['S', 15, 'share', 'A', 'P2'], // never bought; touched 5 days after the last event
      ['S', 9, 'share', 'A', 'P3'], ['P3', 10, 'view', 'A', null], ['P3', 11, 'purchase', 'A', null], // brought in
      ['P4', 10, 'view', 'A', null], ['P4', 11, 'purchase', 'A', null], ['S', 12, 'share', 'A', 'P4'], // touched after deciding
      ['P5', 9, 'search', null, null], ['P5', 10, 'view', 'B', null], ['S', 11, 'share', 'A', 'P5'], ['P5', 11, 'exposure', 'B', null],
      ['P5', 12, 'search', null, null], // after the last view but before the decision (P5's last event): counts
      ['P6', 10, 'purchase', 'C', null], ['P6', 11, 'view', 'A', null], ['S', 12, 'share', 'A', 'P6'], ['P6', 13, 'purchase', 'A', null], // a customer
      ['P7', 10, 'view', 'A', null], ['S', 11, 'referral', null, 'P7'], // a touch without an item counts for every item
      ['P8', 10, 'view', 'A', null], ['S', 20, 'share', 'A', 'P8'], ['P8', 60, 'view', 'B', null], // the share is 40 days before P8's last event (P8/A's decision)
      ['Z', 70, 'view', 'Z', null],
    ];
    const values = log.map(([c, d, type, item, peer], k) =>
      `('e${k}', '${c}', TIMESTAMP '2024-01-01' + INTERVAL ${d} DAY, '${type}', ${item ? `'${item}'` : 'NULL'}, ${peer ? `'${peer}'` : 'NULL'}, ${type === 'purchase' ? 10 : 'NULL'})`);
    await s.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, peer_id, amount) VALUES ${values.join(', ')}`);
    const r = await peerEffect(s, { minControls: 1 });
    const units = await s.query<{ customer_id: string; item_id: string; converted: boolean; peer: boolean; firm: boolean; brought_in: boolean; activity: number; stratum: string }>(
      `SELECT customer_id, item_id, converted, peer, firm, brought_in, activity, stratum FROM ${PEER_DECISIONS_TABLE} ORDER BY customer_id, item_id`);
    const got = Object.fromEntries(units.map((u) => [`${u.customer_id}/${u.item_id}`, [u.converted, u.peer, u.firm, u.brought_in, Number(u.activity)]]));
    assert.deepEqual(got, {
      //            bought  touched firm   brought in  activity
      'P1/A': [true, true, false, false, 2],
      'P2/A': [false, true, false, false, 1],
      'P3/A': [true, false, false, true, 1],
      'P4/A': [true, false, false, false, 1],
      'P5/B': [false, false, true, false, 3],
      'P7/A': [false, true, false, false, 1],
      'P8/A': [false, false, false, false, 1],
      'P8/B': [false, false, false, false, 1],
      'Z/Z': [false, false, false, false, 1],
    });
    assert.equal(units.find((u) => u.customer_id === 'P5')!.stratum, 'p0|iB|a3|firm');
    assert.equal(units.find((u) => u.customer_id === 'P1')!.stratum, 'p0|iA|a2|nofirm');
    const d = r.decisions;
    assert.deepEqual([d.units, d.broughtIn, d.touched, d.untouched, d.firmTouched], [9, 1, 3, 5, 1]);
    assert.equal(d.treatedConversion, 1 / 3);
    assert.equal(d.controlConversion, 1 / 5);
    // every non-brought-in unit is a row of the units table, its anchor the decision
    const [{ n }] = await s.query<{ n: number }>(`SELECT count(*) AS n FROM ${PEER_UNITS_TABLE} WHERE starts_with(stratum, 'p0|')`);
    assert.equal(Number(n), 8);
    assert.ok(r.rule.includes('Mantel–Haenszel') && r.rule.includes('decision'));
    assert.equal(r.populations.prospects.placebo.estimate, null, 'a prospect has no purchases before: no placebo');
  } finally {
    await s.close();
  }
});

let store: DuckDbStore;
let truth: SyntheticPeerTruth;
let run: PeerEffectRun;
before(async () => {
  store = await DuckDbStore.open(':memory:', { threads: 1 });
  truth = await insertSyntheticPeerLog(store, { seed: 10 });
  run = await peerEffect(store, { seed: 5 });
});
after(() => store.close());

test('synthetic log: the matched effect covers the true 0.6 extra purchases; the naive comparison does not', (t) => {
  const e = run.post;
  t.diagnostic(`true ${truth.effect}; matched ${e.estimate!.toFixed(3)} [${e.lower!.toFixed(3)}, ${e.upper!.toFixed(3)}]; naive ${run.naive!.toFixed(3)}; placebo ${run.placebo.estimate!.toFixed(3)}; ${run.matchedTreated} matched of ${run.treatedUnits}`);
  assert.ok(e.lower! <= truth.effect && truth.effect <= e.upper!, `${e.lower}–${e.upper} vs ${truth.effect}`);
  assert.ok(run.naive! > e.upper!, 'touches aim at active buyers: the unadjusted difference is biased upwards');
  assert.ok(run.placebo.lower! <= 0 && 0 <= run.placebo.upper!, 'matched groups bought alike before the touch');
  assert.ok(run.matchedTreated >= 0.75 * truth.touched && run.matchedTreated <= truth.touched);
  assert.equal(run.populations.prospects.matchedTreated, 0, 'every touched customer had bought before');
  assert.equal(run.decisions.units, 0, 'nobody viewed an item: no prospect decided on one');
  assert.ok(run.ratio.lower! > 1);
  assert.ok(run.rule.includes('30 days'));
});

test('synthetic log: influencer credits add up to the excess and follow who touched whom', async () => {
  const rows = await store.query<{ customer_id: string; influenced_peers: number; excess_purchases: number; influence_value: number }>(
    `SELECT * FROM ${PEER_INFLUENCE_TABLE} ORDER BY customer_id`,
  );
  const peers = rows.reduce((s, r) => s + r.influenced_peers, 0);
  const excess = rows.reduce((s, r) => s + r.excess_purchases, 0);
  assert.ok(Math.abs(peers - run.matchedTreated) < 1e-9);
  assert.ok(Math.abs(excess - run.excessPurchases.estimate!) < 1e-6);
  assert.equal(rows.length, truth.byInfluencer.size);
  for (const r of rows) {
    assert.ok(r.influenced_peers <= truth.byInfluencer.get(r.customer_id)!, r.customer_id);
    assert.ok(Math.abs(r.influence_value - r.excess_purchases * run.averageOrderValue!) < 1e-6);
  }
  const [{ aov }] = await store.query<{ aov: number }>(`SELECT avg(amount) AS aov FROM events WHERE type = 'purchase'`);
  assert.ok(Math.abs(run.averageOrderValue! - aov) < 1e-9);
});

test('synthetic log without an effect: the interval covers 0', async () => {
  const s = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    await insertSyntheticPeerLog(s, { seed: 10, effectPerDay: 0 });
    const r = await peerEffect(s, { seed: 5 });
    assert.ok(r.post.lower! <= 0 && 0 <= r.post.upper!, `${r.post.lower}–${r.post.upper}`);
  } finally {
    await s.close();
  }
});

test('peerEffect checks its options and is reproducible for a seed', async () => {
  await assert.rejects(peerEffect(store, { windowDays: 0 }), InvalidArgumentsError);
  await assert.rejects(peerEffect(store, { touchTypes: [] }), InvalidArgumentsError);
  await assert.rejects(peerEffect(store, { touchTypes: ['purchase' as 'share'] }), InvalidArgumentsError);
  const again = await peerEffect(store, { seed: 5 });
  assert.deepEqual(again.post, run.post);
});
