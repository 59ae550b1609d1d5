/**
 * The SQL of the recommenders. Everything that touches events runs in the store and leaves small
 * temporary tables (prefix rec_):
 *   rec_ui        one row per (customer, item) before the cutoff: events, distinct days, last event,
 *                 whether the customer carted / saved / bought / rated it ≥ 4, and whether they
 *                 bought another item of its category after their last event on it
 *   rec_pop       customers per item (popularity)
 *   rec_profile   each customer's `profileItems` most recent items (the item-kNN profile)
 *   rec_nb_<m>    item → neighbour weights (item-kNN cosine with shrinkage, or pruned EASE)
 *   rec_follows   who follows / trusts whom (follow events with a peer_id)
 *   rec_targets   the customers to recommend for
 * and each model is a SELECT of candidate rows (customer_id, item_id, score, tiebreak, tier, model)
 * that one ranking query turns into the top k per customer.
 */
import type { Store } from '../../store/types.js';
import { lit, num } from '../../sql/quote.js';
import { dialectOf, replaceTableAs, viewExists, type Dialect } from '../../sql/dialect.js';
import type { PersonalWeights } from '../../models/recommend/personal.js';
import { RECOMMENDATION_PARTS } from '../contracts.js';

/** Event types that express a customer's interest in an item (exposures and returns do not). */
export const INTERACTION_TYPES = ['view', 'search', 'save', 'cart', 'purchase', 'review', 'share', 'mention', 'vote', 'idea', 'support'] as const;
/** Event types whose items count as relevant in a holdout (reviews with rating ≥ 4 when nobody buys). */
export const RELEVANT_TYPES = ['save', 'cart', 'purchase'] as const;

const typeList = (types: readonly string[]): string => types.map(lit).join(', ');

/** A timestamp literal for a cutoff (YYYY-MM-DD or an ISO instant). */
export function tsLit(d: Dialect, t: string): string {
  return d.timestamp(t.replace('T', ' ').replace(/Z$/, ''));
}

/** The props keys read as an item's category (the first one present), when the events carry one. */
export const CATEGORY_PROPS = ['category', 'category_id'] as const;

/** An event's item category from its props (NULL when it has none). */
export function categorySql(store: Pick<Store, 'dialect'>): string {
  const d = dialectOf(store);
  return `coalesce(${CATEGORY_PROPS.map((k) => d.jsonText('props', k)).join(', ')})`;
}

/** A 0/1 flag: whether `cond` holds on some row of the group (bool_or, as an integer every engine has). */
const anyOf = (cond: string): string => `max(CASE WHEN ${cond} THEN 1 ELSE 0 END)`;

/**
 * `select` (which must name `rankExpr` AS rk) from `from`, keeping the rows whose window rank
 * `rk` is at most `n` (QUALIFY, as a filter over a subquery every engine reads).
 */
const keepRanked = (select: string, from: string, n: number | string): string => `SELECT * FROM (SELECT ${select} FROM ${from}) kr WHERE rk <= ${n}`;

/**
 * Neighbour scores are sums of floating weights, whose last bits depend on the order an engine
 * adds them in; on a 2^-40 grid (exact: a power of two scales without rounding) every engine has
 * the same score, so the same items tie and the same ones make the top k.
 */
const quantised = (e: string): string => `(floor(${e} * 1099511627776.0 + 0.5) / 1099511627776.0)`;

/**
 * rec_ui and rec_pop from the events before `cutoff` (all events when null), of the customers that
 * satisfy `sample` (an SQL condition on customer_id; all customers when null). The flags carted,
 * saved, bought, liked and cat_bought are 0/1 integers. With `categories` (the events carry item
 * categories, see CATEGORY_PROPS), cat_bought says whether the customer bought an item of the same
 * category after their last event on this one; else it is 0.
 */
