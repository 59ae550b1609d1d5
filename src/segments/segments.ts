/**
 * Thin segments: k-means (k-means++ seeding; models/cluster/kmeans.ts, bit-for-bit ml-kmeans) over standardised features of every customer with a purchase —
 * the available behaviour scores, RFM (days since the last event, purchase days, spend per purchase
 * day), CLV, P(alive) and network position (PageRank) — with k chosen by the mean silhouette
 * (Rousseeuw 1987) on a seeded subsample. Each feature is first turned into its mid-percentile among
 * customers (heavy tails such as CLV would otherwise make their own clusters), then standardised. The
 * fit runs on a seeded sample of at most `sample` customers; every customer is then assigned to the
 * nearest centroid in SQL (table customer_segments). Customers without a purchase (no RFM, CLV or
 * P(alive)) are not clustered: they are one segment of their own, "prospects", numbered last. Per segment: size, equity Σ CLV, mean CLV, atRisk
 * = Σ (1 − P(alive)) · CLV, gaps (behaviours whose mean score is below the brand's by at least
 * `gapEffect` standard deviations: Cohen's d) and a name from what sets it apart.
 * Also the classic RFM grid (recency × frequency quintiles of purchasers).
 */
import type { Store } from '../store/types.js';
import { chooseK, kmeans, type KChoice } from '../models/cluster/kmeans.js';
import { BEHAVIOURS, BEHAVIOURS_TABLE, midPercentile, type Behaviour, type BehaviourAvailability } from './behaviours.js';
import { CUSTOMER_FACTS_TABLE, type FactsInfo } from './facts.js';
import { dialectOf, replaceTableAs } from '../sql/dialect.js';

export const SEGMENTS_TABLE = 'customer_segments';
/** customer_facts joined to behaviours and segments: what rule segments and the profile read. */
export const CUSTOMER_VIEW = 'customer_table';
/** segment_names(segment, segment_name): each segment's generated name, which the view and the actions join. */
export const SEGMENT_NAMES_TABLE = 'segment_names';
/** Scratch table of segmentCustomers: the buyers' raw feature values. */
const SEGMENT_RAW = '_segment_raw';

/** Customers without a purchase have no RFM, CLV or P(alive): they form their own segment, not clustered. */
export const PROSPECTS_NAME = 'prospects (no purchase yet)';

export const SEGMENT_DEFAULTS = {
  kMin: 2,
  kMax: 8,
  /** Customers the k-means fit sees (a seeded sample); all are assigned. */
  sample: 20_000,
  silhouetteSample: 2_000,
  /** The largest k whose mean silhouette is within this share of the best one (thin segments: the finer split when the silhouette cannot tell). */
  silhouetteTolerance: 0.02,
  seed: 1,
  restarts: 3,
  /** Cohen's d at or below −gapEffect is a gap. */
  gapEffect: 0.5,
  /**
   * Weight of the value features (RFM, CLV, P(alive), PageRank) relative to the behaviour scores after
   * standardising: the behaviours say what customers do, value refines it; with equal weights the six
   * value features (mostly driven by one thing, how much a customer buys) outvote the five behaviours.
   */
  valueWeight: 0.3,
  /**
   * The fit prefers customers observed at least this many weeks (their behaviour rates rest on enough
   * weeks to rank them); others fill the sample only when too few are; everyone is assigned.
   */
  fitMinWeeks: 12,
  /** Fewer customers than this: one segment, no clustering. */
  minCustomers: 10,
};

export interface Feature { name: string; sql: string }

export interface SegmentGap { behaviour: Behaviour; segmentMean: number; brandMean: number; effectSize: number }

export interface SegmentSummary {
  id: number;
  name: string;
  size: number;
  share: number;
  equity: number | null;
  meanClv: number | null;
  atRisk: number | null;
  gaps: SegmentGap[];
  /** Mean of each feature's raw value in the segment (behaviour scores 0–100, days, counts, money). */
  profile: Record<string, number | null>;
}

export interface RfmCell { r: number; f: number; customers: number; meanMonetary: number | null; equity: number | null }

