/**
 * The network section of the analysis result: the customer graph (degrees, PageRank, k-core,
 * communities, reach, homophily), referral cascades, referral value, the peer effect and
 * network-adjusted CLV, and the top of the network with fixed positions for drawing. It is also the
 * result of `analyzeNetwork` and `spiral network --json`, so the section and that command are one
 * document.
 *
 * Typed, JSON-serialisable, no NaN (a missing number is null). Sized for JSON at any graph size:
 * distributions are histograms, customers appear only in top-N lists; the per-customer metrics live
 * in the store table network_scores. The same store analysed twice gives the same document: how
 * long each phase took is progress output (analyzeNetwork's onTiming), not part of the result.
 */
import { z } from 'zod';

/** 1.1.0 added peerEffect, networkValue and graphSample; 1.2.0 dropped timingsMs (timings are progress output, not a result). */
export const NETWORK_RESULT_VERSION = '1.2.0';

const num = z.number().finite();
const nnum = num.nullable();
const int = z.number().int();

export const HistogramSchema = z.object({
  scale: z.enum(['linear', 'log2']),
  bins: z.array(z.object({ lo: int, hi: int, count: int })),
  total: int,
  min: nnum,
  max: nnum,
  mean: nnum,
  median: nnum,
});

export const SummarySchema = z.object({ count: int, mean: nnum, median: nnum, max: nnum });

export const TopCustomerSchema = z.object({
  rank: int,
  customerId: z.string(),
  pagerank: num,
  inDegree: int,
  outDegree: int,
  inWeight: num,
  outWeight: num,
  core: int,
  community: int,
  reach: int,
});

export const HomophilySchema = z.object({
  attribute: z.string(),
  edges: z.literal('directed edges whose two ends both have a value'),
  nodesWithValue: int,
  edgesUsed: int,
  edgeMeanAbsDiff: nnum,
  randomPairMeanAbsDiff: nnum,
  ratio: nnum,
  assortativity: nnum,
  permutations: int,
  pValue: nnum,
  permutationMean: nnum,
  permutationSd: nnum,
  seed: nnum,
});

export const CascadesSchema = z.object({
  rule: z.string(),
  types: z.array(z.string()),
  windowDays: num,
  attribution: z.enum(['last', 'first']),
  purchasers: int,
  referredCustomers: int,
  /** Share of purchasers who were brought in by another customer; null when nobody purchased. */
  referredShare: nnum,
  cascades: int,
  size: HistogramSchema,
  depth: HistogramSchema,
  structuralVirality: SummarySchema,
  largest: z.array(z.object({ rootCustomerId: z.string(), size: int, depth: int, structuralVirality: num })),
});

export const ReferralValueSchema = z.object({
  valueSource: z.enum(['clv_scores', 'observed_revenue']),
  rule: z.string(),
  annualDiscountRate: num,
  horizonDays: nnum,
  share: num,
  asOf: z.string().nullable(),
  referrers: int,
  referredCustomers: int,
  total: nnum,
  meanPerReferrer: nnum,
  missingClv: int.nullable(),
  censored: int.nullable(),
  top: z.array(z.object({ customerId: z.string(), referrals: int, referralValue: num })),
});

const EstimateSchema = z.object({ estimate: nnum, se: nnum, lower: nnum, upper: nnum });

export const PeerComparisonSchema = z.object({
  matchedTreated: int,
  unmatchedTreated: int,
  controls: int,
  strata: int,
  effect: EstimateSchema,
  placebo: EstimateSchema,
  /** Mean purchases of the touched / of their matched counterfactual, with a delta-method interval. */
  ratio: EstimateSchema,
  naive: nnum,
  treatedMean: nnum,
  counterfactualMean: nnum,
});

/** Prospects per decision: one unit per (person, item) considered before the person's first purchase. */
export const PeerDecisionsSchema = z.object({
  /** Units, touches, strata and estimators, in words. */
  method: z.string(),
  /** Days before the decision within which a touch counts (the peer effect's window). */
  lookbackDays: num,
  units: int,
  /** Left out: touched by a peer before the consideration began (brought in: referral value). */
  broughtIn: int,
  touched: int,
  untouched: int,
  firmTouched: int,
  /** Share of touched / untouched units that bought the item, and their unadjusted ratio. */
  treatedConversion: nnum,
  controlConversion: nnum,
  naiveRiskRatio: nnum,
  /** Mantel–Haenszel risk ratio within strata of item × activity × firm touch (Greenland–Robins interval). */
  riskRatio: EstimateSchema,
  strata: int,
  /** Extra purchases of the item per touched unit (stratified risk difference on the touched), and × touched units. */
  extraPurchasesPerTouched: EstimateSchema,
  excessPurchases: EstimateSchema,
});

