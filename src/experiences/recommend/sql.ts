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
import { dialectOf } from '../../sql/dialect.js';
import type { PersonalWeights } from '../../models/recommend/personal.js';

/** Event types that express a customer's interest in an item (exposures and returns do not). */
export const INTERACTION_TYPES = ['view', 'search', 'save', 'cart', 'purchase', 'review', 'share', 'mention', 'vote', 'idea', 'support'] as const;
/** Event types whose items count as relevant in a holdout (reviews with rating ≥ 4 when nobody buys). */
export const RELEVANT_TYPES = ['save', 'cart', 'purchase'] as const;

const typeList = (types: readonly string[]): string => types.map(lit).join(', ');

/** A timestamp literal for a cutoff (YYYY-MM-DD or an ISO instant). */
export function tsLit(t: string): string {
  return `TIMESTAMP ${lit(t.replace('T', ' ').replace(/Z$/, ''))}`;
}

/** The props keys read as an item's category (the first one present), when the events carry one. */
export const CATEGORY_PROPS = ['category', 'category_id'] as const;

/** An event's item category from its props (NULL when it has none). */
export function categorySql(store: Pick<Store, 'dialect'>): string {
  const d = dialectOf(store);
  return `coalesce(${CATEGORY_PROPS.map((k) => d.jsonText('props', k)).join(', ')})`;
}

/**
 * rec_ui and rec_pop from the events before `cutoff` (all events when null), of the customers that
 * satisfy `sample` (an SQL condition on customer_id; all customers when null). With `categories`
 * (the events carry item categories, see CATEGORY_PROPS), rec_ui.cat_bought says whether the
 * customer bought an item of the same category after their last event on this one; else it is false.
 */
export async function buildInteractions(store: Store, cutoff: string | null, sample: string | null = null, categories = false): Promise<void> {
  const before = `${cutoff === null ? '' : `AND ts < ${tsLit(cutoff)}`} ${sample === null ? '' : `AND ${sample}`}`;
  // Two levels (customer × item × day, then customer × item): the distinct days come from the
  // first level's groups instead of a count(DISTINCT) per group.
  const perItem = `SELECT customer_id, item_id, sum(n)::DOUBLE AS n, count(*)::DOUBLE AS days, max(last_ts) AS last_ts,
      bool_or(carted) AS carted, bool_or(saved) AS saved, bool_or(bought) AS bought, coalesce(bool_or(liked), false) AS liked
      ${categories ? ', any_value(cat) AS cat, max(buy_ts) AS buy_ts' : ', false AS cat_bought'}
    FROM (
      SELECT customer_id, item_id, CAST(ts AS DATE) AS day, count(*) AS n, max(ts) AS last_ts,
        bool_or(type = 'cart') AS carted, bool_or(type = 'save') AS saved, bool_or(type = 'purchase') AS bought,
        bool_or(type = 'review' AND rating >= 4) AS liked
        ${categories ? `, any_value(${categorySql(store)}) AS cat, max(ts) FILTER (WHERE type = 'purchase') AS buy_ts` : ''}
      FROM events WHERE item_id IS NOT NULL AND type IN (${typeList(INTERACTION_TYPES)}) ${before}
      GROUP BY customer_id, item_id, day)
    GROUP BY customer_id, item_id`;
  await store.exec(`CREATE OR REPLACE TEMP TABLE rec_ui AS ${categories
    ? `WITH ui AS (${perItem}),
      cb AS (SELECT customer_id, cat, max(buy_ts) AS buy_ts FROM ui WHERE cat IS NOT NULL AND buy_ts IS NOT NULL GROUP BY customer_id, cat)
      SELECT ui.customer_id, ui.item_id, ui.n, ui.days, ui.last_ts, ui.carted, ui.saved, ui.bought, ui.liked, coalesce(cb.buy_ts > ui.last_ts, false) AS cat_bought
      FROM ui LEFT JOIN cb ON cb.customer_id = ui.customer_id AND cb.cat = ui.cat`
    : perItem}`);
  await store.exec(`CREATE OR REPLACE TEMP TABLE rec_pop AS
    SELECT item_id, count(*)::DOUBLE AS customers FROM rec_ui GROUP BY item_id`);
}

/**
 * A fixed hash sample of about `wanted` of `customers` customers, as an SQL condition on
 * customer_id (null = everyone, when there are not more than `wanted`).
 */
