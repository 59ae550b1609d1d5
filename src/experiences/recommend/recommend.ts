/**
 * Recommendations (the "curated offering" experience): top-k items per customer from the store.
 * Models: popularity and the customer's recent items (the baselines), "repeat" (the customer's own
 * items by a tuned time-decayed, type-weighted frequency), item-kNN (cosine with shrinkage on SQL
 * co-occurrence counts), EASE (Steck 2019) on the most popular items, a social model (what the
 * people one follows liked or bought) and a blend (own items, then item-kNN, then the network).
 * Every model but the two baselines is filled up to k with the most popular items.
 * `auto` chooses on an inner validation split inside the training period (see chooseModel).
 */
import type { Store } from '../../store/types.js';
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { rankingMetrics, coverage as coverageOf, type CustomerHits } from '../../models/recommend/metrics.js';
import { personalGrid, describePersonal, type PersonalWeights } from '../../models/recommend/personal.js';
import { chooseBest } from '../../models/recommend/select.js';
import { lit, num } from '../../sql/quote.js';
import { dialectOf, replaceTableAs, tableExists, type Dialect } from '../../sql/dialect.js';
import {
  buildInteractions, buildProfile, buildItemKnn, buildFollows, candidates, categorySql, personalGridHitsSql, rankTopK, sampleCondition, tsLit, writeTopK, RELEVANT_TYPES, type ModelName,
} from './sql.js';
import { buildEase, type EaseInfo } from './ease.js';

import { RECOMMENDATION_PARTS, RECOMMENDATIONS_TABLE } from '../contracts.js';

/** The store relation the actions step reads: the top k per customer (../contracts.ts). */
export { RECOMMENDATIONS_TABLE };

export const RECOMMEND_DEFAULTS = {
  k: 10,
  /** Items per customer profile for item-kNN / EASE (the most recent ones). */
  profileItems: 30,
  /** Shrinkage of the item-kNN cosine. */
  shrink: 10,
  /** Neighbours kept per item. */
  neighbours: 50,
  /** Co-occurrences an item pair needs to count. */
  minCoCount: 1,
  /** Items kept for EASE's dense solve (the most popular). */
  easeItems: 1000,
  /** Customers the inner validation split evaluates (a fixed hash sample above this). */
  innerCustomers: 10000,
  /**
   * Customers whose history the inner split trains on (a fixed hash sample above this; the
   * evaluated customers are drawn from it): the choice needs popularity and item similarities
   * that a sample estimates well, not every customer's history.
   */
  innerSample: 50000,
  /** Share of the time span used as the validation window when there is no holdout. */
  validationShare: 0.1,
};

export const MODEL_CHOICES = ['auto', 'popularity', 'recent', 'repeat', 'itemknn', 'ease', 'social', 'blend'] as const;
export type ModelChoice = (typeof MODEL_CHOICES)[number];

export interface ModelSpec {
  name: ModelName;
  /** The personal weights of `repeat` and `blend`. */
  weights?: PersonalWeights;
}

export interface Metrics {
  recall: number | null;
  ndcg: number | null;
  hitRate: number | null;
  coverage: number | null;
  customers: number;
  /** Why the metrics are null, when they are. */
  reason?: string;
}

export interface CandidateScore {
  model: ModelName;
  params: string | null;
  recall: number | null;
  ndcg: number | null;
  reason?: string;
}

export interface Selection {
  model: ModelName;
  params: string | null;
  weights: PersonalWeights | null;
  /** The inner split the choice was made on (null when a model was given). */
  inner: { trainEnd: string; validationEnd: string; customers: number } | null;
  candidates: CandidateScore[];
  warnings: string[];
}

interface Span {
  min: Date;
  max: Date;
  itemEvents: number;
  /** Whether relevance is "saved, carted or bought" or, when nobody does those, "reviewed with rating ≥ 4". */
  basis: 'actions' | 'ratings';
  /** Distinct customers (approximate: HyperLogLog), for the inner split's sample. */
  customers: number;
  /** Whether any follow event names a peer (the social model's network). */
  network: boolean;
  /** Whether item events carry a category in props (CATEGORY_PROPS), for the personal model's category damping. */
  categories: boolean;
}