export const PeerEffectSchema = z.object({
  /** How treated and control units, strata, the estimate and the credit are defined, in words. */
  rule: z.string(),
  touchTypes: z.array(z.string()),
  windowDays: num,
  level: num,
  seed: int,
  asOf: z.string().nullable(),
  treatedUnits: int,
  matchedTreated: int,
  unmatchedTreated: int,
  controls: int,
  strata: int,
  /** Effect on the treated: extra purchases per touched customer in the window after the touch. */
  effect: EstimateSchema,
  /** The same comparison on the window before the touch (≈ 0 when the strata balance the groups). */
  placebo: EstimateSchema,
  differenceInDifferences: EstimateSchema,
  /** Unadjusted treated − control difference: the bias the matching removes. */
  naive: nnum,
  treatedMean: nnum,
  counterfactualMean: nnum,
  /** effect / counterfactual mean. */
  lift: nnum,
  ratio: EstimateSchema,
  /** Existing customers (bought before the touch) and prospects (active, not yet bought) separately. */
  populations: z.object({ existingCustomers: PeerComparisonSchema, prospects: PeerComparisonSchema }),
  /** Added within 1.1.0 (absent from results written before): the prospects' decision units in detail. */
  decisions: PeerDecisionsSchema.optional(),
  excessPurchases: EstimateSchema,
  averageOrderValue: nnum,
  excessValue: EstimateSchema,
  influencers: int,
  top: z.array(z.object({ customerId: z.string(), influencedPeers: num, excessPurchases: num, influenceValue: nnum })),
});

export const NetworkValueSchema = z.object({
  clvSource: z.literal('clv_scores').nullable(),
  rule: z.string(),
  customers: int,
  withoutClv: int.nullable(),
  totals: z.object({ clv: nnum, referralValue: nnum, influenceValue: nnum, networkValue: nnum, networkAdjustedClv: nnum }),
  networkShare: nnum,
  networkExceedsClv: int.nullable(),
  top: z.array(z.object({
    customerId: z.string(),
    clv: nnum,
    referralValue: nnum,
    influencedPeers: nnum,
    influenceValue: nnum,
    networkValue: num,
    networkAdjustedClv: nnum,
  })),
});

/** The top of the network for drawing: nodes by PageRank with fixed positions, and the edges among them. */
export const GraphSampleSchema = z.object({
  rule: z.string(),
  nodes: z.array(z.object({ customerId: z.string(), pagerank: num, community: int, inDegree: int, outDegree: int, core: int, x: num, y: num })),
  /** Indices into nodes. */
  edges: z.array(z.object({ source: int, target: int, weight: num })),
});

export const NetworkResultSchema = z.object({
  version: z.literal(NETWORK_RESULT_VERSION),
  definitions: z.object({
    edges: z.string(),
    weight: z.string(),
    reach: z.string(),
    core: z.string(),
    communities: z.string(),
  }),
  edgeTypes: z.array(z.string()),
  since: z.string().nullable(),
  until: z.string().nullable(),
  graph: z.object({
    nodes: int,
    edges: int,
    totalWeight: num,
    reciprocity: nnum,
    density: nnum,
    weakComponents: int,
    largestComponent: int.nullable(),
  }),
  degree: z.object({ in: HistogramSchema, out: HistogramSchema }),
  pagerank: z.object({
    alpha: num,
    weighted: z.boolean(),
    tolerance: num,
    iterations: int,
    top: z.array(TopCustomerSchema),
  }),
  core: z.object({ max: int.nullable(), histogram: HistogramSchema }),
  communities: z.object({
    engine: z.enum(['csr', 'graphology']),
    resolution: num,
    seed: nnum,
    count: int,
    modularity: nnum,
    sizes: HistogramSchema,
    largest: z.array(z.object({ community: int, size: int })),
  }),
  reach: z.object({ hops: int, histogram: HistogramSchema }),
  homophily: HomophilySchema.nullable(),
  cascades: CascadesSchema.nullable(),
  referralValue: ReferralValueSchema.nullable(),
  peerEffect: PeerEffectSchema.nullable(),
  networkValue: NetworkValueSchema.nullable(),
  graphSample: GraphSampleSchema.nullable(),
  /** The store table with one row per customer, or null when not written. */
  scoresTable: z.string().nullable(),
  warnings: z.array(z.string()),
});

export type Histogram = z.infer<typeof HistogramSchema>;
export type NetworkResult = z.infer<typeof NetworkResultSchema>;
export const NetworkSectionSchema = NetworkResultSchema;
export type NetworkSection = NetworkResult;
export type TopCustomer = z.infer<typeof TopCustomerSchema>;
export type HomophilyResult = z.infer<typeof HomophilySchema>;
export type CascadesResult = z.infer<typeof CascadesSchema>;
export type ReferralValueResult = z.infer<typeof ReferralValueSchema>;
export type PeerEffectResult = z.infer<typeof PeerEffectSchema>;
export type PeerDecisionsResult = z.infer<typeof PeerDecisionsSchema>;
export type NetworkValueResult = z.infer<typeof NetworkValueSchema>;
export type GraphSample = z.infer<typeof GraphSampleSchema>;
