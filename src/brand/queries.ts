/**
 * The brand measures' SQL: every query runs over raw events inside the store and returns a small
 * per-period (or per-brand, per-idea) table. Events are rows of `events`; ingest keeps event_id
 * unique, so count(*) counts distinct events.
 *
 * One statement text for DuckDB, Postgres and ClickHouse: dates, periods, the customer hash, the
 * next activity period and TEMP tables come from the store's dialect (src/sql/dialect.ts); ratios
 * cast to double first (Postgres divides integers as integers). ClickHouse reads an alias as the
 * column it shadows anywhere in the SELECT, so no alias here reuses a column name it is built from.
 */
import { dialectOf, replaceTableAs, type Dialect } from '../sql/dialect.js';
import { num } from '../sql/quote.js';
import type { Store } from '../store/types.js';
import { periodIndexSql, periodStartSql, type BrandPeriod } from './periods.js';
import { TABLES } from '../sql/tables.js';

export interface Window {
  /** Inclusive first day (YYYY-MM-DD) or null. */
  from: string | null;
  /** Inclusive last day (YYYY-MM-DD) or null. */
  to: string | null;
}

function n(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const x = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(x) ? x : 0;
}

function str(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
}

/** SQL condition for the window (always a valid boolean expression). */
export function windowSql(d: Dialect, w: Window): string {
  const parts: string[] = [];
  if (w.from) parts.push(`ts >= ${d.timestamp(`${w.from} 00:00:00`)}`);
  if (w.to) parts.push(`ts < ${d.timestamp(`${nextDay(w.to)} 00:00:00`)}`);
  return parts.length ? parts.join(' AND ') : '1 = 1';
}

function nextDay(ymd: string): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

function typeList(d: Dialect, types: readonly string[]): string {
  return types.map((t) => d.lit(t)).join(', ');
}

const ratio = (d: Dialect, a: string, b: string): string => `CAST(${a} AS ${d.types.double}) / CAST(${b} AS ${d.types.double})`;

export interface Span {
  events: number;
  first: string | null;
  last: string | null;
  /** Last timestamp, ms since epoch. */
  lastMs: number | null;
  firstPeriod: string | null;
  lastPeriod: string | null;
}

export async function querySpan(store: Store, period: BrandPeriod, w: Window): Promise<Span> {
  const d = dialectOf(store);
  const [r] = await store.query(`
    SELECT count(*) AS events, min(ts) AS first, max(ts) AS last,
           ${periodStartSql(d, period, 'min(ts)')} AS first_period,
           ${periodStartSql(d, period, 'max(ts)')} AS last_period
      FROM events WHERE ${windowSql(d, w)}`);
  const last = r.last instanceof Date ? r.last : null;
  return {
    events: n(r.events),
    first: r.first instanceof Date ? r.first.toISOString() : null,
    last: last ? last.toISOString() : null,
    lastMs: last ? last.getTime() : null,
    firstPeriod: r.first_period === null ? null : str(r.first_period),
    lastPeriod: r.last_period === null ? null : str(r.last_period),
  };
}

export interface PeriodTypeCount {
  period: number;
  type: string;
  events: number;
}

/** Events per (period, type), for every type. */
export async function queryPeriodTypes(store: Store, period: BrandPeriod, origin: string, w: Window): Promise<PeriodTypeCount[]> {
  const d = dialectOf(store);
  const rows = await store.query(`
    SELECT ${periodIndexSql(d, period, origin)} AS i, type, count(*) AS events
      FROM events WHERE ${windowSql(d, w)} GROUP BY 1, 2 ORDER BY 1, 2`);
  return rows.map((r) => ({ period: n(r.i), type: String(r.type), events: n(r.events) }));
}

/**
 * One pass over the events by (customer, period) into a temp table: flow events, and the first
 * timestamp of any event and of a purchase. Flow customers, active customers, new customers and the
 * customer totals all come from this table instead of another pass with DISTINCT over raw events.
 * Customers are keyed by a 64-bit hash of their id (faster to group than strings; a collision among
 * a million customers has probability ~3·10⁻⁸).
 */
export const CUSTOMER_PERIODS = '_brand_customer_periods';

export async function buildCustomerPeriods(store: Store, period: BrandPeriod, origin: string, w: Window, types: readonly string[]): Promise<void> {
  const d = dialectOf(store);
  const flow = types.length ? `count(*) FILTER (WHERE type IN (${typeList(d, types)}))` : '0';
  await replaceTableAs(store, CUSTOMER_PERIODS, `
    SELECT ${d.hash64('customer_id')} AS cust, ${periodIndexSql(d, period, origin)} AS i, ${flow} AS flow,
           max(CASE WHEN type = 'purchase' THEN 1 ELSE 0 END) AS bought
      FROM events WHERE ${windowSql(d, w)} GROUP BY 1, 2`, { temp: true });
}

export async function dropCustomerPeriods(store: Store): Promise<void> {
  await store.exec(`DROP TABLE IF EXISTS ${CUSTOMER_PERIODS}`);
}

