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
import { dialectOf, tableExists as tableExistsIn, type Dialect } from '../sql/dialect.js';
import { customerSlices, inSlice, isSliced, replaceTableSliced } from '../sql/slices.js';

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

/** Whether the table exists on the store: src/sql/dialect.ts's, re-exported for the callers that import it from facts. */
export { tableExistsIn as tableExists };

/** segments.ts's CUSTOMER_VIEW (not imported: segments.ts imports this module). */
const CUSTOMER_VIEW_NAME = 'customer_table';

const sqlList = (xs: readonly string[]): string => xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(', ');

/** Scratch tables of buildCustomerFacts (each dropped once no later statement reads it; all when it returns). */
const SCRATCH = {
  days: '_facts_purchase_days',
  customerItems: '_facts_customer_items',
  bought: '_facts_bought',
  ipt: '_facts_ipt',
  itemsPerCustomer: '_facts_items_per_customer',
  buckets: '_facts_buckets',
  sessions: '_facts_sessions',
  windows: '_facts_purchase_windows',
  channels: '_facts_channels',
  agg: '_facts_agg',
} as const;

/**
 * The purchase windows hold less per event than the funnel's journeys, on which customerSlices is calibrated: at 108M
 * events and 1 GB they ran in 2 slices (failed in one statement), so they take a third of the slices (4 of 10 there:
 * 52 → 47 s). The final joins keep every slice: with clv_scores and network_scores joined they failed in 4 of 10 (in 2
 * without them). The funnel's touch summary fits in 3 of 10 but gains little (47 → 42 s) and its touch paths failed
 * in 4: they keep all ten.
 */
export const WINDOWS_SLICE_SHARE = 3;

/** The G-minute bucket of an event (a fixed grid: consecutive buckets are G minutes apart). */
const bucket = (d: Dialect, ts: string, minutes: number): string => `CAST(floor(CAST(${d.epochMicros(ts)} AS ${d.types.double}) / ${minutes * 60_000_000}) AS ${d.types.bigint})`;

/**
 * The statements that build customer_item_facts and customer_facts, in order. Every pass over the
 * events is a hash aggregation or a hash join; ordering (windows) runs only on purchase days.
 *
 * - Sessions (exact): with events on a fixed grid of G-minute buckets (G = the session gap), two events
 *   in one bucket are under G apart, so only a bucket's first event can start a session, and it does
 *   unless the customer's previous bucket holds an event within G of it: one GROUP BY (customer,
 *   bucket) and a join of each bucket to the one before (on a store in slices, `slices` > 1, a window
 *   over the buckets instead).
 * - Per purchase, the events in the G minutes up to it lie in its bucket or the one before: a hash join
 *   of the purchases to those two buckets gives the views and purchases in that window (as the RANGE
 *   window did) and the event just before the purchase (by time, then event id) within it.
 */
