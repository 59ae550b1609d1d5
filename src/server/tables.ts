/**
 * Store tables other steps write, read here when they exist. The names are those of the issue-#10
 * contracts (segments and recommendations branches); until those steps have run, the routes
 * that need them say so instead of failing.
 */
import type { Store } from '../store/types.js';

export const CLV_SCORES = 'clv_scores';
export const NETWORK_SCORES = 'network_scores';
export const CUSTOMER_FACTS = 'customer_facts';
export const CUSTOMER_SEGMENTS = 'customer_segments';
export const CUSTOMER_ACTIONS = 'customer_actions';
export const CUSTOMER_BEHAVIOURS = 'customer_behaviours';
export const CUSTOMER_EXPERIENCES = 'customer_experiences';
export const RECOMMENDATIONS = 'recommendations';
export const REPLENISHMENT = 'replenishment';

/** The table's columns, or null when the store has no such table. */
export async function tableColumns(store: Store, table: string): Promise<string[] | null> {
  const rows = await store.query<{ column_name: string }>(
    `SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT internal ORDER BY column_index`,
    [table],
  );
  return rows.length ? rows.map((r) => r.column_name) : null;
}

/** JSON-safe values: dates as ISO strings, big integers as strings. */
export function jsonRow(r: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) o[k] = jsonValue(v);
  return o;
}

function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v instanceof Uint8Array) return null;
  if (v !== null && typeof v === 'object') return jsonRow(v as Record<string, unknown>);
  return v;
}
