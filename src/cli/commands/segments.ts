/**
 * `spiral segments --db <db> [--rules <file.json>] [--json]`: thin segments (k-means over behaviour
 * scores, RFM, CLV, P(alive) and network position), the RFM grid, and the user's rule segments.
 */
import type { Command } from 'commander';
import { runSegmentsWithClv } from '../../analysis/segments.js';
import type { SegmentsSection } from '../../domain/sections/segments.js';
import type { Warning } from '../../domain/result.js';
import { parseRuleSet, RuleError, type RuleSet } from '../../segments/rules.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { readJsonFile } from '../options.js';
import { withStore } from '../store.js';
import { nextActionStoreOptions } from '../../analysis/store-options.js';

const money = (x: number | null): string => (x === null ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: 0 }));

export function segmentsSummary(s: SegmentsSection, warnings: Warning[]): string {
  const lines = [`${fmtInt(s.assignedCustomers)} customers in ${s.segments.length} segments (${s.criterion ? `k = ${s.criterion.chosenK} by ${s.criterion.rule}` : s.method}); customer equity ${money(s.customerEquity)}`];
  for (const g of s.segments) {
    lines.push(`  ${g.id} ${g.name}: ${fmtInt(g.size)} (${(g.share * 100).toFixed(1)}%), equity ${money(g.equity)}, mean CLV ${money(g.meanClv)}, at risk ${money(g.atRisk)}` +
      (g.gaps.length ? `; gaps: ${g.gaps.map((x) => `${x.behaviour} (d = ${x.effectSize.toFixed(2)})`).join(', ')}` : ''));
  }
  for (const r of s.ruleSegments) lines.push(`  rule "${r.name}": ${fmtInt(r.size)} customers, equity ${money(r.equity)}, at risk ${money(r.atRisk)}`);
  for (const w of warnings) lines.push(`warning: ${w.message}`);
  return lines.join('\n');
}

export function loadRules(path: string | undefined): RuleSet | undefined {
  if (path === undefined) return undefined;
  try {
    return parseRuleSet(readJsonFile('--rules', path), path);
  } catch (e) {
    if (e instanceof RuleError) throw new UsageError(`--rules: ${e.message}`);
    throw e;
  }
}

export function registerSegments(program: Command, out: (json: boolean) => Output): void {
  program
    .command('segments')
    .description('thin segments over behaviours, RFM, CLV, P(alive) and network position, with size, equity, risk, gaps and names; plus rule segments')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .option('--rules <file>', 'JSON rule segments: {"segments":[{"name":…,"rule":{"all":[{"field":"clv","op":">=","value":100}]}}]}')
    .option('--json', 'print {"segments":[…],"assignedCustomers":N,"criterion":…} as the last line of stdout')
    .addHelpText('after', `
Builds the per-customer table (customer_facts), the five behaviour scores (customer_behaviours) and the
segments (customer_segments) in the store. Scores CLV first when the store has no clv_scores table; uses
network_scores when present. Rule fields are columns of the view customer_table (customer_facts, the five
behaviour scores, segment, segment_name); ops: = != < <= > >= in not_in between is_null not_null; groups
all / any / not. Exit codes: 0 ok, 1 failed, 2 bad usage or input (e.g. a rule naming an unknown field).

Examples:
  spiral segments --db shop.duckdb
  spiral segments --db shop.duckdb --rules vip.json --json`)
    .action(async (flags: { db: string; rules?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const rules = loadRules(flags.rules);
      const warnings: Warning[] = [];
      const r = await withStore(flags.db, async (store) => {
        try {
          return await runSegmentsWithClv(store, { rules, onProgress: (s) => o.info(s) }, warnings);
        } catch (e) {
          if (e instanceof RuleError) throw new UsageError(`--rules: ${e.message}`);
          throw e;
        }
      }, { ...nextActionStoreOptions(), anyEngine: true });
      o.result({ ...r.segments, warnings }, segmentsSummary(r.segments, warnings));
    });
}
