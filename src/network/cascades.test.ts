import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../store/duckdb/index.js';
import { cascadeForest, referralCascades, structuralVirality } from './cascades.js';
import { GraphStructureError, InvalidArgumentsError } from './errors.js';
import { referralValue } from './referral-value.js';

test('structural virality: a star of n is 2(n−1)/n, a chain of n is (n+1)/3 (Goel et al. 2016)', () => {
  for (const n of [2, 3, 5, 10, 50]) {
    const star = new Int32Array(n).fill(0);
    star[0] = -1;
    const chain = Int32Array.from({ length: n }, (_, i) => i - 1);
    assert.ok(Math.abs(structuralVirality(star) - (2 * (n - 1)) / n) < 1e-12, `star ${n}`);
    assert.ok(Math.abs(structuralVirality(chain) - (n + 1) / 3) < 1e-12, `chain ${n}`);
  }
});

test('structural virality equals the brute-force mean pairwise distance of a branching tree', () => {
  //        0
  //      / | \
  //     1  2  3
  //    / \     \
  //   4   5     6
  //   |
  //   7
  const parent = Int32Array.from([-1, 0, 0, 0, 1, 1, 3, 4]);
  const n = parent.length;
  const ancestors = (v: number): number[] => (v < 0 ? [] : [v, ...ancestors(parent[v])]);
  let sum = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) {
    const pa = ancestors(a);
    const pb = ancestors(b);
    const lca = pa.find((x) => pb.includes(x))!;
    sum += pa.indexOf(lca) + pb.indexOf(lca);
  }
  assert.ok(Math.abs(structuralVirality(parent) - sum / ((n * (n - 1)) / 2)) < 1e-12);
});

test('cascadeForest: roots, depths, descendants and per-tree size/depth; cycles are an error', () => {
  const f = cascadeForest(Int32Array.from([-1, 0, 1, -1, 3, 0]));
  assert.deepEqual(Array.from(f.root), [0, 0, 0, 3, 3, 0]);
  assert.deepEqual(Array.from(f.depth), [0, 1, 2, 0, 1, 1]);
  assert.deepEqual(Array.from(f.descendants), [3, 1, 0, 1, 0, 0]);
  assert.deepEqual(Array.from(f.trees.size), [4, 2]);
  assert.deepEqual(Array.from(f.trees.depth), [2, 1]);
  assert.throws(() => cascadeForest(Int32Array.from([1, 0, -1])), GraphStructureError);
  assert.throws(() => structuralVirality(Int32Array.from([-1, -1])), InvalidArgumentsError);
});

// A hand-made log (day numbers from 2024-01-01):
//  A buys day 0. A refers B day 5; B buys day 10 (100) and day 400 (50).
//  B refers C day 12, A refers C day 14; C buys day 20 (40), returns 10 on day 21.
//  C refers D day 1; D buys day 50: 49 days, outside the 30-day window.
//  F (never buys) refers E day 30; E buys day 31 (20).
//  H refers G day 2; G buys day 5 but H first buys day 40, after G: not credited.
//  B shares with I day 25; I buys day 26 (30).
//  A follows J day 1; J buys day 2: a follow brings nobody in.
const LOG: [string, number, string, string | null, number | null][] = [
  ['A', 0, 'purchase', null, 10],
  ['A', 5, 'referral', 'B', null],
  ['B', 10, 'purchase', null, 100],
  ['B', 400, 'purchase', null, 50],
  ['B', 12, 'referral', 'C', null],
  ['A', 14, 'referral', 'C', null],
  ['C', 20, 'purchase', null, 40],
  ['C', 21, 'return', null, 10],
  ['C', 1, 'referral', 'D', null],
  ['D', 50, 'purchase', null, 5],
  ['F', 30, 'referral', 'E', null],
  ['E', 31, 'purchase', null, 20],
  ['H', 2, 'referral', 'G', null],
  ['G', 5, 'purchase', null, 7],
  ['H', 40, 'purchase', null, 7],
  ['B', 25, 'share', 'I', null],
  ['I', 26, 'purchase', null, 30],
  ['A', 1, 'follow', 'J', null],
  ['J', 2, 'purchase', null, 3],
];

