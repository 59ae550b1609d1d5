/**
 * `npx spiral …` runs spiral under `sh -c`, which npx started. Killing npx (or the shell) does not
 * reach the node process: it went on running, holding the store's lock (issue 17.7). Under npm
 * exec (npx sets npm_command=exec) spiral therefore exits when its parent goes away. Stopping
 * mid-ingest is safe: each file's events commit in one transaction. Outside npx nothing changes,
 * so `nohup spiral ingest … &` keeps running after its shell exits.
 */
export function exitWhenOrphanedUnderNpx(env: NodeJS.ProcessEnv = process.env, intervalMs = 250): void {
  if (env.npm_command !== 'exec') return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    // Reparented (to init or a subreaper): the process that started us is gone.
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
}
