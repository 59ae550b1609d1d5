/**
 * Per-customer CLV scores into the store table `clv_scores`. Scores are computed once per distinct
 * (x, t_x, T) tuple in TypeScript (models/clv), uploaded as a small table keyed by tuple_id, and
 * joined back to the per-customer summary in SQL; the Gamma-Gamma expected spend is a closed form
 * and is computed in SQL directly:
 *   expected_spend = p (γ + m x) / (p x + q − 1) for repeat buyers, pγ/(q − 1) otherwise (NULL if q <= 1)
 *   clv            = margin · expected_spend · discounted expected purchases (models/clv/clv.ts)
 */
import type { Store } from '../store/types.js';
import { scoreRfmTuples, type DiscountOptions, type RfmModel, type TupleScores } from '../models/clv/clv.js';
import type { GammaGammaParams } from '../models/clv/types.js';
import { ClvInputError } from './errors.js';
import type { CustomerSummaryInfo, RfmColumns } from './summary.js';
import { lit as stringLit } from '../sql/quote.js';

export const SCORE_DEFAULTS = {
  scoresTable: 'clv_scores',
  tupleScoresTable: 'clv_tuple_scores',
  margin: 1,
  /** Rows per INSERT … VALUES statement. */
  chunk: 2000,
};

export interface ScoreOptions {
  model: RfmModel;
  /** Expected purchases are for the next `horizon` units. */
  horizon: number;
  discount?: Partial<DiscountOptions>;
  spend?: GammaGammaParams;
  /** Without a spend model: one expected spend per purchase for everyone (e.g. all repeat buyers spend alike). */
  constantSpend?: number;
  margin?: number;
  scoresTable?: string;
}

export interface ScoreResult {
  table: string;
  customers: number;
  /** Σ CLV over customers; null without a spend model. */
  customerEquity: number | null;
  tupleScores: TupleScores;
}

function num(v: number): string {
  if (!Number.isFinite(v)) throw new ClvInputError(`score: non-finite value ${v}`);
  return String(v);
}

/**
 * Uploads per-tuple columns keyed by tuple_id (0..n−1) into a fresh table. Each column travels as
 * ONE text parameter of shortest round-trip decimals, split and cast inside the store: several
 * hundred thousand rows take a fraction of a second, where INSERT … VALUES took ~30 µs a row.
 */
export async function uploadTupleColumns(store: Store, table: string, cols: Record<string, Float64Array>, chunk = SCORE_DEFAULTS.chunk): Promise<void> {
  const names = Object.keys(cols);
  const n = names.length ? cols[names[0]].length : 0;
  for (const c of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(c)) throw new ClvInputError(`column "${c}" is not a plain SQL identifier`);
    if (cols[c].length !== n) throw new ClvInputError(`column ${c} has ${cols[c].length} rows, expected ${n}`);
  }
  await store.exec(`DROP TABLE IF EXISTS ${table}; CREATE TEMP TABLE ${table} (tuple_id INTEGER, ${names.map((c) => `${c} DOUBLE`).join(', ')})`);
  // Chunks keep each text parameter to a few MB.
  const rows = Math.max(chunk, 100_000);
  for (let start = 0; start < n; start += rows) {
    const end = Math.min(n, start + rows);
    const params = names.map((c) => {
      const v = cols[c];
      const parts = new Array<string>(end - start);
      for (let i = start; i < end; i++) parts[i - start] = num(v[i]);
      return parts.join(',');
    });
    await store.query(
      `INSERT INTO ${table} SELECT CAST(${start} + unnest(range(${end - start})) AS INTEGER), ${names.map(() => 'CAST(unnest(string_split(?, \',\')) AS DOUBLE)').join(', ')}`,
      params,
    );
  }
}

/** A double literal (DuckDB would otherwise type 0.123… as a narrow DECIMAL). */
function lit(v: number): string {
  return `CAST(${num(v)} AS DOUBLE)`;
}

function spendSql(g: GammaGammaParams | undefined, constant?: number): string {
  if (!g) return constant !== undefined ? lit(constant) : 'CAST(NULL AS DOUBLE)';
  const pop = g.q > 1 ? lit((g.p * g.gamma) / (g.q - 1)) : 'CAST(NULL AS DOUBLE)';
  const p = lit(g.p), q = lit(g.q), gamma = lit(g.gamma);
  return `CASE WHEN s.x > 0 AND s.monetary > 0 AND ${p} * s.x + ${q} - 1 > 0
    THEN ${p} * (${gamma} + s.monetary * s.x) / (${p} * s.x + ${q} - 1)
    ELSE ${pop} END`;
}

/** Writes clv_scores(customer_id, x, t_x, T, monetary, p_alive, expected_purchases, expected_spend, clv). */
export async function writeClvScores(store: Store, info: CustomerSummaryInfo, tuples: RfmColumns, options: ScoreOptions): Promise<ScoreResult> {
  const table = options.scoresTable ?? SCORE_DEFAULTS.scoresTable;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new ClvInputError(`scores table "${table}" is not a plain SQL identifier`);
  if (!(options.horizon >= 0)) throw new ClvInputError(`horizon must be >= 0, got ${options.horizon}`);
  const margin = options.margin ?? SCORE_DEFAULTS.margin;
  const scores = scoreRfmTuples(options.model, tuples, options.horizon, options.discount);
  const tmp = SCORE_DEFAULTS.tupleScoresTable;
  await uploadTupleColumns(store, tmp, {
    p_alive: scores.pAlive, expected_purchases: scores.expectedPurchases, discounted_purchases: scores.discountedPurchases,
  });
  await store.exec(`
DROP TABLE IF EXISTS ${table};
CREATE TABLE ${table} AS
SELECT customer_id, x, t_x, "T", monetary, p_alive, expected_purchases, expected_spend,
  ${lit(margin)} * discounted_purchases * expected_spend AS clv
FROM (
  SELECT s.customer_id, s.x, s.t_x, s."T", s.monetary, ts.p_alive, ts.expected_purchases, ts.discounted_purchases,
    ${spendSql(options.spend, options.constantSpend)} AS expected_spend
  FROM ${info.summaryTable} s
  JOIN ${info.tuplesTable} t ON t.x = s.x AND t.recency_days = s.recency_days AND t.age_days = s.age_days
  JOIN ${tmp} ts ON ts.tuple_id = t.tuple_id
) j;
DROP TABLE IF EXISTS ${tmp};`);
  const [row] = await store.query<{ n: number; equity: number | null }>(`SELECT COUNT(*) AS n, SUM(clv) AS equity FROM ${table}`);
  const priced = options.spend !== undefined || options.constantSpend !== undefined;
  return { table, customers: Number(row.n), customerEquity: priced && row.equity !== null ? Number(row.equity) : null, tupleScores: scores };
}

/** Writes a scores table to a .parquet or .csv file with COPY (the file is replaced). */
export async function exportScores(store: Store, table: string, path: string): Promise<'parquet' | 'csv'> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new ClvInputError(`scores table "${table}" is not a plain SQL identifier`);
  const format = /\.parquet$/i.test(path) ? 'parquet' : /\.csv$/i.test(path) ? 'csv' : null;
  if (format === null) throw new ClvInputError(`--out ${path}: must end in .parquet or .csv`);
  const file = stringLit(path);
  await store.exec(`COPY (SELECT * FROM ${table} ORDER BY clv DESC NULLS LAST, customer_id) TO ${file} (FORMAT ${format === 'parquet' ? 'PARQUET' : "CSV, HEADER"})`);
  return format;
}
