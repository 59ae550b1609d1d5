/**
 * Issue 13: the same simulated log ingested and analysed on DuckDB, chdb (embedded ClickHouse) and
 * PostgreSQL in one run — every step a whole `spiral` process as a user runs it, with its wall time
 * and peak RSS — and the ratios to DuckDB. Target: chdb within 1.5× of DuckDB end to end; Postgres
 * completes with its time reported.
 *
 *   npm run bench -- engines                 (the 10,846,812-event log of `spiral simulate --customers 1000000 --seed 1`)
 *   SPIRAL_BENCH_CUSTOMERS=100000 npm run bench -- engines   (a tenth, to try it)
 *
 * Expected wall time at the default 10.8M events on a quiet 2-core machine: about an hour (steps
 * scale ~11-13× from 100,000 customers: chdb's ingest took 65 CPU s and its funnel 84 CPU s at
 * 10.8M, 2.6-3.6 GiB peak each; DuckDB ~11 min, chdb ~12 min, Postgres ~25-40 min, the longest).
 *
 * Postgres is Debian's `postgresql` package started for the run (initdb + pg_ctl in a temporary
 * folder on a free port, as the tests do). A step not ported to an engine yet stops with "not yet
 * available on <engine>" and is reported as such; end to end compares the steps every engine ran.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, simulatedEvents } from './_data.js';
import { loadAverage, measureProcess, spiralCli } from './_process.js';
import { startPostgres } from '../test/helpers/postgres.js';

const CUSTOMERS = Number(process.env.SPIRAL_BENCH_CUSTOMERS ?? 1_000_000);
const ENGINES = ['duckdb', 'chdb', 'postgres'] as const;
type Engine = (typeof ENGINES)[number];

interface StepResult { seconds: number | null; rssMiB: number | null; note: string | null }

/** The CLV fit's calibration: everything up to 26 weeks before the end of the data; holdout after it. */
function clvDates(overviewJson: string): { calibrationEnd: string; holdoutEnd: string } {
  const o = JSON.parse(overviewJson.trim().split('\n').at(-1)!) as { span: { end: string } };
  const end = new Date(o.span.end);
  const cal = new Date(end.getTime() - 26 * 7 * 86_400_000);
  return { calibrationEnd: cal.toISOString().slice(0, 10), holdoutEnd: end.toISOString().slice(0, 10) };
}

function runStep(argv: string[], label: string): StepResult & { stdout: string } {
  try {
    const m = measureProcess(argv, process.env, label);
    return { seconds: m.seconds, rssMiB: m.maxRssBytes / 2 ** 20, note: null, stdout: m.stdout };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const notYet = /not yet available on (\w+)/.exec(msg);
    return { seconds: null, rssMiB: null, note: notYet ? `not yet ported to ${notYet[1]}` : `failed: ${msg.slice(0, 200)}`, stdout: '' };
  }
}

export async function run(): Promise<string> {
  const { path: events, events: n } = await simulatedEvents(CUSTOMERS, 'parquet');
  const cli = spiralCli();
  const work = join(DATA_DIR, 'engines');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const pg = await startPostgres();
  const loadBefore = loadAverage();
  const steps: { name: string; argv: (db: string) => string[] }[] = [];
  const results: Record<string, Record<Engine, StepResult>> = {};
  try {
    pg.createDatabase('bench');
    const locations: Record<Engine, string> = { duckdb: join(work, 'bench.duckdb'), chdb: `chdb:${join(work, 'bench.chdb')}`, postgres: pg.url('bench') };
    let dates: { calibrationEnd: string; holdoutEnd: string } | null = null;
    steps.push(
      { name: 'ingest (Parquet)', argv: (db) => ['ingest', events, '--mapping', 'simulated', '--db', db, '--reject-file', join(work, 'rejects.csv'), '--json'] },
      { name: 'overview', argv: (db) => ['overview', '--db', db, '--json'] },
      { name: 'clv fit (BG/NBD, holdout)', argv: (db) => ['clv', 'fit', '--db', db, '--model', 'bgnbd', '--unit', 'week', '--calibration-end', dates!.calibrationEnd, '--holdout-end', dates!.holdoutEnd, '--json'] },
      { name: 'brand', argv: (db) => ['brand', '--db', db, '--json'] },
      { name: 'funnel', argv: (db) => ['funnel', '--db', db, '--json'] },
      { name: 'network', argv: (db) => ['network', '--db', db, '--json'] },
      { name: 'segments', argv: (db) => ['segments', '--db', db, '--json'] },
      { name: 'analyze (whole result)', argv: (db) => ['analyze', '--db', db, '--out', join(work, `result-${db.startsWith('postgres') ? 'pg' : db.startsWith('chdb') ? 'chdb' : 'duckdb'}.json`), '--json'] },
    );
    for (const step of steps) {
      results[step.name] = {} as Record<Engine, StepResult>;
      for (const engine of ENGINES) {
        process.stderr.write(`bench engines: ${step.name} on ${engine}\n`);
        const r = runStep([...cli, ...step.argv(locations[engine])], `${step.name} on ${engine}`);
        if (step.name === 'overview' && engine === 'duckdb' && r.seconds !== null) dates = clvDates(r.stdout);
        results[step.name][engine] = { seconds: r.seconds, rssMiB: r.rssMiB, note: r.note };
      }
    }
  } finally {
    pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const loadAfter = loadAverage();
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const cell = (r: StepResult) => (r.seconds === null ? (r.note ?? '—') : `${f(r.seconds)} s · ${r.rssMiB!.toFixed(0)} MiB`);
  const ratio = (r: StepResult, base: StepResult) => (r.seconds === null || base.seconds === null ? '—' : `${(r.seconds / base.seconds).toFixed(2)}×`);
  const common = steps.filter((s) => ENGINES.every((e) => results[s.name][e].seconds !== null));
  const total = (e: Engine) => common.reduce((s, x) => s + results[x.name][e].seconds!, 0);
  const lines = [
    '## Engines: DuckDB, chdb and PostgreSQL on the same log (issue 13)',
    '',
    `${n.toLocaleString('en-US')} events (\`spiral simulate --customers ${CUSTOMERS.toLocaleString('en-US')} --seed 1\`, Parquet), ingested and analysed on each engine; every step is a whole \`spiral\` process (Node start-up included), peak RSS from GNU time. ` +
      'Postgres: Debian\'s server started for the run (initdb + pg_ctl in a temporary folder, default settings); chdb: the embedded ClickHouse engine in the spiral process, so its RSS includes the engine. ' +
      `Load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after.`,
    '',
    '| step | DuckDB | chdb | Postgres | chdb / DuckDB | Postgres / DuckDB |',
    '|---|---|---|---|---:|---:|',
    ...steps.map((s) => {
      const r = results[s.name];
      return `| ${s.name} | ${cell(r.duckdb)} | ${cell(r.chdb)} | ${cell(r.postgres)} | ${ratio(r.chdb, r.duckdb)} | ${ratio(r.postgres, r.duckdb)} |`;
    }),
    `| **end to end** (the steps all three ran: ${common.map((s) => s.name).join(', ') || 'none'}) | ${f(total('duckdb'))} s | ${f(total('chdb'))} s | ${f(total('postgres'))} s | **${(total('chdb') / total('duckdb')).toFixed(2)}×** (target ≤ 1.5×: ${total('chdb') / total('duckdb') <= 1.5 ? 'met' : 'NOT met'}) | ${(total('postgres') / total('duckdb')).toFixed(2)}× |`,
  ];
  return lines.join('\n');
}
