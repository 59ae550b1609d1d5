/**
 * PostgreSQL's funnel statements (src/funnel/sql.ts): ordered array_agg and window functions where
 * DuckDB sorts lists; text[] arrays with SQL slices; COLLATE "C" where text order decides.
 */
import type { FunnelSql } from '../../funnel/sql.js';

export const postgresFunnel: FunnelSql = {
  latestKind: (kind, ts, filter) => `(array_agg(${kind} ORDER BY ${ts} DESC, ${kind} COLLATE "C" DESC) FILTER (WHERE ${filter}))[1]`,
  reviewTouches: () => `
SELECT v.customer_id, min(v.ts) AS ts, 'peer' AS kind
FROM events v JOIN (
  SELECT item_id, (array_agg(ts ORDER BY ts))[1:2] AS ts2, (array_agg(customer_id ORDER BY ts))[1:2] AS who2 FROM (
    SELECT item_id, customer_id, min(ts) AS ts FROM events
    WHERE type = 'review' AND item_id IS NOT NULL GROUP BY item_id, customer_id) r
  GROUP BY item_id) ir ON ir.item_id = v.item_id
WHERE v.type = 'view' AND v.ts > (CASE WHEN ir.who2[1] <> v.customer_id THEN ir.ts2[1] ELSE ir.ts2[2] END)
GROUP BY v.customer_id, v.item_id`,
  // repeats dropped against the previous touch (lag), the last maxPath kept by a descending row number
  touchPaths: (touches, maxPath) => `
WITH tw AS (SELECT t.customer_id, t.ts, t.kind,
    lag(t.kind) OVER (PARTITION BY t.customer_id ORDER BY t.ts, t.kind COLLATE "C") AS prev ${touches}),
col AS (SELECT customer_id, ts, kind, row_number() OVER (PARTITION BY customer_id ORDER BY ts DESC, kind COLLATE "C" DESC) AS r
  FROM tw WHERE prev IS NULL OR prev <> kind)
SELECT customer_id, string_agg(kind, '>' ORDER BY ts, kind COLLATE "C") AS path FROM col WHERE r <= ${maxPath} GROUP BY customer_id`,
  journeys: (_types, where) => `
WITH s AS (
  SELECT customer_id, type, ts, event_id, CASE WHEN type = 'purchase' THEN 0 ELSE 1 END AS o,
    min(ts) FILTER (WHERE type = 'purchase') OVER (PARTITION BY customer_id) AS cut
  FROM events WHERE type NOT IN ('follow', 'exposure') AND ${where}),
l AS (
  SELECT customer_id, type, ts, o, event_id, cut,
    lag(type) OVER (PARTITION BY customer_id ORDER BY ts, o, event_id COLLATE "C") AS prev
  FROM s)
SELECT customer_id,
  coalesce(array_agg(type ORDER BY ts, o, event_id COLLATE "C") FILTER (WHERE cut IS NULL OR ts < cut), ARRAY[]::text[]) AS pre,
  CASE WHEN cut IS NOT NULL THEN array_agg(type ORDER BY ts, o, event_id COLLATE "C") FILTER (WHERE ts >= cut) END AS post
FROM l WHERE prev IS NULL OR prev <> type
GROUP BY customer_id, cut`,
  bought: () => 'post IS NOT NULL',
  pathBefore: (m) => `CASE WHEN cardinality(pre) > ${m - 1} THEN '… > ' ELSE '' END ||
  array_to_string(pre[greatest(cardinality(pre) - ${m - 1} + 1, 1):cardinality(pre)] || ARRAY['purchase']::text[], ' > ')`,
  pathAfter: (m) => `array_to_string(post[1:${m}], ' > ') || CASE WHEN cardinality(post) > ${m} THEN ' > …' ELSE '' END`,
  links: (journeys, m) => `
WITH j AS (
  SELECT pre || CASE WHEN post IS NOT NULL THEN ARRAY['purchase']::text[] ELSE ARRAY[]::text[] END AS full_j FROM ${journeys}),
s AS (SELECT full_j[1:${m}] AS j, cardinality(full_j) AS full_len FROM j WHERE cardinality(full_j) > 0),
u AS (SELECT j, full_len, generate_series(1, cardinality(j)) AS k FROM s)
SELECT k AS position, j[k] AS step,
  CASE WHEN j[k] = 'purchase' THEN NULL WHEN k < cardinality(j) THEN j[k + 1] WHEN full_len > cardinality(j) THEN 'more…' ELSE 'drop-off' END AS next,
  count(*) AS customers
FROM u GROUP BY 1, 2, 3`,
};