export interface SegmentationResult {
  status: 'ok' | 'single' | 'empty';
  message: string | null;
  method: string;
  criterion: { name: 'silhouette'; rule: string; chosenK: number; scores: { k: number; silhouette: number | null; bic: number }[]; sample: number; seed: number } | null;
  features: string[];
  segments: SegmentSummary[];
  assignedCustomers: number;
  customerEquity: number | null;
  equityCheck: { segmentsSum: number | null; customerEquity: number | null; relativeError: number | null };
  rfm: { cells: RfmCell[]; purchasers: number; note: string };
}

/** Features the clustering uses, given what the store has: [name, raw SQL over facts ⋈ behaviours]. */
export function segmentFeatures(availability: readonly BehaviourAvailability[], info: FactsInfo): Feature[] {
  const f: Feature[] = availability.filter((a) => a.available).map((a) => ({ name: a.behaviour, sql: `b.${a.behaviour}` }));
  f.push({ name: 'recencyDays', sql: 'f.days_since_last_event' });
  f.push({ name: 'frequency', sql: 'f.purchase_days' });
  f.push({ name: 'monetary', sql: 'coalesce(f.spend / nullif(f.purchase_days, 0), 0)' });
  if (info.hasClv) {
    f.push({ name: 'clv', sql: 'coalesce(f.clv, 0)' });
    f.push({ name: 'pAlive', sql: 'coalesce(f.p_alive, 0)' });
  }
  if (info.hasNetwork) f.push({ name: 'pagerank', sql: 'coalesce(f.pagerank, 0)' });
  return f;
}

const finite = (v: unknown): number | null => {
  const x = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(x) ? x : null;
};

const LABEL: Record<Behaviour, string> = { access: 'app-first', engage: 'browsers', customize: 'customisers', connect: 'connectors', collaborate: 'co-creators' };

/** A name from what distinguishes the segment: value level, its strongest behaviour, risk. */
export function segmentName(p: { clvZ: number | null; behaviourZ: Partial<Record<Behaviour, number>>; pAlive: number | null; frequencyZ: number | null }, detail = 1): string {
  const parts: string[] = [];
  if (p.clvZ !== null && p.clvZ >= 0.5) parts.push('high-value');
  else if (p.clvZ !== null && p.clvZ <= -0.5) parts.push('low-value');
  const ranked = (Object.entries(p.behaviourZ) as [Behaviour, number][]).sort((a, b) => b[1] - a[1]);
  const top = ranked[0];
  if (top && top[1] >= 0.3) parts.push(ranked.slice(0, detail).filter(([, z], i) => i === 0 || z >= 0).map(([b]) => LABEL[b]).join(' & '));
  else if (Object.values(p.behaviourZ).length && Object.values(p.behaviourZ).every((z) => z <= -0.3)) parts.push('quiet customers');
  else parts.push(p.frequencyZ !== null && p.frequencyZ >= 0.5 ? 'regular buyers' : 'customers');
  if (p.pAlive !== null && p.pAlive < 0.5) parts.push('at risk');
  return parts.join(' ');
}