export function customerFactsStatements(o: typeof FACTS_DEFAULTS, hasClv: boolean, hasNetwork: boolean, tables = { facts: CUSTOMER_FACTS_TABLE, items: CUSTOMER_ITEMS_TABLE }, d: Dialect = dialectOf('duckdb'), slices = 1): [name: string, select: string, temp: boolean, sliceShare?: number][] {
  const app = sqlList(o.appChannels);
  const g = o.sessionGapMinutes;
  const { types: t } = d;
  const dbl = (e: string): string => `CAST(${e} AS ${t.double})`;
  const bk = (ts: string): string => bucket(d, ts, g);
  const gap = (partitionBy: string): string => d.lag('d', { partitionBy, orderBy: 'd' });
  // a per-customer table's rows of the slice (a join builds on the slice, not the whole table)
  const sliceOf = (table: string): string => `(SELECT * FROM ${table} WHERE ${inSlice('customer_id')})`;
  // One text for every engine: the dialect's hooks for counts (signed on ClickHouse), lag, arg_min/arg_max,
  // sample sd (NULL below two values), dates and seconds; divisions are of doubles (Postgres divides integers).
  return [
    // purchases per customer × item × day (item NULL too: the customer's purchase days)
    [SCRATCH.days, `
      SELECT customer_id, item_id, ${d.toDate('ts')} AS d, ${d.countIf()} AS n, sum(coalesce(quantity, 1)) AS q, sum(amount) AS day_spend
      FROM events WHERE type = 'purchase' GROUP BY customer_id, item_id, ${d.toDate('ts')}`, true],
    // every customer × item the events name: its carts, saves and whether it was bought (customer_item_facts), and
    // the customer's distinct items, in one pass
    [SCRATCH.customerItems, `
      SELECT customer_id, item_id, ${d.countIf("type = 'cart'")} AS carts, ${d.countIf("type = 'save'")} AS saves,
        max(CASE WHEN type = 'cart' THEN ts END) AS last_cart, ${d.countIf("type = 'purchase'")} AS purchases
      FROM events WHERE item_id IS NOT NULL GROUP BY customer_id, item_id`, true],
    // the bought customer × items with the regularity of their purchase days (customer_item_facts and the customer's regular items read it)
    [SCRATCH.bought, `
      SELECT customer_id, item_id, purchases, purchase_days, quantity, spend, first_purchase, last_purchase, mean_gap_days, sd_gap_days,
        CASE WHEN mean_gap_days > 0 THEN sd_gap_days / mean_gap_days END AS cv_gap
      FROM (SELECT customer_id, item_id, CAST(sum(n) AS ${t.bigint}) AS purchases, ${d.countIf()} AS purchase_days, sum(q) AS quantity, sum(day_spend) AS spend,
          min(d) AS first_purchase, max(d) AS last_purchase, avg(gap) AS mean_gap_days, ${d.stddevSamp('gap')} AS sd_gap_days
        FROM (SELECT customer_id, item_id, d, n, q, day_spend, ${d.daysBetween('d', gap('customer_id, item_id'))} AS gap
          FROM ${SCRATCH.days} WHERE item_id IS NOT NULL) g0
        GROUP BY customer_id, item_id) b0`, true],
    // the customer × items bought, carted or saved: every bought one is among the customer × items the events name
    // (a purchase with an item is such an event), so a left join of those to the bought ones (not a full outer join)
    [tables.items, `
    SELECT i.customer_id AS customer_id, i.item_id AS item_id,
      coalesce(b.purchases, 0) AS purchases, coalesce(b.purchase_days, 0) AS purchase_days, b.quantity AS quantity, b.spend AS spend,
      b.first_purchase AS first_purchase, b.last_purchase AS last_purchase, b.mean_gap_days AS mean_gap_days, b.sd_gap_days AS sd_gap_days,
      b.cv_gap AS cv_gap, i.carts AS carts, i.saves AS saves, i.last_cart AS last_cart
    FROM ${SCRATCH.customerItems} i LEFT JOIN ${SCRATCH.bought} b ON b.customer_id = i.customer_id AND b.item_id = i.item_id
    WHERE i.purchases > 0 OR i.carts > 0 OR i.saves > 0`, false],
    // per customer from the customer × items (scratch, not the table just written): an item carted or saved and never
    // bought is a customer × item row with no purchase; regular items are bought ones
    [SCRATCH.itemsPerCustomer, `
    WITH named AS (
      SELECT customer_id, ${d.countIf()} AS distinct_items,
        ${d.countIf('carts > 0 AND purchases = 0')} AS carts_without_purchase,
        ${d.countIf('saves > 0 AND purchases = 0')} AS saves_without_purchase
      FROM ${SCRATCH.customerItems} GROUP BY customer_id
    ), regular AS (
      SELECT customer_id,
        ${d.countIf(`purchase_days >= ${o.minRegularPurchases} AND cv_gap <= ${o.maxRegularCv}`)} AS regular_items,
        min(CASE WHEN purchase_days >= ${o.minRegularPurchases} THEN cv_gap END) AS best_item_cv,
        -- ties in the CV (several items bought at the same regular cycle): the shortest cycle, then the item id, so the value does not depend on row order
        ${d.argMin('mean_gap_days', ['cv_gap', 'mean_gap_days', 'item_id'], `purchase_days >= ${o.minRegularPurchases} AND cv_gap IS NOT NULL`)} AS best_item_cycle_days
      FROM ${SCRATCH.bought} GROUP BY customer_id
    )
    SELECT n.customer_id AS customer_id, n.distinct_items AS distinct_items, n.carts_without_purchase AS carts_without_purchase,
      n.saves_without_purchase AS saves_without_purchase, r.regular_items AS regular_items, r.best_item_cv AS best_item_cv,
      r.best_item_cycle_days AS best_item_cycle_days
    FROM named n LEFT JOIN regular r ON r.customer_id = n.customer_id`, true],
    [SCRATCH.ipt, `
      SELECT customer_id, ${d.countIf()} AS purchase_days, avg(gap) AS mean_ipt_days, ${d.stddevSamp('gap')} AS sd_ipt_days
      FROM (SELECT customer_id, d, ${d.daysBetween('d', gap('customer_id'))} AS gap FROM (SELECT DISTINCT customer_id, d FROM ${SCRATCH.days}) d0) d1 GROUP BY customer_id`, true],
    [SCRATCH.buckets, `
      SELECT customer_id, ${bk('ts')} AS b, min(ts) AS first_ts, max(ts) AS last_ts FROM events GROUP BY customer_id, ${bk('ts')}`, true],
    [SCRATCH.sessions, slices <= 1 ? `
      SELECT x.customer_id AS customer_id, ${d.countIf(`p.b IS NULL OR x.first_ts > ${d.addSeconds('p.last_ts', 60 * g)}`)} AS sessions
      FROM ${SCRATCH.buckets} x LEFT JOIN ${SCRATCH.buckets} p ON p.customer_id = x.customer_id AND p.b = x.b - 1
      GROUP BY x.customer_id`
      // a store in slices: the customer's previous bucket by a window (a sort DuckDB spills: one statement) instead of the
      // self-join, which does not fit in one and in slices read the buckets twice per slice (108M events: 17 s instead
      // of 62 s in ten slices; at 10.8M the join takes 0.72 s, the window 0.93 s)
      // (the previous bucket need not be the adjacent one: an earlier bucket's last event is more than G before this one's first)
      : `
      SELECT customer_id, ${d.countIf(`plast IS NULL OR first_ts > ${d.addSeconds('plast', 60 * g)}`)} AS sessions
      FROM (SELECT customer_id, first_ts, ${d.lag('last_ts', { partitionBy: 'customer_id', orderBy: 'b' })} AS plast FROM ${SCRATCH.buckets}) x0
      GROUP BY customer_id`, true],
    // each purchase joins its own bucket and the one before (two rows per purchase, from one scan of the purchases),
    // then per customer
    [SCRATCH.windows, `
      SELECT customer_id, ${d.countIf('purchases_in_window = 1')} AS purchase_sessions,
        ${d.countIf("prev_type = 'search'")} AS direct_purchases,
        sum(CASE WHEN purchases_in_window = 1 THEN views_before END) AS views_before_purchases
      FROM (
        SELECT p.customer_id AS customer_id, ${d.countIf("e.type = 'view'")} AS views_before, ${d.countIf("e.type = 'purchase'")} AS purchases_in_window,
          ${d.argMax('e.type', ['e.ts', 'e.event_id'], '(e.ts < p.ts OR (e.ts = p.ts AND e.event_id < p.event_id))')} AS prev_type
        FROM (SELECT p0.customer_id AS customer_id, p0.event_id AS event_id, p0.ts AS ts, p0.b - k.o AS jb
              FROM (SELECT customer_id, event_id, ts, ${bk('ts')} AS b FROM events WHERE type = 'purchase' AND ${inSlice('customer_id')}) p0
              CROSS JOIN (SELECT 0 AS o UNION ALL SELECT 1 AS o) k) p
        JOIN events e ON e.customer_id = p.customer_id AND ${bk('e.ts')} = p.jb
        WHERE e.ts >= ${d.addSeconds('p.ts', -60 * g)} AND e.ts <= p.ts AND ${inSlice('e.customer_id')}
        GROUP BY p.customer_id, p.event_id, p.ts) w0
      GROUP BY customer_id`, true, WINDOWS_SLICE_SHARE],
    // channels per customer: hash aggregates DuckDB spills, so one statement at any size (inside the final, sliced
    // statement it read the events once per slice)
    [SCRATCH.channels, `
      SELECT customer_id, ${d.countIf()} AS channels, CAST(sum(CASE WHEN lower(channel) IN (${app}) THEN n END) AS ${t.bigint}) AS app_events,
        CAST(sum(n) AS ${t.bigint}) AS channel_events
      FROM (SELECT customer_id, channel, ${d.countIf()} AS n FROM events WHERE type <> 'exposure' AND channel IS NOT NULL GROUP BY customer_id, channel) c0
      GROUP BY customer_id`, true],
    [SCRATCH.agg, `
      SELECT customer_id, min(ts) AS first_event, max(ts) AS last_event,
        min(CASE WHEN type = 'purchase' THEN ts END) AS first_purchase, max(CASE WHEN type = 'purchase' THEN ts END) AS last_purchase,
        ${d.countIf()} AS events,
        ${EVENT_TYPES.map((x) => `${d.countIf(`type = '${x}'`)} AS n_${x}`).join(',\n        ')},
        sum(CASE WHEN type = 'purchase' THEN amount END) AS spend,
        sum(CASE WHEN type = 'return' THEN abs(amount) END) AS returned,
        ${d.countIf('props IS NOT NULL')} AS props_events,
        ${d.countIf("type = 'cart' AND props IS NOT NULL")} AS configured_carts
      FROM events GROUP BY customer_id`, true],
    [tables.facts, `
    WITH bounds AS (SELECT max(last_event) AS as_of FROM ${SCRATCH.agg}),
    a AS (
      SELECT a.customer_id AS customer_id, a.first_event AS first_event, a.last_event AS last_event, a.first_purchase AS first_purchase,
        a.last_purchase AS last_purchase, a.events AS events,
        ${EVENT_TYPES.map((x) => `a.n_${x} AS n_${x}`).join(', ')},
        coalesce(c.channels, 0) AS channels, coalesce(c.app_events, 0) AS app_events, coalesce(c.channel_events, 0) AS channel_events, coalesce(di.distinct_items, 0) AS distinct_items,
        a.spend AS spend, a.returned AS returned, CAST(s.sessions AS ${t.bigint}) AS sessions, coalesce(w.purchase_sessions, 0) AS purchase_sessions,
        coalesce(w.direct_purchases, 0) AS direct_purchases, CAST(w.views_before_purchases AS ${t.bigint}) AS views_before_purchases,
        a.props_events AS props_events, a.configured_carts AS configured_carts,
        di.carts_without_purchase AS carts_without_purchase, di.saves_without_purchase AS saves_without_purchase, di.regular_items AS regular_items,
        di.best_item_cv AS best_item_cv, di.best_item_cycle_days AS best_item_cycle_days
      FROM ${SCRATCH.agg} a
      LEFT JOIN ${sliceOf(SCRATCH.channels)} c ON c.customer_id = a.customer_id
      LEFT JOIN ${sliceOf(SCRATCH.itemsPerCustomer)} di ON di.customer_id = a.customer_id
      LEFT JOIN ${sliceOf(SCRATCH.sessions)} s ON s.customer_id = a.customer_id
      LEFT JOIN ${sliceOf(SCRATCH.windows)} w ON w.customer_id = a.customer_id
      WHERE ${inSlice('a.customer_id')}
    )
    SELECT ${['customer_id', 'first_event', 'last_event', 'first_purchase', 'last_purchase', 'events', ...EVENT_TYPES.map((x) => `n_${x}`), 'channels', 'app_events', 'channel_events',
      'distinct_items', 'spend', 'returned', 'sessions', 'purchase_sessions', 'direct_purchases', 'views_before_purchases', 'props_events', 'configured_carts'].map((c) => `a.${c} AS ${c}`).join(', ')},
      coalesce(p.purchase_days, 0) AS purchase_days, p.mean_ipt_days AS mean_ipt_days, p.sd_ipt_days AS sd_ipt_days,
      CASE WHEN p.mean_ipt_days > 0 THEN p.sd_ipt_days / p.mean_ipt_days END AS cv_ipt,
      CASE WHEN a.sessions > 0 THEN ${dbl('a.purchase_sessions')} / a.sessions END AS session_conversion,
      CASE WHEN a.n_purchase > 0 THEN ${dbl('a.n_view')} / a.n_purchase END AS views_per_purchase,
      CASE WHEN a.purchase_sessions > 0 THEN ${dbl('a.views_before_purchases')} / a.purchase_sessions END AS views_per_purchase_session,
      CASE WHEN a.n_purchase > 0 THEN ${dbl('a.direct_purchases')} / a.n_purchase END AS direct_share,
      CASE WHEN a.channel_events > 0 THEN ${dbl('a.app_events')} / a.channel_events END AS app_share,
      coalesce(a.carts_without_purchase, 0) AS carts_without_purchase, coalesce(a.saves_without_purchase, 0) AS saves_without_purchase,
      coalesce(a.regular_items, 0) AS regular_items, a.best_item_cv AS best_item_cv, a.best_item_cycle_days AS best_item_cycle_days,
      greatest(${secondsBetween(d, 'a.first_event', 'b.as_of')} / 604800.0, 0) AS weeks_observed,
      ${secondsBetween(d, 'a.last_event', 'b.as_of')} / 86400.0 AS days_since_last_event,
      ${secondsBetween(d, 'a.last_purchase', 'b.as_of')} / 86400.0 AS days_since_last_purchase,
      ${hasClv ? 'c.p_alive AS p_alive, c.expected_purchases AS expected_purchases, c.expected_spend AS expected_spend, c.clv AS clv' : ['p_alive', 'expected_purchases', 'expected_spend', 'clv'].map((x) => `CAST(NULL AS ${t.double}) AS ${x}`).join(', ')},
      ${hasNetwork ? 'n.pagerank AS pagerank, n.core AS kcore, n.community AS community, n.in_degree AS in_degree, n.out_degree AS out_degree, n.referrals AS referrals, n.network_adjusted_clv AS network_adjusted_clv' : `CAST(NULL AS ${t.double}) AS pagerank, CAST(NULL AS ${t.int}) AS kcore, CAST(NULL AS ${t.int}) AS community, CAST(NULL AS ${t.int}) AS in_degree, CAST(NULL AS ${t.int}) AS out_degree, CAST(NULL AS ${t.bigint}) AS referrals, CAST(NULL AS ${t.double}) AS network_adjusted_clv`}
    FROM a CROSS JOIN bounds b
    LEFT JOIN ${sliceOf(SCRATCH.ipt)} p ON p.customer_id = a.customer_id
    ${hasClv ? `LEFT JOIN ${sliceOf(CLV_SCORES_TABLE)} c ON c.customer_id = a.customer_id` : ''}
    ${hasNetwork ? `LEFT JOIN ${sliceOf(NETWORK_SCORES_TABLE)} n ON n.customer_id = a.customer_id` : ''}`, false],
  ];
}

