/**
 * Peer and firm touches in SQL (TEMP table funnel_touches: customer_id, ts, kind), and the touch
 * paths before each customer's decision, aggregated to the few distinct (stratum, path) cells the
 * attribution models need.
 *
 * A peer touch reaches customer c when another customer shares or refers to c (peer_id = c), or —
 * with `reviewTouches` — when c views an item another customer reviewed earlier (the touch is c's
 * first such view of the item). A firm touch is an exposure event of c.
 *
 * The decision is c's first purchase, or, for customers who never bought, their last own event.
 * Touches count within the lookback window before it (strictly before a purchase); for customers
 * who never bought, also within the window after their last event (a touch that came after it
 * still failed to convert them — leaving it out would make the untouched look worse converters). The path is the
 * touches in time order, repeats collapsed, the last four kept ('firm>peer'). The stratum is the
 * customer's activity before the decision: views and searches, bucketed.
 */
import type { Store } from '../store/types.js';
import type { PathCell } from './attribution.js';
import { CUSTOMERS_TABLE } from './stages.js';

export const TOUCHES_TABLE = 'funnel_touches';
const MAX_TOUCH_PATH = 4;

const n = (v: unknown): number => Number(v ?? 0);

export async function buildTouches(store: Store, reviewTouches: boolean): Promise<void> {
  const reviews = reviewTouches
    ? `UNION ALL
SELECT v.customer_id, min(v.ts) AS ts, 'peer' AS kind
FROM events v JOIN (
  SELECT item_id, min(ts, 2) AS ts2, arg_min(customer_id, ts, 2) AS who2 FROM (
    SELECT item_id, customer_id, min(ts) AS ts FROM events
    WHERE type = 'review' AND item_id IS NOT NULL GROUP BY item_id, customer_id)
  GROUP BY item_id) ir ON ir.item_id = v.item_id
WHERE v.type = 'view' AND v.ts > (CASE WHEN ir.who2[1] <> v.customer_id THEN ir.ts2[1] ELSE ir.ts2[2] END)
GROUP BY v.customer_id, v.item_id`
    : '';
  await store.exec(`
CREATE OR REPLACE TEMP TABLE ${TOUCHES_TABLE} AS
SELECT customer_id, ts, 'firm' AS kind FROM events WHERE type = 'exposure'
UNION ALL
SELECT peer_id AS customer_id, ts, 'peer' AS kind FROM events
WHERE type IN ('share', 'referral') AND peer_id IS NOT NULL AND peer_id <> customer_id
${reviews}`);
}

export interface TouchCounts {
  peerCustomers: number;
  firmCustomers: number;
  peerTouches: number;
  firmTouches: number;
}

export interface LastTouchCount {
  stage: number;
  conversions: number;
  peer: number;
  firm: number;
}

/**
 * One GROUP BY customer_id over the touches: the touch counts, and for stages 2..6 the customers
 * who reached it and whose last touch in the lookback window before e_k was peer / firm (a peer
 * and a firm touch at the same instant: peer, the last in the path order — arg_max over the time
 * alone picked either, differently from run to run). Every touched customer is in the stage table
 * (an own event, or a peer's share/referral to them).
 */
export async function summarizeTouches(store: Store, lookbackDays: number): Promise<{ counts: TouchCounts; lastTouch: LastTouchCount[] }> {
  const L = Math.floor(lookbackDays);
  const ks = [2, 3, 4, 5, 6];
  // the latest touch; at the same instant the kind that sorts last ('peer'), as in the touch path's order (ts, kind)
  const lt = ks.map((k) => `arg_max(t.kind, {'ts': t.ts, 'kind': t.kind}) FILTER (WHERE t.ts < c.e${k} AND t.ts >= c.e${k} - to_days(${L})) AS lt${k}`).join(', ');
  const counts = ks.map((k) => `count(*) FILTER (WHERE lt${k} = 'peer') AS p${k}, count(*) FILTER (WHERE lt${k} = 'firm') AS f${k}`).join(', ');
  const reached = ks.map((k) => `count(e${k}) AS r${k}`).join(', ');
  const [a] = await store.query(`
WITH x AS (
  SELECT c.customer_id, count(*) FILTER (WHERE t.kind = 'peer') AS np, count(*) FILTER (WHERE t.kind = 'firm') AS nf, ${lt}
  FROM ${TOUCHES_TABLE} t JOIN ${CUSTOMERS_TABLE} c ON t.customer_id = c.customer_id GROUP BY c.customer_id)
SELECT count(*) FILTER (WHERE np > 0) AS pc, count(*) FILTER (WHERE nf > 0) AS fc, sum(np) AS pt, sum(nf) AS ft, ${counts} FROM x`);
  const [b] = await store.query(`SELECT ${reached} FROM ${CUSTOMERS_TABLE}`);
  return {
    counts: { peerCustomers: n(a.pc), firmCustomers: n(a.fc), peerTouches: n(a.pt), firmTouches: n(a.ft) },
    lastTouch: ks.map((k) => ({ stage: k, conversions: n(b[`r${k}`]), peer: n(a[`p${k}`]), firm: n(a[`f${k}`]) })),
  };
}

const ACTIVITY_BUCKET = `CASE WHEN a < 5 THEN CAST(a AS VARCHAR) WHEN a < 10 THEN '5-9' WHEN a < 20 THEN '10-19' ELSE '20+' END`;

/**
 * (stratum, touch path, customers, conversions) over the customers who reached awareness. The
 * path is built per customer from the unordered list of their touches in the window, sorted in
 * the list (no window function, no ordered aggregate over all touches), repeats dropped by
 * comparing each touch with the one before it, the last MAX_TOUCH_PATH kept.
 */
export async function pathCells(store: Store, lookbackDays: number): Promise<PathCell[]> {
  const L = Math.floor(lookbackDays);
  const rows = await store.query(`
WITH b AS (
  SELECT customer_id, d4 IS NOT NULL AS converted, coalesce(d4, last_seen, first_peer) AS decision, activity AS a
  FROM ${CUSTOMERS_TABLE} WHERE e1 IS NOT NULL),
tw AS (
  SELECT t.customer_id, list_sort(list({'ts': t.ts, 'kind': t.kind})) AS s
  FROM ${TOUCHES_TABLE} t JOIN b ON b.customer_id = t.customer_id
  WHERE t.ts >= b.decision - to_days(${L}) AND (t.ts < b.decision OR (NOT b.converted AND t.ts <= b.decision + to_days(${L})))
  GROUP BY t.customer_id),
col AS (SELECT customer_id, list_filter(s, lambda x, i: i = 1 OR x.kind <> s[i - 1].kind) AS s FROM tw),
p AS (
  SELECT customer_id, array_to_string([x.kind FOR x IN list_slice(s, greatest(len(s) - ${MAX_TOUCH_PATH - 1}, 1), len(s))], '>') AS path FROM col)
SELECT ${ACTIVITY_BUCKET} AS stratum, path, count(*) AS customers, count(*) FILTER (WHERE converted) AS conversions
FROM (
  SELECT b.a, coalesce(p.path, '') AS path, b.converted
  FROM b LEFT JOIN p ON p.customer_id = b.customer_id)
GROUP BY ALL ORDER BY stratum, path`);
  return rows.map((r) => ({ stratum: String(r.stratum), path: String(r.path), customers: n(r.customers), conversions: n(r.conversions) }));
}
