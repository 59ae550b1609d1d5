/**
 * The whole analysis on DuckDB, Postgres and chdb (issue 13): a simulated store (3,000 customers,
 * the default mechanisms plus peer effects, so the network has referrals and CLV a spend model)
 * ingested into each engine, `analyze` run on each, and the results compared field by field —
 * counts exact, sums and statistics to 1e-9 relative, everything that follows a model fit (the CLV
 * section, segment equity, expected values) to 1e-6, standard errors from a finite-difference
 * Hessian to 1e-5, optimiser iteration counts not at all. What is DuckDB-only on purpose is left out
 * and checked to be said: the network's peer effect (and the influence value built on it) and the
 * recommendations the curated actions use (README, "Running on ClickHouse or Postgres").
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyze } from '../../src/analysis/analyze.js';
import type { AnalysisResult } from '../../src/domain/result.js';
import { simulate } from '../../src/simulate/index.js';
import { ENGINES, ingestEach, onEach, openEngines, resultDiffs, type EngineName, type Engines } from './engines.js';

let env: Engines;
let results: Record<EngineName, AnalysisResult>;

before(async () => {
  env = await openEngines('analyze_sim');
  const out = join(env.dir, 'events.csv');
  await simulate({ customers: 3000, seed: 11, out, customerTruth: false, peerEffects: {} });
  const reports = await ingestEach(env, out, 'simulated');
  for (const e of ENGINES) assert.equal(reports[e].accepted, reports.duckdb.accepted, e);
  const now = () => new Date('2026-01-01T00:00:00Z');
  results = await onEach(env, (store) => analyze(store, { now }));
});
after(async () => env?.close());

/** What follows a model fit: the same data in, the same fit out to the optimiser's precision. */
const isModel = (path: string): boolean =>
  /^\.clv\.|^\.brand\.(overall|diffusion|cocreation|brands)|^\.brand\.clv|equity|Equity|[Cc]lv|atRisk|pAlive|expectedValue|meanExpected|^\.strategy\./.test(path);

/** The parts that are DuckDB-only on purpose (peer effect; recommendations) or name the store. */
function comparable(r: AnalysisResult): unknown {
  const { generatedAt: _g, store: _s, warnings: _w, experiences: _x, strategy: _st, ...rest } = r;
  const network = rest.network ? { ...rest.network, peerEffect: null, warnings: null, networkValue: null } : rest.network;
  return JSON.parse(JSON.stringify({ ...rest, network }, (k, v) => (k === 'iterations' ? undefined : v)));
}

test('every section is computed on every engine, and says what is DuckDB-only', () => {
  for (const e of ENGINES) {
    const r = results[e];
    assert.equal(r.store.dialect, e === 'chdb' ? 'clickhouse' : e);
    for (const s of ['clv', 'brand', 'network', 'funnel', 'behaviours', 'segments', 'experiences'] as const) assert.ok(r[s], `${e}: ${s}`);
    assert.ok((r.segments?.segments.length ?? 0) >= 2, `${e}: segments`);
    assert.ok((r.clv?.equity ?? null) !== null || r.clv?.status !== 'ok', `${e}: CLV equity`);
    if (e !== 'duckdb') {
      assert.ok(r.warnings.some((w) => /peer effect is not yet available/.test(w.message)), `${e}: the peer-effect warning`);
      assert.ok(r.warnings.some((w) => /no recommendations or replenishment table written/.test(w.message)), `${e}: the recommendations warning`);
    }
  }
});

test('the analysis result is the same on Postgres and chdb as on DuckDB, field by field', () => {
  for (const e of ['postgres', 'chdb'] as const) {
    const diffs = resultDiffs(comparable(results.duckdb), comparable(results[e]), { isModel, modelTol: 1e-5 });
    assert.deepEqual(diffs.slice(0, 15), [], `${e} differs from duckdb in ${diffs.length} fields`);
  }
});
