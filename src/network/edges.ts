/**
 * The customer graph's edges, aggregated inside the store.
 *
 * One directed edge customer_id → peer_id per pair that has at least one `referral`, `share` or
 * `follow` event with a peer (DESIGN.md: a customer refers, shares with or follows/trusts another).
 * Weight = number of such events; first_ts / last_ts = first and last of them; referrals / shares /
 * follows = the count per type. Events without a peer, with an empty peer or with peer = customer
 * (self-loops) are left out.
 *
 * Tables written (replaced on every call):
 *   network_nodes(idx INTEGER, customer_id VARCHAR)   idx = 0 … n−1 in customer_id order; the nodes
 *                                                     are the customers at either end of an edge
 *   network_edges(src_idx, dst_idx, source_id, target_id, weight, referrals, shares, follows,
 *                 first_ts, last_ts)
 * Only the edge list leaves the store, as typed arrays in no particular order (sorting 5M rows on
 * 2 threads costs DuckDB ~4 s; csr.ts sorts them in O(n + m) with two counting passes).
 */
import { EVENT_TYPES } from '../domain/events.js';
import type { Store } from '../store/types.js';
import { InvalidArgumentsError } from './errors.js';
import { readColumns, sqlString } from './io.js';
import { dialectOf, replaceTableAs, type Dialect } from '../sql/dialect.js';

export const NETWORK_EDGE_TYPES = ['referral', 'share', 'follow'] as const;
export type NetworkEdgeType = (typeof NETWORK_EDGE_TYPES)[number];

/** Bits of EdgeList.typeMask. */
export const EDGE_TYPE_BIT: Record<NetworkEdgeType, number> = { referral: 1, share: 2, follow: 4 };

export interface LoadEdgesOptions {
  /** Event types that make an edge. Default: referral, share, follow. */
  types: readonly NetworkEdgeType[];
  /** Only events with since ≤ ts < until. */
  since: Date | null;
  until: Date | null;
  /** Also return first/last timestamps (epoch ms); false saves 16 bytes per edge. */
  withTimestamps: boolean;
}

export const LOAD_EDGES_DEFAULTS: LoadEdgesOptions = {
  types: NETWORK_EDGE_TYPES,
  since: null,
  until: null,
  withTimestamps: true,
};

export interface EdgeList {
  /** Nodes are 0 … nodeCount−1, row idx of network_nodes. */
  nodeCount: number;
  edgeCount: number;
  src: Int32Array;
  dst: Int32Array;
  /** Number of events on the edge. */
  weight: Float64Array;
  /** OR of EDGE_TYPE_BIT over the edge's events. */
  typeMask: Uint8Array;
  /** Epoch milliseconds; null unless withTimestamps. */
  firstTs: Float64Array | null;
  lastTs: Float64Array | null;
}

export const NODES_TABLE = 'network_nodes';
export const EDGES_TABLE = 'network_edges';

function sqlTimestamp(d: Date, what: string, dialect: Dialect): string {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new InvalidArgumentsError(`loadEdges: ${what} is not a valid date`);
  return dialect.timestamp(d);
}

/** The WHERE clause selecting edge events (shared with the cascade SQL); timestamps in the store's dialect (DuckDB's by default). */
export function edgeEventFilter(types: readonly string[], since: Date | null, until: Date | null, dialect: Dialect = dialectOf('duckdb')): string {
  for (const t of types) {
    if (!(EVENT_TYPES as readonly string[]).includes(t)) throw new InvalidArgumentsError(`network: unknown event type "${t}"`);
  }
  if (types.length === 0) throw new InvalidArgumentsError('network: at least one edge event type is needed');
  const parts = [
    `type IN (${types.map(sqlString).join(', ')})`,
    `peer_id IS NOT NULL`,
    `peer_id <> ''`,
    `peer_id <> customer_id`,
  ];
  if (since) parts.push(`ts >= ${sqlTimestamp(since, 'since', dialect)}`);
  if (until) parts.push(`ts < ${sqlTimestamp(until, 'until', dialect)}`);
  return parts.join(' AND ');
}

