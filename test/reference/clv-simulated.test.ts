/**
 * Simulated ground truth end to end: `simulate` writes an event log from known BG/NBD and
 * Gamma-Gamma parameters (with funnel, network and social events around the purchases), the real
 * ingest loads it with the bundled `simulated` mapping, the SQL summary builds (x, t_x, T) in weeks,
 * and the fits must recover the true parameters within two standard errors.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate, type SimulationTruth } from '../../src/simulate/index.js';
import { buildCustomerSummary, loadRfmTuples, loadSpendTuples, type CustomerSummaryInfo } from '../../src/clv/summary.js';
import { fitBgnbd } from '../../src/models/clv/bgnbd.js';
import { fitGammaGamma } from '../../src/models/clv/gammagamma.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-clv-sim-');
let store: DuckDbStore;
let truth: SimulationTruth;
let info: CustomerSummaryInfo;

before(async () => {
  const out = join(scratch.dir, 'events.parquet');
  const s = await simulate({ customers: 20_000, seed: 11, out, customerTruth: false });
  truth = JSON.parse(readFileSync(s.truthPath, 'utf8')) as SimulationTruth;
  ({ store } = await memoryStoreWith([out], 'simulated'));
  // The window ends at midnight starting truth.window.end: the last whole day is the one before.
  const last = new Date(Date.parse(truth.window.end) - 86_400_000).toISOString().slice(0, 10);
  info = await buildCustomerSummary(store, { unit: 'week', calibrationEnd: last });
});
after(async () => {
  await store.close();
  scratch.cleanup();
});

test('simulated event log → SQL summary: every simulated customer, repeat purchase days as the truth counts them', async () => {
  assert.equal(info.customers, truth.counts.customers);
  const [row] = await store.query<{ x: number }>('SELECT SUM(x) AS x FROM clv_customer_summary');
  assert.equal(Number(row.x), truth.purchases.realizedRepeatPurchaseDaysInWindow);
});

test('BG/NBD fitted on the simulated log recovers r, alpha, a, b within two standard errors (20,000 customers)', async () => {
  const fit = fitBgnbd(await loadRfmTuples(store, info));
  for (const k of ['r', 'alpha', 'a', 'b'] as const) {
    const z = (fit.params[k] - truth.purchases.params[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} vs true ${truth.purchases.params[k]} (SE ${fit.stdErrors[k]}, z = ${z.toFixed(2)})`);
  }
});

test('Gamma-Gamma fitted on the simulated repeat spend recovers p, q, gamma within two standard errors', async () => {
  const fit = fitGammaGamma(await loadSpendTuples(store, info));
  for (const k of ['p', 'q', 'gamma'] as const) {
    const z = (fit.params[k] - truth.spend.params[k]) / fit.stdErrors[k];
    assert.ok(Math.abs(z) < 2, `${k}: ${fit.params[k]} vs true ${truth.spend.params[k]} (SE ${fit.stdErrors[k]}, z = ${z.toFixed(2)})`);
  }
});
