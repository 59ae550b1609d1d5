/**
 * Segment's HTTP tracking API shape → canonical events (DESIGN.md, "Ingest conventions").
 *
 * A message is `{ type, event, userId | anonymousId, messageId, timestamp, properties, context, … }`.
 * By default: E-commerce Spec v2 event names map to the canonical types (SEGMENT_EVENT_TYPES; a
 * canonical name such as "purchase" passes as itself), `page`/`screen` calls are views,
 * `properties.revenue` (else `total`) is the amount, `product_id` (else `sku`) the item,
 * `quantity`, `rating`, `peer_id` and `text` their fields, every other property goes to `props`,
 * `messageId` is the event id. A workspace mapping (the file mapping format, columns being paths
 * into the message such as `properties.order_total` or `$.context.ip`) replaces the default of each
 * field it names; its `fields.type.values` are looked up before the default names.
 *
 * This is the HTTP edge: each message is checked here and either becomes a canonical row or a
 * reason; the rows go to the store in one SQL statement per group commit (./insert.ts).
 */
import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { EVENT_TYPES, type EventType } from '../../domain/events.js';
import { fieldObject, type FieldObject, type Mapping } from '../../domain/mapping.js';

/** Segment E-commerce Spec v2 (and a few common Segment spec) event names → canonical types. */
export const SEGMENT_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  'Products Searched': 'search',
  'Product List Viewed': 'view',
  'Product List Filtered': 'view',
  'Product Viewed': 'view',
  'Product Clicked': 'view',
  'Cart Viewed': 'view',
  'Product Added': 'cart',
  'Checkout Started': 'cart',
  'Product Added to Wishlist': 'save',
  'Product Shared': 'share',
  'Cart Shared': 'share',
  'Product Reviewed': 'review',
  'Order Completed': 'purchase',
  'Order Refunded': 'return',
  'Signed Up': 'signup',
  'Promotion Viewed': 'exposure',
  'Email Opened': 'exposure',
  'Push Notification Received': 'exposure',
  'Referral Sent': 'referral',
};

const CANONICAL = new Set<string>(EVENT_TYPES);

/** The message shape the routes accept and the OpenAPI document describes (unknown fields are kept out of the store, not refused). */
export const SegmentMessageSchema = z
  .object({
    type: z.enum(['track', 'page', 'screen', 'identify', 'group', 'alias']).optional()
      .describe('Segment call type; track (default), page and screen are stored'),
    event: z.string().max(200).optional().describe('event name, e.g. "Order Completed" (track calls)'),
    name: z.string().max(200).optional().describe('page or screen name'),
    userId: z.union([z.string(), z.number()]).nullish().describe('the customer id (or anonymousId)'),
    anonymousId: z.union([z.string(), z.number()]).nullish(),
    messageId: z.string().max(256).optional().describe('unique event id: a re-sent message with the same id is stored once'),
    timestamp: z.string().optional().describe('ISO 8601 time of the event (default: sentAt, else the time it arrived)'),
    sentAt: z.string().optional(),
    originalTimestamp: z.string().optional(),
    channel: z.string().max(100).optional(),
    properties: z.record(z.string(), z.unknown()).nullish().describe('revenue|total → amount, product_id|sku → item_id, quantity, rating, peer_id, text; the rest → props'),
    context: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough()
  .openapi('SegmentMessage');

export interface CanonicalRow {
  event_id: string;
  customer_id: string;
  /** ISO 8601 UTC. */
  ts: string;
  type: EventType;
  item_id: string | null;
  amount: number | null;
  quantity: number | null;
  peer_id: string | null;
  channel: string | null;
  rating: number | null;
  text: string | null;
  props: Record<string, unknown> | null;
}

export type MapResult = { ok: true; row: CanonicalRow } | { ok: false; reason: string };

export interface IngestLimits {
  /** Largest event (its JSON), bytes. Segment: 32 KB. */
  maxEventBytes: number;
  /** Largest request body, bytes. Segment: 500 KB per batch. */
  maxBatchBytes: number;
}
export const DEFAULT_LIMITS: IngestLimits = { maxEventBytes: 32 * 1024, maxBatchBytes: 500 * 1024 };

const MAX_ID = 256;
const CONSUMED_PROPS = new Set(['revenue', 'total', 'product_id', 'sku', 'quantity', 'rating', 'peer_id', 'text']);

/** A mapper from one message to a canonical row, built once per workspace mapping. */
export type MessageMapper = (msg: unknown, arrivedAt: Date) => MapResult;

export class HttpMappingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpMappingError';
  }
}

