/**
 * analyzeNetwork: the customer network from the store's events to one JSON-serialisable result,
 * with per-customer metrics written back to the store table network_scores.
 *
 *   events ──SQL──▶ network_nodes / network_edges ──typed arrays──▶ CSR
 *     ├─ degrees, PageRank (pagerank.ts), reciprocity, density, weak components (metrics.ts)
 *     ├─ undirected view ─▶ k-core (kcore.ts), Louvain communities (louvain.ts)
 *     ├─ reach within `reachHops` (reach.ts)
 *     └─ homophily on a numeric attribute from SQL (homophily.ts)
 *   events ──SQL──▶ network_referrals ─▶ cascade forest (cascades.ts) ─▶ network_cascade_nodes
 *   network_referrals + events [+ clv_scores] ──SQL──▶ network_referral_value (referral-value.ts)
 *   events ──SQL──▶ matched treated/control units ─▶ peer effect + network_peer_influence (peer-effect.ts)
 *   clv_scores + referral value + influence ──SQL──▶ network_value, network-adjusted CLV (network-value.ts)
 *   top nodes by PageRank + the edges among them ─▶ fixed positions (layout.ts) for the report's graph
 *   all of the above ──bulk write──▶ network_scores (scores.ts)
 *
 * On 2 cores the three lanes overlap: the SQL side (cascades, referral value, the homophily
 * attribute) runs in DuckDB's threads, typed-array Louvain on a worker thread, PageRank / reach /
 * homophily on the main thread. onTimings receives each lane's own durations and the waits.
 */
import { createRng } from '../models/numeric/random.js';
import type { Store } from '../store/types.js';
import { dialectOf } from '../sql/dialect.js';
import { CASCADE_DEFAULTS, idsByIndex, referralCascades, type CascadeOptions } from './cascades.js';
import { outCsr, rowLengths, rowWeights, transpose, undirected } from './csr.js';
import { EDGES_TABLE, loadEdges, NETWORK_EDGE_TYPES, NODES_TABLE, type NetworkEdgeType } from './edges.js';
import { InvalidArgumentsError } from './errors.js';
import { integerHistogram, summary } from './histogram.js';
import { forceLayout } from './layout.js';
import { networkValue } from './network-value.js';
import { PEER_EFFECT_DEFAULTS, PEER_INFLUENCE_TABLE, peerEffect, type PeerEffectOptions, type StratifiedComparison } from './peer-effect.js';
import { homophily, HOMOPHILY_DEFAULTS } from './homophily.js';
import { readColumns } from './io.js';
import { coreNumbers } from './kcore.js';
import { communities, louvainEngineFor, LOUVAIN_DEFAULTS, type CommunityResult, type LouvainOptions } from './louvain.js';
import { communitiesInWorker } from './louvain-parallel.js';
import { density, reciprocity, weakComponents } from './metrics.js';
import { PAGERANK_DEFAULTS, pagerank, type PageRankOptions } from './pagerank.js';
import { reachWithin } from './reach.js';
import { REFERRAL_VALUE_DEFAULTS, REFERRAL_VALUE_TABLE, referralValue, type ReferralValueOptions } from './referral-value.js';
import {
  NETWORK_RESULT_VERSION,
  type CascadesResult,
  type GraphSample,
  type HomophilyResult,
  type NetworkValueResult,
  type PeerEffectResult,
  type NetworkResult,
  type ReferralValueResult,
  type TopCustomer,
} from '../domain/sections/network.js';
import { SCORES_TABLE, writeScores } from './scores.js';

export interface HomophilyAttribute {
  /** Name shown in the result. */
  name: string;
  /** SQL returning (customer_id, value); rows with a NULL value are ignored. */
  sql: string;
  permutations: number;
}

export const DEFAULT_HOMOPHILY_ATTRIBUTE: HomophilyAttribute = {
  name: 'mean rating (events with a rating)',
  sql: 'SELECT customer_id, avg(rating) AS value FROM events WHERE rating IS NOT NULL GROUP BY customer_id',
  permutations: HOMOPHILY_DEFAULTS.permutations,
};

