import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMapping } from '../../domain/mapping.js';
import { checkInputFile, type IngestReport } from '../../ingest/ingest.js';
import { ingestToStore } from '../../ingest/engines.js';
import { parseLocation } from '../../store/location.js';
import { openStoreFlag } from '../store.js';
import { ingestStoreOptions } from '../../analysis/store-options.js';
import { ThresholdError, UsageError } from '../errors.js';
import { fmtInt, type Output } from '../io.js';
import { rateFlag, readJsonFile, requireFile, writableFile } from '../options.js';

/** The mappings shipped with Spiral (examples/mappings/<name>.json), usable by name. */
export const BUNDLED_MAPPINGS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'mappings');

export function resolveMappingPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const bundled = join(BUNDLED_MAPPINGS, `${arg.replace(/\.json$/, '')}.json`);
  if (existsSync(bundled)) return bundled;
  throw new UsageError(`--mapping: ${arg}: no such file (nor a bundled mapping of that name)`);
}

export function defaultRejectFile(db: string): string {
  const loc = (() => {
    try {
      return parseLocation(db);
    } catch {
      return null;
    }
  })();
  // a server location: <database>.rejects.csv in the current folder; chdb:<dir>: beside the folder
  if (loc?.engine === 'chdb') return resolve(`${loc.dir.replace(/\/+$/, '')}.rejects.csv`);
  if (loc && loc.engine !== 'duckdb') {
    const name = decodeURIComponent(new URL(loc.url).pathname.replace(/^\//, '')) || 'spiral';
    return resolve(`${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.rejects.csv`);
  }
  return resolve(dirname(db), `${basename(db).replace(/\.duckdb$/, '')}.rejects.csv`);
}

interface IngestFlags {
  mapping: string;
  db: string;
  rejectFile?: string;
  maxRejectRate?: string;
  cluster?: string;
  json?: boolean;
}

export function registerIngest(program: Command, out: (json: boolean) => Output): void {
  program
    .command('ingest')
    .description('read event files (CSV/TSV, Parquet, NDJSON/JSON, gzipped too) into the store through a mapping')
    .argument('<files...>', 'files to ingest')
    .requiredOption('--mapping <file>', 'mapping config (JSON), or the name of a bundled one, e.g. cdnow_master')
    .requiredOption('--db <location>', 'store: a DuckDB file (created if missing), postgres://…, clickhouse://… or chdb:<dir>')
    .option('--reject-file <path>', 'where rejected rows go (default: <db>.rejects.csv beside the store)')
    .option('--max-reject-rate <r>', 'exit 1 when more than this share of rows is rejected (0..1)')
    .option('--cluster <name>', 'ClickHouse server only: create the tables ON CLUSTER <name> (replicated shards + Distributed tables, sharded by customer)')
    .option('--json', 'print one JSON summary as the last line of stdout')
    .addHelpText('after', `
Every row that cannot be read or mapped goes to the reject file (source,line,reason,raw) with its
physical line number; the good rows of the same file are kept. Re-ingesting a file adds nothing.
Exit codes: 0 completed (even with rejects), 1 failed or over --max-reject-rate, 2 bad usage or mapping.

Example:
  spiral ingest orders.csv --mapping my-mapping.json --db shop.duckdb`)
    .action(async (files: string[], flags: IngestFlags) => {
      const o = out(Boolean(flags.json));
      const maxRate = rateFlag('max-reject-rate', flags.maxRejectRate);
      const mappingPath = resolveMappingPath(flags.mapping);
      const mapping = parseMapping(readJsonFile('--mapping', mappingPath), basename(mappingPath));
      for (const f of files) checkInputFile(requireFile('ingest', f));
      const rejectFile = writableFile('--reject-file', flags.rejectFile ?? defaultRejectFile(flags.db));
      const store = await openStoreFlag(flags.db, { create: true, cluster: flags.cluster, ...ingestStoreOptions() });
      let report: IngestReport;
      const bar = o.progress('ingest', files.length * 4);
      try {
        report = await ingestToStore(store, files, mapping, {
          rejectFile,
          onProgress: ({ index, step, file }) => {
            const steps = { scan: 1, insert: 2, rejects: 3, done: 4 } as const;
            bar.update(index * 4 + steps[step], basename(file));
          },
        });
      } finally {
        bar.stop();
        await store.close();
      }
      const rows = report.accepted + report.rejected + report.duplicates;
      const where = store.location;
      const payload = { ...report, db: where, mapping: mapping.name };
      const lines = report.files.map(
        (f) => `  ${f.source}: ${fmtInt(f.accepted)} accepted, ${fmtInt(f.rejected)} rejected, ${fmtInt(f.duplicates)} duplicates`,
      );
      o.result(
        payload,
        [
          `ingested ${fmtInt(rows)} rows into ${where} in ${report.seconds.toFixed(1)} s`,
          ...lines,
          `accepted ${fmtInt(report.accepted)}, rejected ${fmtInt(report.rejected)}, duplicates ${fmtInt(report.duplicates)}; the store holds ${fmtInt(report.eventsInStore)} events`,
          report.rejectFile ? `rejected rows (with line and reason): ${report.rejectFile}` : 'no rows rejected',
        ].join('\n'),
      );
      if (maxRate !== undefined && rows > 0 && report.rejected / rows > maxRate) {
        throw new ThresholdError(
          `rejected ${fmtInt(report.rejected)} of ${fmtInt(rows)} rows (${((100 * report.rejected) / rows).toFixed(2)}%), above --max-reject-rate ${maxRate}`,
        );
      }
    });
}
