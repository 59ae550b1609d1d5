/**
 * Paths to value (the consumer value stream) in SQL. Each customer's own steps (every event type
 * but `follow` and `exposure`, which the customer does not take) in time order, repeats collapsed,
 * split at the first purchase: the journey before it and the one starting with it.
 *
 *  - before: the last maxSteps−1 steps before the first purchase, then 'purchase' ('…' when cut);
 *  - after: the first maxSteps steps from the first purchase on ('…' when cut);
 *  - links / drop-off: every customer's journey from its first step, position-numbered
 *    ('1 view' → '2 cart' → '3 purchase'), ending at the purchase, or at 'drop-off' when it ends
 *    without one, or at 'more…' when it is longer than maxSteps.
 *
 * The networked journey's phases for the first purchase cycle: recognize = the first need signal
 * (search or view) until the request; request = the first cart at or after it (else the order
 * itself) until the purchase; respond = the purchase until the customer's first response after it
 * (review, share, support, return or a reorder). Medians and 75th percentiles in hours, overall,
 * by acquisition (referred: a peer's share or referral reached them before their first own event)
 * and by first channel.
 */
import type { Store } from '../store/types.js';
import { CUSTOMERS_TABLE } from './stages.js';
import { lit } from '../sql/quote.js';

const n = (v: unknown): number => Number(v ?? 0);
const nn = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

export const JOURNEYS_TABLE = 'funnel_journeys';


/**
 * One GROUP BY customer_id with an unordered list of the customer's steps, sorted inside the list
 * — an ordered aggregate or a window over all events sorts far more slowly. A step is the sort key
 * (the time in µs × 2, + 1 unless it is a purchase: the purchase first among steps at the same
 * instant), then event_id, then the step's type as its number in the list of types present: a
 * narrow struct keeps the lists small (about 60% of the memory of one with the type string).
 * Repeats are dropped by comparing each step with the one before it; the first purchase is never
 * a repeat (no purchase precedes it), so dropping repeats over the whole list equals dropping
 * them before and after the split.
 */
export async function buildJourneys(store: Store): Promise<void> {
  const present = await store.query<{ type: string }>(`SELECT DISTINCT type FROM events WHERE type NOT IN ('follow', 'exposure') ORDER BY type`);
  const types = `(CAST([${present.map((r) => lit(String(r.type))).join(", ")}] AS VARCHAR[]))`;
  await store.exec(`
CREATE OR REPLACE TEMP TABLE ${JOURNEYS_TABLE} AS
WITH g AS (
  SELECT customer_id, epoch_us(min(ts) FILTER (WHERE type = 'purchase')) * 2 AS cut,
    list_sort(list({'k': epoch_us(ts) * 2 + CAST(type <> 'purchase' AS BIGINT), 'event_id': event_id, 'code': CAST(list_position(${types}, type) AS INTEGER)})) AS s
  FROM events WHERE type NOT IN ('follow', 'exposure') GROUP BY customer_id),
col AS (SELECT customer_id, cut, list_filter(s, lambda x, i: i = 1 OR x.code <> s[i - 1].code) AS s FROM g)
SELECT customer_id,
  CAST([${types}[x.code] FOR x IN s IF cut IS NULL OR x.k < cut] AS VARCHAR[]) AS pre,
  CASE WHEN cut IS NOT NULL THEN CAST([${types}[x.code] FOR x IN s IF x.k >= cut] AS VARCHAR[]) END AS post
FROM col`);
}

export interface PathCount {
  path: string;
  customers: number;
}

export async function topPaths(store: Store, maxSteps: number, limit: number): Promise<{ before: PathCount[]; after: PathCount[] }> {
  const m = Math.floor(maxSteps);
  const before = await store.query(`
SELECT CASE WHEN len(pre) > ${m - 1} THEN '… > ' ELSE '' END ||
  array_to_string(list_concat(list_slice(pre, greatest(len(pre) - ${m - 1} + 1, 1), len(pre)), ['purchase']), ' > ') AS path,
  count(*) AS customers
FROM ${JOURNEYS_TABLE} WHERE post IS NOT NULL GROUP BY 1 ORDER BY customers DESC, path LIMIT ${Math.floor(limit)}`);
  const after = await store.query(`
SELECT array_to_string(list_slice(post, 1, ${m}), ' > ') || CASE WHEN len(post) > ${m} THEN ' > …' ELSE '' END AS path,
  count(*) AS customers
FROM ${JOURNEYS_TABLE} WHERE post IS NOT NULL GROUP BY 1 ORDER BY customers DESC, path LIMIT ${Math.floor(limit)}`);
  const rows = (rs: Record<string, unknown>[]): PathCount[] => rs.map((r) => ({ path: String(r.path), customers: n(r.customers) }));
  return { before: rows(before), after: rows(after) };
}