export function sampleCondition(customers: number, wanted: number): string | null {
  if (!(customers > wanted)) return null;
  const perMille = Math.max(1, Math.ceil((10_000 * wanted) / customers));
  return `hash(customer_id) % 10000 < ${num(perMille)}`;
}

/** rec_profile: each customer's most recent `profileItems` items. */
export async function buildProfile(store: Store, profileItems: number): Promise<void> {
  await store.exec(`CREATE OR REPLACE TEMP TABLE rec_profile AS
    SELECT customer_id, item_id, last_ts FROM rec_ui
    QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY last_ts DESC, item_id) <= ${num(profileItems)}`);
}

/**
 * rec_nb_itemknn: cosine similarity of items over the customer profiles with a shrinkage term,
 *   sim(i, j) = |C_i ∩ C_j| / (sqrt(|C_i| · |C_j|) + shrink)
 * (C_i = customers with i in their profile; Sarwar et al. 2001, shrinkage as in Ferrari Dacrema et
 * al. 2019), pairs counted in SQL and pruned to each item's `neighbours` most similar items.
 */
export async function buildItemKnn(store: Store, shrink: number, neighbours: number, minCoCount: number): Promise<void> {
  await store.exec(`CREATE OR REPLACE TEMP TABLE rec_nb_itemknn AS
    WITH deg AS (SELECT item_id, count(*)::DOUBLE AS d FROM rec_profile GROUP BY item_id),
    co AS (
      SELECT a.item_id AS i, b.item_id AS j, count(*)::DOUBLE AS c
      FROM rec_profile a JOIN rec_profile b ON a.customer_id = b.customer_id AND a.item_id <> b.item_id
      GROUP BY a.item_id, b.item_id HAVING count(*) >= ${num(minCoCount)})
    SELECT co.i AS item_id, co.j AS neighbour, co.c / (sqrt(di.d * dj.d) + ${num(shrink)}) AS weight
    FROM co JOIN deg di ON di.item_id = co.i JOIN deg dj ON dj.item_id = co.j
    QUALIFY row_number() OVER (PARTITION BY co.i ORDER BY weight DESC, co.j) <= ${num(neighbours)}`);
}

/** The `maxItems` most popular items and their co-occurrence counts (the Gram matrix XᵀX of EASE). */
export async function easeGramSql(store: Store, maxItems: number): Promise<{ items: string[]; pairs: { i: number; j: number; c: number }[] }> {
  await store.exec(`CREATE OR REPLACE TEMP TABLE rec_ease_items AS
    SELECT item_id, (row_number() OVER (ORDER BY customers DESC, item_id) - 1)::INTEGER AS idx FROM rec_pop
    QUALIFY idx < ${num(maxItems)}`);
  const items = (await store.query<{ item_id: string }>('SELECT item_id FROM rec_ease_items ORDER BY idx')).map((r) => r.item_id);
  const pairs = await store.query<{ i: number; j: number; c: number }>(`
    WITH x AS (SELECT p.customer_id, e.idx FROM rec_profile p JOIN rec_ease_items e USING (item_id))
    SELECT a.idx AS i, b.idx AS j, count(*)::DOUBLE AS c FROM x a JOIN x b ON a.customer_id = b.customer_id AND a.idx <= b.idx
    GROUP BY a.idx, b.idx`);
  return { items, pairs };
}

/**
 * rec_follows: distinct follow edges (customer follows / trusts peer), whatever their date (so one
 * build serves every window: `reuse` keeps a rec_follows already built in this run).
 */
export async function buildFollows(store: Store, reuse = false): Promise<number> {
  await store.exec(`CREATE ${reuse ? 'TEMP TABLE IF NOT EXISTS' : 'OR REPLACE TEMP TABLE'} rec_follows AS
    SELECT DISTINCT customer_id, peer_id FROM events WHERE type = 'follow' AND peer_id IS NOT NULL AND peer_id <> customer_id`);
  const [r] = await store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM rec_follows');
  return Number(r.n);
}

/** The personal score of a rec_ui row (alias u) at the reference time `ref`, from SQL expressions for the weights (tau NULL = no decay). */
function scoreOf(w: { tau: string; n: string; d: string; cart: string; save: string; buy: string; like: string; cat: string }, ref: string): string {
  const age = `(epoch(${ref}) - epoch(u.last_ts)) / 86400.0`;
  const boost = `(1 + ${w.cart} * u.carted::INT + ${w.save} * u.saved::INT + ${w.buy} * u.bought::INT + ${w.like} * u.liked::INT)`;
  return `coalesce(exp(-(${age}) / ${w.tau}), 1.0) * pow(u.n, ${w.n}) * pow(u.days, ${w.d}) * ${boost} * (1 - ${w.cat} * u.cat_bought::INT)`;
}

