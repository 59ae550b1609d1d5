/**
 * Experiment design from the store: the baseline of a KPI for a segment's customers and the
 * segment's daily traffic, both computed in SQL, fed to the sample-size formulas (models/stats/design.ts).
 *
 * Segments are read from the store table `customer_segments(customer_id VARCHAR, segment INTEGER)`
 * written by the segments step (any column type works: ids are compared as text, so `--segment 3`
 * finds segment 3), named by the view customer_table's segment_name when it exists (`--segment
 * app-first` finds it by name, case-insensitively); without the table the design says so. KPIs, over the last `windowDays`
 * of the log:
 *   - conversion: the share of the segment's customers with a purchase in the window (two proportions);
 *   - revenue: revenue per segment customer in the window, its standard deviation (Welch means).
 * Traffic: the segment's customers with any event per day, averaged over the last 28 days of the log.
 */
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { meansDesign, twoProportionDesign, type Design } from '../../models/stats/design.js';
import { dialectOf } from '../../sql/dialect.js';
import type { Store } from '../../store/types.js';
import { hasTable } from './queries.js';

export const SEGMENT_TABLE = 'customer_segments';
export const KPIS = ['conversion', 'revenue'] as const;
export type Kpi = (typeof KPIS)[number];
export const SEGMENT_DESIGN_DEFAULTS = { windowDays: 14, trafficDays: 28 } as const;

export interface SegmentDesignOptions {
  segment: string;
  kpi: Kpi;
  /** Minimum detectable effect relative to the baseline (0.1 = +10%). */
  mdeRelative: number;
  alpha?: number;
  power?: number;
  windowDays?: number;
}

export interface SegmentDesign extends Design {
  segment: string;
  /** The segment's name (customer_table.segment_name), or null when the store has none. */
  segmentName: string | null;
  kpi: Kpi;
  segmentCustomers: number;
  baseline: number;
  /** Standard deviation of the KPI per customer (revenue only). */
  sd: number | null;
  mdeAbsolute: number;
  mdeRelative: number;
  dailyTraffic: number | null;
  windowDays: number;
  message: string | null;
}

/** The store has no segment assignment yet (exit 2, with what to do). */
export class NoSegmentsError extends InvalidArgumentsError {}

export interface SegmentListing { segment: string; name: string | null; customers: number }

/** The segments in the store with their names (when customer_table has them) and sizes, or null without a customer_segments table. */
export async function listSegments(store: Store): Promise<SegmentListing[] | null> {
  if (!(await hasTable(store, SEGMENT_TABLE, ['customer_id', 'segment']))) return null;
  const named = await hasTable(store, 'customer_table', ['customer_id', 'segment_name']);
  const d = dialectOf(store);
  const rows = await store.query(`
SELECT CAST(s.segment AS ${d.types.text}) AS seg_id, ${named ? 'min(v.segment_name)' : 'NULL'} AS seg_name, count(DISTINCT s.customer_id) AS n
FROM ${SEGMENT_TABLE} s ${named ? 'LEFT JOIN customer_table v ON v.customer_id = s.customer_id' : ''}
GROUP BY s.segment ORDER BY n DESC, s.segment`);
  return rows.map((r) => ({ segment: String(r.seg_id), name: r.seg_name === null || r.seg_name === undefined ? null : String(r.seg_name), customers: Number(r.n) }));
}

/** `--segment` as the user typed it: an id (`3`) or a name (`app-first`, any case); null when neither. */
export function resolveSegment(segments: readonly SegmentListing[], typed: string): SegmentListing | null {
  const t = typed.trim();
  return segments.find((s) => s.segment === t) ?? segments.find((s) => s.name !== null && s.name.toLowerCase() === t.toLowerCase()) ?? null;
}

const describe = (s: SegmentListing): string => `${s.segment}${s.name ? ` "${s.name}"` : ''} (${s.customers})`;

