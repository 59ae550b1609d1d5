/**
 * `spiral recommend --db <path> (--customer <id> [--k 10] | --evaluate --holdout-from YYYY-MM-DD [--k 10])
 *   [--model auto|itemknn|social|popularity|recent|repeat|ease|blend] [--json]`; without --customer
 * or --evaluate it writes the store table `recommendations` (top k for every customer).
 */
import type { Command } from 'commander';
import {
  evaluateRecommendations, recommendFor, writeRecommendations, MODEL_CHOICES,
  type Evaluation, type Metrics, type RecommendSummary, type CustomerRecommendations,
} from '../../experiences/recommend/recommend.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { dateFlag, intFlag } from '../options.js';
import { withStore } from '../store.js';

const f = (x: number | null, d = 4): string => (x === null ? '—' : x.toFixed(d));

function metricsLine(name: string, m: Metrics): string {
  return `  ${name.padEnd(11)} recall ${f(m.recall)}  NDCG ${f(m.ndcg)}  coverage ${f(m.coverage)}${m.reason ? `  (${m.reason})` : ''}`;
}

export function evaluationSummary(e: Evaluation): string {
  const lines = [
    `recommend: k = ${e.k}, holdout from ${e.holdoutFrom}, ${fmtInt(e.customers)} customers evaluated (relevant: ${e.relevance === 'actions' ? 'saved, carted or bought' : 'reviewed with rating ≥ 4'})`,
    `chosen: ${e.model}${e.params ? ` (${e.params})` : ''} — recall@${e.k} ${f(e.recall)}, NDCG@${e.k} ${f(e.ndcg)}, coverage ${f(e.coverage)}`,
  ];
  const best = Math.max(e.baselines.popularity.recall ?? 0, e.baselines.recent.recall ?? 0);
  if (e.recall !== null && best > 0) lines.push(`vs the better baseline: ×${(e.recall / best).toFixed(2)}`);
  lines.push('all models on the holdout:');
  for (const [name, m] of Object.entries(e.models)) lines.push(metricsLine(name, m));
  if (e.selection.inner) lines.push(`chosen on the inner split ${e.selection.inner.trainEnd} to ${e.selection.inner.validationEnd} (${fmtInt(e.selection.inner.customers)} customers)`);
  if (e.reason) lines.push(`note: ${e.reason}`);
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function writeSummary(s: RecommendSummary): string {
  const lines = [
    `recommendations: ${fmtInt(s.rows)} rows for ${fmtInt(s.customers)} customers (top ${s.k}) in table ${s.table}; model ${s.model}${s.params ? ` (${s.params})` : ''}`,
    `coverage ${f(s.coverage)}; ${fmtInt(s.popularityFill)} rows filled with popular items; ${fmtInt(s.customersShort)} customers with fewer than ${s.k}`,
  ];
  for (const w of s.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

function customerSummary(c: CustomerRecommendations): string {
  if (c.items.length === 0) return `customer ${c.customerId}: no recommendation (${c.reason ?? 'no items'})`;
  return [`customer ${c.customerId}: top ${c.k} (${c.source === 'table' ? 'from table recommendations' : `model ${c.model}`})`,
    ...c.items.map((r) => `  ${String(r.rank).padStart(3)}. ${r.itemId}  ${r.score.toPrecision(4)}  ${r.model}`)].join('\n');
}

export function registerRecommend(program: Command, out: (json: boolean) => Output): void {
  program
    .command('recommend')
    .description('top-k item recommendations per customer (curated offering): write the table, show one customer, or evaluate on a time split')
    .requiredOption('--db <path>', 'store: a DuckDB file, postgres://… or chdb:<folder>')
    .option('--customer <id>', 'show the top k for one customer')
    .option('--evaluate', 'evaluate on a time split (needs --holdout-from)')
    .option('--holdout-from <date>', 'first day of the holdout (YYYY-MM-DD)')
    .option('--k <n>', 'recommendations per customer', '10')
    .option('--model <name>', `${MODEL_CHOICES.join('|')}`, 'auto')
    .option('--json', 'print one JSON document as the last line of stdout')
    .addHelpText('after', `
Models: popularity and recent (the customer's own items, latest first) are the baselines; repeat ranks
the customer's own items by a time-decayed, type-weighted frequency; itemknn is item-based collaborative
filtering (cosine with shrinkage over item pairs counted in the store); ease is Steck's EASE on the most
popular items; social ranks what the people a customer follows (follow events with a peer_id) liked or
bought; blend = own items, then itemknn, then social. All but the baselines are filled up to k with the
most popular items. auto chooses on an inner split inside the training period.
Without --customer or --evaluate: writes the store table recommendations(customer_id, rank, item_id, score, model).
Evaluation: relevant items = distinct items saved, carted or bought from --holdout-from on (reviews with
rating >= 4 when the store has none), among customers with an event before it; recall@k, NDCG@k, coverage.
Exit codes: 0 ok, 1 failed, 2 bad usage or input (unknown customer, a date outside the data, no items,
--model social without a network).

Examples:
  spiral recommend --db shop.duckdb
  spiral recommend --db shop.duckdb --customer c42 --k 5
  spiral recommend --db shop.duckdb --evaluate --holdout-from 2017-12-02 --json`)
    .action(async (flags: { db: string; customer?: string; evaluate?: boolean; holdoutFrom?: string; k?: string; model?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const k = intFlag('k', flags.k, 1) ?? 10;
      const model = flags.model ?? 'auto';
      if (!(MODEL_CHOICES as readonly string[]).includes(model)) throw new UsageError(`--model must be one of ${MODEL_CHOICES.join(', ')}, got "${model}"`);
      if (flags.customer !== undefined && flags.evaluate) throw new UsageError('--customer and --evaluate cannot be used together');
      if (flags.evaluate) {
        const holdoutFrom = dateFlag('holdout-from', flags.holdoutFrom);
        if (!holdoutFrom) throw new UsageError('--evaluate needs --holdout-from YYYY-MM-DD');
        const e = await withStore(flags.db, (store) => evaluateRecommendations(store, { holdoutFrom, k, model }), { anyEngine: true });
        o.result(e, evaluationSummary(e));
        return;
      }
      if (flags.holdoutFrom !== undefined) throw new UsageError('--holdout-from needs --evaluate');
      if (flags.customer !== undefined) {
        const c = await withStore(flags.db, (store) => recommendFor(store, flags.customer as string, { k, model }), { anyEngine: true });
        o.result(c, customerSummary(c));
        return;
      }
      o.info('recommend: choosing a model and ranking items for every customer…');
      const s = await withStore(flags.db, (store) => writeRecommendations(store, { k, model }), { anyEngine: true });
      o.result(s, writeSummary(s));
    });
}
