/**
 * The peer effect: how much a peer's touch (a share or referral received from another customer)
 * raises purchases — of existing customers, and of prospects still deciding on an item — against a
 * matched baseline, and each influencer's share of the excess.
 *
 * Design (an observational "matched comparison" with exact stratification, as in Rosenbaum & Rubin
 * (1983, 1984) subclassification and Aral, Muchnik & Sundararajan (2009, PNAS 106(51)) for peer
 * influence vs homophily), all per-event work in SQL, in two populations:
 *
 * Existing customers (a purchase before the touch):
 *  - Treated unit: person B's first touch at t0 after B's own first event, when B had purchased by
 *    then, with no touch in [t0 − W, t0) and the whole window (t0, t0 + W] before the as-of date.
 *  - Control units: every customer C with a first purchase at fp ≤ asOf − W gets an anchor drawn
 *    uniformly in [fp, asOf − W] (a seeded hash of the id — the dialect's portableHash, the same
 *    on every engine — so runs repeat and DuckDB, Postgres and ClickHouse match the same units). C is a control at an
 *    anchor when C received no touch within W either side; people touched at other times can be
 *    controls away from them.
 *  - Strata (exact matching on prior activity): purchases up to the anchor (1 … 15, 16–20, 21–30,
 *    31+), days since the last of them (≤7, ≤30, ≤90, ≤180, more), days since the first (≤W, then
 *    15-day bins to 120, 30-day bins to 360, ≤540, ≤730, more) and the anchor's calendar quarter.
 *    Under a Poisson purchase process (k, tenure) is sufficient for a customer's rate, so touches
 *    aimed at visibly active customers are matched away; selection on what the log does not show
 *    (e.g. friends who were going to buy anyway) is not, and no observational design removes it.
 *  - Outcome y = purchases in (anchor, anchor + W]; the same on (anchor − W, anchor] is a placebo.
 *
 * Prospects (nothing bought yet), per decision — the unit of the funnel's attribution (src/funnel),
 * kept per item. Comparing a touched prospect with untouched ones at the same time since their first
 * activity overstates the effect (2.81 against a true risk ratio of 2 on the simulator): a share
 * reaches someone who is still deciding, while an untouched person at that time may already have
 * decided not to buy, and the log does not show who is still deciding. The decision is in the log:
 *  - Unit: (person, item) with a view, save or cart of the item before the person's first purchase.
 *    It is decided at the first purchase of the item (bought) or, never bought, at the person's last
 *    own event.
 *  - Touched: a touch of the item (or of no item) after the consideration began, within W before the
 *    decision (strictly before a purchase; for a unit never bought also up to W after its last
 *    event — a later touch still failed to convert it, and leaving it out would make the untouched
 *    look like worse converters). Units touched within W before the consideration began were brought
 *    in by the peer (referral value's) and are left out.
 *  - Strata: the item × activity before the decision (views of the item and searches: 0 … 4, 5–9,
 *    10–19, 20+, the funnel's buckets) × a firm touch (exposure of the item) in the same window.
 *    Activity is the confounder the simulator builds in (the more active are both likelier to be
 *    shared with and to buy); the item keeps people deciding on different items (e.g. customers who
 *    came to buy a catalogue item, almost all of whom do) from being each other's baseline.
 *  - Outcome y = 1 if the item was bought at the decision. Mantel–Haenszel risk ratio with the
 *    Greenland–Robins variance of its log; extra purchases per touched unit = the same stratified
 *    difference as for customers (effect on the touched), on y.
 *
 * Both populations:
 *  - Treated units in a stratum without ≥ minControls controls are left unmatched (counted).
 *  - The effect on the treated is ATT = Σ_s (n_T,s / N_T) (ȳ_T,s − ȳ_C,s),
 *    with Var = Σ_s (n_T,s / N_T)² (s²_T,s / n_T,s + s²_C,s / n_C,s) (stratified difference of means;
 *    a stratum with one treated unit borrows the treated units' pooled within-stratum variance), and
 *    a normal interval (95 % by default). Overall = both populations' strata in one comparison.
 *  - Excess purchases = N_T · ATT; valued at the average order value (mean purchase amount).
 *  - Influencers: each matched treated unit's effect (its population's ATT) is credited to the
 *    distinct senders who touched it in its window, split equally. Influence value = credited excess
 *    purchases × average order value (undiscounted: windows are short), over the data's history.
 *
 * Tables: network_peer_units (one row per unit, its stratum and window counts; a prospect's anchor
 * is its decision, post its purchase of the item), network_peer_decisions (one row per prospect
 * decision unit: item, consideration start, decision, touches, activity, stratum) and
 * network_peer_influence(customer_id, influenced_peers, excess_purchases, influence_value).
 */
import type { Store } from '../store/types.js';
import { edgeEventFilter } from './edges.js';
import { InvalidArgumentsError } from './errors.js';
import { normalQuantile } from '../models/var/special.js';
import { mantelHaenszelRiskRatio as mantelHaenszel, type RiskStratum } from '../models/stats/mantel-haenszel.js';
import { dialectOf, replaceTableAs, type Dialect } from '../sql/dialect.js';

export const PEER_TOUCH_TYPES = ['share', 'referral', 'follow'] as const;
export type PeerTouchType = (typeof PEER_TOUCH_TYPES)[number];

