/**
 * The concrete next action per customer, with its expected value, into the store table
 * customer_actions(customer_id, segment, experience, action, items, due, expected_value, reason) —
 * exactly one row per customer of customer_facts.
 *
 *   respond  → a one-click reorder link for the customer's usual items (top 3 by purchases)
 *   curate   → top-k items from the `recommendations` table when it has rows for the customer; else the
 *              brand's most bought items the customer has not bought (a popularity fallback, said in the reason)
 *   coach    → a timed nudge: the abandoned cart's items, when they would usually buy again (last purchase +
 *              mean interval) or two days after the last cart; a win-back for lapsing customers within a week
 *   automate → per regular item: the next date and quantity with an 80% interval, from the `replenishment`
 *              table when present; else last purchase + mean interval ± 1.2816 sd (a normal interval), quantity
 *              = mean quantity per purchase day (the reason says which)
 *   none     → no action, expected value 0
 * Due dates are never before the day after the end of the data.
 *
 * Expected value (money, the store's currency): lift × expected purchases in the next year × mean order
 * value, with expected purchases from clv_scores (BG/NBD) when present, else the customer's purchase
 * days per week observed × 52; coach: lift × max((1 − P(alive)) · CLV, mean order value). Lifts are
 * assumptions (ACTION_DEFAULTS.lift), stated in the result; measure them with an experiment.
 */
import type { Store } from '../store/types.js';
import { CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE, tableExists, type FactsInfo } from '../segments/facts.js';
import { SEGMENT_NAMES_TABLE, SEGMENTS_TABLE } from '../segments/segments.js';
import { EXPERIENCES_TABLE } from './assign.js';
import { RECOMMENDATION_PARTS, RECOMMENDATIONS_TABLE, REPLENISHMENT_TABLE } from './contracts.js';
import { dialectOf, replaceTableAs, viewExists } from '../sql/dialect.js';
import { sqlPrintf } from '../sql/format.js';

export const ACTIONS_TABLE = 'customer_actions';
export const ACTION_COLUMNS = ['customer_id', 'segment', 'experience', 'action', 'items', 'due', 'expected_value', 'reason'] as const;

export const ACTION_DEFAULTS = {
  k: 10,
  usualItems: 3,
  lift: { respond: 0.05, curate: 0.03, coach: 0.1, automate: 0.15 },
  /** z of the 80% normal interval for replenishment dates (fallback). */
  z80: 1.2816,
};

export interface ActionSources {
  recommendations: boolean;
  replenishment: boolean;
}

export function actionAssumptions(lift = ACTION_DEFAULTS.lift): string[] {
  return [
    `respond: a one-click reorder link lifts next-year purchases by ${lift.respond * 100}%`,
    `curate: top-k recommendations lift next-year purchases by ${lift.curate * 100}%`,
    `coach: a timed nudge wins back ${lift.coach * 100}% of the value at risk ((1 − P(alive)) · CLV), at least of one order`,
    `automate: scheduled replenishment lifts next-year purchases by ${lift.automate * 100}%`,
    'expected purchases in the next year: BG/NBD (clv_scores) when present, else purchase days per week observed × 52; order value: the customer\'s mean, else the brand\'s',
  ];
}

/**
 * Scratch tables of buildActions (the brand-wide base rows, the popular items, one experience's item lists), dropped when
 * it returns: temporary tables, so nothing is compressed and written to the store file for them.
 */
const SCRATCH = {
  base: '_actions_base',
  popular: '_actions_popular',
  rec: '_actions_rec',
  norec: '_actions_norec',
  bought: '_actions_bought',
  own: '_actions_own',
  list: '_actions_list',
} as const;

