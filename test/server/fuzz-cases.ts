/**
 * A seeded generator of malformed and hostile requests for the service, each with what a correct
 * service must answer: the status, and for batches which indices are bad and which event ids are good.
 */
import assert from 'node:assert/strict';
import { randomInt, type Rng } from '../../src/models/numeric/random.js';
import { track } from './helpers.js';

export interface FuzzCase {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Acceptable statuses. */
  statuses: number[];
  /** For batches: indices that must be reported bad, and ids that must end up stored. */
  badIndices?: number[];
  goodIds?: string[];
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[randomInt(rng, xs.length)];

const HOSTILE_IDS = [
  "x'); DROP TABLE events; --", '../../../../etc/passwd', '..\\..\\windows\\system32', '%2e%2e%2fkeys.json', 'keys.json',
  'Robert"); DELETE FROM events WHERE (1=1', '<script>alert(1)</script>', '$(rm -rf /)', 'ünïcødé-顧客-🙂', ' leading space', 'a'.repeat(256),
];
const EVENTS = ['Order Completed', 'Product Viewed', 'Products Searched', 'Product Added', 'Product Shared', 'Product Reviewed', 'Signed Up', 'purchase', 'view', 'share'];
const BAD_TS = ['2024-13-01T00:00:00Z', '2024-02-30', 'yesterday', '', '2024-01-01T25:00:00Z', '99999-01-01', '1800-01-01T00:00:00Z', '2024-01-01T00:00:00+25:00', 'NaN'];

/** One good event (hostile-looking but valid) with a unique id. */
function goodEvent(rng: Rng, id: string): Record<string, unknown> {
  const e: Record<string, unknown> = track(id, pick(rng, [...HOSTILE_IDS, 'c1', 'c2', 42 as unknown as string]), pick(rng, EVENTS), pick(rng, ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.123+05:30', '2023-12-31 23:59:59', '2024-02-29']));
  const props: Record<string, unknown> = { revenue: pick(rng, [1, 0, -5.5, 1e9, '12.50', null]), product_id: pick(rng, ['p1', "'; --", '../x']) };
  if (randomInt(rng, 3) === 0) props.nested = { a: [1, { b: 'c' }], s: 'x'.repeat(randomInt(rng, 2000)) };
  if (randomInt(rng, 3) === 0) e.unknownField = { whatever: [1, 2, 3] };
  if (randomInt(rng, 4) === 0) e.context = { ip: '1.2.3.4', library: { name: 'fuzz' } };
  e.properties = props;
  return e;
}

/** One bad event and the reason class. */
function badEvent(rng: Rng, id: string): Record<string, unknown> | unknown {
  const base = track(id, 'u1', 'Product Viewed', '2024-03-01T00:00:00Z') as Record<string, unknown>;
  switch (randomInt(rng, 14)) {
    case 0: { const { userId: _u, ...rest } = base; return rest; }
    case 1: return { ...base, timestamp: pick(rng, BAD_TS) || 'bad' };
    case 2: return { ...base, event: pick(rng, [3, null, true, ['a'], { x: 1 }]) ?? 7 };
    case 3: return { ...base, event: `Unknown Thing ${randomInt(rng, 1000)}` };
    case 4: return { ...base, properties: pick(rng, [[1, 2], 'str', 5]) };
    case 5: return { ...base, properties: { revenue: pick(rng, ['abc', '1,000', {}, [], true, '']) || 'x' } };
    case 6: return { ...base, messageId: pick(rng, [{ a: 1 }, 5, ['x'], true]) };
    case 7: return { ...base, userId: pick(rng, [{}, [], true]) };
    case 8: return { ...base, properties: { big: 'y'.repeat(33 * 1024) } };
    case 9: return { ...base, properties: { bad: 'lone \ud800 surrogate' } };
    case 10: return { ...base, type: pick(rng, ['identify', 'group', 'alias', 7]) };
    case 11: return pick(rng, [null, 5, 'string', [1, 2], true]);
    case 12: return { ...base, userId: 'a'.repeat(300) };
    default: return { ...base, properties: { quantity: 'many' } };
  }
}

export function fuzzCase(rng: Rng, n: number, auth: string): FuzzCase {
  const h = { authorization: auth, 'content-type': 'application/json' };
  const r = randomInt(rng, 20);
  if (r < 2) {
    const bodies = ['{"batch": [', '{batch: []}', 'null', '', '\u0000\u0001', '{"batch": [}', '{"batch":[{"a":1}]', 'tru', '{"a":1}{"b":2}', '\ud800'];
    const body = pick(rng, bodies);
    return { kind: 'bad-json', method: 'POST', path: pick(rng, ['/v1/batch', '/v1/track']), body, headers: h, statuses: [400] };
  }
  if (r < 3) {
    const body = pick(rng, ['[]', '{"batch": {}}', '{"batch": "x"}', '42', '"str"', '{"nobatch": []}']);
    return { kind: 'bad-envelope', method: 'POST', path: '/v1/batch', body, headers: h, statuses: [400] };
  }
  if (r < 4) {
    const pad = 'z'.repeat(520 * 1024 + randomInt(rng, 1024));
    return { kind: 'huge-body', method: 'POST', path: '/v1/batch', body: JSON.stringify({ batch: [{ pad }] }), headers: h, statuses: [413] };
  }
  if (r < 5) {
    const id = encodeURIComponent(pick(rng, HOSTILE_IDS));
    const path = pick(rng, [`/v1/customers/${id}`, `/v1/recommendations/${id}`, `/v1/jobs/${id}`, `/v1/customers/..%2F..%2Fkeys.json`, `/v1/customers/${'%ff'.repeat(3)}`, '/v1/actions?limit=-1', '/v1/actions?limit=abc&offset=1e99', `/v1/actions?experience=${id}`, '/v1/../keys.json', '/../../etc/passwd', '/v1/customers/x?workspace=../../etc']);
    return { kind: 'hostile-get', method: 'GET', path, headers: { authorization: auth }, statuses: [200, 400, 403, 404, 409] };
  }
  if (r < 6) {
    const authz = pick(rng, ['Basic', 'Basic !!!', `Basic ${Buffer.from(':').toString('base64')}`, 'Bearer', 'Bearer spk_zz', 'Digest x', `Basic ${'A'.repeat(5000)}`, 'Bearer ' + 'x'.repeat(10000)]);
    return { kind: 'bad-auth', method: 'POST', path: '/v1/batch', body: '{"batch":[]}', headers: { authorization: authz }, statuses: [401] };
  }
  if (r < 8) {
    const good = randomInt(rng, 2) === 0;
    const e = good ? goodEvent(rng, `f${n}-0`) : badEvent(rng, `f${n}-0`);
    const size = Buffer.byteLength(JSON.stringify(e) ?? '');
    if (size > 32 * 1024) return { kind: 'track-huge', method: 'POST', path: '/v1/track', body: JSON.stringify(e), headers: h, statuses: [413] };
    // A non-object body to /v1/track is one bad event.
    return { kind: 'track', method: 'POST', path: '/v1/track', body: JSON.stringify(e), headers: h, statuses: good ? [200] : [400], badIndices: good ? [] : [0], goodIds: good ? [`f${n}-0`] : [] };
  }
  const size = 1 + randomInt(rng, 30);
  const batch: unknown[] = [];
  const badIndices: number[] = [];
  const goodIds: string[] = [];
  for (let i = 0; i < size; i++) {
    const id = `f${n}-${i}`;
    if (randomInt(rng, 3) === 0) {
      batch.push(badEvent(rng, id));
      badIndices.push(i);
    } else {
      batch.push(goodEvent(rng, id));
      goodIds.push(id);
    }
  }
  return {
    kind: 'batch', method: 'POST', path: '/v1/batch', body: JSON.stringify({ batch, unknownTopLevel: [1] }), headers: h,
    statuses: goodIds.length ? [200] : [400], badIndices, goodIds,
  };
}

/** Sends one case and checks the answer: never 500, an expected status, the bad indices and the good count. */
export async function checkCase(send: (c: FuzzCase) => Promise<Response>, c: FuzzCase, n: number): Promise<void> {
  const r = await send(c);
  const text = await r.text();
  assert.notEqual(r.status, 500, `request ${n} (${c.kind} ${c.path}) got 500: ${text.slice(0, 300)}`);
  assert.ok(c.statuses.includes(r.status), `request ${n} (${c.kind} ${c.method} ${c.path}): status ${r.status}, expected ${c.statuses.join('|')}: ${text.slice(0, 300)}`);
  if (c.badIndices && (r.status === 200 || (r.status === 400 && c.badIndices.length))) {
    const body = JSON.parse(text) as { rejects: { index: number; reason: string }[]; accepted: number; duplicates: number };
    assert.deepEqual(body.rejects.map((x) => x.index), c.badIndices, `request ${n}: reported bad indices`);
    for (const x of body.rejects) assert.ok(x.reason.length > 5, `request ${n}: index ${x.index} has no reason`);
    assert.equal(body.accepted + body.duplicates, c.goodIds!.length, `request ${n}: good events counted`);
  }
}