/** Builds customer_segments(customer_id, segment) and the segment summaries. */
export async function segmentCustomers(store: Store, info: FactsInfo, availability: readonly BehaviourAvailability[], opts: Partial<typeof SEGMENT_DEFAULTS> = {}): Promise<SegmentationResult> {
  const o = { ...SEGMENT_DEFAULTS, ...opts };
  const features = segmentFeatures(availability, info);
  const d = dialectOf(store);
  const dbl = (e: string): string => `CAST(${e} AS ${d.types.double})`;
  if (info.customers === 0) {
    const rfm = await rfmGrid(store);
    await replaceTableAs(store, SEGMENTS_TABLE, `SELECT CAST(NULL AS ${d.types.text}) AS customer_id, CAST(NULL AS ${d.types.int}) AS segment WHERE 1 = 0`);
    await createCustomerView(store, []);
    return {
      status: 'empty', message: 'the store has no customers', method: 'none', criterion: null, features: features.map((x) => x.name), segments: [],
      assignedCustomers: 0, customerEquity: null, equityCheck: { segmentsSum: null, customerEquity: null, relativeError: null }, rfm,
    };
  }
  // mid-percentile of each feature among the buyers, then the sample the fit sees
  // the raw values once (a table: each window reads it, a CTE would be evaluated per reference), numbered: the
  // per-feature percentiles join back on that integer, cheaper than on the customer id
  // (a column, not DuckDB's rowid as in behaviours.ts: numbering costs ~0.4 CPU-s per million rows here, but the windows
  // joined back on rowid cost as much more: measured at 1M buyers, a wash)
  await replaceTableAs(store, SEGMENT_RAW, `SELECT f.customer_id AS customer_id, ${features.map((x, i) => `${dbl(x.sql)} AS v${i}`).join(', ')}, f.weeks_observed AS w,
    row_number() OVER () AS rid
    FROM ${CUSTOMER_FACTS_TABLE} f JOIN ${BEHAVIOURS_TABLE} b ON b.customer_id = f.customer_id WHERE f.n_purchase > 0`, { temp: true });
  const [{ buyers: nBuyers }] = await store.query<{ buyers: number }>(`SELECT count(*) AS buyers FROM ${SEGMENT_RAW}`);
  const rows = Math.max(1, Number(nBuyers));
  // one narrow window per feature; a feature with few distinct values (purchase days, a count) ranks its distinct
  // values instead — (rows below + rows at or below) from the running count, the same integer midPercentile takes —
  // and joins back on the value
  const byValue = (i: number): boolean => features[i].name === 'frequency';
  const ranked = features.map((_, i) => byValue(i)
    ? `q${i} AS (SELECT v, CAST(le - c + le AS ${d.types.double}) / 2 / ${rows} AS p${i} FROM (
        SELECT v, c, sum(c) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS le
        FROM (SELECT v${i} AS v, count(*) AS c FROM ${SEGMENT_RAW} GROUP BY v${i}) g${i}) s${i})`
    : `q${i} AS (SELECT rid, ${midPercentile(d.types.double, `v${i}`, rows, 1)} AS p${i} FROM ${SEGMENT_RAW})`);
  // the sample order: a hash that is the same on every engine, so every engine fits the same customers
  await replaceTableAs(store, 'segment_features', `
    WITH ${ranked.join(',\n    ')}
    SELECT raw.customer_id AS customer_id, ${features.map((_, i) => `q${i}.p${i} AS p${i}`).join(', ')}, ${d.portableHash(`raw.customer_id || '${o.seed}'`)} AS h, raw.w AS w FROM ${SEGMENT_RAW} raw
    ${features.map((_, i) => (byValue(i) ? `JOIN q${i} ON q${i}.v = raw.v${i}` : `JOIN q${i} ON q${i}.rid = raw.rid`)).join(' ')}`, { temp: true });
  await store.exec(`DROP TABLE IF EXISTS ${SEGMENT_RAW}`);
  const stats = await store.query<Record<string, number>>(`SELECT ${features.map((_, i) => `avg(p${i}) AS m${i}, coalesce(stddev_pop(p${i}), 0) AS s${i}`).join(', ')} FROM segment_features`);
  const mean = features.map((_, i) => Number(stats[0][`m${i}`]));
  const sd = features.map((_, i) => Number(stats[0][`s${i}`]) || 1);
  const weight = features.map((x) => ((BEHAVIOURS as readonly string[]).includes(x.name) ? 1 : o.valueWeight));
  const z = (i: number): string => `${weight[i]} * (p${i} - ${mean[i]}) / ${sd[i]}`;
  let method: string;
  let criterion: SegmentationResult['criterion'] = null;
  let centroids: number[][];
  let status: SegmentationResult['status'] = 'ok';
  let message: string | null = null;
  // the RFM grid and the brand's means read only the facts and behaviours: on DuckDB they run on its threads while
  // k is chosen on this one (~0.9 s of JavaScript at 1M customers), instead of before or after it
  let side: Promise<[SegmentationResult['rfm'], Record<string, unknown>]> | null = null;
  const sideQueries = (): Promise<[SegmentationResult['rfm'], Record<string, unknown>]> => Promise.all([rfmGrid(store), brandStats(store, features)]);
  const [{ buyers }] = await store.query<{ buyers: number }>('SELECT count(*) AS buyers FROM segment_features');
  if (Number(buyers) < o.minCustomers || features.length === 0) {
    status = 'single';
    message = `only ${Number(buyers)} customers with a purchase: one segment of buyers, no clustering (needs at least ${o.minCustomers})`;
    method = 'single segment';
    centroids = [features.map(() => 0)];
  } else {
    const rows = await store.query<Record<string, number>>(`SELECT ${features.map((_, i) => `${z(i)} AS z${i}`).join(', ')} FROM segment_features
      ORDER BY (w >= ${o.fitMinWeeks}) DESC, h, customer_id LIMIT ${o.sample}`);
    const data = rows.map((r) => features.map((_, i) => Number(r[`z${i}`])));
    side = sideQueries();
    // awaited below; a rejection is handled there (this only keeps it from counting as unhandled in between)
    side.catch(() => undefined);
    let choice: KChoice | null = null;
    const kMax = Math.min(o.kMax, Math.floor(data.length / 5));
    if (kMax >= o.kMin) choice = chooseK(data, o.kMin, kMax, { seed: o.seed, restarts: o.restarts, silhouetteSample: o.silhouetteSample, tolerance: o.silhouetteTolerance });
    const fit = choice?.fit ?? kmeans(data, 1, { seed: o.seed });
    centroids = fit.centroids;
    method = `k-means (k-means++ seeding, ${o.restarts} restarts, seed ${o.seed}) on ${data.length} sampled customers over ${features.length} standardised percentile features; every customer assigned to the nearest centroid`;
    criterion = choice ? { name: 'silhouette', rule: `k in ${o.kMin}..${kMax}: the largest k whose mean silhouette (on ${Math.min(data.length, o.silhouetteSample)} sampled customers) is within ${o.silhouetteTolerance * 100}% of the best`, chosenK: choice.k, scores: choice.scores.map((s) => ({ k: s.k, silhouette: s.silhouette, bic: s.bic })), sample: Math.min(data.length, o.silhouetteSample), seed: o.seed } : null;
  }
  const [rfm, brand] = await (side ?? sideQueries());
  // assign everyone in SQL: argmin of the squared distance to each centroid
  const dist = centroids.map((c) => (features.length ? c.map((m, i) => `power(${z(i)} - (${m}), 2)`).join(' + ') : '0'));
  // the nearest centroid (the first on ties): a CASE over the distance columns, the same on every engine
  const nearest = `CASE ${dist.slice(0, -1).map((_, k) => `WHEN ${dist.map((__, j) => (j === k ? '' : `d${k} ${j < k ? '<' : '<='} d${j}`)).filter(Boolean).join(' AND ') || 'TRUE'} THEN ${k}`).join(' ')} ELSE ${dist.length - 1} END`;
  await replaceTableAs(store, SEGMENTS_TABLE, `
    SELECT customer_id, CAST(${dist.length === 1 ? '0' : nearest} AS ${d.types.int}) AS segment
    FROM (SELECT customer_id, ${dist.map((x, k) => `${dbl(`(${x})`)} AS d${k}`).join(', ')} FROM segment_features) dd
    UNION ALL
    SELECT customer_id, CAST(${centroids.length} AS ${d.types.int}) AS segment FROM ${CUSTOMER_FACTS_TABLE} WHERE n_purchase = 0`);
  const segments = await summarise(store, features, o.gapEffect, info, centroids.length, brand);
  await createCustomerView(store, segments);
  const [eq] = await store.query<{ equity: unknown }>(`SELECT sum(clv) AS equity FROM ${CUSTOMER_FACTS_TABLE}`);
  const customerEquity = info.hasClv ? finite(eq.equity) : null;
  const segSum = customerEquity === null ? null : segments.reduce((s, x) => s + (x.equity ?? 0), 0);
  return {
    status, message, method, criterion, features: features.map((x) => x.name), segments,
    assignedCustomers: segments.reduce((s, x) => s + x.size, 0), customerEquity,
    equityCheck: {
      segmentsSum: segSum, customerEquity,
      relativeError: segSum !== null && customerEquity !== null && customerEquity !== 0 ? Math.abs(segSum - customerEquity) / Math.abs(customerEquity) : null,
    },
    rfm,
  };
}

