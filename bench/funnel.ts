/**
 * Issue 6 scale check: the funnel step (analyzeFunnel: stages, conversions by cohort and channel,
 * touches with review reads, touch paths and attribution, paths to value and phases) on the cached
 * ~10M-event simulated log of 1M customers, against a budget of 15 s and the issue's 3 GiB peak RSS
 * (the issue's 60 s cover graph metrics + cascades + funnel together; the network part, measured by
 * `npm run bench -- network`, takes 30–50 s here depending on the load),
 * with the time of every query the funnel sends to the store and the load average around the run
 * (the machine is shared).
 *
 *   npm run bench -- funnel                       (run(): ingest once, measure in a child)
 *   node --import tsx bench/funnel.ts measure <db>
 *
 * The log is bench/_data.ts `simulatedEvents(1_000_000, 'csv')`; its store is cached under
 * bench/.data/ (gitignored). Baseline, same process and store: one GROUP BY (customer_id, type)
 * over all events — the least any per-customer funnel can cost — reported as a ratio. The child
 * runs with DuckDB's memory_limit at $SPIRAL_DUCKDB_MEMORY_LIMIT (default below) and all cores.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFunnel } from '../src/funnel/index.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import type { Row, Store } from '../src/store/types.js';
import { bundledMapping } from '../test/helpers/ingest.js';
import { DATA_DIR, simulatedEvents } from './_data.js';
import { phaseTimer } from './_phases.js';

const CUSTOMERS = 1_000_000;
const DB_FILE = join(DATA_DIR, `funnel-sim-${CUSTOMERS}.duckdb`);
const BUDGET_S = 15;
const BUDGET_RSS_MIB = 3072; // issue 6: peak RSS ≤ 3 GiB
const MEMORY_LIMIT = process.env.SPIRAL_DUCKDB_MEMORY_LIMIT ?? '1800MB';

/** What each of the funnel's queries computes, recognised by a fragment of its SQL. */
const QUERY_NAMES: [RegExp, string][] = [
  [/TEMP TABLE funnel_customers/, 'stage table (one row per customer)'],
  [/count\(e1\) AS r1/, 'stage counts'],
  [/GROUPING\(cohort\)/, 'conversion by cohort and channel'],
  [/count\(first_view\)/, 'ordered funnel view → save/cart → purchase'],
  [/TEMP TABLE funnel_touches/, 'touch table (with review reads)'],
  [/np > 0/, 'touch counts and last touch per stage'],
  [/count\(e2\) AS r2/, 'customers reaching stages 2–6'],
  [/WITH b AS/, 'touch paths per (stratum, path)'],
  [/SELECT DISTINCT type/, 'step types present'],
  [/TEMP TABLE funnel_journeys/, 'journeys (steps before and after the first purchase)'],
  [/list_concat\(list_slice\(pre/, 'top paths before the purchase'],
  [/list_slice\(post/, 'top paths after the purchase'],
  [/WITH j AS/, 'sankey links and drop-off'],
  [/GROUPING\(acquisition\)/, 'phase times'],
  [/^DROP TABLE/, 'drop the TEMP tables'],
];

function queryName(sql: string): string {
  const s = sql.trim();
  return QUERY_NAMES.find(([re]) => re.test(s))?.[1] ?? s.replace(/\s+/g, ' ').slice(0, 60);
}

/** A store that times every call it passes on. */
class TimedStore implements Store {
  readonly times: { query: string; s: number }[] = [];
  constructor(private readonly inner: Store) {}
  get dialect(): Store['dialect'] {
    return this.inner.dialect;
  }
  get location(): string {
    return this.inner.location;
  }
  private async timed<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      this.times.push({ query: queryName(sql), s: (performance.now() - t0) / 1000 });
    }
  }
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.timed(sql, () => this.inner.query<T>(sql, params));
  }
  exec(sql: string): Promise<void> {
    return this.timed(sql, () => this.inner.exec(sql));
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Measurement {
  events: number;
  baselineS: number;
  funnelS: number;
  phases: { step: string; s: number }[];
  queries: { query: string; s: number }[];
  peakRssMiB: number;
  customers: number;
  purchasers: number;
  peerTouches: number;
  firmTouches: number;
  shapley: { peer: number | null; firm: number | null };
  topPath: string | null;
}

async function measure(db: string): Promise<Measurement> {
  const store = await DuckDbStore.open(db);
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
  const timer = phaseTimer();
  // the funnel first, so the baseline's memory does not count in the funnel's peak RSS
  let t0 = performance.now();
  const timed = new TimedStore(store);
  const r = await analyzeFunnel(timed, { onProgress: timer.onProgress });
  const funnelS = (performance.now() - t0) / 1000;
  const phases = timer.finish();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  t0 = performance.now();
  await store.query('SELECT count(*) FROM (SELECT customer_id, type, count(*) AS k FROM events GROUP BY 1, 2)');
  const baselineS = (performance.now() - t0) / 1000;
  await store.close();
  if (!('stages' in r)) throw new Error('bench funnel: the store has no events');
  return {
    events: Number(n),
    baselineS,
    funnelS,
    phases,
    queries: timed.times.filter((q) => q.query !== 'SELECT count(*) AS events FROM events'),
    peakRssMiB,
    customers: r.customers,
    purchasers: r.attribution.conversions,
    peerTouches: r.touches.peerTouches,
    firmTouches: r.touches.firmTouches,
    shapley: { peer: r.attribution.shapley.peer, firm: r.attribution.shapley.firm },
    topPath: r.paths.before[0]?.path ?? null,
  };
}

async function prepare(): Promise<{ ingestS: number | null; file: string }> {
  const { path } = await simulatedEvents(CUSTOMERS, 'csv');
  if (existsSync(DB_FILE)) return { ingestS: null, file: path };
  const store = await DuckDbStore.open(DB_FILE);
  const t0 = performance.now();
  await ingestFiles(store, [path], bundledMapping('simulated'), { rejectFile: '/dev/null' });
  const ingestS = (performance.now() - t0) / 1000;
  await store.close();
  return { ingestS, file: path };
}

export async function run(): Promise<string> {
  const prep = await prepare();
  const loadBefore = loadavg();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', DB_FILE], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: { ...process.env, SPIRAL_DUCKDB_MEMORY_LIMIT: MEMORY_LIMIT },
  });
  const loadAfter = loadavg();
  if (child.status !== 0) throw new Error(`bench funnel: measuring child failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
  const f = (x: number): string => x.toFixed(2);
  const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '## Funnel step on 10M simulated events (issue 6)',
    '',
    `${m.events.toLocaleString('en-US')} events (\`simulatedEvents(${CUSTOMERS.toLocaleString('en-US')}, 'csv')\`, seed 1, 104 weeks, default simulator: no peerEffects block; ` +
      `${prep.ingestS === null ? 'store cached' : `ingested in ${f(prep.ingestS)} s`}). The funnel step = \`analyzeFunnel(store)\` with the defaults ` +
      '(lookback 30 days, review reads as peer touches, paths of 5 steps): the per-customer stage table, conversions by cohort and channel, the ordered ' +
      'view → save/cart → purchase funnel, touches, touch paths with last touch / Shapley / Markov and the peer and firm effects, the journeys, ' +
      'top paths, sankey links and phase times. Measured in a child process on the machine\'s 2 cores, DuckDB memory_limit ' +
      `${MEMORY_LIMIT}; load average (1 / 5 / 15 min) ${load(loadBefore)} before the run and ${load(loadAfter)} after it — the machine is shared, so times vary by tens of percent between runs.`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| funnel step | **${f(m.funnelS)} s** (budget ≤ ${BUDGET_S} s, i.e. ${(BUDGET_S / 1.78).toFixed(1)}× the baseline on a quiet machine, within the issue's 60 s for graph + cascades + funnel: ${m.funnelS <= BUDGET_S ? 'met' : 'NOT met'}) |`,
    `| baseline: one GROUP BY (customer, type) over all events | ${f(m.baselineS)} s |`,
    `| ratio funnel step / baseline | ${(m.funnelS / m.baselineS).toFixed(1)}× |`,
    `| peak RSS of the measuring process during the funnel step | ${m.peakRssMiB.toFixed(0)} MiB (budget ≤ ${BUDGET_RSS_MIB} MiB: ${m.peakRssMiB <= BUDGET_RSS_MIB ? 'met' : 'NOT met'}) |`,
    `| customers in the funnel, purchasers | ${m.customers.toLocaleString('en-US')}, ${m.purchasers.toLocaleString('en-US')} |`,
    `| peer touches, firm touches | ${m.peerTouches.toLocaleString('en-US')}, ${m.firmTouches.toLocaleString('en-US')} |`,
    `| Shapley share of purchases: peer, firm | ${pct(m.shapley.peer)}, ${pct(m.shapley.firm)} |`,
    `| most frequent path to the first purchase | ${m.topPath ?? '—'} |`,
    '',
    'Phases (s): ' + m.phases.map((p) => `${p.step.replace(/^funnel: /, '')} ${f(p.s)}`).join(' · '),
    '',
    '| query (in the order the funnel sends them) | s |',
    '|---|---:|',
    ...m.queries.map((q) => `| ${q.query} | ${f(q.s)} |`),
  ].join('\n');
}

if (process.argv[2] === 'measure') {
  const m = await measure(process.argv[3]);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