export async function buildInteractions(store: Store, cutoff: string | null, sample: string | null = null, categories = false): Promise<void> {
  const d = dialectOf(store);
  const dbl = d.types.double;
  const before = `${cutoff === null ? '' : `AND ts < ${tsLit(d, cutoff)}`} ${sample === null ? '' : `AND ${sample}`}`;
  // Two levels (customer × item × day, then customer × item): the distinct days come from the
  // first level's groups instead of a count(DISTINCT) per group. The first level's columns have
  // their own names (ClickHouse reads `max(x) AS x` as the alias).
  const perItem = `SELECT customer_id, item_id, CAST(sum(day_n) AS ${dbl}) AS n, CAST(count(*) AS ${dbl}) AS days, max(day_last) AS last_ts,
      max(day_cart) AS carted, max(day_save) AS saved, max(day_buy) AS bought, max(day_like) AS liked
      ${categories ? ', min(day_cat) AS cat, max(day_buy_ts) AS buy_ts' : ', 0 AS cat_bought'}
    FROM (
      SELECT customer_id, item_id, ${d.toDate('ts')} AS day, count(*) AS day_n, max(ts) AS day_last,
        ${anyOf(`type = 'cart'`)} AS day_cart, ${anyOf(`type = 'save'`)} AS day_save, ${anyOf(`type = 'purchase'`)} AS day_buy,
        ${anyOf(`type = 'review' AND rating >= 4`)} AS day_like
        ${categories ? `, min(${d.byteOrder(categorySql(store))}) AS day_cat, max(CASE WHEN type = 'purchase' THEN ts END) AS day_buy_ts` : ''}
      FROM events WHERE item_id IS NOT NULL AND type IN (${typeList(INTERACTION_TYPES)}) ${before}
      GROUP BY customer_id, item_id, ${d.toDate('ts')}) per_day
    GROUP BY customer_id, item_id`;
  await replaceTableAs(store, 'rec_ui', categories
    ? `WITH ui AS (${perItem}),
      cb AS (SELECT customer_id, cat, max(buy_ts) AS cat_buy_ts FROM ui WHERE cat IS NOT NULL AND buy_ts IS NOT NULL GROUP BY customer_id, cat)
      SELECT ui.customer_id AS customer_id, ui.item_id AS item_id, ui.n AS n, ui.days AS days, ui.last_ts AS last_ts, ui.carted AS carted, ui.saved AS saved,
        ui.bought AS bought, ui.liked AS liked, CASE WHEN cb.cat_buy_ts > ui.last_ts THEN 1 ELSE 0 END AS cat_bought
      FROM ui LEFT JOIN cb ON cb.customer_id = ui.customer_id AND cb.cat = ui.cat`
    : perItem, { temp: true });
  await replaceTableAs(store, 'rec_pop', `SELECT item_id, CAST(count(*) AS ${dbl}) AS customers FROM rec_ui GROUP BY item_id`, { temp: true });
}

/**
 * A fixed hash sample of about `wanted` of `customers` customers, as an SQL condition on
 * customer_id (null = everyone, when there are not more than `wanted`): the portable hash, so every
 * engine samples the same customers.
 */
export function sampleCondition(d: Dialect, customers: number, wanted: number): string | null {
  if (!(customers > wanted)) return null;
  const perMille = Math.max(1, Math.ceil((10_000 * wanted) / customers));
  return `${d.portableHash('customer_id')} % 10000 < ${num(perMille)}`;
}

/** rec_profile: each customer's most recent `profileItems` items. */
export async function buildProfile(store: Store, profileItems: number): Promise<void> {
  const d = dialectOf(store);
  await replaceTableAs(store, 'rec_profile', `SELECT customer_id, item_id, last_ts FROM (${keepRanked(
    `customer_id, item_id, last_ts, row_number() OVER (PARTITION BY customer_id ORDER BY last_ts DESC, ${d.byteOrder('item_id')}) AS rk`, 'rec_ui', num(profileItems))}) p`, { temp: true });
}

/**
 * rec_nb_itemknn: cosine similarity of items over the customer profiles with a shrinkage term,
 *   sim(i, j) = |C_i ∩ C_j| / (sqrt(|C_i| · |C_j|) + shrink)
 * (C_i = customers with i in their profile; Sarwar et al. 2001, shrinkage as in Ferrari Dacrema et
 * al. 2019), pairs counted in SQL and pruned to each item's `neighbours` most similar items.
 */
