/**
 * What the strategy generator measures in the store beyond the other sections (all SQL over the
 * segments step's tables customer_facts, customer_behaviours, customer_segments, and text_sentiment
 * when listening scored texts):
 *
 * - per segment: the objective KPIs (repeat rate, lapsed share, shares of referrers, flow customers,
 *   contributors and supporters), the CLV those customers carry, network reach (Σ PageRank), mean
 *   behaviour scores, the funnel step with the lowest conversion, median journey times and
 *   complaint topics (terms of its negative texts with lift over all scored texts);
 * - per behaviour × objective KPI: the KPI's mean by behaviour-score quartile (score bands 0–25,
 *   25–50, 50–75, 75–100: the scores are percentiles among customers) and the difference top − bottom
 *   with a 95% interval (normal approximation, unequal variances). An association, not a causal effect:
 *   customers who show a behaviour differ in many ways.
 */
import { FLOW_TYPES } from '../domain/events.js';
import { FUNNEL_STAGES } from '../domain/sections/funnel.js';
import { CUSTOMER_KPIS, type Association, type CustomerKpi, type SegmentEvidence } from '../domain/sections/strategy.js';
import { STOP_WORDS } from '../listening/stopwords.js';
import { lit } from '../sql/quote.js';
import { dialectOf } from '../sql/dialect.js';
import { listeningSql } from '../listening/sql.js';
import type { Store } from '../store/types.js';
import { hasTable } from './experiments/queries.js';
import { STRATEGIES, type ObjectiveName, type StrategyName } from './plan.js';

export const EVIDENCE_DEFAULTS = { complaintTerms: 5, minTermDocs: 3, minLift: 1.5, z: 1.959963984540054 } as const;

const FLOW_SUM = FLOW_TYPES.map((t) => `f.n_${t}`).join(' + ');
/** 1/0 of a condition as a double, spelled the same on DuckDB, Postgres and ClickHouse (Postgres casts no boolean to a double). */
const oneIf = (cond: string): string => `CAST(CASE WHEN ${cond} THEN 1 ELSE 0 END AS DOUBLE PRECISION)`;

/** Each objective's per-customer KPI: its SQL over customer_facts f, its definition, and the behaviours whose score counts its events. */
export const CUSTOMER_KPI_DEFINITIONS: Readonly<Record<CustomerKpi, { objective: ObjectiveName; sql: string; definition: string; overlap: readonly StrategyName[] }>> = {
  lapsed: { objective: 'reduce-attrition', sql: '1 - f.p_alive', definition: '1 − P(alive) of a customer with a CLV score', overlap: [] },
  repeat: { objective: 'increase-repeat', sql: `CASE WHEN f.n_purchase > 0 THEN ${oneIf('f.purchase_days > 1')} END`, definition: 'a purchaser bought on more than one day (1/0)', overlap: [] },
  referred: { objective: 'grow-referrals', sql: oneIf('f.n_referral > 0'), definition: 'the customer referred someone (1/0)', overlap: ['collaborate'] },
  flow: { objective: 'grow-flow', sql: oneIf(`(${FLOW_SUM}) > 0`), definition: `the customer has a spontaneous action (${FLOW_TYPES.join(', ')}) (1/0)`, overlap: ['access', 'connect', 'collaborate'] },
  contributed: { objective: 'launch-idea', sql: oneIf('f.n_idea + f.n_vote > 0'), definition: 'the customer posted an idea or voted (1/0)', overlap: ['collaborate'] },
  support: { objective: 'faster-service', sql: oneIf('f.n_support > 0'), definition: 'the customer answered another customer (1/0)', overlap: ['connect'] },
};

export const KPI_OF_OBJECTIVE: Readonly<Record<ObjectiveName, CustomerKpi>> = Object.fromEntries(
  CUSTOMER_KPIS.map((k) => [CUSTOMER_KPI_DEFINITIONS[k].objective, k]),
) as Record<ObjectiveName, CustomerKpi>;

