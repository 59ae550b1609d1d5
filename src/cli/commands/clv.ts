/**
 * `spiral clv fit | score`. Registering the commands loads only this file and the model names; each
 * action imports what it runs (the summary CSV path: DuckDB in memory, the CSV reader and the models;
 * the store paths: the store, the date scope and the SQL summaries), so `clv --help` and
 * `clv fit --summary` load no store client they do not use.
 */
import type { Store } from '../../store/types.js';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { MODEL_REQUESTS, PURCHASE_MODELS, type ModelRequest, type PurchaseModelName } from '../../clv/models.js';
import type { ClvFitReport } from '../../clv/pipeline.js';
import { ClvInputError } from '../../clv/errors.js';
import type { TimeUnit } from '../../clv/summary.js';
import { InvalidArgumentsError } from '../../models/numeric/errors.js';
import { ThresholdError, UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { dateFlag, intFlag, requireFile, writableFile } from '../options.js';

const UNITS: readonly TimeUnit[] = ['day', 'week', 'month'];
const MODEL_NAMES: Record<string, string> = {
  bgnbd: 'BG/NBD', pnbd: 'Pareto/NBD', mbgnbd: 'MBG/NBD', nbd: 'NBD (no dropout)', bgbb: 'BG/BB', ggamma: 'Gamma-Gamma',
};

interface FitFlags {
  db?: string;
  summary?: string;
  model: string;
  unit?: string;
  calibrationEnd?: string;
  holdoutEnd?: string;
  json?: boolean;
}

interface ScoreFlags {
  db: string;
  model: string;
  unit: string;
  calibrationEnd: string;
  holdoutEnd?: string;
  horizon?: string;
  discountRate?: string;
  margin?: string;
  out: string;
  json?: boolean;
}

function modelFlag(v: string): ModelRequest {
  if (!(MODEL_REQUESTS as readonly string[]).includes(v)) throw new UsageError(`--model must be one of ${MODEL_REQUESTS.join(', ')}, got "${v}"`);
  return v as ModelRequest;
}

function unitFlag(v: string | undefined): TimeUnit {
  if (v === undefined) throw new UsageError('--unit is required with --db (day, week or month)');
  if (!(UNITS as readonly string[]).includes(v)) throw new UsageError(`--unit must be day, week or month, got "${v}"`);
  return v as TimeUnit;
}

function numberFlag(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${v}"`);
  return n;
}

/**
 * Opens the store for a CLV command with the analysis's date scope: events dated after the latest
 * ingest or before 1970 are left out of the models, with a warning (issue 17.3), as in analyze.
 */
async function openStore(db: string, o: Output): Promise<Store> {
  const [{ openExistingStore }, { scopeToPlausibleDates }] = await Promise.all([import('../store.js'), import('../../analysis/scope.js')]);
  const store = await openExistingStore(db);
  try {
    const scope = await scopeToPlausibleDates(store);
    if (scope) o.warn(`warning (${scope.section}): ${scope.message}`);
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}

/** Bad input found by the CLV code is a usage error (exit 2); a fit that fails stays exit 1. */
async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ClvInputError || e instanceof InvalidArgumentsError) throw new UsageError(e.message);
    throw e;
  }
}

const fmt = (v: number, d = 4): string => (Number.isFinite(v) ? v.toFixed(d) : String(v));
/** A count-like number with thousands separators and one decimal (e.g. predicted purchases). */
const fmtCount = (v: number): string => (Number.isFinite(v) ? v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : String(v));

