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
import { dialectOf } from '../sql/dialect.js';
import { inSlice, replaceTableSliced } from '../sql/slices.js';
import { funnelSql } from './sql.js';

const n = (v: unknown): number => Number(v ?? 0);
const nn = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));

export const JOURNEYS_TABLE = 'funnel_journeys';


/**
 * One GROUP BY customer_id with the customer's steps in order (per engine, src/funnel/sql.ts: on
 * DuckDB an unordered list sorted inside the list, which sorts far faster than an ordered aggregate
 * or a window over all events). Repeats are dropped by comparing each step with the one before it.
 */
export async function buildJourneys(store: Store, slices = 1): Promise<void> {
  const present = await store.query<{ type: string }>(`SELECT DISTINCT type FROM events WHERE type NOT IN ('follow', 'exposure') ORDER BY 1`);
  const types = present.map((r) => String(r.type)).sort();
  await replaceTableSliced(store, JOURNEYS_TABLE, slices, funnelSql(store).journeys(types, inSlice('customer_id')), { temp: true });
}

export interface PathCount {
  path: string;
  customers: number;
}

export async function topPaths(store: Store, maxSteps: number, limit: number): Promise<{ before: PathCount[]; after: PathCount[] }> {
  const m = Math.floor(maxSteps);
  const f = funnelSql(store);
  const top = (path: string) => store.query(`
SELECT path, count(*) AS customers
FROM (SELECT ${path} AS path FROM ${JOURNEYS_TABLE} WHERE ${f.bought()}) x
GROUP BY path ORDER BY customers DESC, ${dialectOf(store).byteOrder('path')} LIMIT ${Math.floor(limit)}`);
  const before = await top(f.pathBefore(m));
  const after = await top(f.pathAfter(m));
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
  const d = dialectOf(store);
  const rows = await store.query(`
SELECT position, step, next, customers FROM (${funnelSql(store).links(JOURNEYS_TABLE, m)}) l
ORDER BY position, customers DESC, ${d.byteOrder('step')}, ${d.byteOrder('next')} NULLS LAST`);
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
  const d = dialectOf(store);
  const stat = (name: string, expr: string): string =>
    `count(${expr}) AS ${name}_n, ${d.quantiles(expr, [0.5, 0.75])} AS ${name}_q`;
  const h = (a: string, b: string): string => `${d.secondsBetween(a, b)} / 3600.0`;
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