const behaviourFeatures = (features: Feature[]): Behaviour[] => features.filter((x) => (BEHAVIOURS as readonly string[]).includes(x.name)).map((x) => x.name as Behaviour);

/** The brand's mean and sd of each behaviour, CLV and purchase days, over all customers (what segments are compared to). */
async function brandStats(store: Store, features: Feature[]): Promise<Record<string, unknown>> {
  // customer_behaviours has one row per customer_facts row (scoreBehaviours reads the facts alone): each table's
  // statistics from its own scan, not a join of the two on the customer id (~1.5 CPU-s at 1M customers)
  const beh = behaviourFeatures(features);
  const brand = await store.query<Record<string, unknown>>(`
    SELECT * FROM (SELECT ${['avg(f.clv) AS m_clv, stddev_pop(f.clv) AS s_clv', 'avg(f.purchase_days) AS m_f, stddev_pop(f.purchase_days) AS s_f'].join(', ')} FROM ${CUSTOMER_FACTS_TABLE} f) fs
    ${beh.length ? `CROSS JOIN (SELECT ${beh.map((b) => `avg(b.${b}) AS m_${b}, stddev_pop(b.${b}) AS s_${b}`).join(', ')} FROM ${BEHAVIOURS_TABLE} b) bs` : ''}`);
  return brand[0];
}

