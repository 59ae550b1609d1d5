/**
 * The canonical event schema (DESIGN.md, "Canonical event schema"). Every source is mapped
 * onto it; the store's `events` table has exactly these columns.
 */
import { z } from 'zod';

export const EVENT_TYPES = [
  'exposure', 'search', 'view', 'save', 'cart', 'share', 'review', 'mention', 'referral',
  'follow', 'signup', 'purchase', 'return', 'vote', 'idea', 'support', 'subscribe', 'unsubscribe',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export const EventTypeSchema = z.enum(EVENT_TYPES);

/** Spontaneous customer actions: the brand's flow (DESIGN.md, brand stock vs flow). */
export const FLOW_TYPES: readonly EventType[] = [
  'search', 'share', 'review', 'mention', 'referral', 'idea', 'vote', 'support',
];

export const CanonicalEventSchema = z.object({
  event_id: z.string().min(1),
  customer_id: z.string().min(1),
  ts: z.coerce.date(),
  type: EventTypeSchema,
  item_id: z.string().nullish(),
  amount: z.number().finite().nullish(),
  quantity: z.number().finite().nullish(),
  peer_id: z.string().nullish(),
  channel: z.string().nullish(),
  rating: z.number().finite().nullish(),
  text: z.string().nullish(),
  props: z.record(z.string(), z.unknown()).nullish(),
});
export type CanonicalEvent = z.infer<typeof CanonicalEventSchema>;

/** Field names in schema order; the store's `events` table uses this order. */
export const EVENT_FIELDS = [
  'event_id', 'customer_id', 'ts', 'type', 'item_id', 'amount', 'quantity', 'peer_id',
  'channel', 'rating', 'text', 'props',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