export interface PeerEffectOptions {
  /** Events whose peer_id receives a touch from customer_id. */
  touchTypes: readonly PeerTouchType[];
  /** W: the window after (and, for the placebo, before) the touch. */
  windowDays: number;
  /** The as-of date; default the last event's ts. */
  asOf: Date | null;
  /** Seeds the control anchors. */
  seed: number;
  /** Confidence level of the normal interval. */
  level: number;
  /** Minimum controls in a stratum for its treated units to count as matched. */
  minControls: number;
}

export const PEER_EFFECT_DEFAULTS: PeerEffectOptions = {
  touchTypes: ['share', 'referral'],
  windowDays: 30,
  asOf: null,
  seed: 42,
  level: 0.95,
  minControls: 2,
};

export const PEER_UNITS_TABLE = 'network_peer_units';
export const PEER_INFLUENCE_TABLE = 'network_peer_influence';
export const PEER_DECISIONS_TABLE = 'network_peer_decisions';

/** Per (stratum, group) sufficient statistics. */
export interface StratumStats {
  stratum: string;
  treated: boolean;
  n: number;
  sumPost: number;
  sumPost2: number;
  sumPre: number;
  sumPre2: number;
  sumDiff2: number;
}

export interface Estimate {
  /** Mean effect per treated unit (purchases in the window). */
  estimate: number | null;
  se: number | null;
  lower: number | null;
  upper: number | null;
}

