/**
 * Issue 6 scale check for the network module: a simulated network of 1M customers and ~5M directed
 * edges, then analyzeNetwork (graph metrics, communities, homophily, cascades, referral value,
 * network_scores write-back) timed phase by phase with the process's peak RSS.
 *
 *   node --import tsx bench/network/scale.ts generate /tmp/net.duckdb [customers] [edges]
 *   node --import tsx bench/network/scale.ts run /tmp/net.duckdb
 *   node --import tsx bench/network/scale.ts baseline /tmp/net.duckdb
 *
 * `npm run bench -- network` (bench/network.ts) drives all three and writes bench/results/network.md.
 *
 * Generation and measurement are separate processes so the peak RSS is the analysis's alone.
 *
 * The simulated graph: 70 % of edges stay within blocks of 1,000 customers (communities), 30 % go to a
 * power-law-popular target (peer = ⌊N·U^2.5⌋); 20 % of edges are reciprocated; 15 % carry a second
 * event. Edge types: follow 70 %, share 20 %, referral 10 %; shares and referrals fall 0–40 days
 * before the peer's first purchase, so about three quarters of them land in the 30-day window.
 * Every customer buys once (first purchase uniform over two years), half of them twice; 30 % leave
 * a rating correlated with their block (so homophily is present).
 */
import { existsSync, rmSync } from 'node:fs';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { analyzeNetwork } from '../../src/network/analyze.js';
import { analyzeFunnel } from '../../src/funnel/index.js';

async function generate(path: string, customers: number, edges: number): Promise<void> {
  if (existsSync(path)) rmSync(path);
  const store = await DuckDbStore.open(path, { threads: 2 });
  const t0 = performance.now();
  const N = customers;
  const base = Math.round(edges / 1.2 / 0.985); // reciprocation adds 20 %, dedup removes ~1.5 %
  await store.exec(`SELECT setseed(0.42)`);
  await store.exec(`
    CREATE TABLE sim_customers AS
    SELECT i, 'c' || lpad(i::VARCHAR, 7, '0') AS id,
           TIMESTAMP '2023-01-01' + to_seconds((random() * 730 * 86400)::BIGINT) AS fp
    FROM range(${N}) t(i)`);
  // Materialised first: a CTE with random() referenced twice could be evaluated twice.
  await store.exec(`
    CREATE TEMP TABLE sim_raw AS
    SELECT u, CASE WHEN r < 0.7 THEN (u // 1000) * 1000 + (random() * 1000)::BIGINT % 1000
                   ELSE (${N} * pow(random(), 2.5))::BIGINT % ${N} END AS v
    FROM (SELECT (random() * ${N})::BIGINT % ${N} AS u, random() AS r FROM range(${base}))`);
  await store.exec(`
    CREATE TABLE sim_pairs AS
    SELECT DISTINCT u, v FROM (SELECT u, v FROM sim_raw UNION ALL SELECT v, u FROM sim_raw WHERE random() < 0.2)
    WHERE u <> v AND v < ${N}`);
  await store.exec('DROP TABLE sim_raw');
  await store.exec(`
    CREATE TABLE sim_edge_events AS
    SELECT p.u, p.v, CASE WHEN t < 0.7 THEN 'follow' WHEN t < 0.9 THEN 'share' ELSE 'referral' END AS type
    FROM (SELECT u, v, random() AS t FROM sim_pairs) p
    UNION ALL
    SELECT u, v, 'follow' FROM sim_pairs WHERE random() < 0.15`);
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, peer_id, source)
    SELECT 'n' || row_number() OVER (), a.id,
           CASE WHEN e.type = 'follow' THEN TIMESTAMP '2023-01-01' + to_seconds((random() * 730 * 86400)::BIGINT)
                ELSE b.fp - to_seconds((random() * 40 * 86400)::BIGINT) END,
           e.type, b.id, 'sim'
    FROM sim_edge_events e JOIN sim_customers a ON a.i = e.u JOIN sim_customers b ON b.i = e.v`);
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, amount, source)
    SELECT 'p1-' || i, id, fp, 'purchase', round(10 + random() * 190, 2), 'sim' FROM sim_customers
    UNION ALL
    SELECT 'p2-' || i, id, fp + to_seconds((random() * 200 * 86400)::BIGINT), 'purchase', round(10 + random() * 190, 2), 'sim'
    FROM sim_customers WHERE random() < 0.5`);
  await store.exec(`
    INSERT INTO events (event_id, customer_id, ts, type, rating, source)
    SELECT 'r-' || i, id, fp + INTERVAL 1 DAY, 'review',
           least(5, greatest(1, round(1 + ((i // 1000) % 5) * 0.8 + random() * 1.5))), 'sim'
    FROM sim_customers WHERE random() < 0.3`);
  await store.exec('DROP TABLE sim_edge_events; DROP TABLE sim_pairs; DROP TABLE sim_customers; CHECKPOINT');
  const counts = await store.query(`SELECT type, count(*) AS n FROM events GROUP BY type ORDER BY type`);
  console.log(JSON.stringify({ generatedInSeconds: (performance.now() - t0) / 1000, counts }));
  await store.close();
}