/** Whole seconds from `from` to `to` (DuckDB's date_diff('second'): the difference of the truncated epoch seconds), as a double. */
function secondsBetween(d: Dialect, from: string, to: string): string {
  return d.name === 'duckdb'
    ? `date_diff('second', ${from}, ${to})`
    : `(floor(${d.epochSeconds(to)}) - floor(${d.epochSeconds(from)}))`;
}

/** Builds customer_item_facts and customer_facts (replacing them) and returns what the store records. */
export async function buildCustomerFacts(store: Store, opts: Partial<typeof FACTS_DEFAULTS> = {}): Promise<FactsInfo> {
  const o = { ...FACTS_DEFAULTS, ...opts };
  const hasClv = await tableExistsIn(store, CLV_SCORES_TABLE);
  const hasNetwork = await tableExistsIn(store, NETWORK_SCORES_TABLE);
  // the customer view (segments.ts) reads these tables: Postgres will not drop a table a view depends on
  await store.exec(`DROP VIEW IF EXISTS ${CUSTOMER_VIEW_NAME}`);
  try {
    // the statements marked with inSlice hold per-customer states DuckDB cannot spill: on a large store, in slices
    const [{ n: events }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
    const slices = await customerSlices(store, Number(events));
    const statements = customerFactsStatements(o, hasClv, hasNetwork, undefined, dialectOf(store), slices);
    const live = new Set<string>();
    for (const [i, [name, select, temp, share]] of statements.entries()) {
      await replaceTableSliced(store, name, isSliced(select) ? Math.ceil(slices / (share ?? 1)) : 1, select, { temp });
      if (temp) live.add(name);
      // a scratch table no later statement reads is dropped at once: the big statements at the end then run beside
      // the per-customer tables only, not the 5M-row buckets or the 2M-row purchase days (DuckDB's memory limit spills)
      const later = statements.slice(i + 1).map((x) => x[1]).join('\n');
      const done = [...live].filter((t) => !later.includes(t));
      for (const t of done) live.delete(t);
      if (done.length) await store.exec(done.map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n'));
    }
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
