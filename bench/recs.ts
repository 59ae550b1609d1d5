/**
 * Issue 10 scale check for the models behind the actions: recommendations for every customer
 * (`--model auto`, the inner-split choice included) and replenishment, as the actions step runs them
 * (writeActionInputs), on the 10.8M-event simulated store (`spiral simulate --customers 1000000
 * --seed 1`, cached in bench/.data and ingested once). Budget: ≤ 12 s and ≤ 2 GiB peak RSS (this
 * step's share of the actions step's 30 s).
 *
 *   npm run bench -- recs                 (run(): ingest once, measure in a child)
 *   node --import tsx bench/recs.ts measure <db>
 *
 * Baseline, same child and store: one GROUP BY customer_id over all events, before and after the
 * step (the mean is the ratio's denominator), so load on the shared machine shows in both.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestFiles } from '../src/ingest/ingest.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { writeRecommendations } from '../src/experiences/recommend/recommend.js';
import { writeReplenishment } from '../src/experiences/replenish/replenish.js';
import { bundledMapping } from '../test/helpers/ingest.js';
import { DATA_DIR, simulatedEvents } from './_data.js';
import { loadAverage, measureProcess } from './_process.js';

const CUSTOMERS = Number(process.env.SPIRAL_BENCH_CUSTOMERS ?? 1_000_000);
const DB_FILE = join(DATA_DIR, `recs-sim-${CUSTOMERS}.duckdb`);
const BUDGET_S = 12;
const BUDGET_RSS_MIB = 2048;
const MEMORY_LIMIT = process.env.SPIRAL_DUCKDB_MEMORY_LIMIT ?? '1500MB';

interface Measurement {
  events: number;
  customers: number;
  baselineS: number[];
  recsS: number;
  replenishS: number;
  peakRssMiB: number;
  model: string;
  params: string | null;
  rows: number;
  coverage: number | null;
  innerCustomers: number | null;
  pairs: number;
}

async function measure(db: string): Promise<Measurement> {
  const store = await DuckDbStore.open(db);
  const baseline = async (): Promise<number> => {
    const t = performance.now();
    await store.query("SELECT count(*) FROM (SELECT customer_id, count(*) AS events, max(ts) AS last, count(*) FILTER (WHERE type = 'purchase') AS purchases FROM events GROUP BY customer_id)");
    return (performance.now() - t) / 1000;
  };
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::DOUBLE AS n FROM events');
  const b1 = await baseline();
  // The two calls of writeActionInputs (src/experiences/recommend/step.ts), in its order, timed apart.
  let t = performance.now();
  const recs = await writeRecommendations(store);
  const recsS = (performance.now() - t) / 1000;
  t = performance.now();
  const rep = await writeReplenishment(store);
  const replenishS = (performance.now() - t) / 1000;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const b2 = await baseline();
  await store.close();
  return {
    events: Number(n), customers: recs.customers, baselineS: [b1, b2], recsS, replenishS, peakRssMiB, model: recs.model, params: recs.params,
    rows: recs.rows, coverage: recs.coverage, innerCustomers: recs.selection.inner?.customers ?? null, pairs: rep.pairs,
  };
}

async function prepare(): Promise<{ prepS: number | null }> {
  if (existsSync(DB_FILE)) return { prepS: null };
  const t0 = performance.now();
  const { path } = await simulatedEvents(CUSTOMERS, 'parquet');
  const store = await DuckDbStore.open(`${DB_FILE}.tmp`);
  await ingestFiles(store, [path], bundledMapping('simulated'), { rejectFile: '/dev/null' });
  await store.close();
  renameSync(`${DB_FILE}.tmp`, DB_FILE);
  return { prepS: (performance.now() - t0) / 1000 };
}

export async function run(): Promise<string> {
  const prep = await prepare();
  const loadBefore = loadAverage();
  const child = measureProcess([process.execPath, '--import', 'tsx', fileURLToPath(import.meta.url), 'measure', DB_FILE],
    { ...process.env, SPIRAL_DUCKDB_MEMORY_LIMIT: MEMORY_LIMIT }, 'bench recs: measuring child');
  const loadAfter = loadAverage();
  const m = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Measurement;
  const f = (x: number): string => x.toFixed(2);
  const base = (m.baselineS[0] + m.baselineS[1]) / 2;
  const total = m.recsS + m.replenishS;
  return [
    '## Recommendations for every customer and replenishment on the 1M-customer store (issue 10)',
    '',
    `${m.events.toLocaleString('en-US')} events of ${m.customers.toLocaleString('en-US')} customers (\`spiral simulate --customers ${CUSTOMERS.toLocaleString('en-US')} --seed 1\`, ` +
      `${prep.prepS === null ? 'store cached' : `ingested in ${f(prep.prepS)} s`}). Timed: \`writeRecommendations\` (\`--model auto\`: the choice on the inner split, a hash sample of customers, then the chosen model for everyone, ` +
      `written as the table \`recommendations\`, k = 10 rows per customer) and \`writeReplenishment\` — the two calls of \`writeActionInputs\`, which the actions step runs. ` +
      `Measured in a child process, DuckDB memory_limit ${MEMORY_LIMIT}; load average (1 / 5 / 15 min) ${loadBefore} before and ${loadAfter} after — the machine is shared (2 cores), so absolute times vary widely between runs; the ratio to the in-run baseline is the stable number.`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| recommendations, all customers | ${f(m.recsS)} s (model ${m.model}${m.params ? `, ${m.params}` : ''}; ${m.rows.toLocaleString('en-US')} rows; coverage ${m.coverage === null ? 'n/a' : m.coverage.toFixed(3)}; inner split on ${m.innerCustomers ?? 0} customers) |`,
    `| replenishment | ${f(m.replenishS)} s (${m.pairs.toLocaleString('en-US')} pairs) |`,
    `| **both** | **${f(total)} s** (budget ≤ ${BUDGET_S} s: ${total <= BUDGET_S ? 'met' : 'NOT met'}) |`,
    `| baseline: one GROUP BY customer over all events (before / after) | ${f(m.baselineS[0])} s / ${f(m.baselineS[1])} s |`,
    `| ratio both / baseline | ${(total / base).toFixed(1)}× |`,
    `| peak RSS of the measuring process | ${m.peakRssMiB.toFixed(0)} MiB (budget ≤ ${BUDGET_RSS_MIB} MiB: ${m.peakRssMiB <= BUDGET_RSS_MIB ? 'met' : 'NOT met'}) |`,
  ].join('\n');
}

if (process.argv[2] === 'measure') {
  const m = await measure(process.argv[3]);
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