export interface LinkCount {
  position: number;
  step: string;
  /** The next step, 'drop-off', 'more…', or null after a purchase. */
  next: string | null;
  customers: number;
}

export async function journeyLinks(store: Store, maxSteps: number): Promise<LinkCount[]> {
  const m = Math.floor(maxSteps);
  const rows = await store.query(`
WITH j AS (
  SELECT list_concat(pre, CASE WHEN post IS NOT NULL THEN ['purchase'] ELSE []::VARCHAR[] END) AS full_j FROM ${JOURNEYS_TABLE}),
s AS (SELECT list_slice(full_j, 1, ${m}) AS j, len(full_j) AS full_len FROM j WHERE len(full_j) > 0),
u AS (SELECT j, full_len, unnest(range(1, len(j) + 1)) AS k FROM s)
SELECT k AS position, j[k] AS step,
  CASE WHEN j[k] = 'purchase' THEN NULL WHEN k < len(j) THEN j[k + 1] WHEN full_len > len(j) THEN 'more…' ELSE 'drop-off' END AS next,
  count(*) AS customers
FROM u GROUP BY ALL ORDER BY position, customers DESC, step, next`);
  return rows.map((r) => ({ position: n(r.position), step: String(r.step), next: r.next === null || r.next === undefined ? null : String(r.next), customers: n(r.customers) }));
}

export interface PhaseStats {
  customers: number;
  medianHours: number | null;
  p75Hours: number | null;
}

export interface PhaseRow {
  segment: 'all' | 'acquisition' | 'channel';
  key: string | null;
  recognized: number;
  requested: number;
  purchased: number;
  recognize: PhaseStats;
  request: PhaseStats;
  respond: PhaseStats;
  total: PhaseStats;
}

export async function phaseTimes(store: Store): Promise<PhaseRow[]> {
  const stat = (name: string, expr: string): string =>
    `count(${expr}) AS ${name}_n, quantile_cont(${expr}, [0.5, 0.75]) AS ${name}_q`;
  const h = (a: string, b: string): string => `date_diff('second', ${a}, ${b}) / 3600.0`;
  const rows = await store.query(`
WITH p AS (
  SELECT CASE WHEN first_peer IS NOT NULL AND (own_first IS NULL OR first_peer <= own_first) THEN 'referred' ELSE 'not referred' END AS acquisition,
    channel, recognize, request_cart AS cart, d4 AS purchase, responded, coalesce(request_cart, d4) AS request
  FROM ${CUSTOMERS_TABLE} WHERE recognize IS NOT NULL)
SELECT CASE WHEN GROUPING(acquisition) = 0 THEN 'acquisition' WHEN GROUPING(channel) = 0 THEN 'channel' ELSE 'all' END AS segment,
  CASE WHEN GROUPING(acquisition) = 0 THEN acquisition WHEN GROUPING(channel) = 0 THEN channel END AS key,
  count(*) AS recognized, count(request) AS requested, count(purchase) AS purchased,
  ${stat('recognize', `CASE WHEN request IS NOT NULL THEN ${h('recognize', 'request')} END`)},
  ${stat('request', `CASE WHEN cart IS NOT NULL AND purchase IS NOT NULL THEN ${h('cart', 'purchase')} END`)},
  ${stat('respond', `CASE WHEN responded IS NOT NULL THEN ${h('purchase', 'responded')} END`)},
  ${stat('total', `CASE WHEN purchase IS NOT NULL THEN ${h('recognize', 'purchase')} END`)}
FROM p GROUP BY GROUPING SETS ((), (acquisition), (channel))
ORDER BY segment, key`);
  const st = (r: Record<string, unknown>, name: string): PhaseStats => {
    const q = Array.isArray(r[`${name}_q`]) ? (r[`${name}_q`] as unknown[]) : null;
    return { customers: n(r[`${name}_n`]), medianHours: q ? nn(q[0]) : null, p75Hours: q ? nn(q[1]) : null };
  };
  const order = { all: 0, acquisition: 1, channel: 2 } as const;
  return rows
    .map((r) => ({
      segment: r.segment as PhaseRow['segment'],
      key: (r.key as string | null) ?? null,
      recognized: n(r.recognized), requested: n(r.requested), purchased: n(r.purchased),
      recognize: st(r, 'recognize'), request: st(r, 'request'), respond: st(r, 'respond'), total: st(r, 'total'),
    }))
    .sort((a, b) => order[a.segment] - order[b.segment] || String(a.key).localeCompare(String(b.key)));
}
