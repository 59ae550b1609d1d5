/**
 * Issue 17.7: `npx spiral` runs spiral under `sh -c`; killing that shell used to leave the node
 * process running, holding the store's lock. Under npm exec (npm_command=exec) spiral now exits
 * when its parent goes away, and the store opens for writing again.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { REPO_ROOT, scratchDir, sharedData } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\d+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie has exited
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('killing the shell npx started stops spiral (npm_command=exec) and frees the store lock', async () => {
  const db = join(scratch.dir, 'cdnow.duckdb');
  const store = await DuckDbStore.open(db);
  await ingestInto(store, [sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
  await store.close();
  const cli = `'${process.execPath}' --import tsx '${join(REPO_ROOT, 'src', 'cli', 'main.ts')}' analyze --db '${db}' --out '${join(scratch.dir, 'r.json')}'`;
  // "; true" keeps sh as spiral's parent, as npm exec's `sh -c` does while it waits.
  const sh = spawn('sh', ['-c', `${cli}; true`], { cwd: REPO_ROOT, env: { ...process.env, npm_command: 'exec', CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    sh.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      if (stderr.includes('analysing:')) resolve();
    });
    sh.on('exit', () => reject(new Error(`spiral ended before the test could kill its shell: ${stderr}`)));
  });
  const children = readFileSync(`/proc/${sh.pid}/task/${sh.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  assert.equal(children.length, 1, 'sh runs one node process');
  const [node] = children;
  sh.removeAllListeners('exit');
  process.kill(sh.pid!, 'SIGKILL');
  // spiral notices within 250 ms; the rest is the exit itself on a loaded machine.
  let waited = 0;
  let reopened: DuckDbStore | null = null;
  while (waited < 10_000) {
    if (!alive(node)) {
      reopened = await DuckDbStore.open(db).catch(() => null); // fails while a process holds the lock
      if (reopened) break;
    }
    await sleep(100);
    waited += 100;
  }
  assert.ok(reopened, `spiral (pid ${node}) still runs or holds the store ${waited} ms after its shell was killed`);
  const [{ n }] = await reopened.query<{ n: number }>('SELECT count(*) AS n FROM events');
  assert.equal(n, 69_659);
  await reopened.close();
});
