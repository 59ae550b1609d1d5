import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { startServer } from '../../server/serve.js';
import { UsageError } from '../errors.js';
import type { Output } from '../io.js';
import { intFlag } from '../options.js';

interface ServeFlags {
  dataDir: string;
  port: string;
  host: string;
  maxEventBytes?: string;
  maxBatchBytes?: string;
  json?: boolean;
}

export function registerServe(program: Command, out: (json: boolean) => Output): void {
  program
    .command('serve')
    .description('run the HTTP service: Segment-compatible ingest, profiles, analyses, report, dashboard')
    .requiredOption('--data-dir <dir>', 'folder of the workspaces (<workspace>.duckdb) and keys.json')
    .option('--port <n>', 'port (0 picks a free one)', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--max-event-bytes <n>', 'largest event accepted (default 32768, as Segment)')
    .option('--max-batch-bytes <n>', 'largest request body accepted (default 512000, as Segment)')
    .option('--json', 'print {"url":…,"port":…} as one JSON line once the service is ready')
    .addHelpText('after', `
Create keys first: spiral keys create --data-dir <dir> --workspace acme --role write
Each workspace is one DuckDB store, <dir>/<workspace>.duckdb: stop the service to run other
spiral commands on it with --db (DuckDB locks the file). SIGTERM or Ctrl-C stops gracefully:
batches in flight are committed and answered first.

Example:
  spiral serve --data-dir ./spiral-data --port 8080`)
    .action(async (flags: ServeFlags) => {
      const o = out(Boolean(flags.json));
      const dataDir = resolve(flags.dataDir);
      if (!existsSync(dataDir)) throw new UsageError(`--data-dir: ${dataDir}: no such folder (create keys with spiral keys create first)`);
      const port = intFlag('port', flags.port, 0)!;
      if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
      const limits = {
        ...(flags.maxEventBytes ? { maxEventBytes: intFlag('max-event-bytes', flags.maxEventBytes, 1) } : {}),
        ...(flags.maxBatchBytes ? { maxBatchBytes: intFlag('max-batch-bytes', flags.maxBatchBytes, 1) } : {}),
      };
      const server = await startServer({ dataDir, port, host: flags.host, limits });
      if (server.workspaces.length === 0) o.info(`no workspace has a key yet: spiral keys create --data-dir ${dataDir} --workspace <name> --role write`);
      o.result(
        { url: server.url, port: server.port, dataDir, workspaces: server.workspaces.length },
        `spiral serve: listening on ${server.url} (data ${dataDir}, ${server.workspaces.length} workspace(s)); API reference ${server.url}/docs`,
      );
      await new Promise<void>((done) => {
        const stop = (signal: string) => {
          process.stderr.write(`spiral serve: ${signal}: finishing in-flight batches, closing the stores…\n`);
          server.close().then(done, (e: unknown) => {
            process.stderr.write(`spiral serve: shutdown: ${(e as Error).message}\n`);
            done();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