let store: DuckDbStore;
before(async () => {
  store = await DuckDbStore.open(':memory:', { threads: 1 });
  const values = LOG.map(
    ([c, d, type, peer, amount], k) =>
      `('e${k}', '${c}', TIMESTAMP '2024-01-01' + INTERVAL ${d} DAY, '${type}', ${peer ? `'${peer}'` : 'NULL'}, ${amount ?? 'NULL'})`,
  );
  await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, peer_id, amount) VALUES ${values.join(', ')}`);
});
after(() => store.close());

async function links(): Promise<string[]> {
  const rows = await store.query<{ a: string; b: string }>('SELECT referrer_id AS a, referred_id AS b FROM network_referrals ORDER BY b');
  return rows.map((r) => `${r.a}→${r.b}`);
}

test('who brought whom on a hand-made log: window, last-touch, referrer-bought-first rule, shares count, follows do not', async () => {
  const run = await referralCascades(store);
  assert.deepEqual(await links(), ['A→B', 'A→C', 'F→E', 'B→I']);
  assert.equal(run.referred, 4);
  assert.equal(run.purchasers, 9);
  const t = run.forest.trees;
  const ids = await run.idsOf(Array.from(t.root));
  const byRoot = new Map(ids.map((id, k) => [id, { size: t.size[k], depth: t.depth[k], v: t.virality[k] }]));
  // Tree A: A–B, A–C, B–I: pair distances sum to 10 over 6 pairs.
  assert.deepEqual(byRoot.get('A'), { size: 4, depth: 2, v: 10 / 6 });
  assert.deepEqual(byRoot.get('F'), { size: 2, depth: 1, v: 1 });
  const nodes = await store.query<{ customer_id: string; cascade_root_id: string; cascade_depth: number; descendants: number }>(
    'SELECT * FROM network_cascade_nodes ORDER BY customer_id',
  );
  assert.deepEqual(nodes.map((r) => `${r.customer_id}:${r.cascade_root_id}:${r.cascade_depth}:${r.descendants}`), [
    'A:A:0:3', 'B:A:1:1', 'C:A:1:0', 'E:F:1:0', 'F:F:0:1', 'I:A:2:0',
  ]);
});

test('first-touch attribution and a longer window change who brought whom', async () => {
  await referralCascades(store, { attribution: 'first' });
  assert.deepEqual(await links(), ['A→B', 'B→C', 'F→E', 'B→I']);
  await referralCascades(store, { windowDays: 60 });
  assert.deepEqual(await links(), ['A→B', 'A→C', 'C→D', 'F→E', 'B→I']);
  await referralCascades(store, { types: ['referral'] });
  assert.deepEqual(await links(), ['A→B', 'A→C', 'F→E']);
  await assert.rejects(referralCascades(store, { windowDays: 0 }), InvalidArgumentsError);
});

test('referral value from observed revenue, undiscounted and discounted, by hand', async () => {
  await referralCascades(store);
  const v0 = await referralValue(store, { annualDiscountRate: 0 });
  assert.equal(v0.valueSource, 'observed_revenue');
  const per = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await store.query<{ r: string; v: number }>('SELECT referrer_id AS r, sum(credited_value) AS v FROM network_referral_value GROUP BY 1')).map((x) => [x.r, x.v]),
    );
  // A: B's 100 (day 400 is past the 365-day horizon from day 5) + C's 40 − 10; B: I's 30; F: E's 20.
  assert.deepEqual(await per(), { A: 130, B: 30, F: 20 });
  assert.equal(v0.total, 180);
  assert.equal(v0.censored, 0);
  const v1 = await referralValue(store, { annualDiscountRate: 0.1, share: 0.5 });
  const d = (days: number): number => 1.1 ** (-days / 365.25);
  const got = await per();
  assert.ok(Math.abs(got.A - 0.5 * (100 * d(5) + 40 * d(6) - 10 * d(7))) < 1e-9);
  assert.ok(Math.abs(got.B - 0.5 * 30 * d(1)) < 1e-9);
  assert.ok(v1.rule.includes('50%') && v1.rule.includes('10%'));
  const censored = await referralValue(store, { asOf: new Date('2024-12-26T00:00:00Z') }); // day 360
  assert.equal(censored.censored, 4);
});

test('referral value from clv_scores: realised revenue to the as-of date plus discounted CLV', async () => {
  await referralCascades(store);
  await store.exec(`CREATE TABLE clv_scores AS SELECT * FROM (VALUES ('B', 1000.0), ('C', 500.0)) t(customer_id, clv)`);
  try {
    const v = await referralValue(store, { annualDiscountRate: 0 });
    assert.equal(v.valueSource, 'clv_scores');
    assert.equal(v.missingClv, 2); // I and E
    assert.equal(v.censored, null);
    // A: B (100 + 50 + 1000) + C (40 − 10 + 500) = 1680; B: I 30; F: E 20.
    assert.equal(v.total, 1730);
    const forced = await referralValue(store, { forceObservedRevenue: true, annualDiscountRate: 0 });
    assert.equal(forced.valueSource, 'observed_revenue');
    assert.equal(forced.total, 180);
  } finally {
    await store.exec('DROP TABLE clv_scores');
  }
});
