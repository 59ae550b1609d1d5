/**
 * The peer effect: how much a peer's touch (a share or referral received from another customer)
 * raises an existing customer's purchases, against a matched baseline, and each influencer's share
 * of the excess.
 *
 * Design (an observational "matched comparison" with exact stratification, as in Rosenbaum & Rubin
 * (1983, 1984) subclassification and Aral, Muchnik & Sundararajan (2009, PNAS 106(51)) for peer
 * influence vs homophily), all per-event work in SQL:
 *
 *  - Treated unit: person B's first touch at t0 after B's own first event (B was active: a customer,
 *    or a prospect who viewed/searched), with no touch in [t0 − W, t0) and the whole window
 *    (t0, t0 + W] before the as-of date. People whose first sign of life is the touch itself (a
 *    referral that brought them in) are the referral value's, not the peer effect's.
 *  - Control units: every customer C with a first purchase at fp ≤ asOf − W gets an anchor drawn
 *    uniformly in [fp, asOf − W] (a seeded hash of the id, so runs repeat); every person also gets a
 *    prospect anchor at their first event plus the delay (touch − first event) of a treated prospect
 *    picked by hash, kept while they have not purchased. C is a control at an anchor when C received
 *    no touch within W either side; people touched at other times can be controls away from them.
 *  - Strata (exact matching on prior activity). No purchase yet: the item of the first event,
 *    activity events so far (0 … 5, 6–9, 10+), time since the first event (≤6 h, ≤1, 3, 7, 30 days,
 *    more) and since the last activity (≤1 h, ≤6 h, ≤1 day, ≤3 days, more).
 *    Otherwise: purchases up to the anchor (1 … 15, 16–20, 21–30,
 *    31+), days since the last of them (≤7, ≤30, ≤90, ≤180, more), days since the first (≤W, then
 *    15-day bins to 120, 30-day bins to 360, ≤540, ≤730, more) and the anchor's calendar quarter.
 *    Under a Poisson purchase process (k, tenure) is sufficient for a customer's rate, so touches
 *    aimed at visibly active customers are matched away; selection on what the log does not show
 *    (e.g. friends who were going to buy anyway) is not, and no observational design removes it. Treated units in a stratum without ≥ 2 controls
 *    are left unmatched (counted).
 *  - Outcome y = purchases in (anchor, anchor + W]. The effect on the treated is
 *      ATT = Σ_s (n_T,s / N_T) (ȳ_T,s − ȳ_C,s),
 *    with Var = Σ_s (n_T,s / N_T)² (s²_T,s / n_T,s + s²_C,s / n_C,s) (stratified difference of means;
 *    a stratum with one treated unit borrows the treated units' pooled within-stratum variance), and
 *    a normal interval (95 % by default). The same comparison on y = purchases in (anchor − W, anchor] is a
 *    placebo (0 when the strata balance the groups), and on post − pre a difference-in-differences.
 *  - Excess purchases = N_T · ATT; valued at the average order value (mean purchase amount).
 *  - Influencers: each matched treated unit's ATT is credited to the distinct senders who touched it
 *    in [t0, t0 + W], split equally. Influence value = credited excess purchases × average order value
 *    (undiscounted: windows are short), measured over the data's history.
 *
 * Tables: network_peer_units (one row per unit, its stratum and window counts) and
 * network_peer_influence(customer_id, influenced_peers, excess_purchases, influence_value).
 */