/** The personal score of a rec_ui row (alias u) at the reference time `ref`. */
export function personalScoreSql(w: PersonalWeights, ref: string): string {
  return scoreOf({
    tau: w.tauDays === null ? 'NULL' : num(w.tauDays), n: num(w.countExponent), d: num(w.daysExponent),
    cart: num(w.cart), save: num(w.save), buy: num(w.purchase), like: num(w.like), cat: num(w.categoryBought),
  }, ref);
}

/**
 * Every setting of the personal grid in one query: (setting index, relevant items, hit ranks) per
 * customer of rec_rel, from each setting's top k of the targets' own items (rec_ui × the grid,
 * one window). Without the popularity fill: a customer with fewer than k own items has all of them
 * in every setting's list, so the fill adds the same hits to every setting and cannot change which
 * setting is best.
 */
export function personalGridHitsSql(grid: readonly PersonalWeights[], ref: string, k: number): string {
  const values = grid.map((w, i) => `(${i}, ${w.tauDays === null ? 'NULL::DOUBLE' : num(w.tauDays)}, ${[w.countExponent, w.daysExponent, w.cart, w.save, w.purchase, w.like, w.categoryBought].map(num).join(', ')})`).join(', ');
  const score = scoreOf({ tau: 'g.tau', n: 'g.ce', d: 'g.de', cart: 'g.cart', save: 'g.save', buy: 'g.buy', like: 'g.lk', cat: 'g.cat' }, ref);
  return `WITH g(idx, tau, ce, de, cart, save, buy, lk, cat) AS (VALUES ${values}),
    top AS (
      SELECT g.idx, u.customer_id, u.item_id,
        row_number() OVER (PARTITION BY g.idx, u.customer_id ORDER BY ${score} DESC, epoch(u.last_ts) DESC, u.item_id) AS rank
      FROM rec_ui u SEMI JOIN rec_targets t ON t.customer_id = u.customer_id CROSS JOIN g
      QUALIFY rank <= ${num(k)}),
    hits AS (SELECT t.idx, t.customer_id, t.rank FROM top t SEMI JOIN rec_rel x ON x.customer_id = t.customer_id AND x.item_id = t.item_id),
    r AS (SELECT customer_id, count(*) AS n FROM rec_rel GROUP BY customer_id)
    SELECT g.idx::INTEGER AS idx, r.n::INTEGER AS relevant, coalesce(string_agg(h.rank::VARCHAR, ','), '') AS ranks
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
function pruned(scored: string, model: ModelName, k: number, tier: number): string {
  return `SELECT s.customer_id, s.item_id, s.score, coalesce(p.customers, 0) AS tiebreak, ${tier} AS tier, ${lit(model)} AS model FROM (
      SELECT s.* FROM (${scored}) s ANTI JOIN rec_ui u ON u.customer_id = s.customer_id AND u.item_id = s.item_id
      QUALIFY rank() OVER (PARTITION BY s.customer_id ORDER BY s.score DESC) <= ${num(k)}) s
    LEFT JOIN rec_pop p ON p.item_id = s.item_id`;
}

const targetsJoin = (everyone: boolean): string => (everyone ? '' : 'SEMI JOIN rec_targets t ON t.customer_id = u.customer_id');

export const candidates = {
  /** `everyone`: the targets are every customer of rec_ui, so the join to rec_targets is skipped. */
  recent(everyone = false): string {
    return `SELECT u.customer_id, u.item_id, epoch(u.last_ts)::DOUBLE AS score, 0.0 AS tiebreak, 0 AS tier, 'recent' AS model
      FROM rec_ui u ${targetsJoin(everyone)}`;
  },
  repeat(w: PersonalWeights, ref: string, tier = 0, everyone = false): string {
    return `SELECT u.customer_id, u.item_id, ${personalScoreSql(w, ref)} AS score, epoch(u.last_ts)::DOUBLE AS tiebreak, ${tier} AS tier, 'repeat' AS model
      FROM rec_ui u ${targetsJoin(everyone)}`;
  },
  /** Σ over the profile's items of the neighbour weights, items the customer already has left out. */
  neighbours(table: 'rec_nb_itemknn' | 'rec_nb_ease', model: ModelName, k: number, tier = 0): string {
    return pruned(`SELECT pr.customer_id, nb.neighbour AS item_id, sum(nb.weight) AS score
        FROM rec_profile pr JOIN rec_targets t ON t.customer_id = pr.customer_id
        JOIN ${table} nb ON nb.item_id = pr.item_id GROUP BY pr.customer_id, nb.neighbour`, model, k, tier);
  },
  /** How many of the people one follows liked / bought / carted / saved the item (any interaction when the data has none of those). */
  social(positiveOnly: boolean, k: number, tier = 0): string {
    const positive = positiveOnly ? 'AND (u.liked OR u.bought OR u.carted OR u.saved)' : '';
    return pruned(`SELECT f.customer_id, u.item_id, count(*)::DOUBLE AS score
        FROM (SELECT f.customer_id, f.peer_id FROM rec_follows f JOIN rec_targets t ON t.customer_id = f.customer_id) f
        JOIN rec_ui u ON u.customer_id = f.peer_id ${positive} GROUP BY f.customer_id, u.item_id`, 'social', k, tier);
  },
};

/**
 * The top k per target (columns customer_id, rank, item_id, score, model) from the candidate
 * SELECTs, each (customer, item) kept once at its best tier, ranked by tier, score, tiebreak, item;
 * with `fill`, a customer with fewer than k is filled with the most popular items not already in
 * their list (model 'popularity'). The fill is list arithmetic per short customer against one small
 * ranked list of the k most popular items, not a cross join of every customer with the catalogue.
 */
export function topKSql(parts: readonly string[], k: number, fill: boolean): string {
  const union = parts.map((p) => `(${p})`).join(' UNION ALL ');
  const dedupe = parts.length > 1 ? 'QUALIFY row_number() OVER (PARTITION BY customer_id, item_id ORDER BY tier, score DESC) = 1' : '';
  const ranked = parts.length === 0
    ? 'SELECT NULL::VARCHAR AS customer_id, NULL::INTEGER AS rank, NULL::VARCHAR AS item_id, NULL::DOUBLE AS score, NULL::VARCHAR AS model WHERE false'
    : `SELECT customer_id::VARCHAR AS customer_id, rank, item_id::VARCHAR AS item_id, score::DOUBLE AS score, model::VARCHAR AS model FROM (
      SELECT customer_id, item_id, score, model,
        row_number() OVER (PARTITION BY customer_id ORDER BY tier, score DESC, tiebreak DESC, item_id)::INTEGER AS rank
      FROM (SELECT ${CAND} FROM (${union}) c ${dedupe}) d
      QUALIFY rank <= ${num(k)})`;
  if (!fill) return ranked;
  return `WITH ranked AS (${ranked}),
    top AS (SELECT list(item_id ORDER BY customers DESC, item_id) AS items, list(customers ORDER BY customers DESC, item_id) AS scores
      FROM (SELECT item_id::VARCHAR AS item_id, customers::DOUBLE AS customers FROM rec_pop ORDER BY customers DESC, item_id LIMIT ${num(k)})),
    own AS (SELECT customer_id, count(*) AS n, list(item_id) AS items FROM ranked GROUP BY customer_id),
    short AS (
      SELECT t.customer_id::VARCHAR AS customer_id, coalesce(o.n, 0) AS n,
        list_filter(range(1, len(top.items) + 1), i -> NOT list_contains(coalesce(o.items, []::VARCHAR[]), top.items[i])) AS idx
      FROM rec_targets t LEFT JOIN own o ON o.customer_id = t.customer_id CROSS JOIN top WHERE coalesce(o.n, 0) < ${num(k)}),
    f AS (SELECT customer_id, n, unnest(idx) AS i, generate_subscripts(idx, 1) AS pos FROM short)
    SELECT * FROM ranked
    UNION ALL
    SELECT f.customer_id, (f.n + f.pos)::INTEGER AS rank, top.items[f.i] AS item_id, top.scores[f.i] AS score, 'popularity' AS model
    FROM f CROSS JOIN top WHERE f.n + f.pos <= ${num(k)}`;
}

/** rec_top (or `table`): the top k per target, see topKSql. */
export async function rankTopK(store: Store, parts: readonly string[], k: number, table = 'rec_top', fill = false): Promise<void> {
  await store.exec(`CREATE OR REPLACE TEMP TABLE ${table} AS ${topKSql(parts, k, fill)}`);
}