const DAY = 86_400_000;
const iso = (d: Date): string => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '').replace('Z', '');

/** One pass over the events: their time span, item events, relevance basis, customer count, network and categories. */
async function span(store: Store): Promise<Span | null> {
  const d = dialectOf(store);
  const dbl = (e: string): string => `CAST(${e} AS ${d.types.double})`;
  // The customer count decides the inner split's sample, so it is exact (the distinct customers, kept
  // as rec_customers for the sample and the targets): an approximate count differs by engine, and so would the sample.
  await replaceTableAs(store, 'rec_customers', 'SELECT DISTINCT customer_id FROM events', { temp: true });
  const [c] = await store.query<{ n: number }>(`SELECT ${dbl('count(customer_id)')} AS n FROM rec_customers`);
  // the categories' JSON is read only where there are props (a CASE branch; a FILTER would parse every row's)
  const [r] = await store.query<{ lo: Date | null; hi: Date | null; items: number; rel: number; follows: number; cats: number | null }>(`
    SELECT min(ts) AS lo, max(ts) AS hi, ${dbl('count(item_id)')} AS items,
      ${dbl(d.countIf(`item_id IS NOT NULL AND type IN (${RELEVANT_TYPES.map(lit).join(', ')})`))} AS rel,
      ${dbl(d.countIf(`type = 'follow' AND peer_id IS NOT NULL AND peer_id <> customer_id`))} AS follows,
      ${dbl(`sum(CASE WHEN item_id IS NULL OR props IS NULL THEN 0 WHEN ${categorySql(store)} IS NOT NULL THEN 1 ELSE 0 END)`)} AS cats
    FROM events`);
  if (!r || r.lo === null || r.hi === null) return null;
  return { min: r.lo, max: r.hi, itemEvents: Number(r.items), basis: Number(r.rel) > 0 ? 'actions' : 'ratings', customers: Number(c.n), network: Number(r.follows) > 0, categories: Number(r.cats) > 0 };
}

/** The store's events and items, or a clear error when there is nothing to recommend from. */
async function requireItems(store: Store): Promise<Span> {
  const s = await span(store);
  if (s === null) throw new InvalidArgumentsError('recommend: the store has no events: ingest a file first');
  if (s.itemEvents === 0) throw new InvalidArgumentsError('recommend: the store has no items (no event has an item_id), so there is nothing to recommend');
  return s;
}

/**
 * rec_rel: distinct (customer, item) relevant in [from, to), among customers with an event before
 * `from`; rec_targets: those customers (a fixed hash sample of `cap` when there are more).
 */
async function buildRelevant(store: Store, basis: 'actions' | 'ratings', from: string, to: string | null, cap: number | null, sample: string | null = null): Promise<number> {
  const d = dialectOf(store);
  const rel = basis === 'actions' ? `type IN (${RELEVANT_TYPES.map(lit).join(', ')})` : `type = 'review' AND rating >= 4`;
  const until = `${to === null ? '' : `AND ts < ${tsLit(d, to)}`} ${sample === null ? '' : `AND ${sample}`}`;
  const relevant = `SELECT DISTINCT customer_id, item_id FROM events
    WHERE item_id IS NOT NULL AND ${rel} AND ts >= ${tsLit(d, from)} ${until}
      AND customer_id IN (SELECT customer_id FROM events WHERE ts < ${tsLit(d, from)})`;
  if (cap !== null) {
    // the first `cap` customers by the portable hash (the same ones on every engine)
    await replaceTableAs(store, 'rec_rel', relevant, { temp: true });
    await replaceTableAs(store, 'rec_targets', `SELECT customer_id FROM (SELECT DISTINCT customer_id FROM rec_rel) c
      ORDER BY ${d.portableHash('customer_id')}, ${d.byteOrder('customer_id')} LIMIT ${num(cap)}`, { temp: true });
    await replaceTableAs(store, 'rec_rel_cut', 'SELECT customer_id, item_id FROM rec_rel WHERE customer_id IN (SELECT customer_id FROM rec_targets)', { temp: true });
    await replaceTableAs(store, 'rec_rel', 'SELECT customer_id, item_id FROM rec_rel_cut', { temp: true });
    await store.exec('DROP TABLE IF EXISTS rec_rel_cut');
  } else {
    await replaceTableAs(store, 'rec_rel', relevant, { temp: true });
    await replaceTableAs(store, 'rec_targets', 'SELECT DISTINCT customer_id FROM rec_rel', { temp: true });
  }
  const [r] = await store.query<{ n: number }>(`SELECT CAST(count(*) AS ${d.types.double}) AS n FROM rec_targets`);
  return Number(r.n);
}