/** Aggregates the edge events into network_nodes / network_edges and returns the edge list. */
export async function loadEdges(store: Store, options: Partial<LoadEdgesOptions> = {}): Promise<EdgeList> {
  const o = { ...LOAD_EDGES_DEFAULTS, ...options };
  for (const t of o.types) {
    if (!(NETWORK_EDGE_TYPES as readonly string[]).includes(t)) throw new InvalidArgumentsError(`loadEdges: type must be one of ${NETWORK_EDGE_TYPES.join(', ')}, got "${t}"`);
  }
  const d = dialectOf(store);
  const where = edgeEventFilter(o.types, o.since, o.until, d);
  // One statement text for every engine (src/sql/dialect.ts hooks).
  await replaceTableAs(store, 'network_edge_agg', `
    SELECT customer_id AS source_id, peer_id AS target_id,
           ${d.countIf()} AS weight,
           ${d.countIf("type = 'referral'")} AS referrals,
           ${d.countIf("type = 'share'")} AS shares,
           ${d.countIf("type = 'follow'")} AS follows,
           min(ts) AS first_ts, max(ts) AS last_ts
    FROM events WHERE ${where}
    GROUP BY customer_id, peer_id`, { temp: true });
  await replaceTableAs(store, NODES_TABLE, `
    SELECT CAST(row_number() OVER (ORDER BY customer_id) - 1 AS ${d.types.int}) AS idx, customer_id
    FROM (SELECT source_id AS customer_id FROM network_edge_agg UNION DISTINCT SELECT target_id FROM network_edge_agg) u`);
  await replaceTableAs(store, EDGES_TABLE, `
    SELECT s.idx AS src_idx, t.idx AS dst_idx, a.source_id, a.target_id,
           CAST(a.weight AS ${d.types.bigint}) AS weight, CAST(a.referrals AS ${d.types.bigint}) AS referrals, CAST(a.shares AS ${d.types.bigint}) AS shares,
           CAST(a.follows AS ${d.types.bigint}) AS follows, a.first_ts, a.last_ts
    FROM network_edge_agg a
    JOIN ${NODES_TABLE} s ON s.customer_id = a.source_id
    JOIN ${NODES_TABLE} t ON t.customer_id = a.target_id`);
  await store.exec('DROP TABLE network_edge_agg');
  const [{ n }] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${NODES_TABLE}`);
  const mask = `CAST((CASE WHEN referrals > 0 THEN 1 ELSE 0 END) + (CASE WHEN shares > 0 THEN 2 ELSE 0 END) + (CASE WHEN follows > 0 THEN 4 ELSE 0 END) AS ${d.types.int})`;
  const ms = (c: string): string => `floor(CAST(${d.epochMicros(c)} AS ${d.types.double}) / 1000)`;
  const ts = o.withTimestamps ? `, ${ms('first_ts')} AS first_ms, ${ms('last_ts')} AS last_ms` : '';
  const cols = await readColumns(
    store,
    `SELECT src_idx, dst_idx, ${mask} AS type_mask, CAST(weight AS ${d.types.double}) AS weight${ts} FROM ${EDGES_TABLE}`,
    ['src_idx', 'dst_idx', 'type_mask'] as const,
    (o.withTimestamps ? ['weight', 'first_ms', 'last_ms'] : ['weight']) as readonly ('weight' | 'first_ms' | 'last_ms')[],
  );
  return {
    nodeCount: Number(n),
    edgeCount: cols.length,
    src: cols.int.src_idx,
    dst: cols.int.dst_idx,
    weight: cols.float.weight,
    typeMask: Uint8Array.from(cols.int.type_mask),
    firstTs: o.withTimestamps ? cols.float.first_ms : null,
    lastTs: o.withTimestamps ? cols.float.last_ms : null,
  };
}