async function summarise(store: Store, features: Feature[], gapEffect: number, info: FactsInfo, prospectId: number, B: Record<string, unknown>): Promise<SegmentSummary[]> {
  const beh = behaviourFeatures(features);
  const rows = await store.query<Record<string, unknown>>(`
    SELECT s.segment, count(*) AS size, sum(f.clv) AS equity, avg(f.clv) AS mean_clv, sum((1 - f.p_alive) * f.clv) AS at_risk, avg(f.p_alive) AS p_alive,
      ${features.map((x, i) => `avg(${x.sql}) AS f${i}`).join(', ')}
    FROM ${SEGMENTS_TABLE} s JOIN ${CUSTOMER_FACTS_TABLE} f ON f.customer_id = s.customer_id JOIN ${BEHAVIOURS_TABLE} b ON b.customer_id = s.customer_id
    GROUP BY s.segment ORDER BY s.segment`);
  const total = rows.reduce((s, r) => s + Number(r.size), 0);
  const zOf = (v: number | null, m: unknown, s: unknown): number | null => {
    const mm = finite(m), ss = finite(s);
    return v === null || mm === null || ss === null || ss === 0 ? null : (v - mm) / ss;
  };
  const names = new Map<string, number>();
  return rows.map((r) => {
    const profile: Record<string, number | null> = {};
    features.forEach((x, i) => (profile[x.name] = finite(r[`f${i}`])));
    const gaps: SegmentGap[] = [];
    const behaviourZ: Partial<Record<Behaviour, number>> = {};
    for (const b of beh) {
      const d = zOf(profile[b], B[`m_${b}`], B[`s_${b}`]);
      if (d === null) continue;
      behaviourZ[b] = d;
      if (d <= -gapEffect) gaps.push({ behaviour: b, segmentMean: profile[b]!, brandMean: Number(B[`m_${b}`]), effectSize: d });
    }
    gaps.sort((a, b) => a.effectSize - b.effectSize);
    const meanClv = info.hasClv ? finite(r.mean_clv) : null;
    const traits = { clvZ: zOf(meanClv, B.m_clv, B.s_clv), behaviourZ, pAlive: info.hasClv ? finite(r.p_alive) : null, frequencyZ: zOf(finite(r[`f${features.findIndex((x) => x.name === 'frequency')}`]), B.m_f, B.s_f) };
    return { r, profile, gaps, meanClv, traits };
  }).map(({ r, profile, gaps, meanClv, traits }, _i, all) => {
    // the strongest behaviour names the segment; when two segments share it, the second one too
    const first = (t: typeof traits): string => segmentName(t, 1);
    const clash = all.filter((x) => Number(x.r.segment) !== prospectId && first(x.traits) === first(traits)).length > 1;
    let name = Number(r.segment) === prospectId ? PROSPECTS_NAME : segmentName(traits, clash ? 2 : 1);
    const seen = (names.get(name) ?? 0) + 1;
    names.set(name, seen);
    if (seen > 1) name = `${name} (${seen})`;
    return {
      id: Number(r.segment), name, size: Number(r.size), share: total ? Number(r.size) / total : 0,
      equity: info.hasClv ? finite(r.equity) ?? 0 : null, meanClv, atRisk: info.hasClv ? finite(r.at_risk) ?? 0 : null, gaps, profile,
    };
  });
}

