/**
 * Referral cascades: who brought whom, the trees that result, and their shape.
 *
 * Who brought whom (in SQL, table network_referrals): customer B was brought by A when a `referral`
 * or `share` event A → B falls in the window [B's first purchase − windowDays, B's first purchase].
 * When several qualify, attribution picks one: 'last' (the latest before the purchase, default) or
 * 'first'; ties go to the smaller referrer id. A must not have become a customer after B: either A
 * never purchased (a non-buying advocate, who can only be a root) or A's first purchase is strictly
 * earlier than B's. Adoption times therefore strictly increase down every chain, so the links form a
 * forest (a cycle is reported as a GraphStructureError, never silently cut).
 *
 * Trees (in JS, typed arrays): each root is a referrer nobody brought; size counts the root; depth
 * is the longest root-to-leaf path in edges. Structural virality (Goel, Anderson, Hofman & Watts 2016,
 * "The structural virality of online diffusion", Management Science 62(1), eq. 1) is the mean
 * shortest-path distance over all pairs of the tree's n nodes, computed in O(n) from subtree sizes:
 * every tree edge above a subtree of s nodes lies on s(n−s) of the pairs' paths, so
 *   ν = Σ_edges s(n−s) · 2 / (n(n−1)).
 * A star of n nodes has ν = 2(n−1)/n; a chain has ν = (n+1)/3.
 */
import type { Store } from '../store/types.js';
import { GraphStructureError, InvalidArgumentsError } from './errors.js';
import { edgeEventFilter } from './edges.js';
import { readColumns, writeColumns } from './io.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';

export const CASCADE_EVENT_TYPES = ['referral', 'share'] as const;
export type CascadeEventType = (typeof CASCADE_EVENT_TYPES)[number];

export interface CascadeOptions {
  /** Event types that can bring a customer in. */
  types: readonly CascadeEventType[];
  /** How long before the first purchase a referral still counts. */
  windowDays: number;
  attribution: 'last' | 'first';
}

export const CASCADE_DEFAULTS: CascadeOptions = {
  types: CASCADE_EVENT_TYPES,
  windowDays: 30,
  attribution: 'last',
};

export const REFERRALS_TABLE = 'network_referrals';
export const CASCADE_NODES_TABLE = 'network_cascade_nodes';

export interface CascadeForest {
  /** Participants 0 … n−1 (row idx of the temp table network_cascade_ids). */
  n: number;
  /** Referrer of each participant, −1 for roots. */
  parent: Int32Array;
  /** Root of each participant's tree. */
  root: Int32Array;
  /** Edges from the root (root: 0). */
  depth: Int32Array;
  /** Participants below each one (subtree size − 1). */
  descendants: Int32Array;
  /** One entry per tree, in order of root index. */
  trees: { root: Int32Array; size: Int32Array; depth: Int32Array; virality: Float64Array };
}

