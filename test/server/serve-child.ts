/**
 * The service in a child process for the crash test: the same startServer that `spiral serve`
 * runs, without the CLI around it. Its modules load first; with `--gate` it then waits for a line
 * on stdin before it opens the store, so the test can load the next server while the current one
 * runs (on a busy machine, loading DuckDB's native module takes seconds of waiting for a CPU).
 * Prints {"url":…} once ready; SIGTERM stops it gracefully.
 */
import { once } from 'node:events';
import { startServer } from '../../src/server/serve.js';

const dataDir = process.argv[2];
if (process.argv.includes('--gate')) {
  process.stdout.write('loaded\n');
  await once(process.stdin, 'data');
}
const server = await startServer({ dataDir, port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