function describeFit(r: ClvFitReport): string {
  const lines = [
    `${MODEL_NAMES[r.model]}${r.requestedModel === 'auto' ? ' (chosen by auto)' : ''} fitted on ${fmtInt(r.customers)} customers (${fmtInt(r.tuples)} distinct tuples)` +
      (r.unit ? `, unit ${r.unit}, calibration to ${r.calibrationEnd}` : ''),
    ...Object.keys(r.params).map((k) => `  ${k.padEnd(6)} ${fmt(r.params[k]).padStart(12)}  (SE ${fmt(r.stdErrors[k])})`),
    `log-likelihood ${fmt(r.logLikelihood, 2)}; ${r.converged ? `converged in ${r.iterations} iterations` : 'DID NOT CONVERGE'}`,
  ];
  if (r.boundary) lines.push(`warning: ${r.boundary.message}`);
  if (r.holdout) {
    const h = r.holdout;
    lines.push(
      `holdout to ${r.holdoutEnd}${h.length !== null ? ` (${fmt(h.length, 1)} ${r.unit}s)` : ''}: actual ${fmtInt(h.actual)} ${h.measure}, predicted ${fmtCount(h.predicted)} ` +
        `(${((100 * (h.predicted - h.actual)) / Math.max(h.actual, 1e-12)).toFixed(1)}%); per customer MAE ${fmt(h.mae)}, RMSE ${fmt(h.rmse)}`,
    );
  }
  if (r.candidates) {
    lines.push(`auto: ${r.selection}`);
    for (const c of r.candidates) {
      const as = c.fittedModel && c.fittedModel !== c.model ? ` (as ${c.fittedModel})` : '';
      lines.push(c.setAside
        ? `  ${c.model.padEnd(7)} set aside: ${c.setAside}`
        : `  ${c.model.padEnd(7)} LL ${fmt(c.logLikelihood ?? NaN, 2)}${as}${c.boundary ? ' [no-dropout boundary]' : ''}${c.holdout ? `, holdout predicted ${fmtCount(c.holdout.predicted)}, RMSE ${fmt(c.holdout.rmse)}` : ''}`);
    }
  }
  return lines.join('\n');
}

