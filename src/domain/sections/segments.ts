/** The segments section: data-driven thin segments, the RFM grid and user rule segments (src/segments/). */
import { z } from 'zod';

const gap = z.object({ behaviour: z.string(), segmentMean: z.number(), brandMean: z.number(), effectSize: z.number() });

export const SegmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  share: z.number(),
  equity: z.number().nullable(),
  meanClv: z.number().nullable(),
  atRisk: z.number().nullable(),
  gaps: z.array(gap),
  profile: z.record(z.string(), z.number().nullable()),
});

export const SegmentsSectionSchema = z.object({
  status: z.enum(['ok', 'single', 'empty']),
  message: z.string().nullable(),
  method: z.string(),
  criterion: z.object({
    name: z.literal('silhouette'),
    rule: z.string(),
    chosenK: z.number().int(),
    scores: z.array(z.object({ k: z.number().int(), silhouette: z.number().nullable(), bic: z.number() })),
    sample: z.number().int(),
    seed: z.number().int(),
  }).nullable(),
  features: z.array(z.string()),
  segments: z.array(SegmentSchema),
  assignedCustomers: z.number().int().nonnegative(),
  customerEquity: z.number().nullable(),
  equityCheck: z.object({ segmentsSum: z.number().nullable(), customerEquity: z.number().nullable(), relativeError: z.number().nullable() }),
  rfm: z.object({
    cells: z.array(z.object({ r: z.number().int(), f: z.number().int(), customers: z.number().int(), meanMonetary: z.number().nullable(), equity: z.number().nullable() })),
    purchasers: z.number().int(),
    note: z.string(),
  }),
  ruleSegments: z.array(z.object({
    name: z.string(), description: z.string().nullable(), where: z.string(), size: z.number().int(),
    equity: z.number().nullable(), meanClv: z.number().nullable(), atRisk: z.number().nullable(),
  })),
  table: z.string(),
});
export type SegmentsSection = z.infer<typeof SegmentsSectionSchema>;
