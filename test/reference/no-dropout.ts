/**
 * Shared body of the no-dropout reference tests (issue #15): a simulated grocery-like log where
 * customers buy about every five weeks and drop out with a fixed probability per purchase (0, 0.001,
 * 0.01), 78 weeks of calibration and 26 of holdout. Before the fix the symptoms were those of the
 * issue: BG/NBD and MBG/NBD run off along a, b → ∞ (or fail), Pareto/NBD runs off along β → ∞ into
 * 2F1 calls that did not converge, and auto reported a model whose predictions were all null.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { buildCustomerSummary, loadRfmTuples } from '../../src/clv/summary.js';
import { fitBgnbd } from '../../src/models/clv/bgnbd.js';
import { fitMbgnbd } from '../../src/models/clv/mbgnbd.js';
import { BOUNDARY_DEFAULTS } from '../../src/models/clv/dropout-limit.js';
import { fitAndChoose, scoreStore, type PurchaseModelName } from '../../src/clv/pipeline.js';
import { ConvergenceError } from '../../src/models/numeric/errors.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

export const NO_DROPOUT_CUSTOMERS = 2000;
const CAL = { unit: 'week' as const, calibrationEnd: '2025-06-29', holdoutEnd: '2025-12-28' };

/** Runs the whole check for one dropout probability. */
export async function checkNoDropoutLog(dropout: number, seed: number, expectRidge: boolean): Promise<void> {
  const scratch = scratchDir('spiral-clv-nodrop-');
  try {
    const out = join(scratch.dir, 'events.parquet');
    await simulate({
      customers: NO_DROPOUT_CUSTOMERS, seed, out, customerTruth: false, weeks: 104,
      bgnbd: { r: 2, alpha: 10, dropout }, acquisition: { weeks: 26 },
    });
    const { store } = await memoryStoreWith([out], 'simulated');
    try {
      const info = await buildCustomerSummary(store, CAL);
      const tuples = await loadRfmTuples(store, info);

      // The symptom (dropout 0 and 0.001): the unconstrained BG/NBD and MBG/NBD run along the ridge or fail.
      const ridge = (f: () => { params: { a: number; b: number } }): string => {
        try {
          const p = f().params;
          const c = p.a + p.b;
          return c > BOUNDARY_DEFAULTS.ridgeConcentration ? `ridge (a + b = ${c.toPrecision(3)})` : `interior (a + b = ${c.toPrecision(3)})`;
        } catch (e) {
          assert.ok(e instanceof ConvergenceError, String(e));
          return `failed (${e.message})`;
        }
      };
      if (expectRidge) {
        for (const [name, fit] of [['BG/NBD', () => fitBgnbd(tuples, { throwOnNonConvergence: false })], ['MBG/NBD', () => fitMbgnbd(tuples, { throwOnNonConvergence: false })]] as const) {
          const where = ridge(fit);
          assert.ok(!where.startsWith('interior'), `dropout ${dropout}: ${name} should run along the no-dropout ridge, got ${where}`);
        }
      }

      // The fix: every candidate fits with finite holdout predictions or is set aside with a reason.
      const choice = await fitAndChoose(store, info, tuples, 'auto');
      for (const c of choice.candidates!) {
        if (c.setAside) {
          assert.ok(c.setAside.length > 20, `${c.model}: a reason`);
          continue;
        }
        assert.ok(c.holdout && Number.isFinite(c.holdout.predicted) && Number.isFinite(c.holdout.rmse), `${c.model}: finite holdout predictions`);
        assert.ok(Object.values(c.params!).every(Number.isFinite), `${c.model}: finite parameters ${JSON.stringify(c.params)}`);
      }
      assert.ok(choice.validation, 'auto chose a candidate with holdout predictions');
      if (expectRidge) {
        // Pareto/NBD runs along β → ∞ (before the fix: into 2F1 calls that did not converge); it is
        // either set aside with that reason or fitted with finite predictions.
        const pn = choice.candidates!.find((c) => c.model === 'pnbd')!;
        assert.ok(pn.setAside === null || /ridge|dropout/.test(pn.setAside), `pnbd: ${pn.setAside}`);
      }
      const v = choice.validation;
      assert.ok(Math.abs(v.predicted - v.actual) <= 0.1 * v.actual, `dropout ${dropout}: ${choice.fit.model} predicts ${v.predicted.toFixed(1)} holdout purchases, actual ${v.actual}`);
      for (const f of v.byFrequency) assert.ok(Number.isFinite(f.predicted), `by frequency x = ${f.x}`);

      // Scores of the chosen model: no customer's P(alive) or CLV is null, NaN or infinite.
      const chosen = choice.candidates!.find((c) => !c.setAside && c.fittedModel === choice.fit.model)!.model as PurchaseModelName;
      const r = await scoreStore(store, { ...CAL, model: chosen, scoresTable: 'nodrop_scores' });
      const [row] = await store.query<{ n: number; bad: number }>(`
        SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE p_alive IS NULL OR isnan(p_alive) OR isinf(p_alive)
          OR clv IS NULL OR isnan(clv) OR isinf(clv) OR expected_purchases IS NULL OR isnan(expected_purchases) OR isinf(expected_purchases)) AS bad
        FROM nodrop_scores`);
      assert.equal(Number(row.n), info.customers);
      assert.equal(Number(row.bad), 0, 'customers with a null, NaN or infinite P(alive), expected purchases or CLV');
      assert.ok(r.score.customerEquity !== null && Number.isFinite(r.score.customerEquity));
    } finally {
      await store.close();
    }
  } finally {
    scratch.cleanup();
  }
}