export async function designForSegment(store: Store, opts: SegmentDesignOptions): Promise<SegmentDesign> {
  const windowDays = opts.windowDays ?? SEGMENT_DESIGN_DEFAULTS.windowDays;
  if (!(opts.mdeRelative !== 0 && Number.isFinite(opts.mdeRelative))) throw new InvalidArgumentsError(`--mde must be a non-zero relative effect (0.1 = +10%), got ${opts.mdeRelative}`);
  const segments = await listSegments(store);
  if (segments === null) {
    throw new NoSegmentsError(`the store has no segments yet (no table ${SEGMENT_TABLE}(customer_id, segment)): run the segments step first, or design with --baseline and --mde`);
  }
  const found = resolveSegment(segments, opts.segment);
  if (found === null) {
    throw new InvalidArgumentsError(`--segment "${opts.segment}" is not in ${SEGMENT_TABLE}: give an id or a name (segments: ${segments.slice(0, 20).map(describe).join(', ') || 'none'})`);
  }
  const w = Math.round(windowDays);
  const sql = dialectOf(store);
  const last = '(SELECT max(ts) FROM events)';
  const [r] = await store.query(`
WITH seg AS (SELECT DISTINCT customer_id FROM ${SEGMENT_TABLE} WHERE CAST(segment AS ${sql.types.text}) = ${sql.lit(found.segment)}),
kpi AS (
  SELECT s.customer_id AS customer_id,
    count(e.ts) FILTER (WHERE e.type = 'purchase') > 0 AS bought,
    coalesce(sum(coalesce(e.amount, 0)) FILTER (WHERE e.type = 'purchase'), 0) AS revenue
  FROM seg s LEFT JOIN (SELECT customer_id, ts, type, amount FROM events WHERE ts > ${sql.addDays(last, -w)}) e ON e.customer_id = s.customer_id
  GROUP BY s.customer_id
),
daily AS (
  SELECT ${sql.toDate('e.ts')} AS day, count(DISTINCT e.customer_id) AS active
  FROM events e JOIN seg s ON s.customer_id = e.customer_id
  WHERE e.ts > ${sql.addDays(last, -SEGMENT_DESIGN_DEFAULTS.trafficDays)}
  GROUP BY ${sql.toDate('e.ts')}
)
SELECT (SELECT count(*) FROM kpi) AS n,
  (SELECT avg(CAST(CASE WHEN bought THEN 1 ELSE 0 END AS ${sql.types.double})) FROM kpi) AS rate,
  (SELECT avg(revenue) FROM kpi) AS revenue,
  (SELECT stddev_samp(revenue) FROM kpi) AS sd,
  (SELECT sum(active) FROM daily) / ${SEGMENT_DESIGN_DEFAULTS.trafficDays}.0 AS traffic`);
  const n = Number(r.n);
  const traffic = r.traffic === null ? null : Number(r.traffic);
  const dailyTraffic = traffic !== null && traffic > 0 ? traffic : null;
  const base = { segment: found.segment, segmentName: found.name, kpi: opts.kpi, segmentCustomers: n, mdeRelative: opts.mdeRelative, dailyTraffic, windowDays };
  let d: Design;
  let baseline: number;
  let sd: number | null = null;
  if (opts.kpi === 'conversion') {
    baseline = Number(r.rate ?? 0);
    if (!(baseline > 0 && baseline < 1)) {
      throw new InvalidArgumentsError(`segment "${found.segment}": its conversion over the last ${w} days is ${baseline}, so no relative effect can be designed (need a rate in (0, 1))`);
    }
    d = twoProportionDesign({ baseline, mde: baseline * opts.mdeRelative, alpha: opts.alpha, power: opts.power, dailyTraffic });
  } else {
    baseline = Number(r.revenue ?? 0);
    sd = r.sd === null ? null : Number(r.sd);
    if (!(baseline > 0) || sd === null || !(sd > 0)) {
      throw new InvalidArgumentsError(`segment "${found.segment}": no revenue over the last ${w} days, so no relative effect can be designed`);
    }
    d = meansDesign({ sd, mde: baseline * opts.mdeRelative, alpha: opts.alpha, power: opts.power, dailyTraffic });
  }
  const notes: string[] = [];
  if (dailyTraffic === null) notes.push(`no customer of the segment was active in the last ${SEGMENT_DESIGN_DEFAULTS.trafficDays} days: days cannot be estimated`);
  if (d.total > n) notes.push(`the design needs ${d.total} customers but the segment has ${n}: the experiment cannot reach the stated power on this segment alone`);
  return { ...d, ...base, baseline, sd, mdeAbsolute: baseline * opts.mdeRelative, message: notes.length ? notes.join('; ') : null };
}
