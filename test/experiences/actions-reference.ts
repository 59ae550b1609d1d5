/**
 * The reference for test/experiences/actions-scale.test.ts: src/experiences/actions.ts's buildActions as
 * one SQL statement, verbatim from before it was split per experience to stay within DuckDB's memory
 * limit at 1M customers (issue 10). Kept only to check that the split statements give the same rows.
 */
import type { Store } from '../../src/store/types.js';
import { CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE, tableExists, type FactsInfo } from '../../src/segments/facts.js';
import { CUSTOMER_VIEW } from '../../src/segments/segments.js';
import { EXPERIENCES_TABLE } from '../../src/experiences/assign.js';
import { ACTION_DEFAULTS, type ActionSources } from '../../src/experiences/actions.js';
import { RECOMMENDATIONS_TABLE, REPLENISHMENT_TABLE } from '../../src/experiences/contracts.js';

/** The single statement buildActions ran before it was split (commit 02e679a), writing `table`. */
export async function buildActionsReference(store: Store, info: FactsInfo, table: string, opts: Partial<typeof ACTION_DEFAULTS> = {}): Promise<ActionSources> {
  const o = { ...ACTION_DEFAULTS, ...opts, lift: { ...ACTION_DEFAULTS.lift, ...opts.lift } };
  const recs = await tableExists(store, RECOMMENDATIONS_TABLE);
  const repl = await tableExists(store, REPLENISHMENT_TABLE);
  const next = 'CAST(b.as_of AS DATE) + 1';
  const expectedYear = info.hasClv
    ? 'coalesce(f.expected_purchases, f.purchase_days / greatest(f.weeks_observed, 1) * 52)'
    : 'f.purchase_days / greatest(f.weeks_observed, 1) * 52';
  const aov = 'coalesce(f.spend / nullif(f.n_purchase, 0), b.aov, 0)';
  const atRisk = info.hasClv ? 'coalesce((1 - f.p_alive) * f.clv, 0)' : '0';
  await store.exec(`
    CREATE OR REPLACE TABLE ${table} AS
    WITH b AS (SELECT max(last_event) AS as_of, sum(spend) / nullif(sum(n_purchase), 0) AS aov FROM ${CUSTOMER_FACTS_TABLE}),
    usual AS (
      SELECT customer_id, string_agg(item_id, ' ' ORDER BY purchases DESC, item_id) AS items FROM (
        SELECT customer_id, item_id, purchases, row_number() OVER (PARTITION BY customer_id ORDER BY purchases DESC, item_id) AS r
        FROM ${CUSTOMER_ITEMS_TABLE} WHERE purchases > 0) WHERE r <= ${o.usualItems} GROUP BY customer_id
    ),
    carts AS (
      SELECT customer_id, string_agg(item_id, ' ' ORDER BY last_cart DESC, item_id) AS items, max(last_cart) AS last_cart FROM (
        SELECT customer_id, item_id, last_cart, row_number() OVER (PARTITION BY customer_id ORDER BY last_cart DESC, item_id) AS r
        FROM ${CUSTOMER_ITEMS_TABLE} WHERE carts > 0 AND purchases = 0) WHERE r <= ${o.usualItems} GROUP BY customer_id
    ),
    curate AS (SELECT customer_id FROM ${EXPERIENCES_TABLE} WHERE experience = 'curate'),
    ${recs ? `rec AS (
      SELECT r.customer_id, string_agg(r.item_id, ' ' ORDER BY r.rank) AS items, min(r.model) AS model FROM ${RECOMMENDATIONS_TABLE} r
      JOIN curate USING (customer_id) WHERE r.rank <= ${o.k} GROUP BY r.customer_id
    ),` : ''}
    popular AS (
      SELECT item_id, count(*) AS buyers FROM ${CUSTOMER_ITEMS_TABLE} WHERE purchases > 0 GROUP BY item_id ORDER BY buyers DESC, item_id LIMIT ${o.k + 3 * o.usualItems + 20}
    ),
    pop AS (
      SELECT customer_id, string_agg(item_id, ' ' ORDER BY buyers DESC, item_id) AS items FROM (
        SELECT c.customer_id, p.item_id, p.buyers, row_number() OVER (PARTITION BY c.customer_id ORDER BY p.buyers DESC, p.item_id) AS r
        FROM curate c CROSS JOIN popular p
        WHERE NOT EXISTS (SELECT 1 FROM ${CUSTOMER_ITEMS_TABLE} i WHERE i.customer_id = c.customer_id AND i.item_id = p.item_id AND i.purchases > 0)
      ) WHERE r <= ${o.k} GROUP BY customer_id
    ),
    auto AS (
      ${repl ? `SELECT customer_id, string_agg(coalesce(item_id, '(any)'), ' ' ORDER BY due, item_id) AS items, min(due) AS due,
          string_agg(printf('%s ×%s on %s (80%%: %s to %s)', coalesce(item_id, 'next order'), printf('%.1f', quantity), due, due_lower, due_upper), '; ' ORDER BY due, item_id) AS plan,
          'the replenishment model' AS source
        FROM ${REPLENISHMENT_TABLE} GROUP BY customer_id` : `SELECT customer_id, string_agg(item_id, ' ' ORDER BY due, item_id) AS items, min(due) AS due,
          string_agg(printf('%s ×%s on %s (80%%: %s to %s)', item_id, printf('%.1f', qty), due, lo, hi), '; ' ORDER BY due, item_id) AS plan,
          'each item''s own mean interval ± 1.28 sd (no replenishment table)' AS source
        FROM (
          SELECT i.customer_id, i.item_id, i.quantity / i.purchase_days AS qty,
            greatest(i.last_purchase + CAST(round(i.mean_gap_days) AS INTEGER), ${next}) AS due,
            greatest(i.last_purchase + CAST(round(i.mean_gap_days - ${o.z80} * coalesce(i.sd_gap_days, 0)) AS INTEGER), ${next}) AS lo,
            greatest(i.last_purchase + CAST(round(i.mean_gap_days + ${o.z80} * coalesce(i.sd_gap_days, 0)) AS INTEGER), ${next}) AS hi
          FROM ${CUSTOMER_ITEMS_TABLE} i CROSS JOIN b
          JOIN ${EXPERIENCES_TABLE} e ON e.customer_id = i.customer_id AND e.experience = 'automate'
          WHERE i.purchase_days >= 3 AND i.mean_gap_days > 0 AND i.cv_gap <= 0.35)
        GROUP BY customer_id`}
    ),
    a AS (
      SELECT f.customer_id, v.segment_name AS segment, e.experience, e.reason AS why,
        ${expectedYear} AS ey, ${aov} AS aov, ${atRisk} AS at_risk, b.as_of,
        u.items AS usual_items, c.items AS cart_items, c.last_cart,
        ${recs ? 'r.items AS rec_items, r.model AS rec_model' : 'NULL::VARCHAR AS rec_items, NULL::VARCHAR AS rec_model'},
        p.items AS pop_items, au.items AS auto_items, au.due AS auto_due, au.plan AS auto_plan, au.source AS auto_source,
        f.last_purchase, f.mean_ipt_days, f.n_purchase
      FROM ${CUSTOMER_FACTS_TABLE} f CROSS JOIN b
      JOIN ${EXPERIENCES_TABLE} e USING (customer_id)
      LEFT JOIN ${CUSTOMER_VIEW} v USING (customer_id)
      LEFT JOIN usual u USING (customer_id)
      LEFT JOIN carts c USING (customer_id)
      ${recs ? 'LEFT JOIN rec r USING (customer_id)' : ''}
      LEFT JOIN pop p USING (customer_id)
      LEFT JOIN auto au USING (customer_id)
    ),
    d AS (
      SELECT *,
        CASE experience
          WHEN 'respond' THEN greatest(CAST(last_purchase AS DATE) + CAST(round(coalesce(mean_ipt_days, 0)) AS INTEGER), CAST(as_of AS DATE) + 1)
          WHEN 'coach' THEN CASE
            WHEN cart_items IS NOT NULL AND mean_ipt_days IS NOT NULL THEN greatest(CAST(last_purchase AS DATE) + CAST(round(mean_ipt_days) AS INTEGER), CAST(as_of AS DATE) + 1)
            WHEN cart_items IS NOT NULL THEN greatest(CAST(last_cart AS DATE) + 2, CAST(as_of AS DATE) + 1)
            ELSE CAST(as_of AS DATE) + 7 END
          WHEN 'automate' THEN auto_due
          WHEN 'curate' THEN CAST(as_of AS DATE) + 1
        END AS due
      FROM a
    )
    SELECT customer_id, coalesce(segment, '(unsegmented)') AS segment, experience,
      CASE experience
        WHEN 'respond' THEN 'send a one-click reorder link for ' || coalesce(usual_items, 'their last order')
        WHEN 'curate' THEN printf('show top-%d recommendations', ${o.k})
        WHEN 'coach' THEN CASE WHEN cart_items IS NOT NULL THEN 'nudge to complete the cart on ' || due ELSE 'send a win-back nudge by ' || due || ', before the predicted lapse' END
        WHEN 'automate' THEN 'schedule replenishment: ' || coalesce(auto_plan, 'next order')
        ELSE 'no action'
      END AS action,
      CASE experience
        WHEN 'respond' THEN usual_items
        WHEN 'curate' THEN coalesce(rec_items, pop_items)
        WHEN 'coach' THEN cart_items
        WHEN 'automate' THEN auto_items
      END AS items,
      due,
      CASE experience
        WHEN 'respond' THEN ${o.lift.respond} * ey * aov
        WHEN 'curate' THEN ${o.lift.curate} * ey * aov
        WHEN 'coach' THEN ${o.lift.coach} * greatest(at_risk, aov)
        WHEN 'automate' THEN ${o.lift.automate} * ey * aov
        ELSE 0
      END AS expected_value,
      why || CASE experience
        WHEN 'curate' THEN CASE WHEN rec_items IS NOT NULL THEN ' — items from the ' || rec_model || ' recommendations'
          WHEN pop_items IS NOT NULL THEN ' — items: the brand''s most bought items they have not bought (no recommendations ${recs ? 'for this customer' : 'table'}: popularity fallback)'
          ELSE ' — no items to recommend (the store records no purchased items)' END
        WHEN 'automate' THEN ' — dates and quantities from ' || coalesce(auto_source, 'no per-item history')
        WHEN 'respond' THEN CASE WHEN usual_items IS NULL THEN ' — no item ids recorded: the link reorders their last order' ELSE '' END
        ELSE '' END AS reason
    FROM d ORDER BY customer_id`);
  return { recommendations: recs, replenishment: repl };
}
