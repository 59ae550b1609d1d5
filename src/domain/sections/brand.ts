/**
 * The brand section of the analysis result (issue 5): flow and stock, momentum, Spiral In / Spiral
 * Out, Bass diffusion, co-creation and social listening. The fields the report and the API read
 * are typed here; each model's full output is kept (loose objects) so nothing it says is lost.
 * A missing number is null, never 0. This is the one definition of the brand result's shape:
 * src/brand/types.ts derives its types from it and only narrows the model outcomes.
 */
import { z } from 'zod';

const num = z.number();
const nnum = z.number().nullable();
const strings = z.array(z.string());

/** Every model outcome: the model's own status (or 'failed' / 'not-applicable'), message and warnings. */
const outcome = {
  status: z.string(),
  message: z.string().nullable(),
  warnings: strings,
};

const EstimateSchema = z.object({ estimate: num, se: nnum.optional(), lower: nnum, upper: nnum });
const IntervalSchema = z.object({ lower: num, upper: num });

export const MomentumSchema = z.looseObject({
  ...outcome,
  window: num.optional(),
  growthRate: nnum.optional(),
  growthPct: nnum.optional(),
  interval: IntervalSchema.nullable().optional(),
  pctInterval: IntervalSchema.nullable().optional(),
  significant: z.boolean().optional(),
  direction: z.enum(['growing', 'declining', 'flat']).nullable().optional(),
  series: z.array(z.object({ period: z.string().nullable(), n: num, growthRate: nnum, lower: nnum, upper: nnum, significant: z.boolean().nullable() })).optional(),
});

export const AdstockSchema = z.looseObject({
  ...outcome,
  lambda: nnum.optional(),
  interval: z.object({ lower: num, upper: num, lowerAtBoundary: z.boolean(), upperAtBoundary: z.boolean() }).nullable().optional(),
  halfLife: nnum.optional(),
  slope: EstimateSchema.nullable().optional(),
  intercept: EstimateSchema.nullable().optional(),
  r2: nnum.optional(),
  stock: z.array(num).nullable().optional(),
});

const EstimateOrBand = z.object({ estimate: num, lower: nnum, upper: nnum });

export const ImpulseResponseSchema = z.looseObject({
  impulse: z.string(),
  response: z.string(),
  point: z.array(num),
  lower: z.array(num).nullable(),
  upper: z.array(num).nullable(),
  cumulative: EstimateOrBand,
  elasticity: z.object({ shortRun: EstimateOrBand, longRun: EstimateOrBand }).nullable(),
  significantFrom: nnum,
  wearOut: nnum,
  duration: num,
  censored: z.boolean(),
});

export const VarSchema = z.looseObject({
  ...outcome,
  names: strings.optional(),
  lag: nnum.optional(),
  nObs: nnum.optional(),
  stable: z.boolean().nullable().optional(),
  coefficients: z.array(z.looseObject({ equation: z.string(), regressor: z.string(), estimate: num, lower: num, upper: num, pValue: nnum })).optional(),
  granger: z.array(z.looseObject({ cause: z.string(), effect: z.string(), fStat: num, pValue: num, significant: z.boolean() })).optional(),
  irf: z.looseObject({ kind: z.string(), horizon: num, level: num, replications: num, responses: z.array(ImpulseResponseSchema) }).nullable().optional(),
  dominance: z.looseObject({ direction: z.string(), measure: z.string(), message: z.string() }).nullable().optional(),
});

export const BassSchema = z.looseObject({
  ...outcome,
  p: EstimateSchema.nullable().optional(),
  q: EstimateSchema.nullable().optional(),
  m: EstimateSchema.nullable().optional(),
  imitationShare: z.object({ observed: EstimateOrBand, lifetime: EstimateOrBand }).nullable().optional(),
  peakTime: EstimateOrBand.nullable().optional(),
  peaked: z.boolean().nullable().optional(),
  fitted: z.array(num).nullable().optional(),
});