/** The state of one training window: what has been built, and the facts the models need. */
class Window {
  private built = new Set<string>();
  private positives = false;
  /** Whether rec_targets holds every customer of the window's rec_ui (the write for everyone). */
  everyone = false;
  ease: EaseInfo | null = null;
  readonly d: Dialect;
  constructor(readonly store: Store, readonly ref: string, readonly k: number, readonly opts: typeof RECOMMEND_DEFAULTS, readonly network: boolean) {
    this.d = dialectOf(store);
  }

  /** rec_ui and rec_pop of the window; the profile, similarities and network are built when a model needs them. */
  static async open(store: Store, s: Span, cutoff: string | null, refIso: string, k: number, opts: typeof RECOMMEND_DEFAULTS, sample: string | null = null): Promise<Window> {
    await buildInteractions(store, cutoff, sample, s.categories);
    return new Window(store, tsLit(dialectOf(store), refIso), k, opts, s.network);
  }

  /** Why a model cannot run on this store, or null. */
  unavailable(name: ModelName): string | null {
    if (name === 'social' && !this.network) return 'no network: the store has no follow events with a peer_id (who follows or trusts whom)';
    return null;
  }

  /** The social candidates: rec_follows (built once per run) and whether the window has positive interactions to count. */
  private async social(tier = 0): Promise<string> {
    if (!this.built.has('follows')) {
      await buildFollows(this.store, true);
      const [p] = await this.store.query<{ n: number }>(`SELECT CAST(count(*) AS ${this.d.types.double}) AS n FROM rec_ui WHERE liked + bought + carted + saved > 0`);
      this.positives = Number(p.n) > 0;
      this.built.add('follows');
    }
    return candidates.social(this.d, this.positives, this.k, tier);
  }

  /** The candidate SELECTs of a model, and whether short lists are filled with popular items. */
  async parts(spec: ModelSpec): Promise<{ parts: string[]; fill: boolean }> {
    const w = spec.weights ?? personalGrid()[0];
    switch (spec.name) {
      case 'popularity':
        return { parts: [], fill: true };
      case 'recent':
        return { parts: [candidates.recent(this.d, this.everyone)], fill: false };
      case 'repeat':
        return { parts: [candidates.repeat(this.d, w, this.ref, 0, this.everyone)], fill: true };
      case 'itemknn':
        await this.need('itemknn');
        return { parts: [candidates.neighbours(this.d, 'rec_nb_itemknn', 'itemknn', this.k)], fill: true };
      case 'ease':
        await this.need('ease');
        return { parts: [candidates.neighbours(this.d, 'rec_nb_ease', 'ease', this.k)], fill: true };
      case 'social': {
        const why = this.unavailable('social');
        if (why) throw new InvalidArgumentsError(`recommend --model social: ${why}`);
        return { parts: [await this.social()], fill: true };
      }
      case 'blend': {
        await this.need('itemknn');
        const parts = [candidates.repeat(this.d, w, this.ref, 0, this.everyone), candidates.neighbours(this.d, 'rec_nb_itemknn', 'itemknn', this.k, 1)];
        if (this.network) parts.push(await this.social(2));
        return { parts, fill: true };
      }
    }
  }

