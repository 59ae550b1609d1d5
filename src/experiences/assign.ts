/**
 * The four connected customer experiences (DESIGN.md): every customer gets one — respond to desire,
 * curated offering, coach behaviour, automatic execution — or none, from measured signals in
 * customer_facts, with the reason in words and numbers. Rules, first match wins:
 *
 *   none      fewer than `minEvents` events; or no purchase and nothing left in a cart or wishlist;
 *             or churned (P(alive) < `churnedPAlive` and no event for `churnedDays` days)
 *   automate  a regular item: ≥ 3 purchase days of one item with inter-purchase CV ≤ 0.35 (predictable needs)
 *   respond   knows what they want: ≥ `minDirect` purchases straight after a search, ≥ `minDirectShare` of purchases
 *   coach     leaves things undone: ≥ `minAbandonedCarts` items carted and never bought, or lapsing
 *             (P(alive) < `lapsingPAlive`) with CLV at or above the buyers' median
 *   curate    explores before buying: ≥ `minBrowseViews` views per buying session
 *   fallback  a buyer with no strong signal → curate (recommendations are the default offer);
 *             a non-buyer with saved or carted items → coach (a nudge to a first purchase)
 *
 * "Enough data" (for checking against truth, and flagged per customer): observed at least
 * `enoughWeeks` weeks and at least `enoughEvents` events.
 */
import type { Store } from '../store/types.js';
import { CUSTOMER_FACTS_TABLE, type FactsInfo } from '../segments/facts.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';
import { fixedText, sqlPrintf } from '../sql/format.js';

export const EXPERIENCES_TABLE = 'customer_experiences';
export const EXPERIENCES = ['respond', 'curate', 'coach', 'automate', 'none'] as const;
export type Experience = (typeof EXPERIENCES)[number];

export const EXPERIENCE_DEFAULTS = {
  minEvents: 3,
  churnedPAlive: 0.02,
  churnedDays: 180,
  minDirect: 2,
  minDirectShare: 0.3,
  minAbandonedCarts: 2,
  lapsingPAlive: 0.5,
  minBrowseViews: 2.5,
  enoughWeeks: 26,
  enoughEvents: 10,
};


/** Writes customer_experiences(customer_id, experience, reason, enough_data). */
export async function assignExperiences(store: Store, info: FactsInfo, opts: Partial<typeof EXPERIENCE_DEFAULTS> = {}): Promise<void> {
  const o = { ...EXPERIENCE_DEFAULTS, ...opts };
  const d = dialectOf(store);
  // printf-style reasons built the same way on every engine (src/sql/format.ts)
  const printf = (template: string, ...args: (string | number)[]): string => sqlPrintf(d, template, ...args.map(String));
  const f1 = (x: string): string => fixedText(d, x, 1);
  const pct = (x: string): string => printf('%.0f%%', `100 * ${x}`);
  const clv = info.hasClv;
  const lapsing = clv ? `(f.p_alive < ${o.lapsingPAlive} AND f.clv >= m.median_clv AND f.clv > 0)` : 'FALSE';
  const churned = clv ? `(f.p_alive < ${o.churnedPAlive} AND f.days_since_last_event > ${o.churnedDays})` : 'FALSE';
  await replaceTableAs(store, EXPERIENCES_TABLE, `
    WITH m AS (SELECT ${clv ? `${d.quantile('CASE WHEN n_purchase > 0 THEN clv END', 0.5)} AS median_clv FROM ${CUSTOMER_FACTS_TABLE}` : `CAST(NULL AS ${d.types.double}) AS median_clv`}),
    x AS (
      SELECT f.customer_id,
        CASE
          WHEN f.events < ${o.minEvents} THEN 'none'
          WHEN f.n_purchase = 0 AND f.carts_without_purchase = 0 AND f.saves_without_purchase = 0 THEN 'none'
          WHEN ${churned} THEN 'none'
          WHEN f.regular_items >= 1 THEN 'automate'
          WHEN f.direct_purchases >= ${o.minDirect} AND f.direct_share >= ${o.minDirectShare} THEN 'respond'
          WHEN f.carts_without_purchase >= ${o.minAbandonedCarts} OR ${lapsing} THEN 'coach'
          WHEN f.views_per_purchase_session >= ${o.minBrowseViews} THEN 'curate'
          WHEN f.n_purchase > 0 THEN 'curate'
          ELSE 'coach'
        END AS experience,
        CASE
          WHEN f.events < ${o.minEvents} THEN ${printf('too little data: %d events (needs %d)', 'f.events', o.minEvents)}
          WHEN f.n_purchase = 0 AND f.carts_without_purchase = 0 AND f.saves_without_purchase = 0 THEN ${printf('no purchase and nothing left in a cart or wishlist (%d events, none of them intent)', 'f.events')}
          WHEN ${churned} THEN ${printf('churned: P(alive) %s, no event for %d days', f1('f.p_alive'), `CAST(floor(f.days_since_last_event + 0.5) AS ${d.types.int})`)}
          WHEN f.regular_items >= 1 THEN ${printf('predictable needs: %d item(s) bought at regular intervals, the most regular every %s days (coefficient of variation %.2f)', 'f.regular_items', f1('f.best_item_cycle_days'), 'f.best_item_cv')}
          WHEN f.direct_purchases >= ${o.minDirect} AND f.direct_share >= ${o.minDirectShare} THEN ${printf('knows what they want: %d of %d purchases (%s) came straight after a search, %s views per purchase', 'f.direct_purchases', 'f.n_purchase', pct('f.direct_share'), f1('coalesce(f.views_per_purchase, 0)'))}
          WHEN f.carts_without_purchase >= ${o.minAbandonedCarts} THEN ${printf('leaves things undone: %d item(s) carted and never bought', 'f.carts_without_purchase')}
          WHEN ${lapsing} THEN ${printf("lapsing: P(alive) %.2f with CLV %s (buyers' median %s)", 'f.p_alive', f1('f.clv'), f1('m.median_clv'))}
          WHEN f.views_per_purchase_session >= ${o.minBrowseViews} THEN ${printf('explores before buying: %s views per buying session over %d items', f1('f.views_per_purchase_session'), 'f.distinct_items')}
          WHEN f.n_purchase > 0 THEN ${printf('no strong signal (%d purchases, %s views per buying session, %d abandoned carts): recommendations are the default offer', 'f.n_purchase', f1('coalesce(f.views_per_purchase_session, 0)'), 'f.carts_without_purchase')}
          ELSE ${printf('no purchase yet, %d item(s) saved or carted: a nudge toward a first purchase', 'f.carts_without_purchase + f.saves_without_purchase')}
        END AS reason,
        (f.weeks_observed >= ${o.enoughWeeks} AND f.events >= ${o.enoughEvents}) AS enough_data
      FROM ${CUSTOMER_FACTS_TABLE} f CROSS JOIN m
    )
    SELECT * FROM x`);
}