const nn = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
const n0 = (v: unknown): number => nn(v) ?? 0;

/** Mean KPI by behaviour-score quartile and top − bottom with a 95% interval, for every behaviour × KPI. */
export async function measureAssociations(store: Store): Promise<Association[]> {
  // the KPIs and the behaviour scores in long form as UNION ALLs (UNPIVOT is DuckDB's); one text for every engine
  const kk = CUSTOMER_KPIS.map((x) => `SELECT f.customer_id AS customer_id, ${lit(x)} AS kpi, ${CUSTOMER_KPI_DEFINITIONS[x].sql} AS y FROM customer_facts f`).join('\n  UNION ALL ');
  const b = STRATEGIES.map((x) => `SELECT cb.customer_id AS customer_id, ${lit(x)} AS behaviour, CAST(cb.${x} AS DOUBLE PRECISION) AS score FROM customer_behaviours cb`).join('\n  UNION ALL ');
  const rows = await store.query(`
WITH kk AS (${kk}),
b AS (${b}),
j AS (
  SELECT b.behaviour AS behaviour, kk.kpi AS kpi, b.score AS score, kk.y AS y, CAST(least(floor(b.score / 25), 3) AS INTEGER) + 1 AS q
  FROM b JOIN kk ON kk.customer_id = b.customer_id WHERE kk.y IS NOT NULL AND b.score IS NOT NULL)
SELECT behaviour, kpi, q, count(*) AS n, min(score) AS lo, max(score) AS hi, avg(y) AS mean, var_samp(y) AS var FROM j GROUP BY behaviour, kpi, q`);
  const out: Association[] = [];
  for (const behaviour of STRATEGIES) {
    for (const kpi of CUSTOMER_KPIS) {
      const qs = rows.filter((r) => r.behaviour === behaviour && r.kpi === kpi);
      const quartiles = [1, 2, 3, 4].map((q) => {
        const r = qs.find((x) => Number(x.q) === q);
        return { quartile: q, customers: r ? n0(r.n) : 0, minScore: r ? nn(r.lo) : null, maxScore: r ? nn(r.hi) : null, mean: r ? nn(r.mean) : null };
      });
      const customers = quartiles.reduce((s, q) => s + q.customers, 0);
      const top = qs.find((x) => Number(x.q) === 4);
      const bottom = qs.find((x) => Number(x.q) === 1);
      let difference: number | null = null;
      let lower: number | null = null;
      let upper: number | null = null;
      let reason: string | null = null;
      if (customers === 0) reason = `no customer has both a ${behaviour} score and the ${kpi} KPI`;
      else if (!top || !bottom || n0(top.n) < 2 || n0(bottom.n) < 2) reason = `the top or bottom ${behaviour}-score quartile has fewer than 2 customers`;
      else {
        difference = n0(top.mean) - n0(bottom.mean);
        const se = Math.sqrt(n0(top.var) / n0(top.n) + n0(bottom.var) / n0(bottom.n));
        lower = difference - EVIDENCE_DEFAULTS.z * se;
        upper = difference + EVIDENCE_DEFAULTS.z * se;
      }
      out.push({ key: `${behaviour}:${kpi}`, behaviour, kpi, customers, quartiles, difference, lower, upper, overlap: CUSTOMER_KPI_DEFINITIONS[kpi].overlap.includes(behaviour), reason });
    }
  }
  return out;
}