export async function buildItemKnn(store: Store, shrink: number, neighbours: number, minCoCount: number): Promise<void> {
  const d = dialectOf(store);
  const dbl = d.types.double;
  await replaceTableAs(store, 'rec_nb_itemknn', `
    WITH deg AS (SELECT item_id, CAST(count(*) AS ${dbl}) AS d FROM rec_profile GROUP BY item_id),
    co AS (
      SELECT a.item_id AS i, b.item_id AS j, CAST(count(*) AS ${dbl}) AS c
      FROM rec_profile a JOIN rec_profile b ON a.customer_id = b.customer_id AND a.item_id <> b.item_id
      GROUP BY a.item_id, b.item_id HAVING count(*) >= ${num(minCoCount)}),
    w AS (SELECT co.i AS i, co.j AS j, co.c / (sqrt(di.d * dj.d) + ${num(shrink)}) AS weight
      FROM co JOIN deg di ON di.item_id = co.i JOIN deg dj ON dj.item_id = co.j)
    SELECT item_id, neighbour, weight FROM (${keepRanked(
      `i AS item_id, j AS neighbour, weight, row_number() OVER (PARTITION BY i ORDER BY weight DESC, ${d.byteOrder('j')}) AS rk`, 'w', num(neighbours))}) nb`, { temp: true });
}

/** The `maxItems` most popular items and their co-occurrence counts (the Gram matrix XᵀX of EASE). */
export async function easeGramSql(store: Store, maxItems: number): Promise<{ items: string[]; pairs: { i: number; j: number; c: number }[] }> {
  const d = dialectOf(store);
  await replaceTableAs(store, 'rec_ease_items', `SELECT item_id, idx FROM (
    SELECT item_id, CAST(row_number() OVER (ORDER BY customers DESC, ${d.byteOrder('item_id')}) - 1 AS ${d.types.int}) AS idx FROM rec_pop) ranked
    WHERE idx < ${num(maxItems)}`, { temp: true });
  const items = (await store.query<{ item_id: string }>('SELECT item_id FROM rec_ease_items ORDER BY idx')).map((r) => r.item_id);
  const pairs = await store.query<{ i: number; j: number; c: number }>(`
    WITH x AS (SELECT p.customer_id AS customer_id, e.idx AS idx FROM rec_profile p JOIN rec_ease_items e ON e.item_id = p.item_id)
    SELECT a.idx AS i, b.idx AS j, CAST(count(*) AS ${d.types.double}) AS c FROM x a JOIN x b ON a.customer_id = b.customer_id AND a.idx <= b.idx
    GROUP BY a.idx, b.idx`);
  return { items, pairs: pairs.map((p) => ({ i: Number(p.i), j: Number(p.j), c: Number(p.c) })) };
}

/**
 * rec_follows: distinct follow edges (customer follows / trusts peer), whatever their date (so one
 * build serves every window: `reuse` keeps a rec_follows already built in this run).
 */
export async function buildFollows(store: Store, reuse = false): Promise<number> {
  const d = dialectOf(store);
  if (!(reuse && (await tableExistsIn(store, 'rec_follows')))) {
    await replaceTableAs(store, 'rec_follows',
      `SELECT DISTINCT customer_id, peer_id FROM events WHERE type = 'follow' AND peer_id IS NOT NULL AND peer_id <> customer_id`, { temp: true });
  }
  const [r] = await store.query<{ n: number }>(`SELECT CAST(count(*) AS ${d.types.double}) AS n FROM rec_follows`);
  return Number(r.n);
}

async function tableExistsIn(store: Store, name: string): Promise<boolean> {
  const [row] = await store.query<{ n: number }>(dialectOf(store).tableExists(name));
  return Number(row?.n ?? 0) > 0;
}

/**
 * The decay factor exp(x) (x ≤ 0), 0 below x = −700: Postgres stops with an underflow error where
 * exp (or a product with it) would round to 0, and below e^−700 a decayed item has no weight anyway.
 */
const decay = (x: string): string => `CASE WHEN ${x} < -700 THEN 0.0 ELSE exp(${x}) END`;

/** The personal score of a rec_ui row (alias u) at the reference time `ref`, from SQL expressions for the weights (tau NULL = no decay). */
function scoreOf(d: Dialect, w: { tau: string; n: string; d: string; cart: string; save: string; buy: string; like: string; cat: string }, ref: string): string {
  const age = `(${d.epochSeconds(ref)} - ${d.epochSeconds('u.last_ts')}) / 86400.0`;
  const boost = `(1 + ${w.cart} * u.carted + ${w.save} * u.saved + ${w.buy} * u.bought + ${w.like} * u.liked)`;
  return `coalesce(${decay(`-(${age}) / ${w.tau}`)}, 1.0) * pow(u.n, ${w.n}) * pow(u.days, ${w.d}) * ${boost} * (1 - ${w.cat} * u.cat_bought)`;
}