/** Distinct customers with a flow event per period (a customer with two flow types counts once). */
export async function queryFlowCustomers(store: Store): Promise<Map<number, number>> {
  const rows = await store.query(`SELECT i, count(*) AS c FROM ${CUSTOMER_PERIODS} WHERE flow > 0 GROUP BY 1`);
  return new Map(rows.map((r) => [n(r.i), n(r.c)]));
}

export interface TypeTotal {
  type: string;
  events: number;
  customers: number;
}

/** Distinct customers per flow type (events per type come from the per-period counts). */
export async function queryFlowTypeCustomers(store: Store, w: Window, types: readonly string[]): Promise<Map<string, number>> {
  if (types.length === 0) return new Map();
  const d = dialectOf(store);
  const rows = await store.query(`
    SELECT type, count(DISTINCT customer_id) AS customers
      FROM events WHERE ${windowSql(d, w)} AND type IN (${typeList(d, types)}) GROUP BY 1`);
  return new Map(rows.map((r) => [String(r.type), n(r.customers)]));
}

/** Distinct customers in the window, and those with any flow event. */
export async function queryCustomerTotals(store: Store): Promise<{ customers: number; flowCustomers: number }> {
  const [r] = await store.query(`
    SELECT count(*) AS c, count(*) FILTER (WHERE flow_sum > 0) AS f
      FROM (SELECT cust, sum(flow) AS flow_sum FROM ${CUSTOMER_PERIODS} GROUP BY 1) x`);
  return { customers: n(r.c), flowCustomers: n(r.f) };
}

export interface ChannelTotal {
  channel: string | null;
  events: number;
}

export async function queryFlowChannels(store: Store, w: Window, types: readonly string[]): Promise<ChannelTotal[]> {
  if (types.length === 0) return [];
  const d = dialectOf(store);
  const rows = await store.query(`
    SELECT channel, count(*) AS events FROM events
     WHERE ${windowSql(d, w)} AND type IN (${typeList(d, types)}) GROUP BY 1 ORDER BY 2 DESC, 1 NULLS LAST`);
  return rows.map((r) => ({ channel: r.channel === null ? null : String(r.channel), events: n(r.events) }));
}

/**
 * New customers per period: customers by the period of their first purchase, or of their first
 * event of any type when the window has no purchases at all.
 */
export async function queryNewCustomers(store: Store, byPurchase: boolean): Promise<Map<number, number>> {
  const rows = await store.query(`
    SELECT first_i AS i, count(*) AS c
      FROM (SELECT cust, min(i) AS first_i FROM ${CUSTOMER_PERIODS}${byPurchase ? ' WHERE bought = 1' : ''} GROUP BY 1) f
     GROUP BY 1`);
  return new Map(rows.map((r) => [n(r.i), n(r.c)]));
}

/**
 * Active customers per period by the recency rule: a customer is active in period t when they have
 * an event of any type in periods t−k+1..t. Each distinct (customer, period) of activity covers
 * [i, min(i + k, next activity period)); the store returns only the +1/−1 changes per period and
 * the running sum is taken over that small table.
 */
export async function queryActiveChanges(store: Store, k: number): Promise<Map<number, number>> {
  const d = dialectOf(store);
  const rows = await store.query(`
    WITH cp AS (SELECT cust, i FROM ${CUSTOMER_PERIODS}),
    iv AS (SELECT i AS s, least(i + ${num(k)}, coalesce(${d.lead('i', 'cust', 'i')}, i + ${num(k)})) AS e FROM cp)
    SELECT p, sum(delta) AS delta FROM (SELECT s AS p, 1 AS delta FROM iv UNION ALL SELECT e AS p, -1 AS delta FROM iv) x GROUP BY p`);
  return new Map(rows.map((r) => [n(r.p), n(r.delta)]));
}

export interface ItemFlow {
  itemId: string;
  events: number;
  customers: number;
  share: number;
}

/** Flow per item (brand), largest first: the top `limit`, plus how many items there are and their total. */
export async function queryItemFlow(
  store: Store, w: Window, types: readonly string[], limit: number,
): Promise<{ items: ItemFlow[]; brands: number; total: number }> {
  if (types.length === 0) return { items: [], brands: 0, total: 0 };
  const d = dialectOf(store);
  const rows = await store.query(`
    WITH f AS (SELECT item_id, count(*) AS n_events, count(DISTINCT customer_id) AS customers
                 FROM events WHERE ${windowSql(d, w)} AND type IN (${typeList(d, types)}) AND item_id IS NOT NULL GROUP BY 1)
    SELECT item_id, n_events AS events, customers, ${ratio(d, 'n_events', 'sum(n_events) OVER ()')} AS share,
           count(*) OVER () AS brands, sum(n_events) OVER () AS total
      FROM f ORDER BY n_events DESC, item_id LIMIT ${num(limit)}`);
  return {
    items: rows.map((r) => ({ itemId: String(r.item_id), events: n(r.events), customers: n(r.customers), share: n(r.share) })),
    brands: rows.length ? n(rows[0].brands) : 0,
    total: rows.length ? n(rows[0].total) : 0,
  };
}

