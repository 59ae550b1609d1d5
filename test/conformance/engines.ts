/**
 * The engines the conformance suite runs on: embedded DuckDB (a file), a real PostgreSQL server
 * started for the suite (test/helpers/postgres.ts) and chdb (embedded ClickHouse) in a temp folder.
 * chdb binds one data folder per process, so each test file opens at most one chdb store.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { ingestToStore } from '../../src/ingest/engines.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { bundledMapping } from '../helpers/ingest.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres.js';
import { scratchDir } from '../helpers/paths.js';
import { purchaseModelOf, scoreStore } from '../../src/clv/pipeline.js';
import { writeClvScores } from '../../src/clv/score.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/domain/result.js';

export type EngineName = 'duckdb' | 'postgres' | 'chdb';
export const ENGINES: readonly EngineName[] = ['duckdb', 'postgres', 'chdb'];

export interface Engines {
  stores: Record<EngineName, Store>;
  locations: Record<EngineName, string>;
  pg: PostgresServer;
  dir: string;
  close(): Promise<void>;
}

export async function openEngines(database: string): Promise<Engines> {
  const { dir, cleanup } = scratchDir('spiral-conformance-');
  const pg = await startPostgres();
  try {
    pg.createDatabase(database);
    const locations: Record<EngineName, string> = {
      duckdb: join(dir, `${database}.duckdb`),
      postgres: pg.url(database),
      chdb: `chdb:${join(dir, `${database}.chdb`)}`,
    };
    const stores = {} as Record<EngineName, Store>;
    for (const e of ENGINES) stores[e] = await openStore(locations[e]);
    return {
      stores, locations, pg, dir,
      close: async () => {
        for (const e of ENGINES) await stores[e]?.close();
        pg.stop();
        cleanup();
      },
    };
  } catch (e) {
    pg.stop();
    cleanup();
    throw e;
  }
}

/** |a − b| ≤ tol · max(|a|, |b|, 1e-300): equal to a relative tolerance. */
export function closeTo(a: number, b: number, tol: number): boolean {
  return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

/**
 * Every number of `b` equals `a`'s — integers exactly, others to `tol` relative — and everything
 * else is deeply equal; a failure names the path (e.g. `postgres.communities.modularity`).
 */
export function assertSameValues(a: unknown, b: unknown, tol: number, path: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (!(Number.isInteger(a) && Number.isInteger(b) ? a === b : closeTo(a, b, tol))) throw new assert.AssertionError({ message: `${path}: ${b} vs ${a}`, actual: b, expected: a });
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !(a instanceof Date)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) assertSameValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol, `${path}.${k}`);
    return;
  }
  assert.deepEqual(b, a, path);
}

/** Ingests `file` with a bundled mapping into every engine's store; the reports by engine. */
export async function ingestEach(env: Engines, file: string, mapping: string, tag = 'run'): Promise<Record<EngineName, IngestReport>> {
  const out = {} as Record<EngineName, IngestReport>;
  for (const e of ENGINES) out[e] = await ingestToStore(env.stores[e], [file], bundledMapping(mapping), { rejectFile: join(env.dir, `${e}.${tag}.rejects.csv`) });
  return out;
}

/**
 * Field-by-field equality of two analysis results from different engines: integers exact (counts),
 * other numbers to `tol` relative (sums and statistics), and to `modelTol` under a path that
 * `isModel` names (model fits: the same data in, the same fit out to the optimiser's precision);
 * strings, booleans, nulls and array lengths exact. Returns the differences, "path: a vs b".
 */
export function resultDiffs(
  a: unknown, b: unknown, o: { tol?: number; modelTol?: number; isModel?: (path: string) => boolean } = {},
): string[] {
  const tol = o.tol ?? 1e-9;
  const modelTol = o.modelTol ?? 1e-6;
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (typeof x === 'number' && typeof y === 'number') {
      if (Number.isInteger(x) && Number.isInteger(y) && !o.isModel?.(path)) {
        if (x !== y) out.push(`${path}: ${x} vs ${y}`);
        return;
      }
      const t = o.isModel?.(path) ? modelTol : tol;
      if (!(closeTo(x, y, t) || (o.isModel?.(path) && Math.abs(x - y) < 1e-12) || (Number.isNaN(x) && Number.isNaN(y)))) out.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) out.push(`${path}: length ${x.length} vs ${y.length}`);
      else x.forEach((v, i) => walk(v, y[i], `${path}[${i}]`));
      return;
    }
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
      for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    if (x !== y) out.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
  };
  walk(a, b, '');
  return out;
}

