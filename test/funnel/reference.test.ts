/**
 * The funnel's per-customer SQL against references on a small random log with many ties (times on
 * a coarse grid, so steps of different types often share an instant): the journeys against a
 * brute-force JS walk over each customer's sorted events, and the touch paths, the ordered funnel,
 * loyalty and the phases against the first, window-based SQL the faster queries replaced.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFunnel } from '../../src/funnel/index.js';
import type { FunnelSection } from '../../src/domain/sections/funnel.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';

interface Ev { id: string; customer: string; ts: number; type: string; item: string | null; peer: string | null }

/** mulberry32: a seeded PRNG so the log is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES = ['view', 'view', 'view', 'search', 'cart', 'save', 'purchase', 'purchase', 'review', 'share', 'referral', 'exposure', 'follow', 'support', 'return', 'mention'];
const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

function randomLog(customers: number, events: number, seed: number): Ev[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: Ev[] = [];
  for (let i = 0; i < events; i++) {
    const customer = `c${Math.floor(r() * customers)}`;
    const type = pick(TYPES);
    // 12-hour grid over 90 days: many same-instant steps per customer
    const ts = T0 + Math.floor(r() * 180) * 12 * HOUR;
    const peer = type === 'share' || type === 'referral' || type === 'follow' ? `c${Math.floor(r() * (customers + 20))}` : null;
    const item = ['view', 'cart', 'save', 'purchase', 'review', 'share', 'return'].includes(type) && r() < 0.95 ? `i${Math.floor(r() * 8)}` : null;
    out.push({ id: `e${i}`, customer, ts, type, item, peer });
  }
  return out;
}

let store: DuckDbStore;
let log: Ev[];
let f: FunnelSection;

const sqlStr = (v: string | null): string => (v === null ? 'NULL' : `'${v}'`);

before(async () => {
  store = await DuckDbStore.open(':memory:');
  log = randomLog(150, 3000, 7);
  const values = log.map((e) => `(${sqlStr(e.id)}, ${sqlStr(e.customer)}, TIMESTAMP '${new Date(e.ts).toISOString().replace('T', ' ').slice(0, 19)}', ${sqlStr(e.type)}, ${sqlStr(e.item)}, ${sqlStr(e.peer)}, 'web')`);
  await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, peer_id, channel) VALUES ${values.join(', ')}`);
  const r = await analyzeFunnel(store, { keepTables: true });
  assert.ok('stages' in r);
  f = r;
});

after(async () => {
  await store?.close();
});

/** Each customer's own steps sorted (ts, purchase first, event_id), repeats dropped per phase, split at the first purchase. */
function bruteJourneys(events: readonly Ev[]): Map<string, { pre: string[]; post: string[] | null }> {
  const by = new Map<string, Ev[]>();
  for (const e of events) {
    if (e.type === 'follow' || e.type === 'exposure') continue;
    by.set(e.customer, [...(by.get(e.customer) ?? []), e]);
  }
  const out = new Map<string, { pre: string[]; post: string[] | null }>();
  for (const [c, es] of by) {
    es.sort((a, b) => a.ts - b.ts || Number(a.type !== 'purchase') - Number(b.type !== 'purchase') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const first = es.find((e) => e.type === 'purchase')?.ts ?? null;
    const collapse = (xs: Ev[]): string[] => xs.map((e) => e.type).filter((t, i, a) => i === 0 || a[i - 1] !== t);
    out.set(c, {
      pre: collapse(es.filter((e) => first === null || e.ts < first)),
      post: first === null ? null : collapse(es.filter((e) => e.ts >= first)),
    });
  }
  return out;
}

test('the log has the ties this test is about: different steps of one customer at the same instant', () => {
  const seen = new Map<string, Set<string>>();
  let ties = 0;
  for (const e of log) {
    const k = `${e.customer}@${e.ts}`;
    const s = seen.get(k) ?? new Set<string>();
    if (s.size > 0 && !s.has(e.type)) ties++;
    s.add(e.type);
    seen.set(k, s);
  }
  assert.ok(ties > 50, `only ${ties} ties`);
});

test('journeys equal a brute-force walk over each customer\'s sorted events', async () => {
  const rows = await store.query<{ customer_id: string; pre: string[]; post: string[] | null }>('SELECT customer_id, pre, post FROM funnel_journeys');
  const want = bruteJourneys(log);
  assert.equal(rows.length, want.size);
  for (const r of rows) assert.deepEqual({ pre: r.pre, post: r.post }, want.get(r.customer_id), r.customer_id);
});

test('touch path cells equal the window-based SQL (lag, row_number, ordered string_agg)', async () => {
  const L = 30;
  const ref = await store.query(`
WITH b AS (
  SELECT customer_id, d4 IS NOT NULL AS converted, coalesce(d4, last_seen, first_peer) AS decision
  FROM funnel_customers WHERE e1 IS NOT NULL),
act AS (
  SELECT e.customer_id, count(*) AS a FROM events e JOIN b ON b.customer_id = e.customer_id
  WHERE e.type IN ('view', 'search') AND (e.ts < b.decision OR (NOT b.converted AND e.ts <= b.decision))
  GROUP BY e.customer_id),
tw AS (
  SELECT t.customer_id, t.ts, t.kind FROM funnel_touches t JOIN b ON b.customer_id = t.customer_id
  WHERE t.ts >= b.decision - to_days(${L}) AND (t.ts < b.decision OR (NOT b.converted AND t.ts <= b.decision + to_days(${L})))),
col AS (SELECT customer_id, ts, kind, lag(kind) OVER (PARTITION BY customer_id ORDER BY ts, kind) AS prev FROM tw),
kept AS (
  SELECT customer_id, ts, kind, row_number() OVER (PARTITION BY customer_id ORDER BY ts DESC, kind DESC) AS back
  FROM col WHERE prev IS NULL OR prev <> kind),
p AS (SELECT customer_id, string_agg(kind, '>' ORDER BY ts, kind) AS path FROM kept WHERE back <= 4 GROUP BY customer_id)
SELECT CASE WHEN a < 5 THEN CAST(a AS VARCHAR) WHEN a < 10 THEN '5-9' WHEN a < 20 THEN '10-19' ELSE '20+' END AS stratum,
  path, count(*) AS customers, count(*) FILTER (WHERE converted) AS conversions
FROM (SELECT coalesce(x.a, 0) AS a, coalesce(p.path, '') AS path, b.converted
      FROM b LEFT JOIN act x ON x.customer_id = b.customer_id LEFT JOIN p ON p.customer_id = b.customer_id)
GROUP BY ALL`);
  const key = (r: { path: string }): string => r.path;
  const byPath = new Map<string, { customers: number; conversions: number }>();
  for (const r of ref) {
    const p = byPath.get(String(r.path)) ?? { customers: 0, conversions: 0 };
    p.customers += Number(r.customers);
    p.conversions += Number(r.conversions);
    byPath.set(String(r.path), p);
  }
  assert.ok([...byPath.keys()].some((p) => p.split('>').length >= 3), 'some paths alternate peer and firm');
  const got = f.attribution.paths.map((p) => [key(p), p.customers, p.conversions]);
  const want = [...byPath.entries()].map(([path, v]) => [path, v.customers, v.conversions]);
  for (const g of got) assert.deepEqual(g, want.find((w) => w[0] === g[0]));
  assert.equal(f.attribution.customers, ref.reduce((a, r) => a + Number(r.customers), 0));
});

test('ordered funnel, loyalty and phases equal the join-per-quantity SQL', async () => {
  const [s] = await store.query(`
WITH v AS (SELECT customer_id, min(ts) AS s1 FROM events WHERE type = 'view' GROUP BY customer_id),
sc AS (SELECT e.customer_id, min(e.ts) AS s2 FROM events e JOIN v ON v.customer_id = e.customer_id
       WHERE e.type IN ('save', 'cart') AND e.ts >= v.s1 GROUP BY e.customer_id),
p AS (SELECT e.customer_id FROM events e JOIN sc ON sc.customer_id = e.customer_id
      WHERE e.type = 'purchase' AND e.ts >= sc.s2 GROUP BY e.customer_id)
SELECT (SELECT count(*) FROM v) AS a, (SELECT count(*) FROM sc) AS b, (SELECT count(*) FROM p) AS c`);
  assert.deepEqual(f.steps.map((x) => x.customers), [Number(s.a), Number(s.b), Number(s.c)]);
  const [l] = await store.query(`
WITH d4 AS (SELECT customer_id, min(ts) AS d4 FROM events WHERE type = 'purchase' GROUP BY 1)
SELECT count(DISTINCT e.customer_id) AS n FROM events e JOIN d4 USING (customer_id)
WHERE e.type = 'purchase' AND CAST(e.ts AS DATE) > CAST(d4.d4 AS DATE)`);
  assert.equal(f.stages.find((x) => x.stage === 'loyalty')!.direct, Number(l.n));
  const [ph] = await store.query(`
WITH c AS (SELECT customer_id, d4 FROM funnel_customers),
r AS (
  SELECT e.customer_id, min(e.ts) AS recognize FROM events e JOIN c ON c.customer_id = e.customer_id
  WHERE e.type IN ('search', 'view') AND (c.d4 IS NULL OR e.ts <= c.d4) GROUP BY e.customer_id),
x AS (
  SELECT e.customer_id,
    min(e.ts) FILTER (WHERE e.type = 'cart' AND e.ts >= r.recognize AND (c.d4 IS NULL OR e.ts <= c.d4)) AS cart,
    min(e.ts) FILTER (WHERE c.d4 IS NOT NULL AND e.ts > c.d4 AND e.type IN ('review', 'share', 'support', 'return', 'purchase')) AS responded
  FROM events e JOIN c ON c.customer_id = e.customer_id JOIN r ON r.customer_id = e.customer_id
  WHERE e.type IN ('cart', 'review', 'share', 'support', 'return', 'purchase') GROUP BY e.customer_id)
SELECT count(*) AS recognized, count(coalesce(x.cart, c.d4)) AS requested, count(x.cart) FILTER (WHERE c.d4 IS NOT NULL) AS carted, count(x.responded) AS responded,
  quantile_cont(date_diff('second', r.recognize, coalesce(x.cart, c.d4)) / 3600.0, 0.5) AS recognize_median,
  quantile_cont(date_diff('second', c.d4, x.responded) / 3600.0, 0.5) AS respond_median
FROM r JOIN c ON c.customer_id = r.customer_id LEFT JOIN x ON x.customer_id = r.customer_id`);
  const all = f.paths.phases.find((x) => x.segment === 'all')!;
  assert.equal(all.recognized, Number(ph.recognized));
  assert.equal(all.requested, Number(ph.requested));
  assert.equal(all.request.customers, Number(ph.carted));
  assert.equal(all.respond.customers, Number(ph.responded));
  assert.equal(all.recognize.medianHours, ph.recognize_median);
  assert.equal(all.respond.medianHours, ph.respond_median);
});

test('a peer and a firm touch at the same instant: the last touch is peer, as the path (firm>peer) ends', async () => {
  const s = await DuckDbStore.open(':memory:');
  try {
    await s.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, peer_id, channel) VALUES
      ('e1', 'a', TIMESTAMP '2024-01-01 10:00:00', 'share', 'i1', 'b', 'web'),
      ('e2', 'b', TIMESTAMP '2024-01-01 10:00:00', 'exposure', 'i1', NULL, 'web'),
      ('e3', 'b', TIMESTAMP '2024-01-02 10:00:00', 'view', 'i1', NULL, 'web'),
      ('e4', 'b', TIMESTAMP '2024-01-02 11:00:00', 'purchase', 'i1', NULL, 'web')`);
    for (let run = 0; run < 3; run++) {
      const r = await analyzeFunnel(s);
      assert.ok('stages' in r);
      const action = r.attribution.lastTouch.find((x) => x.stage === 'action')!;
      assert.deepEqual([action.peer, action.firm], [1, 0]);
      assert.equal(r.attribution.paths.find((p) => p.conversions > 0)?.path, 'firm>peer');
      assert.equal(r.attribution.lastTouchShares.peer, 1);
    }
  } finally {
    await s.close();
  }
});