export interface ItemPeriodCount {
  itemId: string;
  period: number;
  flow: number;
  purchases: number;
}

/** Flow and purchases per period for the given items. */
export async function queryItemSeries(
  store: Store, period: BrandPeriod, origin: string, w: Window, types: readonly string[], items: readonly string[],
): Promise<ItemPeriodCount[]> {
  if (items.length === 0) return [];
  const d = dialectOf(store);
  const rows = await store.query(`
    SELECT item_id, ${periodIndexSql(d, period, origin)} AS i,
           count(*) FILTER (WHERE type IN (${typeList(d, types.length ? types : ['\u0001'])})) AS flow,
           count(*) FILTER (WHERE type = 'purchase') AS purchases
      FROM events WHERE ${windowSql(d, w)} AND item_id IN (${typeList(d, items)})
     GROUP BY 1, 2`);
  return rows.map((r) => ({ itemId: String(r.item_id), period: n(r.i), flow: n(r.flow), purchases: n(r.purchases) }));
}

export interface IdeaRow {
  itemId: string;
  ideas: number;
  votes: number;
  firstVotePeriod: number | null;
  firstSalePeriod: number | null;
  /** Purchases in the period of the first purchase. */
  orders: number;
}

/**
 * Co-creation: items with idea or vote events. An item that has been bought is a launched idea:
 * its votes are those before its first purchase and its first-period orders are the purchases in
 * the period of its first purchase. An item never bought is an open idea with all its votes.
 */
export async function queryIdeas(store: Store, period: BrandPeriod, origin: string, w: Window): Promise<IdeaRow[]> {
  const d = dialectOf(store);
  const ew = windowSql(d, w).replace(/\bts\b/g, 'e.ts');
  const rows = await store.query(`
    WITH ideas AS (SELECT item_id, count(*) FILTER (WHERE type = 'idea') AS n_ideas FROM events
                    WHERE ${windowSql(d, w)} AND type IN ('idea', 'vote') AND item_id IS NOT NULL GROUP BY 1),
    sales AS (SELECT item_id, min(ts) AS first_sale FROM events
               WHERE ${windowSql(d, w)} AND type = 'purchase' AND item_id IN (SELECT item_id FROM ideas) GROUP BY 1),
    votes AS (SELECT e.item_id AS item_id, count(*) AS n_votes, min(e.ts) AS first_vote FROM events e LEFT JOIN sales s ON s.item_id = e.item_id
               WHERE ${ew} AND e.type = 'vote' AND e.item_id IN (SELECT item_id FROM ideas)
                 AND (s.first_sale IS NULL OR e.ts < s.first_sale) GROUP BY 1),
    orders AS (SELECT e.item_id AS item_id, count(*) AS n_orders FROM events e JOIN sales s ON s.item_id = e.item_id
                WHERE ${ew} AND e.type = 'purchase' AND ${periodStartSql(d, period, 'e.ts')} = ${periodStartSql(d, period, 's.first_sale')} GROUP BY 1)
    SELECT i.item_id AS item_id, i.n_ideas AS ideas, coalesce(v.n_votes, 0) AS votes,
           CASE WHEN v.first_vote IS NULL THEN NULL ELSE ${periodIndexSql(d, period, origin, 'v.first_vote')} END AS first_vote_i,
           CASE WHEN s.first_sale IS NULL THEN NULL ELSE ${periodIndexSql(d, period, origin, 's.first_sale')} END AS first_sale_i,
           coalesce(o.n_orders, 0) AS orders
      FROM ideas i LEFT JOIN votes v ON v.item_id = i.item_id LEFT JOIN sales s ON s.item_id = i.item_id
      LEFT JOIN orders o ON o.item_id = i.item_id
     ORDER BY 1`);
  return rows.map((r) => ({
    itemId: String(r.item_id),
    ideas: n(r.ideas),
    votes: n(r.votes),
    firstVotePeriod: r.first_vote_i === null ? null : n(r.first_vote_i),
    firstSalePeriod: r.first_sale_i === null ? null : n(r.first_sale_i),
    orders: n(r.orders),
  }));
}

export interface ClvSnapshot {
  customers: number;
  pAliveSum: number | null;
  equity: number | null;
}

/** Σ P(alive) and Σ CLV from the store table clv_scores, when the CLV models have written it. */
export async function queryClvSnapshot(store: Store): Promise<ClvSnapshot | null> {
  const cols = await store.query(`SELECT column_name FROM information_schema.columns WHERE table_name = ${dialectOf(store).lit(TABLES.clvScores)}`);
  if (cols.length === 0) return null;
  const names = new Set(cols.map((c) => String(c.column_name)));
  const pa = names.has('p_alive') ? 'sum(p_alive)' : 'NULL';
  const eq = names.has('clv') ? 'sum(clv)' : 'NULL';
  const [r] = await store.query(`SELECT count(*) AS n, ${pa} AS pa, ${eq} AS eq FROM ${TABLES.clvScores}`);
  const f = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  return { customers: n(r.n), pAliveSum: f(r.pa), equity: f(r.eq) };
}
