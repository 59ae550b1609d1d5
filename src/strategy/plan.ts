/**
 * The strategy plan (issue 11, the Customer Network Strategy Generator): objective → customer
 * selection → strategy selection → concepts → impact, as one typed document. Every number is a
 * Metric naming the analysis-result fields it comes from; a step without data says why.
 */
import { z } from 'zod';
import { OBJECTIVES, STRATEGIES } from '../domain/sections/strategy.js';

export { OBJECTIVES, STRATEGIES };
export type ObjectiveName = (typeof OBJECTIVES)[number];
export type StrategyName = (typeof STRATEGIES)[number];

export const MetricSchema = z.object({
  label: z.string(),
  value: z.number().nullable(),
  /** The arithmetic over result fields (a single path for a plain field). */
  formula: z.string(),
  /** Each analysis-result field used, with its value. */
  inputs: z.array(z.object({ path: z.string(), value: z.number().nullable() })),
  /** Why value is null. */
  reason: z.string().nullable(),
});
export type Metric = z.infer<typeof MetricSchema>;

const StepStatus = z.enum(['ok', 'no-data', 'no-segments']);

export const StrategyPlanSchema = z.object({
  objective: z.object({
    name: z.enum(OBJECTIVES),
    title: z.string(),
    kpi: MetricSchema,
    kpiDefinition: z.string(),
    /** Customer equity (or what stands for it), the higher-order objective. */
    higherOrder: MetricSchema,
    higherOrderDefinition: z.string(),
  }),
  customerSelection: z.object({
    status: StepStatus,
    message: z.string().nullable(),
    relevance: z.string(),
    segments: z.array(z.object({
      /** The segment id as the user types it (customer_segments.segment), e.g. "3". */
      segment: z.string(),
      customers: z.number().int().nonnegative(),
      relevance: MetricSchema,
      selected: z.boolean(),
      /** Its name from the segments section (the id when unnamed). */
      name: z.string(),
      equity: MetricSchema,
      atRisk: MetricSchema,
      /** The segment's own objective and value proposition, in words with its numbers. */
      uniqueObjective: z.string(),
      valueProposition: z.string(),
      /** What holds the segment back, from the data: behaviour gaps, funnel drop-off, complaint topics, journey times. */
      barriers: z.array(z.object({ kind: z.enum(['behaviour-gap', 'funnel', 'complaints', 'journey']), text: z.string(), evidence: z.array(MetricSchema) })),
    })),
  }),
  strategySelection: z.object({
    status: StepStatus,
    message: z.string().nullable(),
    strategies: z.array(z.object({
      strategy: z.enum(STRATEGIES),
      /** Share of customers who show the behaviour (its events), and the gap 1 − share. */
      prevalence: MetricSchema,
      gap: MetricSchema,
      /** Association of the behaviour with the KPI: needs per-customer behaviour scores (segments). */
      association: MetricSchema,
      fitsObjective: z.boolean(),
      selected: z.boolean(),
      why: z.string(),
      /** The association's 95% interval (top − bottom score quartile of the KPI), and whether the score counts the KPI's own events. */
      associationLower: MetricSchema,
      associationUpper: MetricSchema,
      associationOverlap: z.boolean(),
      /** 1 − mean score / 100 over the selected segments: how far they are from the top of this behaviour. */
      segmentGap: MetricSchema,
      /** segmentGap × the association in the objective's direction (positive: more of the behaviour goes with a better KPI). */
      score: MetricSchema,
    })),
    note: z.string(),
  }),
  concepts: z.array(z.object({
    strategy: z.enum(STRATEGIES),
    concept: z.string(),
    guidingQuestion: z.string(),
    evidence: z.array(MetricSchema),
    /** The concept filled in with the selected segments' data, and the computed experiences/actions it builds on. */
    detail: z.string(),
    actions: z.array(z.object({ experience: z.string(), customers: z.number().int().nonnegative() })),
  })),
  impact: z.array(z.object({
    strategy: z.enum(STRATEGIES),
    concept: z.string(),
    kpi: z.string(),
    baseline: MetricSchema,
    /** Minimum detectable effect, relative. */
    target: MetricSchema,
    perArm: MetricSchema,
    total: MetricSchema,
    days: MetricSchema,
    equityChange: MetricSchema,
    note: z.string().nullable(),
    /** Days the selected segments' own traffic needs for the design (an experiment run on them alone). */
    segmentDays: MetricSchema,
  })),
  generatedFrom: z.object({ schemaVersion: z.string(), generatedAt: z.string(), store: z.string() }),
});
export type StrategyPlan = z.infer<typeof StrategyPlanSchema>;