/** The personal score of a rec_ui row (alias u) at the reference time `ref`. */
export function personalScoreSql(d: Dialect, w: PersonalWeights, ref: string): string {
  // every weight a double, as the grid's columns are: the same IEEE arithmetic on every engine
  // (a decimal literal would make Postgres and DuckDB add exactly and ClickHouse in floating point)
  const x = (v: number): string => `CAST(${num(v)} AS ${d.types.double})`;
  return scoreOf(d, {
    tau: w.tauDays === null ? d.nullDouble : x(w.tauDays), n: x(w.countExponent), d: x(w.daysExponent),
    cart: x(w.cart), save: x(w.save), buy: x(w.purchase), like: x(w.like), cat: x(w.categoryBought),
  }, ref);
}

/** Rows of `alias` whose customer is a target (rec_targets): a clause after the FROM item and a WHERE condition. */
const targetsOf = (d: Dialect, alias: string): { join: string; where: string } =>
  d.semiJoin('semi', 'rec_targets', 'tg', `tg.customer_id = ${alias}.customer_id`);

/**
 * Every setting of the personal grid in one query: (setting index, relevant items, hit ranks) per
 * customer of rec_rel, from each setting's top k of the targets' own items (rec_ui × the grid,
 * one window). Without the popularity fill: a customer with fewer than k own items has all of them
 * in every setting's list, so the fill adds the same hits to every setting and cannot change which
 * setting is best.
 */
export function personalGridHitsSql(d: Dialect, grid: readonly PersonalWeights[], ref: string, k: number): string {
  const dbl = (x: string): string => `CAST(${x} AS ${d.types.double})`;
  const rows = grid.map((w, i) => `SELECT CAST(${i} AS ${d.types.int}) AS idx, ${w.tauDays === null ? d.nullDouble : dbl(num(w.tauDays))} AS tau, ${
    [['ce', w.countExponent], ['de', w.daysExponent], ['cart', w.cart], ['save', w.save], ['buy', w.purchase], ['lk', w.like], ['cat', w.categoryBought]].map(([n, v]) => `${dbl(num(v as number))} AS ${n}`).join(', ')}`).join('\n      UNION ALL ');
  const score = scoreOf(d, { tau: 'g.tau', n: 'g.ce', d: 'g.de', cart: 'g.cart', save: 'g.save', buy: 'g.buy', like: 'g.lk', cat: 'g.cat' }, ref);
  const t = targetsOf(d, 'u');
  const hit = d.semiJoin('semi', 'rec_rel', 'x', 'x.customer_id = tp.customer_id AND x.item_id = tp.item_id');
  return `WITH g AS (${rows}),
    best AS (${keepRanked(`g.idx AS idx, u.customer_id AS customer_id, u.item_id AS item_id,
        row_number() OVER (PARTITION BY g.idx, u.customer_id ORDER BY ${score} DESC, ${d.epochSeconds('u.last_ts')} DESC, ${d.byteOrder('u.item_id')}) AS rk`,
        `rec_ui u ${t.join} CROSS JOIN g WHERE ${t.where}`, num(k))}),
    hits AS (SELECT tp.idx AS idx, tp.customer_id AS customer_id, tp.rk AS rk FROM best tp ${hit.join} WHERE ${hit.where}),
    r AS (SELECT customer_id, count(*) AS n FROM rec_rel GROUP BY customer_id)
    SELECT g.idx AS idx, CAST(r.n AS ${d.types.int}) AS relevant, coalesce(${d.stringAgg(`CAST(h.rk AS ${d.types.text})`, ',', ['h.rk'])}, '') AS ranks
    FROM r CROSS JOIN g LEFT JOIN hits h ON h.customer_id = r.customer_id AND h.idx = g.idx
    GROUP BY g.idx, r.customer_id, r.n`;
}

export type ModelName = 'popularity' | 'recent' | 'repeat' | 'itemknn' | 'ease' | 'social' | 'blend';

const CAND = 'customer_id, item_id, score, tiebreak, tier, model';

/**
 * Scored (customer_id, item_id, score) rows without the customer's own items, cut to the items
 * whose score ranks in the top k (ties kept, so the cut never changes the final top k) before the
 * popularity tiebreak is joined: collaborative candidates run to thousands per customer.
 */
