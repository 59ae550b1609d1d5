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
import { dialectOf, replaceTableAs } from '../sql/dialect.js';
import { inSlice, replaceTableSliced } from '../sql/slices.js';
import { funnelSql } from './sql.js';
import type { PathCell } from './attribution.js';
import { CUSTOMERS_TABLE } from './stages.js';

export const TOUCHES_TABLE = 'funnel_touches';
/** Per customer: touch counts and the latest touch before each stage (summarizeTouches, in slices). */
const TOUCH_SUMMARY_TABLE = 'funnel_touch_summary';
/** Per customer: the touch path before the decision (pathCells, in slices). */
const TOUCH_PATHS_TABLE = 'funnel_touch_paths';
const MAX_TOUCH_PATH = 4;

const n = (v: unknown): number => Number(v ?? 0);

export async function buildTouches(store: Store, reviewTouches: boolean): Promise<void> {
  const reviews = reviewTouches ? `UNION ALL ${funnelSql(store).reviewTouches()}` : '';
  await replaceTableAs(store, TOUCHES_TABLE, `
SELECT customer_id, ts, 'firm' AS kind FROM events WHERE type = 'exposure'
UNION ALL
SELECT x.peer_id AS customer_id, x.ts AS ts, 'peer' AS kind FROM events x
WHERE x.type IN ('share', 'referral') AND x.peer_id IS NOT NULL AND x.peer_id <> x.customer_id
${reviews}`, { temp: true });
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
export async function summarizeTouches(store: Store, lookbackDays: number, slices = 1): Promise<{ counts: TouchCounts; lastTouch: LastTouchCount[] }> {
  const L = Math.floor(lookbackDays);
  const d = dialectOf(store);
  const ks = [2, 3, 4, 5, 6];
  // the latest touch; at the same instant the kind that sorts last ('peer'), as in the touch path's order (ts, kind)
  const lt = ks.map((k) => `${funnelSql(store).latestKind('t.kind', 't.ts', `t.ts < c.e${k} AND t.ts >= ${d.addDays(`c.e${k}`, -L)}`)} AS lt${k}`).join(', ');
  const counts = ks.map((k) => `count(*) FILTER (WHERE lt${k} = 'peer') AS p${k}, count(*) FILTER (WHERE lt${k} = 'firm') AS f${k}`).join(', ');
  const reached = ks.map((k) => `count(e${k}) AS r${k}`).join(', ');
  await replaceTableSliced(store, TOUCH_SUMMARY_TABLE, slices, `
  SELECT c.customer_id, count(*) FILTER (WHERE t.kind = 'peer') AS np, count(*) FILTER (WHERE t.kind = 'firm') AS nf, ${lt}
  FROM ${TOUCHES_TABLE} t JOIN ${CUSTOMERS_TABLE} c ON t.customer_id = c.customer_id WHERE ${inSlice('c.customer_id')} GROUP BY c.customer_id`, { temp: true });
  const [a] = await store.query(`
SELECT count(*) FILTER (WHERE np > 0) AS pc, count(*) FILTER (WHERE nf > 0) AS fc, sum(np) AS pt, sum(nf) AS ft, ${counts} FROM ${TOUCH_SUMMARY_TABLE}`);
  await store.exec(`DROP TABLE IF EXISTS ${TOUCH_SUMMARY_TABLE}`);
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
export async function pathCells(store: Store, lookbackDays: number, slices = 1): Promise<PathCell[]> {
  const L = Math.floor(lookbackDays);
  const d = dialectOf(store);
  const b = `(SELECT customer_id, CASE WHEN d4 IS NOT NULL THEN 1 ELSE 0 END AS converted, coalesce(d4, last_seen, first_peer) AS decision, activity AS a
  FROM ${CUSTOMERS_TABLE} WHERE e1 IS NOT NULL)`;
  const touches = `FROM ${TOUCHES_TABLE} t JOIN ${b} b ON b.customer_id = t.customer_id
  WHERE t.ts >= ${d.addDays('b.decision', -L)} AND (t.ts < b.decision OR (b.converted = 0 AND t.ts <= ${d.addDays('b.decision', L)}))`;
  await replaceTableSliced(store, TOUCH_PATHS_TABLE, slices, funnelSql(store).touchPaths(`${touches} AND ${inSlice('t.customer_id')}`, MAX_TOUCH_PATH), { temp: true });
  const rows = await store.query(`
SELECT ${ACTIVITY_BUCKET} AS stratum, path, count(*) AS customers, count(*) FILTER (WHERE converted = 1) AS conversions
FROM (
  SELECT b.a AS a, coalesce(p.path, '') AS path, b.converted AS converted
  FROM ${b} b LEFT JOIN ${TOUCH_PATHS_TABLE} p ON p.customer_id = b.customer_id) x
GROUP BY 1, 2 ORDER BY 1, ${d.byteOrder('path')}`);
  await store.exec(`DROP TABLE IF EXISTS ${TOUCH_PATHS_TABLE}`);
  return rows.map((r) => ({ stratum: String(r.stratum), path: String(r.path), customers: n(r.customers), conversions: n(r.conversions) }));
}