export interface StratifiedComparison {
  matchedTreated: number;
  unmatchedTreated: number;
  controls: number;
  strata: number;
  /** ATT on purchases in (t0, t0 + W]. */
  post: Estimate;
  /** The same on purchases in (t0 − W, t0]: a balance check, near 0 when matching works. */
  placebo: Estimate;
  /** Difference in differences: ATT on post − pre. */
  did: Estimate;
  /** Mean post-window purchases of the matched treated, and their matched counterfactual. */
  treatedMean: number | null;
  counterfactualMean: number | null;
  /** Unadjusted difference of mean post-window purchases, all treated vs all controls: what matching corrects. */
  naive: number | null;
  /**
   * Rate ratio treatedMean / counterfactualMean (1 + lift), interval by the delta method on the log:
   * Var(log) ≈ Var(μ_T)/μ_T² + Var(μ_0)/μ_0², the two group means' stratified variances.
   */
  ratio: Estimate;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The stratified estimator on sufficient statistics (pure; the SQL below produces the input).
 * Exported for tests: a hand-computed case checks it exactly.
 */
export function stratifiedComparison(rows: readonly StratumStats[], level = PEER_EFFECT_DEFAULTS.level, minControls = PEER_EFFECT_DEFAULTS.minControls): StratifiedComparison {
  if (!(level > 0 && level < 1)) throw new InvalidArgumentsError(`peerEffect: level must be in (0,1), got ${level}`);
  const z = normalQuantile(0.5 + level / 2);
  const byStratum = new Map<string, { t?: StratumStats; c?: StratumStats }>();
  for (const r of rows) {
    if (!(r.n >= 0)) throw new InvalidArgumentsError(`peerEffect: stratum ${r.stratum} has n = ${r.n}`);
    const e = byStratum.get(r.stratum) ?? {};
    if (r.treated) e.t = r;
    else e.c = r;
    byStratum.set(r.stratum, e);
  }
  type Pair = { t: StratumStats; c: StratumStats };
  const matched: Pair[] = [];
  let unmatched = 0;
  let controls = 0;
  for (const e of byStratum.values()) {
    if (e.c) controls += e.c.n;
    if (!e.t || e.t.n === 0) continue;
    if (!e.c || e.c.n < minControls) unmatched += e.t.n;
    else matched.push({ t: e.t, c: e.c });
  }
  const N = matched.reduce((s, p) => s + p.t.n, 0);
  const all = { tn: 0, ts: 0, cn: 0, cs: 0 };
  for (const r of rows) {
    if (r.treated) (all.tn += r.n), (all.ts += r.sumPost);
    else (all.cn += r.n), (all.cs += r.sumPost);
  }
  const naive = all.tn > 0 && all.cn > 0 ? all.ts / all.tn - all.cs / all.cn : null;
  const empty: Estimate = { estimate: null, se: null, lower: null, upper: null };
  if (N === 0) {
    return { matchedTreated: 0, unmatchedTreated: unmatched, controls, strata: 0, post: empty, placebo: empty, did: empty, treatedMean: null, counterfactualMean: null, naive, ratio: empty };
  }
  type Pick = (s: StratumStats) => { sum: number; sum2: number };
  const post: Pick = (s) => ({ sum: s.sumPost, sum2: s.sumPost2 });
  const pre: Pick = (s) => ({ sum: s.sumPre, sum2: s.sumPre2 });
  const diff: Pick = (s) => ({ sum: s.sumPost - s.sumPre, sum2: s.sumDiff2 });
  const ss = (s: StratumStats, pick: Pick): number => {
    const { sum, sum2 } = pick(s);
    return Math.max(0, sum2 - (sum * sum) / s.n); // Σ (y − ȳ)²
  };
  /**
   * Stratum-weighted (by treated units) means of the treated and control groups and the variances
   * of those means; a stratum with a single unit in a group borrows the group's pooled variance.
   */
  const weighted = (pick: Pick): { treated: number; control: number; varT: number; varC: number } => {
    let ssT = 0, dfT = 0, ssC = 0, dfC = 0;
    for (const p of matched) {
      ssT += ss(p.t, pick);
      dfT += p.t.n - 1;
      ssC += ss(p.c, pick);
      dfC += p.c.n - 1;
    }
    const pooledT = dfT > 0 ? ssT / dfT : 0;
    const pooledC = dfC > 0 ? ssC / dfC : 0;
    let treated = 0, control = 0, varT = 0, varC = 0;
    for (const p of matched) {
      const w = p.t.n / N;
      treated += w * (pick(p.t).sum / p.t.n);
      control += w * (pick(p.c).sum / p.c.n);
      const s2T = p.t.n >= 2 ? ss(p.t, pick) / (p.t.n - 1) : pooledT;
      const s2C = p.c.n >= 2 ? ss(p.c, pick) / (p.c.n - 1) : pooledC;
      varT += (w * w * s2T) / p.t.n;
      varC += (w * w * s2C) / p.c.n;
    }
    return { treated, control, varT, varC };
  };
  const estimate = (pick: Pick): Estimate => {
    const g = weighted(pick);
    const att = g.treated - g.control;
    const se = Math.sqrt(g.varT + g.varC);
    return { estimate: finite(att), se: finite(se), lower: finite(att - z * se), upper: finite(att + z * se) };
  };
  const { treated: treatedMean, control: counterfactual, varT, varC } = weighted(post);
  let ratio: Estimate = empty;
  if (treatedMean > 0 && counterfactual > 0) {
    const rr = treatedMean / counterfactual;
    const seLog = Math.sqrt(varT / (treatedMean * treatedMean) + varC / (counterfactual * counterfactual));
    ratio = { estimate: finite(rr), se: finite(rr * seLog), lower: finite(rr * Math.exp(-z * seLog)), upper: finite(rr * Math.exp(z * seLog)) };
  }
  return {
    matchedTreated: N,
    unmatchedTreated: unmatched,
    controls,
    strata: matched.length,
    post: estimate(post),
    placebo: estimate(pre),
    did: estimate(diff),
    treatedMean: finite(treatedMean),
    counterfactualMean: finite(counterfactual),
    naive,
    ratio,
  };
}

export interface PeerEffectRun extends StratifiedComparison {
  options: PeerEffectOptions;
  rule: string;
  asOf: string | null;
  /** Units whose first touch as a customer qualified (before matching). */
  treatedUnits: number;
  /** Relative lift: ATT / counterfactual mean. */
  lift: number | null;
  /** N_T · ATT and its interval. */
  excessPurchases: Estimate;
  averageOrderValue: number | null;
  /** Excess purchases × average order value, with the interval scaled the same way. */
  excessValue: Estimate;
  influencers: number;
  /**
   * The same estimator on two populations: existing customers (a purchase before the touch) and
   * prospects (active — a view, search, save or cart — but no purchase yet: the touch can convert them).
   */
  populations: { existingCustomers: StratifiedComparison; prospects: StratifiedComparison };
  /** The prospects' decision units in detail: the Mantel–Haenszel risk ratio and the extra purchases per touched unit. */
  decisions: DecisionUnits;
}

/** Strata of people with no purchase before the anchor start with this. */
export const PROSPECT_STRATUM_PREFIX = 'p0|';

function resolve(options: Partial<PeerEffectOptions>): PeerEffectOptions {
  const o = { ...PEER_EFFECT_DEFAULTS, ...options };
  if (!(o.windowDays > 0 && Number.isFinite(o.windowDays))) throw new InvalidArgumentsError(`peerEffect: windowDays must be > 0, got ${o.windowDays}`);
  if (!Number.isInteger(o.seed)) throw new InvalidArgumentsError(`peerEffect: seed must be an integer, got ${o.seed}`);
  if (!(Number.isInteger(o.minControls) && o.minControls >= 1)) throw new InvalidArgumentsError(`peerEffect: minControls must be an integer >= 1, got ${o.minControls}`);
  if (o.touchTypes.length === 0) throw new InvalidArgumentsError('peerEffect: at least one touch type is needed');
  for (const t of o.touchTypes) {
    if (!(PEER_TOUCH_TYPES as readonly string[]).includes(t)) throw new InvalidArgumentsError(`peerEffect: touch type must be one of ${PEER_TOUCH_TYPES.join(', ')}, got "${t}"`);
  }
  if (o.asOf !== null && !(o.asOf instanceof Date && Number.isFinite(o.asOf.getTime()))) throw new InvalidArgumentsError('peerEffect: asOf is not a valid date');
  return o;
}

const scale = (e: Estimate, k: number | null): Estimate =>
  k === null
    ? { estimate: null, se: null, lower: null, upper: null }
    : {
        estimate: e.estimate === null ? null : e.estimate * k,
        se: e.se === null ? null : e.se * Math.abs(k),
        lower: e.lower === null ? null : (k >= 0 ? e.lower : e.upper!) * k,
        upper: e.upper === null ? null : (k >= 0 ? e.upper : e.lower!) * k,
      };

/**
 * Mantel–Haenszel risk ratio over strata of (treated, control) units with a 0/1 outcome (sumPost =
 * units with the outcome), with the Greenland–Robins (1985) variance of its log and a normal
 * interval on that scale. Strata count when they have a treated unit and at least minControls
 * controls (the same strata the stratified comparison matches). Pure; exported for tests.
 */
export function mantelHaenszelRiskRatio(rows: readonly StratumStats[], level = PEER_EFFECT_DEFAULTS.level, minControls = PEER_EFFECT_DEFAULTS.minControls): Estimate & { strata: number } {
  if (!(level > 0 && level < 1)) throw new InvalidArgumentsError(`peerEffect: level must be in (0,1), got ${level}`);
  const byStratum = new Map<string, RiskStratum>();
  for (const r of rows) {
    const e = byStratum.get(r.stratum) ?? { a: 0, n1: 0, c: 0, n0: 0 };
    if (r.treated) (e.a += r.sumPost), (e.n1 += r.n);
    else (e.c += r.sumPost), (e.n0 += r.n);
    byStratum.set(r.stratum, e);
  }
  const mh = mantelHaenszel(byStratum.values(), { level, minControls });
  return { estimate: mh.estimate, se: mh.se, lower: mh.lower, upper: mh.upper, strata: mh.strata };
}

/** Prospects' decision units: one row per (person, item) considered before the person's first purchase. */
export interface DecisionUnits {
  /** The lookback before a decision within which a touch counts (= windowDays). */
  lookbackDays: number;
  /** (person, item) units: a view, save or cart of the item before the person's first purchase. */
  units: number;
  /** Left out: a peer touch of the item in the lookback before the consideration began (brought in: referral value's). */
  broughtIn: number;
  /** Units with a peer touch in the decision window / without. */
  touched: number;
  untouched: number;
  /** Units with a firm touch (exposure) of the item in the decision window. */
  firmTouched: number;
  /** Share of touched / untouched units that bought the item at the decision. */
  treatedConversion: number | null;
  controlConversion: number | null;
  /** Unadjusted ratio of the two. */
  naiveRiskRatio: number | null;
  /** Mantel–Haenszel risk ratio within strata of item × activity × firm touch, Greenland–Robins interval (se by the delta method). */
  riskRatio: Estimate;
  /** Strata with both touched and untouched units (≥ minControls) that the estimates use. */
  strata: number;
  /** Extra purchases of the item per touched unit: the stratified risk difference on the touched. */
  extraPurchasesPerTouched: Estimate;
  /** Touched units × that. */
  excessPurchases: Estimate;
  method: string;
}

/**
 * The peer effect's SQL, written once for every engine with the dialect's hooks (src/sql/dialect.ts):
 * windows are µs offsets (addMicros), the control anchors' draw is the dialect's portableHash (the
 * same on every engine, so every engine matches the same units), the quarter is quarterText.
 */
interface PeerSql {
  d: Dialect;
  /** The as-of timestamp (a literal or a scalar subquery). */
  asOf: string;
  /** W in microseconds. */
  wUs: number;
  /** `expr` + k·W. */
  w(expr: string, k?: number): string;
}

function peerSql(d: Dialect, asOf: string, windowDays: number): PeerSql {
  const wUs = Math.round(windowDays * 86400e6);
  return { d, asOf, wUs, w: (expr, k = 1) => d.addMicros(expr, String(k * wUs)) };
}

/** The window in which a touch at `ts` counts for a decision unit `u` (its lookback; after the last event too for a non-buyer). */
const decisionWindow = (q: PeerSql, ts: string, u: string): string =>
  `${ts} >= ${q.w(`${u}.decision`, -1)} AND (${ts} < ${u}.decision OR (NOT ${u}.converted AND ${ts} <= ${q.w(`${u}.decision`)}))`;

/** A touch or exposure `r` concerns the unit's item `u`: the same item, or no item. */
const sameItem = (r: string, u: string): string => `(${r}.item_id IS NULL OR ${r}.item_id = '' OR ${r}.item_id = ${u}.item_id)`;

/**
 * The prospects' decision units (table network_peer_decisions), the unit of the funnel's
 * attribution (src/funnel) kept per item: who was still deciding is what the log shows — a person
 * decides on an item at their first purchase of it, or (never bought) at their last own event.
 */
function decisionUnitsSql(q: PeerSql): string {
  const { d } = q;
  return `
    WITH as_of AS (SELECT ${q.asOf} AS t),
    ev AS ${d.inlineCte} (SELECT e.customer_id, e.ts, e.type, e.item_id FROM events e CROSS JOIN as_of WHERE e.ts <= as_of.t),
    person AS (
      SELECT customer_id, min(ts) FILTER (WHERE type = 'purchase') AS fp, max(ts) AS last_seen FROM ev GROUP BY customer_id
    ),
    considered AS (
      SELECT customer_id, item_id,
             min(ts) FILTER (WHERE type IN ('view', 'save', 'cart')) AS considered_at,
             min(ts) FILTER (WHERE type = 'purchase') AS bought
      FROM ev WHERE item_id IS NOT NULL AND item_id <> '' AND type IN ('view', 'save', 'cart', 'purchase')
      GROUP BY customer_id, item_id
    ),
    u AS (
      SELECT c.customer_id, c.item_id, c.considered_at, c.bought, c.bought IS NOT NULL AS converted,
             coalesce(c.bought, p.last_seen) AS decision
      FROM considered c JOIN person p ON p.customer_id = c.customer_id
      WHERE c.considered_at IS NOT NULL AND (p.fp IS NULL OR p.fp > c.considered_at)
    ),
    item_views AS (
      SELECT v.customer_id, v.item_id, ${d.countIf()} AS n
      FROM ev v JOIN u ON u.customer_id = v.customer_id AND u.item_id = v.item_id
      WHERE v.type = 'view' AND (u.bought IS NULL OR v.ts < u.bought)
      GROUP BY v.customer_id, v.item_id
    ),
    rel AS (
      SELECT x.customer_id, 'p' AS kind, x.item_id, x.ts FROM network_peer_touch x CROSS JOIN as_of WHERE x.ts <= as_of.t
      UNION ALL SELECT customer_id, 'f' AS kind, item_id, ts FROM ev WHERE type = 'exposure'
      UNION ALL SELECT customer_id, 's' AS kind, CAST(NULL AS ${d.types.text}) AS item_id, ts FROM ev WHERE type = 'search'
    ),
    x AS (
      SELECT u.customer_id, u.item_id,
             ${d.countIf(`r.kind = 'p' AND r.ts >= ${q.w('u.considered_at', -1)} AND r.ts < u.considered_at`)} AS brought_in,
             ${d.countIf(`r.kind = 'p' AND r.ts >= u.considered_at AND ${decisionWindow(q, 'r.ts', 'u')}`)} AS peer_touches,
             ${d.countIf(`r.kind = 'f' AND ${decisionWindow(q, 'r.ts', 'u')}`)} AS firm_touches,
             ${d.countIf(`r.kind = 's' AND (r.ts < u.decision OR (NOT u.converted AND r.ts <= u.decision))`)} AS searches
      FROM u JOIN rel r ON r.customer_id = u.customer_id
      WHERE r.kind = 's' OR ${sameItem('r', 'u')}
      GROUP BY u.customer_id, u.item_id
    ),
    dd AS (
      SELECT u.customer_id AS customer_id, u.item_id AS item_id, u.considered_at AS considered_at, u.decision AS decision,
             u.converted AS converted,
             coalesce(x.brought_in, 0) > 0 AS brought_in,
             CAST(coalesce(x.peer_touches, 0) AS ${d.types.int}) AS peer_touches, coalesce(x.peer_touches, 0) > 0 AS peer,
             coalesce(x.firm_touches, 0) > 0 AS firm,
             CAST(coalesce(iv.n, 0) + coalesce(x.searches, 0) AS ${d.types.int}) AS activity
      FROM u LEFT JOIN x ON x.customer_id = u.customer_id AND x.item_id = u.item_id
      LEFT JOIN item_views iv ON iv.customer_id = u.customer_id AND iv.item_id = u.item_id
    )
    SELECT customer_id, item_id, considered_at, decision, converted, brought_in, peer_touches, peer, firm, activity,
           concat_ws('|', 'p0', 'i' || item_id,
             'a' || CASE WHEN activity < 5 THEN CAST(activity AS ${d.types.text}) WHEN activity < 10 THEN '5-9' WHEN activity < 20 THEN '10-19' ELSE '20+' END,
             CASE WHEN firm THEN 'firm' ELSE 'nofirm' END) AS stratum
    FROM dd`;
}

/**
 * Existing customers' units (treated and controls) with their stratum and window counts, and the
 * prospects' decision units, in one table (network_peer_units).
 */
function unitsSql(q: PeerSql, seed: number): string {
  const { d } = q;
  const day = 86400e6;
  const since = (a: string, b: string): string => `(${d.epochMicros(a)} - ${d.epochMicros(b)})`;
  const bin = (days: number): string => `CAST(CAST(${days} * ceil(CAST(${since('anchor', 'first_ts')} AS ${d.types.double}) / ${days * day}) AS ${d.types.int}) AS ${d.types.text})`;
  // a uniform draw in [0, 1) from the id and the seed, the same on every engine
  const draw = `CAST(${d.portableHash(`f.customer_id || ${d.lit(`#${seed}`)}`)} % 1000000007 AS ${d.types.double}) / 1000000007`;
  return `
    WITH as_of AS (SELECT ${q.asOf} AS t),
    anchors AS (
      SELECT f.customer_id AS customer_id,
             ${d.addMicros('f.fp', `floor(CAST(${d.epochMicros('as_of.t')} - ${q.wUs} - ${d.epochMicros('f.fp')} AS ${d.types.double}) * (${draw}))`)} AS anchor
      FROM network_peer_first f CROSS JOIN as_of WHERE f.fp IS NOT NULL AND f.fp <= ${q.w('as_of.t', -1)}
    ),
    touched AS (
      SELECT DISTINCT a.customer_id AS customer_id FROM anchors a JOIN network_peer_touch x ON x.customer_id = a.customer_id
      WHERE x.ts >= ${q.w('a.anchor', -1)} AND x.ts <= ${q.w('a.anchor')}
    ),
    controls AS (
      SELECT a.customer_id AS customer_id, a.anchor AS anchor, FALSE AS treated
      FROM anchors a LEFT JOIN touched t ON t.customer_id = a.customer_id WHERE t.customer_id IS NULL
    ),
    units AS (SELECT customer_id, anchor, TRUE AS treated FROM network_peer_treated UNION ALL SELECT customer_id, anchor, treated FROM controls),
    bought AS (
      SELECT u.customer_id AS customer_id, u.anchor AS anchor, u.treated AS treated,
             ${d.countIf('p.ts <= u.anchor')} AS prior,
             min(p.ts) AS first_ts,
             max(p.ts) FILTER (WHERE p.ts <= u.anchor) AS last_ts,
             ${d.countIf('p.ts > u.anchor')} AS post,
             ${d.countIf(`p.ts > ${q.w('u.anchor', -1)} AND p.ts <= u.anchor`)} AS pre
      FROM units u LEFT JOIN network_peer_purchases p ON p.customer_id = u.customer_id AND p.ts <= ${q.w('u.anchor')}
      GROUP BY u.customer_id, u.anchor, u.treated
    )
    SELECT customer_id, anchor, treated, CAST(prior AS ${d.types.int}) AS prior, CAST(post AS ${d.types.int}) AS post, CAST(pre AS ${d.types.int}) AS pre,
           concat_ws('|',
             CASE WHEN prior <= 15 THEN CAST(prior AS ${d.types.text}) WHEN prior <= 20 THEN '16-20' WHEN prior <= 30 THEN '21-30' ELSE '31+' END,
             CASE WHEN ${since('anchor', 'last_ts')} <= ${7 * day} THEN 'r7' WHEN ${since('anchor', 'last_ts')} <= ${30 * day} THEN 'r30'
                  WHEN ${since('anchor', 'last_ts')} <= ${90 * day} THEN 'r90' WHEN ${since('anchor', 'last_ts')} <= ${180 * day} THEN 'r180' ELSE 'r180+' END,
             CASE WHEN ${since('anchor', 'first_ts')} <= ${q.wUs} THEN 'tW' WHEN ${since('anchor', 'first_ts')} <= ${120 * day} THEN 't' || ${bin(15)}
                  WHEN ${since('anchor', 'first_ts')} <= ${360 * day} THEN 't' || ${bin(30)}
                  WHEN ${since('anchor', 'first_ts')} <= ${540 * day} THEN 't540' WHEN ${since('anchor', 'first_ts')} <= ${730 * day} THEN 't730' ELSE 't730+' END,
             ${d.quarterText('anchor')}) AS stratum
    FROM bought
    UNION ALL
    SELECT customer_id, decision AS anchor, peer AS treated, CAST(0 AS ${d.types.int}) AS prior, CAST(CASE WHEN converted THEN 1 ELSE 0 END AS ${d.types.int}) AS post,
           CAST(0 AS ${d.types.int}) AS pre, stratum
    FROM ${PEER_DECISIONS_TABLE} WHERE NOT brought_in`;
}

const PEER_TEMP_TABLES = ['network_peer_touch', 'network_peer_purchases', 'network_peer_first', 'network_peer_treated'] as const;

/** Builds the units in SQL, estimates the effect, and writes the influencer credits. */
export async function peerEffect(store: Store, options: Partial<PeerEffectOptions> = {}): Promise<PeerEffectRun> {
  const o = resolve(options);
  const d = dialectOf(store);
  const q = peerSql(d, o.asOf ? d.timestamp(o.asOf) : '(SELECT max(ts) FROM events)', o.windowDays);
  const asOfSql = q.asOf;
  const touchWhere = edgeEventFilter(o.touchTypes, null, null, d);
  const [touch, purchases, first, treatedTable] = PEER_TEMP_TABLES;
  // (the filter reads the events' own customer_id: ClickHouse would see the alias in a WHERE beside it)
  await replaceTableAs(store, touch, `
    SELECT peer_id AS customer_id, sender, ts, item_id
    FROM (SELECT peer_id, customer_id AS sender, ts, item_id FROM events WHERE ${touchWhere}) t`, { temp: true });
  await replaceTableAs(store, purchases, `SELECT customer_id, ts FROM events WHERE type = 'purchase'`, { temp: true });
  await replaceTableAs(store, first, `
    SELECT customer_id, min(ts) AS fe, min(ts) FILTER (WHERE type = 'purchase') AS fp
    FROM events GROUP BY customer_id`, { temp: true });
  // Treated: the first touch after the person's own first event, with a clean pre-window (the last
  // touch at or before the first event, if any, more than W before it).
  await replaceTableAs(store, treatedTable, `
    WITH as_of AS (SELECT ${asOfSql} AS t),
    firsts AS (
      SELECT f.customer_id AS customer_id, min(x.ts) FILTER (WHERE x.ts > f.fe) AS anchor,
             max(x.ts) FILTER (WHERE x.ts <= f.fe) AS prev_ts, f.fe AS fe, f.fp AS fp
      FROM ${touch} x JOIN ${first} f ON f.customer_id = x.customer_id
      GROUP BY f.customer_id, f.fe, f.fp
    )
    SELECT customer_id, anchor, fe, fp FROM firsts CROSS JOIN as_of
    WHERE anchor IS NOT NULL AND ${q.w('anchor')} <= as_of.t AND (prev_ts IS NULL OR prev_ts < ${q.w('anchor', -1)})
      AND fp IS NOT NULL AND fp <= anchor`, { temp: true });
  // Prospects: one unit per (person, item considered before their first purchase), decided at the
  // first purchase of the item or, without one, at the person's last own event; the touches and
  // the activity that count are those of the decision window (decisionUnitsSql).
  await replaceTableAs(store, PEER_DECISIONS_TABLE, decisionUnitsSql(q));
  // Existing customers' controls: an anchor uniform over [fp, asOf − W], untouched within W either side.
  await replaceTableAs(store, PEER_UNITS_TABLE, unitsSql(q, o.seed));
  const stats = await store.query<{ stratum: string; treated: boolean; n: number; sp: number; sp2: number; sq: number; sq2: number; sd2: number }>(`
    SELECT stratum, treated, count(*) AS n,
           CAST(sum(post) AS ${d.types.double}) AS sp, CAST(sum(post * post) AS ${d.types.double}) AS sp2,
           CAST(sum(pre) AS ${d.types.double}) AS sq, CAST(sum(pre * pre) AS ${d.types.double}) AS sq2,
           CAST(sum((post - pre) * (post - pre)) AS ${d.types.double}) AS sd2
    FROM ${PEER_UNITS_TABLE} GROUP BY stratum, treated ORDER BY ${d.byteOrder('stratum')}, treated`);
  const rows: StratumStats[] = stats.map((r) => ({
    stratum: r.stratum, treated: Boolean(r.treated), n: Number(r.n),
    sumPost: Number(r.sp), sumPost2: Number(r.sp2), sumPre: Number(r.sq), sumPre2: Number(r.sq2), sumDiff2: Number(r.sd2),
  }));
  const cmp = stratifiedComparison(rows, o.level, o.minControls);
  const customerRows = rows.filter((r) => !r.stratum.startsWith(PROSPECT_STRATUM_PREFIX));
  const prospectRows = rows.filter((r) => r.stratum.startsWith(PROSPECT_STRATUM_PREFIX));
  const existingCustomers = stratifiedComparison(customerRows, o.level, o.minControls);
  // A prospect has bought nothing before, touched or not: there is no pre-window to compare.
  const empty: Estimate = { estimate: null, se: null, lower: null, upper: null };
  const prospects: StratifiedComparison = { ...stratifiedComparison(prospectRows, o.level, o.minControls), placebo: empty, did: empty };
  const treatedUnits = rows.filter((r) => r.treated).reduce((s, r) => s + r.n, 0);
  const [meta] = await store.query<{ aov: number | null; as_of: Date | null }>(`
    SELECT CAST((SELECT avg(amount) FROM events WHERE type = 'purchase' AND amount IS NOT NULL) AS ${d.types.double}) AS aov, ${asOfSql} AS as_of`);
  const aov = meta.aov === null ? null : finite(Number(meta.aov));
  const att = cmp.post.estimate;

  // Influencer credit: each matched treated unit's effect (its population's: extra purchases in
  // [t0, t0 + W] for a customer, extra purchases of the item for a prospect's decision), split over
  // the distinct senders who touched it in that window. Matched strata: a treated unit and at least
  // minControls controls (as stratifiedComparison).
  const perCustomer = existingCustomers.post.estimate ?? 0;
  const perProspect = prospects.post.estimate ?? 0;
  const dbl = (x: number): string => `CAST(${x} AS ${d.types.double})`;
  await replaceTableAs(store, PEER_INFLUENCE_TABLE, `
    WITH as_of AS (SELECT ${asOfSql} AS t),
    ms AS (
      SELECT stratum FROM ${PEER_UNITS_TABLE} GROUP BY stratum
      HAVING ${d.countIf('treated')} > 0 AND ${d.countIf('NOT treated')} >= ${o.minControls}
    ),
    m AS (
      SELECT customer_id, anchor FROM ${PEER_UNITS_TABLE}
      WHERE treated AND stratum IN (SELECT stratum FROM ms) AND stratum NOT LIKE ${d.lit(`${PROSPECT_STRATUM_PREFIX}%`)}
    ),
    cs AS (
      SELECT DISTINCT m.customer_id AS customer_id, m.anchor AS anchor, x.sender AS sender
      FROM m JOIN ${touch} x ON x.customer_id = m.customer_id
      WHERE x.ts >= m.anchor AND x.ts <= ${q.w('m.anchor')}
    ),
    du AS (SELECT * FROM ${PEER_DECISIONS_TABLE} WHERE peer AND NOT brought_in AND stratum IN (SELECT stratum FROM ms)),
    ps AS (
      SELECT DISTINCT du.customer_id AS customer_id, du.item_id AS item_id, x.sender AS sender
      FROM du JOIN ${touch} x ON x.customer_id = du.customer_id CROSS JOIN as_of
      WHERE ${sameItem('x', 'du')} AND x.ts <= as_of.t AND x.ts >= du.considered_at AND ${decisionWindow(q, 'x.ts', 'du')}
    ),
    credit AS (
      SELECT sender, 1 / CAST(count(*) OVER (PARTITION BY customer_id, anchor) AS ${d.types.double}) AS share, ${dbl(perCustomer)} AS per FROM cs
      UNION ALL
      SELECT sender, 1 / CAST(count(*) OVER (PARTITION BY customer_id, item_id) AS ${d.types.double}) AS share, ${dbl(perProspect)} AS per FROM ps
    )
    SELECT sender AS customer_id, CAST(sum(share) AS ${d.types.double}) AS influenced_peers,
           CAST(sum(share * per) AS ${d.types.double}) AS excess_purchases,
           ${aov === null || att === null ? d.nullDouble : `CAST(sum(share * per) * ${dbl(aov)} AS ${d.types.double})`} AS influence_value
    FROM credit GROUP BY sender`);
  const [dc] = await store.query<Record<string, unknown>>(`
    SELECT ${d.countIf()} AS units, ${d.countIf('brought_in')} AS n_brought_in,
           ${d.countIf('NOT brought_in AND peer')} AS touched, ${d.countIf('NOT brought_in AND NOT peer')} AS untouched,
           ${d.countIf('NOT brought_in AND firm')} AS n_firm,
           ${d.countIf('NOT brought_in AND peer AND converted')} AS touched_bought,
           ${d.countIf('NOT brought_in AND NOT peer AND converted')} AS untouched_bought
    FROM ${PEER_DECISIONS_TABLE}`);
  for (const t of PEER_TEMP_TABLES) await store.exec(`DROP TABLE ${t}`);
  const [{ influencers }] = await store.query<{ influencers: number }>(`SELECT count(*) AS influencers FROM ${PEER_INFLUENCE_TABLE}`);
  const excess = scale(cmp.post, cmp.matchedTreated);
  const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
  const touched = Number(dc.touched);
  const untouched = Number(dc.untouched);
  const treatedConversion = touched > 0 ? Number(dc.touched_bought) / touched : null;
  const controlConversion = untouched > 0 ? Number(dc.untouched_bought) / untouched : null;
  const mh = mantelHaenszelRiskRatio(prospectRows, o.level, o.minControls);
  const decisionMethod =
    `Prospects: one unit per (person, item) viewed, saved or carted before the person's first purchase; the decision is the ` +
    `first purchase of the item, or, never bought, the person's last own event. Touched: a ${o.touchTypes.join('/')} of the item ` +
    `(or of no item) received after the consideration began and within the ${o.windowDays} days before the decision (strictly ` +
    `before a purchase; for a unit never bought, also up to ${o.windowDays} days after its last event: a touch that came later ` +
    `still failed to convert). Units touched in the ${o.windowDays} days before the consideration began are left out (brought in: ` +
    `referral value). Strata: the item × activity (views of the item and searches before the decision: 0–4, 5–9, 10–19, 20+) ` +
    `× a firm touch (exposure of the item) in the same window. Risk ratio = Mantel–Haenszel over strata with a touched unit and ` +
    `≥ ${o.minControls} untouched, ${pct(o.level)} interval from the Greenland–Robins variance of its log; extra purchases per ` +
    `touched unit = the stratified difference in the share who bought the item (effect on the touched), normal interval.`;
  const rule =
    `Existing customers — treated: a customer's first ${o.touchTypes.join('/')} received from another customer after their own first purchase, ` +
    `with no such touch in the ${o.windowDays} days before and the ${o.windowDays} days after it observed. Controls: every ` +
    `customer at one seeded random date between their first purchase and ${o.windowDays} days before the as-of date, ` +
    `untouched within ${o.windowDays} days either side. ` +
    `Customers are matched exactly on purchases so far (1 … 15, 16–20, 21–30, 31+), ` +
    `days since the last (≤7, ≤30, ≤90, ≤180, more), days since the first (≤${o.windowDays}, 15-day bins to 120, 30-day bins ` +
    `to 360, ≤540, ≤730, more) and calendar quarter; strata with fewer than ${o.minControls} controls are left out. Effect = stratum-weighted difference ` +
    `in mean purchases over the ${o.windowDays} days after the date (effect on the treated), normal ${pct(o.level)} ` +
    `interval from the stratified variance; placebo = the same on the ${o.windowDays} days before. ${decisionMethod} ` +
    `Overall: both populations' matched units in one stratified comparison (a prospect's outcome is its purchase of the item). ` +
    `Excess purchases valued at the average order value; each treated unit's effect (its population's) credited equally to the ` +
    `customers who touched it in its window.`;
  const decisions: DecisionUnits = {
    lookbackDays: o.windowDays,
    units: Number(dc.units),
    broughtIn: Number(dc.n_brought_in),
    touched,
    untouched,
    firmTouched: Number(dc.n_firm),
    treatedConversion,
    controlConversion,
    naiveRiskRatio: treatedConversion !== null && controlConversion !== null && controlConversion > 0 ? finite(treatedConversion / controlConversion) : null,
    riskRatio: { estimate: mh.estimate, se: mh.se, lower: mh.lower, upper: mh.upper },
    strata: mh.strata,
    extraPurchasesPerTouched: prospects.post,
    excessPurchases: scale(prospects.post, prospects.matchedTreated),
    method: decisionMethod,
  };
  return {
    ...cmp,
    options: o,
    rule,
    asOf: meta.as_of instanceof Date ? meta.as_of.toISOString() : null,
    treatedUnits,
    lift: att !== null && cmp.counterfactualMean !== null && cmp.counterfactualMean > 0 ? att / cmp.counterfactualMean : null,
    excessPurchases: excess,
    averageOrderValue: aov,
    excessValue: scale(excess, aov),
    influencers: Number(influencers),
    populations: { existingCustomers, prospects },
    decisions,
  };
}