import type { Store } from '../store/types.js';
import { edgeEventFilter } from './edges.js';
import { InvalidArgumentsError } from './errors.js';
import { normalQuantile } from '../models/var/special.js';

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
  const estimate = (pick: Pick): Estimate => {
    // Pooled within-stratum variance of each group, for strata with a single unit.
    let ssT = 0, dfT = 0, ssC = 0, dfC = 0;
    for (const p of matched) {
      ssT += ss(p.t, pick);
      dfT += p.t.n - 1;
      ssC += ss(p.c, pick);
      dfC += p.c.n - 1;
    }
    const pooledT = dfT > 0 ? ssT / dfT : 0;
    const pooledC = dfC > 0 ? ssC / dfC : 0;
    let att = 0;
    let v = 0;
    for (const p of matched) {
      const w = p.t.n / N;
      att += w * (pick(p.t).sum / p.t.n - pick(p.c).sum / p.c.n);
      const s2T = p.t.n >= 2 ? ss(p.t, pick) / (p.t.n - 1) : pooledT;
      const s2C = p.c.n >= 2 ? ss(p.c, pick) / (p.c.n - 1) : pooledC;
      v += w * w * (s2T / p.t.n + s2C / p.c.n);
    }
    const se = Math.sqrt(v);
    return { estimate: finite(att), se: finite(se), lower: finite(att - z * se), upper: finite(att + z * se) };
  };
  let treatedMean = 0;
  let counterfactual = 0;
  let varT = 0;
  let varC = 0;
  {
    let ssT = 0, dfT = 0, ssC = 0, dfC = 0;
    for (const p of matched) {
      ssT += ss(p.t, post);
      dfT += p.t.n - 1;
      ssC += ss(p.c, post);
      dfC += p.c.n - 1;
    }
    for (const p of matched) {
      const w = p.t.n / N;
      treatedMean += w * (p.t.sumPost / p.t.n);
      counterfactual += w * (p.c.sumPost / p.c.n);
      const s2T = p.t.n >= 2 ? ss(p.t, post) / (p.t.n - 1) : dfT > 0 ? ssT / dfT : 0;
      const s2C = p.c.n >= 2 ? ss(p.c, post) / (p.c.n - 1) : dfC > 0 ? ssC / dfC : 0;
      varT += (w * w * s2T) / p.t.n;
      varC += (w * w * s2C) / p.c.n;
    }
  }
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