export function buildMapper(mapping: Mapping | null): MessageMapper {
  // Each field's spec, resolved once per mapping (not per message).
  const specs = new Map<keyof Mapping['fields'], FieldObject>();
  for (const [f, s] of Object.entries(mapping?.fields ?? {})) if (s !== undefined) specs.set(f as keyof Mapping['fields'], fieldObject(s));
  const spec = (f: keyof Mapping['fields']): FieldObject | undefined => specs.get(f);
  const tsSpec = spec('ts');
  if (tsSpec?.format && !['iso', 'epoch_s', 'epoch_ms', 'yyyymmdd'].includes(tsSpec.format)) {
    throw new HttpMappingError(`fields.ts.format "${tsSpec.format}": HTTP ingest reads iso, epoch_s, epoch_ms or yyyymmdd`);
  }
  const typeValues = spec('type')?.values ?? {};
  const keptProps = mapping?.props ? new Set(mapping.props) : null;

  return (msg, arrivedAt) => {
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return bad('not a JSON object');
    const m = msg as Record<string, unknown>;
    const call = m.type ?? 'track';
    if (typeof call !== 'string') return bad('type must be a string');
    if (call !== 'track' && call !== 'page' && call !== 'screen') {
      return bad(`type "${short(call)}" is not stored (Spiral stores track, page and screen calls)`);
    }
    const props = m.properties ?? null;
    if (props !== null && (typeof props !== 'object' || Array.isArray(props))) return bad('properties must be an object');
    const p = (props ?? {}) as Record<string, unknown>;
    if (m.context != null && (typeof m.context !== 'object' || Array.isArray(m.context))) return bad('context must be an object');

    // event id
    let eventId: string;
    const idSpec = spec('event_id');
    if (idSpec) {
      const r = idText(m, idSpec, 'event_id');
      if (typeof r !== 'string') return r;
      eventId = r;
    } else if (m.messageId !== undefined && m.messageId !== null) {
      if (typeof m.messageId !== 'string') return bad('messageId must be a string');
      const r = checkId(m.messageId, 'messageId');
      if (r) return r;
      eventId = m.messageId;
    } else {
      eventId = '';
    }

    // customer
    let customerId: string;
    const custSpec = spec('customer_id');
    if (custSpec) {
      const r = idText(m, custSpec, 'customer_id');
      if (typeof r !== 'string') return r;
      customerId = r;
    } else {
      const raw = m.userId ?? m.anonymousId;
      if (raw === undefined || raw === null || raw === '') return bad('userId or anonymousId is required');
      if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return bad('userId must be a string');
      customerId = String(raw);
      const r = checkId(customerId, m.userId != null ? 'userId' : 'anonymousId');
      if (r) return r;
    }

    // timestamp
    let ts: Date | null;
    if (tsSpec) {
      const raw = fieldValue(m, tsSpec);
      if (raw === undefined || raw === null || raw === '') return bad(`${describe(tsSpec)} is empty`);
      ts = parseTs(raw, tsSpec.format ?? 'iso');
      if (!ts) return bad(`${describe(tsSpec)} ${quote(raw)} is not ${tsLabel(tsSpec.format ?? 'iso')}`);
    } else {
      const raw = m.timestamp ?? m.originalTimestamp ?? m.sentAt;
      if (raw === undefined || raw === null) ts = arrivedAt;
      else {
        const field = m.timestamp !== undefined ? 'timestamp' : m.originalTimestamp !== undefined ? 'originalTimestamp' : 'sentAt';
        ts = parseTs(raw, 'iso');
        if (!ts) return bad(`${field} ${quote(raw)} is not an ISO 8601 date`);
      }
    }

    // type
    let type: string;
    const tSpec = spec('type');
    if (tSpec?.const !== undefined) type = String(tSpec.const);
    else {
      const raw = tSpec ? pathValue(m, tSpec.column!) : call === 'track' ? m.event : 'view';
      if (raw === undefined || raw === null || raw === '') return bad(tSpec ? `${describe(tSpec)} is empty` : 'event is required for a track call');
      if (typeof raw !== 'string') return bad(`${tSpec ? describe(tSpec) : 'event'} must be a string`);
      const named = typeValues[raw] ?? SEGMENT_EVENT_TYPES[raw] ?? raw;
      type = named.toLowerCase();
      if (!CANONICAL.has(type)) {
        return bad(`event ${quote(raw)} is not an event type (use a Segment E-commerce Spec name, a canonical type, or map it in the workspace mapping's fields.type.values)`);
      }
    }

    const item = text(m, spec('item_id'), 'item_id', p.product_id ?? p.sku);
    if (isBad(item)) return item;
    const peer = text(m, spec('peer_id'), 'peer_id', p.peer_id);
    if (isBad(peer)) return peer;
    const channel = text(m, spec('channel'), 'channel', m.channel);
    if (isBad(channel)) return channel;
    const amount = num(m, spec('amount'), 'properties.revenue', p.revenue ?? p.total);
    if (isBad(amount)) return amount;
    const quantity = num(m, spec('quantity'), 'properties.quantity', p.quantity);
    if (isBad(quantity)) return quantity;
    const rating = num(m, spec('rating'), 'properties.rating', p.rating);
    if (isBad(rating)) return rating;
    const tx = spec('text') ? fieldValue(m, spec('text')!) : p.text;
    if (tx !== undefined && tx !== null && typeof tx !== 'string') return bad('text must be a string');
    if (typeof tx === 'string' && !wellFormed(tx)) return bad('text is not valid Unicode (lone surrogate or NUL)');

    let rest: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(p)) {
      if (keptProps ? !keptProps.has(k) : CONSUMED_PROPS.has(k)) continue;
      if (!wellFormedDeep(k) || !wellFormedDeep(v)) return bad(`properties.${short(k)} is not valid Unicode (lone surrogate or NUL)`);
      (rest ??= {})[k] = v;
    }
    const row: CanonicalRow = {
      event_id: eventId,
      customer_id: customerId,
      ts: ts.toISOString(),
      type: type as EventType,
      item_id: item, amount, quantity, peer_id: peer, channel, rating,
      text: (tx as string | null | undefined) ?? null,
      props: rest,
    };
    // Without a messageId the id is derived from the content, so a re-sent message is stored once.
    if (!row.event_id) row.event_id = `h_${createHash('sha256').update(JSON.stringify(row)).digest('hex').slice(0, 32)}`;
    return { ok: true, row };
  };
}

