/**
 * Conformance on the Taobao UserBehavior clickstream (shared/data SOURCES.md §3, the bundled
 * `taobao` mapping): the whole file ingested into DuckDB, Postgres and chdb — the published counts
 * (84,287 events, 814 users, pv 75,693 / cart 4,494 / fav 2,351 / buy 1,749) on each — and
 * `analyze` gives the same result on every engine field by field: counts exact, sums and
 * statistics to 1e-9 relative, what follows a model fit to 1e-6 (engines.ts, analyzeEach).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AnalysisResult } from '../../src/domain/result.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, analyzeEach, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

let env: Engines;
let results: Record<EngineName, AnalysisResult>;
let diffs: Record<EngineName, string[]>;

before(async () => {
  env = await openEngines('taobao');
  const reports = await ingestEach(env, sharedData('taobao', 'taobao_userbehavior_prefix.csv'), 'taobao');
  for (const e of ENGINES) assert.deepEqual([reports[e].accepted, reports[e].rejected, reports[e].duplicates], [84_287, 0, 0], e);
  ({ results, diffs } = await analyzeEach(env, { now: new Date('2018-01-01T00:00:00Z') }));
});
after(async () => env?.close());

test('Taobao on every engine: 84,287 events of 814 users, pv 75,693 / cart 4,494 / fav 2,351 / buy 1,749 (SOURCES.md)', async () => {
  for (const e of ENGINES) {
    const rows = await env.stores[e].query<{ type: string; n: number; users: number }>(
      `SELECT type, count(*) AS n, count(DISTINCT customer_id) AS users FROM events GROUP BY type ORDER BY type`,
    );
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.type, Number(r.n)])), { cart: 4494, purchase: 1749, save: 2351, view: 75_693 }, e);
    const o = results[e].overview;
    assert.equal(o.customers, 814, e);
    assert.equal(o.events, 84_287, e);
  }
});

test('the analysis of Taobao is the same on Postgres and chdb as on DuckDB, field by field', () => {
  for (const e of ENGINES) assert.ok(results[e].funnel, `${e}: funnel`);
  for (const e of ['postgres', 'chdb'] as const) {
    assert.deepEqual(diffs[e].slice(0, 15), [], `${e} differs from duckdb in ${diffs[e].length} fields`);
  }
});
