/**
 * The strategy section of the analysis result (issue 11): what the strategy generator
 * (src/strategy/) reads besides the other sections — per segment of customer_segments the objective
 * KPIs, the funnel step where it drops off, its journey times and complaint topics; the measured
 * association of each behaviour score with each objective's per-customer KPI (by score quartile,
 * with a 95% interval: association, not causation); and each objective's headline plan.
 * A number that could not be computed is null, never NaN.
 */
import { z } from 'zod';

/** The objectives a plan starts from and the five behaviour strategies (src/strategy/plan.ts re-exports them). */
export const OBJECTIVES = ['reduce-attrition', 'increase-repeat', 'grow-referrals', 'grow-flow', 'launch-idea', 'faster-service'] as const;
export const STRATEGIES = ['access', 'engage', 'customize', 'connect', 'collaborate'] as const;

const nnum = z.number().nullable();
const count = z.number().int().nonnegative();

/** The per-customer KPI of each objective (customer_facts ⋈ clv_scores). */
export const CUSTOMER_KPIS = ['lapsed', 'repeat', 'referred', 'flow', 'contributed', 'support'] as const;
export type CustomerKpi = (typeof CUSTOMER_KPIS)[number];

export const AssociationSchema = z.object({
  /** `behaviour:kpi`, the key plan metrics address it by. */
  key: z.string(),
  behaviour: z.enum(STRATEGIES),
  kpi: z.enum(CUSTOMER_KPIS),
  /** Customers with both a score and the KPI. */
  customers: count,
  quartiles: z.array(z.object({ quartile: z.number().int().min(1).max(4), customers: count, minScore: nnum, maxScore: nnum, mean: nnum })),
  /** Mean KPI of the top score quartile minus the bottom one, with its 95% (normal, unequal variances) interval. */
  difference: nnum,
  lower: nnum,
  upper: nnum,
  /** The behaviour score counts some of the KPI's own events (the association is partly by construction). */
  overlap: z.boolean(),
  reason: z.string().nullable(),
});
export type Association = z.infer<typeof AssociationSchema>;

export const SegmentEvidenceSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  customers: count,
  purchasers: count,
  /** Share of the segment's purchasers who bought on more than one day. */
  repeatRate: nnum,
  /** 1 − mean P(alive) over the segment's scored customers. */
  lapsedShare: nnum,
  referrerShare: z.number(),
  flowShare: z.number(),
  contributorShare: z.number(),
  supportShare: z.number(),
  /** Σ CLV of the segment's one-time buyers. */
  oneTimeClv: nnum,
  /** Σ CLV of customers with an idea or vote; Σ CLV of customers with a support answer. */
  contributorClv: nnum,
  supportClv: nnum,
  /** Σ PageRank of the segment (its share of the network's reach); null without network scores. */
  reach: nnum,
  /** Mean behaviour score (0–100) per behaviour, null when unavailable. */
  scores: z.object({ access: nnum, engage: nnum, customize: nnum, connect: nnum, collaborate: nnum }),
  /** The funnel step with the lowest conversion (reaching a later stage counts as passing the earlier ones). */
  funnel: z.object({
    stages: z.array(z.object({ stage: z.string(), customers: count })),
    dropFrom: z.string().nullable(),
    dropTo: z.string().nullable(),
    rate: nnum,
  }),
  /** Median days: first event → first purchase, between purchases, since the last event. */
  journey: z.object({ toFirstPurchaseDays: nnum, betweenPurchasesDays: nnum, sinceLastEventDays: nnum }),
  /** Complaint topics: terms of the segment's negative texts more common there than in all scored texts; null without scored texts. */
  complaints: z.object({ texts: count, negative: count, terms: z.array(z.object({ term: z.string(), docs: count, lift: z.number() })) }).nullable(),
});
export type SegmentEvidence = z.infer<typeof SegmentEvidenceSchema>;

export const StrategySectionSchema = z.object({
  status: z.enum(['ok', 'no-segments']),
  message: z.string().nullable(),
  kpis: z.array(z.object({ kpi: z.enum(CUSTOMER_KPIS), objective: z.enum(OBJECTIVES), definition: z.string(), customers: count, mean: nnum })),
  associations: z.array(AssociationSchema),
  segments: z.array(SegmentEvidenceSchema),
  /** Each objective's plan in one line: its KPI, the top segment and the strategies selected. */
  headlines: z.array(z.object({
    objective: z.enum(OBJECTIVES),
    title: z.string(),
    kpi: nnum,
    topSegment: z.object({ id: z.string(), name: z.string(), relevance: nnum }).nullable(),
    strategies: z.array(z.enum(STRATEGIES)),
  })),
  note: z.string(),
});
export type StrategySection = z.infer<typeof StrategySectionSchema>;
