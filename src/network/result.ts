/**
 * The network section of the analysis result: typed, JSON-serialisable, no NaN (a missing number is
 * null). Sized for JSON at any graph size: distributions are histograms, customers appear only in
 * top-N lists; the per-customer metrics live in the store table network_scores.
 */
import { z } from 'zod';

export const NETWORK_RESULT_VERSION = '1.0.0';

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
  /** The store table with one row per customer, or null when not written. */
  scoresTable: z.string().nullable(),
  /** Milliseconds per phase; cascades, referralValue, homophilyAttributeSql and louvainWorker ran concurrently with the rest. */
  timingsMs: z.record(z.string(), num),
  warnings: z.array(z.string()),
});

export type Histogram = z.infer<typeof HistogramSchema>;
export type NetworkResult = z.infer<typeof NetworkResultSchema>;
export type TopCustomer = z.infer<typeof TopCustomerSchema>;
export type HomophilyResult = z.infer<typeof HomophilySchema>;
export type CascadesResult = z.infer<typeof CascadesSchema>;
export type ReferralValueResult = z.infer<typeof ReferralValueSchema>;
