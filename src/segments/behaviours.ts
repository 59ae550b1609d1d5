/**
 * The five behaviours of networked customers (access, engage, customize, connect, collaborate),
 * scored 0–100 per customer from customer_facts only.
 *
 * Rule (the same for each behaviour): count the customer's events that express it (BEHAVIOUR_RULES),
 * turn the count into a rate per week observed (first event → end of the data), shrunk toward the
 * brand's rate with a prior worth `priorWeeks` weeks — (count + priorWeeks · brandRate) / (weeks +
 * priorWeeks), so a customer seen for two days is not an outlier — and score it as the mid-percentile
 * of that rate among all customers: 100 · (customers below + ½ · customers tied) / customers. The brand
 * average is therefore 50 by construction; a score says where a customer stands in their brand.
 * A behaviour whose events the store does not record at all is null for everyone, with the reason.
 */
import type { Store } from '../store/types.js';
import { CUSTOMER_FACTS_TABLE, type FactsInfo } from './facts.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';

export const BEHAVIOURS_TABLE = 'customer_behaviours';
/** Scratch tables of scoreBehaviours: each customer's behaviour counts and weeks (the one read of customer_facts), then rates. */
const COUNTS_TABLE = '_behaviour_counts';
const RATES_TABLE = '_behaviour_rates';
export const BEHAVIOURS = ['access', 'engage', 'customize', 'connect', 'collaborate'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export const BEHAVIOUR_DEFAULTS = {
  /** Weight of the brand's rate in a customer's rate, in weeks of observation. */
  priorWeeks: 4,
};

export interface BehaviourRule {
  behaviour: Behaviour;
  /** The rule in words (README and result). */
  rule: string;
  /** SQL over customer_facts: the count of the customer's events that express the behaviour. */
  countSql: string;
  /** Whether the store records the behaviour at all, from the event counts. */
  recorded: (info: FactsInfo) => boolean;
  missing: string;
}

const n = (info: FactsInfo, ...types: string[]): number => types.reduce((s, t) => s + (info.eventsByType[t] ?? 0), 0);

export const BEHAVIOUR_RULES: readonly BehaviourRule[] = [
  {
    behaviour: 'access',
    rule: 'events through an app or mobile channel (channel app, mobile, ios, android; not firm exposures) per week observed: reaching the brand from anywhere, any time',
    countSql: 'app_events',
    recorded: (i) => i.appEvents > 0,
    missing: 'no event arrives through an app or mobile channel (channel app/mobile/ios/android), so access cannot be measured',
  },
  {
    behaviour: 'engage',
    rule: 'views outside buying sessions (browsing items, content, reviews read: views minus those in the 30 minutes before a purchase) per week observed',
    countSql: 'greatest(n_view - coalesce(views_before_purchases, 0), 0)',
    recorded: (i) => n(i, 'view') > 0,
    missing: 'the store has no view events',
  },
  {
    behaviour: 'customize',
    rule: 'saves (wishlists, favourites) and configured carts (carts carrying props) per week observed',
    countSql: '(n_save + configured_carts)',
    recorded: (i) => n(i, 'save') > 0 || i.propsEvents > 0,
    missing: 'the store has no save events and no carts with personal props',
  },
  {
    behaviour: 'connect',
    rule: 'shares, reviews, mentions, follows and support answers to other customers per week observed',
    countSql: '(n_share + n_review + n_mention + n_follow + n_support)',
    recorded: (i) => n(i, 'share', 'review', 'mention', 'follow', 'support') > 0,
    missing: 'the store has no share, review, mention, follow or support events',
  },
  {
    behaviour: 'collaborate',
    rule: 'ideas, votes and referrals per week observed',
    countSql: '(n_idea + n_vote + n_referral)',
    recorded: (i) => n(i, 'idea', 'vote', 'referral') > 0,
    missing: 'the store has no idea, vote or referral events',
  },
];

export interface BehaviourAvailability {
  behaviour: Behaviour;
  rule: string;
  available: boolean;
  reason: string | null;
  /** Events counted, and the brand's rate per customer-week. */
  events: number;
  brandRatePerWeek: number | null;
}

/**
 * The mid-percentile of `expr` among the rows, 100 · (rows below + ½ · rows tied) / `rows`, in one window (one sort):
 * rank − 1 counts the rows below, the RANGE frame's count the rows below and tied, so their sum is twice the
 * numerator, exactly (integers). `rows` is the row count (a literal: no second window over all rows).
 */
export function midPercentile(double: string, expr: string, rows: number, scale = 100): string {
  return `${scale === 1 ? '' : `${scale} * `}CAST(rank() OVER (ORDER BY ${expr}) - 1 + count(*) OVER (ORDER BY ${expr} RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ${double}) / 2 / ${rows}`;
}

/** Writes customer_behaviours(customer_id, <behaviour> score 0–100 or NULL, <behaviour>_rate) and says which behaviours exist. */
export async function scoreBehaviours(store: Store, info: FactsInfo, opts: Partial<typeof BEHAVIOUR_DEFAULTS> = {}): Promise<BehaviourAvailability[]> {
  const o = { ...BEHAVIOUR_DEFAULTS, ...opts };
  // customer_facts is read once: each customer's counts (of the rules' own types) and weeks observed, which the brand
  // totals and the rates both read (the facts are wide and some columns costly to decode)
  await replaceTableAs(store, COUNTS_TABLE, `SELECT customer_id, ${BEHAVIOUR_RULES.map((r) => `${r.countSql} AS n_${r.behaviour}`).join(', ')}, greatest(weeks_observed, 1.0 / 7) AS weeks
    FROM ${CUSTOMER_FACTS_TABLE}`, { temp: true });
  const sums = BEHAVIOUR_RULES.map((r) => `coalesce(sum(n_${r.behaviour}), 0) AS "${r.behaviour}"`).join(', ');
  const [tot] = await store.query<Record<string, unknown>>(`SELECT ${sums}, coalesce(sum(weeks), 0) AS weeks FROM ${COUNTS_TABLE}`);
  const weeks = Number(tot.weeks);
  const out: BehaviourAvailability[] = BEHAVIOUR_RULES.map((r) => {
    const available = r.recorded(info) && Number(tot[r.behaviour]) > 0;
    return {
      behaviour: r.behaviour, rule: r.rule, available, reason: available ? null : r.missing,
      events: Number(tot[r.behaviour]), brandRatePerWeek: available && weeks > 0 ? Number(tot[r.behaviour]) / weeks : null,
    };
  });
  const { types: t, rowId } = dialectOf(store);
  // the row key the windows join back on: the engine's own row id where it has one (numbering the rows costs DuckDB
  // ~0.4 CPU-s per million rows; the behaviours phase at 1M customers: 4.37 → 3.93 CPU-s, mean of 3 pairs)
  const rid = rowId ?? 'rid';
  const cols: string[] = [];
  const rates: string[] = [];
  const numerators: string[] = [];
  const ranked: string[] = [];
  for (const [i, r] of BEHAVIOUR_RULES.entries()) {
    const a = out[i];
    if (!a.available) {
      rates.push(`CAST(NULL AS ${t.double}) AS ${r.behaviour}_rate`);
      cols.push(`CAST(NULL AS ${t.double}) AS ${r.behaviour}`);
      continue;
    }
    // the numerator is exact arithmetic on DuckDB (a count plus a decimal literal: a 128-bit DECIMAL, ~2 CPU-s per
    // million customers for the five) and depends on the count alone: computed once per distinct count, by the same
    // expression and cast the division applied to it, and joined back (the rate is the same double)
    rates.push(`k_${r.behaviour}.num / (c.weeks + ${o.priorWeeks}) AS ${r.behaviour}_rate`);
    numerators.push(`LEFT JOIN (SELECT n, CAST(n + ${o.priorWeeks} * ${a.brandRatePerWeek} AS ${t.double}) AS num FROM (SELECT DISTINCT n_${r.behaviour} AS n FROM ${COUNTS_TABLE}) d_${r.behaviour}) k_${r.behaviour}
      ON k_${r.behaviour}.n = c.n_${r.behaviour}`);
    ranked.push(`q_${r.behaviour} AS (SELECT ${rid} AS rid, ${midPercentile(t.double, `${r.behaviour}_rate`, info.customers)} AS ${r.behaviour} FROM ${RATES_TABLE})`);
    cols.push(`q_${r.behaviour}.${r.behaviour} AS ${r.behaviour}`);
  }
  // one narrow window per behaviour (a row number and the rate only), joined back on the row number (cheaper than on the customer id)
  // the rates once (a table: each window reads it, a CTE would be evaluated per reference)
  await replaceTableAs(store, RATES_TABLE, `SELECT c.customer_id AS customer_id, ${rates.join(', ')}${rowId ? '' : ', row_number() OVER () AS rid'} FROM ${COUNTS_TABLE} c
    ${numerators.join('\n    ')}`, { temp: true });
  await store.exec(`DROP TABLE IF EXISTS ${COUNTS_TABLE}`);
  await replaceTableAs(store, BEHAVIOURS_TABLE, `
    ${ranked.length ? `WITH ${ranked.join(',\n    ')}` : ''}
    SELECT r.customer_id AS customer_id, ${cols.join(', ')}, ${BEHAVIOURS.map((b) => `r.${b}_rate AS ${b}_rate`).join(', ')} FROM ${RATES_TABLE} r
    ${BEHAVIOUR_RULES.filter((_, i) => out[i].available).map((x) => `JOIN q_${x.behaviour} ON q_${x.behaviour}.rid = r.${rid}`).join(' ')}`);
  await store.exec(`DROP TABLE IF EXISTS ${RATES_TABLE}`);
  return out;
}
