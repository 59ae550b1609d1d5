/**
 * The networked funnel in SQL: one row per customer (TEMP table funnel_customers) with the date
 * each stage was first reached, then stage counts, stage-to-stage conversion and time to convert
 * by cohort and channel, and the ordered event funnel view → save/cart → purchase.
 *
 * A stage's own date d_k is its first event: awareness = first exposure, search, view or mention,
 * or a peer's share/referral reaching the customer; consideration = first view of an item or save;
 * preference = first cart, or the second view of one item; action = first purchase; loyalty = the
 * first purchase on a later day than the first; advocacy = first share, review, referral or support.
 * The furthest stage is the last k with a d_k. Reaching a stage counts as passing the ones before
 * it (a purchase without a logged view still passed consideration), so the effective date is
 * e_k = min(d_k, e_{k+1}): non-decreasing along the funnel, and e_{k+1} − e_k is the time to convert.
 *
 * The table also carries what the later steps need per customer, so they read it instead of the
 * events: first_view, saved_after_view (the first save/cart at or after it) and last_purchase for
 * the ordered funnel; activity (views and searches before the first purchase, all of them for
 * non-buyers) for the attribution strata; recognize, request_cart and responded for the phases.
 */
import type { Store } from '../store/types.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';
import { FUNNEL_STAGES, type ConversionRow, type FunnelStage } from '../domain/sections/funnel.js';

export const CUSTOMERS_TABLE = 'funnel_customers';

const n = (v: unknown): number => Number(v ?? 0);
const nn = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

/**
 * One GROUP BY customer_id over all events for the first dates, then one pass over the customers'
 * events joined to those dates for the values that depend on them (the loyalty purchase, the ordered
 * funnel's save/cart, the activity before the decision, the phases' cart and response): two
 * aggregates instead of a query per quantity, and no window over all events. The second view of an
 * item is a row_number over the views only: a top-2 aggregate per (customer, item) (DuckDB's
 * min(ts, 2)) keeps its states in memory it cannot spill, and at 108M events it failed under the
 * analysis' 1 GB limit; the window spills (7.7 s there) and costs the same at 10.8M events (0.6 s).
 *
 * One statement for every engine (the dialect's hooks); aliases are
 * explicit and never the name of a column they are built from (ClickHouse would read the alias).
 */
export async function buildCustomers(store: Store): Promise<void> {
  const d = dialectOf(store);
  await replaceTableAs(store, CUSTOMERS_TABLE, `
WITH own AS (
  SELECT customer_id,
    min(ts) AS own_first, max(ts) AS last_seen,
    ${d.firstValue("coalesce(channel, '(none)')", 'ts')} AS first_channel,
    min(ts) FILTER (WHERE type IN ('exposure', 'search', 'view', 'mention')) AS aw_own,
    min(ts) FILTER (WHERE (type = 'view' AND item_id IS NOT NULL) OR type = 'save') AS d2,
    min(ts) FILTER (WHERE type = 'cart') AS cart,
    min(ts) FILTER (WHERE type = 'purchase') AS d4,
    min(ts) FILTER (WHERE type IN ('share', 'review', 'referral', 'support')) AS d6,
    min(ts) FILTER (WHERE type = 'view') AS first_view,
    max(ts) FILTER (WHERE type = 'purchase') AS last_purchase,
    min(ts) FILTER (WHERE type IN ('search', 'view')) AS first_need
  FROM events GROUP BY customer_id),
after_first AS (
  SELECT e.customer_id AS customer_id,
    min(e.ts) FILTER (WHERE e.type = 'purchase' AND ${d.toDate('e.ts')} > ${d.toDate('o.d4')}) AS d5,
    min(e.ts) FILTER (WHERE e.type IN ('save', 'cart') AND e.ts >= o.first_view) AS saved_after_view,
    count(*) FILTER (WHERE e.type IN ('view', 'search') AND (o.d4 IS NULL OR e.ts < o.d4)) AS activity,
    min(e.ts) FILTER (WHERE e.type = 'cart' AND e.ts >= o.first_need AND (o.d4 IS NULL OR (o.first_need <= o.d4 AND e.ts <= o.d4))) AS request_cart,
    min(e.ts) FILTER (WHERE e.ts > o.d4 AND e.type IN ('review', 'share', 'support', 'return', 'purchase')) AS responded
  FROM events e JOIN own o ON o.customer_id = e.customer_id
  WHERE e.type IN ('view', 'search', 'save', 'cart', 'purchase', 'review', 'share', 'support', 'return')
  GROUP BY e.customer_id),
recv AS (
  SELECT x.peer_id AS customer_id, min(x.ts) AS first_peer
  FROM events x WHERE x.type IN ('share', 'referral') AND x.peer_id IS NOT NULL AND x.peer_id <> x.customer_id
  GROUP BY x.peer_id),
rep AS (
  SELECT customer_id, min(ts) AS second_view FROM (
    SELECT customer_id, ts, row_number() OVER (PARTITION BY customer_id, item_id ORDER BY ts) AS view_rank FROM events
    WHERE type = 'view' AND item_id IS NOT NULL) x
  WHERE view_rank = 2 GROUP BY customer_id),
d AS (
  SELECT coalesce(o.customer_id, r.customer_id) AS customer_id,
    o.own_first AS own_first, o.last_seen AS last_seen, r.first_peer AS first_peer,
    least(o.own_first, r.first_peer) AS first_seen,
    coalesce(o.first_channel, '(peer only)') AS channel,
    least(o.aw_own, r.first_peer) AS d1, o.d2 AS d2, least(o.cart, rp.second_view) AS d3, o.d4 AS d4, a.d5 AS d5, o.d6 AS d6,
    o.first_view AS first_view, a.saved_after_view AS saved_after_view, o.last_purchase AS last_purchase, coalesce(a.activity, 0) AS activity,
    CASE WHEN o.d4 IS NULL OR o.first_need <= o.d4 THEN o.first_need END AS recognize,
    a.request_cart AS request_cart, a.responded AS responded
  FROM own o FULL OUTER JOIN recv r ON r.customer_id = o.customer_id
  LEFT JOIN rep rp ON rp.customer_id = coalesce(o.customer_id, r.customer_id)
  LEFT JOIN after_first a ON a.customer_id = coalesce(o.customer_id, r.customer_id)),
e AS (
  SELECT *, d6 AS e6, least(d5, d6) AS e5, least(d4, d5, d6) AS e4, least(d3, d4, d5, d6) AS e3,
    least(d2, d3, d4, d5, d6) AS e2, least(d1, d2, d3, d4, d5, d6) AS e1
  FROM d)
SELECT *, ${d.dateText('first_seen', 'month')} AS cohort,
  CASE WHEN d6 IS NOT NULL THEN 6 WHEN d5 IS NOT NULL THEN 5 WHEN d4 IS NOT NULL THEN 4
       WHEN d3 IS NOT NULL THEN 3 WHEN d2 IS NOT NULL THEN 2 WHEN d1 IS NOT NULL THEN 1 END AS furthest
FROM e`, { temp: true });
}

