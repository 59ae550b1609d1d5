/**
 * Per-customer CLV scores into the store table `clv_scores`. Scores are computed once per distinct
 * (x, t_x, T) tuple in TypeScript (models/clv), uploaded as a small table keyed by tuple_id, and
 * joined back to the per-customer summary in SQL; the Gamma-Gamma expected spend is a closed form
 * and is computed in SQL directly:
 *   expected_spend = p (γ + m x) / (p x + q − 1) for repeat buyers, pγ/(q − 1) otherwise (NULL if q <= 1)
 *   clv            = margin · expected_spend · discounted expected purchases (models/clv/clv.ts)
 */
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/types.js';
import { scoreRfmTuples, type DiscountOptions, type RfmModel, type TupleScores } from '../models/clv/clv.js';
import type { GammaGammaParams } from '../models/clv/types.js';
import { ClvInputError } from './errors.js';
import type { CustomerSummaryInfo, RfmColumns } from './summary.js';
import { lit as stringLit } from '../sql/quote.js';
import { uploadColumns } from '../sql/upload.js';
import { dialectOf, replaceTableAs, type Dialect } from '../sql/dialect.js';
import { TABLES } from '../sql/tables.js';

export const SCORE_DEFAULTS = {
  scoresTable: TABLES.clvScores,
  tupleScoresTable: 'clv_tuple_scores',
  margin: 1,
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

/** A double literal (DuckDB would otherwise type 0.123… as a narrow DECIMAL). */
function lit(d: Dialect, v: number): string {
  return `CAST(${num(v)} AS ${d.types.double})`;
}

function spendSql(d: Dialect, g: GammaGammaParams | undefined, constant?: number): string {
  const nul = d.nullDouble;
  if (!g) return constant !== undefined ? lit(d, constant) : nul;
  const pop = g.q > 1 ? lit(d, (g.p * g.gamma) / (g.q - 1)) : nul;
  const p = lit(d, g.p), q = lit(d, g.q), gamma = lit(d, g.gamma);
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
  const d = dialectOf(store);
  await uploadColumns(store, tmp, {
    p_alive: scores.pAlive, expected_purchases: scores.expectedPurchases, discounted_purchases: scores.discountedPurchases,
  });
  // one statement text for every engine; the inner columns are qualified and no alias repeats a
  // column name of another table (ClickHouse resolves an alias before a column of the same name)
  await replaceTableAs(store, table, `
SELECT j.customer_id AS customer_id, j.sx AS x, j.st_x AS t_x, j.sT AS "T", j.sm AS monetary, j.pa AS p_alive, j.ep AS expected_purchases,
  j.es AS expected_spend, ${lit(d, margin)} * j.dp * j.es AS clv
FROM (
  SELECT s.customer_id AS customer_id, s.x AS sx, s.t_x AS st_x, s."T" AS sT, s.monetary AS sm, ts.p_alive AS pa,
    ts.expected_purchases AS ep, ts.discounted_purchases AS dp,
    ${spendSql(d, options.spend, options.constantSpend)} AS es
  FROM ${info.summaryTable} s
  JOIN ${info.tuplesTable} t ON t.x = s.x AND t.recency_days = s.recency_days AND t.age_days = s.age_days
  JOIN ${tmp} ts ON ts.tuple_id = t.tuple_id
) j`);
  await store.exec(d.name === 'clickhouse' ? `DROP TEMPORARY TABLE IF EXISTS ${tmp}` : `DROP TABLE IF EXISTS ${tmp}`);
  const [row] = await store.query<{ n: number; equity: number | null }>(`SELECT COUNT(*) AS n, SUM(clv) AS equity FROM ${table}`);
  const priced = options.spend !== undefined || options.constantSpend !== undefined;
  return { table, customers: Number(row.n), customerEquity: priced && row.equity !== null ? Number(row.equity) : null, tupleScores: scores };
}

/** A CSV field: quoted when it holds a comma, quote or line break (RFC 4180). */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const t = v instanceof Date ? v.toISOString() : String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** The file format `exportScores` writes to `path` from this store, or a ClvInputError saying why it cannot. */
export function exportFormat(store: Pick<Store, 'dialect' | 'location'>, path: string): 'parquet' | 'csv' {
  const format = /\.parquet$/i.test(path) ? 'parquet' : /\.csv$/i.test(path) ? 'csv' : null;
  if (format === null) throw new ClvInputError(`--out ${path}: must end in .parquet or .csv`);
  if (format === 'parquet' && store.dialect !== 'duckdb' && !store.location.startsWith('chdb:')) {
    throw new ClvInputError(`--out ${path}: Parquet is written from DuckDB and chdb stores only; on ${store.location} use a .csv file`);
  }
  return format;
}

/**
 * Writes a scores table to a .parquet or .csv file on this machine (the file is replaced), ordered
 * by CLV: DuckDB with COPY; chdb with INSERT INTO FUNCTION file(); Postgres and a ClickHouse server
 * (whose COPY / file() write on the server) by reading the rows: CSV only.
 */
export async function exportScores(store: Store, table: string, path: string): Promise<'parquet' | 'csv'> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new ClvInputError(`scores table "${table}" is not a plain SQL identifier`);
  const format = exportFormat(store, path);
  const d = dialectOf(store);
  const select = `SELECT * FROM ${table} ORDER BY clv DESC NULLS LAST, ${d.byteOrder('customer_id')}`;
  if (store.dialect === 'duckdb') {
    await store.exec(`COPY (${select}) TO ${stringLit(path)} (FORMAT ${format === 'parquet' ? 'PARQUET' : 'CSV, HEADER'})`);
    return format;
  }
  if (store.location.startsWith('chdb:')) {
    rmSync(path, { force: true });
    await store.exec(`INSERT INTO FUNCTION file(${d.lit(resolve(path))}, ${format === 'parquet' ? 'Parquet' : 'CSVWithNames'}) ${select}`);
    return format;
  }
  const rows = await store.query(select);
  const cols = rows.length ? Object.keys(rows[0]) : ['customer_id', 'x', 't_x', 'T', 'monetary', 'p_alive', 'expected_purchases', 'expected_spend', 'clv'];
  const lines = [cols.join(','), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(','))];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return format;
}
