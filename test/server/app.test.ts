/**
 * The app without a socket (`app.request`): every keyed route in the OpenAPI document refused
 * without a key, with a wrong key, with another workspace's key and with a key of the wrong role;
 * Segment ingest semantics (per-event rejects, dedup on messageId, limits, gzip, a workspace
 * mapping, revocation); and no key in the log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApp } from '../../src/server/app.js';
import { ServerContext } from '../../src/server/context.js';
import { KeyStore } from '../../src/server/keys.js';
import { scratchDir } from '../helpers/paths.js';
import { basic, makeKey, track } from './helpers.js';

const scratch = scratchDir('spiral-app-');
const logLines: string[] = [];
let ctx: ServerContext;
let app: ReturnType<typeof createApp>;
const k: Record<string, string> = {};

before(async () => {
  for (const [ws, role] of [['acme', 'write'], ['acme', 'read'], ['acme', 'admin'], ['beta', 'write'], ['beta', 'read'], ['beta', 'admin']] as const) {
    k[`${ws}.${role}`] = await makeKey(scratch.dir, ws, role);
  }
  // beta reads its events through a workspace mapping (the file mapping format).
  writeFileSync(join(scratch.dir, 'beta.mapping.json'), JSON.stringify({
    name: 'beta-http',
    fields: {
      customer_id: { column: 'userId', prefix: 'b:' },
      ts: 'timestamp',
      type: { column: 'event', values: { 'Checkout Done': 'purchase' } },
      amount: 'properties.order_total',
    },
    props: ['coupon'],
  }));
  ctx = new ServerContext({ dataDir: scratch.dir, log: (l) => logLines.push(l), limits: { maxEventBytes: 2048, maxBatchBytes: 16 * 1024 } });
  await ctx.openAll();
  app = createApp(ctx);
});
after(async () => {
  await ctx.close();
  scratch.cleanup();
});

const post = async (path: string, body: unknown, key?: string, headers: Record<string, string> = {}): Promise<Response> =>
  app.request(path, {
    method: 'POST',
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(key ? { authorization: basic(key) } : {}), ...headers },
  });
const get = async (path: string, key?: string, headers: Record<string, string> = {}): Promise<Response> =>
  app.request(path, { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

async function events(ws: string) {
  const w = await ctx.workspace(ws);
  return w.query.query<{ event_id: string; customer_id: string; type: string; amount: number | null; props: string | null }>(
    'SELECT event_id, customer_id, type, amount, CAST(props AS VARCHAR) AS props FROM events ORDER BY event_id',
  );
}

describe('auth: every keyed route of the OpenAPI document', () => {
  test('no key → 401, wrong key → 401, other workspace → 403, wrong role → 403', async () => {
    const doc = (await (await get('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    const keyed = routes.filter((r) => r.op.security === undefined || r.op.security.length > 0);
    const open = routes.filter((r) => r.op.security !== undefined && r.op.security.length === 0).map((r) => r.path);
    assert.deepEqual(open, ['/v1/health'], 'only the health check is open');
    assert.ok(keyed.length >= 10, `expected every route in the document, got ${keyed.length}`);
    const id = k['acme.admin'].slice(4, 20);
    const secret = k['acme.admin'].slice(21);
    const wrongKeys = [
      `spk_${id}_${secret.slice(0, -2)}xx`, // right id, wrong secret: pays the KDF and fails
      'spk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'not-a-key',
    ];
    let checked = 0;
    for (const { path, method } of keyed) {
      const url = path.replace(/\{[^}]+\}/g, 'c1');
      const send = (key: string | undefined, headers: Record<string, string> = {}, query = '') =>
        app.request(url + query, { method: method.toUpperCase(), body: method === 'post' ? '{"batch":[]}' : undefined, headers: { ...(key ? { authorization: basic(key) } : {}), ...headers } });
      const expect = async (key: string | undefined, status: number, what: string, headers: Record<string, string> = {}, query = '') => {
        const r = await send(key, headers, query);
        const text = await r.text();
        assert.equal(r.status, status, `${method.toUpperCase()} ${path} ${what}: ${r.status} ${text}`);
        assert.ok(!text.includes('beta') || what !== 'other workspace', 'no data of another workspace');
        checked++;
      };
      await expect(undefined, 401, 'no key');
      for (const wk of wrongKeys) await expect(wk, 401, 'wrong key');
      await expect(undefined, 401, 'Bearer without a key', { authorization: 'Bearer ' });
      const ingestRoute = path === '/v1/batch' || path === '/v1/track';
      const adminRoute = method === 'post' && !ingestRoute;
      const rightRole = ingestRoute ? 'write' : adminRoute ? 'admin' : 'read';
      await expect(k[`beta.${rightRole}`], 403, 'other workspace', { 'x-spiral-workspace': 'acme' });
      await expect(k[`beta.${rightRole}`], 403, 'other workspace (query parameter)', {}, '?workspace=acme');
      const wrongRoles = ingestRoute ? ['read'] : adminRoute ? ['read', 'write'] : ['write'];
      for (const role of wrongRoles) await expect(k[`acme.${role}`], 403, `role ${role}`);
    }
    assert.ok(checked >= keyed.length * 8);
  });

  test("a key sees only its own workspace's customers", async () => {
    assert.equal((await post('/v1/track', track('only-acme-1', 'acme-customer', 'Product Viewed', '2024-01-02T00:00:00Z'), k['acme.write'])).status, 200);
    assert.equal((await get('/v1/customers/acme-customer', k['acme.read'])).status, 200);
    const r = await get('/v1/customers/acme-customer', k['beta.read']);
    assert.equal(r.status, 404);
    assert.ok(!(await r.text()).includes('only-acme-1'));
  });

  test('a revoked key is refused at once', async () => {
    const key = await makeKey(scratch.dir, 'acme', 'read');
    assert.equal((await get('/v1/segments', key)).status, 409);
    new KeyStore(scratch.dir).revoke(key.split('_')[1]);
    assert.equal((await get('/v1/segments', key)).status, 401);
  });
});

describe('ingest', () => {
  test('a batch with bad events stores the good ones and names each bad one by index', async () => {
    const batch = [
      track('m-1', 'u1', 'Order Completed', '2024-03-01T10:00:00Z', { revenue: 12.5, product_id: 'p9', coupon: 'X' }),
      { event: 'Product Viewed', messageId: 'm-2' }, // no user
      track('m-3', 'u2', 'Product Added', '2024-02-30T00:00:00Z'), // no such date
      track('m-4', 'u2', 'Warp Drive Engaged', '2024-03-01T00:00:00Z'),
      track('m-5', 'u3', 'Order Refunded', '2024-03-02T10:00:00+02:00', { total: '7.25' }),
      track('m-6', 'u3', 'Order Completed', '2024-03-02T10:00:00Z', { revenue: 'lots' }),
      { type: 'identify', userId: 'u4', traits: {} },
      'not an object',
      { ...track('m-9', 'u5', 'purchase', '2024-03-03T00:00:00Z'), somethingNew: { deep: [1, 2] } },
    ];
    const r = await post('/v1/batch', { batch }, k['acme.write']);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { accepted: number; duplicates: number; rejects: { index: number; reason: string }[] };
    assert.equal(body.accepted, 3);
    assert.deepEqual(body.rejects.map((x) => x.index), [1, 2, 3, 5, 6, 7]);
    assert.match(body.rejects[0].reason, /userId or anonymousId/);
    assert.match(body.rejects[1].reason, /2024-02-30.*not an ISO 8601 date/);
    assert.match(body.rejects[2].reason, /Warp Drive Engaged.*not an event type/);
    assert.match(body.rejects[3].reason, /revenue "lots" is not a number/);
    assert.match(body.rejects[4].reason, /identify/);
    const stored = (await events('acme')).filter((e) => e.event_id.startsWith('m-'));
    assert.deepEqual(stored.map((e) => [e.event_id, e.customer_id, e.type, e.amount]), [
      ['m-1', 'u1', 'purchase', 12.5], ['m-5', 'u3', 'return', 7.25], ['m-9', 'u5', 'purchase', null],
    ]);
    assert.deepEqual(JSON.parse(stored[0].props!), { coupon: 'X' });
    // Re-sending stores nothing new.
    const again = (await (await post('/v1/batch', { batch }, k['acme.write'])).json()) as { accepted: number; duplicates: number };
    assert.deepEqual([again.accepted, again.duplicates], [0, 3]);
    assert.equal((await events('acme')).filter((e) => e.event_id.startsWith('m-')).length, 3);
  });

  test('the same messageId twice in one batch, or in concurrent batches, is stored once', async () => {
    const m = track('dup-1', 'u9', 'Product Viewed', '2024-04-01T00:00:00Z');
    const r = (await (await post('/v1/batch', { batch: [m, m] }, k['acme.write'])).json()) as { accepted: number; duplicates: number };
    assert.deepEqual([r.accepted, r.duplicates], [1, 1]);
    const ms = Array.from({ length: 30 }, (_, i) => track(`dupc-${i % 10}`, 'u9', 'Product Viewed', '2024-04-01T00:00:00Z'));
    const rs = await Promise.all(ms.map((x) => post('/v1/batch', { batch: [x] }, k['acme.write']).then((res) => res.json() as Promise<{ accepted: number }>)));
    assert.equal(rs.reduce((s, x) => s + x.accepted, 0), 10);
    assert.equal((await events('acme')).filter((e) => e.event_id.startsWith('dupc-')).length, 10);
  });

  test('limits and malformed bodies: 413, 400, never 500', async () => {
    const big = { batch: Array.from({ length: 40 }, (_, i) => track(`big-${i}`, 'u', 'Product Viewed', '2024-01-01T00:00:00Z', { pad: 'x'.repeat(500) })) };
    assert.equal((await post('/v1/batch', big, k['acme.write'])).status, 413);
    const oneHuge = { batch: [track('h-1', 'u', 'Product Viewed', '2024-01-01T00:00:00Z', { pad: 'x'.repeat(3000) }), track('h-2', 'u', 'Product Viewed', '2024-01-01T00:00:00Z')] };
    const r = (await (await post('/v1/batch', oneHuge, k['acme.write'])).json()) as { accepted: number; rejects: { index: number; reason: string }[] };
    assert.equal(r.accepted, 1);
    assert.equal(r.rejects[0].index, 0);
    assert.match(r.rejects[0].reason, /over the 2,048-byte limit/);
    assert.equal((await post('/v1/batch', '{"batch": [', k['acme.write'])).status, 400);
    assert.equal((await post('/v1/batch', '[1,2]', k['acme.write'])).status, 400);
    assert.equal((await post('/v1/track', { userId: 'u', event: 'Product Viewed', pad: 'y'.repeat(4000) }, k['acme.write'])).status, 413);
    const allBad = await post('/v1/batch', { batch: [{ event: 3 }] }, k['acme.write']);
    assert.equal(allBad.status, 400);
    const zipped = gzipSync(JSON.stringify({ batch: [track('gz-1', 'u', 'Product Viewed', '2024-01-01T00:00:00Z')] }));
    const z = await post('/v1/batch', new Uint8Array(zipped), k['acme.write'], { 'content-encoding': 'gzip' });
    assert.equal(z.status, 200);
    const bomb = gzipSync(Buffer.alloc(5_000_000, 32));
    assert.equal((await post('/v1/batch', new Uint8Array(bomb), k['acme.write'], { 'content-encoding': 'gzip' })).status, 413);
  });

  test("a workspace mapping changes the defaults (beta: prefix, a custom event name, another amount property)", async () => {
    const batch = [
      { ...track('b-1', 'u1', 'Checkout Done', '2024-05-01T00:00:00Z', { order_total: 30, revenue: 99, coupon: 'Z', other: 1 }) },
      track('b-2', 'u1', 'Product Viewed', '2024-05-01T00:00:00Z'),
    ];
    const r = (await (await post('/v1/batch', { batch }, k['beta.write'])).json()) as { accepted: number };
    assert.equal(r.accepted, 2);
    const rows = await events('beta');
    assert.deepEqual(rows.map((e) => [e.event_id, e.customer_id, e.type, e.amount, e.props ? JSON.parse(e.props) : null]), [
      ['b-1', 'b:u1', 'purchase', 30, { coupon: 'Z' }],
      ['b-2', 'b:u1', 'view', null, null],
    ]);
  });

  test('the key never reaches the log', () => {
    const log = logLines.join('\n');
    assert.ok(logLines.length > 50);
    for (const key of Object.values(k)) {
      assert.ok(!log.includes(key), 'a key is in the log');
      assert.ok(!log.includes(key.slice(21)), "a key's secret is in the log");
    }
  });
});
