/**
 * Conformance on Ciao (Tang, Gao & Liu, WSDM 2012): first the network step on the trust network (
 * shared/data SOURCES.md §2): the trust file ingested into DuckDB, Postgres and chdb gives the same
 * edge list, the published shape (7,317 users, 111,781 directed edges, 47.6 % reciprocated), the
 * same analyzeNetwork result field by field (counts exact, PageRank, modularity and homophily to
 * 1e-9 relative) and the same network_scores rows, the peer effect included (on a store with a known
 * peer effect: peer-effect.test.ts). The CLI's `spiral network` runs on Postgres. Then the
 * ratings (284,086 reviews of 7,375 users) go into the same stores and `analyze` on ratings and
 * trust together is the same on every engine field by field (engines.ts, analyzeEach).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeNetwork } from '../../src/network/analyze.js';
import type { NetworkResult } from '../../src/domain/sections/network.js';
import { loadEdges } from '../../src/network/edges.js';
import { outCsr } from '../../src/network/csr.js';
import { reciprocity } from '../../src/network/metrics.js';
import { spiral } from '../helpers/cli.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, analyzeEach, assertSameValues, closeTo, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

const TRUST = sharedData('ciao', 'ciao_trust.csv');
const RATINGS = sharedData('ciao', 'ciao_ratings.csv.gz');
let env: Engines;
const results = {} as Record<EngineName, NetworkResult>;

before(async () => {
  env = await openEngines('ciao_trust');
  await ingestEach(env, TRUST, 'ciao_trust');
  for (const e of ENGINES) results[e] = await analyzeNetwork(env.stores[e], { seed: 1 });
});
after(async () => env?.close());

test('Ciao on every engine: 7,317 nodes, 111,781 edges, reciprocity 47.6 % (SOURCES.md)', async () => {
  for (const e of ENGINES) {
    const edges = await loadEdges(env.stores[e]);
    assert.equal(edges.nodeCount, 7317, e);
    assert.equal(edges.edgeCount, 111_781, e);
    const r = reciprocity(outCsr(edges.nodeCount, edges.src, edges.dst, edges.weight))!;
    assert.equal(Math.round(r * 1000) / 10, 47.6, e);
    // an independent count in the engine's own SQL: edges whose reverse exists
    const [{ rec }] = await env.stores[e].query<{ rec: number }>(
      'SELECT count(*) AS rec FROM network_edges a JOIN network_edges b ON a.source_id = b.target_id AND a.target_id = b.source_id',
    );
    assert.equal(Number(rec), Math.round(r * 111_781), e);
  }
});

test('analyzeNetwork gives the same result on DuckDB, Postgres and chdb (counts exact, statistics to 1e-9)', () => {
  const strip = (r: NetworkResult) => ({ ...r, timingsMs: undefined });
  assert.equal(results.duckdb.graph.nodes, 7317);
  assert.ok(results.duckdb.communities.modularity! > 0.4, `modularity ${results.duckdb.communities.modularity}`);
  for (const e of ENGINES) assertSameValues(strip(results.duckdb), strip(results[e]), 1e-9, e);
});

test('network_scores: the same row for every user on every engine', async () => {
  const rows = async (e: EngineName) =>
    env.stores[e].query<Record<string, unknown>>('SELECT * FROM network_scores ORDER BY customer_id');
  const base = await rows('duckdb');
  assert.equal(base.length, 7317);
  for (const e of ENGINES) {
    const r = await rows(e);
    assert.equal(r.length, base.length, e);
    for (let i = 0; i < r.length; i++) {
      for (const k of Object.keys(base[i])) {
        const a = base[i][k], b = r[i][k];
        if (typeof a === 'number' && typeof b === 'number') assert.ok(closeTo(a, b, 1e-9), `${e} ${base[i].customer_id}.${k}: ${b} vs ${a}`);
        else assert.equal(b ?? null, a ?? null, `${e} ${base[i].customer_id}.${k}`);
      }
    }
  }
});

test('spiral network --db works on Postgres (chdb through the CLI: test/conformance/cli.test.ts)', () => {
  const pg = spiral(['network', '--db', env.locations.postgres, '--top', '5', '--json']);
  assert.equal(pg.code, 0, pg.stderr);
  const j = pg.json<{ graph: { nodes: number; edges: number }; pagerank: { top: { customerId: string }[] } }>();
  assert.equal(j.graph.nodes, 7317);
  assert.equal(j.graph.edges, 111_781);
  assert.deepEqual(j.pagerank.top.map((t) => t.customerId), results.duckdb.pagerank.top.slice(0, 5).map((t) => t.customerId));
});

test('Ciao ratings and trust: analyze gives the same result on DuckDB, Postgres and chdb, field by field', async () => {
  const reports = await ingestEach(env, RATINGS, 'ciao_ratings', 'ratings');
  // 284,086 rows; the 190 exact duplicates are kept (their ids count repeats: README, mappings)
  for (const e of ENGINES) assert.deepEqual([reports[e].accepted, reports[e].rejected, reports[e].duplicates], [284_086, 0, 0], e);
  const { results, diffs } = await analyzeEach(env, { now: new Date('2011-06-01T00:00:00Z') });
  for (const e of ENGINES) {
    // every rater and every truster (SOURCES.md: the 7,317 trust nodes all rate)
    assert.equal(results[e].overview.customers, 7375, e);
    assert.equal(results[e].network?.graph.nodes, 7317, e);
  }
  for (const e of ['postgres', 'chdb'] as const) assert.deepEqual(diffs[e].slice(0, 15), [], `${e} differs from duckdb in ${diffs[e].length} fields`);
});
