/**
 * Per-customer network metrics back into the store: table network_scores, one row per customer who
 * is a graph node or a referral-cascade participant, so later SQL (segments, CLV, the report) can join
 * on customer_id. The numbers travel as one bulk write (io.ts writeColumns), never one INSERT per row.
 *
 * network_scores(customer_id, in_degree, out_degree, in_weight, out_weight, pagerank, core,
 *                community, reach, referred_by, cascade_root_id, cascade_depth, descendants,
 *                referrals, referral_value, influenced_peers, influence_value, clv, network_adjusted_clv)
 * Graph columns are NULL for customers outside the graph; cascade columns NULL outside cascades;
 * referrals / referral_value NULL for customers who brought nobody in; influence and CLV columns from
 * network_value (network-value.ts) when it was computed.
 */
import type { Store } from '../store/types.js';
import { CASCADE_NODES_TABLE, REFERRALS_TABLE } from './cascades.js';
import { NODES_TABLE } from './edges.js';
import { writeColumns } from './io.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';
import { REFERRAL_VALUE_TABLE } from './referral-value.js';
import { NETWORK_VALUE_TABLE } from './network-value.js';

export const SCORES_TABLE = 'network_scores';

export interface NodeMetrics {
  inDegree: Int32Array;
  outDegree: Int32Array;
  inWeight: Float64Array;
  outWeight: Float64Array;
  pagerank: Float64Array;
  core: Int32Array;
  community: Int32Array;
  reach: Int32Array;
}

export async function writeScores(store: Store, m: NodeMetrics, have: { cascades: boolean; referralValue: boolean; networkValue?: boolean }): Promise<void> {
  const n = m.pagerank.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  await writeColumns(
    store,
    'network_graph_scores',
    [
      { name: 'idx', type: 'INTEGER', data: idx },
      { name: 'in_degree', type: 'INTEGER', data: m.inDegree },
      { name: 'out_degree', type: 'INTEGER', data: m.outDegree },
      { name: 'in_weight', type: 'DOUBLE', data: m.inWeight },
      { name: 'out_weight', type: 'DOUBLE', data: m.outWeight },
      { name: 'pagerank', type: 'DOUBLE', data: m.pagerank },
      { name: 'core', type: 'INTEGER', data: m.core },
      { name: 'community', type: 'INTEGER', data: m.community },
      { name: 'reach', type: 'INTEGER', data: m.reach },
    ],
    { temp: true },
  );
  const { types: t } = dialectOf(store);
  const ids = have.cascades
    ? `SELECT customer_id FROM ${NODES_TABLE} UNION DISTINCT SELECT customer_id FROM ${CASCADE_NODES_TABLE}`
    : `SELECT customer_id FROM ${NODES_TABLE}`;
  const cascadeCols = have.cascades
    ? 'r.referrer_id AS referred_by, c.cascade_root_id, c.cascade_depth, c.descendants, k.referrals'
    : `CAST(NULL AS ${t.text}) AS referred_by, CAST(NULL AS ${t.text}) AS cascade_root_id, CAST(NULL AS ${t.int}) AS cascade_depth, CAST(NULL AS ${t.int}) AS descendants, CAST(NULL AS ${t.bigint}) AS referrals`;
  const cascadeJoins = have.cascades
    ? `LEFT JOIN ${REFERRALS_TABLE} r ON r.referred_id = ids.customer_id
       LEFT JOIN ${CASCADE_NODES_TABLE} c ON c.customer_id = ids.customer_id
       LEFT JOIN (SELECT referrer_id, count(*) AS referrals FROM ${REFERRALS_TABLE} GROUP BY referrer_id) k ON k.referrer_id = ids.customer_id`
    : '';
  const valueCol = have.referralValue ? 'v.referral_value' : `CAST(NULL AS ${t.double}) AS referral_value`;
  const valueJoin = have.referralValue
    ? `LEFT JOIN (SELECT referrer_id, sum(credited_value) AS referral_value FROM ${REFERRAL_VALUE_TABLE} GROUP BY referrer_id) v ON v.referrer_id = ids.customer_id`
    : '';
  const nvCols = have.networkValue
    ? 'nv.influenced_peers, nv.influence_value, nv.clv, nv.network_adjusted_clv'
    : ['influenced_peers', 'influence_value', 'clv', 'network_adjusted_clv'].map((c) => `CAST(NULL AS ${t.double}) AS ${c}`).join(', ');
  const nvJoin = have.networkValue ? `LEFT JOIN ${NETWORK_VALUE_TABLE} nv ON nv.customer_id = ids.customer_id` : '';
  await replaceTableAs(store, SCORES_TABLE, `
    WITH ids AS (${ids})
    SELECT ids.customer_id AS customer_id, g.in_degree, g.out_degree, g.in_weight, g.out_weight, g.pagerank, g.core,
           g.community, g.reach, ${cascadeCols}, ${valueCol}, ${nvCols}
    FROM ids
    LEFT JOIN ${NODES_TABLE} n ON n.customer_id = ids.customer_id
    LEFT JOIN network_graph_scores g ON g.idx = n.idx
    ${cascadeJoins}
    ${valueJoin}
    ${nvJoin}`);
  await store.exec('DROP TABLE network_graph_scores');
}