export interface StageCount {
  stage: FunnelStage;
  reached: number;
  furthest: number;
  direct: number;
}

export async function stageCounts(store: Store): Promise<{ stages: StageCount[]; customers: number; start: string | null; end: string | null }> {
  const cols = FUNNEL_STAGES.map((_, i) => `count(e${i + 1}) AS r${i + 1}, count(*) FILTER (WHERE furthest = ${i + 1}) AS f${i + 1}, count(d${i + 1}) AS d${i + 1}`).join(', ');
  const d = dialectOf(store);
  const [row] = await store.query(`SELECT ${cols}, count(e1) AS customers, ${d.dateText('min(first_seen)', 'day')} AS s, ${d.dateText('max(last_seen)', 'day')} AS t FROM ${CUSTOMERS_TABLE}`);
  return {
    stages: FUNNEL_STAGES.map((stage, i) => ({ stage, reached: n(row[`r${i + 1}`]), furthest: n(row[`f${i + 1}`]), direct: n(row[`d${i + 1}`]) })),
    customers: n(row.customers),
    start: (row.s as string | null) ?? null,
    end: (row.t as string | null) ?? null,
  };
}

/** Stage k → k+1 for k = 1..5: overall, by cohort (first-seen month) and by first channel; times in days. */
export async function conversionTable(store: Store): Promise<ConversionRow[]> {
  const d = dialectOf(store);
  const parts = FUNNEL_STAGES.slice(0, -1).map((_, i) => {
    const a = `e${i + 1}`;
    const b = `e${i + 2}`;
    return `SELECT ${i} AS k, CASE WHEN GROUPING(cohort) = 0 THEN 'cohort' WHEN GROUPING(channel) = 0 THEN 'channel' ELSE 'all' END AS segment,
      CASE WHEN GROUPING(cohort) = 0 THEN cohort WHEN GROUPING(channel) = 0 THEN channel END AS key,
      count(${a}) AS reached, count(${b}) AS converted,
      ${d.quantiles(`${d.secondsBetween(a, b)} / 86400.0`, [0.5, 0.75])} FILTER (WHERE ${b} IS NOT NULL) AS q
    FROM ${CUSTOMERS_TABLE} WHERE ${a} IS NOT NULL GROUP BY GROUPING SETS ((), (cohort), (channel))`;
  });
  const rows = await store.query(`${parts.join('\nUNION ALL\n')} ORDER BY k, segment, key`);
  const order = { all: 0, cohort: 1, channel: 2 } as const;
  return rows
    .map((r) => {
      const k = n(r.k);
      const reached = n(r.reached);
      const converted = n(r.converted);
      const q = Array.isArray(r.q) ? (r.q as unknown[]) : null;
      return {
        segment: r.segment as ConversionRow['segment'],
        key: (r.key as string | null) ?? null,
        from: FUNNEL_STAGES[k],
        to: FUNNEL_STAGES[k + 1],
        reached,
        converted,
        rate: reached > 0 ? converted / reached : null,
        medianDays: q ? nn(q[0]) : null,
        p75Days: q ? nn(q[1]) : null,
      };
    })
    .sort((x, y) => order[x.segment] - order[y.segment] || FUNNEL_STAGES.indexOf(x.from) - FUNNEL_STAGES.indexOf(y.from) || String(x.key).localeCompare(String(y.key)));
}

export interface StepCount {
  step: string;
  customers: number;
}

/** The ordered event funnel: first view; then a save or cart at or after it; then a purchase at or after that (read off the stage table). */
export async function stepFunnel(store: Store): Promise<StepCount[]> {
  const [r] = await store.query(`
SELECT count(first_view) AS a, count(saved_after_view) AS b, count(*) FILTER (WHERE last_purchase >= saved_after_view) AS c
FROM ${CUSTOMERS_TABLE}`);
  return [
    { step: 'view', customers: n(r.a) },
    { step: 'save/cart', customers: n(r.b) },
    { step: 'purchase', customers: n(r.c) },
  ];
}