function pruned(d: Dialect, scored: string, model: ModelName, k: number, tier: number): string {
  const own = d.semiJoin('anti', 'rec_ui', 'u', 'u.customer_id = s.customer_id AND u.item_id = s.item_id');
  return `SELECT s.customer_id AS customer_id, s.item_id AS item_id, s.score AS score, CAST(coalesce(p.customers, 0) AS ${d.types.double}) AS tiebreak, ${tier} AS tier, ${lit(model)} AS model FROM (
      ${keepRanked('s.customer_id AS customer_id, s.item_id AS item_id, s.score AS score, rank() OVER (PARTITION BY s.customer_id ORDER BY s.score DESC) AS rk',
        `(${scored}) s ${own.join} WHERE ${own.where}`, num(k))}) s
    LEFT JOIN rec_pop p ON p.item_id = s.item_id`;
}

export const candidates = {
  /** `everyone`: the targets are every customer of rec_ui, so the join to rec_targets is skipped. */
  recent(d: Dialect, everyone = false): string {
    const t = everyone ? { join: '', where: '1 = 1' } : targetsOf(d, 'u');
    return `SELECT u.customer_id AS customer_id, u.item_id AS item_id, ${d.epochSeconds('u.last_ts')} AS score, 0.0 AS tiebreak, 0 AS tier, 'recent' AS model
      FROM rec_ui u ${t.join} WHERE ${t.where}`;
  },
  repeat(d: Dialect, w: PersonalWeights, ref: string, tier = 0, everyone = false): string {
    const t = everyone ? { join: '', where: '1 = 1' } : targetsOf(d, 'u');
    return `SELECT u.customer_id AS customer_id, u.item_id AS item_id, ${personalScoreSql(d, w, ref)} AS score, ${d.epochSeconds('u.last_ts')} AS tiebreak, ${tier} AS tier, 'repeat' AS model
      FROM rec_ui u ${t.join} WHERE ${t.where}`;
  },
  /** Σ over the profile's items of the neighbour weights (on a 2^-40 grid), items the customer already has left out. */
  neighbours(d: Dialect, table: 'rec_nb_itemknn' | 'rec_nb_ease', model: ModelName, k: number, tier = 0): string {
    return pruned(d, `SELECT pr.customer_id AS customer_id, nb.neighbour AS item_id, ${quantised('sum(nb.weight)')} AS score
        FROM rec_profile pr JOIN rec_targets t ON t.customer_id = pr.customer_id
        JOIN ${table} nb ON nb.item_id = pr.item_id GROUP BY pr.customer_id, nb.neighbour`, model, k, tier);
  },
  /** How many of the people one follows liked / bought / carted / saved the item (any interaction when the data has none of those). */
  social(d: Dialect, positiveOnly: boolean, k: number, tier = 0): string {
    const positive = positiveOnly ? 'AND (u.liked + u.bought + u.carted + u.saved) > 0' : '';
    return pruned(d, `SELECT f.customer_id AS customer_id, u.item_id AS item_id, CAST(count(*) AS ${d.types.double}) AS score
        FROM (SELECT f.customer_id AS customer_id, f.peer_id AS peer_id FROM rec_follows f JOIN rec_targets t ON t.customer_id = f.customer_id) f
        JOIN rec_ui u ON u.customer_id = f.peer_id ${positive} GROUP BY f.customer_id, u.item_id`, 'social', k, tier);
  },
};

/** The top k per target (columns customer_id, rank, item_id, score, model) from the candidate SELECTs, without the popularity fill. */
function rankedSql(d: Dialect, parts: readonly string[], k: number): string {
  const text = d.types.text, dbl = d.types.double, int = d.types.int;
  const union = parts.map((p, i) => `SELECT ${CAND} FROM (${p}) p${i}`).join(' UNION ALL ');
  const deduped = parts.length > 1
    ? `SELECT ${CAND} FROM (${keepRanked(`${CAND}, row_number() OVER (PARTITION BY customer_id, item_id ORDER BY tier, score DESC) AS rk`, `(${union}) c`, 1)}) d`
    : union;
  return parts.length === 0
    ? `SELECT CAST(NULL AS ${text}) AS customer_id, CAST(NULL AS ${int}) AS rank, CAST(NULL AS ${text}) AS item_id, ${d.nullDouble} AS score, CAST(NULL AS ${text}) AS model WHERE 1 = 0`
    : `SELECT CAST(customer_id AS ${text}) AS customer_id, CAST(rk AS ${int}) AS rank, CAST(item_id AS ${text}) AS item_id, CAST(score AS ${dbl}) AS score, CAST(model AS ${text}) AS model FROM (
      ${keepRanked(`customer_id, item_id, score, model, row_number() OVER (PARTITION BY customer_id ORDER BY tier, score DESC, tiebreak DESC, ${d.byteOrder('item_id')}) AS rk`, `(${deduped}) dd`, num(k))}) r`;
}