  private async need(what: 'itemknn' | 'ease'): Promise<void> {
    if (this.built.has(what)) return;
    if (!this.built.has('profile')) {
      await buildProfile(this.store, this.opts.profileItems);
      this.built.add('profile');
    }
    if (what === 'itemknn') await buildItemKnn(this.store, this.opts.shrink, this.opts.neighbours, this.opts.minCoCount);
    else this.ease = await buildEase(this.store, this.opts.easeItems, this.opts.neighbours);
    this.built.add(what);
  }

  async rank(spec: ModelSpec, table = 'rec_top'): Promise<void> {
    const { parts, fill } = await this.parts(spec);
    await rankTopK(this.store, parts, this.k, table, fill);
  }

  /** Metrics of rec_top against rec_rel. */
  /** The grid setting (of `grid`) with the best recall@k (ties: NDCG@k, then order) on rec_rel, scored in one query. */
  async bestPersonal(grid: readonly PersonalWeights[]): Promise<PersonalWeights> {
    const rows = await this.store.query<{ idx: number; relevant: number; ranks: string }>(personalGridHitsSql(this.d, grid, this.ref, this.k));
    const scored = grid.map((candidate, i) => {
      const m = rankingMetrics(hitsOf(rows.filter((r) => Number(r.idx) === i)), this.k);
      return { candidate, recall: m.recall, ndcg: m.ndcg };
    });
    return chooseBest(scored)?.candidate ?? grid[0];
  }

  async metrics(): Promise<Metrics> {
    const d = this.d;
    const hit = d.semiJoin('semi', 'rec_rel', 'x', 'x.customer_id = t.customer_id AND x.item_id = t.item_id');
    const rows = await this.store.query<{ relevant: number; ranks: string }>(`
      SELECT CAST(r.n AS ${d.types.int}) AS relevant, coalesce(${d.stringAgg(`CAST(h.rk AS ${d.types.text})`, ',', ['h.rk'])}, '') AS ranks
      FROM (SELECT customer_id, count(*) AS n FROM rec_rel GROUP BY customer_id) r
      LEFT JOIN (SELECT t.customer_id AS customer_id, t.rank AS rk FROM rec_top t ${hit.join} WHERE ${hit.where}) h
        ON h.customer_id = r.customer_id
      GROUP BY r.customer_id, r.n`);
    const m = rankingMetrics(hitsOf(rows), this.k);
    const [c] = await this.store.query<{ rec: number; cat: number }>(
      `SELECT CAST((SELECT count(DISTINCT item_id) FROM rec_top) AS ${d.types.double}) AS rec, CAST((SELECT count(*) FROM rec_pop) AS ${d.types.double}) AS cat`);
    const out: Metrics = { recall: m.recall, ndcg: m.ndcg, hitRate: m.hitRate, coverage: coverageOf(Number(c.rec), Number(c.cat)), customers: m.customers };
    if (m.customers === 0) out.reason = 'no customer has both an event before the split and a relevant item after it';
    return out;
  }
}

function hitsOf(rows: readonly { relevant: number; ranks: string }[]): CustomerHits[] {
  return rows.map((r) => ({ relevant: Number(r.relevant), hitRanks: r.ranks ? r.ranks.split(',').map(Number) : [] }));
}

function specLabel(spec: ModelSpec): string | null {
  return spec.weights && (spec.name === 'repeat' || spec.name === 'blend') ? describePersonal(spec.weights) : null;
}

/**
 * Chooses a model on the inner split [trainEnd, validationEnd): the best of the personal-weight
 * grid becomes `repeat`, then popularity, recent, repeat, item-kNN, EASE, social (with a network)
 * and the blend compete on recall@k (ties: NDCG@k, then the simpler model).
 */
