/**
 * DuckDB's funnel statements (src/funnel/sql.ts): list aggregates sorted inside the list, lambdas
 * over them, and structs — an ordered aggregate or a window over all events sorts far more slowly.
 */
import type { FunnelSql } from '../../funnel/sql.js';
import { lit } from '../quote.js';

const typeList = (types: readonly string[]): string => `(CAST([${types.map(lit).join(', ')}] AS VARCHAR[]))`;

export const duckdbFunnel: FunnelSql = {
  latestKind: (kind, ts, filter) => `arg_max(${kind}, {'ts': ${ts}, 'kind': ${kind}}) FILTER (WHERE ${filter})`,
  reviewTouches: () => `
SELECT v.customer_id, min(v.ts) AS ts, 'peer' AS kind
FROM events v JOIN (
  SELECT item_id, min(ts, 2) AS ts2, arg_min(customer_id, ts, 2) AS who2 FROM (
    SELECT item_id, customer_id, min(ts) AS ts FROM events
    WHERE type = 'review' AND item_id IS NOT NULL GROUP BY item_id, customer_id)
  GROUP BY item_id) ir ON ir.item_id = v.item_id
WHERE v.type = 'view' AND v.ts > (CASE WHEN ir.who2[1] <> v.customer_id THEN ir.ts2[1] ELSE ir.ts2[2] END)
GROUP BY v.customer_id, v.item_id`,
  // the touches in a list sorted inside it (no window function, no ordered aggregate over all touches),
  // repeats dropped by comparing each touch with the one before it
  touchPaths: (touches, maxPath) => `
WITH tw AS (SELECT t.customer_id, list_sort(list({'ts': t.ts, 'kind': t.kind})) AS s ${touches} GROUP BY t.customer_id),
col AS (SELECT customer_id, list_filter(s, lambda x, i: i = 1 OR x.kind <> s[i - 1].kind) AS s FROM tw)
SELECT customer_id, array_to_string([x.kind FOR x IN list_slice(s, greatest(len(s) - ${maxPath - 1}, 1), len(s))], '>') AS path FROM col`,
  // A step is the sort key (the time in µs × 2, + 1 unless it is a purchase: the purchase first among
  // steps at the same instant), then event_id, then the step's type as its number in the list of
  // types present: a narrow struct keeps the lists small (about 60% of the memory of one with the
  // type string). The first purchase is never a repeat (no purchase precedes it), so dropping
  // repeats over the whole list equals dropping them before and after the split.
  journeys: (present, where) => {
    const types = typeList(present);
    return `
WITH g AS (
  SELECT customer_id, epoch_us(min(ts) FILTER (WHERE type = 'purchase')) * 2 AS cut,
    list_sort(list({'k': epoch_us(ts) * 2 + CAST(type <> 'purchase' AS BIGINT), 'event_id': event_id, 'code': CAST(list_position(${types}, type) AS INTEGER)})) AS s
  FROM events WHERE type NOT IN ('follow', 'exposure') AND ${where} GROUP BY customer_id),
col AS (SELECT customer_id, cut, list_filter(s, lambda x, i: i = 1 OR x.code <> s[i - 1].code) AS s FROM g)
SELECT customer_id,
  CAST([${types}[x.code] FOR x IN s IF cut IS NULL OR x.k < cut] AS VARCHAR[]) AS pre,
  CASE WHEN cut IS NOT NULL THEN CAST([${types}[x.code] FOR x IN s IF x.k >= cut] AS VARCHAR[]) END AS post
FROM col`;
  },
  bought: () => 'post IS NOT NULL',
  pathBefore: (m) => `CASE WHEN len(pre) > ${m - 1} THEN '… > ' ELSE '' END ||
  array_to_string(list_concat(list_slice(pre, greatest(len(pre) - ${m - 1} + 1, 1), len(pre)), ['purchase']), ' > ')`,
  pathAfter: (m) => `array_to_string(list_slice(post, 1, ${m}), ' > ') || CASE WHEN len(post) > ${m} THEN ' > …' ELSE '' END`,
  links: (journeys, m) => `
WITH j AS (
  SELECT list_concat(pre, CASE WHEN post IS NOT NULL THEN ['purchase'] ELSE []::VARCHAR[] END) AS full_j FROM ${journeys}),
s AS (SELECT list_slice(full_j, 1, ${m}) AS j, len(full_j) AS full_len FROM j WHERE len(full_j) > 0),
u AS (SELECT j, full_len, unnest(range(1, len(j) + 1)) AS k FROM s)
SELECT k AS position, j[k] AS step,
  CASE WHEN j[k] = 'purchase' THEN NULL WHEN k < len(j) THEN j[k + 1] WHEN full_len > len(j) THEN 'more…' ELSE 'drop-off' END AS next,
  count(*) AS customers
FROM u GROUP BY ALL`,
};