export const PreorderSchema = z.looseObject({
  ...outcome,
  nLaunched: num.optional(),
  ordersPerVote: z.object({ estimate: num, se: nnum, lower: num, upper: num }).nullable().optional(),
  lag: z.looseObject({ n: num, mean: num, median: num }).nullable().optional(),
  forecasts: z.array(z.object({ id: z.string(), votes: num, rank: num, expected: num, lower: num, upper: num, probabilityAnyOrder: num })).optional(),
});

const SpiralSchema = z.object({
  variables: z.array(z.object({ name: z.string(), description: z.string() })),
  target: z.enum(['purchases', 'new customers']),
  stock: z.enum(['goodwill', 'active customers']),
  result: VarSchema,
});

const ModelsSchema = z.object({
  momentum: MomentumSchema,
  stock: z.object({ target: z.enum(['purchases', 'new customers']), result: AdstockSchema }),
  spiral: SpiralSchema.nullable(),
});

const MixSchema = {
  scored: num,
  meanScore: nnum,
  negativeShare: nnum,
  neutralShare: nnum,
  positiveShare: nnum,
  netSentiment: nnum,
};

export const BrandListeningSchema = z.looseObject({
  ...outcome,
  method: z.string().optional(),
  period: z.string().optional(),
  overall: z.looseObject({ events: num, ...MixSchema }).optional(),
  items: z.array(z.looseObject({ itemId: z.string().nullable(), events: num, shareOfVoice: nnum, ...MixSchema })).optional(),
  overTime: z.array(z.looseObject({ period: z.string(), itemId: z.string().nullable(), ...MixSchema })).optional(),
  complaintTerms: z.array(z.object({
    itemId: z.string().nullable(),
    negativeTexts: num,
    terms: z.array(z.object({ term: z.string(), docs: num, share: num, lift: num })),
  })).optional(),
  ratingAgreement: z.looseObject({ reviews: num, spearman: nnum, bucketAccuracy: nnum, bucketMacroF1: nnum }).nullable().optional(),
});

export const BrandSectionSchema = z.object({
  status: z.enum(['ok', 'no-events', 'no-flow']),
  message: z.string().nullable(),
  warnings: strings,
  period: z.enum(['day', 'week', 'month']),
  window: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  flowTypes: strings,
  countingNote: z.string(),
  periods: strings,
  modelPeriods: num,
  partialLastPeriod: z.object({ period: z.string(), coverage: num }).nullable(),
  activeRule: z.object({ kind: z.literal('recency'), periods: num, description: z.string() }),
  totals: z.object({ events: num, flowEvents: num, purchases: num, customers: num, flowCustomers: num }),
  flowByType: z.array(z.object({ type: z.string(), events: num, customers: num })),
  flowByChannel: z.array(z.object({ channel: z.string().nullable(), events: num })),
  series: z.object({
    flow: z.array(num),
    flowByType: z.array(z.object({ type: z.string(), values: z.array(num) })),
    flowCustomers: z.array(num),
    activeCustomers: z.array(num),
    flowPerActive: z.array(nnum),
    purchases: z.array(num),
    newCustomers: z.array(num),
  }),
  clv: z.object({ customers: num, pAliveSum: nnum, equity: nnum, note: z.string() }).nullable(),
  overall: ModelsSchema,
  diffusion: z.object({
    adopters: z.enum(['first purchase', 'first event']),
    from: z.string().nullable(),
    actual: z.array(num),
    result: BassSchema,
  }),
  cocreation: z.object({
    rule: z.string(),
    ideas: z.array(z.object({
      itemId: z.string(),
      status: z.enum(['launched', 'open']),
      ideas: num,
      votes: num,
      firstVotePeriod: z.string().nullable(),
      firstSalePeriod: z.string().nullable(),
      orders: nnum,
    })),
    result: PreorderSchema,
  }),
  shareOfVoice: z.object({
    brands: num,
    totalEvents: num,
    items: z.array(z.object({ itemId: z.string(), events: num, customers: num, share: num })),
  }).nullable(),
  brands: z.array(ModelsSchema.extend({
    itemId: z.string(),
    events: num,
    customers: num,
    shareOfVoice: num,
    flow: z.array(num),
    purchases: z.array(num),
  })),
  listening: BrandListeningSchema.nullable(),
});

export type BrandSection = z.infer<typeof BrandSectionSchema>;
