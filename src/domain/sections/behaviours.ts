/** The behaviours section: the five behaviour scores' rules, availability and distributions (src/segments/behaviours.ts). */
import { z } from 'zod';

export const BehavioursSectionSchema = z.object({
  status: z.enum(['ok', 'empty']),
  message: z.string().nullable(),
  scoring: z.string(),
  priorWeeks: z.number(),
  customers: z.number().int().nonnegative(),
  behaviours: z.array(z.object({
    behaviour: z.enum(['access', 'engage', 'customize', 'connect', 'collaborate']),
    rule: z.string(),
    available: z.boolean(),
    /** Why the score is null for everyone; null when available. */
    reason: z.string().nullable(),
    events: z.number().nonnegative(),
    brandRatePerWeek: z.number().nullable(),
    /** Customers by score decile (0–10, …, 90–100); empty when not available. */
    distribution: z.array(z.object({ from: z.number(), to: z.number(), customers: z.number().int() })),
  })),
  /** Store tables holding the per-customer table and the scores. */
  tables: z.object({ facts: z.string(), items: z.string(), behaviours: z.string() }),
});
export type BehavioursSection = z.infer<typeof BehavioursSectionSchema>;
