/**
 * The peer-effect estimator: the stratified comparison solved by hand, and recovery of a known effect
 * on a synthetic event log where touches go to visibly active customers (so a naive comparison is
 * far off and the matched one is not).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { peerEffect, stratifiedComparison, PEER_INFLUENCE_TABLE, type PeerEffectRun } from '../../src/network/peer-effect.js';
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
