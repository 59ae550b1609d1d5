/**
 * One customer's profile from the tables the segments step wrote: facts, behaviour scores, segment,
 * CLV and P(alive), network scores, experience, action, and recommendations when the table exists.
 */
import type { Store } from '../store/types.js';
import { CUSTOMER_VIEW } from '../segments/segments.js';
import { NETWORK_SCORES_TABLE, tableExists } from '../segments/facts.js';
import { BEHAVIOURS } from '../segments/behaviours.js';
import { ACTIONS_TABLE } from '../experiences/actions.js';
import { RECOMMENDATIONS_TABLE, REPLENISHMENT_TABLE } from '../experiences/contracts.js';
import { actionRow } from './segments.js';

export class CustomerNotFoundError extends Error {
  constructor(id: string) {
    super(`customer "${id}" is not in the store`);
    this.name = 'CustomerNotFoundError';
  }
}

const plain = (r: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : typeof v === 'number' && !Number.isFinite(v) ? null : v]));

export interface CustomerProfile {
  customerId: string;
  facts: Record<string, unknown>;
  behaviours: Record<string, number | null>;
  segment: { id: number | null; name: string | null };
  clv: { clv: number | null; pAlive: number | null; expectedPurchases: number | null };
  network: Record<string, unknown> | null;
  /** null when customer_actions has no row for this customer (a customer newer than the last actions step). */
  action: ReturnType<typeof actionRow> | null;
  recommendations: { rank: number; itemId: string; score: number | null; model: string }[] | null;
  replenishment: Record<string, unknown>[] | null;
}

export async function customerProfile(store: Store, id: string): Promise<CustomerProfile> {
  const [row] = await store.query<Record<string, unknown>>(`SELECT * FROM ${CUSTOMER_VIEW} WHERE customer_id = ?`, [id]);
  if (!row) throw new CustomerNotFoundError(id);
  const [act] = await store.query<Record<string, unknown>>(`SELECT * FROM ${ACTIONS_TABLE} WHERE customer_id = ?`, [id]);
  const net = (await tableExists(store, NETWORK_SCORES_TABLE)) ? (await store.query<Record<string, unknown>>(`SELECT * FROM ${NETWORK_SCORES_TABLE} WHERE customer_id = ?`, [id]))[0] ?? null : null;
  const recs = (await tableExists(store, RECOMMENDATIONS_TABLE))
    ? (await store.query<Record<string, unknown>>(`SELECT rank, item_id, score, model FROM ${RECOMMENDATIONS_TABLE} WHERE customer_id = ? ORDER BY rank`, [id]))
      .map((r) => ({ rank: Number(r.rank), itemId: String(r.item_id), score: r.score == null ? null : Number(r.score), model: String(r.model) }))
    : null;
  const repl = (await tableExists(store, REPLENISHMENT_TABLE))
    ? (await store.query<Record<string, unknown>>(`SELECT * FROM ${REPLENISHMENT_TABLE} WHERE customer_id = ? ORDER BY due`, [id])).map(plain)
    : null;
  const facts = plain(row);
  const behaviours: Record<string, number | null> = {};
  for (const b of BEHAVIOURS) { behaviours[b] = row[b] == null ? null : Number(row[b]); delete facts[b]; }
  const n = (x: unknown): number | null => (x == null || !Number.isFinite(Number(x)) ? null : Number(x));
  return {
    customerId: id, facts, behaviours,
    segment: { id: row.segment == null ? null : Number(row.segment), name: row.segment_name == null ? null : String(row.segment_name) },
    clv: { clv: n(row.clv), pAlive: n(row.p_alive), expectedPurchases: n(row.expected_purchases) },
    network: net ? plain(net) : null,
    action: act ? actionRow(act) : null,
    recommendations: recs, replenishment: repl,
  };
}