export interface AnalyzeNetworkOptions {
  edgeTypes: readonly NetworkEdgeType[];
  since: Date | null;
  until: Date | null;
  /** Customers listed by PageRank in the result. */
  topN: number;
  /** Seed of every random choice (Louvain node order, homophily permutations). */
  seed: number;
  pagerank: Partial<PageRankOptions>;
  louvain: Partial<Omit<LouvainOptions, 'rng'>>;
  reachHops: number;
  /** false: skip. Partial: override the default attribute (mean rating). */
  homophily: Partial<HomophilyAttribute> | false;
  /** Permutations are cut so that permutations × edges stays below this (with a warning). */
  maxPermutationWork: number;
  cascades: Partial<CascadeOptions> | false;
  referralValue: Partial<ReferralValueOptions> | false;
  /** The peer effect on existing customers' purchases and each influencer's credit; false: skip. */
  peerEffect: Partial<PeerEffectOptions> | false;
  /** CLV + referral value + influence value per customer (table network_value). */
  networkValue: boolean;
  /** Nodes (top by PageRank) in the drawable sample with positions; 0: none. */
  graphSampleNodes: number;
  /** Write network_scores. */
  writeScores: boolean;
  /** Run typed-array Louvain on a worker thread beside the other graph steps. */
  parallel: boolean;
  /**
   * Receives the milliseconds per phase when the analysis is done (progress output for logs and
   * benches, kept out of the result so two runs on one store give the same document); cascades,
   * referralValue, homophilyAttributeSql and louvainWorker ran concurrently with the rest.
   */
  onTimings?: (timingsMs: Record<string, number>) => void;
}

export const ANALYZE_NETWORK_DEFAULTS: AnalyzeNetworkOptions = {
  edgeTypes: NETWORK_EDGE_TYPES,
  since: null,
  until: null,
  topN: 20,
  seed: 42,
  pagerank: {},
  louvain: {},
  reachHops: 2,
  homophily: {},
  maxPermutationWork: 5e8,
  cascades: {},
  referralValue: {},
  peerEffect: {},
  networkValue: true,
  graphSampleNodes: 300,
  writeScores: true,
  parallel: true,
};

function finiteOrNull(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}

/** Indices of the k largest scores, ties to the smaller index. */
export function topIndices(scores: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (top.length === k && !(s > scores[top[k - 1]])) continue;
    let j = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(i);
    while (j > 0 && s > scores[top[j - 1]]) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = i;
  }
  return top;
}

function comparison(c: StratifiedComparison): PeerEffectResult['populations']['prospects'] {
  return {
    matchedTreated: c.matchedTreated,
    unmatchedTreated: c.unmatchedTreated,
    controls: c.controls,
    strata: c.strata,
    effect: c.post,
    placebo: c.placebo,
    ratio: c.ratio,
    naive: finiteOrNull(c.naive),
    treatedMean: c.treatedMean,
    counterfactualMean: c.counterfactualMean,
  };
}

/** Lets pending promise callbacks (the concurrent SQL side) run between synchronous phases. */
function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface SqlSide {
  attribute: { name: string; permutations: number; values: Float64Array; count: number } | null;
  cascades: CascadesResult | null;
  referralValue: ReferralValueResult | null;
  peerEffect: PeerEffectResult | null;
  networkValue: NetworkValueResult | null;
  warnings: string[];
}

/**
 * Everything after the edge list that runs in the store: the homophily attribute, who brought whom
 * and the cascade forest, referral value. It is started before the graph algorithms and runs while
 * they compute (DuckDB works on its own threads), so its cost mostly hides behind theirs.
 */
