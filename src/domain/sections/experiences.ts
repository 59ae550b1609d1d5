/** The experiences section: one connected experience and next action per customer (src/experiences/). */
import { z } from 'zod';

export const EXPERIENCE_NAMES = ['respond', 'curate', 'coach', 'automate', 'none'] as const;

export const ActionRowSchema = z.object({
  customerId: z.string(),
  segment: z.string(),
  experience: z.enum(EXPERIENCE_NAMES),
  action: z.string(),
  items: z.string().nullable(),
  due: z.string().nullable(),
  expectedValue: z.number(),
  reason: z.string(),
});

export const ExperiencesSectionSchema = z.object({
  status: z.enum(['ok', 'empty']),
  message: z.string().nullable(),
  rules: z.array(z.string()),
  assumptions: z.array(z.string()),
  enoughData: z.object({ definition: z.string(), customers: z.number().int() }),
  sources: z.object({ recommendations: z.boolean(), replenishment: z.boolean() }),
  customers: z.number().int().nonnegative(),
  byExperience: z.array(z.object({
    experience: z.enum(EXPERIENCE_NAMES), customers: z.number().int(), share: z.number(), expectedValue: z.number(), meanExpectedValue: z.number().nullable(),
  })),
  bySegment: z.array(z.object({ segment: z.string(), experience: z.enum(EXPERIENCE_NAMES), customers: z.number().int() })),
  topActions: z.array(ActionRowSchema),
  table: z.string(),
});
export type ExperiencesSection = z.infer<typeof ExperiencesSectionSchema>;
