/**
 * Issue 5 scale check: the brand step (analyzeBrand, weekly, with listening) on ~10M simulated
 * events, against a target of 10 s on this machine, with the measuring process's peak RSS.
 *
 *   npm run bench -- brand                                   (run(): simulate once, ingest once, measure)
 *   node --import tsx bench/brand.ts measure <db>            (the measuring child; prints JSON)
 *
 * The simulated file (820k customers with brand dynamics on) and its store are cached under
 * bench/.data/ (gitignored). The measurement runs in a child process so its peak RSS is the brand
 * step's alone; text_sentiment is dropped first so the texts are scored cold. Baseline, same
 * process and store: one GROUP BY of all events by (week, type) — the least any weekly flow count
 * can cost — reported as a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { analyzeBrand } from '../src/brand/index.js';
import { bundledMapping } from '../test/helpers/ingest.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { simulate } from '../src/simulate/index.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = join(here, '.data');
const CUSTOMERS = 820_000;
const SEED = 5;
const EVENTS_FILE = join(DATA, `brand-${CUSTOMERS}-s${SEED}.parquet`);
const DB_FILE = join(DATA, `brand-${CUSTOMERS}-s${SEED}.duckdb`);
const TARGET_S = 10;

interface Measurement {
  events: number;
  baselineS: number;
  brandS: number;
  /** The same step again, with the texts already scored (a re-run on the same store). */
  warmS: number;
  /** The brand step without listening. */
  noListeningS: number;
  phases: { step: string; s: number }[];
  peakRssMiB: number;
  flowEvents: number;
  periods: number;
  textsScored: number;
  lambda: number | null;
  brandItem: string | null;
}

async function measure(db: string): Promise<Measurement> {
  const store = await DuckDbStore.open(db);
  await store.exec('DROP TABLE IF EXISTS text_sentiment');
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
  let t0 = performance.now();
  await store.query(`SELECT date_trunc('week', ts) AS w, type, count(*) AS n FROM events GROUP BY 1, 2`);
  const baselineS = (performance.now() - t0) / 1000;
  const phases: { step: string; s: number }[] = [];
  let last = performance.now();
  let lastStep = 'start';
  t0 = performance.now();
  const r = await analyzeBrand(store, {
    period: 'week',
    onProgress: (step) => {
      const now = performance.now();
      phases.push({ step: lastStep, s: (now - last) / 1000 });
      last = now;
      lastStep = step;
    },
  });
  const brandS = (performance.now() - t0) / 1000;
  phases.push({ step: lastStep, s: (performance.now() - last) / 1000 });
  t0 = performance.now();
  await analyzeBrand(store, { period: 'week' });
  const warmS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await analyzeBrand(store, { period: 'week', listening: false });
  const noListeningS = (performance.now() - t0) / 1000;
  await store.close();
  const slice = r.brands[0];
  const a = slice?.stock.result;
  return {
    events: Number(n),
    baselineS,
    brandS,
    warmS,
    noListeningS,
    phases: phases.filter((p) => p.step !== 'start'),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    flowEvents: r.totals.flowEvents,
    periods: r.periods.length,
    textsScored: r.listening && r.listening.status === 'ok' ? r.listening.scoring.eventsScored : 0,
    lambda: a && a.status === 'ok' && 'lambda' in a ? a.lambda : null,
    brandItem: slice?.itemId ?? null,
  };
}

async function prepare(): Promise<{ simulateS: number | null; ingestS: number | null }> {
  mkdirSync(DATA, { recursive: true });
  let simulateS: number | null = null;
  let ingestS: number | null = null;
  if (!existsSync(EVENTS_FILE)) {
    const t0 = performance.now();
    await simulate({ customers: CUSTOMERS, seed: SEED, out: EVENTS_FILE, customerTruth: false, brand: {} });
    simulateS = (performance.now() - t0) / 1000;
  }
  if (!existsSync(DB_FILE)) {
    const store = await DuckDbStore.open(DB_FILE);
    const t0 = performance.now();
    await ingestFiles(store, [EVENTS_FILE], bundledMapping('simulated'), { rejectFile: '/dev/null' });
    ingestS = (performance.now() - t0) / 1000;
    await store.close();
  }
  return { simulateS, ingestS };
}

export async function run(): Promise<string> {
  const prep = await prepare();
  const load = loadavg()[0];
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', DB_FILE], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`bench brand: measuring child failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
  const f = (x: number): string => x.toFixed(2);
  return [
    '## Brand step on 10M simulated events (issue 5)',
    '',
    `${m.events.toLocaleString('en-US')} events (\`simulate\` with brand dynamics on, ${CUSTOMERS.toLocaleString('en-US')} customers, seed ${SEED}, 104 weeks; ` +
      `${(statSync(EVENTS_FILE).size / 2 ** 20).toFixed(0)} MiB Parquet${prep.simulateS === null ? ', cached' : `, simulated in ${f(prep.simulateS)} s`}${prep.ingestS === null ? '; store cached' : `; ingested in ${f(prep.ingestS)} s`}). ` +
      'The brand step = `analyzeBrand(store, { period: \'week\' })`: every SQL aggregate, the models overall and for the 6 largest brands ' +
      '(VAR bootstrap 500 overall, 200 per brand), Bass, co-creation, and listening with the review texts scored cold. Measured in a child process.',
    '',
    '| measure | value |',
    '|---|---:|',
    `| brand step, texts scored cold | **${f(m.brandS)} s** (target ≤ ${TARGET_S} s: ${m.brandS <= TARGET_S ? 'met' : 'NOT met'}) |`,
    `| brand step again, texts already scored (a re-run) | ${f(m.warmS)} s (${m.warmS <= TARGET_S ? 'met' : 'NOT met'}) |`,
    `| brand step without listening | ${f(m.noListeningS)} s (${m.noListeningS <= TARGET_S ? 'met' : 'NOT met'}) |`,
    `| baseline: one GROUP BY (week, type) over all events | ${f(m.baselineS)} s |`,
    `| ratio brand step / baseline | ${(m.brandS / m.baselineS).toFixed(1)}× |`,
    `| peak RSS of the measuring process | ${m.peakRssMiB.toFixed(0)} MiB |`,
    `| flow events, weeks, texts scored | ${m.flowEvents.toLocaleString('en-US')}, ${m.periods}, ${m.textsScored.toLocaleString('en-US')} |`,
    `| λ̂ of the largest brand (${m.brandItem ?? '—'}) | ${m.lambda === null ? '—' : m.lambda.toFixed(3)} |`,
    '',
    'Phases of the cold run (s): ' + m.phases.map((p) => `${p.step.replace(/^brand: /, '')} ${f(p.s)}`).join(' · '),
    '',
    `The 2 cores are shared with other work (1-minute load average ${load.toFixed(1)} when the run started), so single runs vary: ` +
      'the cold step measured 29.4, 10.2, 8.1 and 17.2 s over four runs on this machine on the same day (the first before the one-pass customer table), and the warm and no-listening rows move as much.',
  ].join('\n');
}

if (process.argv[2] === 'measure') {
  const m = await measure(process.argv[3]);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
