/**
 * Conformance of the experiments step (src/strategy/experiments/) on DuckDB, Postgres and chdb: a
 * simulated store of 5,000 customers running an experiment with a known lift (control 0, treatment
 * +50 % purchase probability), ingested into each engine. The readout — assignment (first exposure
 * wins), conversions and revenue in the window, the CUPED pre-period, SRM — is the same per variant
 * on every engine (counts exact, sums and statistics to 1e-9 relative), its conversions equal the
 * simulator's truth, and it is the same with clv_scores written from the same model on every engine.
 * The experiments section of the analysis and `experiment design` for a segment agree too.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationTruth } from '../../src/simulate/index.js';
import { readoutExperiment } from '../../src/strategy/experiments/readout.js';
import { designForSegment, SEGMENT_TABLE } from '../../src/strategy/experiments/design.js';
import { runExperimentsSection } from '../../src/analysis/experiments.js';
import { replaceTableAs } from '../../src/sql/dialect.js';
import { ENGINES, assertSameAsDuckDb, ingestEach, onEach, openEngines, writeSameClvScores, type Engines } from './engines.js';

let env: Engines;
let truth: NonNullable<SimulationTruth['experiment']>;

before(async () => {
  env = await openEngines('experiment_sim');
  const out = join(env.dir, 'events.csv');
  const s = await simulate({
    customers: 5000, seed: 11, out, customerTruth: false,
    experiment: { id: 'spring', enrolledShare: 0.9, variants: [{ name: 'control', split: 50, lift: 0 }, { name: 'treatment', split: 50, lift: 0.5 }] },
  });
  truth = (JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth).experiment!;
  const reports = await ingestEach(env, out, 'simulated-experiment');
  for (const e of ENGINES) assert.equal(reports[e].accepted, reports.duckdb.accepted, e);
});
after(async () => env?.close());

/** Nothing in a readout is an optimiser's output: every number is compared to 1e-9 (counts exact). */
const noModel = (): boolean => false;

test('the readout is the same per variant on DuckDB, Postgres and chdb, and its conversions are the simulator\'s', async () => {
  const r = await onEach(env, (store) => readoutExperiment(store, 'spring'));
  const b = r.duckdb;
  assert.equal(b.status, 'ok');
  assert.deepEqual(b.variants.map((v) => [v.variant, v.customers, v.conversions]), truth.variants.map((v) => [v.name, v.customers, v.conversions]));
  assert.ok(b.variants.every((v) => v.customers > 1000 && v.conversions > 0), JSON.stringify(b.variants.map((v) => [v.customers, v.conversions])));
  assert.ok(b.variants[1].cuped.varianceReduction !== null, 'CUPED pre-period measured');
  assert.equal(b.srm.flagged, false);
  assertSameAsDuckDb(r, noModel);
});

test('with a window of 7 days and treatment as control, the readouts still agree', async () => {
  assertSameAsDuckDb(await onEach(env, (store) => readoutExperiment(store, 'spring', { windowDays: 7, control: 'treatment' })), noModel);
});

test('with clv_scores written from the same model on every engine, the readout\'s CLV lift agrees to 1e-9', async () => {
  await writeSameClvScores(env);
  const r = await onEach(env, (store) => readoutExperiment(store, 'spring'));
  assert.ok(r.duckdb.variants.some((v) => v.clv.perCustomer !== null), `the CLV column is joined: ${JSON.stringify(r.duckdb.variants.map((v) => v.clv))}`);
  assertSameAsDuckDb(r, noModel);
});

test('the experiments section of the analysis is the same on every engine', async () => {
  const r = await onEach(env, (store) => runExperimentsSection(store, {}, []));
  assert.deepEqual(r.duckdb?.found.map((f) => f.experiment), ['spring']);
  assertSameAsDuckDb(r, noModel);
});

test('experiment design for a segment: the same baseline, spread and traffic on every engine', async () => {
  await onEach(env, (store) => replaceTableAs(store, SEGMENT_TABLE,
    `SELECT customer_id, CASE WHEN substr(customer_id, length(customer_id), 1) IN ('0', '1', '2', '3', '4') THEN 1 ELSE 2 END AS segment FROM events GROUP BY customer_id`));
  for (const kpi of ['conversion', 'revenue'] as const) {
    const r = await onEach(env, (store) => designForSegment(store, { segment: '2', kpi, mdeRelative: 0.2 }));
    assert.ok(r.duckdb.segmentCustomers > 1000, `${r.duckdb.segmentCustomers}`);
    assert.ok(r.duckdb.baseline > 0 && r.duckdb.dailyTraffic !== null);
    assertSameAsDuckDb(r, noModel);
  }
});
