/**
 * Social listening in the store: score every review/mention text once, keep the scores in the
 * store table `text_sentiment`, and compute the listening measures in SQL.
 *
 * Scoring is the one step that must run in JS (the libraries are JS). It streams DISTINCT texts
 * out of the store in batches on a stable numbering (a temp table of pending texts numbered by
 * row_number() over the text), scores each batch, and writes the batch's scores back with one
 * INSERT … SELECT per batch. Events that already have a score for the method are skipped, so a
 * re-run only scores what is new, and an interrupted run keeps the batches it finished.
 *
 * Counting: an event is a distinct event_id (DESIGN.md: re-sending an event must not count it
 * twice); if the log holds an event_id more than once, its first item/time/text is used.
 */
import type { Row, Store } from '../store/types.js';
import { evaluate, InvalidArgumentsError, LABELS, labelIndex } from './metrics.js';
import { DEFAULT_METHOD, isSentimentMethod, scoreSentiment, type SentimentMethod } from './score.js';
import { STOP_WORDS } from './stopwords.js';
import type {
  ComplaintTerm,
  ItemComplaints,
  ItemListening,
  ListeningPeriod,
  ListeningResult,
  PeriodListening,
  RatingAgreement,
  ScoringStats,
  SentimentMix,
} from './types.js';
import { dialectOf, replaceTableAs, type Dialect } from '../sql/dialect.js';
import { listeningSql } from './sql.js';

/** The store table of text scores, in an engine's types (TEXT_SENTIMENT_DDL: DuckDB's). */
export function textSentimentDdl(store: Pick<Store, 'dialect'>): string {
  const t = dialectOf(store).types;
  return `
CREATE TABLE IF NOT EXISTS text_sentiment (
  event_id ${t.text} NOT NULL,
  method   ${t.text} NOT NULL,
  score    ${t.double} NOT NULL,
  label    ${t.text} NOT NULL
)${listeningSql(store).tableOptions}`;
}

export const TEXT_SENTIMENT_DDL = textSentimentDdl({ dialect: 'duckdb' });

export interface ListeningOptions {
  method: SentimentMethod;
  /** Event types whose text is listened to. */
  types: string[];
  period: ListeningPeriod;
  /** Distinct texts per scoring batch. */
  batchSize: number;
  /** Complaint terms per item. */
  topTerms: number;
  /** A complaint term must occur in at least this many negative texts of the item… */
  minTermDocs: number;
  /** …and in at least this share of them… */
  minTermShare: number;
  /** …and be at least this many times more common in the item's complaints than in all texts. */
  minLift: number;
  /** Star buckets for the rating agreement (for a 1–5 scale: ≤ 2 negative, ≥ 4 positive). */
  ratingBuckets: { negativeMax: number; positiveMin: number };
  onProgress?: (textsDone: number, textsTotal: number) => void;
}

export const DEFAULTS: Omit<ListeningOptions, 'onProgress'> = {
  method: DEFAULT_METHOD,
  types: ['review', 'mention'],
  period: 'week',
  batchSize: 10_000,
  topTerms: 15,
  minTermDocs: 5,
  minTermShare: 0.005,
  minLift: 1.5,
  ratingBuckets: { negativeMax: 2, positiveMin: 4 },
};

const PERIODS: readonly ListeningPeriod[] = ['day', 'week', 'month'];


function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const x = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(x) ? x : null;
}

function int(v: unknown): number {
  return num(v) ?? 0;
}

function validate(o: ListeningOptions): void {
  if (!isSentimentMethod(o.method)) throw new InvalidArgumentsError(`listening: unknown method "${o.method}"`);
  if (!PERIODS.includes(o.period)) throw new InvalidArgumentsError(`listening: period must be one of ${PERIODS.join(', ')}`);
  if (o.types.length === 0) throw new InvalidArgumentsError('listening: types must not be empty');
  if (!(Number.isInteger(o.batchSize) && o.batchSize > 0)) throw new InvalidArgumentsError('listening: batchSize must be a positive integer');
  if (!(Number.isInteger(o.topTerms) && o.topTerms >= 0)) throw new InvalidArgumentsError('listening: topTerms must be a non-negative integer');
  for (const k of ['minTermDocs', 'minTermShare', 'minLift'] as const) {
    if (!(Number.isFinite(o[k]) && o[k] >= 0)) throw new InvalidArgumentsError(`listening: ${k} must be a finite number ≥ 0`);
  }
  if (!(o.ratingBuckets.negativeMax < o.ratingBuckets.positiveMin)) {
    throw new InvalidArgumentsError('listening: ratingBuckets.negativeMax must be below positiveMin');
  }
}

