/**
 * Issue 6 scale check: the funnel step (analyzeFunnel: stages, conversions by cohort and channel,
 * touches with review reads, touch paths and attribution, paths to value and phases) on the cached
 * ~10M-event simulated log of 1M customers, against a budget of 30 s (the issue's 60 s covers graph
 * metrics + cascades + funnel together), with the measuring process's peak RSS.
 *
 *   npm run bench -- funnel                       (run(): ingest once, measure in a child)
 *   node --import tsx bench/funnel.ts measure <db>
 *
 * The log is bench/_data.ts `simulatedEvents(1_000_000, 'csv')`; its store is cached under
 * bench/.data/ (gitignored). Baseline, same process and store: one GROUP BY (customer_id, type)
 * over all events — the least any per-customer funnel can cost — reported as a ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeFunnel } from '../src/funnel/index.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { bundledMapping } from '../test/helpers/ingest.js';
import { DATA_DIR, simulatedEvents } from './_data.js';

const CUSTOMERS = 1_000_000;
const DB_FILE = join(DATA_DIR, `funnel-sim-${CUSTOMERS}.duckdb`);
const BUDGET_S = 30;

interface Measurement {
  events: number;
  baselineS: number;
  funnelS: number;
  phases: { step: string; s: number }[];
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
  let t0 = performance.now();
  await store.query('SELECT count(*) FROM (SELECT customer_id, type, count(*) AS k FROM events GROUP BY 1, 2)');
  const baselineS = (performance.now() - t0) / 1000;
  const phases: { step: string; s: number }[] = [];
  let last = performance.now();
  let lastStep = 'start';
  t0 = performance.now();
  const r = await analyzeFunnel(store, {
    onProgress: (step) => {
      const now = performance.now();
      phases.push({ step: lastStep, s: (now - last) / 1000 });
      last = now;
      lastStep = step;
    },
  });
  const funnelS = (performance.now() - t0) / 1000;
  phases.push({ step: lastStep, s: (performance.now() - last) / 1000 });
  await store.close();
  if (!('stages' in r)) throw new Error('bench funnel: the store has no events');
  return {
    events: Number(n),
    baselineS,
    funnelS,
    phases: phases.filter((p) => p.step !== 'start'),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
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
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'measure', DB_FILE], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`bench funnel: measuring child failed: ${child.stderr}`);
  const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
  const f = (x: number): string => x.toFixed(2);
  const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
  return [
    '## Funnel step on 10M simulated events (issue 6)',
    '',
    `${m.events.toLocaleString('en-US')} events (\`simulatedEvents(${CUSTOMERS.toLocaleString('en-US')}, 'csv')\`, seed 1, 104 weeks, default simulator: no peerEffects block; ` +
      `${prep.ingestS === null ? 'store cached' : `ingested in ${f(prep.ingestS)} s`}). The funnel step = \`analyzeFunnel(store)\` with the defaults ` +
      '(lookback 30 days, review reads as peer touches, paths of 5 steps): the per-customer stage table, conversions by cohort and channel, the ordered ' +
      'view → save/cart → purchase funnel, touches, touch paths with last touch / Shapley / Markov and the peer and firm effects, the journeys, ' +
      'top paths, sankey links and phase times. Measured in a child process on the machine\'s 2 cores.',
    '',
    '| measure | value |',
    '|---|---:|',
    `| funnel step | **${f(m.funnelS)} s** (budget ≤ ${BUDGET_S} s within the issue's 60 s for graph + cascades + funnel: ${m.funnelS <= BUDGET_S ? 'met' : 'NOT met'}) |`,
    `| baseline: one GROUP BY (customer, type) over all events | ${f(m.baselineS)} s |`,
    `| ratio funnel step / baseline | ${(m.funnelS / m.baselineS).toFixed(1)}× |`,
    `| peak RSS of the measuring process | ${m.peakRssMiB.toFixed(0)} MiB |`,
    `| customers in the funnel, purchasers | ${m.customers.toLocaleString('en-US')}, ${m.purchasers.toLocaleString('en-US')} |`,
    `| peer touches, firm touches | ${m.peerTouches.toLocaleString('en-US')}, ${m.firmTouches.toLocaleString('en-US')} |`,
    `| Shapley share of purchases: peer, firm | ${pct(m.shapley.peer)}, ${pct(m.shapley.firm)} |`,
    `| most frequent path to the first purchase | ${m.topPath ?? '—'} |`,
    '',
    'Phases (s): ' + m.phases.map((p) => `${p.step.replace(/^funnel: /, '')} ${f(p.s)}`).join(' · '),
  ].join('\n');
}

if (process.argv[2] === 'measure') {
  const m = await measure(process.argv[3]);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