async function chooseModel(store: Store, s: Span, trainEnd: string, validationEnd: string, k: number, opts: typeof RECOMMEND_DEFAULTS): Promise<Selection> {
  const warnings: string[] = [];
  const hashed = sampleCondition(dialectOf(store), s.customers, opts.innerSample);
  // the sample's customers once (a hash per customer, not per event), then a semi-join
  if (hashed !== null) await replaceTableAs(store, 'rec_sample', `SELECT customer_id FROM rec_customers WHERE ${hashed}`, { temp: true });
  const sample = hashed === null ? null : 'customer_id IN (SELECT customer_id FROM rec_sample)';
  const customers = await buildRelevant(store, s.basis, trainEnd, validationEnd, opts.innerCustomers, sample);
  const inner = { trainEnd, validationEnd, customers };
  const fallback = (why: string): Selection => {
    warnings.push(`recommend: ${why}; using the blend with default weights`);
    return { model: 'blend', params: describePersonal(personalGrid()[0]), weights: personalGrid()[0], inner, candidates: [], warnings };
  };
  if (customers === 0) return fallback(`the inner validation split (${trainEnd} to ${validationEnd}) has no customer to evaluate`);
  const win = await Window.open(store, s, trainEnd, trainEnd, k, opts, sample);
  const bestW = await win.bestPersonal(personalGrid(s.categories));
  const specs: ModelSpec[] = [
    { name: 'popularity' }, { name: 'recent' }, { name: 'repeat', weights: bestW }, { name: 'itemknn' }, { name: 'ease' }, { name: 'social' }, { name: 'blend', weights: bestW },
  ];
  const scored: { candidate: ModelSpec; recall: number | null; ndcg: number | null }[] = [];
  const table: CandidateScore[] = [];
  for (const spec of specs) {
    const why = win.unavailable(spec.name);
    if (why) {
      table.push({ model: spec.name, params: null, recall: null, ndcg: null, reason: why });
      continue;
    }
    await win.rank(spec);
    const m = await win.metrics();
    scored.push({ candidate: spec, recall: m.recall, ndcg: m.ndcg });
    table.push({ model: spec.name, params: specLabel(spec), recall: m.recall, ndcg: m.ndcg });
  }
  const best = chooseBest(scored);
  if (!best) return fallback('no candidate could be evaluated on the inner split');
  return { model: best.candidate.name, params: specLabel(best.candidate), weights: best.candidate.weights ?? null, inner, candidates: table, warnings };
}

function checkModel(model: string): ModelChoice {
  if (!(MODEL_CHOICES as readonly string[]).includes(model)) throw new InvalidArgumentsError(`recommend: --model must be one of ${MODEL_CHOICES.join(', ')}, got "${model}"`);
  return model as ModelChoice;
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InvalidArgumentsError(`recommend: k must be an integer in 1..1000, got ${k}`);
  return k;
}

async function dropTemps(store: Store): Promise<void> {
  for (const t of ['rec_ui', 'rec_pop', 'rec_profile', 'rec_nb_itemknn', 'rec_nb_ease', 'rec_ease_items', 'rec_ease_w', 'rec_follows', 'rec_targets', 'rec_rel', 'rec_rel_cut', 'rec_top', 'rec_short', 'rec_fill_keys', 'rec_customers', 'rec_sample']) {
    await store.exec(`DROP TABLE IF EXISTS ${t}`);
  }
}

async function given(s: Span, model: ModelChoice, inner: () => Promise<Selection>): Promise<Selection> {
  if (model === 'auto') return inner();
  if (model === 'social' && !s.network) {
    throw new InvalidArgumentsError('recommend --model social: no network: the store has no follow events with a peer_id (who follows or trusts whom)');
  }
  const w = model === 'repeat' || model === 'blend' ? personalGrid()[0] : null;
  return { model, params: w ? describePersonal(w) : null, weights: w, inner: null, candidates: [], warnings: [] };
}

// ---------------------------------------------------------------------------------------------
// Evaluation on a time split

