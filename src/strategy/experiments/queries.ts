/**
 * The experiment SQL: every per-event step runs in the store. One query lists the experiments in
 * the log; one query builds, per exposed customer, the assignment (first exposure wins), whether
 * they were seen in two variants, whether their window is complete, and conversion / revenue in
 * the window after the first exposure and in the same-length window before it — and reduces that
 * per-customer table to per-variant sufficient statistics (n, ΣY, ΣY², ΣX, ΣX², ΣXY) in the same
 * statement, so TypeScript only sees a handful of rows.
 */
import type { Store } from '../../store/types.js';
import { dialectOf, type Dialect } from '../../sql/dialect.js';
import { TABLES } from '../../sql/tables.js';
import type { ArmMoments } from '../../models/stats/compare.js';
import type { ExperimentSummary } from '../../domain/sections/experiments.js';

const EXPERIMENT = (d: Dialect): string => d.jsonText('props', 'experiment');
const VARIANT = (d: Dialect): string => d.jsonText('props', 'variant');

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const nn = (v: unknown): number | null => (v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** Experiments found in the log: exposure events carrying props.experiment and props.variant. */
export async function listExperiments(store: Store): Promise<ExperimentSummary[]> {
  const d = dialectOf(store);
  // one text for every engine (the JSON access and first-value aggregate from the dialect); the
  // aliases repeat no column name (ClickHouse resolves an alias before a column of the same name)
  const rows = await store.query(`
WITH x AS (
  SELECT customer_id, ts, ${EXPERIMENT(d)} AS x_experiment, ${VARIANT(d)} AS x_variant
  FROM events
  WHERE type = 'exposure' AND props IS NOT NULL
),
a AS (
  SELECT x_experiment, customer_id, ${d.firstValue('x_variant', 'ts')} AS a_variant, min(ts) AS t0
  FROM x WHERE x_experiment IS NOT NULL AND x_variant IS NOT NULL GROUP BY x_experiment, customer_id
)
SELECT x_experiment AS experiment, a_variant AS variant, count(*) AS customers, min(t0) AS first_ts, max(t0) AS last_ts
FROM a GROUP BY x_experiment, a_variant ORDER BY ${d.byteOrder('x_experiment')}, ${d.byteOrder('a_variant')}`);
  const byName = new Map<string, ExperimentSummary>();
  for (const r of rows) {
    const name = String(r.experiment);
    let e = byName.get(name);
    if (!e) {
      e = { experiment: name, variants: [], customers: 0, firstExposure: iso(r.first_ts), lastExposure: iso(r.last_ts) };
      byName.set(name, e);
    }
    e.variants.push({ variant: String(r.variant), customers: n(r.customers) });
    e.customers += n(r.customers);
    const first = iso(r.first_ts);
    const last = iso(r.last_ts);
    if (first !== null && (e.firstExposure === null || first < e.firstExposure)) e.firstExposure = first;
    if (last !== null && (e.lastExposure === null || last > e.lastExposure)) e.lastExposure = last;
  }
  return [...byName.values()];
}

/** Whether the store has a table (e.g. clv_scores, customer_segments) with the given columns. */
export async function hasTable(store: Store, table: string, columns: readonly string[] = []): Promise<boolean> {
  const rows = await store.query(`SELECT column_name FROM information_schema.columns WHERE table_name = ${dialectOf(store).lit(table)}`);
  if (rows.length === 0) return false;
  const names = new Set(rows.map((r) => String(r.column_name)));
  return columns.every((c) => names.has(c));
}

/** One variant's customers and sufficient statistics. */
export interface VariantStats {
  variant: string;
  /** Customers whose first exposure was to this variant (including those seen in two variants). */
  assigned: number;
  /** … of whom seen in two variants (excluded from everything else). */
  inTwoVariants: number;
  /** … whose window runs past the log's last event (excluded from the comparison). */
  incompleteWindow: number;
  /** Conversion (0/1) with a purchase in the pre-exposure window as covariate. */
  conversion: ArmMoments;
  /** Revenue in the window with the pre-exposure window's revenue as covariate. */
  revenue: ArmMoments;
  /** Mean and count of clv_scores.clv over the analysed customers (null without the table). */
  clvMean: number | null;
  clvCustomers: number;
  firstExposure: string | null;
  lastExposure: string | null;
}

/** The per-customer exposure / conversion / revenue / pre-period table reduced to per-variant moments, in one query. */
export async function queryVariantStats(store: Store, experiment: string, windowDays: number, withClv: boolean): Promise<VariantStats[]> {
  const d = dialectOf(store);
  const w = Math.round(windowDays);
  const dbl = (b: string): string => `CAST(CASE WHEN ${b} THEN 1 ELSE 0 END AS ${d.types.double})`;
  // one text for every engine; aliases repeat no column name of another table (ClickHouse)
  const rows = await store.query(`
WITH x AS (
  SELECT customer_id, ts, ${VARIANT(d)} AS x_variant
  FROM events
  WHERE type = 'exposure' AND props IS NOT NULL AND ${EXPERIMENT(d)} = ${d.lit(experiment)}
),
a AS (
  SELECT customer_id, min(ts) AS t0, ${d.firstValue('x_variant', 'ts')} AS a_variant, count(DISTINCT x_variant) AS nv
  FROM x WHERE x_variant IS NOT NULL GROUP BY customer_id
),
per_customer AS (
  SELECT a.customer_id AS customer_id, a.a_variant AS a_variant, a.nv AS nv, a.t0 AS t0,
    ${d.addDays('a.t0', w)} <= (SELECT max(ts) FROM events) AS complete,
    count(e.ts) FILTER (WHERE e.ts >= a.t0) AS y_n,
    coalesce(sum(coalesce(e.amount, 0)) FILTER (WHERE e.ts >= a.t0), 0) AS y_rev,
    count(e.ts) FILTER (WHERE e.ts < a.t0) AS x_n,
    coalesce(sum(coalesce(e.amount, 0)) FILTER (WHERE e.ts < a.t0), 0) AS x_rev
  FROM a
  LEFT JOIN events e
    ON e.customer_id = a.customer_id AND e.type = 'purchase' AND e.ts >= ${d.addDays('a.t0', -w)} AND e.ts < ${d.addDays('a.t0', w)}
  GROUP BY a.customer_id, a.a_variant, a.nv, a.t0
),
c AS (
  SELECT p.a_variant AS a_variant, p.nv AS nv, p.complete AS complete, p.t0 AS t0,
    CAST(p.y_rev AS ${d.types.double}) AS y_rev, CAST(p.x_rev AS ${d.types.double}) AS x_rev,
    ${dbl('p.y_n > 0')} AS cy, ${dbl('p.x_n > 0')} AS cx, p.nv = 1 AND p.complete AS ok,
    ${withClv ? 's.clv' : d.nullDouble} AS c_clv
  FROM per_customer p${withClv ? ` LEFT JOIN ${TABLES.clvScores} s ON s.customer_id = p.customer_id` : ''}
)
SELECT a_variant AS variant,
  count(*) AS assigned,
  count(*) FILTER (WHERE nv > 1) AS mixed,
  count(*) FILTER (WHERE nv = 1 AND NOT complete) AS incomplete,
  count(*) FILTER (WHERE ok) AS n,
  sum(cy) FILTER (WHERE ok) AS sy, sum(cy * cy) FILTER (WHERE ok) AS syy,
  sum(cx) FILTER (WHERE ok) AS sx, sum(cx * cx) FILTER (WHERE ok) AS sxx, sum(cx * cy) FILTER (WHERE ok) AS sxy,
  sum(y_rev) FILTER (WHERE ok) AS ry, sum(y_rev * y_rev) FILTER (WHERE ok) AS ryy,
  sum(x_rev) FILTER (WHERE ok) AS rx, sum(x_rev * x_rev) FILTER (WHERE ok) AS rxx, sum(x_rev * y_rev) FILTER (WHERE ok) AS rxy,
  avg(c_clv) FILTER (WHERE ok) AS clv_mean, count(c_clv) FILTER (WHERE ok) AS clv_n,
  min(t0) AS first_ts, max(t0) AS last_ts
FROM c GROUP BY a_variant ORDER BY ${d.byteOrder('a_variant')}`);
  return rows.map((r) => ({
    variant: String(r.variant),
    assigned: n(r.assigned),
    inTwoVariants: n(r.mixed),
    incompleteWindow: n(r.incomplete),
    conversion: { n: n(r.n), sumY: n(r.sy), sumY2: n(r.syy), sumX: n(r.sx), sumX2: n(r.sxx), sumXY: n(r.sxy) },
    revenue: { n: n(r.n), sumY: n(r.ry), sumY2: n(r.ryy), sumX: n(r.rx), sumX2: n(r.rxx), sumXY: n(r.rxy) },
    clvMean: nn(r.clv_mean),
    clvCustomers: n(r.clv_n),
    firstExposure: iso(r.first_ts),
    lastExposure: iso(r.last_ts),
  }));
}
