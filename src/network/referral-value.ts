/**
 * Customer referral value (CRV).
 *
 * [Reference] Kumar, Petersen & Leone (2007), "How valuable is word of mouth?", HBR 85(10); and
 * (2010), "Driving profitability by encouraging customer referrals: who, when, and how", Journal of
 * Marketing 74(5): a customer's referral value is the discounted value of the customers who joined
 * because of their referrals.
 *
 * Attribution rule (stated in every result): direct referrals only — B's value is credited to the one
 * referrer that brought B (cascades.ts: network_referrals), times `share` (default 1); nothing flows
 * further up the tree. B's value is measured at the referral date t_ref, discounting every cash flow
 * at `annualDiscountRate` per 365.25-day year:
 *
 *  - 'clv_scores' (when a table clv_scores(customer_id, clv) exists): B's net revenue (purchases −
 *    returns) from t_ref to the as-of date T, each amount discounted to t_ref, plus clv_B (taken as
 *    B's residual value at T) discounted from T back to t_ref. A referred customer without a clv row
 *    contributes only the realised part (counted in `missingClv`).
 *  - 'observed_revenue' (otherwise): B's net revenue from t_ref to t_ref + horizonDays, each amount
 *    discounted to t_ref. Referrals whose horizon runs past T are counted in `censored` (their value
 *    is a lower bound).
 *
 * Everything runs in SQL; the table network_referral_value(referrer_id, referred_id, referral_ts,
 * value, credited_value) holds one row per brought-in customer.
 */
import type { Store } from '../store/types.js';
import { InvalidArgumentsError } from './errors.js';
import { REFERRALS_TABLE } from './cascades.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';

export interface ReferralValueOptions {
  annualDiscountRate: number;
  /** Revenue window after the referral in 'observed_revenue' mode. */
  horizonDays: number;
  /** Share of the referred customer's value credited to the referrer. */
  share: number;
  /** The as-of date T; default: the last event's ts. */
  asOf: Date | null;
  /** Ignore clv_scores even if it exists. */
  forceObservedRevenue: boolean;
}

export const REFERRAL_VALUE_DEFAULTS: ReferralValueOptions = {
  annualDiscountRate: 0.1,
  horizonDays: 365,
  share: 1,
  asOf: null,
  forceObservedRevenue: false,
};

export const REFERRAL_VALUE_TABLE = 'network_referral_value';
export const CLV_TABLE = 'clv_scores';

export type ValueSource = 'clv_scores' | 'observed_revenue';

export interface ReferralValueRun {
  valueSource: ValueSource;
  rule: string;
  options: ReferralValueOptions;
  asOf: string | null;
  referrers: number;
  referred: number;
  total: number | null;
  /** Referred customers without a clv row ('clv_scores' mode), else null. */
  missingClv: number | null;
  /** Referrals whose revenue horizon runs past the as-of date ('observed_revenue' mode), else null. */
  censored: number | null;
}

const YEAR_SECONDS = 365.25 * 86400;

export async function hasClvScores(store: Store): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(
    `SELECT count(*) AS n FROM information_schema.columns WHERE table_name = '${CLV_TABLE}' AND column_name IN ('customer_id', 'clv')`,
  );
  return Number(row.n) === 2;
}