export function registerClv(program: Command, out: (json: boolean) => Output): void {
  const clv = program
    .command('clv')
    .description('customer lifetime value: fit buy-till-you-die models, validate on a holdout, score every customer');

  clv
    .command('fit')
    .description('fit BG/NBD, Pareto/NBD, MBG/NBD, NBD, BG/BB or Gamma-Gamma on the store (SQL summaries) or on a summary CSV')
    .option('--db <location>', 'store: DuckDB file, postgres://…, chdb:<dir> or clickhouse://… (purchase events)')
    .option('--summary <csv>', 'a summary CSV: x,t_x,T (or x,t_x,n for bgbb) [,count] [,monetary]')
    .requiredOption('--model <name>', `model: ${MODEL_REQUESTS.join('|')} (nbd: no dropout; auto: smallest holdout error among the models that predict)`)
    .option('--unit <unit>', 'time unit of t_x and T: day|week|month (with --db)')
    .option('--calibration-end <date>', 'last calibration day, YYYY-MM-DD, inclusive (with --db)')
    .option('--holdout-end <date>', 'last holdout day, YYYY-MM-DD: validate predicted vs actual repeat purchases')
    .option('--json', 'print one JSON document as the last line of stdout')
    .addHelpText('after', `
x = repeat purchases (purchase days after the first; several purchases on one day are one),
t_x = first to last purchase, T = first purchase to the calibration end, in the unit. Models fit on
the distinct (x, t_x, T) tuples with their counts; standard errors come from the Hessian.
The JSON has model, params (r, alpha, a, b | r, alpha, s, beta | r, alpha | alpha, beta, gamma, delta | p, q, gamma),
stdErrors, logLikelihood (sum over customers), converged, customers, and with --holdout-end
holdout.actual / holdout.predicted (aggregate repeat purchases), mae, rmse and the weekly tracking curve.
No-dropout boundary: when customers are all still buying, BG/NBD and MBG/NBD run off to a, b → ∞
and are reported at that limit (params r, alpha, p: one dropout probability for everyone), or as
the NBD when p → 0; Pareto/NBD (s, β → ∞) is kept at its fitted point with the mean dropout rate
s/β. "boundary" in the JSON says which, and a warning line says why.
auto fits bgnbd, pnbd, mbgnbd and nbd and chooses only among those that produced holdout
predictions (smallest per-customer RMSE; without a holdout the smallest AIC); each other candidate
is listed with the reason it was set aside, and none left is an error.
Exit codes: 0 ok, 1 the fit failed or did not converge, 2 bad usage or input.

Examples:
  spiral clv fit --db cdnow.duckdb --model bgnbd --unit week --calibration-end 1997-09-30 --holdout-end 1998-06-30 --json
  spiral clv fit --db shop.duckdb --model auto --unit week --calibration-end 2024-06-30 --holdout-end 2024-12-31
  spiral clv fit --summary rfm.csv --model pnbd --json
  spiral clv fit --summary donations.csv --model bgbb`)
    .action(async (flags: FitFlags) => {
      const o = out(Boolean(flags.json));
      const model = modelFlag(flags.model);
      if ((flags.db === undefined) === (flags.summary === undefined)) throw new UsageError('clv fit needs exactly one of --db or --summary');
      const report = await asUsage(async () => {
        const fitOptions = { throwOnNonConvergence: false };
        if (flags.summary !== undefined) {
          requireFile('--summary', flags.summary);
          const [{ openDuckDb }, { readSummaryCsv }, { fitFromTuples }] = await Promise.all([
            import('../../store/duckdb/index.js'), import('../../clv/summary-csv.js'), import('../../clv/pipeline.js'),
          ]);
          const mem = await openDuckDb(':memory:');
          try {
            const csv = await readSummaryCsv(mem, resolve(flags.summary));
            o.info(`read ${fmtInt(csv.rows)} rows (${csv.columns.join(', ')}) from ${flags.summary}`);
            return await fitFromTuples(model, {
              ...(csv.rfm ? { rfm: csv.rfm } : {}), ...(csv.discrete ? { discrete: csv.discrete } : {}), ...(csv.spend ? { spend: csv.spend } : {}),
            }, fitOptions);
          } finally {
            await mem.close();
          }
        }
        const unit = unitFlag(flags.unit);
        const calibrationEnd = dateFlag('calibration-end', flags.calibrationEnd);
        if (calibrationEnd === undefined) throw new UsageError('--calibration-end is required with --db (YYYY-MM-DD)');
        const holdoutEnd = dateFlag('holdout-end', flags.holdoutEnd);
        const { fitFromStore } = await import('../../clv/pipeline.js');
        const store = await openStore(flags.db!, o);
        try {
          return await fitFromStore(store, { model, unit, calibrationEnd, ...(holdoutEnd ? { holdoutEnd } : {}), fitOptions });
        } finally {
          await store.close();
        }
      });
      o.result(report, describeFit(report));
      if (!report.converged) {
        throw new ThresholdError(`${MODEL_NAMES[report.model]} did not converge (the estimates shown are the best point found, not a maximum)`);
      }
    });

  clv
    .command('score')
    .description('fit a purchase model and Gamma-Gamma, write per-customer P(alive), expected purchases, expected spend and CLV')
    .requiredOption('--db <location>', 'store: DuckDB file, postgres://…, chdb:<dir> or clickhouse://… (purchase events)')
    .requiredOption('--model <name>', `purchase model: ${PURCHASE_MODELS.join('|')}|auto (nbd: no dropout)`)
    .requiredOption('--unit <unit>', 'time unit: day|week|month')
    .requiredOption('--calibration-end <date>', 'last day of history used, YYYY-MM-DD; scores look forward from here')
    .option('--holdout-end <date>', 'with --model auto: choose the model on this holdout')
    .option('--horizon <n>', 'CLV and expected purchases over this many periods of the unit (default: one year); inf: unbounded (closed-form DERT; pnbd, nbd, or BG/NBD / MBG/NBD at their no-dropout limit)')
    .option('--discount-rate <r>', 'annual discount rate, e.g. 0.1 for 10% (default 0.1)')
    .option('--margin <m>', 'profit margin applied to spend (default 1: CLV in revenue)')
    .requiredOption('--out <file>', 'scores file: .parquet or .csv')
    .option('--json', 'print one JSON document as the last line of stdout')
    .addHelpText('after', `
Writes customer_id, x, t_x, T, monetary, p_alive, expected_purchases (next --horizon periods),
expected_spend (Gamma-Gamma mean per purchase), clv (discounted, per --discount-rate) to --out, and
keeps them in the store's table clv_scores for later SQL joins.
  CLV = margin × E[spend | x, m] × Σ_{k=1..H} ΔE[Y(k) | x, t_x, T] / (1 + d)^k,  d = (1 + annual)^(unit/year) − 1
--horizon inf: CLV = margin × E[spend | x, m] × DERT at the continuous rate ln(1 + d) per period, in
closed form (Pareto/NBD: Fader, Hardie & Lee 2005 eq. 2; NBD: (r + x)/((α + T) δ); BG/NBD and MBG/NBD
only at their no-dropout limit — otherwise refused, exit 2); expected_purchases then looks one year ahead.

Examples:
  spiral clv score --db cdnow.duckdb --model bgnbd --unit week --calibration-end 1998-06-30 --horizon 52 --discount-rate 0.1 --out scores.parquet
  spiral clv score --db shop.duckdb --model auto --unit week --calibration-end 2024-06-30 --holdout-end 2024-12-31 --out scores.csv --json`)
    .action(async (flags: ScoreFlags) => {
      const o = out(Boolean(flags.json));
      const model = modelFlag(flags.model);
      if (model === 'bgbb' || model === 'ggamma') throw new UsageError(`clv score needs a continuous-time purchase model (${PURCHASE_MODELS.join(', ')} or auto), got ${model}`);
      const unit = unitFlag(flags.unit);
      const calibrationEnd = dateFlag('calibration-end', flags.calibrationEnd)!;
      const holdoutEnd = dateFlag('holdout-end', flags.holdoutEnd);
      const horizon = flags.horizon !== undefined && /^inf(inity)?$/i.test(flags.horizon.trim()) ? Infinity : intFlag('horizon', flags.horizon, 1);
      const annual = numberFlag('discount-rate', flags.discountRate, 0);
      const margin = numberFlag('margin', flags.margin, 0);
      const outPath = resolve(flags.out);
      if (!/\.(parquet|csv)$/i.test(outPath)) throw new UsageError(`--out must end in .parquet or .csv, got "${flags.out}"`);
      writableFile('--out', outPath);
      const [{ fitSummary, scoreStore }, { exportFormat, exportScores }, { dialectOf }] = await Promise.all([
        import('../../clv/pipeline.js'), import('../../clv/score.js'), import('../../sql/dialect.js'),
      ]);
      const store = await openStore(flags.db, o);
      try {
        await asUsage(async () => exportFormat(store, outPath));
        const r = await asUsage(() => scoreStore(store, {
          model: model as PurchaseModelName | 'auto', unit, calibrationEnd, ...(holdoutEnd ? { holdoutEnd } : {}),
          ...(horizon !== undefined ? { horizonPeriods: horizon } : {}),
          ...(annual !== undefined ? { annualDiscountRate: annual } : {}),
          ...(margin !== undefined ? { margin } : {}),
        }));
        const format = await exportScores(store, r.score.table, outPath);
        const [stats] = await store.query<{ p_alive: number | null; purchases: number | null; clv_mean: number | null; clv_median: number | null }>(
          `SELECT AVG(p_alive) AS p_alive, SUM(expected_purchases) AS purchases, AVG(clv) AS clv_mean, ${dialectOf(store).quantile('clv', 0.5)} AS clv_median FROM ${r.score.table}`);
        const fit = fitSummary(r.choice.fit);
        const payload = {
          ...fit,
          requestedModel: model,
          unit, calibrationEnd, holdoutEnd: holdoutEnd ?? null,
          spend: r.spend ? fitSummary(r.spend) : null,
          spendNote: r.spendError ?? r.spendNote,
          candidates: r.choice.candidates,
          selection: r.choice.selection,
          horizon: r.discount.horizonPeriods === Infinity ? 'inf' : r.discount.horizonPeriods,
          purchaseHorizon: r.purchaseHorizon,
          boundary: fit.boundary,
          discount: r.discount,
          table: r.score.table,
          out: outPath,
          format,
          scored: r.score.customers,
          customerEquity: r.score.customerEquity,
          meanPAlive: stats.p_alive,
          expectedPurchases: stats.purchases,
          meanClv: stats.clv_mean,
          medianClv: stats.clv_median,
          columns: ['customer_id', 'x', 't_x', 'T', 'monetary', 'p_alive', 'expected_purchases', 'expected_spend', 'clv'],
        };
        o.result(payload, [
          `${MODEL_NAMES[fit.model]} + ${r.spend ? 'Gamma-Gamma' : 'no spend model'} scored ${fmtInt(r.score.customers)} customers → ${outPath} (and table ${r.score.table})`,
          ...(fit.boundary ? [`warning: ${fit.boundary.message}`] : []),
          ...(r.choice.candidates ? [`auto: ${r.choice.selection}`] : []),
          `horizon ${r.discount.horizonPeriods === Infinity ? `unbounded (closed-form DERT; expected purchases over ${r.purchaseHorizon} ${unit}s)` : `${r.discount.horizonPeriods} ${unit}s`}, discount ${(100 * r.discount.annualRate).toFixed(1)}% a year (${(100 * r.discount.perPeriodRate).toFixed(4)}% a ${unit})`,
          `expected purchases in ${r.purchaseHorizon} ${unit}s: ${fmt(stats.purchases ?? NaN, 1)}; mean P(alive) ${fmt(stats.p_alive ?? NaN, 3)}`,
          r.score.customerEquity === null ? `no CLV: ${r.spendError ?? 'no spend model'}` : `customer equity ${fmt(r.score.customerEquity, 2)}; mean CLV ${fmt(stats.clv_mean ?? NaN, 2)}, median ${fmt(stats.clv_median ?? NaN, 2)}`,
        ].join('\n'));
        if (!r.choice.fit.converged) throw new ThresholdError(`${MODEL_NAMES[fit.model]} did not converge`);
      } finally {
        await store.close();
      }
    });
}