/**
 * One row per distinct event_id of the listened types. The aggregates are named apart from the
 * columns they read, then renamed (ClickHouse would read an alias `ts` inside min(ts)).
 */
function eventsSql(d: Dialect, types: readonly string[]): string {
  return `SELECT event_id, f_item AS item_id, f_ts AS ts, f_type AS type, f_rating AS rating, f_text AS text
            FROM (SELECT event_id,
                         ${d.firstValue('item_id', 'ts')} AS f_item,
                         min(ts) AS f_ts,
                         ${d.firstValue('type', 'ts')} AS f_type,
                         ${d.firstValue('rating', 'ts')} AS f_rating,
                         ${d.firstValue('text', 'ts')} AS f_text
                    FROM events
                   WHERE type IN (${types.map((t) => d.lit(t)).join(', ')})
                   GROUP BY event_id) f`;
}

/** The listened events joined to their scores for the method. */
function scoredSql(d: Dialect, types: readonly string[], method: SentimentMethod): string {
  return `SELECT e.event_id AS event_id, e.item_id AS item_id, e.ts AS ts, e.type AS type, e.rating AS rating, e.text AS text,
                 s.score AS score, s.label AS label
            FROM (${eventsSql(d, types)}) e
            JOIN text_sentiment s ON s.event_id = e.event_id AND s.method = ${d.lit(method)}`;
}

const ratio = (d: Dialect, a: string, b: string): string => `CAST(${a} AS ${d.types.double}) / CAST(${b} AS ${d.types.double})`;

