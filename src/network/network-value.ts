/**
 * Network-adjusted CLV (issue 6 item 3): a customer's own CLV plus what they are worth through others,
 *
 *   network-adjusted CLV = CLV + referral value + influence value,
 *
 * CLV from clv_scores (`spiral clv score`, or the analysis's CLV step); referral value from
 * network_referral_value (referral-value.ts: the discounted value of the customers they brought in);
 * influence value from network_peer_influence (peer-effect.ts: their credited share of the excess
 * purchases their touches caused among existing customers, at the average order value).
 *
 * Customers without a clv row (they never purchased, so no purchase model scores them) count their
 * network value only, and are counted in `withoutClv`. Without a clv_scores table, CLV and the
 * network-adjusted CLV are null and only the network value (referral + influence) is reported. The
 * components overlap by design (Kumar, Petersen & Leone 2010): a referred customer's value is in their
 * own CLV and in their referrer's referral value, so the column sums are not customer equity.
 *
 * Table network_value(customer_id, clv, referral_value, influenced_peers, influence_value,
 * network_value, network_adjusted_clv), one row per customer with a CLV or any network value.
 */
import type { Store } from '../store/types.js';
import { CLV_TABLE, hasClvScores, REFERRAL_VALUE_TABLE } from './referral-value.js';
import { PEER_INFLUENCE_TABLE } from './peer-effect.js';
import { dialectOf, replaceTableAs, tableExists } from '../sql/dialect.js';

export const NETWORK_VALUE_TABLE = 'network_value';

export interface NetworkValueRow {
  customerId: string;
  clv: number | null;
  referralValue: number | null;
  influencedPeers: number | null;
  influenceValue: number | null;
  networkValue: number;
  networkAdjustedClv: number | null;
}

export interface NetworkValueRun {
  clvSource: 'clv_scores' | null;
  rule: string;
  customers: number;
  withoutClv: number | null;
  totals: { clv: number | null; referralValue: number | null; influenceValue: number | null; networkValue: number | null; networkAdjustedClv: number | null };
  /** Σ network value / Σ network-adjusted CLV. */
  networkShare: number | null;
  /** Customers whose network value exceeds their own CLV. */
  networkExceedsClv: number | null;
  top: NetworkValueRow[];
}

const num = (x: unknown): number | null => (x === null || x === undefined || !Number.isFinite(Number(x)) ? null : Number(x));


/** Needs the referral-value and peer-influence tables when they were computed (either may be absent). */
export async function networkValue(store: Store, opts: { topN: number; referralValue: boolean; influence: boolean }): Promise<NetworkValueRun> {
  const clv = await hasClvScores(store);
  const ref = opts.referralValue && (await tableExists(store, REFERRAL_VALUE_TABLE));
  const inf = opts.influence && (await tableExists(store, PEER_INFLUENCE_TABLE));
  const parts: string[] = [];
  if (clv) parts.push(`SELECT customer_id FROM ${CLV_TABLE}`);
  if (ref) parts.push(`SELECT referrer_id AS customer_id FROM ${REFERRAL_VALUE_TABLE}`);
  if (inf) parts.push(`SELECT customer_id FROM ${PEER_INFLUENCE_TABLE}`);
  const d = dialectOf(store);
  const dbl = (e: string): string => `CAST(${e} AS ${d.types.double})`;
  if (parts.length === 0) parts.push(`SELECT CAST(NULL AS ${d.types.text}) AS customer_id WHERE 1 = 0`);
  await replaceTableAs(store, NETWORK_VALUE_TABLE, `
    WITH ids AS (SELECT DISTINCT customer_id FROM (${parts.join(' UNION ALL ')}) p0)
    , v AS (
      SELECT ids.customer_id AS customer_id,
             ${clv ? 'k.max_clv' : dbl('NULL')} AS clv,
             ${ref ? 'r.referral_value' : dbl('NULL')} AS referral_value,
             ${inf ? 'i.influenced_peers' : dbl('NULL')} AS influenced_peers,
             ${inf ? 'i.influence_value' : dbl('NULL')} AS influence_value
      FROM ids
      ${clv ? `LEFT JOIN (SELECT customer_id, ${dbl('max(clv)')} AS max_clv FROM ${CLV_TABLE} GROUP BY customer_id) k ON k.customer_id = ids.customer_id` : ''}
      ${ref ? `LEFT JOIN (SELECT referrer_id, ${dbl('sum(credited_value)')} AS referral_value FROM ${REFERRAL_VALUE_TABLE} GROUP BY referrer_id) r ON r.referrer_id = ids.customer_id` : ''}
      ${inf ? `LEFT JOIN ${PEER_INFLUENCE_TABLE} i ON i.customer_id = ids.customer_id` : ''}
    )
    SELECT *, ${dbl('coalesce(referral_value, 0) + coalesce(influence_value, 0)')} AS network_value,
           ${dbl(clv ? 'coalesce(clv, 0) + coalesce(referral_value, 0) + coalesce(influence_value, 0)' : 'NULL')} AS network_adjusted_clv
    FROM v`);
  const [s] = await store.query<Record<string, unknown>>(`
    SELECT count(*) AS customers, ${d.countIf('clv IS NULL')} AS without_clv,
           sum(clv) AS clv_total, sum(referral_value) AS ref, sum(influence_value) AS inf, sum(network_value) AS nv,
           sum(network_adjusted_clv) AS nac,
           ${d.countIf('clv IS NOT NULL AND network_value > clv')} AS exceeds
    FROM ${NETWORK_VALUE_TABLE}`);
  const order = clv ? 'network_adjusted_clv' : 'network_value';
  const top = await store.query<Record<string, unknown>>(`
    SELECT * FROM ${NETWORK_VALUE_TABLE} WHERE network_value <> 0 ORDER BY ${order} DESC, customer_id LIMIT ${Math.max(0, Math.floor(opts.topN))}`);
  const totals = {
    clv: clv ? num(s.clv_total) : null,
    referralValue: ref ? num(s.ref) : null,
    influenceValue: inf ? num(s.inf) : null,
    networkValue: ref || inf ? num(s.nv) : null,
    networkAdjustedClv: clv ? num(s.nac) : null,
  };
  const rule =
    (clv
      ? 'Network-adjusted CLV = CLV (clv_scores) + referral value + influence value; a customer without a CLV score (no purchases) counts their network value only.'
      : 'No clv_scores table (run `spiral clv score` or the full analysis): CLV and network-adjusted CLV are not available; network value = referral value + influence value.') +
    ` Referral value: ${ref ? 'the discounted value of the customers they brought in' : 'not computed'}. Influence value: ${inf ? 'their credited share of the excess purchases among existing customers they touched, at the average order value' : 'not computed'}.` +
    ' The parts overlap by design (a referred customer is in their own CLV and in their referrer’s referral value), so sums are not customer equity.';
  return {
    clvSource: clv ? 'clv_scores' : null,
    rule,
    customers: Number(s.customers),
    withoutClv: clv ? Number(s.without_clv) : null,
    totals,
    networkShare: totals.networkValue !== null && totals.networkAdjustedClv !== null && totals.networkAdjustedClv > 0 ? totals.networkValue / totals.networkAdjustedClv : null,
    networkExceedsClv: clv ? Number(s.exceeds) : null,
    top: top.map((r) => ({
      customerId: String(r.customer_id),
      clv: num(r.clv),
      referralValue: num(r.referral_value),
      influencedPeers: num(r.influenced_peers),
      influenceValue: num(r.influence_value),
      networkValue: num(r.network_value) ?? 0,
      networkAdjustedClv: num(r.network_adjusted_clv),
    })),
  };
}
