/**
 * One customer's profile: facts computed now by SQL over that customer's events, plus the rows
 * the analysis steps stored for them (CLV and P(alive), network scores, the segments step's facts,
 * behaviour scores, segment — named from the latest analysis —, experience and next action, and
 * recommendations and replenishment when present). A field an analysis has not computed is null
 * and `needsAnalysis` says which step to run.
 */
import type { Store } from '../store/types.js';
import { notFound } from './errors.js';
import { actionRow } from '../analysis/segments.js';
import {
  CLV_SCORES, CUSTOMER_ACTIONS, CUSTOMER_BEHAVIOURS, CUSTOMER_EXPERIENCES, CUSTOMER_FACTS, CUSTOMER_SEGMENTS, NETWORK_SCORES, RECOMMENDATIONS,
  REPLENISHMENT, jsonRow, tableColumns,
} from './tables.js';

export interface NeedsAnalysis {
  field: string;
  reason: string;
}

async function rowsOf(store: Store, table: string, customerId: string, orderBy?: string): Promise<Record<string, unknown>[] | null> {
  const cols = await tableColumns(store, table);
  if (!cols || !cols.includes('customer_id')) return null;
  const order = orderBy && cols.includes(orderBy) ? ` ORDER BY "${orderBy}"` : '';
  const rows = await store.query(`SELECT * FROM "${table}" WHERE customer_id = ?${order}`, [customerId]);
  return rows.map(jsonRow);
}

/** @param segmentNames segment id → generated name (the latest analysis' segments section). */
export async function customerProfile(store: Store, customerId: string, segmentNames: ReadonlyMap<string, string> = new Map()) {
  const [f] = await store.query<{
    events: number; first: Date | null; last: Date | null; purchases: number; purchase_days: number; revenue: number | null;
    returns: number | null; items: number; last_purchase: Date | null; peers: number;
  }>(
    `SELECT count(*) AS events, min(ts) AS first, max(ts) AS last,
            count(*) FILTER (WHERE type = 'purchase') AS purchases,
            count(DISTINCT CAST(ts AS DATE)) FILTER (WHERE type = 'purchase') AS purchase_days,
            sum(amount) FILTER (WHERE type = 'purchase') AS revenue,
            sum(amount) FILTER (WHERE type = 'return') AS returns,
            count(DISTINCT item_id) AS items,
            max(ts) FILTER (WHERE type = 'purchase') AS last_purchase,
            count(DISTINCT peer_id) AS peers
     FROM events WHERE customer_id = ?`,
    [customerId],
  );
  if (!f || f.events === 0) throw notFound(`no customer "${customerId.slice(0, 80)}" in this workspace`);
  const byType = await store.query<{ type: string; n: number }>(
    `SELECT type, count(*) AS n FROM events WHERE customer_id = ? GROUP BY type ORDER BY type`,
    [customerId],
  );
  const needs: NeedsAnalysis[] = [];
  const one = async (table: string, field: string, how: string) => {
    const rows = await rowsOf(store, table, customerId);
    if (rows === null) needs.push({ field, reason: `needs an analysis: table ${table} is not in the store (${how})` });
    else if (rows.length === 0) needs.push({ field, reason: `${table} has no row for this customer (${how} again to include newer customers)` });
    return rows?.[0] ?? null;
  };
  const clv = await one(CLV_SCORES, 'clv', 'run spiral clv score, or POST /v1/analysis');
  const network = await one(NETWORK_SCORES, 'network', 'run spiral network, or POST /v1/analysis');
  const customerFacts = await one(CUSTOMER_FACTS, 'customerFacts', 'run the segments step of an analysis');
  const behaviours = await one(CUSTOMER_BEHAVIOURS, 'behaviours', 'run the segments step of an analysis');
  const segmentRow = await one(CUSTOMER_SEGMENTS, 'segment', 'run the segments step of an analysis');
  const segment = segmentRow ? { ...segmentRow, name: segmentNames.get(String(segmentRow.segment)) ?? null } : null;
  const experience = await one(CUSTOMER_EXPERIENCES, 'experience', 'run the experiences step of an analysis');
  const action = await one(CUSTOMER_ACTIONS, 'nextAction', 'run the experiences step of an analysis');
  const recommendations = await rowsOf(store, RECOMMENDATIONS, customerId, 'rank');
  if (recommendations === null) needs.push({ field: 'recommendations', reason: `needs an analysis: table ${RECOMMENDATIONS} is not in the store (run spiral recommend)` });
  const replenishment = await rowsOf(store, REPLENISHMENT, customerId, 'due');
  if (replenishment === null) needs.push({ field: 'replenishment', reason: `needs an analysis: table ${REPLENISHMENT} is not in the store (run spiral replenish)` });
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    customerId,
    facts: {
      firstSeen: iso(f.first), lastSeen: iso(f.last), events: f.events,
      eventsByType: Object.fromEntries(byType.map((r) => [r.type, r.n])),
      purchases: f.purchases, purchaseDays: f.purchase_days, revenue: f.revenue, returns: f.returns,
      items: f.items, lastPurchase: iso(f.last_purchase), peers: f.peers,
    },
    clv, network, customerFacts, segment, recommendations, replenishment,
    behaviours, experience, nextAction: action ? actionRow(action) : null,
    needsAnalysis: needs,
  };
}