export async function buildActions(store: Store, info: FactsInfo, opts: Partial<typeof ACTION_DEFAULTS> = {}): Promise<ActionSources> {
  const o = { ...ACTION_DEFAULTS, ...opts, lift: { ...ACTION_DEFAULTS.lift, ...opts.lift } };
  const d = dialectOf(store);
  const norec = d.semiJoin('anti', `(SELECT customer_id FROM ${SCRATCH.rec} WHERE customer_id IS NOT NULL)`, 'nr', 'nr.customer_id = x.customer_id');
  const inNorec = d.semiJoin('semi', SCRATCH.norec, 'nr', 'nr.customer_id = i.customer_id');
  const duck = d.name === 'duckdb';
  const t = d.types;
  /** Whole days, rounded half up (the engines' round() differ on ties), as an integer to add to a date. */
  const days = (x: string): string => `CAST(floor(${x} + 0.5) AS ${t.int})`;
  const recs = await tableExists(store, RECOMMENDATIONS_TABLE);
  const repl = await tableExists(store, REPLENISHMENT_TABLE);
  // the recommendations view's parts, read directly (the view would join every short customer to their fill rows)
  const recParts = duck && recs && (await viewExists(store, RECOMMENDATIONS_TABLE)) && (await tableExists(store, RECOMMENDATION_PARTS.model))
    && (await tableExists(store, RECOMMENDATION_PARTS.fill)) && (await tableExists(store, RECOMMENDATION_PARTS.short));
  const expectedYear = info.hasClv
    ? 'coalesce(f.expected_purchases, f.purchase_days / greatest(f.weeks_observed, 1) * 52)'
    : 'f.purchase_days / greatest(f.weeks_observed, 1) * 52';
  const aov = 'coalesce(f.spend / nullif(f.n_purchase, 0), b.aov, 0)';
  const atRisk = info.hasClv ? 'coalesce((1 - f.p_alive) * f.clv, 0)' : '0';
  const next = `${d.toDate('x.as_of')} + 1`;
  /** One experience's customers: x, their base rows. */
  const cohort = (experience: string): string => `WITH x AS (SELECT * FROM ${SCRATCH.base} WHERE experience = '${experience}')`;
  /**
   * One experience's rows: first each scratch table of `lists` (a query over x, that experience's customers),
   * each its own statement so none holds another's lists, then one INSERT joining them (`joins`) to x.
   */
  const insert = async (experience: string, lists: { table: string; sql: string }[], joins: string, cols: { action: string; items: string; due: string; ev: string; reason: string }): Promise<void> => {
    for (const l of lists) await replaceTableAs(store, l.table, `${cohort(experience)} ${l.sql}`, { temp: true });
    await store.exec(`
      INSERT INTO ${ACTIONS_TABLE}
      ${cohort(experience)}
      SELECT x.customer_id, x.segment, x.experience, ${cols.action} AS action, ${cols.items} AS items, ${cols.due} AS due,
        ${cols.ev} AS expected_value, ${cols.reason} AS reason
      FROM x ${joins}`);
  };
  /**
   * The top `usualItems` items per customer of x among customer_item_facts rows matching `where`, smallest `key`
   * first (a struct: lexicographic), space-separated: a top-n aggregate, so memory stays at n items per customer.
   */
  const topItems = (where: string, key: readonly string[], lastCart = false): string => duck
    ? `
      SELECT i.customer_id, array_to_string(arg_min(i.item_id, (${key.join(', ')}), ${o.usualItems}), ' ') AS items${lastCart ? ', max(i.last_cart) AS last_cart' : ''}
      FROM ${CUSTOMER_ITEMS_TABLE} i SEMI JOIN x ON x.customer_id = i.customer_id WHERE ${where} GROUP BY i.customer_id`
    : // Postgres, ClickHouse: no top-n aggregate; rank the rows, keep the first n, join them in rank order
    `
      SELECT customer_id, ${d.stringAgg('CASE WHEN rn <= ' + o.usualItems + ' THEN item_id END', ' ', ['rn'])} AS items${lastCart ? ', max(lc) AS last_cart' : ''}
      FROM (SELECT i.customer_id AS customer_id, i.item_id AS item_id, i.last_cart AS lc,
              row_number() OVER (PARTITION BY i.customer_id ORDER BY ${key.join(', ')}) AS rn
            FROM ${CUSTOMER_ITEMS_TABLE} i WHERE i.customer_id IN (SELECT customer_id FROM x) AND ${where}) r0
      GROUP BY customer_id`;
  /** One column per rank 1..k of alias `a`'s rows (r1, r2, …): the item at that rank. */
  const rankColumns = (a: string): string => Array.from({ length: o.k }, (_, i) => `max(CASE WHEN ${a}.rank = ${i + 1} THEN ${a}.item_id END) AS r${i + 1}`).join(', ');
  try {
    await replaceTableAs(store, SCRATCH.base, `
      WITH b AS (SELECT max(last_event) AS as_of, sum(spend) / nullif(sum(n_purchase), 0) AS aov FROM ${CUSTOMER_FACTS_TABLE})
      SELECT f.customer_id AS customer_id, coalesce(v.segment_name, '(unsegmented)') AS segment, e.experience AS experience, e.reason AS why,
        ${expectedYear} AS ey, ${aov} AS aov, ${atRisk} AS at_risk, b.as_of AS as_of, f.last_purchase AS last_purchase, f.mean_ipt_days AS mean_ipt_days
      FROM ${CUSTOMER_FACTS_TABLE} f CROSS JOIN b
      JOIN ${EXPERIENCES_TABLE} e ON e.customer_id = f.customer_id
      LEFT JOIN ${SEGMENTS_TABLE} s ON s.customer_id = f.customer_id LEFT JOIN ${SEGMENT_NAMES_TABLE} v ON v.segment = s.segment`, { temp: true });
    const none = (type: string): string => `CAST(NULL AS ${type})`;
    await replaceTableAs(store, ACTIONS_TABLE, `
      SELECT customer_id, ${none(t.text)} AS segment, ${none(t.text)} AS experience, ${none(t.text)} AS action, ${none(t.text)} AS items,
        ${none(t.date)} AS due, ${none(t.double)} AS expected_value, ${none(t.text)} AS reason
      FROM ${SCRATCH.base} LIMIT 0`);
    await replaceTableAs(store, SCRATCH.popular, `
      SELECT item_id, buyers, row_number() OVER (ORDER BY buyers DESC, item_id) AS pr FROM (
        SELECT item_id, count(*) AS buyers FROM ${CUSTOMER_ITEMS_TABLE} WHERE purchases > 0 GROUP BY item_id ORDER BY buyers DESC, item_id LIMIT ${o.k + 3 * o.usualItems + 20}) p0`, { temp: true });

    await insert('respond', [{ table: SCRATCH.list, sql: topItems('i.purchases > 0', ['-i.purchases', 'i.item_id']) }], `LEFT JOIN ${SCRATCH.list} u ON u.customer_id = x.customer_id`, {
      action: `'send a one-click reorder link for ' || coalesce(u.items, 'their last order')`,
      items: 'u.items',
      due: `greatest(${d.toDate('x.last_purchase')} + ${days('coalesce(x.mean_ipt_days, 0)')}, ${next})`,
      ev: `${o.lift.respond} * x.ey * x.aov`,
      reason: `x.why || CASE WHEN u.items IS NULL THEN ' — no item ids recorded: the link reorders their last order' ELSE '' END`,
    });

    // curate: the recommendations when the customer has some; else the most bought items they have not bought.
    // Only the customers who bought one of the popular items need their own list (w); the others share the top k.
    const popItems = 'CASE WHEN w.customer_id IS NOT NULL THEN w.items ELSE top.items END';
    await insert('curate', [
      {
        table: SCRATCH.rec,
        sql: !recs
          ? `SELECT ${none(t.text)} AS customer_id, ${none(t.text)} AS items, ${none(t.text)} AS model WHERE 1 = 0`
          : recParts
          // the view's rows without expanding it: the model's rows per customer and each fill list once, one column
          // per rank (a rank is in one part or the other), joined skipping NULLs; the model is the least of the two
          ? `, own AS (SELECT m.customer_id, ${rankColumns('m')}, min(m.model) AS model FROM ${RECOMMENDATION_PARTS.model} m SEMI JOIN x ON x.customer_id = m.customer_id
               WHERE m.rank <= ${o.k} GROUP BY m.customer_id),
             fl AS (SELECT f.fill, ${rankColumns('f')}, min(f.model) AS model FROM ${RECOMMENDATION_PARTS.fill} f WHERE f.rank <= ${o.k} GROUP BY f.fill)
             SELECT x.customer_id, concat_ws(' ', ${Array.from({ length: o.k }, (_, i) => `coalesce(ow.r${i + 1}, fl.r${i + 1})`).join(', ')}) AS items, least(ow.model, fl.model) AS model
             FROM x LEFT JOIN own ow ON ow.customer_id = x.customer_id LEFT JOIN ${RECOMMENDATION_PARTS.short} s ON s.customer_id = x.customer_id LEFT JOIN fl ON fl.fill = s.fill
             WHERE ow.customer_id IS NOT NULL OR fl.fill IS NOT NULL`
          : duck
          // ranks run 1..n per customer: the items in rank order are one column per rank, joined skipping NULLs
          // (a hash aggregate; an ordered string_agg sorts every customer's rows)
          ? `SELECT r.customer_id, concat_ws(' ', ${Array.from({ length: o.k }, (_, i) => `max(CASE WHEN r.rank = ${i + 1} THEN r.item_id END)`).join(', ')}) AS items, min(r.model) AS model
             FROM ${RECOMMENDATIONS_TABLE} r SEMI JOIN x ON x.customer_id = r.customer_id WHERE r.rank <= ${o.k} GROUP BY r.customer_id`
          : // Postgres, ClickHouse: the items joined in rank order by the dialect's ordered string_agg
          `SELECT r.customer_id AS customer_id, ${d.stringAgg('r.item_id', ' ', ['r.rank'])} AS items, min(${d.byteOrder('r.model')}) AS model
             FROM ${RECOMMENDATIONS_TABLE} r WHERE r.customer_id IN (SELECT customer_id FROM x) AND r.rank <= ${o.k} GROUP BY r.customer_id`,
      },
      {
        // the customers without recommendations (none when the model filled every list), a table of its own: with the
        // anti-join inside the next statement, Postgres estimated one row left and ran the semi-join to x as a nested
        // loop, a scan of 920,000 curate customers per customer × item (cancelled after 8 min at 10.8M events)
        table: SCRATCH.norec,
        sql: `SELECT x.customer_id AS customer_id FROM x ${norec.join} WHERE ${norec.where}`,
      },
      {
        table: SCRATCH.bought,
        // then the popular items they bought
        sql: `SELECT DISTINCT i.customer_id AS customer_id, p.pr AS pr FROM ${CUSTOMER_ITEMS_TABLE} i JOIN ${SCRATCH.popular} p ON p.item_id = i.item_id
          ${inNorec.join}
          WHERE i.purchases > 0 AND ${inNorec.where}`,
      },
      {
        table: SCRATCH.own,
        // the popular items in rank order without the ones they bought (pr is the position in the list), first k
        sql: duck
          ? `SELECT b.customer_id, CASE WHEN len(l) > 0 THEN array_to_string(l, ' ') END AS items FROM (
            SELECT b.customer_id, list_filter(p.items, (item, pr) -> NOT list_contains(b.prs, pr))[1:${o.k}] AS l
            FROM (SELECT customer_id, list(pr) AS prs FROM ${SCRATCH.bought} GROUP BY customer_id) b
            CROSS JOIN (SELECT list(item_id ORDER BY pr) AS items FROM ${SCRATCH.popular}) p) b`
          : // no lists or lambdas: every (customer, popular item) pair they did not buy, ranked, the first k joined
          `SELECT c.customer_id AS customer_id, l.items AS items FROM (SELECT DISTINCT customer_id FROM ${SCRATCH.bought}) c
          LEFT JOIN (
            SELECT customer_id, ${d.stringAgg(`CASE WHEN rn <= ${o.k} THEN item_id END`, ' ', ['rn'])} AS items FROM (
              SELECT c.customer_id AS customer_id, p.item_id AS item_id, row_number() OVER (PARTITION BY c.customer_id ORDER BY p.pr) AS rn
              FROM (SELECT DISTINCT customer_id FROM ${SCRATCH.bought}) c CROSS JOIN ${SCRATCH.popular} p
              LEFT JOIN ${SCRATCH.bought} bb ON bb.customer_id = c.customer_id AND bb.pr = p.pr
              WHERE bb.customer_id IS NULL) r0
            GROUP BY customer_id) l ON l.customer_id = c.customer_id`,
      },
    ], `LEFT JOIN ${SCRATCH.rec} r ON r.customer_id = x.customer_id LEFT JOIN ${SCRATCH.own} w ON w.customer_id = x.customer_id
      CROSS JOIN (SELECT ${d.stringAgg('item_id', ' ', ['pr'])} AS items FROM ${SCRATCH.popular} WHERE pr <= ${o.k}) top`, {
      action: d.lit(`show top-${o.k} recommendations`),
      items: `coalesce(r.items, ${popItems})`,
      due: next,
      ev: `${o.lift.curate} * x.ey * x.aov`,
      reason: `x.why || CASE WHEN r.items IS NOT NULL THEN ' — items from the ' || r.model || ' recommendations'
          WHEN ${popItems} IS NOT NULL THEN ' — items: the brand''s most bought items they have not bought (no recommendations ${recs ? 'for this customer' : 'table'}: popularity fallback)'
          ELSE ' — no items to recommend (the store records no purchased items)' END`,
    });

    const coachDue = `CASE
            WHEN c.items IS NOT NULL AND x.mean_ipt_days IS NOT NULL THEN greatest(${d.toDate('x.last_purchase')} + ${days('x.mean_ipt_days')}, ${next})
            WHEN c.items IS NOT NULL THEN greatest(${d.toDate('c.last_cart')} + 2, ${next})
            ELSE ${d.toDate('x.as_of')} + 7 END`;
    await insert('coach', [{ table: SCRATCH.list, sql: topItems('i.carts > 0 AND i.purchases = 0', [`-${d.epochMicros('i.last_cart')}`, 'i.item_id'], true) }], `LEFT JOIN ${SCRATCH.list} c ON c.customer_id = x.customer_id`, {
      action: `CASE WHEN c.items IS NOT NULL THEN 'nudge to complete the cart on ' || CAST(${coachDue} AS ${t.text}) ELSE 'send a win-back nudge by ' || CAST(${coachDue} AS ${t.text}) || ', before the predicted lapse' END`,
      items: 'c.items',
      due: coachDue,
      ev: `${o.lift.coach} * greatest(x.at_risk, x.aov)`,
      reason: `x.why || ''`,
    });

    await insert('automate', [{ table: SCRATCH.list, sql: `
      ${repl && duck ? `SELECT customer_id, string_agg(coalesce(item_id, '(any)'), ' ' ORDER BY due, item_id) AS items, min(due) AS due,
          ${d.stringAgg(sqlPrintf(d, '%s ×%.1f on %s (80%%: %s to %s)', "coalesce(item_id, 'next order')", 'quantity', 'due', 'due_lower', 'due_upper'), '; ', ['due', 'item_id'])} AS plan,
          'the replenishment model' AS source
        FROM ${REPLENISHMENT_TABLE} r SEMI JOIN x ON x.customer_id = r.customer_id GROUP BY customer_id` : repl
        ? // Postgres, ClickHouse: the columns renamed first (ClickHouse would read due inside the other aggregates as the alias of min(due))
        `SELECT cid AS customer_id, ${d.stringAgg("coalesce(iid, '(any)')", ' ', ['d0', d.byteOrder('iid')])} AS items, min(d0) AS due,
          ${d.stringAgg(sqlPrintf(d, '%s ×%.1f on %s (80%%: %s to %s)', "coalesce(iid, 'next order')", 'q', 'd0', 'dl', 'du'), '; ', ['d0', d.byteOrder('iid')])} AS plan,
          'the replenishment model' AS source
        FROM (SELECT r.customer_id AS cid, r.item_id AS iid, r.quantity AS q, r.due AS d0, r.due_lower AS dl, r.due_upper AS du
          FROM ${REPLENISHMENT_TABLE} r WHERE r.customer_id IN (SELECT customer_id FROM x)) r0
        GROUP BY cid` : `SELECT customer_id, ${d.stringAgg('item_id', ' ', ['due_at', 'item_id'])} AS items, min(due_at) AS due,
          ${d.stringAgg(sqlPrintf(d, '%s ×%.1f on %s (80%%: %s to %s)', 'item_id', 'qty', 'due_at', 'lo', 'hi'), '; ', ['due_at', 'item_id'])} AS plan,
          'each item''s own mean interval ± 1.28 sd (no replenishment table)' AS source
        FROM (
          SELECT i.customer_id AS customer_id, i.item_id AS item_id, CAST(i.quantity AS ${t.double}) / i.purchase_days AS qty,
            greatest(i.last_purchase + ${days('i.mean_gap_days')}, ${next}) AS due_at,
            greatest(i.last_purchase + ${days(`i.mean_gap_days - ${o.z80} * coalesce(i.sd_gap_days, 0)`)}, ${next}) AS lo,
            greatest(i.last_purchase + ${days(`i.mean_gap_days + ${o.z80} * coalesce(i.sd_gap_days, 0)`)}, ${next}) AS hi
          FROM ${CUSTOMER_ITEMS_TABLE} i JOIN x ON x.customer_id = i.customer_id
          WHERE i.purchase_days >= 3 AND i.mean_gap_days > 0 AND i.cv_gap <= 0.35) a0
        GROUP BY customer_id`}` }], `LEFT JOIN ${SCRATCH.list} au ON au.customer_id = x.customer_id`, {
      action: `'schedule replenishment: ' || coalesce(au.plan, 'next order')`,
      items: 'au.items',
      due: 'au.due',
      ev: `${o.lift.automate} * x.ey * x.aov`,
      reason: `x.why || ' — dates and quantities from ' || coalesce(au.source, 'no per-item history')`,
    });

    await insert('none', [], '', { action: `'no action'`, items: 'NULL', due: 'NULL', ev: '0', reason: 'x.why' });
  } finally {
    await store.exec(Object.values(SCRATCH).map((t) => `DROP TABLE IF EXISTS ${t};`).join('\n'));
  }
  return { recommendations: recs, replenishment: repl };
}
