/**
 * `npm run bench -- scale` (issue 14, item 4): 100M simulated events as Parquet, ingested and
 * analysed on the embedded store, each step a whole child process with its time and peak RSS.
 *
 *   1. `spiral simulate --customers N --seed 1 --out bench/.data/sim-N.parquet` (cached: skipped when
 *      the file and its truth exist; N = 10,000,000 gives ~108M events);
 *   2. `spiral ingest sim-N.parquet --mapping simulated --db …`;
 *   3. `spiral analyze --db … --out result.json`, split into its steps by the progress lines.
 *
 * Targets: ingest + analyze ≤ 6 minutes, every step's peak RSS ≤ 6 GiB; a step that misses is named
 * with the part of it that took the time or the memory. Runs unattended; scale down with
 * `npm run bench -- scale --customers=1000000` (or BENCH_SCALE_CUSTOMERS).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from './_data.js';
import { loadAverage, measureProcess, measureProcessSteps, mib, secs, spiralCli, type ProcessMeasure, type StepMeasure } from './_process.js';

const flag = process.argv.find((a) => a.startsWith('--customers='));
const CUSTOMERS = Number(flag ? flag.slice('--customers='.length) : process.env.BENCH_SCALE_CUSTOMERS ?? 10_000_000);
const GiB6 = 6 * 2 ** 30;
const TARGET_SECONDS = 360;

function removeStore(db: string): void {
  for (const f of [db, `${db}.wal`, db.replace(/\.duckdb$/, '.rejects.csv')]) rmSync(f, { force: true });
}

const slowest = (steps: StepMeasure[]): StepMeasure => steps.reduce((a, b) => (b.seconds > a.seconds ? b : a));
const hungriest = (steps: StepMeasure[]): StepMeasure => steps.reduce((a, b) => (b.maxRssBytes > a.maxRssBytes ? b : a));

export async function run(): Promise<string> {
  if (!(Number.isInteger(CUSTOMERS) && CUSTOMERS > 0)) throw new Error(`bench scale: --customers must be a whole number > 0, got ${CUSTOMERS}`);
  mkdirSync(DATA_DIR, { recursive: true });
  const cli = spiralCli();
  const loadBefore = loadAverage();
  const events = join(DATA_DIR, `sim-${CUSTOMERS}.parquet`);
  const truthPath = join(DATA_DIR, `sim-${CUSTOMERS}.truth.json`);
  let sim: ProcessMeasure | null = null;
  if (!existsSync(events) || !existsSync(truthPath)) {
    process.stderr.write(`bench scale: simulating ${CUSTOMERS.toLocaleString('en-US')} customers → ${events}\n`);
    sim = measureProcess([...cli, 'simulate', '--customers', String(CUSTOMERS), '--seed', '1', '--out', events, '--json'], process.env, 'spiral simulate');
  }
  const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { counts: { events: number } };
  const n = truth.counts.events;

  const db = join(DATA_DIR, `bench-scale-${CUSTOMERS}.duckdb`);
  removeStore(db);
  process.stderr.write(`bench scale: ingesting ${n.toLocaleString('en-US')} events\n`);
  const ingest = measureProcess([...cli, 'ingest', events, '--mapping', 'simulated', '--db', db, '--json'], process.env, 'spiral ingest');
  const ing = JSON.parse(ingest.stdout.trim().split('\n').pop()!) as { accepted: number };
  if (ing.accepted !== n) throw new Error(`bench scale: spiral ingest accepted ${ing.accepted} of ${n} events`);
  process.stderr.write('bench scale: analysing\n');
  const analyze = await measureProcessSteps([...cli, 'analyze', '--db', db, '--out', join(DATA_DIR, `bench-scale-${CUSTOMERS}.result.json`)], process.env, /^analysing: (.+)$/, 'spiral analyze');
  const loadAfter = loadAverage();
  removeStore(db);

  const total = ingest.seconds + analyze.seconds;
  const peak = Math.max(ingest.maxRssBytes, analyze.maxRssBytes);
  const verdicts: string[] = [];
  verdicts.push(`- ingest + analyze ≤ ${TARGET_SECONDS / 60} minutes: ${total <= TARGET_SECONDS ? 'met' : '**not met**'} (${secs(total, 0)} s: ingest ${secs(ingest.seconds, 0)} s, analyze ${secs(analyze.seconds, 0)} s${total <= TARGET_SECONDS ? '' : `; the slowest analyze step is ${slowest(analyze.steps).step} at ${secs(slowest(analyze.steps).seconds, 0)} s`}).`);
  for (const [name, m] of [['simulate', sim], ['ingest', ingest], ['analyze', analyze]] as const) {
    if (!m) continue;
    const ok = m.maxRssBytes <= GiB6;
    const why = !ok && 'steps' in m ? `; the largest resident set was in ${hungriest(m.steps).step} (${mib(hungriest(m.steps).maxRssBytes)} MiB)` : '';
    verdicts.push(`- ${name} peak RSS ≤ 6 GiB: ${ok ? 'met' : '**not met**'} (${mib(m.maxRssBytes)} MiB${why}).`);
  }
  const shared = Number(loadBefore.split(' / ')[0]) > 3;
  return [
    `## scale — ${(n / 1e6).toFixed(1)} M simulated events (${CUSTOMERS.toLocaleString('en-US')} customers), Parquet`,
    '',
    `Command: \`npm run bench -- scale${flag ? ` ${flag}` : ''}\`${CUSTOMERS < 10_000_000 ? ` — **scaled down** from the 10,000,000 customers (~108M events) the target is set for` : ''}. Each step a whole child process (\`node dist/cli/main.js …\`), peak RSS from ${ingest.rssSource}; DuckDB at the product's defaults (SPIRAL_DUCKDB_MEMORY_LIMIT ${process.env.SPIRAL_DUCKDB_MEMORY_LIMIT ?? 'unset'}). Load average (1 / 5 / 15 min) before: ${loadBefore}; after: ${loadAfter} on 2 cores.${shared ? ' **The machine was shared with other engineers during this run: wall times are inflated.**' : ''}`,
    '',
    '| step | seconds | peak RSS MiB |',
    '|---|---:|---:|',
    `| \`spiral simulate\` → Parquet | ${sim ? secs(sim.seconds) : 'cached'} | ${sim ? mib(sim.maxRssBytes) : 'cached'} |`,
    `| \`spiral ingest\` | ${secs(ingest.seconds)} | ${mib(ingest.maxRssBytes)} |`,
    `| \`spiral analyze\` | ${secs(analyze.seconds)} | ${mib(analyze.maxRssBytes)} |`,
    `| **ingest + analyze** | **${secs(total)}** | ${mib(peak)} |`,
    '',
    ...verdicts,
    '',
    '`spiral analyze` by step:',
    '',
    '| step | seconds | max RSS in step MiB | peak so far MiB |',
    '|---|---:|---:|---:|',
    ...analyze.steps.map((s) => `| ${s.step} | ${secs(s.seconds)} | ${mib(s.maxRssBytes)} | ${mib(s.peakSoFarBytes)} |`),
  ].join('\n');
}
