/**
 * The whole analysis on DuckDB, Postgres and chdb (issue 13): a simulated store of 20,000 customers
 * (the default mechanisms plus peer effects, so the network has referrals and a peer effect, and CLV
 * a spend model) ingested into each engine, `analyze` run on each, and the results compared field
 * by field — counts exact, sums and statistics to 1e-9 relative, everything that follows a model fit
 * (the CLV section, segment equity, expected values) to 1e-6, standard errors from a
 * finite-difference Hessian to 1e-5, optimiser iteration counts not at all. The network's peer
 * effect and the influence value built on it are compared like the rest, and so are the
 * experiences and strategy sections, built on the recommendations and replenishment tables that
 * every engine now writes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AnalysisResult } from '../../src/domain/result.js';
import { simulate } from '../../src/simulate/index.js';
import { ENGINES, analyzeEach, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

const CUSTOMERS = 20_000;
let env: Engines;
let results: Record<EngineName, AnalysisResult>;
let diffs: Record<EngineName, string[]>;

before(async () => {
  env = await openEngines('analyze_sim');
  const out = join(env.dir, 'events.csv');
  await simulate({ customers: CUSTOMERS, seed: 11, out, customerTruth: false, peerEffects: {} });
  const reports = await ingestEach(env, out, 'simulated');
  for (const e of ENGINES) assert.equal(reports[e].accepted, reports.duckdb.accepted, e);
  ({ results, diffs } = await analyzeEach(env, { now: new Date('2026-01-01T00:00:00Z'), modelTol: 1e-5 }));
});
after(async () => env?.close());

test(`every section is computed on every engine (${CUSTOMERS.toLocaleString('en-US')} simulated customers), recommendations and replenishment included`, () => {
  for (const e of ENGINES) {
    const r = results[e];
    assert.equal(r.store.dialect, e === 'chdb' ? 'clickhouse' : e);
    for (const s of ['clv', 'brand', 'network', 'funnel', 'behaviours', 'segments', 'experiences'] as const) assert.ok(r[s], `${e}: ${s}`);
    assert.ok((r.segments?.segments.length ?? 0) >= 2, `${e}: segments`);
    assert.ok((r.clv?.equity ?? null) !== null || r.clv?.status !== 'ok', `${e}: CLV equity`);
    assert.ok((r.network?.peerEffect?.matchedTreated ?? 0) > 100, `${e}: peer effect ${JSON.stringify(r.network?.peerEffect?.matchedTreated)}`);
    assert.ok(!r.warnings.some((w) => /peer effect is not yet available/.test(w.message)), `${e}: no peer-effect warning`);
    assert.ok(!r.warnings.some((w) => /no recommendations or replenishment table written|not yet available/.test(w.message)), `${e}: no DuckDB-only warning`);
    assert.deepEqual(r.experiences?.sources, { recommendations: true, replenishment: true }, `${e}: the actions use the recommendations and replenishment tables`);
  }
});

test('the analysis result is the same on Postgres and chdb as on DuckDB, field by field', () => {
  for (const e of ['postgres', 'chdb'] as const) {
    assert.deepEqual(diffs[e].slice(0, 15), [], `${e} differs from duckdb in ${diffs[e].length} fields`);
  }
});