async function runSqlSide(store: Store, o: AnalyzeNetworkOptions, n: number, timingsMs: Record<string, number>): Promise<SqlSide> {
  const warnings: string[] = [];
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    timingsMs[name] = Math.round(performance.now() - t);
    return r;
  };
  let attribute: SqlSide['attribute'] = null;
  if (o.homophily !== false && n > 0) {
    const attr = { ...DEFAULT_HOMOPHILY_ATTRIBUTE, ...o.homophily };
    const cols = await timed('homophilyAttributeSql', () =>
      readColumns(
        store,
        `SELECT n.idx, CAST(a.value AS ${dialectOf(store).types.double}) AS value FROM ${NODES_TABLE} n JOIN (${attr.sql}) a ON a.customer_id = n.customer_id WHERE a.value IS NOT NULL`,
        ['idx'] as const,
        ['value'] as const,
      ),
    );
    const values = new Float64Array(n).fill(NaN);
    for (let k = 0; k < cols.length; k++) values[cols.int.idx[k]] = cols.float.value[k];
    attribute = { name: attr.name, permutations: attr.permutations, values, count: cols.length };
  }
  let cascades: CascadesResult | null = null;
  let value: ReferralValueResult | null = null;
  if (o.cascades !== false) {
    const run = await timed('cascades', () => referralCascades(store, { ...CASCADE_DEFAULTS, ...(o.cascades as Partial<CascadeOptions>) }));
    const t = run.forest.trees;
    if (run.purchasers === 0) warnings.push('network: no purchase events; nobody can have been brought in, cascades are empty');
    const bySize = Array.from({ length: t.root.length }, (_, k) => k).sort((a, b) => t.size[b] - t.size[a] || t.root[a] - t.root[b]);
    const largest = bySize.slice(0, o.topN);
    const rootIds = await run.idsOf(largest.map((k) => t.root[k]));
    cascades = {
      rule:
        `A customer was brought in by the sender of a ${run.options.types.join(' or ')} event received in the ` +
        `${run.options.windowDays} days up to their first purchase (${run.options.attribution} such event; the sender ` +
        `never purchased or first purchased earlier).`,
      types: [...run.options.types],
      windowDays: run.options.windowDays,
      attribution: run.options.attribution,
      purchasers: run.purchasers,
      referredCustomers: run.referred,
      referredShare: run.purchasers > 0 ? run.referred / run.purchasers : null,
      cascades: t.root.length,
      size: integerHistogram(t.size),
      depth: integerHistogram(t.depth),
      structuralVirality: summary(t.virality),
      largest: largest.map((k, j) => ({
        rootCustomerId: rootIds[j],
        size: t.size[k],
        depth: t.depth[k],
        structuralVirality: t.virality[k],
      })),
    };
    if (o.referralValue !== false) {
      const v = await timed('referralValue', () => referralValue(store, { ...REFERRAL_VALUE_DEFAULTS, ...(o.referralValue as Partial<ReferralValueOptions>) }));
      const top = await store.query<{ customer_id: string; referrals: number; referral_value: number }>(
        `SELECT referrer_id AS customer_id, count(*) AS referrals, sum(credited_value) AS referral_value
         FROM ${REFERRAL_VALUE_TABLE} GROUP BY referrer_id ORDER BY referral_value DESC, referrer_id LIMIT ${o.topN}`,
      );
      value = {
        valueSource: v.valueSource,
        rule: v.rule,
        annualDiscountRate: v.options.annualDiscountRate,
        horizonDays: v.valueSource === 'observed_revenue' ? v.options.horizonDays : null,
        share: v.options.share,
        asOf: v.asOf,
        referrers: v.referrers,
        referredCustomers: v.referred,
        total: finiteOrNull(v.total),
        meanPerReferrer: v.total !== null && v.referrers > 0 ? finiteOrNull(v.total / v.referrers) : null,
        missingClv: v.missingClv,
        censored: v.censored,
        top: top.map((r) => ({ customerId: r.customer_id, referrals: Number(r.referrals), referralValue: Number(r.referral_value) })),
      };
    }
  } else if (o.referralValue !== false) {
    warnings.push('network: referral value needs cascades (who brought whom); skipped');
  }
  let peer: PeerEffectResult | null = null;
  if (o.peerEffect !== false) {
    const p = await timed('peerEffect', () =>
      peerEffect(store, { seed: Number.isInteger(o.seed) ? o.seed : PEER_EFFECT_DEFAULTS.seed, ...(o.peerEffect as Partial<PeerEffectOptions>) }),
    );
    const top = await store.query<{ customer_id: string; influenced_peers: number; excess_purchases: number; influence_value: number | null }>(
      `SELECT customer_id, influenced_peers, excess_purchases, influence_value FROM ${PEER_INFLUENCE_TABLE}
       ORDER BY influenced_peers DESC, ${dialectOf(store).byteOrder('customer_id')} LIMIT ${o.topN}`,
    );
    peer = {
      rule: p.rule,
      touchTypes: [...p.options.touchTypes],
      windowDays: p.options.windowDays,
      level: p.options.level,
      seed: p.options.seed,
      asOf: p.asOf,
      treatedUnits: p.treatedUnits,
      matchedTreated: p.matchedTreated,
      unmatchedTreated: p.unmatchedTreated,
      controls: p.controls,
      strata: p.strata,
      effect: p.post,
      placebo: p.placebo,
      differenceInDifferences: p.did,
      naive: finiteOrNull(p.naive),
      treatedMean: p.treatedMean,
      counterfactualMean: p.counterfactualMean,
      lift: finiteOrNull(p.lift),
      ratio: p.ratio,
      populations: {
        existingCustomers: comparison(p.populations.existingCustomers),
        prospects: comparison(p.populations.prospects),
      },
      decisions: {
        method: p.decisions.method,
        lookbackDays: p.decisions.lookbackDays,
        units: p.decisions.units,
        broughtIn: p.decisions.broughtIn,
        touched: p.decisions.touched,
        untouched: p.decisions.untouched,
        firmTouched: p.decisions.firmTouched,
        treatedConversion: finiteOrNull(p.decisions.treatedConversion),
        controlConversion: finiteOrNull(p.decisions.controlConversion),
        naiveRiskRatio: finiteOrNull(p.decisions.naiveRiskRatio),
        riskRatio: p.decisions.riskRatio,
        strata: p.decisions.strata,
        extraPurchasesPerTouched: p.decisions.extraPurchasesPerTouched,
        excessPurchases: p.decisions.excessPurchases,
      },
      excessPurchases: p.excessPurchases,
      averageOrderValue: p.averageOrderValue,
      excessValue: p.excessValue,
      influencers: p.influencers,
      top: top.map((r) => ({
        customerId: r.customer_id,
        influencedPeers: Number(r.influenced_peers),
        excessPurchases: Number(r.excess_purchases),
        influenceValue: finiteOrNull(r.influence_value === null ? null : Number(r.influence_value)),
      })),
    };
    if (p.treatedUnits === 0) warnings.push('network: peer effect: no existing customer received a peer touch with a full window observed; not estimated');
    else if (p.matchedTreated === 0) warnings.push('network: peer effect: no touched customer could be matched to untouched ones with the same purchase history');
    else if (p.post.lower !== null && p.post.upper !== null && p.post.lower <= 0 && p.post.upper >= 0) {
      warnings.push(`network: peer effect: the interval (${p.post.lower.toFixed(3)} to ${p.post.upper.toFixed(3)} purchases per touched customer) includes 0; influence values are point estimates of an effect not distinguished from none`);
    }
    if (p.placebo.lower !== null && p.placebo.upper !== null && (p.placebo.lower > 0 || p.placebo.upper < 0)) {
      warnings.push(`network: peer effect: the placebo (window before the touch) differs from 0 (${p.placebo.estimate!.toFixed(3)}): touched and matched customers differ beyond their purchase history, so the effect may be biased`);
    }
  }
  let nv: NetworkValueResult | null = null;
  if (o.networkValue) {
    nv = await timed('networkValue', () => networkValue(store, { topN: o.topN, referralValue: value !== null, influence: peer !== null }));
  }
  return { attribute, cascades, referralValue: value, peerEffect: peer, networkValue: nv, warnings };
}

