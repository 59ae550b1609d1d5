/**
 * `spiral actions --db <db> --out <actions.csv|.parquet> [--json]`: every customer's experience and
 * next action, one row each: customer_id,segment,experience,action,items,due,expected_value,reason.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { runSegmentsWithClv } from '../../analysis/segments.js';
import type { Warning } from '../../domain/result.js';
import { ACTION_COLUMNS, ACTIONS_TABLE } from '../../experiences/actions.js';
import { lit } from '../../sql/quote.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { withStore } from '../store.js';
import { nextActionStoreOptions } from '../../analysis/store-options.js';
import type { Store } from '../../store/types.js';
import { openDuckDb } from '../../store/duckdb/index.js';
import { dialectOf } from '../../sql/dialect.js';

/**
 * Postgres, ClickHouse: the rows come back (one per customer, small next to the events) and an
 * in-memory DuckDB writes the file, so the CSV and Parquet are the same as DuckDB's COPY writes.
 */
async function copyActionsToFile(store: Store, path: string, format: string): Promise<void> {
  const d = dialectOf(store);
  const cols = ACTION_COLUMNS.map((c) => (c === 'due' ? `CAST(due AS ${d.types.text}) AS due` : c)).join(', ');
  const rows = await store.query(`SELECT ${cols} FROM ${ACTIONS_TABLE} ORDER BY customer_id`);
  const duck = await openDuckDb(':memory:');
  try {
    await duck.exec(`CREATE TABLE a (${ACTION_COLUMNS.map((c) => `${c} ${c === 'expected_value' ? 'DOUBLE' : 'VARCHAR'}`).join(', ')})`);
    for (let lo = 0; lo < rows.length; lo += 2000) {
      const chunk = rows.slice(lo, lo + 2000);
      await duck.query(
        `INSERT INTO a VALUES ${chunk.map(() => `(${ACTION_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`,
        chunk.flatMap((r) => ACTION_COLUMNS.map((c) => (r[c] === null || r[c] === undefined ? null : c === 'expected_value' ? Number(r[c]) : String(r[c])))),
      );
    }
    await duck.exec(`COPY (SELECT * FROM a ORDER BY customer_id) TO ${lit(path)} (${format})`);
  } finally {
    await duck.close();
  }
}

export function registerActions(program: Command, out: (json: boolean) => Output): void {
  program
    .command('actions')
    .description('every customer\'s connected experience (respond, curate, coach, automate or none) and next action, with the reason and expected value')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .requiredOption('--out <file>', 'actions file: .csv or .parquet')
    .option('--json', 'print the summary (customers per experience) as JSON on the last line of stdout')
    .addHelpText('after', `
One row per customer: customer_id,segment,experience,action,items,due,expected_value,reason. Items are
space-separated item ids; due is a date (YYYY-MM-DD) or empty. Uses the store tables recommendations and
replenishment when they exist, else the customer's own items / the brand's popular items (the reason says
which). Scores CLV first when the store has no clv_scores table. Exit codes: 0 ok, 1 failed, 2 bad usage.

Examples:
  spiral actions --db shop.duckdb --out actions.csv
  spiral actions --db shop.duckdb --out actions.parquet --json`)
    .action(async (flags: { db: string; out: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const m = /\.(csv|parquet)$/i.exec(flags.out);
      if (!m) throw new UsageError(`--out must end in .csv or .parquet, got "${flags.out}"`);
      const path = resolve(flags.out);
      const warnings: Warning[] = [];
      const r = await withStore(flags.db, async (store) => {
        const res = await runSegmentsWithClv(store, { onProgress: (s) => o.info(s) }, warnings);
        const format = m[1].toLowerCase() === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT parquet';
        if (store.dialect === 'duckdb') {
          const cols = ACTION_COLUMNS.map((c) => (c === 'due' ? `strftime(due, '%Y-%m-%d') AS due` : c)).join(', ');
          await store.exec(`COPY (SELECT ${cols} FROM ${ACTIONS_TABLE} ORDER BY customer_id) TO ${lit(path)} (${format})`);
        } else await copyActionsToFile(store, path, format);
        return res;
      }, { ...nextActionStoreOptions(), anyEngine: true });
      const e = r.experiences;
      const counts = Object.fromEntries(e.byExperience.map((x) => [x.experience, x.customers]));
      o.result(
        { out: path, customers: e.customers, experiences: counts, expectedValue: Object.fromEntries(e.byExperience.map((x) => [x.experience, x.expectedValue])), sources: e.sources, warnings },
        `${fmtInt(e.customers)} customers → ${path}\n` + e.byExperience.map((x) => `  ${x.experience}: ${fmtInt(x.customers)} (${(x.share * 100).toFixed(1)}%), expected value ${x.expectedValue.toFixed(0)}`).join('\n') +
          warnings.map((w) => `\nwarning: ${w.message}`).join(''),
      );
    });
}
