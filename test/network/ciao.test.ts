/**
 * The Ciao trust network (Tang, Gao & Liu, WSDM 2012; shared/data/SOURCES.md §2): 7,317 users,
 * 111,781 directed trust edges, 47.6 % reciprocated. Loaded into an in-memory store as `follow`
 * events (truster → trustee), ratings as `review` events with a rating.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { createRng } from '../../src/models/numeric/random.js';
import { loadEdges, type EdgeList } from '../../src/network/edges.js';
import { outCsr, undirected, type Csr } from '../../src/network/csr.js';
import { reciprocity, density } from '../../src/network/metrics.js';
import { pagerank } from '../../src/network/pagerank.js';
import { communities } from '../../src/network/louvain.js';
import { graphologyModularity, graphologyPagerank, toDirectedGraph, toUndirectedGraph } from '../../src/network/graphology.js';
import { analyzeNetwork } from '../../src/network/analyze.js';
import { NetworkResultSchema } from '../../src/domain/sections/network.js';
import { sharedData } from '../helpers/paths.js';

const TRUST = sharedData('ciao', 'ciao_trust.csv');
const RATINGS = sharedData('ciao', 'ciao_ratings.csv.gz');
const skip = !existsSync(TRUST) || !existsSync(RATINGS) ? 'Ciao data not found in shared/data' : false;

let store: DuckDbStore;
let edges: EdgeList;
let out: Csr;

before(async () => {
  if (skip) return;
  store = await DuckDbStore.open(':memory:', { threads: 2 });
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, peer_id, source)
    SELECT 'trust-' || truster_id || '-' || trustee_id, truster_id::VARCHAR, TIMESTAMP '2011-04-12', 'follow',
           trustee_id::VARCHAR, 'ciao_trust.csv'
    FROM read_csv('${TRUST}', header = true, columns = {'truster_id': 'INTEGER', 'trustee_id': 'INTEGER'})`);
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, item_id, rating, source)
    SELECT 'rating-' || row_number() OVER (), user_id::VARCHAR, to_timestamp(timestamp)::TIMESTAMP, 'review',
           product_id::VARCHAR, rating, 'ciao_ratings.csv.gz'
    FROM read_csv('${RATINGS}', header = true)`);
  edges = await loadEdges(store);
  out = outCsr(edges.nodeCount, edges.src, edges.dst, edges.weight);
});
after(async () => {
  if (store) await store.close();
});

test('Ciao: 7,317 nodes, 111,781 edges, reciprocity 47.6 % (SOURCES.md)', { skip }, async () => {
  assert.equal(edges.nodeCount, 7317);
  assert.equal(edges.edgeCount, 111_781);
  const r = reciprocity(out)!;
  assert.equal(Math.round(r * 1000) / 10, 47.6);
  // Independent count in SQL: edges whose reverse exists.
  const [{ rec }] = await store.query<{ rec: number }>(
    `SELECT count(*) AS rec FROM network_edges a JOIN network_edges b ON a.source_id = b.target_id AND a.target_id = b.source_id`,
  );
  assert.equal(Math.round(r * 111_781), rec);
  assert.equal(density(out), 111_781 / (7317 * 7316));
  assert.ok(edges.typeMask.every((m) => m === 4), 'all edges are follows');
});

test('Ciao: PageRank agrees with graphology-metrics to 1e-9 per node', { skip }, () => {
  const ours = pagerank(out, { tolerance: 1e-12 }).scores;
  const theirs = graphologyPagerank(toDirectedGraph(out), { getEdgeWeight: 'weight', tolerance: 1e-15, maxIterations: 1000 });
  let maxDiff = 0;
  for (let i = 0; i < out.n; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[String(i)]));
  assert.ok(maxDiff < 1e-9, `max |Δ| ${maxDiff}`);
});

test('Ciao: Louvain on typed arrays reaches graphology-communities-louvain modularity within 0.02', { skip }, () => {
  const und = undirected(out);
  const csr = communities(und, { engine: 'csr', rng: createRng(1) });
  const ref = communities(und, { engine: 'graphology', rng: createRng(1) });
  const q = graphologyModularity(toUndirectedGraph(und), { getNodeCommunity: (node: string) => csr.community[Number(node)], getEdgeWeight: 'weight' });
  assert.ok(Math.abs(q - csr.modularity!) < 1e-10, 'our modularity is graphology-metrics modularity');
  assert.ok(csr.modularity! > 0.45, `Q ${csr.modularity}`);
  assert.ok(Math.abs(csr.modularity! - ref.modularity!) < 0.02, `csr ${csr.modularity} vs graphology ${ref.modularity}`);
});

test('Ciao: analyzeNetwork — homophily of mean ratings across trust edges with its p-value, network_scores for every user', { skip }, async () => {
  const r = await analyzeNetwork(store, { topN: 10, seed: 7 });
  assert.doesNotThrow(() => NetworkResultSchema.parse(JSON.parse(JSON.stringify(r))));
  assert.ok(!JSON.stringify(r).includes('NaN'));
  assert.equal(r.graph.nodes, 7317);
  assert.equal(r.graph.edges, 111_781);
  assert.equal(r.pagerank.top.length, 10);
  assert.ok(r.pagerank.top.every((t, k) => k === 0 || t.pagerank <= r.pagerank.top[k - 1].pagerank));
  const h = r.homophily!;
  assert.equal(h.nodesWithValue, 7317);
  assert.equal(h.edgesUsed, 111_781);
  // Trusting users rate alike: the mean |Δ rating| across trust edges is below that of random pairs,
  // and none of 999 label permutations comes as low.
  assert.ok(h.edgeMeanAbsDiff! < h.randomPairMeanAbsDiff!, `${h.edgeMeanAbsDiff} vs ${h.randomPairMeanAbsDiff}`);
  assert.equal(h.permutations, 999);
  assert.equal(h.pValue, 1 / 1000);
  assert.ok(h.assortativity! > 0);
  // The random-pair difference is a property of the graph members' values alone: check it in SQL
  // (7,375 users rated; the 7,317 in the trust network count).
  const [{ g }] = await store.query<{ g: number }>(`
    WITH v AS (SELECT avg(rating) AS x FROM events WHERE type = 'review'
               AND customer_id IN (SELECT customer_id FROM network_nodes) GROUP BY customer_id),
    s AS (SELECT x, row_number() OVER (ORDER BY x) AS k, count(*) OVER () AS n FROM v)
    SELECT 2 * sum((2 * k - n - 1) * x) / (max(n) * (max(n) - 1)) AS g FROM s`);
  assert.ok(Math.abs(g - h.randomPairMeanAbsDiff!) < 1e-9);
  const [{ n, top }] = await store.query<{ n: number; top: string }>(
    `SELECT count(*) AS n, arg_max(customer_id, pagerank) AS top FROM network_scores`,
  );
  assert.equal(n, 7317);
  assert.equal(top, r.pagerank.top[0].customerId);
  assert.equal(r.cascades!.referredCustomers, 0, 'Ciao has no purchases, so no cascades');
  assert.ok(r.warnings.some((w) => w.includes('no purchase')));
});