/**
 * The top `k` nodes by PageRank, the edges among them (from network_edges, in SQL) and fixed
 * positions, so the report draws the core of the network without any layout work in the browser.
 */
async function sampleGraph(
  store: Store,
  pagerankScores: Float64Array,
  k: number,
  m: { inDegree: Int32Array; outDegree: Int32Array; core: Int32Array; community: Int32Array },
  seed: number,
): Promise<GraphSample> {
  const top = topIndices(pagerankScores, k);
  const ids = await idsByIndex(store, NODES_TABLE, top);
  const pos = new Map(top.map((i, r) => [i, r]));
  const list = top.join(', ');
  const rows = await store.query<{ s: number; t: number; w: number }>(
    `SELECT src_idx AS s, dst_idx AS t, CAST(weight AS ${dialectOf(store).types.double}) AS w FROM ${EDGES_TABLE} WHERE src_idx IN (${list}) AND dst_idx IN (${list}) ORDER BY s, t`,
  );
  const edges = rows.map((r) => ({ source: pos.get(Number(r.s))!, target: pos.get(Number(r.t))!, weight: Number(r.w) }));
  const layout = forceLayout(top.length, edges.map((e) => e.source), edges.map((e) => e.target), { seed: Number.isInteger(seed) ? seed : 1 });
  const r2 = (v: number): number => Math.round(v * 100) / 100;
  return {
    rule: `the ${top.length} customers with the highest PageRank and the ${edges.length} edges among them; positions by a seeded Fruchterman–Reingold layout`,
    nodes: top.map((i, r) => ({
      customerId: ids[r],
      pagerank: pagerankScores[i],
      community: m.community[i],
      inDegree: m.inDegree[i],
      outDegree: m.outDegree[i],
      core: m.core[i],
      x: r2(layout.x[r]),
      y: r2(layout.y[r]),
    })),
    edges,
  };
}