/** Needs network_referrals (run referralCascades or findReferrals first). */
export async function referralValue(store: Store, options: Partial<ReferralValueOptions> = {}): Promise<ReferralValueRun> {
  const o = { ...REFERRAL_VALUE_DEFAULTS, ...options };
  if (!(o.annualDiscountRate >= 0 && Number.isFinite(o.annualDiscountRate))) throw new InvalidArgumentsError(`referralValue: annualDiscountRate must be >= 0, got ${o.annualDiscountRate}`);
  if (!(o.horizonDays > 0 && Number.isFinite(o.horizonDays))) throw new InvalidArgumentsError(`referralValue: horizonDays must be > 0, got ${o.horizonDays}`);
  if (!(o.share >= 0 && o.share <= 1)) throw new InvalidArgumentsError(`referralValue: share must be in [0,1], got ${o.share}`);
  if (o.asOf !== null && Number.isNaN(o.asOf.getTime())) throw new InvalidArgumentsError('referralValue: asOf is not a valid date');
  const valueSource: ValueSource = !o.forceObservedRevenue && (await hasClvScores(store)) ? 'clv_scores' : 'observed_revenue';
  const d = dialectOf(store);
  const asOfSql = o.asOf
    ? d.timestamp(o.asOf)
    : '(SELECT max(ts) FROM events)';
  const rate = o.annualDiscountRate;
  const disc = (from: string, to: string): string => `power(${1 + rate}, -(${d.epochSeconds(to)} - ${d.epochSeconds(from)}) / ${YEAR_SECONDS})`;
  const horizonSeconds = Math.round(o.horizonDays * 86400);
  const end = valueSource === 'clv_scores' ? 'c.ts <= (SELECT t FROM as_of)' : `c.ts < ${d.addSeconds('r.referral_ts', horizonSeconds)}`;
  const future = valueSource === 'clv_scores'
    ? `+ coalesce(k.clv, 0) * ${disc('r.referral_ts', '(SELECT t FROM as_of)')}`
    : '';
  const clvJoin = valueSource === 'clv_scores'
    ? `LEFT JOIN (SELECT customer_id, max(clv) AS clv FROM ${CLV_TABLE} GROUP BY customer_id) k ON k.customer_id = r.referred_id`
    : '';
  await replaceTableAs(store, REFERRAL_VALUE_TABLE, `
    WITH as_of AS (SELECT ${asOfSql} AS t),
    cash AS (
      SELECT customer_id, ts, CASE WHEN type = 'return' THEN -abs(amount) ELSE amount END AS amount
      FROM events WHERE type IN ('purchase', 'return') AND amount IS NOT NULL
    ),
    realized AS (
      SELECT r.referred_id, sum(c.amount * ${disc('r.referral_ts', 'c.ts')}) AS pv
      FROM ${REFERRALS_TABLE} r JOIN cash c ON c.customer_id = r.referred_id AND c.ts >= r.referral_ts AND ${end}
      GROUP BY r.referred_id
    )
    SELECT r.referrer_id, r.referred_id, r.referral_ts,
           CAST(coalesce(z.pv, 0) ${future} AS ${d.types.double}) AS value,
           CAST(${o.share} * (coalesce(z.pv, 0) ${future}) AS ${d.types.double}) AS credited_value
           ${valueSource === 'clv_scores' ? ', k.clv IS NULL AS clv_missing' : ''}
           , ${d.addSeconds('r.referral_ts', horizonSeconds)} > (SELECT t FROM as_of) AS horizon_censored
    FROM ${REFERRALS_TABLE} r
    LEFT JOIN realized z ON z.referred_id = r.referred_id
    ${clvJoin}`);
  const [s] = await store.query<{ referrers: number; referred: number; total: number | null; missing: number | null; censored: number | null; as_of: Date | null }>(`
    SELECT count(DISTINCT referrer_id) AS referrers, count(*) AS referred, sum(credited_value) AS total,
           ${valueSource === 'clv_scores' ? d.countIf('clv_missing') : 'NULL'} AS missing,
           ${valueSource === 'observed_revenue' ? d.countIf('horizon_censored') : 'NULL'} AS censored,
           ${asOfSql} AS as_of
    FROM ${REFERRAL_VALUE_TABLE}`);
  const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
  const rule = valueSource === 'clv_scores'
    ? `Direct referrals only: each referred customer's value is credited ${pct(o.share)} to the one referrer who brought them. ` +
      `Value at the referral date = net revenue from the referral to the as-of date plus clv from clv_scores at the as-of date, ` +
      `all discounted to the referral date at ${pct(rate)} a year.`
    : `Direct referrals only: each referred customer's value is credited ${pct(o.share)} to the one referrer who brought them. ` +
      `Value at the referral date = net revenue (purchases − returns) in the ${o.horizonDays} days after the referral, ` +
      `discounted to the referral date at ${pct(rate)} a year (no clv_scores table; observed revenue used).`;
  return {
    valueSource,
    rule,
    options: o,
    asOf: s.as_of instanceof Date ? s.as_of.toISOString() : null,
    referrers: Number(s.referrers),
    referred: Number(s.referred),
    total: Number(s.referred) > 0 && s.total !== null ? Number(s.total) : null,
    missingClv: s.missing === null ? null : Number(s.missing),
    censored: s.censored === null ? null : Number(s.censored),
  };
}