export interface EvaluateOptions {
  holdoutFrom: string;
  k?: number;
  model?: ModelChoice | string;
  /** Models evaluated on the holdout besides the chosen one and the baselines (default: all). */
  compare?: readonly ModelName[];
  options?: Partial<typeof RECOMMEND_DEFAULTS>;
}

export interface Evaluation {
  k: number;
  holdoutFrom: string;
  customers: number;
  model: ModelName;
  params: string | null;
  recall: number | null;
  ndcg: number | null;
  hitRate: number | null;
  coverage: number | null;
  baselines: { popularity: Metrics; recent: Metrics };
  /** The models compared on the same holdout (null metrics with a reason when one cannot run). */
  models: Partial<Record<ModelName, Metrics>>;
  relevance: 'actions' | 'ratings';
  selection: Selection;
  reason?: string;
  warnings: string[];
}

/**
 * Trains on events before `holdoutFrom` and evaluates on the rest: relevant items are the distinct
 * items a customer saves, carts or buys from `holdoutFrom` on (reviews with rating ≥ 4 when the
 * store has none of those), among customers with an event before it. `auto` chooses on an inner
 * split: the last stretch of the training period as long as the holdout.
 */
export async function evaluateRecommendations(store: Store, o: EvaluateOptions): Promise<Evaluation> {
  const k = checkK(o.k ?? RECOMMEND_DEFAULTS.k);
  const model = checkModel(o.model ?? 'auto');
  const opts = { ...RECOMMEND_DEFAULTS, ...o.options };
  const s = await requireItems(store);
  const from = new Date(`${o.holdoutFrom}T00:00:00Z`);
  if (Number.isNaN(from.getTime())) throw new InvalidArgumentsError(`recommend: --holdout-from "${o.holdoutFrom}" is not a date YYYY-MM-DD`);
  if (!(from > s.min && from <= s.max)) {
    throw new InvalidArgumentsError(`recommend: --holdout-from ${o.holdoutFrom} is outside the data (events from ${iso(s.min)} to ${iso(s.max)}): it must leave events on both sides`);
  }
  const basis = s.basis;
  try {
    const length = s.max.getTime() + 1000 - from.getTime();
    let innerFrom = new Date(from.getTime() - length);
    if (innerFrom <= s.min) innerFrom = new Date(s.min.getTime() + (from.getTime() - s.min.getTime()) / 2);
    const selection = await given(s, model, () => chooseModel(store, s, iso(innerFrom), iso(from), k, opts));
    const customers = await buildRelevant(store, basis, iso(from), null, null);
    const win = await Window.open(store, s, iso(from), iso(from), k, opts);
    const models: Partial<Record<ModelName, Metrics>> = {};
    const weights = selection.weights ?? personalGrid()[0];
    const all: readonly ModelName[] = ['popularity', 'recent', 'repeat', 'itemknn', 'ease', 'social', 'blend'];
    const compare = new Set<ModelName>(['popularity', 'recent', selection.model, ...(o.compare ?? all)]);
    for (const name of all.filter((m) => compare.has(m))) {
      const why = win.unavailable(name);
      if (why) {
        models[name] = { recall: null, ndcg: null, hitRate: null, coverage: null, customers, reason: why };
        continue;
      }
      await win.rank({ name, weights });
      models[name] = await win.metrics();
    }
    const chosen = models[selection.model] as Metrics;
    const out: Evaluation = {
      k, holdoutFrom: o.holdoutFrom, customers, model: selection.model, params: selection.params,
      recall: chosen.recall, ndcg: chosen.ndcg, hitRate: chosen.hitRate, coverage: chosen.coverage,
      baselines: { popularity: models.popularity as Metrics, recent: models.recent as Metrics }, models, relevance: basis, selection, warnings: selection.warnings,
    };
    if (chosen.reason) out.reason = chosen.reason;
    return out;
  } finally {
    await dropTemps(store);
  }
}

// ---------------------------------------------------------------------------------------------
// Recommendations for every customer (the store table) and for one customer

