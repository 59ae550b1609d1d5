/**
 * analyzeNetwork end to end on a small hand-made store: the result document (typed, JSON-safe, no
 * NaN) and the network_scores table that later SQL joins on.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { analyzeNetwork } from '../../src/network/analyze.js';
import { NetworkResultSchema } from '../../src/domain/sections/network.js';
import { loadEdges } from '../../src/network/edges.js';
import { InvalidArgumentsError } from '../../src/network/errors.js';

// Day numbers from 2024-01-01. A brings B (referral day 1, B buys day 3) and B brings C (share day 4,
// C buys day 6); D follows A twice and A follows D; E reviews with rating 5, A with 4.
const LOG: [string, number, string, string | null, number | null, number | null][] = [
  ['A', 0, 'purchase', null, 50, null],
  ['A', 1, 'referral', 'B', null, null],
  ['B', 3, 'purchase', null, 80, null],
  ['B', 4, 'share', 'C', null, null],
  ['C', 6, 'purchase', null, 20, null],
  ['D', 2, 'follow', 'A', null, null],
  ['D', 9, 'follow', 'A', null, null],
  ['A', 5, 'follow', 'D', null, null],
  ['E', 7, 'follow', 'A', null, null],
  ['A', 8, 'review', null, null, 4],
  ['E', 8, 'review', null, null, 5],
  ['D', 8, 'review', null, null, 4],
  ['X', 8, 'share', null, null, null], // no peer: not an edge
  ['Y', 8, 'referral', 'Y', null, null], // self-loop: not an edge
];

let store: DuckDbStore;
before(async () => {
  store = await DuckDbStore.open(':memory:', { threads: 1 });
  const values = LOG.map(
    ([c, d, type, peer, amount, rating], k) =>
      `('e${k}', '${c}', TIMESTAMP '2024-01-01' + INTERVAL ${d} DAY, '${type}', ${peer ? `'${peer}'` : 'NULL'}, ${amount ?? 'NULL'}, ${rating ?? 'NULL'})`,
  );
  await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, peer_id, amount, rating) VALUES ${values.join(', ')}`);
});
after(() => store.close());

test('loadEdges aggregates events into weighted, typed, time-stamped edges in the store', async () => {
  const e = await loadEdges(store);
  assert.equal(e.nodeCount, 5); // A B C D E
  assert.equal(e.edgeCount, 5);
  const rows = await store.query<{ s: string; t: string; weight: number; follows: number; first_ts: Date; last_ts: Date }>(
    'SELECT source_id AS s, target_id AS t, weight, follows, first_ts, last_ts FROM network_edges ORDER BY s, t',
  );
  assert.deepEqual(rows.map((r) => `${r.s}→${r.t}:${r.weight}`), ['A→B:1', 'A→D:1', 'B→C:1', 'D→A:2', 'E→A:1']);
  const da = rows.find((r) => r.s === 'D')!;
  assert.equal(da.first_ts.toISOString(), '2024-01-03T00:00:00.000Z');
  assert.equal(da.last_ts.toISOString(), '2024-01-10T00:00:00.000Z');
  // Node indices follow customer_id order (A=0 … E=4); the edge list comes back in any order.
  const got = Array.from(e.src, (s, k) => `${s}→${e.dst[k]}:${e.weight[k]}:${e.typeMask[k]}:${e.firstTs![k]}`).sort();
  const day = (d: number): number => Date.UTC(2024, 0, 1 + d);
  assert.deepEqual(got, [`0→1:1:1:${day(1)}`, `0→3:1:4:${day(5)}`, `1→2:1:2:${day(4)}`, `3→0:2:4:${day(2)}`, `4→0:1:4:${day(7)}`].sort());
  const onlyFollows = await loadEdges(store, { types: ['follow'], since: new Date('2024-01-05T00:00:00Z') });
  assert.equal(onlyFollows.edgeCount, 3); // A→D day 5, D→A day 9, E→A day 7
  await assert.rejects(loadEdges(store, { types: ['purchase' as 'follow'] }), InvalidArgumentsError);
});

test('analyzeNetwork: a JSON-safe result and network_scores rows for every node and cascade member', async () => {
  const r = await analyzeNetwork(store, { topN: 3, homophily: { permutations: 19 } });
  const json = JSON.parse(JSON.stringify(r));
  assert.deepEqual(NetworkResultSchema.parse(json), json);
  assert.ok(!JSON.stringify(r).includes('NaN'));
  assert.equal(r.graph.nodes, 5);
  assert.equal(r.graph.edges, 5);
  assert.equal(r.graph.reciprocity, 2 / 5); // A→D and D→A
  assert.equal(r.graph.density, 5 / 20);
  assert.equal(r.graph.totalWeight, 6);
  assert.equal(r.pagerank.top[0].customerId, 'A');
  assert.equal(r.pagerank.top.length, 3);
  assert.equal(r.cascades!.referredCustomers, 2);
  assert.equal(r.cascades!.cascades, 1);
  assert.deepEqual(r.cascades!.largest, [{ rootCustomerId: 'A', size: 3, depth: 2, structuralVirality: 4 / 3 }]);
  assert.equal(r.referralValue!.valueSource, 'observed_revenue');
  assert.equal(r.homophily!.nodesWithValue, 3); // A, D, E rated
  assert.equal(r.homophily!.edgesUsed, 3); // A→D, D→A, E→A
  assert.equal(r.homophily!.permutations, 19);

  const scores = await store.query<Record<string, unknown>>('SELECT * FROM network_scores ORDER BY customer_id');
  assert.deepEqual(scores.map((s) => s.customer_id), ['A', 'B', 'C', 'D', 'E']);
  const a = scores[0];
  assert.equal(a.in_degree, 2);
  assert.equal(a.out_degree, 2);
  assert.equal(a.in_weight, 3);
  assert.equal(a.core, 1);
  assert.equal(a.reach, 3); // B, D, then C
  assert.equal(a.referrals, 1);
  assert.equal(a.cascade_root_id, 'A');
  assert.equal(a.descendants, 2);
  assert.ok(Math.abs((a.referral_value as number) - 80 * 1.1 ** (-2 / 365.25)) < 1e-9);
  const c = scores[2];
  assert.equal(c.referred_by, 'B');
  assert.equal(c.cascade_depth, 2);
  assert.equal(c.referral_value, null);
  const pr = scores.reduce((s, x) => s + (x.pagerank as number), 0);
  assert.ok(Math.abs(pr - 1) < 1e-9);
  // Later SQL can join the scores to events.
  const [{ buyers }] = await store.query<{ buyers: number }>(
    `SELECT count(DISTINCT e.customer_id) AS buyers FROM events e JOIN network_scores s USING (customer_id) WHERE e.type = 'purchase' AND s.referred_by IS NOT NULL`,
  );
  assert.equal(buyers, 2);
});

test('analyzeNetwork: Louvain on a worker thread and in-thread agree', async () => {
  let ta: Record<string, number> = {}, tb: Record<string, number> = {};
  const a = await analyzeNetwork(store, { louvain: { engine: 'csr' }, parallel: true, writeScores: false, onTimings: (t) => (ta = t) });
  const b = await analyzeNetwork(store, { louvain: { engine: 'csr' }, parallel: false, writeScores: false, onTimings: (t) => (tb = t) });
  assert.ok('louvainWorker' in ta && !('louvainWorker' in tb));
  assert.deepEqual(a.communities, b.communities);
  assert.deepEqual(a.pagerank.top, b.pagerank.top);
});

test('analyzeNetwork is reproducible for a seed, and can skip parts', async () => {
  const a = await analyzeNetwork(store, { seed: 3, writeScores: false });
  const b = await analyzeNetwork(store, { seed: 3, writeScores: false });
  assert.deepEqual(a, b);
  const c = await analyzeNetwork(store, { homophily: false, cascades: false, writeScores: false });
  assert.equal(c.homophily, null);
  assert.equal(c.cascades, null);
  assert.equal(c.referralValue, null);
  assert.equal(c.scoresTable, null);
  assert.ok(c.warnings.some((w) => w.includes('referral value needs cascades')));
});

test('analyzeNetwork on a store without network events gives an empty, valid result', async () => {
  const empty = await DuckDbStore.open(':memory:', { threads: 1 });
  try {
    const r = await analyzeNetwork(empty);
    assert.doesNotThrow(() => NetworkResultSchema.parse(JSON.parse(JSON.stringify(r))));
    assert.equal(r.graph.nodes, 0);
    assert.equal(r.graph.reciprocity, null);
    assert.equal(r.communities.modularity, null);
    assert.deepEqual(r.pagerank.top, []);
    assert.ok(r.warnings.some((w) => w.includes('graph is empty')));
    const [{ n }] = await empty.query<{ n: number }>('SELECT count(*) AS n FROM network_scores');
    assert.equal(n, 0);
  } finally {
    await empty.close();
  }
});