export async function analyzeNetwork(store: Store, options: Partial<AnalyzeNetworkOptions> = {}): Promise<NetworkResult> {
  const o = { ...ANALYZE_NETWORK_DEFAULTS, ...options };
  if (!(Number.isInteger(o.topN) && o.topN >= 0)) throw new InvalidArgumentsError(`analyzeNetwork: topN must be an integer >= 0, got ${o.topN}`);
  if (!(Number.isInteger(o.graphSampleNodes) && o.graphSampleNodes >= 0 && o.graphSampleNodes <= 2000)) {
    throw new InvalidArgumentsError(`analyzeNetwork: graphSampleNodes must be an integer in [0, 2000], got ${o.graphSampleNodes}`);
  }
  if (!Number.isFinite(o.seed)) throw new InvalidArgumentsError(`analyzeNetwork: seed must be finite, got ${o.seed}`);
  const warnings: string[] = [];
  const timingsMs: Record<string, number> = {};
  const started = performance.now();
  let clock = started;
  const lap = async (name: string): Promise<void> => {
    const now = performance.now();
    timingsMs[name] = Math.round(now - clock);
    await yieldToLoop();
    clock = performance.now();
  };

  // The graph.
  const edges = await loadEdges(store, { types: o.edgeTypes, since: o.since, until: o.until, withTimestamps: false });
  await lap('edgesSql');
  const n = edges.nodeCount;
  if (n === 0) warnings.push('network: no referral/share/follow events with a peer; the graph is empty');
  const sqlSide = runSqlSide(store, o, n, timingsMs);
  sqlSide.catch(() => undefined); // awaited below; this only keeps a rejection during the JS phases from going unhandled

  const out = outCsr(n, edges.src, edges.dst, edges.weight);
  const inc = transpose(out);
  const und = undirected(out, inc);
  await lap('csr');
  const core = coreNumbers(und);
  await lap('kcore');
  const louvainOpts = { ...LOUVAIN_DEFAULTS, ...o.louvain };
  let commInline: CommunityResult | null = null;
  let commWorker: Promise<CommunityResult> | null = null;
  if (o.parallel && louvainEngineFor(und, louvainOpts) === 'csr') {
    // Transfers und's arrays to the worker: und is not used below.
    const t = performance.now();
    commWorker = communitiesInWorker(und, louvainOpts, o.seed).then((r) => {
      timingsMs.louvainWorker = Math.round(performance.now() - t);
      return r;
    });
    commWorker.catch(() => undefined); // awaited below
  } else {
    commInline = communities(und, { ...louvainOpts, rng: createRng(o.seed) });
    await lap('louvain');
  }
  const pr = pagerank(out, { ...PAGERANK_DEFAULTS, ...o.pagerank }, inc);
  await lap('pagerank');
  const reach = reachWithin(out, o.reachHops);
  await lap('reach');
  const inDegree = rowLengths(inc);
  const outDegree = rowLengths(out);
  const inWeight = rowWeights(inc);
  const outWeight = rowWeights(out);
  const comps = weakComponents(out);
  let totalWeight = 0;
  for (let e = 0; e < edges.weight.length; e++) totalWeight += edges.weight[e];
  const recip = reciprocity(out);
  await lap('degreesAndStructure');

  const comm = commInline ?? (await commWorker!);
  if (commWorker) await lap('waitForLouvain');
  const side = await sqlSide;
  await lap('waitForSql');
  warnings.push(...side.warnings);
  const cascadesResult = side.cascades;
  const valueResult = side.referralValue;

  // Homophily.
  let homophilyResult: HomophilyResult | null = null;
  if (side.attribute) {
    const attr = side.attribute;
    let permutations = attr.permutations;
    const cap = Math.max(99, Math.floor(o.maxPermutationWork / Math.max(1, edges.edgeCount)));
    if (permutations > cap) {
      warnings.push(`network: homophily permutations cut from ${permutations} to ${cap} to bound the work at this graph size`);
      permutations = cap;
    }
    if (attr.count === 0) {
      warnings.push(`network: no customer in the graph has a value for "${attr.name}"; homophily not computed`);
    } else {
      // Edges in CSR order (the store returns them in any order), so float sums are reproducible.
      const src = new Int32Array(out.targets.length);
      for (let u = 0; u < n; u++) src.fill(u, out.offsets[u], out.offsets[u + 1]);
      const h = homophily(src, out.targets, attr.values, { permutations, rng: createRng(o.seed + 1) });
      homophilyResult = {
        attribute: attr.name,
        edges: 'directed edges whose two ends both have a value',
        ...h,
        seed: o.seed + 1,
      };
    }
    await lap('homophily');
  }

  // Top customers by PageRank.
  const topIdx = topIndices(pr.scores, o.topN);
  const topIds = await idsByIndex(store, NODES_TABLE, topIdx);
  const top: TopCustomer[] = topIdx.map((i, r) => ({
    rank: r + 1,
    customerId: topIds[r],
    pagerank: pr.scores[i],
    inDegree: inDegree[i],
    outDegree: outDegree[i],
    inWeight: inWeight[i],
    outWeight: outWeight[i],
    core: core[i],
    community: comm.community[i],
    reach: reach[i],
  }));

  const graphSample = o.graphSampleNodes > 0 && n > 0 ? await sampleGraph(store, pr.scores, o.graphSampleNodes, { inDegree, outDegree, core, community: comm.community }, o.seed) : null;
  if (graphSample) await lap('graphSample');

  if (o.writeScores) {
    await writeScores(
      store,
      { inDegree, outDegree, inWeight, outWeight, pagerank: pr.scores, core, community: comm.community, reach },
      { cascades: cascadesResult !== null, referralValue: valueResult !== null, networkValue: side.networkValue !== null },
    );
    await lap('writeScores');
  }
  timingsMs.total = Math.round(performance.now() - started);
  o.onTimings?.(timingsMs);

  const pagerankOpts = { ...PAGERANK_DEFAULTS, ...o.pagerank };
  let maxCore: number | null = null;
  for (let i = 0; i < n; i++) if (maxCore === null || core[i] > maxCore) maxCore = core[i];
  return {
    version: NETWORK_RESULT_VERSION,
    definitions: {
      edges: `customer_id → peer_id for ${o.edgeTypes.join(', ')} events with a peer (self-loops left out); nodes are the customers at either end`,
      weight: 'number of events on the edge; PageRank and weighted degrees use it',
      reach: `distinct customers reachable along out-edges within ${o.reachHops} hop(s), the customer excluded`,
      core: 'k-core number on the undirected simple view (distinct neighbours either way)',
      communities: 'Louvain on the undirected view, weights of both directions summed; community 0 is the largest',
    },
    edgeTypes: [...o.edgeTypes],
    since: o.since ? o.since.toISOString() : null,
    until: o.until ? o.until.toISOString() : null,
    graph: {
      nodes: n,
      edges: edges.edgeCount,
      totalWeight,
      reciprocity: recip,
      density: density(out),
      weakComponents: comps.count,
      largestComponent: comps.count > 0 ? comps.sizes[0] : null,
    },
    degree: { in: integerHistogram(inDegree), out: integerHistogram(outDegree) },
    pagerank: {
      alpha: pagerankOpts.alpha,
      weighted: pagerankOpts.weighted,
      tolerance: pagerankOpts.tolerance,
      iterations: pr.iterations,
      top,
    },
    core: { max: maxCore, histogram: integerHistogram(core) },
    communities: {
      engine: comm.engine,
      resolution: louvainOpts.resolution,
      seed: o.seed,
      count: comm.count,
      modularity: finiteOrNull(comm.modularity),
      sizes: integerHistogram(comm.sizes),
      largest: Array.from(comm.sizes.subarray(0, Math.min(o.topN, comm.count)), (size, community) => ({ community, size })),
    },
    reach: { hops: o.reachHops, histogram: integerHistogram(reach) },
    homophily: homophilyResult,
    cascades: cascadesResult,
    referralValue: valueResult,
    peerEffect: side.peerEffect,
    networkValue: side.networkValue,
    graphSample,
    scoresTable: o.writeScores ? SCORES_TABLE : null,
    warnings,
  };
}