/** The k most popular items of rec_pop (item_id, customers, pos 1..k): the fill list. */
function popularSql(d: Dialect, k: number): string {
  return `SELECT CAST(item_id AS ${d.types.text}) AS item_id, CAST(customers AS ${d.types.double}) AS customers,
        row_number() OVER (ORDER BY customers DESC, ${d.byteOrder('item_id')}) AS pos
      FROM (SELECT item_id, customers FROM rec_pop ORDER BY customers DESC, ${d.byteOrder('item_id')} LIMIT ${num(k)}) tp`;
}

/**
 * The top k per target (columns customer_id, rank, item_id, score, model) from the candidate
 * SELECTs, each (customer, item) kept once at its best tier, ranked by tier, score, tiebreak, item;
 * with `fill`, a customer with fewer than k is filled with the most popular items not already in
 * their list (model 'popularity'). The fill joins the short customers to one small ranked list of
 * the k most popular items (k rows each), not the whole catalogue.
 */
export function topKSql(d: Dialect, parts: readonly string[], k: number, fill: boolean): string {
  const text = d.types.text, int = d.types.int;
  const ranked = rankedSql(d, parts, k);
  if (!fill) return ranked;
  const own = d.semiJoin('anti', 'ranked', 'o', 'o.customer_id = c.customer_id AND o.item_id = c.item_id');
  return `WITH ranked AS (${ranked}),
    popular AS (${popularSql(d, k)}),
    own AS (SELECT customer_id, count(*) AS n FROM ranked GROUP BY customer_id),
    short AS (
      SELECT CAST(t.customer_id AS ${text}) AS customer_id, coalesce(o.n, 0) AS n
      FROM rec_targets t LEFT JOIN own o ON o.customer_id = t.customer_id WHERE coalesce(o.n, 0) < ${num(k)}),
    c AS (SELECT s.customer_id AS customer_id, s.n AS n, pp.item_id AS item_id, pp.customers AS customers, pp.pos AS pos FROM short s CROSS JOIN popular pp),
    f AS (SELECT customer_id, item_id, customers, n + row_number() OVER (PARTITION BY customer_id ORDER BY pos) AS rk
      FROM c ${own.join} WHERE ${own.where})
    SELECT customer_id, rank, item_id, score, model FROM ranked
    UNION ALL
    SELECT customer_id, CAST(rk AS ${int}) AS rank, item_id, customers AS score, ${lit('popularity')} AS model FROM f WHERE rk <= ${num(k)}`;
}

/**
 * `view`: the same rows as topKSql(parts, k, fill) for every target, as a view over RECOMMENDATION_PARTS (../contracts.ts).
 * A short customer's fill depends only on how many items the model listed for them and which of
 * the k most popular items are among those, so the fill is computed once per such (count, items)
 * key — a handful of lists, one representative customer each — and each short customer stores the
 * key's id: 1.2M pointers instead of 10M popular rows on the 1M-customer store. The view is
 *   recommendations_model  ∪  recommendations_short ⋈ recommendations_fill (on fill).
 */
