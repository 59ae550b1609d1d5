/**
 * The per-customer table, computed once per analysis: one SQL pass over the events (one window
 * sort per customer for sessions, plus small passes over purchase days), written to the store as
 * `customer_facts`, with `customer_item_facts` beside it (per customer × item: purchases, carts,
 * saves and the regularity of repeat purchases). Behaviours, segments and experiences read only
 * these two tables (and clv_scores / network_scores through the joins here), never raw events.
 *
 * Other steps can read it instead of scanning the events again (issue #14 item 1): the overview's
 * customers / purchasers / repeat rate / orders per purchaser / new customers per week
 * (first_event), and the CLV summary's first purchase day, purchase days and spend.
 *
 * Sessions: a customer's events with gaps under SESSION_GAP_MINUTES. A purchase is "direct" when the
 * event before it (in the session) is a search; views before a purchase are the views in the
 * SESSION_GAP_MINUTES before it.
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

/** Builds customer_item_facts and customer_facts (replacing them) and returns what the store records. */
export async function buildCustomerFacts(store: Store, opts: Partial<typeof FACTS_DEFAULTS> = {}): Promise<FactsInfo> {
  const o = { ...FACTS_DEFAULTS, ...opts };
  const hasClv = await tableExists(store, CLV_SCORES_TABLE);
  const hasNetwork = await tableExists(store, NETWORK_SCORES_TABLE);
  const app = sqlList(o.appChannels);
  await store.exec(`
    CREATE OR REPLACE TABLE ${CUSTOMER_ITEMS_TABLE} AS
    WITH days AS (
      SELECT customer_id, item_id, CAST(ts AS DATE) AS d, count(*) AS n, sum(coalesce(quantity, 1)) AS q, sum(amount) AS spend
      FROM events WHERE type = 'purchase' AND item_id IS NOT NULL GROUP BY ALL
    ), gaps AS (
      SELECT customer_id, item_id, d, n, q, spend, d - lag(d) OVER (PARTITION BY customer_id, item_id ORDER BY d) AS gap FROM days
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
    FROM bought b FULL OUTER JOIN intent i ON i.customer_id = b.customer_id AND i.item_id = b.item_id;

    CREATE OR REPLACE TABLE ${CUSTOMER_FACTS_TABLE} AS
    WITH bounds AS (SELECT max(ts) AS as_of FROM events),
    w AS (
      SELECT customer_id, ts, type, channel, item_id, amount, props IS NOT NULL AS has_props,
        CASE WHEN lag(ts) OVER win IS NULL OR ts - lag(ts) OVER win > INTERVAL ${o.sessionGapMinutes} MINUTE THEN 1 ELSE 0 END AS new_session,
        lag(type) OVER win AS prev_type,
        count(*) FILTER (WHERE type = 'view') OVER rng AS views_before,
        count(*) FILTER (WHERE type = 'purchase') OVER rng AS purchases_in_window
      FROM events
      WINDOW win AS (PARTITION BY customer_id ORDER BY ts, event_id),
             rng AS (PARTITION BY customer_id ORDER BY ts RANGE BETWEEN INTERVAL ${o.sessionGapMinutes} MINUTE PRECEDING AND CURRENT ROW)
    ), agg AS (
      SELECT customer_id, min(ts) AS first_event, max(ts) AS last_event,
        min(ts) FILTER (WHERE type = 'purchase') AS first_purchase, max(ts) FILTER (WHERE type = 'purchase') AS last_purchase,
        count(*) AS events,
        ${EVENT_TYPES.map((t) => `count(*) FILTER (WHERE type = '${t}') AS n_${t}`).join(',\n        ')},
        count(DISTINCT channel) FILTER (WHERE type <> 'exposure') AS channels,
        count(*) FILTER (WHERE lower(channel) IN (${app}) AND type <> 'exposure') AS app_events,
        count(*) FILTER (WHERE channel IS NOT NULL AND type <> 'exposure') AS channel_events,
        count(DISTINCT item_id) AS distinct_items,
        sum(amount) FILTER (WHERE type = 'purchase') AS spend,
        sum(abs(amount)) FILTER (WHERE type = 'return') AS returned,
        sum(new_session) AS sessions,
        count(*) FILTER (WHERE type = 'purchase' AND purchases_in_window = 1) AS purchase_sessions,
        count(*) FILTER (WHERE type = 'purchase' AND prev_type = 'search') AS direct_purchases,
        sum(views_before) FILTER (WHERE type = 'purchase' AND purchases_in_window = 1) AS views_before_purchases,
        count(*) FILTER (WHERE has_props) AS props_events,
        count(*) FILTER (WHERE type = 'cart' AND has_props) AS configured_carts
      FROM w GROUP BY customer_id
    ), pdays AS (
      SELECT DISTINCT customer_id, CAST(ts AS DATE) AS d FROM events WHERE type = 'purchase'
    ), ipt AS (
      SELECT customer_id, count(*) AS purchase_days, avg(gap) AS mean_ipt_days, stddev_samp(gap) AS sd_ipt_days
      FROM (SELECT customer_id, d, d - lag(d) OVER (PARTITION BY customer_id ORDER BY d) AS gap FROM pdays) GROUP BY customer_id
    ), items AS (
      SELECT customer_id,
        count(*) FILTER (WHERE carts > 0 AND purchases = 0) AS carts_without_purchase,
        count(*) FILTER (WHERE saves > 0 AND purchases = 0) AS saves_without_purchase,
        count(*) FILTER (WHERE purchase_days >= ${o.minRegularPurchases} AND cv_gap <= ${o.maxRegularCv}) AS regular_items,
        arg_min(cv_gap, cv_gap) FILTER (WHERE purchase_days >= ${o.minRegularPurchases}) AS best_item_cv,
        arg_min(mean_gap_days, cv_gap) FILTER (WHERE purchase_days >= ${o.minRegularPurchases}) AS best_item_cycle_days
      FROM ${CUSTOMER_ITEMS_TABLE} GROUP BY customer_id
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
    FROM agg a CROSS JOIN bounds b
    LEFT JOIN ipt p ON p.customer_id = a.customer_id
    LEFT JOIN items i ON i.customer_id = a.customer_id
    ${hasClv ? `LEFT JOIN ${CLV_SCORES_TABLE} c ON c.customer_id = a.customer_id` : ''}
    ${hasNetwork ? `LEFT JOIN ${NETWORK_SCORES_TABLE} n ON n.customer_id = a.customer_id` : ''}
  `);
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