/** Per segment of customer_segments: KPIs, value, reach, behaviour means, funnel drop-off, journey times, complaint topics. */
export async function measureSegments(store: Store, names: ReadonlyMap<number, string>): Promise<SegmentEvidence[]> {
  const stages = FUNNEL_STAGES;
  // Effective stages: reaching a later stage counts as passing the earlier ones (as in the funnel section).
  const d = dialectOf(store);
  const own = ['1 = 1', 'f.n_view + f.n_save > 0', 'f.n_cart > 0', 'f.n_purchase > 0', 'f.purchase_days > 1', 'f.n_share + f.n_review + f.n_referral + f.n_support > 0'];
  const reached = stages.map((_, i) => `count(*) FILTER (WHERE ${own.slice(i).map((c) => `(${c})`).join(' OR ')}) AS st_${i}`);
  const rows = await store.query(`
SELECT s.segment AS id, count(*) AS customers, count(*) FILTER (WHERE f.n_purchase > 0) AS purchasers,
  avg(${CUSTOMER_KPI_DEFINITIONS.repeat.sql}) AS repeat_rate,
  1 - avg(f.p_alive) AS lapsed,
  avg(${CUSTOMER_KPI_DEFINITIONS.referred.sql}) AS referrers, avg(${CUSTOMER_KPI_DEFINITIONS.flow.sql}) AS flow,
  avg(${CUSTOMER_KPI_DEFINITIONS.contributed.sql}) AS contributors, avg(${CUSTOMER_KPI_DEFINITIONS.support.sql}) AS supporters,
  count(f.clv) AS scored,
  coalesce(sum(f.clv) FILTER (WHERE f.n_purchase > 0 AND f.purchase_days <= 1), 0) AS one_time_clv,
  coalesce(sum(f.clv) FILTER (WHERE f.n_idea + f.n_vote > 0), 0) AS contributor_clv,
  coalesce(sum(f.clv) FILTER (WHERE f.n_support > 0), 0) AS support_clv,
  sum(f.pagerank) AS reach,
  ${STRATEGIES.map((b) => `avg(b.${b}) AS s_${b}`).join(', ')},
  ${reached.join(', ')},
  ${d.quantile(`${d.secondsBetween('f.first_event', 'f.first_purchase')} / 86400.0`, 0.5)} AS to_first,
  ${d.quantile('f.mean_ipt_days', 0.5)} AS between_days, ${d.quantile('f.days_since_last_event', 0.5)} AS since_last
FROM customer_segments s JOIN customer_facts f ON f.customer_id = s.customer_id LEFT JOIN customer_behaviours b ON b.customer_id = s.customer_id
GROUP BY s.segment ORDER BY s.segment`);
  const anyClv = rows.some((r) => n0(r.scored) > 0);
  const anyReach = rows.some((r) => nn(r.reach) !== null);
  const complaints = await measureComplaints(store);
  return rows.map((r) => {
    const id = Number(r.id);
    const st = stages.map((stage, i) => ({ stage, customers: n0(r[`st_${i}`]) }));
    let drop: { from: string; to: string; rate: number } | null = null;
    for (let i = 0; i + 1 < st.length; i++) {
      if (st[i].customers === 0) break;
      const rate = st[i + 1].customers / st[i].customers;
      if (drop === null || rate < drop.rate) drop = { from: st[i].stage, to: st[i + 1].stage, rate };
    }
    const clvOr = (v: unknown): number | null => (anyClv ? n0(v) : null);
    return {
      id,
      name: names.get(id) ?? `segment ${id}`,
      customers: n0(r.customers),
      purchasers: n0(r.purchasers),
      repeatRate: nn(r.repeat_rate),
      lapsedShare: nn(r.lapsed),
      referrerShare: n0(r.referrers),
      flowShare: n0(r.flow),
      contributorShare: n0(r.contributors),
      supportShare: n0(r.supporters),
      oneTimeClv: clvOr(r.one_time_clv),
      contributorClv: clvOr(r.contributor_clv),
      supportClv: clvOr(r.support_clv),
      reach: anyReach ? n0(r.reach) : null,
      scores: Object.fromEntries(STRATEGIES.map((b) => [b, nn(r[`s_${b}`])])) as SegmentEvidence['scores'],
      funnel: { stages: st, dropFrom: drop?.from ?? null, dropTo: drop?.to ?? null, rate: drop?.rate ?? null },
      journey: { toFirstPurchaseDays: nn(r.to_first), betweenPurchasesDays: nn(r.between_days), sinceLastEventDays: nn(r.since_last) },
      complaints: complaints === null ? null : complaints.get(id) ?? { texts: 0, negative: 0, terms: [] },
    };
  });
}

