/**
 * The per-customer table, computed once per analysis: hash aggregations over the events (no window
 * over all events: ordering runs only on the small purchase-day relations), written to the store as
 * `customer_facts`, with `customer_item_facts` beside it (per customer × item: purchases, carts,
 * saves and the regularity of repeat purchases). Behaviours, segments and experiences read only
 * these two tables (and clv_scores / network_scores through the joins here), never raw events.
 *
 * Other steps can read it instead of scanning the events again (issue #14 item 1): the overview's
 * customers / purchasers / repeat rate / orders per purchaser / new customers per week
 * (first_event), and the CLV summary's first purchase day, purchase days and spend.
 *
 * Sessions: a customer's events with gaps under SESSION_GAP_MINUTES. A purchase is "direct" when the
 * event just before it (by time, then event id) is a search within the SESSION_GAP_MINUTES before it;
 * views before a purchase are the views in the SESSION_GAP_MINUTES up to it.
 */
import type { Store } from '../store/types.js';
import { EVENT_TYPES } from '../domain/events.js';
import { SCORE_DEFAULTS } from '../clv/score.js';
import { SCORES_TABLE as NETWORK_SCORES_TABLE } from '../network/scores.js';

export const CUSTOMER_FACTS_TABLE = 'customer_facts';
export const CUSTOMER_ITEMS_TABLE = 'customer_item_facts';
export const CLV_SCORES_TABLE = SCORE_DEFAULTS.scoresTable;
export { NETWORK_SCORES_TABLE };

export const FACTS_DEFAULTS = {
  sessionGapMinutes: 30,
  /** Channels that count as app / mobile access (lower-cased). */
  appChannels: ['app', 'mobile', 'ios', 'android', 'mobile_app', 'mobile-app'],
  /** A customer × item is regular when it has at least this many purchase days and an interval CV at most maxRegularCv. */
  minRegularPurchases: 3,
  maxRegularCv: 0.35,
};

export interface FactsInfo {
  customers: number;
  /** The end of the data (max ts), the reference for recency and weeks observed. */
  asOf: string | null;
  hasClv: boolean;
  hasNetwork: boolean;
  /** Events in the store by type (all types, 0 when absent). */
  eventsByType: Record<string, number>;
  appEvents: number;
  itemEvents: number;
  propsEvents: number;
}

