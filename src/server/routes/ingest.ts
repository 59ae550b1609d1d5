/**
 * POST /v1/track and POST /v1/batch: Segment's HTTP tracking API. The answer comes after the
 * events are committed (group commit, ../ingest/queue.ts). Bad messages are reported with their
 * index and reason while the good ones are stored; a body over the limit is 413, bad JSON 400.
 */
import { gunzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { requireKey } from '../auth.js';
import type { AppEnv } from '../context.js';
import { ApiError } from '../errors.js';
import { QueueClosedError } from '../ingest/queue.js';
import { SegmentMessageSchema, type CanonicalRow } from '../ingest/segment.js';
import { BatchBodySchema, ErrorSchema, IngestResponseSchema } from '../schemas.js';
import { SECURITY } from './security.js';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Reads the body, refusing (413) more than `max` bytes before or after gunzip, without buffering past the limit. */
async function readBody(c: Context<AppEnv>, max: number): Promise<Buffer> {
  const declared = Number(c.req.header('content-length'));
  const tooLarge = () => new ApiError(413, 'too_large', `the body is larger than ${fmt(max)} bytes (the limit per request)`);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const body = c.req.raw.body;
  const chunks: Uint8Array[] = [];
  let n = 0;
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.byteLength;
      if (n > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let buf = Buffer.concat(chunks);
  const encoding = (c.req.header('content-encoding') ?? '').toLowerCase();
  if (encoding === 'gzip') {
    try {
      buf = gunzipSync(buf, { maxOutputLength: max });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw new ApiError(400, 'bad_request', 'the body is not valid gzip');
    }
  } else if (encoding && encoding !== 'identity') {
    throw new ApiError(415 as 400, 'bad_request', `content-encoding ${encoding.slice(0, 20)} is not supported (use gzip or none)`);
  }
  return buf;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new ApiError(400, 'bad_json', `the body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

const BATCH_KEY = [...Buffer.from('batch')];
const isWs = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * The size in bytes, as sent, of each element of the top-level `batch` array of a body that
 * JSON.parse accepted; null when the body is not shaped so (then the caller measures each message
 * itself). One pass over the bytes: structural characters are ASCII and never occur inside a
 * UTF-8 sequence, so strings only need their quotes and backslashes tracked. A repeated `batch`
 * key counts its last array, as JSON.parse keeps the last value.
 */
export function batchElementBytes(body: Uint8Array): number[] | null {
  let depth = 0;
  let expectKey = false;
  let keyIsBatch = false;
  let inBatch = false;
  let sizes: number[] | null = null;
  let current: number[] = [];
  let start = -1;
  let last = -1;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (isWs(b)) continue;
    const atElement = inBatch && depth === 2;
    if (atElement && (b === 0x2c || b === 0x5d)) {
      if (start >= 0) current.push(last + 1 - start);
      start = -1;
      if (b === 0x5d) {
        sizes = current;
        inBatch = false;
        depth--;
      }
      last = i;
      continue;
    }
    if (atElement && start < 0) start = i;
    if (b === 0x22) {
      // The closing quote: the next one not escaped by a backslash.
      let j = i + 1;
      for (let c = body[j]; c !== 0x22; c = body[j]) {
        j += c === 0x5c ? 2 : 1;
        if (j >= body.length) return null;
      }
      if (depth === 1 && expectKey) {
        keyIsBatch = j - i - 1 === BATCH_KEY.length && BATCH_KEY.every((x, n) => body[i + 1 + n] === x);
        expectKey = false;
      }
      i = j;
    } else if (b === 0x7b) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (b === 0x5b) {
      depth++;
      if (depth === 1) return null; // a top-level array is not a batch envelope
      if (depth === 2 && keyIsBatch) {
        inBatch = true;
        current = [];
        start = -1;
      }
    } else if (b === 0x7d || b === 0x5d) depth--;
    else if (b === 0x2c && depth === 1) expectKey = true;
    last = i;
  }
  return sizes;
}

/**
 * Maps each message, stores the good ones, and answers with counts and each bad message's index and reason.
 * @param sizes each message's size in bytes as sent (see batchElementBytes), when known; else it is measured as its JSON
 */
async function ingest(c: Context<AppEnv>, messages: unknown[], bodyIsOneEvent: boolean, sizes: number[] | null = null) {
  const ctx = c.get('ctx');
  const { workspace } = c.get('principal');
  const w = await ctx.workspace(workspace);
  const now = new Date();
  const rows: CanonicalRow[] = [];
  const rejects: { index: number; reason: string }[] = [];
  const max = ctx.limits.maxEventBytes;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    // /v1/track's body limit is already the event limit.
    const size = bodyIsOneEvent ? 0 : sizes ? sizes[i] : Buffer.byteLength(JSON.stringify(m) ?? '');
    if (size > max) {
      rejects.push({ index: i, reason: `the event is ${fmt(size)} bytes, over the ${fmt(max)}-byte limit per event` });
      continue;
    }
    const r = w.mapper(m, now);
    if (r.ok) rows.push(r.row);
    else rejects.push({ index: i, reason: r.reason });
  }
  let accepted: number;
  try {
    accepted = await w.queue.submit(rows);
  } catch (e) {
    if (e instanceof QueueClosedError) throw new ApiError(503, 'unavailable', 'the service is shutting down: send the events again later');
    ctx.log(`ingest ${workspace}: the store refused a batch of ${rows.length} events: ${(e as Error).message.split('\n')[0]}`);
    throw new ApiError(503, 'unavailable', 'the store could not commit the events: send them again later');
  }
  const status = rows.length === 0 && rejects.length > 0 ? 400 : 200;
  return c.json(
    { success: rejects.length === 0, accepted, duplicates: rows.length - accepted, rejected: rejects.length, rejects },
    status,
  );
}

const ingestResponses = {
  200: { description: 'committed: the good events are stored (or were already); bad ones are listed in `rejects`', content: { 'application/json': { schema: IngestResponseSchema } } },
  400: { description: 'bad JSON, not the Segment shape, or every message bad (see `rejects`)', content: { 'application/json': { schema: IngestResponseSchema.or(ErrorSchema) } } },
  401: { description: 'no valid key', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'the key may not ingest (a read key) or names another workspace', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'the body is over the limit (500 KB per batch, 32 KB per event by default)', content: { 'application/json': { schema: ErrorSchema } } },
  503: { description: 'shutting down or the store is unavailable: retry', content: { 'application/json': { schema: ErrorSchema } } },
};

export function registerIngestRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/batch', tags: ['ingest'], security: SECURITY,
    summary: 'Send a batch of events (Segment batch shape); answered after they are committed',
    request: { body: { required: true, content: { 'application/json': { schema: BatchBodySchema } } } },
    responses: ingestResponses,
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/track', tags: ['ingest'], security: SECURITY,
    summary: 'Send one event (Segment track shape); answered after it is committed',
    request: { body: { required: true, content: { 'application/json': { schema: SegmentMessageSchema } } } },
    responses: ingestResponses,
  });

  app.post('/v1/batch', requireKey('ingest'), async (c) => {
    const raw = await readBody(c, c.get('ctx').limits.maxBatchBytes);
    const body = parseJson(raw);
    const batch = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { batch?: unknown }).batch : undefined;
    if (!Array.isArray(batch)) throw new ApiError(400, 'bad_request', 'the body must be a JSON object {"batch": [ …messages ]}');
    // Each message's size as sent, from the body's bytes: no message is serialised again to measure it.
    const sizes = batchElementBytes(raw);
    return ingest(c, batch, false, sizes === null || sizes.length !== batch.length ? null : sizes);
  });

  app.post('/v1/track', requireKey('ingest'), async (c) => {
    const limits = c.get('ctx').limits;
    const body = parseJson(await readBody(c, Math.min(limits.maxEventBytes, limits.maxBatchBytes)));
    const msg = body !== null && typeof body === 'object' && !Array.isArray(body) ? { type: 'track', ...body } : body;
    return ingest(c, [msg], true);
  });
}