export interface RecommendOptions {
  k?: number;
  model?: ModelChoice | string;
  options?: Partial<typeof RECOMMEND_DEFAULTS>;
}

export interface RecommendSummary {
  table: string;
  k: number;
  model: ModelName;
  params: string | null;
  customers: number;
  rows: number;
  /** Customers with fewer than k recommendations (a catalogue smaller than k, or a baseline with little history). */
  customersShort: number;
  /** Rows filled with popular items because the model had fewer than k for the customer. */
  popularityFill: number;
  coverage: number | null;
  selection: Selection;
  warnings: string[];
}

async function selectForStore(store: Store, s: Span, model: ModelChoice, k: number, opts: typeof RECOMMEND_DEFAULTS): Promise<Selection> {
  return given(s, model, async () => {
    const spanMs = s.max.getTime() + 1000 - s.min.getTime();
    const window = Math.max(DAY, spanMs * opts.validationShare);
    const from = new Date(s.max.getTime() + 1000 - window);
    if (from <= s.min) {
      const w = personalGrid()[0];
      return { model: 'blend', params: describePersonal(w), weights: w, inner: null, candidates: [], warnings: ['recommend: the data spans less than two validation windows; using the blend with default weights'] };
    }
    return chooseModel(store, s, iso(from), iso(new Date(s.max.getTime() + 1000)), k, opts);
  });
}

/** Writes the top k for every customer of the store to `recommendations` (a view over the model's rows and the popularity fill lists: writeTopK). */
export async function writeRecommendations(store: Store, o: RecommendOptions = {}): Promise<RecommendSummary> {
  const k = checkK(o.k ?? RECOMMEND_DEFAULTS.k);
  const model = checkModel(o.model ?? 'auto');
  const opts = { ...RECOMMEND_DEFAULTS, ...o.options };
  const s = await requireItems(store);
  try {
    const selection = await selectForStore(store, s, model, k, opts);
    const win = await Window.open(store, s, null, iso(new Date(s.max.getTime() + 1000)), k, opts);
    const d = dialectOf(store);
    const dbl = (e: string): string => `CAST(${e} AS ${d.types.double})`;
    await replaceTableAs(store, 'rec_targets', 'SELECT customer_id FROM rec_customers', { temp: true });
    win.everyone = true;
    const { parts, fill } = await win.parts({ name: selection.model, weights: selection.weights ?? undefined });
    await writeTopK(store, RECOMMENDATIONS_TABLE, parts, k, fill);
    // The summary from the view's parts (a fill list counts once per customer pointing at it), not from its 10M rows.
    // Ranks run 1..n without gaps, so a customer is short exactly when they have no row at rank k.
    const T = RECOMMENDATION_PARTS;
    const other = d.lit(selection.model);
    const [r] = await store.query<{ customers: number; rows: number; full: number; fill: number; items: number; cat: number }>(`
      WITH fl AS (SELECT fill, count(*) AS n_rows, max(rank) AS last_rank, ${d.countIf(`model <> ${other}`)} AS n_other FROM ${T.fill} GROUP BY fill),
      sc AS (SELECT fill, count(*) AS n_customers FROM ${T.short} GROUP BY fill),
      used AS (SELECT fl.n_rows AS n_rows, fl.last_rank AS last_rank, fl.n_other AS n_other, sc.n_customers AS n_customers FROM sc JOIN fl ON fl.fill = sc.fill)
      SELECT ${dbl('(SELECT count(*) FROM rec_targets)')} AS customers,
        ${dbl(`(SELECT count(*) FROM ${T.model}) + (SELECT coalesce(sum(n_customers * n_rows), 0) FROM used)`)} AS rows,
        ${dbl(`(SELECT ${d.countIf(`rank = ${num(k)}`)} FROM ${T.model}) + (SELECT coalesce(sum(CASE WHEN last_rank = ${num(k)} THEN n_customers ELSE 0 END), 0) FROM used)`)} AS full,
        ${dbl(`(SELECT ${d.countIf(`model <> ${other}`)} FROM ${T.model}) + (SELECT coalesce(sum(n_customers * n_other), 0) FROM used)`)} AS fill,
        ${dbl(`(SELECT count(DISTINCT item_id) FROM (SELECT item_id FROM ${T.model} UNION ALL SELECT item_id FROM ${T.fill} WHERE fill IN (SELECT fill FROM ${T.short})) i)`)} AS items,
        ${dbl('(SELECT count(*) FROM rec_pop)')} AS cat`);
    return {
      table: RECOMMENDATIONS_TABLE, k, model: selection.model, params: selection.params, customers: Number(r.customers), rows: Number(r.rows),
      customersShort: Number(r.customers) - Number(r.full), popularityFill: Number(r.fill), coverage: coverageOf(Number(r.items), Number(r.cat)), selection, warnings: selection.warnings,
    };
  } finally {
    await dropTemps(store);
  }
}

