/**
 * `spiral clv fit --summary` on a 1M-row summary CSV (x, t_x, T), timed as a whole process (startup,
 * reading, checking and compressing the CSV in DuckDB, the fit, the JSON output), with its CPU time
 * (user + system, from GNU time: less noisy than the wall time on a shared machine) and peak RSS.
 * The rows are BG/NBD customers from the model's own simulator with t_x and T rounded to whole days
 * (as an event-log summary in weeks has them), so they compress as a real summary does.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RfmTuples } from '../src/models/clv/types.js';
import { loadAverage, measureProcess, mib, secs, spiralCli, type ProcessMeasure } from './_process.js';

export async function summaryCliSection(rows: RfmTuples, dataDir: string): Promise<string> {
  const n = rows.x.length;
  const file = join(dataDir, `summary-${n}.csv`);
  const day = (t: number): string => String(Math.round(t * 7) / 7);
  if (!existsSync(file)) {
    const lines = new Array<string>(n + 1);
    lines[0] = 'x,t_x,T';
    for (let i = 0; i < n; i++) lines[i + 1] = `${rows.x[i]},${rows.x[i] === 0 ? 0 : day(rows.t_x[i])},${day(rows.T[i])}`;
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  const cli = spiralCli();
  const loadBefore = loadAverage();
  const startups = [0, 1, 2].map(() => measureProcess([...cli, '--version'], process.env, 'spiral --version'));
  const runs = [0, 1, 2].map(() => measureProcess([...cli, 'clv', 'fit', '--summary', file, '--model', 'bgnbd', '--json'], process.env, 'spiral clv fit --summary'));
  const loadAfter = loadAverage();
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const json = JSON.parse(best.stdout.trim().split('\n').pop()!) as { customers: number; tuples: number; logLikelihood: number; params: Record<string, number> };
  const wall = (ms: ProcessMeasure[]): string => `best ${secs(Math.min(...ms.map((m) => m.seconds)))} s, median ${secs(median(ms.map((m) => m.seconds)))} s`;
  const cpu = (ms: ProcessMeasure[]): string => `${secs(median(ms.map((m) => m.cpuSeconds)))} s`;
  return `### \`spiral clv fit --summary\` on a ${n.toLocaleString('en-US')}-row summary CSV, whole process

\`node dist/cli/main.js clv fit --summary ${file.replace(/^.*bench\//, 'bench/')} --model bgnbd --json\` (x, t_x, T in weeks, t_x and T rounded to days; ${json.tuples.toLocaleString('en-US')} distinct tuples after the SQL compression). Three runs: ${runs.map((r) => secs(r.seconds)).join(', ')} s wall (${wall(runs)}); CPU (user + system, DuckDB's threads included) median ${cpu(runs)}; peak RSS ${mib(best.maxRssBytes)} MiB (${best.rssSource}). The bare process (\`spiral --version\`: Node start-up, the command parser, no command module): ${wall(startups)} wall, CPU median ${cpu(startups)}. Load average (1/5/15 min) ${loadBefore} before, ${loadAfter} after: on this shared 2-core machine the wall times include waiting for a core, the CPU times do not. BG/NBD r=${json.params.r.toFixed(4)}, α=${json.params.alpha.toFixed(4)}, a=${json.params.a.toFixed(4)}, b=${json.params.b.toFixed(4)}, log-likelihood ${json.logLikelihood.toFixed(2)}.

Issue 14 quotes 5.5 s for this step before the CSV was read in SQL, and lifetimes 0.11.3's \`BetaGeoFitter.fit\` at about 12 s on the same rows (target: whole process ≥ 10× faster than lifetimes, i.e. ≤ 1.2 s). lifetimes could not be run here: it is not installed, and \`pip install lifetimes\` finds no distribution (the configured indexes are local and hold no lifetimes; the public index is unreachable).
`;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
