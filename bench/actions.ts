/**
 * Issue 10 scale check: the "next action" step — customer table, behaviour scores, segments,
 * experiences and actions (runSegmentsStep) — on the issue's 10M-event store (`spiral simulate
 * --customers 1000000 --seed 1`, 10,846,812 events, the cached bench/.data/sim-1000000.parquet),
 * against ≤ 30 s and ≤ 2 GiB peak RSS. SPIRAL_BENCH_PERSONAS=1 measures the 45M-event personas store
 * (`--personas`) instead, as an informative second run. Recommendations and replenishment
 * (writeActionInputs) are part of the step and timed. CLV scores (clv_scores) are computed once
 * while preparing the store (the CLV step has its own bench); network_scores is not (the network step
 * has its own bench), so network position is not a segment feature here.
 *
 *   npm run bench -- actions                      (run(): simulate + ingest + CLV once, measure in a child)
 *   node --import tsx bench/actions.ts measure <db>
 *
 * Baseline, same child and store: one GROUP BY customer_id over all events, reported as a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClvSection } from '../src/analysis/clv.js';
import { runSegmentsStep } from '../src/analysis/segments.js';
import { ANALYZE_MEMORY_LIMIT } from '../src/cli/commands/analyze.js';
import { nextActionStoreOptions } from '../src/analysis/store-options.js';
import { DUCKDB_JEMALLOC_CONF } from '../src/store/duckdb/allocator.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { simulate } from '../src/simulate/index.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { bundledMapping } from '../test/helpers/ingest.js';
import { DATA_DIR, simulatedEvents } from './_data.js';
import { phaseTimer } from './_phases.js';
import { pageFaultCost, usageSince } from './_process.js';

const CUSTOMERS = Number(process.env.SPIRAL_BENCH_CUSTOMERS ?? 1_000_000);
const PERSONAS = process.env.SPIRAL_BENCH_PERSONAS === '1';
const EVENTS_FILE = join(DATA_DIR, PERSONAS ? `sim-personas-${CUSTOMERS}.parquet` : `sim-${CUSTOMERS}.parquet`);
const DB_FILE = join(DATA_DIR, PERSONAS ? `actions-sim-${CUSTOMERS}.duckdb` : `actions-sim10m-${CUSTOMERS}.duckdb`);
const BUDGET_S = 30;
const BUDGET_RSS_MIB = 2048;
const MEMORY_LIMIT = process.env.SPIRAL_DUCKDB_MEMORY_LIMIT ?? ANALYZE_MEMORY_LIMIT;

interface Measurement {
  events: number;
  customers: number;
  baselineS: number;
  stepS: number;
  phases: { step: string; s: number }[];
  peakRssMiB: number;
  /** The step's CPU (user + system, DuckDB's threads included), its system part, and its minor page faults. */
  cpuS: number;
  sysS: number;
  minorFaults: number;
  segments: number;
  experiences: Record<string, number>;
}

async function measure(db: string): Promise<Measurement> {
  // as `spiral actions` opens it (and its jemalloc configuration: the child's environment, set in run())
  const store = await DuckDbStore.open(db, nextActionStoreOptions());
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
  const timer = phaseTimer();
  const u0 = process.resourceUsage();
  const t0 = performance.now();
  const r = await runSegmentsStep(store, { onProgress: timer.onProgress }, []);
  const stepS = (performance.now() - t0) / 1000;
  const used = usageSince(u0);
  const phases = timer.finish();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const t1 = performance.now();
  await store.query('SELECT count(*) FROM (SELECT customer_id, count(*) AS k, min(ts) AS f, max(ts) AS l FROM events GROUP BY 1)');
  const baselineS = (performance.now() - t1) / 1000;
  await store.close();
  return {
    events: Number(n), customers: r.info.customers, baselineS, stepS, phases, peakRssMiB,
    cpuS: used.cpuUs / 1e6, sysS: used.sysUs / 1e6, minorFaults: used.faults,
    segments: r.segments.segments.length, experiences: Object.fromEntries(r.experiences.byExperience.map((x) => [x.experience, x.customers])),
  };
}

