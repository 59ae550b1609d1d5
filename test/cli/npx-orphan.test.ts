/**
 * Issue 17.7: `npx spiral` runs spiral under `sh -c`; killing that shell used to leave the node
 * process running, holding the store's lock. Under npm exec (npm_command=exec) spiral now exits
 * when its parent goes away, and the store opens for writing again. The ingest reads a FIFO
 * nobody writes to, so without the fix it would hold the store for ever (no timing race).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { REPO_ROOT, scratchDir } from '../helpers/paths.js';

const scratch = scratchDir();
let leftover: number | null = null;
after(() => {
  if (leftover !== null && alive(leftover)) process.kill(leftover, 'SIGKILL');
  scratch.cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie has exited
  } catch {
    return false;
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const children = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
function holds(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

test('killing the shell npx started stops spiral (npm_command=exec) and frees the store lock', async () => {
  const db = join(scratch.dir, 'store.duckdb');
  const fifo = join(scratch.dir, 'events.csv');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const cli = `'${process.execPath}' --import tsx '${join(REPO_ROOT, 'src', 'cli', 'main.ts')}' ingest '${fifo}' --mapping cdnow_master --db '${db}'`;
  // "; true" keeps sh as spiral's parent, as npm exec's `sh -c` does while it waits.
  const sh = spawn('sh', ['-c', `${cli}; true`], { cwd: REPO_ROOT, env: { ...process.env, npm_command: 'exec', CI: '1' }, stdio: 'ignore' });
  let node = 0;
  for (let waited = 0; waited < 60_000 && !(node && holds(node, db)); waited += 100) {
    await sleep(100);
    node = children(sh.pid!)[0] ?? 0;
  }
  assert.ok(node && holds(node, db), 'spiral opened the store and waits on the FIFO');
  leftover = node;
  process.kill(sh.pid!, 'SIGKILL');
  // spiral notices within 250 ms; the rest is the exit itself on a loaded machine.
  let reopened: DuckDbStore | null = null;
  for (let waited = 0; waited < 10_000 && !reopened; waited += 100) {
    await sleep(100);
    if (!alive(node)) reopened = await DuckDbStore.open(db).catch(() => null); // fails while a process holds the lock
  }
  assert.ok(reopened, `spiral (pid ${node}) still runs or holds the store 10 s after its shell was killed`);
  const [{ n }] = await reopened.query<{ n: number }>('SELECT count(*) AS n FROM events');
  assert.equal(n, 0);
  await reopened.close();
});