export async function writeTopK(store: Store, view: string, parts: readonly string[], k: number, fill: boolean): Promise<void> {
  const d = dialectOf(store);
  const text = d.types.text, dbl = d.types.double, int = d.types.int;
  const T = RECOMMENDATION_PARTS;
  // the view first (Postgres will not replace a table a view depends on); a store from before the view holds a table
  await dropRelation(store, view);
  await replaceTableAs(store, T.model, rankedSql(d, parts, k));
  if (fill) {
    // which popular items a customer's list holds: a bit per position when k fits a 64-bit integer (a hash
    // aggregate), else the positions in order as text
    const bits = k <= 62;
    const taken = bits ? `CAST(sum(CASE WHEN pp.pos IS NULL THEN 0 ELSE pp.bit END) AS ${d.types.bigint})` : d.stringAgg(`CAST(pp.pos AS ${text})`, ',', ['pp.pos']);
    await replaceTableAs(store, 'rec_short', `
      WITH popular AS (SELECT item_id, pos, ${bits ? `CAST(power(2, pos - 1) AS ${d.types.bigint})` : '0'} AS bit FROM (${popularSql(d, k)}) p0),
      own AS (SELECT m.customer_id AS customer_id, count(*) AS n_listed, ${taken} AS n_taken
        FROM ${T.model} m LEFT JOIN popular pp ON pp.item_id = m.item_id GROUP BY m.customer_id)
      SELECT CAST(t.customer_id AS ${text}) AS customer_id, CAST(coalesce(o.n_listed, 0) AS ${int}) AS listed,
        coalesce(o.n_taken, ${bits ? `CAST(0 AS ${d.types.bigint})` : "''"}) AS taken
      FROM rec_targets t LEFT JOIN own o ON o.customer_id = t.customer_id WHERE coalesce(o.n_listed, 0) < ${num(k)}`, { temp: true });
    await replaceTableAs(store, 'rec_fill_keys', `
      SELECT listed, taken, rep, CAST(row_number() OVER (ORDER BY listed, ${bits ? 'taken' : d.byteOrder('taken')}) AS ${int}) AS fill
      FROM (SELECT listed, taken, min(customer_id) AS rep FROM rec_short GROUP BY listed, taken) fk`, { temp: true });
    const own = d.semiJoin('anti', T.model, 'o', 'o.customer_id = c.rep AND o.item_id = c.item_id');
    await replaceTableAs(store, T.fill, `
      WITH popular AS (${popularSql(d, k)}),
      c AS (SELECT fk.fill AS fill, fk.rep AS rep, fk.listed AS n_listed, pp.item_id AS item_id, pp.customers AS customers, pp.pos AS pos
        FROM rec_fill_keys fk CROSS JOIN popular pp),
      f AS (SELECT fill, item_id, customers, n_listed + row_number() OVER (PARTITION BY fill ORDER BY pos) AS rk FROM c ${own.join} WHERE ${own.where})
      SELECT fill, CAST(rk AS ${int}) AS rank, CAST(item_id AS ${text}) AS item_id, CAST(customers AS ${dbl}) AS score, CAST(${lit('popularity')} AS ${text}) AS model
      FROM f WHERE rk <= ${num(k)}`);
    await replaceTableAs(store, T.short, `SELECT s.customer_id AS customer_id, fk.fill AS fill FROM rec_short s JOIN rec_fill_keys fk ON fk.listed = s.listed AND fk.taken = s.taken`);
  } else {
    await replaceTableAs(store, T.fill, `SELECT CAST(NULL AS ${int}) AS fill, CAST(NULL AS ${int}) AS rank, CAST(NULL AS ${text}) AS item_id, ${d.nullDouble} AS score, CAST(NULL AS ${text}) AS model WHERE 1 = 0`);
    await replaceTableAs(store, T.short, `SELECT CAST(NULL AS ${text}) AS customer_id, CAST(NULL AS ${int}) AS fill WHERE 1 = 0`);
  }
  await store.exec(`CREATE VIEW ${view} AS
    SELECT customer_id, rank, item_id, score, model FROM ${T.model}
    UNION ALL
    SELECT s.customer_id AS customer_id, f.rank AS rank, f.item_id AS item_id, f.score AS score, f.model AS model
    FROM ${T.short} s JOIN ${T.fill} f ON f.fill = s.fill`);
}

/** Drops `name`, a view or a table. */
async function dropRelation(store: Store, name: string): Promise<void> {
  await store.exec(`${(await viewExists(store, name)) ? 'DROP VIEW' : 'DROP TABLE'} IF EXISTS ${name}`);
}

/** rec_top (or `table`): the top k per target, see topKSql. */
export async function rankTopK(store: Store, parts: readonly string[], k: number, table = 'rec_top', fill = false): Promise<void> {
  await replaceTableAs(store, table, topKSql(dialectOf(store), parts, k, fill), { temp: true });
}