/** The customer table rule segments and `spiral customer` read: facts ⋈ behaviours ⋈ segment (with its name). */
async function createCustomerView(store: Store, segments: SegmentSummary[]): Promise<void> {
  const d = dialectOf(store);
  // dropped and created (Postgres cannot CREATE OR REPLACE a view whose columns change, nor drop a table a view reads)
  await store.exec(`DROP VIEW IF EXISTS ${CUSTOMER_VIEW}`);
  // the names as a table (a CASE in the view would leave the actions to join the whole view for them)
  const row = (id: string, name: string): string => `SELECT CAST(${id} AS ${d.types.int}) AS segment, CAST(${name} AS ${d.types.text}) AS segment_name`;
  await replaceTableAs(store, SEGMENT_NAMES_TABLE, segments.length
    ? segments.map((x) => row(String(x.id), d.lit(x.name))).join(' UNION ALL ')
    : `${row('0', "''")} WHERE 1 = 0`);
  // the facts' columns by name (ClickHouse would name f.* columns "f.customer_id" next to the other tables)
  const factCols = await store.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_name = ${d.lit(CUSTOMER_FACTS_TABLE)} ORDER BY ordinal_position`,
  );
  const facts = [...new Set(factCols.map((c) => c.column_name))].map((c) => `f.${c} AS ${c}`).join(', ');
  await store.exec(`
    CREATE VIEW ${CUSTOMER_VIEW} AS
    SELECT ${facts}, ${BEHAVIOURS.map((b) => `b.${b} AS ${b}`).join(', ')}, s.segment AS segment, sn.segment_name AS segment_name
    FROM ${CUSTOMER_FACTS_TABLE} f JOIN ${BEHAVIOURS_TABLE} b ON b.customer_id = f.customer_id LEFT JOIN ${SEGMENTS_TABLE} s ON s.customer_id = f.customer_id
    LEFT JOIN ${SEGMENT_NAMES_TABLE} sn ON sn.segment = s.segment`);
}

/** Recency × frequency quintiles (5 = most recent / most frequent) of purchasers, with mean spend and equity per cell. */
async function rfmGrid(store: Store): Promise<SegmentationResult['rfm']> {
  const rows = await store.query<Record<string, unknown>>(`
    WITH p AS (SELECT customer_id, days_since_last_purchase AS rec, purchase_days AS freq, spend / nullif(purchase_days, 0) AS mon, clv
               FROM ${CUSTOMER_FACTS_TABLE} WHERE n_purchase > 0),
    q AS (SELECT *, ntile(5) OVER (ORDER BY rec DESC, customer_id) AS r, ntile(5) OVER (ORDER BY freq, customer_id) AS f FROM p)
    SELECT r, f, count(*) AS customers, avg(mon) AS mean_mon, sum(clv) AS equity FROM q GROUP BY r, f ORDER BY r, f`);
  const cells = rows.map((x) => ({ r: Number(x.r), f: Number(x.f), customers: Number(x.customers), meanMonetary: finite(x.mean_mon), equity: finite(x.equity) }));
  return {
    cells, purchasers: cells.reduce((s, c) => s + c.customers, 0),
    note: 'Purchasers in recency quintiles (r = 5: bought most recently) × frequency quintiles of purchase days (f = 5: most days); ties are split by ntile in customer id order, so the grid does not depend on row order.',
  };
}
