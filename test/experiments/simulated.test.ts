/**
 * End to end: simulate an experiment with a known lift → ingest → `spiral experiment readout`.
 * The readout's per-variant conversions equal the simulator's and its estimate is close to the true
 * lift. The statistical acceptance over 100 seeds runs on sufficient statistics in
 * src/models/stats/compare.test.ts; this is one bounded run through the whole product.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import type { SimulationTruth } from '../../src/simulate/truth.js';
import type { ExperimentReadout } from '../../src/domain/sections/experiments.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { spiral } from '../helpers/cli.js';
import { ingestInto } from '../helpers/ingest.js';
import { openDuck } from '../helpers/duck.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-exp-sim-');
const out = join(scratch.dir, 'ev.csv');
const db = join(scratch.dir, 'ev.duckdb');
const LIFT = 0.5;
let truth: SimulationTruth;

before(async () => {
  await simulate({
    customers: 30_000, seed: 11, out, customerTruth: false,
    experiment: { id: 'spring', enrolledShare: 0.9, variants: [{ name: 'control', split: 50, lift: 0 }, { name: 'treatment', split: 50, lift: LIFT }] },
  });
  truth = JSON.parse(readFileSync(join(scratch.dir, 'ev.truth.json'), 'utf8')) as SimulationTruth;
  const store = await DuckDbStore.open(db);
  await ingestInto(store, [out], 'simulated-experiment');
  await store.close();
});
after(() => scratch.cleanup());

test('simulated experiment → ingest → readout: conversions equal the truth, the estimate is within 3 standard errors of the true lift', () => {
  const r = spiral(['experiment', 'readout', '--db', db, '--experiment', 'spring', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = r.json<ExperimentReadout>();
  const t = truth.experiment!;
  assert.equal(j.status, 'ok');
  assert.deepEqual(j.variants.map((v) => [v.variant, v.customers, v.conversions]), t.variants.map((v) => [v.name, v.customers, v.conversions]));
  const treated = j.variants[1];
  const expected = t.variants[1].expectedLift!;
  assert.ok(Math.abs(expected - LIFT) < 0.01, `cap barely binds: ${expected}`);
  // one run cannot test 95% coverage (that is the 100-seed test in compare.test.ts); it can catch a bias
  const se = (treated.lift.upper! - treated.lift.lower!) / (2 * 1.96);
  assert.ok(Math.abs(treated.lift.relative! - expected) < 3 * se, `estimate ${treated.lift.relative} vs truth ${expected} (se ${se})`);
  // and each arm's rate is within 4 standard errors of the simulator's expected conversion
  for (const [k, v] of j.variants.entries()) {
    const p = t.variants[k].expectedConversion!;
    assert.ok(Math.abs(v.rate! - p) < 4 * Math.sqrt((p * (1 - p)) / v.customers), `${v.variant}: rate ${v.rate} vs expected ${p}`);
  }
  assert.equal(j.srm.flagged, false);
  assert.ok(treated.cuped.varianceReduction !== null && treated.cuped.varianceReduction >= 0);
});

test('the experiment block is additive: without it the same seed writes the same events, minus the experiment\'s', async () => {
  const plain = join(scratch.dir, 'plain.csv');
  await simulate({ customers: 2_000, seed: 5, out: plain, customerTruth: false });
  const withExp = join(scratch.dir, 'exp.csv');
  await simulate({ customers: 2_000, seed: 5, out: withExp, customerTruth: false, experiment: { variants: [{ name: 'control', split: 1, lift: 0 }, { name: 'treatment', split: 1, lift: 2 }] } });
  const duck = await openDuck();
  try {
    const key = `customer_id, ts, type, coalesce(item_id, ''), coalesce(amount, -1), coalesce(channel, '')`;
    const [d] = await duck.all(`
      WITH a AS (SELECT ${key} FROM read_csv('${plain}')),
      b AS (SELECT ${key} FROM read_csv('${withExp}') WHERE experiment IS NULL AND NOT (type = 'purchase' AND channel = 'email'))
      SELECT (SELECT count(*) FROM a) AS na, (SELECT count(*) FROM b) AS nb,
        (SELECT count(*) FROM (SELECT * FROM a EXCEPT ALL SELECT * FROM b)) AS only_a,
        (SELECT count(*) FROM read_csv('${withExp}') WHERE experiment IS NOT NULL) AS exposures`);
    assert.equal(Number(d.only_a), 0);
    assert.equal(Number(d.na), Number(d.nb));
    assert.ok(Number(d.exposures) > 100);
  } finally {
    await duck.close();
  }
});
