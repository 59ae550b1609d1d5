import { withStore } from '../store.js';
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyze } from '../../analysis/analyze.js';
import { analysisStoreOptions } from '../../analysis/store-options.js';
import { AnalysisResultSchema, type AnalysisResult } from '../../domain/result.js';
import { renderReport } from '../../report/index.js';
import { UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { readJsonFile, writableFile } from '../options.js';

export { ANALYZE_MEMORY_LIMIT, analysisStoreOptions } from '../../analysis/store-options.js';

export async function analyzeDb(db: string, o: Output): Promise<AnalysisResult> {
  return withStore(db, (store) => analyze(store, { onProgress: (step) => o.info(`analysing: ${step}`) }), {
    ...analysisStoreOptions(),
    // analyze() itself stops at the first section not ported to the store's engine (issue 13)
    anyEngine: true,
  });
}

export function writeReport(result: AnalysisResult, path: string, title?: string): string {
  const out = resolve(path);
  writeFileSync(out, renderReport(result, title ? { title } : {}));
  return out;
}

export function registerAnalyze(program: Command, out: (json: boolean) => Output): void {
  program
    .command('analyze')
    .description('analyse the store and write the analysis result (one versioned JSON document)')
    .requiredOption('--db <location>', 'store: a DuckDB file, postgres://…, clickhouse://… or chdb:<dir>')
    .requiredOption('--out <file>', 'where the analysis result JSON goes')
    .option('--report <file>', 'also write the HTML report here')
    .option('--title <text>', 'title of the report (e.g. the brand)')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (flags: { db: string; out: string; report?: string; title?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const outPath = writableFile('--out', flags.out);
      if (flags.report) writableFile('--report', flags.report);
      const result = await analyzeDb(flags.db, o);
      o.info(flags.report ? 'analysing: writing the result and the report' : 'analysing: writing the result');
      writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
      const reportPath = flags.report ? writeReport(result, flags.report, flags.title) : null;
      o.result(
        { result: outPath, report: reportPath, schemaVersion: result.schemaVersion, customers: result.overview.customers, events: result.overview.events, warnings: result.warnings },
        [
          `analysed ${fmtInt(result.overview.events)} events of ${fmtInt(result.overview.customers)} customers → ${outPath}`,
          ...(reportPath ? [`report: ${reportPath}`] : []),
          ...result.warnings.map((w) => `warning (${w.section}): ${w.message}`),
        ].join('\n'),
      );
    });

  program
    .command('report')
    .description('write the self-contained HTML report (from the store, or from a saved analysis result)')
    .option('--db <path>', 'DuckDB store file to analyse')
    .option('--result <file>', 'an analysis result JSON written by spiral analyze')
    .requiredOption('--out <file>', 'where the HTML report goes')
    .option('--title <text>', 'title of the report (e.g. the brand)')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (flags: { db?: string; result?: string; out: string; title?: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      if ((flags.db === undefined) === (flags.result === undefined)) {
        throw new UsageError('report needs exactly one of --db or --result');
      }
      writableFile('--out', flags.out);
      const result = flags.db
        ? await analyzeDb(flags.db, o)
        : AnalysisResultSchema.parse(readJsonFile('--result', flags.result!));
      const reportPath = writeReport(result, flags.out, flags.title);
      o.result({ report: reportPath }, `report: ${reportPath}`);
    });
}
