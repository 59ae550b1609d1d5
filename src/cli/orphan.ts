import { Worker } from 'node:worker_threads';

/**
 * `npx spiral …` runs spiral under `sh -c`, which npx started. Killing npx (or the shell) does not
 * reach the node process: it went on running, holding the store's lock (issue 17.7). Under npm
 * exec (npx sets npm_command=exec) spiral therefore exits when its parent goes away. Stopping
 * mid-ingest is safe: each file's events commit in one transaction. Outside npx nothing changes,
 * so `nohup spiral ingest … &` keeps running after its shell exits.
 *
 * The watch runs on a worker thread of its own, so it fires even while the main thread is blocked
 * in a synchronous call (e.g. opening a FIFO nobody writes to); SIGTERM's default action then ends
 * the process whatever the main thread is doing.
 */
export function exitWhenOrphanedUnderNpx(env: NodeJS.ProcessEnv = process.env, intervalMs = 250): void {
  if (env.npm_command !== 'exec') return;
  const watcher = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => {
       // Reparented (to init or a subreaper): the process that started us is gone.
       if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGTERM');
     }, workerData.intervalMs);`,
    { eval: true, workerData: { parent: process.ppid, intervalMs } },
  );
  watcher.unref();
}