/** `run` on every engine's store, in turn; the results by engine. */
export async function onEach<T>(env: Engines, run: (store: Store, engine: EngineName) => Promise<T>): Promise<Record<EngineName, T>> {
  const out = {} as Record<EngineName, T>;
  for (const e of ENGINES) out[e] = await run(env.stores[e], e);
  return out;
}

/** Every engine's result equals DuckDB's field by field (resultDiffs); the first differences in the message. */
export function assertSameAsDuckDb<T>(r: Record<EngineName, T>, isModel: (path: string) => boolean): void {
  for (const e of ENGINES) {
    const diffs = resultDiffs(r[e], r.duckdb, { isModel });
    if (diffs.length) throw new Error(`${e} differs from duckdb in ${diffs.length} fields:\n${diffs.slice(0, 10).join('\n')}`);
  }
}

/**
 * clv_scores on every engine from ONE model (BG/NBD and Gamma-Gamma fitted on DuckDB, to the last
 * purchase day, one year ahead): each engine's own summary and tuples, the same parameters, so the
 * scores agree to 1e-9 and a step that reads clv_scores can be held to that.
 */
export async function writeSameClvScores(env: Engines): Promise<void> {
  const [{ last }] = await env.stores.duckdb.query<{ last: Date }>(`SELECT max(ts) AS last FROM events WHERE type = 'purchase'`);
  const o = { model: 'bgnbd', unit: 'week', calibrationEnd: last.toISOString().slice(0, 10), horizonPeriods: 52 } as const;
  const base = await scoreStore(env.stores.duckdb, o);
  await onEach(env, async (store) => {
    const r = await scoreStore(store, o);
    await writeClvScores(store, r.info, r.tuples, {
      model: purchaseModelOf(base.choice.fit), horizon: 52,
      discount: { discountRate: base.discount.perPeriodRate, periodLength: 1, horizon: 52 },
      ...(base.spend ? { spend: base.spend.params } : { constantSpend: base.constantSpend ?? 1 }),
    });
  });
}

/**
 * What follows a model fit in an analysis result: the same data in, the same fit out to the
 * optimiser's precision (compared to a model tolerance, not 1e-9). The network's referral values
 * and its network value (network-adjusted CLV and its shares) are built on each customer's CLV from
 * clv_scores, so they carry that fit too (runs under load saw referral values and the network share
 * 1e-9 apart).
 */
export const isModelPath = (path: string): boolean =>
  /[Rr]eferralValue|^\.network\.networkValue\.|^\.clv\.|^\.brand\.(overall|diffusion|cocreation|brands)|^\.brand\.clv|equity|Equity|[Cc]lv|atRisk|pAlive|expectedValue|meanExpected|^\.strategy\.|\.criterion\.scores\[\d+\]\.silhouette/.test(path);

/**
 * An analysis result without what names the store or the run (generatedAt, store, timings,
 * warnings); optimiser iteration counts left out. The experiences and strategy sections are
 * compared too: every engine writes the recommendations and replenishment they use.
 */
export function comparableResult(r: AnalysisResult): unknown {
  const { generatedAt: _g, store: _s, warnings: _w, ...rest } = r;
  const network = rest.network ? { ...rest.network, warnings: null } : rest.network;
  return JSON.parse(JSON.stringify({ ...rest, network }, (k, v) => (k === 'iterations' ? undefined : v)));
}

/**
 * `analyze` on every engine (the same fixed clock) and the differences of Postgres' and chdb's
 * results from DuckDB's (resultDiffs with isModelPath; standard errors from a finite-difference
 * Hessian to `modelTol`).
 */
export async function analyzeEach(env: Engines, o: { now: Date; modelTol?: number }): Promise<{ results: Record<EngineName, AnalysisResult>; diffs: Record<EngineName, string[]> }> {
  const results = await onEach(env, (store) => analyze(store, { now: () => o.now }));
  const diffs = {} as Record<EngineName, string[]>;
  for (const e of ENGINES) diffs[e] = resultDiffs(comparableResult(results.duckdb), comparableResult(results[e]), { isModel: isModelPath, modelTol: o.modelTol ?? 1e-6 });
  return { results, diffs };
}
