/**
 * The analysis result: one typed, versioned JSON document, the one contract between the engine
 * and every front end (CLI report, HTTP API, dashboard). Sections are optional so that each idea
 * (CLV, brand, network, …) adds its own without breaking readers of older results.
 *
 * Bump SCHEMA_VERSION's minor for added optional fields, its major for anything a reader must change for.
 * A missing number is `null`, never 0.
 */
import { z } from 'zod';
import { BrandSectionSchema } from './sections/brand.js';
import { ClvSectionSchema } from './sections/clv.js';
import { FunnelSectionSchema } from './sections/funnel.js';
import { NetworkSectionSchema } from './sections/network.js';
import { BehavioursSectionSchema } from './sections/behaviours.js';
import { SegmentsSectionSchema } from './sections/segments.js';
import { ExperiencesSectionSchema } from './sections/experiences.js';
import { ExperimentsSectionSchema } from './sections/experiments.js';
import { StrategySectionSchema } from './sections/strategy.js';

export const SCHEMA_VERSION = '1.0.0';

export const WarningSchema = z.object({
  section: z.string(),
  message: z.string(),
});
export type Warning = z.infer<typeof WarningSchema>;

export const OverviewSchema = z.object({
  customers: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  span: z.object({
    start: z.string().nullable(),
    end: z.string().nullable(),
    days: z.number().nullable(),
  }),
  eventsByType: z.array(z.object({ type: z.string(), events: z.number().int(), customers: z.number().int() })),
  /** Long format: one row per (ISO week start, type). */
  eventsByWeek: z.array(z.object({ week: z.string(), type: z.string(), events: z.number().int() })),
  newCustomersByWeek: z.array(z.object({ week: z.string(), customers: z.number().int() })),
  revenue: z.object({
    purchases: z.number().nullable(),
    returns: z.number().nullable(),
    net: z.number().nullable(),
    currencyNote: z.string(),
  }),
  purchasers: z.number().int().nonnegative(),
  /** Share of purchasers who bought on more than one day; null when nobody bought. */
  repeatRate: z.number().nullable(),
  /** Orders (purchase events) per purchaser; null when nobody bought. */
  ordersPerPurchaser: z.number().nullable(),
  sources: z.array(z.object({ source: z.string(), events: z.number().int() })),
});
export type Overview = z.infer<typeof OverviewSchema>;

export const AnalysisResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  generatedAt: z.string(),
  spiralVersion: z.string(),
  store: z.object({ dialect: z.string(), location: z.string() }),
  overview: OverviewSchema,
  // Idea sections, each optional and defined in src/domain/sections/<name>.ts (one owner per file):
  // add `<name>: <Name>SectionSchema.optional(),` here, one line per section.
  clv: ClvSectionSchema.optional(),
  brand: BrandSectionSchema.optional(),
  network: NetworkSectionSchema.optional(),
  funnel: FunnelSectionSchema.optional(),
  behaviours: BehavioursSectionSchema.optional(),
  segments: SegmentsSectionSchema.optional(),
  experiences: ExperiencesSectionSchema.optional(),
  experiments: ExperimentsSectionSchema.optional(),
  strategy: StrategySectionSchema.optional(),
  warnings: z.array(WarningSchema),
});
export type AnalysisResult = z.infer<typeof AnalysisResultSchema>;