async function run(path: string): Promise<void> {
  const t0 = performance.now();
  const store = await DuckDbStore.open(path, { threads: 2, memoryLimit: '1GB' });
  let timingsMs: Record<string, number> = {};
  const r = await analyzeNetwork(store, { topN: 20, onTimings: (t) => (timingsMs = t) });
  const seconds = (performance.now() - t0) / 1000;
  // issue 6's scale target covers graph metrics, cascades and the funnel together, on the same store
  const tf = performance.now();
  const funnel = await analyzeFunnel(store);
  const funnelSeconds = (performance.now() - tf) / 1000;
  await store.close();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify(
      {
        seconds,
        funnelSeconds,
        funnelCustomers: 'customers' in funnel ? funnel.customers : null,
        peakRssMiB,
        graph: r.graph,
        pagerankIterations: r.pagerank.iterations,
        communities: { engine: r.communities.engine, count: r.communities.count, modularity: r.communities.modularity },
        maxCore: r.core.max,
        reachMean: r.reach.histogram.mean,
        homophily: r.homophily && { p: r.homophily.pValue, permutations: r.homophily.permutations, ratio: r.homophily.ratio },
        cascades: r.cascades && { referred: r.cascades.referredCustomers, cascades: r.cascades.cascades, maxSize: r.cascades.size.max, maxDepth: r.cascades.depth.max, virality: r.cascades.structuralVirality.mean },
        referralValue: r.referralValue && { source: r.referralValue.valueSource, total: r.referralValue.total },
        peerEffect: r.peerEffect && { treated: r.peerEffect.treatedUnits, matched: r.peerEffect.matchedTreated, controls: r.peerEffect.controls, effect: r.peerEffect.effect, ratio: r.peerEffect.ratio.estimate },
        networkValue: r.networkValue && { customers: r.networkValue.customers, totals: r.networkValue.totals },
        graphSample: r.graphSample && { nodes: r.graphSample.nodes.length, edges: r.graphSample.edges.length },
        timingsMs,
        warnings: r.warnings,
        node: process.version,
      },
      null,
      1,
    ),
  );
}

/** The in-run baseline: one GROUP BY over the edge events, what any network step must read. */
async function baseline(path: string): Promise<void> {
  const store = await DuckDbStore.open(path, { threads: 2, memoryLimit: '1GB' });
  const t0 = performance.now();
  const [{ n }] = await store.query<{ n: number }>(`
    SELECT count(*) AS n FROM (SELECT customer_id, peer_id, count(*) FROM events
    WHERE type IN ('referral', 'share', 'follow') AND peer_id IS NOT NULL AND peer_id <> customer_id GROUP BY 1, 2)`);
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  console.log(JSON.stringify({ seconds, edges: Number(n) }));
}

const [mode, path, a, b] = process.argv.slice(2);
if (mode === 'generate' && path) await generate(path, Number(a ?? 1_000_000), Number(b ?? 5_000_000));
else if (mode === 'run' && path) await run(path);
else if (mode === 'baseline' && path) await baseline(path);
else {
  console.error('usage: scale.ts generate <db> [customers] [edges] | run <db> | baseline <db>');
  process.exit(2);
}