/** Scores the texts of listened events that have no score for the method yet. */
export async function scoreStoreTexts(
  store: Store,
  opts: Pick<ListeningOptions, 'method' | 'types' | 'batchSize' | 'onProgress'>,
): Promise<ScoringStats> {
  const d = dialectOf(store);
  await store.exec(textSentimentDdl(store));
  const m = d.lit(opts.method);
  // The events whose text this method has not scored: an anti-join in each engine's form (a NOT IN over
  // the scored ids ran per row on Postgres once they outgrew work_mem).
  const unscored = d.semiJoin('anti', `(SELECT s.event_id AS event_id FROM text_sentiment s WHERE s.method = ${m})`, 'sc', 'sc.event_id = e.event_id');
  await replaceTableAs(store, '_listening_pending_events', `
    SELECT e.event_id AS event_id, e.text AS text
      FROM (${eventsSql(d, opts.types)}) e ${unscored.join}
     WHERE e.text IS NOT NULL AND trim(e.text) <> ''
       AND ${unscored.where}`, { temp: true });
  await replaceTableAs(store, '_listening_pending_texts', `
    SELECT text, row_number() OVER (ORDER BY text) AS rn
      FROM (SELECT DISTINCT text FROM _listening_pending_events) t`, { temp: true });
  // Events numbered by their text's rn, stored in rn order so each batch reads a narrow rn range.
  await replaceTableAs(store, '_listening_pending', `
    SELECT p.event_id AS event_id, t.rn AS rn
      FROM _listening_pending_events p JOIN _listening_pending_texts t ON t.text = p.text
     ORDER BY t.rn`, { temp: true });
  const [{ texts, events }] = await store.query<{ texts: number; events: number }>(
    `SELECT (SELECT count(*) FROM _listening_pending_texts) AS texts, (SELECT count(*) FROM _listening_pending) AS events`,
  );
  const [{ already }] = await store.query<{ already: number }>(
    `SELECT count(*) AS already FROM (${eventsSql(d, opts.types)}) e
      WHERE e.text IS NOT NULL AND trim(e.text) <> ''
        AND e.event_id IN (SELECT s.event_id FROM text_sentiment s WHERE s.method = ${m})`,
  );
  const total = int(texts);
  for (let lo = 0; lo < total; lo += opts.batchSize) {
    const hi = Math.min(total, lo + opts.batchSize);
    const batch = await store.query<{ rn: number; text: string }>(
      `SELECT rn, text FROM _listening_pending_texts WHERE rn > ${lo} AND rn <= ${hi} ORDER BY rn`,
    );
    const scores = scoreSentiment(batch.map((b) => b.text), { method: opts.method });
    // Only numbers and the three fixed labels go into the SQL text, never user text.
    const ls = listeningSql(store);
    const rows = batch.map((b, i) => [int(b.rn), finite(scores[i].score), LABELS[labelIndex(scores[i].label)]] as const);
    // in statements of at most ls.maxValuesRows rows (ClickHouse parses at most max_query_size bytes)
    for (let k = 0; k < rows.length; k += ls.maxValuesRows) {
      const part = rows.slice(k, k + ls.maxValuesRows);
      await store.exec(`
      INSERT INTO text_sentiment (event_id, method, score, label)
      SELECT p.event_id, ${m}, v.score, v.label
        FROM _listening_pending p
        JOIN ${ls.values(part)} ON v.rn = p.rn
       WHERE p.rn >= ${part[0][0]} AND p.rn <= ${part[part.length - 1][0]}`);
    }
    opts.onProgress?.(hi, total);
  }
  await store.exec(`DROP TABLE IF EXISTS _listening_pending; DROP TABLE IF EXISTS _listening_pending_texts; DROP TABLE IF EXISTS _listening_pending_events;`);
  if (total > 0) for (const s of d.refreshStatistics('text_sentiment')) await store.exec(s);
  return { textsScored: total, eventsScored: int(events), eventsAlreadyScored: int(already) };
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

const MIX_SQL = `count(*) AS scored,
  avg(score) AS mean_score,
  avg(CASE WHEN label = 'negative' THEN 1.0 ELSE 0.0 END) AS neg,
  avg(CASE WHEN label = 'neutral' THEN 1.0 ELSE 0.0 END) AS neu,
  avg(CASE WHEN label = 'positive' THEN 1.0 ELSE 0.0 END) AS pos`;

function mix(r: Row): SentimentMix {
  const scored = int(r.scored);
  const neg = scored ? num(r.neg) : null;
  const pos = scored ? num(r.pos) : null;
  return {
    scored,
    meanScore: scored ? num(r.mean_score) : null,
    negativeShare: neg,
    neutralShare: scored ? num(r.neu) : null,
    positiveShare: pos,
    netSentiment: neg !== null && pos !== null ? pos - neg : null,
  };
}

async function itemsListening(store: Store, o: ListeningOptions): Promise<{ overall: ListeningResult['overall']; items: ItemListening[] }> {
  const d = dialectOf(store);
  const rows = await store.query(`
    WITH ev AS (${eventsSql(d, o.types)}),
         sc AS (${scoredSql(d, o.types, o.method)}),
         counts AS (SELECT item_id, count(*) AS n_events FROM ev GROUP BY item_id),
         mixes AS (SELECT item_id, ${MIX_SQL} FROM sc GROUP BY item_id)
    SELECT c.item_id AS item_id, c.n_events AS events, ${ratio(d, 'c.n_events', 'sum(c.n_events) OVER ()')} AS sov,
           coalesce(m.scored, 0) AS scored, m.mean_score AS mean_score, m.neg AS neg, m.neu AS neu, m.pos AS pos
      FROM counts c LEFT JOIN mixes m ON m.item_id IS NOT DISTINCT FROM c.item_id
     ORDER BY c.n_events DESC, ${d.byteOrder('c.item_id')} NULLS LAST`);
  const [all] = await store.query(`
    SELECT (SELECT count(*) FROM (${eventsSql(d, o.types)}) e) AS events, ${MIX_SQL} FROM (${scoredSql(d, o.types, o.method)}) s`);
  return {
    overall: { events: int(all.events), ...mix(all) },
    items: rows.map((r) => ({
      itemId: (r.item_id as string | null) ?? null,
      events: int(r.events),
      shareOfVoice: num(r.sov),
      ...mix(r),
    })),
  };
}

async function overTime(store: Store, o: ListeningOptions): Promise<PeriodListening[]> {
  const d = dialectOf(store);
  const rows = await store.query(`
    SELECT ${d.dateText(d.periodStart(o.period, 'ts'), 'day')} AS period, item_id, ${MIX_SQL}
      FROM (${scoredSql(d, o.types, o.method)}) s
     GROUP BY 1, 2 ORDER BY 1, ${d.byteOrder('item_id')} NULLS LAST`);
  return rows.map((r) => ({ period: String(r.period), itemId: (r.item_id as string | null) ?? null, ...mix(r) }));
}

/**
 * Complaint terms per item, in SQL: words of the scored texts (handles, URLs, numbers and stop
 * words removed, and the words of the item's own name, which would otherwise top every list),
 * counted once per text. For each item: the most frequent terms of its negative texts among those
 * with lift ≥ minLift over all scored texts (complaint words, not just common words), each with
 * its lift. Ranking by lift alone favours rare words and place names (a brand's hub airports);
 * ranking by frequency alone returns "flight".
 */
async function complaintTerms(store: Store, o: ListeningOptions): Promise<ItemComplaints[]> {
  if (o.topTerms === 0) return [];
  const dl = dialectOf(store);
  const ls = listeningSql(store);
  const stop = STOP_WORDS.map((w) => dl.lit(w)).join(', ');
  const share = ratio(dl, 'd.df', 'nn.n');
  const lift = `(${share}) / (${ratio(dl, 'a.df', 'na.n')})`;
  const rows = await store.query(`
    WITH sc AS (${scoredSql(dl, o.types, o.method)}),
    words AS (
      SELECT DISTINCT event_id, item_id, label, ${ls.trimQuotes('w')} AS term
        FROM (SELECT event_id, item_id, label, ${ls.words('text')} AS w
                FROM sc) x),
    terms AS (
      SELECT * FROM words
       WHERE length(term) >= 3 AND term NOT IN (${stop})
         AND NOT ${ls.inName('term', 'item_id')}),
    n_all AS (SELECT count(*) AS n FROM sc),
    df_all AS (SELECT term, count(*) AS df FROM terms GROUP BY term),
    n_neg AS (SELECT item_id, count(*) AS n FROM sc WHERE label = 'negative' GROUP BY item_id),
    df_neg AS (SELECT item_id, term, count(*) AS df FROM terms WHERE label = 'negative' GROUP BY item_id, term),
    ranked AS (
      SELECT d.item_id AS item_id, d.term AS term, d.df AS docs, ${share} AS share, ${lift} AS lift,
             row_number() OVER (PARTITION BY d.item_id ORDER BY d.df DESC, ${dl.byteOrder('d.term')}) AS r
        FROM df_neg d
        JOIN n_neg nn ON nn.item_id IS NOT DISTINCT FROM d.item_id
        JOIN df_all a ON a.term = d.term
        CROSS JOIN n_all na
       WHERE d.df >= ${o.minTermDocs} AND d.df >= ${o.minTermShare} * nn.n
         AND ${lift} >= ${o.minLift})
    SELECT n.item_id AS item_id, n.n AS negative_texts, r.term AS term, r.docs AS docs, r.share AS share, r.lift AS lift
      FROM n_neg n LEFT JOIN ranked r ON r.item_id IS NOT DISTINCT FROM n.item_id AND r.r <= ${o.topTerms}
     ORDER BY n.n DESC, ${dl.byteOrder('n.item_id')} NULLS LAST, r.r`);
  const out = new Map<string, ItemComplaints>();
  for (const r of rows) {
    const itemId = (r.item_id as string | null) ?? null;
    const key = JSON.stringify(itemId);
    let ic = out.get(key);
    if (!ic) out.set(key, (ic = { itemId, negativeTexts: int(r.negative_texts), terms: [] }));
    if (r.term !== null && r.term !== undefined) {
      const t: ComplaintTerm = { term: String(r.term), docs: int(r.docs), share: num(r.share) ?? 0, lift: num(r.lift) ?? 0 };
      ic.terms.push(t);
    }
  }
  return [...out.values()];
}

async function ratingAgreement(store: Store, o: ListeningOptions): Promise<RatingAgreement | null> {
  const sc = `SELECT * FROM (${scoredSql(dialectOf(store), o.types, o.method)}) s WHERE type = 'review' AND rating IS NOT NULL`;
  const [{ n, rho }] = await store.query<{ n: number; rho: number | null }>(`
    WITH r AS (${sc}),
    ranked AS (
      SELECT rank() OVER (ORDER BY score) + (count(*) OVER (PARTITION BY score) - 1) / 2.0 AS rs,
             rank() OVER (ORDER BY rating) + (count(*) OVER (PARTITION BY rating) - 1) / 2.0 AS rr
        FROM r)
    SELECT count(*) AS n, CASE WHEN var_pop(rs) > 0 AND var_pop(rr) > 0 THEN corr(rs, rr) END AS rho FROM ranked`);
  if (int(n) === 0) return null;
  const byRating = await store.query(`
    SELECT rating, count(*) AS reviews, avg(score) AS mean_score FROM (${sc}) r GROUP BY rating ORDER BY rating`);
  const { negativeMax, positiveMin } = o.ratingBuckets;
  const cells = await store.query(`
    SELECT CASE WHEN rating <= ${negativeMax} THEN 'negative' WHEN rating >= ${positiveMin} THEN 'positive' ELSE 'neutral' END AS bucket,
           label, count(*) AS n
      FROM (${sc}) r GROUP BY 1, 2`);
  const confusion = LABELS.map(() => LABELS.map(() => 0));
  for (const c of cells) confusion[labelIndex(String(c.bucket))][labelIndex(String(c.label))] += int(c.n);
  // evaluate() wants label lists; rebuild them from the (small) confusion matrix.
  const truth: (typeof LABELS)[number][] = [];
  const pred: (typeof LABELS)[number][] = [];
  confusion.forEach((row, i) => row.forEach((c, j) => {
    for (let k = 0; k < c; k++) {
      truth.push(LABELS[i]);
      pred.push(LABELS[j]);
    }
  }));
  const e = evaluate(truth, pred);
  return {
    reviews: int(n),
    spearman: num(rho),
    meanScoreByRating: byRating.map((r) => ({ rating: num(r.rating) ?? 0, reviews: int(r.reviews), meanScore: num(r.mean_score) ?? 0 })),
    buckets: { negativeMax, positiveMin },
    bucketAccuracy: e.accuracy,
    bucketMacroF1: e.macroF1,
    confusion,
  };
}

/** Scores new texts, then measures: per item (share of voice, sentiment mix), over time, complaint terms, rating agreement. */
export async function analyzeListening(store: Store, options: Partial<ListeningOptions> = {}): Promise<ListeningResult> {
  const o: ListeningOptions = { ...DEFAULTS, ...options };
  validate(o);
  const scoring = await scoreStoreTexts(store, o);
  const { overall, items } = await itemsListening(store, o);
  const warnings: string[] = [];
  if (overall.events === 0) warnings.push(`no events of type ${o.types.join('/')}: nothing to listen to`);
  else if (overall.scored === 0) warnings.push(`none of the ${overall.events} ${o.types.join('/')} events has text`);
  const rating = o.types.includes('review') ? await ratingAgreement(store, o) : null;
  if (o.types.includes('review') && rating === null && overall.scored > 0) {
    warnings.push('no review has both a rating and a text: rating agreement not computed');
  }
  return {
    method: o.method,
    types: [...o.types],
    period: o.period,
    countingNote: 'events are distinct event_ids: an event_id repeated in the log counts once (its earliest row is used)',
    scoring,
    overall,
    items,
    overTime: await overTime(store, o),
    complaintTerms: await complaintTerms(store, o),
    ratingAgreement: rating,
    warnings,
  };
}