/** An id-like text field: the mapping's spec when it names one, else the Segment default (`dflt`, already read from the message). */
function text(m: Record<string, unknown>, s: FieldObject | undefined, f: 'item_id' | 'peer_id' | 'channel', dflt: unknown): string | null | MapResult {
  const raw = s ? fieldValue(m, s) : dflt;
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return bad(`${s ? describe(s) : f} must be a string`);
  const v = (s?.prefix ?? '') + String(raw);
  return checkId(v, f) ?? v;
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A numeric field: the mapping's spec when it names one, else the Segment default (`dflt`, named `label` in reasons). */
function num(m: Record<string, unknown>, s: FieldObject | undefined, label: string, dflt: unknown): number | null | MapResult {
  const raw = s ? fieldValue(m, s) : dflt;
  if (raw === undefined || raw === null || raw === '') return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && NUMBER.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return bad(`${s ? describe(s) : label} ${quote(raw)} is not a number`);
  return n;
}

const bad = (reason: string): MapResult => ({ ok: false, reason });
function isBad(v: unknown): v is MapResult {
  return v !== null && typeof v === 'object' && 'ok' in (v as object);
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
function quote(v: unknown): string {
  return typeof v === 'string' ? `"${short(v)}"` : short(v);
}

/** Rejects strings DuckDB's UTF-8 storage cannot hold: lone surrogates and NUL (String.prototype.isWellFormed: ES2024, Node ≥ 20). */
function wellFormed(s: string): boolean {
  return !s.includes('\u0000') && (s as string & { isWellFormed(): boolean }).isWellFormed();
}
function wellFormedDeep(v: unknown): boolean {
  if (typeof v === 'string') return wellFormed(v);
  if (Array.isArray(v)) return v.every(wellFormedDeep);
  if (v !== null && typeof v === 'object') return Object.entries(v).every(([k, x]) => wellFormed(k) && wellFormedDeep(x));
  return true;
}

function checkId(v: string, field: string): MapResult | null {
  if (v.length > MAX_ID) return bad(`${field} is longer than ${MAX_ID} characters`);
  if (!wellFormed(v) || /[\u0000-\u001f]/.test(v)) return bad(`${field} contains control characters or invalid Unicode`);
  return null;
}

function pathValue(m: Record<string, unknown>, column: string): unknown {
  const path = column.startsWith('$.') ? column.slice(2) : column;
  let v: unknown = m;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function fieldValue(m: Record<string, unknown>, s: FieldObject): unknown {
  if (s.const !== undefined) return s.const;
  const v = pathValue(m, s.column!);
  if (s.values && typeof v === 'string' && v in s.values) return s.values[v];
  return v;
}

function describe(s: FieldObject): string {
  return s.column ?? 'const';
}

function idText(m: Record<string, unknown>, s: FieldObject, field: string): string | MapResult {
  const raw = fieldValue(m, s);
  if (raw === undefined || raw === null || raw === '') return bad(`${describe(s)} (${field}) is empty`);
  if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) return bad(`${describe(s)} (${field}) must be a string`);
  const v = (s.prefix ?? '') + String(raw);
  return checkId(v, field) ?? v;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s?(Z|[+-]\d{2}:?\d{2})?$/;
const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

/** Strict timestamps: ISO 8601 (calendar-checked, offset converted to UTC), epoch seconds/ms, yyyymmdd; years 1900–2999. */
export function parseTs(raw: unknown, format: string): Date | null {
  let d: Date;
  if (format === 'epoch_s' || format === 'epoch_ms') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n)) return null;
    d = new Date(format === 'epoch_s' ? n * 1000 : n);
  } else if (format === 'yyyymmdd') {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(raw));
    if (!m) return null;
    d = calendar(+m[1], +m[2], +m[3], 0, 0, 0, 0);
    if (Number.isNaN(d.getTime())) return null;
  } else {
    if (typeof raw !== 'string' || raw.length > 40) return null;
    const m = ISO.exec(raw.trim());
    if (!m) return null;
    const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    d = calendar(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
    if (Number.isNaN(d.getTime())) return null;
    if (m[8] && m[8] !== 'Z') {
      const off = /^([+-])(\d{2}):?(\d{2})$/.exec(m[8])!;
      const minutes = (+off[2] * 60 + +off[3]) * (off[1] === '-' ? -1 : 1);
      if (+off[2] > 23 || +off[3] > 59) return null;
      d = new Date(d.getTime() - minutes * 60_000);
    }
  }
  const y = d.getUTCFullYear();
  if (Number.isNaN(d.getTime()) || y < MIN_YEAR || y > MAX_YEAR) return null;
  return d;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A UTC date from its parts, or an invalid date when a part is out of range (no rolling over like Date.UTC). */
function calendar(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const days = mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1];
  if (days === undefined || d < 1 || d > days || h > 23 || mi > 59 || s > 59) return new Date(NaN);
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  // Date.UTC reads years 0-99 as 1900-1999.
  if (y < 100) t.setUTCFullYear(y);
  return t;
}

function tsLabel(format: string): string {
  return format === 'iso' ? 'an ISO 8601 date' : format === 'yyyymmdd' ? 'a yyyymmdd date' : format === 'epoch_s' ? 'epoch seconds' : 'epoch milliseconds';
}