/** Trees of a forest given as a parent array; throws GraphStructureError on a cycle. */
export function cascadeForest(parent: Int32Array): CascadeForest {
  const n = parent.length;
  // Children in CSR form.
  const start = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) {
    const p = parent[v];
    if (p < -1 || p >= n || p === v) throw new GraphStructureError(`cascades: participant ${v} has invalid parent ${p}`);
    if (p >= 0) start[p + 1]++;
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v];
  const fill = start.slice(0, n);
  const children = new Int32Array(start[n]);
  for (let v = 0; v < n; v++) if (parent[v] >= 0) children[fill[parent[v]]++] = v;
  // Breadth-first from every root: a parent always precedes its children in `order`.
  const order = new Int32Array(n);
  const root = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const rootsList: number[] = [];
  let tail = 0;
  for (let r = 0; r < n; r++) {
    if (parent[r] !== -1) continue;
    rootsList.push(r);
    root[r] = r;
    let head = tail;
    order[tail++] = r;
    while (head < tail) {
      const u = order[head++];
      for (let p = start[u]; p < start[u + 1]; p++) {
        const c = children[p];
        root[c] = r;
        depth[c] = depth[u] + 1;
        order[tail++] = c;
      }
    }
  }
  if (tail !== n) throw new GraphStructureError(`cascades: ${n - tail} participants lie on a referral cycle`);
  const size = new Int32Array(n).fill(1); // subtree sizes
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k];
    if (parent[v] >= 0) size[parent[v]] += size[v];
  }
  const treeOf = new Int32Array(n);
  rootsList.forEach((r, t) => (treeOf[r] = t));
  const T = rootsList.length;
  const trees = { root: Int32Array.from(rootsList), size: new Int32Array(T), depth: new Int32Array(T), virality: new Float64Array(T) };
  const wiener = new Float64Array(T);
  for (let t = 0; t < T; t++) trees.size[t] = size[rootsList[t]];
  for (let v = 0; v < n; v++) {
    const t = treeOf[root[v]];
    if (depth[v] > trees.depth[t]) trees.depth[t] = depth[v];
    if (parent[v] >= 0) wiener[t] += size[v] * (trees.size[t] - size[v]);
  }
  for (let t = 0; t < T; t++) {
    const m = trees.size[t];
    trees.virality[t] = m >= 2 ? (2 * wiener[t]) / (m * (m - 1)) : 0;
  }
  const descendants = new Int32Array(n);
  for (let v = 0; v < n; v++) descendants[v] = size[v] - 1;
  return { n, parent, root, depth, descendants, trees };
}

/** Structural virality of one tree given by its parent array (−1 at the root). */
export function structuralVirality(parent: Int32Array): number {
  const f = cascadeForest(parent);
  if (f.trees.root.length !== 1) throw new InvalidArgumentsError(`structuralVirality: expected one tree, got ${f.trees.root.length}`);
  return f.trees.virality[0];
}

function resolve(options: Partial<CascadeOptions>): CascadeOptions {
  const o = { ...CASCADE_DEFAULTS, ...options };
  if (!(o.windowDays > 0 && Number.isFinite(o.windowDays))) throw new InvalidArgumentsError(`cascades: windowDays must be > 0, got ${o.windowDays}`);
  if (o.attribution !== 'last' && o.attribution !== 'first') throw new InvalidArgumentsError(`cascades: attribution must be 'last' or 'first', got ${String(o.attribution)}`);
  for (const t of o.types) {
    if (!(CASCADE_EVENT_TYPES as readonly string[]).includes(t)) throw new InvalidArgumentsError(`cascades: type must be referral or share, got "${t}"`);
  }
  return o;
}

/**
 * Writes network_referrals(referrer_id, referred_id, referral_ts, referral_type, first_purchase)
 * — one row per brought-in customer — and returns how many customers purchased at all.
 */
export async function findReferrals(store: Store, options: Partial<CascadeOptions> = {}): Promise<{ referred: number; purchasers: number }> {
  const o = resolve(options);
  const windowSeconds = Math.round(o.windowDays * 86400);
  const order = o.attribution === 'last' ? 'referral_ts DESC' : 'referral_ts ASC';
  const d = dialectOf(store);
  // one row per referred customer: the dialect's first-row-per-group (QUALIFY, DISTINCT ON, LIMIT 1 BY)
  await replaceTableAs(store, REFERRALS_TABLE, `
    WITH fp AS (
      SELECT customer_id, min(ts) AS first_purchase FROM events WHERE type = 'purchase' GROUP BY customer_id
    ), cand AS (
      SELECT e.customer_id AS referrer_id, e.peer_id AS referred_id, e.ts AS referral_ts,
             e.type AS referral_type, b.first_purchase AS first_purchase
      FROM (SELECT customer_id, peer_id, ts, type FROM events WHERE ${edgeEventFilter(o.types, null, null)}) e
      JOIN fp b ON b.customer_id = e.peer_id
      LEFT JOIN fp a ON a.customer_id = e.customer_id
      WHERE e.ts <= b.first_purchase
        AND e.ts >= ${d.addSeconds('b.first_purchase', -windowSeconds)}
        AND (a.first_purchase IS NULL OR a.first_purchase < b.first_purchase)
    )
    ${d.firstPerGroup({ select: 'referrer_id, referred_id, referral_ts, referral_type, first_purchase', from: 'cand', partitionBy: 'referred_id', orderBy: `${order}, referrer_id` })}`);
  const [row] = await store.query<{ referred: number; purchasers: number }>(`
    SELECT (SELECT count(*) FROM ${REFERRALS_TABLE}) AS referred,
           (SELECT count(DISTINCT customer_id) FROM events WHERE type = 'purchase') AS purchasers`);
  return { referred: Number(row.referred), purchasers: Number(row.purchasers) };
}

