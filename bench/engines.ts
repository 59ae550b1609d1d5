/**
 * Issue 13: the same simulated log ingested and analysed on DuckDB, chdb (embedded ClickHouse) and
 * PostgreSQL in one run — every step a whole `spiral` process as a user runs it, with its wall time
 * and peak RSS — and the ratios to DuckDB. Target: chdb within 1.5× of DuckDB end to end; Postgres
 * completes with its time reported.
 *
 *   npm run bench -- engines                 (the 10,846,812-event log of `spiral simulate --customers 1000000 --seed 1`)
 *   SPIRAL_BENCH_CUSTOMERS=100000 npm run bench -- engines   (a tenth, to try it)
 *
 * Engines run one after another, each through all its steps: DuckDB, then chdb (the ratio the target
 * is about, measured back to back on the same machine state), then Postgres. The load average is
 * recorded around each engine's block. Every step has a limit (SPIRAL_BENCH_STEP_MINUTES, default
 * 45): a step past it is stopped and reported, and the Postgres server's other queries are ended.
 *
 * Expected wall time at the default 10.8M events on a quiet 2-core machine: DuckDB ~6 min, chdb
 * ~9 min, Postgres ~20-30 min.
 *
 * Postgres is Debian's `postgresql` package started for the run (initdb + pg_ctl in a temporary
 * folder on a free port, as the tests do, with fsync, synchronous_commit and full_page_writes off
 * and shared_buffers 64MB). A step not ported to an engine yet stops with "not yet available on
 * <engine>" and is reported as such; each engine's end to end is compared with DuckDB's over the
 * steps both finished.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, simulatedEvents } from './_data.js';
import { loadAverage, measureProcess, spiralCli } from './_process.js';
import { startPostgres } from '../test/helpers/postgres.js';

const CUSTOMERS = Number(process.env.SPIRAL_BENCH_CUSTOMERS ?? 1_000_000);
const STEP_LIMIT_MS = Number(process.env.SPIRAL_BENCH_STEP_MINUTES ?? 45) * 60_000;
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
    const m = measureProcess(argv, process.env, label, STEP_LIMIT_MS);
    return { seconds: m.seconds, rssMiB: m.maxRssBytes / 2 ** 20, note: null, stdout: m.stdout };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const notYet = /not yet available on (\w+)/.exec(msg);
    return { seconds: null, rssMiB: null, note: notYet ? `not yet ported to ${notYet[1]}` : `${/ stopped after /.test(msg) ? '' : 'failed: '}${msg.replace(/^bench: /, '').slice(0, 200)}`, stdout: '' };
  }
}

export async function run(): Promise<string> {
  const { path: events, events: n } = await simulatedEvents(CUSTOMERS, 'parquet');
  const cli = spiralCli();
  const work = join(DATA_DIR, 'engines');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const pg = await startPostgres();
  const loads = {} as Record<Engine, string>;
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
    for (const step of steps) results[step.name] = {} as Record<Engine, StepResult>;
    for (const engine of ENGINES) {
      const before = loadAverage();
      for (const step of steps) {
        process.stderr.write(`bench engines: ${step.name} on ${engine}\n`);
        const r = runStep([...cli, ...step.argv(locations[engine])], `${step.name} on ${engine}`);
        if (step.name === 'overview' && engine === 'duckdb' && r.seconds !== null) dates = clvDates(r.stdout);
        results[step.name][engine] = { seconds: r.seconds, rssMiB: r.rssMiB, note: r.note };
        // a step stopped mid-statement leaves its query running on the server: end it before the next step
        if (engine === 'postgres' && r.seconds === null) pg.sql('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = \'client backend\'');
      }
      loads[engine] = `${before} before, ${loadAverage()} after`;
    }
  } finally {
    pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const f = (x: number | null) => (x === null ? '—' : x.toFixed(2));
  const cell = (r: StepResult) => (r.seconds === null ? (r.note ?? '—') : `${f(r.seconds)} s · ${r.rssMiB!.toFixed(0)} MiB`);
  const ratio = (r: StepResult, base: StepResult) => (r.seconds === null || base.seconds === null ? '—' : `${(r.seconds / base.seconds).toFixed(2)}×`);
  /** An engine's seconds and DuckDB's over the steps both finished. */
  const endToEnd = (e: Engine) => {
    const both = steps.filter((s) => results[s.name][e].seconds !== null && results[s.name].duckdb.seconds !== null);
    const sum = (x: Engine) => both.reduce((t, s) => t + results[s.name][x].seconds!, 0);
    return { both, seconds: sum(e), duckdb: sum('duckdb') };
  };
  const ch = endToEnd('chdb'), pgE = endToEnd('postgres');
  const over = (x: { both: typeof steps }) => (x.both.length === steps.length ? 'all steps' : `the ${x.both.length} steps both finished: ${x.both.map((s) => s.name).join(', ')}`);
  const lines = [
    '## Engines: DuckDB, chdb and PostgreSQL on the same log (issue 13)',
    '',
    `${n.toLocaleString('en-US')} events (\`spiral simulate --customers ${CUSTOMERS.toLocaleString('en-US')} --seed 1\`, Parquet), ingested and analysed on each engine; every step is a whole \`spiral\` process (Node start-up included), peak RSS from GNU time. ` +
      'Engines ran one after another, each through all steps: DuckDB, chdb, then Postgres. ' +
      'Postgres: Debian\'s server started for the run (initdb + pg_ctl in a temporary folder; fsync, synchronous_commit and full_page_writes off, shared_buffers 64MB, otherwise default settings); chdb: the embedded ClickHouse engine in the spiral process, so its RSS includes the engine. ' +
      `Load average (1 / 5 / 15 min): ${ENGINES.map((e) => `${e} ${loads[e] ?? 'n/a'}`).join('; ')}.`,
    '',
    '| step | DuckDB | chdb | Postgres | chdb / DuckDB | Postgres / DuckDB |',
    '|---|---|---|---|---:|---:|',
    ...steps.map((s) => {
      const r = results[s.name];
      return `| ${s.name} | ${cell(r.duckdb)} | ${cell(r.chdb)} | ${cell(r.postgres)} | ${ratio(r.chdb, r.duckdb)} | ${ratio(r.postgres, r.duckdb)} |`;
    }),
    `| **end to end** (chdb: ${over(ch)}; Postgres: ${over(pgE)}) | ${f(ch.duckdb)} s | ${f(ch.seconds)} s | ${f(pgE.seconds)} s | **${(ch.seconds / ch.duckdb).toFixed(2)}×** (target ≤ 1.5×: ${ch.seconds / ch.duckdb <= 1.5 ? 'met' : 'NOT met'}) | ${(pgE.seconds / pgE.duckdb).toFixed(2)}×${pgE.both.length === steps.length ? '' : ` (DuckDB over the same steps: ${f(pgE.duckdb)} s)`} |`,
  ];
  return lines.join('\n');
}
