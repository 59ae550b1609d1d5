/**
 * `spiral strategy --db <path> --objective <name> [--json] [--out plan.html|plan.md]`: the Customer
 * Network Strategy Generator's five steps computed from the store's analysis.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { planFromStore } from '../../analysis/strategy.js';
import { renderPlanHtml, renderPlanMarkdown } from '../../report/plan.js';
import { OBJECTIVES, type ObjectiveName } from '../../strategy/plan.js';
import { UsageError } from '../errors.js';
import type { Output } from '../io.js';
import { withStore } from '../store.js';

interface StrategyFlags { db: string; objective: string; out?: string; json?: boolean }

export function registerStrategy(program: Command, out: (json: boolean) => Output): void {
  program
    .command('strategy')
    .description('a strategy plan for an objective: objective → customer selection → strategy selection → concepts → impact')
    .requiredOption('--db <location>', 'store: DuckDB file, postgres://…, chdb:<dir> or clickhouse://…')
    .requiredOption('--objective <name>', `one of ${OBJECTIVES.join(', ')}`)
    .option('--out <file>', 'write the plan as .html or .md')
    .option('--json', 'print the plan as JSON on the last line of stdout')
    .addHelpText('after', `
Every number in the plan names the analysis-result fields it comes from. Customer selection ranks the
k-means segments of the analysis (customer_segments) by the objective's relevance, each with its
barriers (behaviour gaps, funnel drop-off, complaint topics, journey times); strategy selection weighs
each behaviour's gap in those segments by its measured association with the KPI (an association, not
a causal effect). The JSON's fields only grow: existing ones keep their names.`)
    .action(async (flags: StrategyFlags) => {
      const o = out(Boolean(flags.json));
      if (!(OBJECTIVES as readonly string[]).includes(flags.objective)) throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}, got "${flags.objective}"`);
      if (flags.out !== undefined && !/\.(html?|md)$/i.test(flags.out)) throw new UsageError(`--out ${flags.out}: must end in .html or .md`);
      // any engine: the strategy's own SQL is ported; the analysis it runs stops at its first step not ported (analyze.ts)
      const { plan } = await withStore(flags.db, (store) => planFromStore(store, flags.objective as ObjectiveName, (step) => o.info(step)), { anyEngine: true });
      const md = renderPlanMarkdown(plan);
      if (flags.out) {
        writeFileSync(flags.out, /\.md$/i.test(flags.out) ? md : renderPlanHtml(plan));
        o.info(`plan written to ${flags.out}`);
      }
      o.result(plan, md);
    });
}
