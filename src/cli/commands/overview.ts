import type { Command } from 'commander';
import { computeOverview } from '../../analysis/overview.js';
import { scopeToPlausibleDates } from '../../analysis/scope.js';
import { withStore } from '../store.js';
import { fmtInt, type Output } from '../io.js';

/** `spiral overview`: the data overview of the store (the analysis result's `overview`), on any engine. */
export function registerOverview(program: Command, out: (json: boolean) => Output): void {
  program
    .command('overview')
    .description('the data overview of a store: customers, events by type and week, span, revenue, repeat rate')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .option('--json', 'print one JSON document as the last line of stdout')
    .addHelpText('after', `
Runs on every engine (DuckDB, Postgres, ClickHouse/chdb). Events dated after the latest ingest or
before 1970 are left out, with a warning, as in spiral analyze.
Exit codes: 0 ok, 1 failed (e.g. the store cannot be reached), 2 bad usage.

Example:
  spiral overview --db postgres://spiral:secret@localhost:5432/shop --json`)
    .action(async (flags: { db: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const ov = await withStore(flags.db, async (store) => {
        const scope = await scopeToPlausibleDates(store);
        if (scope) o.warn(`warning (${scope.section}): ${scope.message}`);
        return computeOverview(store);
      }, { anyEngine: true });
      const span = ov.span.start ? `${ov.span.start.slice(0, 10)} … ${ov.span.end?.slice(0, 10)}` : 'no events';
      o.result(ov, [
        `${fmtInt(ov.events)} events of ${fmtInt(ov.customers)} customers (${span})`,
        ...ov.eventsByType.map((t) => `  ${t.type}: ${fmtInt(t.events)} events, ${fmtInt(t.customers)} customers`),
        `purchasers ${fmtInt(ov.purchasers)}, repeat rate ${ov.repeatRate === null ? '—' : `${(100 * ov.repeatRate).toFixed(1)}%`}, revenue ${ov.revenue.net ?? '—'}`,
      ].join('\n'));
    });
}
