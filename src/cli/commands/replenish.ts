/**
 * `spiral replenish --db <path> [--evaluate --holdout-from YYYY-MM-DD] [--json]`: next purchase date
 * and quantity per (customer, item) with an 80% interval; writes the store table `replenishment`,
 * or evaluates against the per-pair mean-interval baseline.
 */
import type { Command } from 'commander';
import { evaluateReplenishment, writeReplenishment, type ReplenishEvaluation, type ReplenishSummary } from '../../experiences/replenish/replenish.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { dateFlag } from '../options.js';
import { withStore } from '../store.js';

const f = (x: number | null | undefined, d = 2): string => (x === null || x === undefined ? '—' : x.toFixed(d));

function evaluationSummary(e: ReplenishEvaluation): string {
  if (e.mae === null) return `replenish: ${e.reason ?? 'nothing to evaluate'}`;
  const ratio = e.baseline.meanInterval.mae ? ` (×${(e.mae / e.baseline.meanInterval.mae).toFixed(2)} of the baseline)` : '';
  return [
    `replenish: ${fmtInt(e.pairs)} ${e.level === 'item' ? '(customer, item) pairs' : 'customers'} bought again from ${e.holdoutFrom} on (of ${fmtInt(e.pairsForecast)} forecast)`,
    `MAE ${f(e.mae)} days${ratio}; mean-interval baseline ${f(e.baseline.meanInterval.mae)} days; 80% intervals cover ${f((e.coverage80 ?? 0) * 100, 1)}%`,
  ].join('\n');
}

function writeSummary(s: ReplenishSummary): string {
  if (s.table === null) return `replenish: ${s.reason ?? 'nothing to forecast'}`;
  const lines = [
    `replenishment: ${fmtInt(s.pairs)} ${s.level === 'item' ? '(customer, item) pairs' : 'customers (the data has no items)'} of ${fmtInt(s.customers)} customers in table ${s.table}; ${fmtInt(s.dueWithinWeek)} due within a week of the last day`,
  ];
  if (s.fit) lines.push(`typical interval ${f(s.fit.intervalDays.median, 1)} days (log-sd within pairs ${f(s.fit.intervalDays.withinPairsLogSd)}, between pairs ${f(s.fit.intervalDays.betweenPairsLogSd)}, between items ${f(s.fit.intervalDays.betweenItemsLogSd)})`);
  if (s.quantityReason) lines.push(`note: ${s.quantityReason}`);
  return lines.join('\n');
}

export function registerReplenish(program: Command, out: (json: boolean) => Output): void {
  program
    .command('replenish')
    .description('next purchase date and quantity per (customer, item) with an 80% interval (automatic execution)')
    .requiredOption('--db <path>', 'store: a DuckDB file, postgres://… or chdb:<folder>')
    .option('--evaluate', 'evaluate on a time split (needs --holdout-from)')
    .option('--holdout-from <date>', 'first day of the holdout (YYYY-MM-DD)')
    .option('--json', 'print one JSON document as the last line of stdout')
    .addHelpText('after', `
Inter-purchase times (days between purchase days of a customer and an item) are log-normal; each pair's
log mean is shrunk toward its item's and the item's toward the population's (empirical Bayes), so two
purchases are enough. The due date is the median of the next interval given the days already elapsed.
Without --evaluate: writes the store table replenishment(customer_id, item_id, due, due_lower, due_upper,
quantity, quantity_lower, quantity_upper); item_id is null when the data has no items.
--evaluate: pairs with two purchase days before --holdout-from and a purchase after it; MAE in days of
the due date and 80% interval coverage, against the pair's mean interval.
Exit codes: 0 ok, 1 failed, 2 bad usage or input.

Examples:
  spiral replenish --db shop.duckdb
  spiral replenish --db shop.duckdb --evaluate --holdout-from 2023-07-01 --json`)
    .action(async (flags: { db: string; evaluate?: boolean; holdoutFrom?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      if (flags.evaluate) {
        const holdoutFrom = dateFlag('holdout-from', flags.holdoutFrom);
        if (!holdoutFrom) throw new UsageError('--evaluate needs --holdout-from YYYY-MM-DD');
        const e = await withStore(flags.db, (store) => evaluateReplenishment(store, holdoutFrom), { anyEngine: true });
        o.result(e, evaluationSummary(e));
        return;
      }
      if (flags.holdoutFrom !== undefined) throw new UsageError('--holdout-from needs --evaluate');
      const s = await withStore(flags.db, (store) => writeReplenishment(store), { anyEngine: true });
      o.result(s, writeSummary(s));
    });
}