export interface CascadeRun {
  forest: CascadeForest;
  referred: number;
  purchasers: number;
  options: CascadeOptions;
  /** Customer ids of the given participant indices (a SQL lookup, for the few that are reported). */
  idsOf(indices: readonly number[]): Promise<string[]>;
}

/**
 * Finds who brought whom, builds the cascade forest and writes
 * network_cascade_nodes(customer_id, cascade_root_id, cascade_depth, descendants).
 */
export async function referralCascades(store: Store, options: Partial<CascadeOptions> = {}): Promise<CascadeRun> {
  const o = resolve(options);
  const { referred, purchasers } = await findReferrals(store, o);
  const d = dialectOf(store);
  await replaceTableAs(store, 'network_cascade_ids', `
    SELECT CAST(row_number() OVER (ORDER BY customer_id) - 1 AS ${d.types.int}) AS idx, customer_id
    FROM (SELECT referrer_id AS customer_id FROM ${REFERRALS_TABLE} UNION DISTINCT SELECT referred_id FROM ${REFERRALS_TABLE}) u`, { temp: true });
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM network_cascade_ids');
  const links = await readColumns(
    store,
    `SELECT c.idx AS child, p.idx AS parent FROM ${REFERRALS_TABLE} r
     JOIN network_cascade_ids c ON c.customer_id = r.referred_id
     JOIN network_cascade_ids p ON p.customer_id = r.referrer_id`,
    ['child', 'parent'] as const,
  );
  const parent = new Int32Array(Number(n)).fill(-1);
  for (let k = 0; k < links.length; k++) parent[links.int.child[k]] = links.int.parent[k];
  const forest = cascadeForest(parent);
  const idx = new Int32Array(forest.n);
  for (let i = 0; i < forest.n; i++) idx[i] = i;
  await writeColumns(
    store,
    'network_cascade_tmp',
    [
      { name: 'idx', type: 'INTEGER', data: idx },
      { name: 'root_idx', type: 'INTEGER', data: forest.root },
      { name: 'cascade_depth', type: 'INTEGER', data: forest.depth },
      { name: 'descendants', type: 'INTEGER', data: forest.descendants },
    ],
    { temp: true },
  );
  await replaceTableAs(store, CASCADE_NODES_TABLE, `
    SELECT i.customer_id AS customer_id, r.customer_id AS cascade_root_id, t.cascade_depth, t.descendants
    FROM network_cascade_tmp t
    JOIN network_cascade_ids i ON i.idx = t.idx
    JOIN network_cascade_ids r ON r.idx = t.root_idx`);
  await store.exec('DROP TABLE network_cascade_tmp');
  return {
    forest,
    referred,
    purchasers,
    options: o,
    idsOf: (indices) => idsByIndex(store, 'network_cascade_ids', indices),
  };
}

/** customer_id for each idx of an (idx, customer_id) table, in the order asked. */
export async function idsByIndex(store: Store, table: string, indices: readonly number[]): Promise<string[]> {
  if (indices.length === 0) return [];
  for (const i of indices) if (!Number.isInteger(i)) throw new InvalidArgumentsError(`idsByIndex: ${i} is not an integer`);
  const rows = await store.query<{ idx: number; customer_id: string }>(
    `SELECT idx, customer_id FROM ${table} WHERE idx IN (${indices.join(', ')})`,
  );
  const map = new Map(rows.map((r) => [Number(r.idx), r.customer_id]));
  return indices.map((i) => map.get(i) ?? '');
}