/** Complaint topics per segment from the texts listening scored (text_sentiment, its most used method); null without scored texts. */
async function measureComplaints(store: Store): Promise<Map<number, NonNullable<SegmentEvidence['complaints']>> | null> {
  if (!(await hasTable(store, 'text_sentiment', ['event_id', 'method', 'label']))) return null;
  const o = EVIDENCE_DEFAULTS;
  const d = dialectOf(store);
  const ls = listeningSql(store);
  const rows = await store.query(`
WITH m AS (SELECT method AS m_method FROM text_sentiment GROUP BY method ORDER BY count(*) DESC, ${d.byteOrder('method')} LIMIT 1),
sc AS (
  SELECT DISTINCT t.event_id AS sc_event, s.segment AS sc_segment, t.label AS sc_label, e.text AS sc_text
  FROM text_sentiment t JOIN m ON m.m_method = t.method JOIN events e ON e.event_id = t.event_id JOIN customer_segments s ON s.customer_id = e.customer_id
  WHERE e.text IS NOT NULL),
words AS (
  SELECT DISTINCT sc_event, sc_segment, sc_label, ${ls.trimQuotes('w')} AS term
  FROM (SELECT sc_event, sc_segment, sc_label, ${ls.words('sc_text')} AS w FROM sc) x),
terms AS (SELECT sc_event, sc_segment, sc_label, term FROM words WHERE length(term) >= 3 AND term NOT IN (${STOP_WORDS.map((w) => d.lit(w)).join(', ')})),
n_all AS (SELECT count(*) AS n_texts FROM sc),
df_all AS (SELECT term AS a_term, count(*) AS a_df FROM terms GROUP BY term),
n_seg AS (SELECT sc_segment AS segment, count(*) AS texts, count(*) FILTER (WHERE sc_label = 'negative') AS neg FROM sc GROUP BY sc_segment),
df_neg AS (SELECT sc_segment AS g_segment, term AS g_term, count(*) AS g_df FROM terms WHERE sc_label = 'negative' GROUP BY sc_segment, term),
ranked AS (
  SELECT g.g_segment AS r_segment, g.g_term AS r_term, g.g_df AS docs, (CAST(g.g_df AS DOUBLE PRECISION) / ns.neg) / (CAST(a.a_df AS DOUBLE PRECISION) / na.n_texts) AS lift,
    row_number() OVER (PARTITION BY g.g_segment ORDER BY g.g_df DESC, ${d.byteOrder('g.g_term')}) AS rk
  FROM df_neg g JOIN n_seg ns ON ns.segment = g.g_segment JOIN df_all a ON a.a_term = g.g_term CROSS JOIN n_all na
  WHERE g.g_df >= ${o.minTermDocs} AND (CAST(g.g_df AS DOUBLE PRECISION) / ns.neg) / (CAST(a.a_df AS DOUBLE PRECISION) / na.n_texts) >= ${o.minLift})
SELECT ns.segment AS segment, ns.texts AS texts, ns.neg AS neg, r.r_term AS term, r.docs AS docs, r.lift AS lift
FROM n_seg ns LEFT JOIN ranked r ON r.r_segment = ns.segment AND r.rk <= ${o.complaintTerms}
ORDER BY ns.segment, r.rk`);
  const out = new Map<number, NonNullable<SegmentEvidence['complaints']>>();
  for (const r of rows) {
    const id = Number(r.segment);
    let c = out.get(id);
    if (!c) out.set(id, (c = { texts: n0(r.texts), negative: n0(r.neg), terms: [] }));
    if (r.term !== null && r.term !== undefined) c.terms.push({ term: String(r.term), docs: n0(r.docs), lift: n0(r.lift) });
  }
  return out;
}