/** Builds the units in SQL, estimates the effect, and writes the influencer credits. */
export async function peerEffect(store: Store, options: Partial<PeerEffectOptions> = {}): Promise<PeerEffectRun> {
  const o = resolve(options);
  const W = `to_microseconds(${Math.round(o.windowDays * 86400e6)}::BIGINT)`;
  const asOfSql = o.asOf
    ? `TIMESTAMP '${o.asOf.toISOString().replace('T', ' ').replace('Z', '')}'`
    : '(SELECT max(ts) FROM events)';
  const touchWhere = edgeEventFilter(o.touchTypes, null, null);
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE network_peer_touch AS
    SELECT peer_id AS customer_id, customer_id AS sender, ts FROM events WHERE ${touchWhere}`);
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE network_peer_purchases AS
    SELECT customer_id, ts FROM events WHERE type = 'purchase'`);
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE network_peer_first AS
    SELECT customer_id, min(ts) AS fe, min(ts) FILTER (WHERE type = 'purchase') AS fp,
           coalesce(arg_min(item_id, ts) FILTER (WHERE item_id IS NOT NULL), '') AS first_item
    FROM events GROUP BY customer_id`);
  // Treated: the first touch after the person's own first event, with a clean pre-window.
  await store.exec(`
    CREATE OR REPLACE TEMP TABLE network_peer_treated AS
    WITH as_of AS (SELECT ${asOfSql} AS t),
    seq AS (
      SELECT customer_id, sender, ts, lag(ts) OVER (PARTITION BY customer_id ORDER BY ts, sender) AS prev_ts
      FROM network_peer_touch
    ),
    firsts AS (
      SELECT s.customer_id, s.ts AS anchor, s.prev_ts, f.fe, f.fp
      FROM seq s JOIN network_peer_first f ON f.customer_id = s.customer_id
      WHERE s.ts > f.fe
      QUALIFY row_number() OVER (PARTITION BY s.customer_id ORDER BY s.ts, s.sender) = 1
    )
    SELECT customer_id, anchor, fe, fp FROM firsts, as_of
    WHERE anchor + ${W} <= as_of.t AND (prev_ts IS NULL OR prev_ts < anchor - ${W})`);
  // Controls: a customer anchor uniform over [fp, asOf − W], and a prospect anchor at the person's
  // first event plus the delay of a treated prospect picked by hash (so prospects are compared at the
  // same time since their first activity), each untouched within W either side.
  await store.exec(`
    CREATE OR REPLACE TABLE ${PEER_UNITS_TABLE} AS
    WITH as_of AS (SELECT ${asOfSql} AS t),
    tp AS (
      SELECT (row_number() OVER (ORDER BY customer_id) - 1)::BIGINT AS k, anchor - fe AS delay
      FROM network_peer_treated WHERE fp IS NULL OR fp > anchor
    ),
    ntp AS (SELECT count(*)::BIGINT AS n FROM tp),
    customer_anchors AS (
      SELECT f.customer_id,
             f.fp + to_microseconds((
               (epoch_us(as_of.t - ${W}) - epoch_us(f.fp))::DOUBLE
               * ((hash(f.customer_id || '#${o.seed}') % 1000000007)::DOUBLE / 1000000007)
             )::BIGINT) AS anchor
      FROM network_peer_first f, as_of WHERE f.fp IS NOT NULL AND f.fp <= as_of.t - ${W}
    ),
    picks AS (
      SELECT customer_id, fe, fp, (hash(customer_id || '#${o.seed}#p') % greatest((SELECT n FROM ntp), 1))::BIGINT AS k
      FROM network_peer_first
    ),
    prospect_anchors AS (
      -- an equi-join on a precomputed key: a join condition that reads ntp makes DuckDB nest loops
      SELECT p.customer_id, p.fe + tp.delay AS anchor, p.fp FROM picks p JOIN tp ON tp.k = p.k
    ),
    anchors AS (
      SELECT customer_id, anchor FROM customer_anchors
      UNION ALL
      SELECT customer_id, anchor FROM prospect_anchors, as_of
      WHERE (fp IS NULL OR fp > anchor) AND anchor + ${W} <= as_of.t
    ),
    controls AS (
      SELECT a.customer_id, a.anchor, FALSE AS treated FROM anchors a
      ANTI JOIN network_peer_touch x ON x.customer_id = a.customer_id AND x.ts >= a.anchor - ${W} AND x.ts <= a.anchor + ${W}
    ),
    units AS (SELECT customer_id, anchor, TRUE AS treated FROM network_peer_treated UNION ALL SELECT * FROM controls),
    bought AS (
      SELECT u.customer_id, u.anchor, u.treated,
             count(p.ts) FILTER (WHERE p.ts <= u.anchor) AS prior,
             min(p.ts) AS first_ts,
             max(p.ts) FILTER (WHERE p.ts <= u.anchor) AS last_ts,
             count(p.ts) FILTER (WHERE p.ts > u.anchor) AS post,
             count(p.ts) FILTER (WHERE p.ts > u.anchor - ${W} AND p.ts <= u.anchor) AS pre
      FROM units u LEFT JOIN network_peer_purchases p ON p.customer_id = u.customer_id AND p.ts <= u.anchor + ${W}
      GROUP BY u.customer_id, u.anchor, u.treated
    ),
    active AS (
      SELECT u.customer_id, u.anchor, u.treated, count(e.ts) AS activity, max(e.ts) AS last_active
      FROM units u LEFT JOIN (SELECT customer_id, ts FROM events WHERE type IN ('view', 'search', 'save', 'cart')) e
        ON e.customer_id = u.customer_id AND e.ts <= u.anchor
      GROUP BY u.customer_id, u.anchor, u.treated
    ),
    counted AS (
      SELECT b.*, a.activity, a.last_active, f.fe, f.first_item FROM bought b
      JOIN active a ON a.customer_id = b.customer_id AND a.anchor = b.anchor AND a.treated = b.treated
      JOIN network_peer_first f ON f.customer_id = b.customer_id
    )
    SELECT customer_id, anchor, treated, prior::INTEGER AS prior, post::INTEGER AS post, pre::INTEGER AS pre,
           CASE WHEN prior = 0 THEN concat_ws('|', 'p0', 'i' || first_item,
             CASE WHEN activity <= 5 THEN 'a' || activity WHEN activity <= 9 THEN 'a6-9' ELSE 'a10+' END,
             CASE WHEN anchor - fe <= INTERVAL 6 HOUR THEN 'f6h' WHEN anchor - fe <= INTERVAL 1 DAY THEN 'f1d'
                  WHEN anchor - fe <= INTERVAL 3 DAY THEN 'f3d' WHEN anchor - fe <= INTERVAL 7 DAY THEN 'f7d'
                  WHEN anchor - fe <= INTERVAL 30 DAY THEN 'f30d' ELSE 'f30d+' END,
             CASE WHEN last_active IS NULL THEN 'l-' WHEN anchor - last_active <= INTERVAL 1 HOUR THEN 'l1h'
                  WHEN anchor - last_active <= INTERVAL 6 HOUR THEN 'l6h' WHEN anchor - last_active <= INTERVAL 1 DAY THEN 'l1d'
                  WHEN anchor - last_active <= INTERVAL 3 DAY THEN 'l3d' ELSE 'l3d+' END)
           ELSE concat_ws('|',
             CASE WHEN prior <= 15 THEN prior::VARCHAR WHEN prior <= 20 THEN '16-20' WHEN prior <= 30 THEN '21-30' ELSE '31+' END,
             CASE WHEN anchor - last_ts <= INTERVAL 7 DAY THEN 'r7' WHEN anchor - last_ts <= INTERVAL 30 DAY THEN 'r30'
                  WHEN anchor - last_ts <= INTERVAL 90 DAY THEN 'r90' WHEN anchor - last_ts <= INTERVAL 180 DAY THEN 'r180' ELSE 'r180+' END,
             CASE WHEN anchor - first_ts <= ${W} THEN 'tW' WHEN anchor - first_ts <= INTERVAL 120 DAY
                  THEN 't' || (15 * ceil(epoch(anchor - first_ts) / (15 * 86400)))::INTEGER
                  WHEN anchor - first_ts <= INTERVAL 360 DAY
                  THEN 't' || (30 * ceil(epoch(anchor - first_ts) / (30 * 86400)))::INTEGER
                  WHEN anchor - first_ts <= INTERVAL 540 DAY THEN 't540' WHEN anchor - first_ts <= INTERVAL 730 DAY THEN 't730' ELSE 't730+' END,
             strftime(date_trunc('quarter', anchor), '%Y-%m')) END AS stratum
    FROM counted`);
  const stats = await store.query<{ stratum: string; treated: boolean; n: number; sp: number; sp2: number; sq: number; sq2: number; sd2: number }>(`
    SELECT stratum, treated, count(*) AS n,
           sum(post)::DOUBLE AS sp, sum(post * post)::DOUBLE AS sp2,
           sum(pre)::DOUBLE AS sq, sum(pre * pre)::DOUBLE AS sq2,
           sum((post - pre) * (post - pre))::DOUBLE AS sd2
    FROM ${PEER_UNITS_TABLE} GROUP BY stratum, treated ORDER BY stratum, treated`);
  const rows: StratumStats[] = stats.map((r) => ({
    stratum: r.stratum, treated: Boolean(r.treated), n: Number(r.n),
    sumPost: Number(r.sp), sumPost2: Number(r.sp2), sumPre: Number(r.sq), sumPre2: Number(r.sq2), sumDiff2: Number(r.sd2),
  }));
  const cmp = stratifiedComparison(rows, o.level, o.minControls);
  const treatedUnits = rows.filter((r) => r.treated).reduce((s, r) => s + r.n, 0);
  const [meta] = await store.query<{ aov: number | null; as_of: Date | null }>(`
    SELECT (SELECT avg(amount) FROM events WHERE type = 'purchase' AND amount IS NOT NULL)::DOUBLE AS aov, ${asOfSql} AS as_of`);
  const aov = meta.aov === null ? null : finite(Number(meta.aov));
  const att = cmp.post.estimate;

  // Influencer credit: each matched treated unit's ATT, split over the distinct senders in [t0, t0 + W].
  const matchedStrata = new Set<string>();
  const counts = new Map<string, { t: number; c: number }>();
  for (const r of rows) {
    const e = counts.get(r.stratum) ?? { t: 0, c: 0 };
    if (r.treated) e.t = r.n;
    else e.c = r.n;
    counts.set(r.stratum, e);
  }
  for (const [s, e] of counts) if (e.t > 0 && e.c >= o.minControls) matchedStrata.add(s);
  const strataList = [...matchedStrata].map((s) => `'${s.replaceAll("'", "''")}'`).join(', ') || "''";
  const perPeer = att ?? 0;
  await store.exec(`
    CREATE OR REPLACE TABLE ${PEER_INFLUENCE_TABLE} AS
    WITH m AS (SELECT customer_id, anchor FROM ${PEER_UNITS_TABLE} WHERE treated AND stratum IN (${strataList})),
    senders AS (
      SELECT DISTINCT m.customer_id, m.anchor, x.sender
      FROM m JOIN network_peer_touch x ON x.customer_id = m.customer_id AND x.ts >= m.anchor AND x.ts <= m.anchor + ${W}
    ),
    credit AS (SELECT sender, 1.0 / count(*) OVER (PARTITION BY customer_id) AS share FROM senders)
    SELECT sender AS customer_id, sum(share)::DOUBLE AS influenced_peers,
           (sum(share) * ${perPeer})::DOUBLE AS excess_purchases,
           ${aov === null || att === null ? 'NULL::DOUBLE' : `(sum(share) * ${perPeer} * ${aov})::DOUBLE`} AS influence_value
    FROM credit GROUP BY sender`);
  await store.exec('DROP TABLE network_peer_touch; DROP TABLE network_peer_purchases; DROP TABLE network_peer_first; DROP TABLE network_peer_treated');
  const [{ influencers }] = await store.query<{ influencers: number }>(`SELECT count(*) AS influencers FROM ${PEER_INFLUENCE_TABLE}`);
  const excess = scale(cmp.post, cmp.matchedTreated);
  const pct = (x: number): string => `${+(x * 100).toFixed(4)}%`;
  const rule =
    `Treated: a customer's first ${o.touchTypes.join('/')} received from another customer after their own first purchase, ` +
    `with no such touch in the ${o.windowDays} days before and the ${o.windowDays} days after it observed. Controls: every ` +
    `customer at one seeded random date between their first purchase and ${o.windowDays} days before the as-of date, ` +
    `untouched within ${o.windowDays} days either side; people with no purchase yet are also compared at a treated prospect's ` +
    `time since first activity, matched on the first item viewed, activity so far and time since the first and last activity. ` +
    `Customers are matched exactly on purchases so far (1 … 15, 16–20, 21–30, 31+), ` +
    `days since the last (≤7, ≤30, ≤90, ≤180, more), days since the first (≤${o.windowDays}, 15-day bins to 120, 30-day bins ` +
    `to 360, ≤540, ≤730, more) and calendar quarter; strata with fewer than ${o.minControls} controls are left out. Effect = stratum-weighted difference ` +
    `in mean purchases over the ${o.windowDays} days after the date (effect on the treated), normal ${pct(o.level)} ` +
    `interval from the stratified variance; placebo = the same on the ${o.windowDays} days before; excess purchases valued ` +
    `at the average order value; each treated customer's effect credited equally to the customers who touched them in the window.`;
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
    populations: {
      existingCustomers: stratifiedComparison(rows.filter((r) => !r.stratum.startsWith(PROSPECT_STRATUM_PREFIX)), o.level, o.minControls),
      prospects: stratifiedComparison(rows.filter((r) => r.stratum.startsWith(PROSPECT_STRATUM_PREFIX)), o.level, o.minControls),
    },
  };
}

