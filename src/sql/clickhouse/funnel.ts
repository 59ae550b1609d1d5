/**
 * ClickHouse's funnel statements (src/funnel/sql.ts): groupArray sorted with arraySort (or
 * groupArraySorted(n) when only the n smallest matter), lambdas with
 * arrayFilter/arrayMap over tuples, arrayJoin for positions. Arrays cannot be NULL in ClickHouse,
 * so a customer who never bought has post = [] (post always starts with the purchase otherwise), and
 * an index past an array's end gives a default value, so lengths are checked first.
 */
import type { FunnelSql } from '../../funnel/sql.js';

export const clickhouseFunnel: FunnelSql = {
  latestKind: (kind, ts, filter) => `argMax(${kind}, (${ts}, ${kind})) FILTER (WHERE ${filter})`,
  // only the two earliest reviews per item (groupArraySorted(2)) and then scalars: the join copies the
  // right side's columns onto every view row, and an array of all of an item's reviews there is
  // (views × reviews per item) tuples — 3.7 GiB at 1M events
  reviewTouches: () => `
SELECT v.customer_id AS customer_id, min(v.ts) AS ts, 'peer' AS kind
FROM events v JOIN (
  SELECT item_id, rs[1].1 AS ts1, rs[1].2 AS who1, if(length(rs) >= 2, rs[2].1, NULL) AS ts2 FROM (
    SELECT r.item_id AS item_id, groupArraySorted(2)((r.first_ts, r.reviewer)) AS rs FROM (
      SELECT x.item_id AS item_id, x.customer_id AS reviewer, min(x.ts) AS first_ts FROM events x
      WHERE x.type = 'review' AND x.item_id IS NOT NULL GROUP BY x.item_id, x.customer_id) r
    GROUP BY r.item_id)) ir ON ir.item_id = v.item_id
WHERE v.type = 'view' AND v.ts > if(ir.who1 <> v.customer_id, ir.ts1, ir.ts2)
GROUP BY v.customer_id, v.item_id`,
  touchPaths: (touches, maxPath) => `
WITH tw AS (SELECT t.customer_id AS cid, arraySort(groupArray((t.ts, t.kind))) AS s ${touches} GROUP BY t.customer_id),
col AS (SELECT cid, arrayFilter((x, i) -> i = 1 OR x.2 <> s[i - 1].2, s, arrayEnumerate(s)) AS c FROM tw)
SELECT cid AS customer_id, arrayStringConcat(arrayMap(x -> x.2, arraySlice(c, greatest(length(c) - ${maxPath - 1}, 1))), '>') AS path FROM col`,
  journeys: (_types, where) => `
WITH g AS (
  SELECT customer_id AS cid, minIf(ts, type = 'purchase') AS cut,
    arraySort(groupArray((ts, type <> 'purchase', event_id, type))) AS s
  FROM events WHERE type NOT IN ('follow', 'exposure') AND ${where} GROUP BY customer_id),
col AS (SELECT cid, cut, arrayFilter((x, i) -> i = 1 OR x.4 <> s[i - 1].4, s, arrayEnumerate(s)) AS c FROM g)
SELECT cid AS customer_id,
  arrayMap(x -> x.4, arrayFilter(x -> cut IS NULL OR x.1 < cut, c)) AS pre,
  if(cut IS NULL, CAST([] AS Array(String)), arrayMap(x -> x.4, arrayFilter(x -> x.1 >= cut, c))) AS post
FROM col`,
  bought: () => 'length(post) > 0',
  pathBefore: (m) => `concat(CASE WHEN length(pre) > ${m - 1} THEN '… > ' ELSE '' END,
  arrayStringConcat(arrayConcat(arraySlice(pre, greatest(length(pre) - ${m - 1} + 1, 1)), ['purchase']), ' > '))`,
  pathAfter: (m) => `concat(arrayStringConcat(arraySlice(post, 1, ${m}), ' > '), CASE WHEN length(post) > ${m} THEN ' > …' ELSE '' END)`,
  links: (journeys, m) => `
WITH jj AS (
  SELECT if(length(post) > 0, arrayConcat(pre, ['purchase']), pre) AS full_j FROM ${journeys}),
s AS (SELECT arraySlice(full_j, 1, ${m}) AS j, length(full_j) AS full_len FROM jj WHERE length(full_j) > 0),
u AS (SELECT j, full_len, arrayJoin(arrayEnumerate(j)) AS k FROM s)
SELECT k AS position, j[k] AS step,
  CASE WHEN j[k] = 'purchase' THEN NULL WHEN k < length(j) THEN j[k + 1] WHEN full_len > length(j) THEN 'more…' ELSE 'drop-off' END AS next,
  count(*) AS customers
FROM u GROUP BY 1, 2, 3`,
};
