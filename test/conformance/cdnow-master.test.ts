/**
 * Conformance on the whole CDNOW master log (69,659 rows, 23,570 customers; shared/data SOURCES.md
 * §1a), DuckDB vs Postgres vs chdb: counts exact, overview and CLV summary tuples identical, the
 * BG/NBD fit equal to 1e-6 (same tuples in, same fit out), and a re-ingest adds nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { computeOverview } from '../../src/analysis/overview.js';
import { buildCustomerSummary, loadRfmTuples } from '../../src/clv/summary.js';
import { fitFromStore } from '../../src/clv/pipeline.js';
import type { IngestReport } from '../../src/ingest/ingest.js';
import { sharedData } from '../helpers/paths.js';
import { ENGINES, closeTo, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

const MASTER = sharedData('cdnow', 'cdnow_master.csv');
const SUMMARY = { unit: 'week', calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30' } as const;
let env: Engines;
let first: Record<EngineName, IngestReport>;

before(async () => {
  env = await openEngines('cdnow_master');
  first = await ingestEach(env, MASTER, 'cdnow_master');
});
after(async () => env?.close());

test('CDNOW master: 69,659 events (the 215 repeated rows kept), 23,570 customers on every engine', async () => {
  for (const e of ENGINES) {
    const r = first[e];
    assert.equal(r.accepted, 69_659, e);
    assert.equal(r.rejected, 0, e);
    assert.equal(r.duplicates, 0, e);
    const ov = await computeOverview(env.stores[e]);
    assert.equal(ov.events, 69_659, e);
    assert.equal(ov.customers, 23_570, e);
  }
});

test('overview and CLV summary tuples are identical on every engine; BG/NBD fits agree to 1e-6', async () => {
  const base = await computeOverview(env.stores.duckdb);
  const info = await buildCustomerSummary(env.stores.duckdb, SUMMARY);
  const tuples = await loadRfmTuples(env.stores.duckdb, info);
  const fit = await fitFromStore(env.stores.duckdb, { model: 'bgnbd', ...SUMMARY, tracking: false });
  for (const e of ENGINES) {
    const ov = await computeOverview(env.stores[e]);
    assert.deepEqual({ ...ov, revenue: null }, { ...base, revenue: null }, e);
    assert.ok(closeTo(ov.revenue.purchases!, base.revenue.purchases!, 1e-9), e);
    const i = await buildCustomerSummary(env.stores[e], SUMMARY);
    assert.deepEqual(i, info, e);
    assert.deepEqual(await loadRfmTuples(env.stores[e], i), tuples, `${e}: tuples`);
    const f = await fitFromStore(env.stores[e], { model: 'bgnbd', ...SUMMARY, tracking: false });
    assert.ok(closeTo(f.logLikelihood, fit.logLikelihood, 1e-9), e);
    for (const k of Object.keys(fit.params)) assert.ok(closeTo(f.params[k], fit.params[k], 1e-6), `${e}: ${k}`);
    assert.equal(f.holdout?.actual, fit.holdout?.actual, e);
  }
});

test('re-ingesting CDNOW master adds nothing on any engine', async () => {
  const again = await ingestEach(env, MASTER, 'cdnow_master', 'again');
  for (const e of ENGINES) {
    const r = again[e];
    assert.equal(r.accepted, 0, e);
    assert.equal(r.duplicates, 69_659, e);
    assert.equal(r.eventsInStore, 69_659, e);
  }
});