export async function tableExists(store: Store, name: string): Promise<boolean> {
  const rows = await store.query<{ n: number }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name = '${name}'`);
  return Number(rows[0]?.n ?? 0) > 0;
}

const sqlList = (xs: readonly string[]): string => xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ');

/** Scratch tables of buildCustomerFacts (dropped when it returns). */
const SCRATCH = {
  days: '_facts_purchase_days',
  buckets: '_facts_buckets',
  purchases: '_facts_purchases',
  windows: '_facts_purchase_windows',
  agg: '_facts_agg',
} as const;

/** The G-minute bucket of an event (a fixed grid: consecutive buckets are G minutes apart). */
const bucket = (ts: string, minutes: number): string => `CAST(floor(epoch_us(${ts}) / ${minutes * 60_000_000}) AS BIGINT)`;

/**
 * The statements that build customer_item_facts and customer_facts, in order. Every pass over the
 * events is a hash aggregation or a hash join; ordering (windows) runs only on purchase days.
 *
 * - Sessions (exact): with events on a fixed grid of G-minute buckets (G = the session gap), two events
 *   in one bucket are under G apart, so only a bucket's first event can start a session, and it does
 *   unless the customer's previous bucket holds an event within G of it: one GROUP BY (customer,
 *   bucket) and a join of each bucket to the one before.
 * - Per purchase, the events in the G minutes up to it lie in its bucket or the one before: a hash join
 *   of the purchases to those two buckets gives the views and purchases in that window (as the RANGE
 *   window did) and the event just before the purchase (by time, then event id) within it.
 */
export function customerFactsStatements(o: typeof FACTS_DEFAULTS, hasClv: boolean, hasNetwork: boolean, tables = { facts: CUSTOMER_FACTS_TABLE, items: CUSTOMER_ITEMS_TABLE }): string[] {
  const app = sqlList(o.appChannels);
  const g = o.sessionGapMinutes;
  return [
    // purchases per customer × item × day (item NULL too: the customer's purchase days)
    `CREATE OR REPLACE TEMP TABLE ${SCRATCH.days} AS
      SELECT customer_id, item_id, CAST(ts AS DATE) AS d, count(*) AS n, sum(coalesce(quantity, 1)) AS q, sum(amount) AS spend
      FROM events WHERE type = 'purchase' GROUP BY ALL`,
    `CREATE OR REPLACE TABLE ${tables.items} AS
    WITH gaps AS (
      SELECT customer_id, item_id, d, n, q, spend, d - lag(d) OVER (PARTITION BY customer_id, item_id ORDER BY d) AS gap
      FROM ${SCRATCH.days} WHERE item_id IS NOT NULL
    ), bought AS (
      SELECT customer_id, item_id, sum(n) AS purchases, count(*) AS purchase_days, sum(q) AS quantity, sum(spend) AS spend,
        min(d) AS first_purchase, max(d) AS last_purchase, avg(gap) AS mean_gap_days, stddev_samp(gap) AS sd_gap_days
      FROM gaps GROUP BY ALL
    ), intent AS (
      SELECT customer_id, item_id, count(*) FILTER (WHERE type = 'cart') AS carts, count(*) FILTER (WHERE type = 'save') AS saves,
        max(ts) FILTER (WHERE type = 'cart') AS last_cart
      FROM events WHERE type IN ('cart', 'save') AND item_id IS NOT NULL GROUP BY ALL
    )
    SELECT coalesce(b.customer_id, i.customer_id) AS customer_id, coalesce(b.item_id, i.item_id) AS item_id,
      coalesce(b.purchases, 0) AS purchases, coalesce(b.purchase_days, 0) AS purchase_days, b.quantity, b.spend,
      b.first_purchase, b.last_purchase, b.mean_gap_days, b.sd_gap_days,
      CASE WHEN b.mean_gap_days > 0 THEN b.sd_gap_days / b.mean_gap_days END AS cv_gap,
      coalesce(i.carts, 0) AS carts, coalesce(i.saves, 0) AS saves, i.last_cart
    FROM bought b FULL OUTER JOIN intent i ON i.customer_id = b.customer_id AND i.item_id = b.item_id`,
    `CREATE OR REPLACE TEMP TABLE ${SCRATCH.buckets} AS
      SELECT customer_id, ${bucket('ts', g)} AS b, min(ts) AS first_ts, max(ts) AS last_ts FROM events GROUP BY ALL`,
    `CREATE OR REPLACE TEMP TABLE ${SCRATCH.purchases} AS
      SELECT customer_id, event_id, ts, unnest([b, b - 1]) AS jb FROM (SELECT customer_id, event_id, ts, ${bucket('ts', g)} AS b FROM events WHERE type = 'purchase')`,
    `CREATE OR REPLACE TEMP TABLE ${SCRATCH.windows} AS
      SELECT p.customer_id, count(*) FILTER (WHERE e.type = 'view') AS views_before, count(*) FILTER (WHERE e.type = 'purchase') AS purchases_in_window,
        arg_max(e.type, struct_pack(t := e.ts, i := e.event_id)) FILTER (WHERE struct_pack(t := e.ts, i := e.event_id) < struct_pack(t := p.ts, i := p.event_id)) AS prev_type
      FROM ${SCRATCH.purchases} p JOIN events e ON e.customer_id = p.customer_id AND ${bucket('e.ts', g)} = p.jb
      WHERE e.ts BETWEEN p.ts - INTERVAL ${g} MINUTE AND p.ts
      GROUP BY p.customer_id, p.event_id, p.ts`,
    `CREATE OR REPLACE TEMP TABLE ${SCRATCH.agg} AS
      SELECT customer_id, min(ts) AS first_event, max(ts) AS last_event,
        min(ts) FILTER (WHERE type = 'purchase') AS first_purchase, max(ts) FILTER (WHERE type = 'purchase') AS last_purchase,
        count(*) AS events,
        ${EVENT_TYPES.map((t) => `count(*) FILTER (WHERE type = '${t}') AS n_${t}`).join(',\n        ')},
        count(*) FILTER (WHERE lower(channel) IN (${app}) AND type <> 'exposure') AS app_events,
        count(*) FILTER (WHERE channel IS NOT NULL AND type <> 'exposure') AS channel_events,
        sum(amount) FILTER (WHERE type = 'purchase') AS spend,
        sum(abs(amount)) FILTER (WHERE type = 'return') AS returned,
        count(*) FILTER (WHERE props IS NOT NULL) AS props_events,
        count(*) FILTER (WHERE type = 'cart' AND props IS NOT NULL) AS configured_carts
      FROM events GROUP BY customer_id`,
    `CREATE OR REPLACE TABLE ${tables.facts} AS
    WITH bounds AS (SELECT max(last_event) AS as_of FROM ${SCRATCH.agg}),
    channels AS (
      SELECT customer_id, count(*) AS channels FROM (SELECT DISTINCT customer_id, channel FROM events WHERE type <> 'exposure' AND channel IS NOT NULL) GROUP BY customer_id
    ), distinct_items AS (
      SELECT customer_id, count(*) AS distinct_items FROM (SELECT DISTINCT customer_id, item_id FROM events WHERE item_id IS NOT NULL) GROUP BY customer_id
    ), sessions AS (
      SELECT x.customer_id, count(*) FILTER (WHERE p.b IS NULL OR x.first_ts - p.last_ts > INTERVAL ${g} MINUTE) AS sessions
      FROM ${SCRATCH.buckets} x LEFT JOIN ${SCRATCH.buckets} p ON p.customer_id = x.customer_id AND p.b = x.b - 1 GROUP BY x.customer_id
    ), pw AS (
      SELECT customer_id, count(*) FILTER (WHERE purchases_in_window = 1) AS purchase_sessions,
        count(*) FILTER (WHERE prev_type = 'search') AS direct_purchases,
        sum(views_before) FILTER (WHERE purchases_in_window = 1) AS views_before_purchases
      FROM ${SCRATCH.windows} GROUP BY customer_id
    ), ipt AS (
      SELECT customer_id, count(*) AS purchase_days, avg(gap) AS mean_ipt_days, stddev_samp(gap) AS sd_ipt_days
      FROM (SELECT customer_id, d, d - lag(d) OVER (PARTITION BY customer_id ORDER BY d) AS gap FROM (SELECT DISTINCT customer_id, d FROM ${SCRATCH.days})) GROUP BY customer_id
    ), items AS (
      SELECT customer_id,
        count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS carts_without_purchase,
        count(*) FILTER (WHERE saves > 0 AND purchases = 0) AS saves_without_purchase,
        count(*) FILTER (WHERE purchase_days >= ${o.minRegularPurchases} AND cv_gap <= ${o.maxRegularCv}) AS regular_items,
        arg_min(cv_gap, cv_gap) FILTER (WHERE purchase_days >= ${o.minRegularPurchases}) AS best_item_cv,
        -- ties in the CV (several items bought at the same regular cycle): the shortest cycle, then the item id, so the value does not depend on row order
        arg_min(mean_gap_days, struct_pack(c := cv_gap, m := mean_gap_days, i := item_id)) FILTER (WHERE purchase_days >= ${o.minRegularPurchases} AND cv_gap IS NOT NULL) AS best_item_cycle_days
      FROM ${tables.items} GROUP BY customer_id
    ), a AS (
      SELECT a.customer_id, a.first_event, a.last_event, a.first_purchase, a.last_purchase, a.events,
        ${EVENT_TYPES.map((t) => `a.n_${t}`).join(', ')},
        coalesce(c.channels, 0) AS channels, a.app_events, a.channel_events, coalesce(di.distinct_items, 0) AS distinct_items,
        a.spend, a.returned, CAST(s.sessions AS HUGEINT) AS sessions, coalesce(w.purchase_sessions, 0) AS purchase_sessions,
        coalesce(w.direct_purchases, 0) AS direct_purchases, CAST(w.views_before_purchases AS HUGEINT) AS views_before_purchases,
        a.props_events, a.configured_carts
      FROM ${SCRATCH.agg} a
      LEFT JOIN channels c ON c.customer_id = a.customer_id
      LEFT JOIN distinct_items di ON di.customer_id = a.customer_id
      LEFT JOIN sessions s ON s.customer_id = a.customer_id
      LEFT JOIN pw w ON w.customer_id = a.customer_id
    )
    SELECT a.*,
      coalesce(p.purchase_days, 0) AS purchase_days, p.mean_ipt_days, p.sd_ipt_days,
      CASE WHEN p.mean_ipt_days > 0 THEN p.sd_ipt_days / p.mean_ipt_days END AS cv_ipt,
      CASE WHEN a.sessions > 0 THEN a.purchase_sessions / a.sessions END AS session_conversion,
      CASE WHEN a.n_purchase > 0 THEN a.n_view / a.n_purchase END AS views_per_purchase,
      CASE WHEN a.purchase_sessions > 0 THEN a.views_before_purchases / a.purchase_sessions END AS views_per_purchase_session,
      CASE WHEN a.n_purchase > 0 THEN a.direct_purchases / a.n_purchase END AS direct_share,
      CASE WHEN a.channel_events > 0 THEN a.app_events / a.channel_events END AS app_share,
      coalesce(i.carts_without_purchase, 0) AS carts_without_purchase, coalesce(i.saves_without_purchase, 0) AS saves_without_purchase,
      coalesce(i.regular_items, 0) AS regular_items, i.best_item_cv, i.best_item_cycle_days,
      greatest(date_diff('second', a.first_event, b.as_of) / 604800.0, 0) AS weeks_observed,
      date_diff('second', a.last_event, b.as_of) / 86400.0 AS days_since_last_event,
      date_diff('second', a.last_purchase, b.as_of) / 86400.0 AS days_since_last_purchase,
      ${hasClv ? 'c.p_alive, c.expected_purchases, c.expected_spend, c.clv' : 'NULL::DOUBLE AS p_alive, NULL::DOUBLE AS expected_purchases, NULL::DOUBLE AS expected_spend, NULL::DOUBLE AS clv'},
      ${hasNetwork ? 'n.pagerank, n.core AS kcore, n.community, n.in_degree, n.out_degree, n.referrals, n.network_adjusted_clv' : 'NULL::DOUBLE AS pagerank, NULL::INTEGER AS kcore, NULL::INTEGER AS community, NULL::INTEGER AS in_degree, NULL::INTEGER AS out_degree, NULL::BIGINT AS referrals, NULL::DOUBLE AS network_adjusted_clv'}
    FROM a CROSS JOIN bounds b
    LEFT JOIN ipt p ON p.customer_id = a.customer_id
    LEFT JOIN items i ON i.customer_id = a.customer_id
    ${hasClv ? `LEFT JOIN ${CLV_SCORES_TABLE} c ON c.customer_id = a.customer_id` : ''}
    ${hasNetwork ? `LEFT JOIN ${NETWORK_SCORES_TABLE} n ON n.customer_id = a.customer_id` : ''}`,
  ];
}

/** Builds customer_item_facts and customer_facts (replacing them) and returns what the store records. */
export async function buildCustomerFacts(store: Store, opts: Partial<typeof FACTS_DEFAULTS> = {}): Promise<FactsInfo> {
  const o = { ...FACTS_DEFAULTS, ...opts };
  const hasClv = await tableExists(store, CLV_SCORES_TABLE);
  const hasNetwork = await tableExists(store, NETWORK_SCORES_TABLE);
  try {
    for (const sql of customerFactsStatements(o, hasClv, hasNetwork)) await store.exec(sql);
  } finally {
    await store.exec(Object.values(SCRATCH).map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n'));
  }
  const [t] = await store.query<Record<string, unknown>>(`
    SELECT count(*) AS customers, (SELECT max(ts) FROM events) AS as_of,
      ${EVENT_TYPES.map((x) => `coalesce(sum(n_${x}), 0) AS "${x}"`).join(', ')},
      coalesce(sum(app_events), 0) AS app_events, coalesce(sum(props_events), 0) AS props_events
    FROM ${CUSTOMER_FACTS_TABLE}`);
  const [it] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${CUSTOMER_ITEMS_TABLE}`);
  const eventsByType: Record<string, number> = {};
  for (const x of EVENT_TYPES) eventsByType[x] = Number(t[x] ?? 0);
  const asOf = t.as_of instanceof Date ? t.as_of.toISOString() : t.as_of == null ? null : String(t.as_of);
  return {
    customers: Number(t.customers), asOf, hasClv, hasNetwork, eventsByType,
    appEvents: Number(t.app_events), itemEvents: Number(it.n), propsEvents: Number(t.props_events),
  };
}