async function prepare(): Promise<{ prepS: number | null }> {
  if (existsSync(DB_FILE)) return { prepS: null };
  mkdirSync(DATA_DIR, { recursive: true });
  const t0 = performance.now();
  if (!PERSONAS) await simulatedEvents(CUSTOMERS, 'parquet');
  else if (!existsSync(EVENTS_FILE)) {
    process.stderr.write(`bench: simulating ${CUSTOMERS} customers with personas → ${EVENTS_FILE}\n`);
    await simulate({ customers: CUSTOMERS, seed: 1, out: EVENTS_FILE, personas: {}, customerTruth: false });
  }
  const store = await DuckDbStore.open(`${DB_FILE}.tmp`);
  await ingestFiles(store, [EVENTS_FILE], bundledMapping('simulated'), { rejectFile: '/dev/null' });
  await runClvSection(store, {}, []);
  await store.close();
  spawnSync('mv', [`${DB_FILE}.tmp`, DB_FILE]);
  return { prepS: (performance.now() - t0) / 1000 };
}

export async function run(): Promise<string> {
  const prep = await prepare();
  const loadBefore = loadavg();
  const fault = pageFaultCost();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', DB_FILE], {
    encoding: 'utf8', maxBuffer: 1 << 24, env: { DUCKDB_JE_MALLOC_CONF: DUCKDB_JEMALLOC_CONF, ...process.env, SPIRAL_DUCKDB_MEMORY_LIMIT: MEMORY_LIMIT },
  });
  const loadAfter = loadavg();
  if (child.status !== 0) throw new Error(`bench actions: measuring child failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
  const f = (x: number): string => x.toFixed(2);
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    `## Next-action step on the 1M-customer ${PERSONAS ? 'personas ' : ''}store (issue 10)`,
    '',
    `${m.events.toLocaleString('en-US')} events of ${m.customers.toLocaleString('en-US')} customers (\`spiral simulate --customers ${CUSTOMERS.toLocaleString('en-US')} --seed 1${PERSONAS ? ' --personas' : ''}\`, ` +
      `${prep.prepS === null ? 'store cached' : `ingested and CLV-scored in ${f(prep.prepS)} s`}${PERSONAS ? '; the personas mechanism adds the behaviour, experience and replenishment events, so the store is larger than the default 10.8M' : '; the issue\'s acceptance store'}). ` +
      'The step = `runSegmentsStep`: customer_facts (hash aggregations and joins, no window over all events) and customer_item_facts, behaviour scores, k-means segments (fit on a 20,000-customer sample, everyone assigned in SQL), ' +
      'recommendations (`--model auto`, top 10 for every customer) and replenishment, experiences and actions. Not timed: the CLV scores (prepared once; `npm run bench -- clv`) and the network (`npm run bench -- network`). ' +
      `Measured in a child process with the allocator settings of \`spiral actions\` (src/store/duckdb/allocator.ts: jemalloc ${process.env.DUCKDB_JE_MALLOC_CONF ?? DUCKDB_JEMALLOC_CONF}, freed memory kept up to the limit), DuckDB memory_limit ${MEMORY_LIMIT}; load average (1 / 5 / 15 min) ${load(loadBefore)} before and ${load(loadAfter)} after — the machine is shared, so times vary widely between runs.`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| next-action step | **${f(m.stepS)} s** (budget ≤ ${BUDGET_S} s: ${m.stepS <= BUDGET_S ? 'met' : 'NOT met'}) |`,
    `| baseline: one GROUP BY customer over all events | ${f(m.baselineS)} s |`,
    `| ratio step / baseline | ${(m.stepS / m.baselineS).toFixed(1)}× |`,
    `| step CPU (user + system, both cores) | ${f(m.cpuS)} CPU-s, of which system ${f(m.sysS)} |`,
    `| minor page faults in the step | ${m.minorFaults.toLocaleString('en-US')} × ${fault.usPerFault.toFixed(1)} µs ≈ ${f((m.minorFaults * fault.usPerFault) / 1e6)} CPU-s (this machine's cost of a fault, measured in the same run: 256 MiB touched anew) |`,
    `| peak RSS of the measuring process | ${m.peakRssMiB.toFixed(0)} MiB (budget ≤ ${BUDGET_RSS_MIB} MiB: ${m.peakRssMiB <= BUDGET_RSS_MIB ? 'met' : 'NOT met'}) |`,
    `| segments | ${m.segments} |`,
    `| customers per experience | ${Object.entries(m.experiences).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')} |`,
    '',
    'Phases (s): ' + m.phases.map((p) => `${p.step} ${f(p.s)}`).join(' · '),
  ].join('\n');
}

if (process.argv[2] === 'prepare') await prepare();
if (process.argv[2] === 'measure') {
  const m = await measure(process.argv[3]);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
