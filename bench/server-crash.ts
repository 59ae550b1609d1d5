/**
 * Issue 12's crash-safety check at bench size: the crash test itself (test/server/crash.test.ts) with
 * 50 trials instead of the suite's 20. Each trial starts `spiral serve`, streams batches from 4 clients,
 * kills the server with SIGKILL 0–400 ms after the first acknowledgement, reopens the store and checks
 * that every acknowledged batch is stored exactly once and that no batch is half-stored. The test's
 * assertions are the pass criterion; this bench records what they saw and how long the trials took.
 *
 *   npm run bench -- server-crash          (SPIRAL_BENCH_CRASH_TRIALS=N to change the 50)
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, loadAverage } from './_process.js';

const TRIALS = Number(process.env.SPIRAL_BENCH_CRASH_TRIALS ?? 50);

export async function run(): Promise<string> {
  const loadBefore = loadAverage();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', join(ROOT, 'test', 'server', 'crash.test.ts')], {
    cwd: ROOT,
    env: { ...process.env, SPIRAL_CRASH_TRIALS: String(TRIALS) },
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  const seconds = (performance.now() - t0) / 1000;
  const out = `${r.stdout}\n${r.stderr}`;
  const diag = /# (\d+) batches acknowledged of (\d+) sent; (\d+) sender streams cut mid-batch/.exec(out);
  const passed = r.status === 0 && /^# pass 1$/m.test(out) && /^# fail 0$/m.test(out);
  const failure = passed ? '' : `\n\nThe test failed (exit ${r.status}); its output:\n\n\`\`\`\n${out.split('\n').filter((l) => /not ok|error|Error|assert|expected|actual/.test(l)).slice(0, 30).join('\n')}\n\`\`\``;
  return `## server-crash: SIGKILL during a stream of batches, ${TRIALS} trials (issue 12)

Command: \`npm run bench -- server-crash\`. Runs test/server/crash.test.ts with SPIRAL_CRASH_TRIALS=${TRIALS} (the test suite runs 20): in each trial a fresh \`spiral serve\` process on the same data directory, 4 clients streaming 20-event batches (a third of the acknowledged ones re-sent), SIGKILL at a random point 0–400 ms after the first acknowledgement, then the store is reopened and checked: every acknowledged batch stored exactly once (20 rows, 20 distinct ids), no stored batch half-written, no unknown batch.

| measure | value |
|---|---:|
| trials (kills) | ${TRIALS} |
| batches sent | ${diag ? Number(diag[2]).toLocaleString('en-US') : 'n/a'} |
| batches acknowledged | ${diag ? Number(diag[1]).toLocaleString('en-US') : 'n/a'} |
| client streams cut mid-batch by a kill | ${diag ? diag[3] : 'n/a'} |
| every acknowledged batch stored exactly once, none half-stored | **${passed ? 'yes' : 'NO'}** |
| wall time of the ${TRIALS} trials | ${seconds.toFixed(1)} s |

Load average (1/5/15 min) before: ${loadBefore}, after: ${loadAverage()}.${failure}`;
}
