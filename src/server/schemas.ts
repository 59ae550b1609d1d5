/** The zod schemas of the HTTP API: the routes validate with them and the OpenAPI document is generated from them. */
import { z } from '@hono/zod-openapi';
import { SegmentMessageSchema } from './ingest/segment.js';

export const ErrorSchema = z
  .object({
    error: z.object({
      status: z.number().int(),
      code: z.string(),
      message: z.string(),
    }).passthrough(),
  })
  .openapi('Error');

export const BatchBodySchema = z
  .object({
    batch: z.array(SegmentMessageSchema).describe('the messages; each is stored or reported in `rejects` with its index'),
    context: z.record(z.string(), z.unknown()).optional(),
    sentAt: z.string().optional(),
  })
  .passthrough()
  .openapi('Batch');

export const RejectSchema = z.object({ index: z.number().int(), reason: z.string() }).openapi('Reject');

export const IngestResponseSchema = z
  .object({
    success: z.boolean().describe('true when every message was stored or already stored'),
    accepted: z.number().int().describe('events stored by this request'),
    duplicates: z.number().int().describe('events whose messageId was already stored (not stored again)'),
    rejected: z.number().int(),
    rejects: z.array(RejectSchema).describe('each bad message: its index in the batch and why'),
  })
  .openapi('IngestResponse');

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() }).openapi('Health');

const Row = z.record(z.string(), z.unknown());

export const ProfileSchema = z
  .object({
    customerId: z.string(),
    facts: z.object({
      firstSeen: z.string().nullable(),
      lastSeen: z.string().nullable(),
      events: z.number().int(),
      eventsByType: z.record(z.string(), z.number().int()),
      purchases: z.number().int(),
      purchaseDays: z.number().int(),
      revenue: z.number().nullable(),
      returns: z.number().nullable(),
      items: z.number().int(),
      lastPurchase: z.string().nullable(),
      peers: z.number().int(),
    }),
    clv: Row.nullable().describe('the row of clv_scores (P(alive), expected purchases, CLV), null when not computed'),
    network: Row.nullable().describe('the row of network_scores, null when not computed'),
    customerFacts: Row.nullable(),
    segment: Row.nullable().describe('the row of customer_segments with the segment\'s generated `name` (null when the workspace has no analysis with a segments section)'),
    recommendations: z.array(Row).nullable(),
    replenishment: z.array(Row).nullable(),
    behaviours: Row.nullable().describe('the row of customer_behaviours: the five behaviour scores'),
    experience: Row.nullable().describe('the row of customer_experiences: the experience (automate, respond, coach, curate, none) and why'),
    nextAction: z.object({
      customerId: z.string(), segment: z.string(), experience: z.string(), action: z.string(), items: z.string().nullable(),
      due: z.string().nullable(), expectedValue: z.number(), reason: z.string(),
    }).nullable().describe('the next action of the experiences step (customer_actions), null when not computed'),
    needsAnalysis: z.array(z.object({ field: z.string(), reason: z.string() })).describe('fields that are null because an analysis step has not run, and what to run'),
  })
  .openapi('CustomerProfile');

export const JobSchema = z
  .object({
    id: z.string(),
    workspace: z.string(),
    kind: z.literal('analysis'),
    status: z.enum(['running', 'succeeded', 'failed']),
    step: z.string().nullable(),
    stepsDone: z.array(z.string()),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
  })
  .openapi('Job');

export const SegmentsSchema = z
  .object({
    customers: z.number().int(),
    segments: z.array(z.object({
      segment: z.string(), customers: z.number().int(),
      name: z.string().nullable().describe('the generated name, from the latest analysis (null without one)'),
    }).passthrough()),
    fromAnalysis: z.unknown().nullable().describe('the segments section of the latest analysis result, when it has one'),
  })
  .openapi('Segments');

export const ActionsSchema = z
  .object({
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    next: z.string().nullable().describe('the URL of the next page, null on the last'),
    actions: z.array(Row),
  })
  .openapi('Actions');

export const RecommendationsSchema = z
  .object({
    customerId: z.string(),
    recommendations: z.array(Row),
    replenishment: z.array(Row).nullable(),
  })
  .openapi('Recommendations');

export const CustomerIdParam = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\u0000-\u001f]+$/, 'no control characters')
  .openapi({ param: { name: 'id', in: 'path' }, example: 'c42' });