export interface Recommendation {
  rank: number;
  itemId: string;
  score: number;
  model: string;
}

export interface CustomerRecommendations {
  customerId: string;
  k: number;
  model: ModelName | string;
  source: 'table' | 'computed';
  items: Recommendation[];
  reason?: string;
}

/** The top k for one customer: from the `recommendations` table when it exists (and `auto`), else computed. */
export async function recommendFor(store: Store, customerId: string, o: RecommendOptions = {}): Promise<CustomerRecommendations> {
  const k = checkK(o.k ?? RECOMMEND_DEFAULTS.k);
  const model = checkModel(o.model ?? 'auto');
  const opts = { ...RECOMMEND_DEFAULTS, ...o.options };
  const s = await requireItems(store);
  const d = dialectOf(store);
  const [known] = await store.query<{ n: number }>(`SELECT CAST(count(*) AS ${d.types.double}) AS n FROM events WHERE customer_id = ${d.lit(customerId)}`);
  if (Number(known.n) === 0) throw new InvalidArgumentsError(`recommend: unknown customer "${customerId}" (no event in the store has this customer_id)`);
  const read = async (sql: string): Promise<Recommendation[]> =>
    (await store.query<{ rank: number; item_id: string; score: number; model: string }>(sql)).map((r) => ({
      rank: Number(r.rank), itemId: String(r.item_id), score: Number(r.score), model: String(r.model),
    }));
  if (model === 'auto' && (await tableExists(store, RECOMMENDATIONS_TABLE))) {
    const items = await read(`SELECT rank, item_id, score, model FROM ${RECOMMENDATIONS_TABLE} WHERE customer_id = ${d.lit(customerId)} AND rank <= ${num(k)} ORDER BY rank`);
    // the most common model at rank 1 (ties: the first name in byte order)
    const [m] = await store.query<{ model: string | null }>(`SELECT model FROM ${RECOMMENDATIONS_TABLE} WHERE rank = 1 GROUP BY model ORDER BY count(*) DESC, ${d.byteOrder('model')} LIMIT 1`);
    if (items.length >= Math.min(k, 1)) return { customerId, k, model: m?.model ?? 'auto', source: 'table', items };
  }
  try {
    const selection = await selectForStore(store, s, model, k, opts);
    const win = await Window.open(store, s, null, iso(new Date(s.max.getTime() + 1000)), k, opts);
    await replaceTableAs(store, 'rec_targets', `SELECT CAST(${d.lit(customerId)} AS ${d.types.text}) AS customer_id`, { temp: true });
    await win.rank({ name: selection.model, weights: selection.weights ?? undefined });
    const items = await read('SELECT rank, item_id, score, model FROM rec_top ORDER BY rank');
    const out: CustomerRecommendations = { customerId, k, model: selection.model, source: 'computed', items };
    if (items.length === 0) out.reason = `the ${selection.model} model has no item for this customer (no history${selection.model === 'recent' ? '' : ' and no popular items'})`;
    return out;
  } finally {
    await dropTemps(store);
  }
}
