/**
 * `npm run bench -- clv`: the CLV step on 1M simulated customers (~10M events).
 *
 * 1. simulate 1M customers (seed 1) → bench/.data/clv/events.parquet (cached, gitignored);
 * 2. ingest with the bundled `simulated` mapping → bench/.data/clv/store.duckdb (cached);
 * 3. in a child process (so its peak RSS is the CLV step's alone): summary SQL, compression
 *    (tuples table + transfer of tuples to TypeScript), BG/NBD fit, Gamma-Gamma fit, scoring
 *    (clv_scores for every customer); then the in-run baseline: BG/NBD on the 1M per-customer rows;
 *    then the first fit in each of COLD_RUNS fresh processes (bench/_clv-cold.ts), since a single cold
 *    run on this shared machine is noisy;
 * 4. ground truth: the fitted parameters against the simulator's, and BG/NBD on 1M customers drawn
 *    from the model's own simulator (continuous time, no day binning) within two standard errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { simulate, type SimulationTruth } from '../src/simulate/index.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { parseMapping } from '../src/domain/mapping.js';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { createRng } from '../src/models/numeric/random.js';
import { simulateBgnbd } from '../src/models/clv/simulate.js';
import { fitBgnbd } from '../src/models/clv/bgnbd.js';
import { summary } from '../src/network/histogram.js';
import { summaryCliSection } from './_clv-summary-cli.js';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = join(here, '.data', 'clv');
const EVENTS = join(DATA, 'events.parquet');
const STORE = join(DATA, 'store.duckdb');
const CUSTOMERS = 1_000_000;
const TUPLES = join(DATA, 'tuples');
const COLD_RUNS = 5;

const TARGETS = { bgnbdFit: 0.25, clvStep: 8, rssMiB: 2048 };

interface Steps {
  seconds: { summarySql: number; compression: number; bgnbdFitCold: number; bgnbdFit: number; ggFit: number; scoring: number };
  cpuSeconds: { summarySql: number; compression: number; bgnbdFitCold: number; bgnbdFit: number; ggFit: number; scoring: number };
  customers: number;
  repeatBuyers: number;
  tuples: number;
  spendTuples: number;
  bgnbd: { params: Record<string, number>; stdErrors: Record<string, number>; logLikelihood: number; iterations: number };
  gg: { params: Record<string, number>; stdErrors: Record<string, number>; logLikelihood: number; customers: number };
  scored: number;
  customerEquity: number;
  rssMainMiB: number;
  baseline: { rows: number; loadSeconds: number; fitSeconds: number; fitNoScreenSeconds: number; logLikelihood: number; logLikelihoodNoScreen: number };
  rssWithBaselineMiB: number;
  others: Record<'pnbd' | 'mbgnbd', { seconds: number; logLikelihood: number; iterations: number }>;
}

const f = (v: number, d = 2): string => v.toFixed(d);
const load = (): string => loadavg().map((v) => v.toFixed(1)).join(' / ');

async function ensureData(): Promise<{ simulated: string; ingested: string }> {
  mkdirSync(DATA, { recursive: true });
  let simulated = 'cached';
  if (!existsSync(EVENTS) || !existsSync(join(DATA, 'events.truth.json'))) {
    const t0 = performance.now();
    const s = await simulate({ customers: CUSTOMERS, seed: 1, out: EVENTS });
    simulated = `${f((performance.now() - t0) / 1000, 0)} s (${s.events.toLocaleString('en-US')} events)`;
  }
  let ingested = 'cached';
  if (!existsSync(STORE)) {
    const tmp = join(DATA, 'store.tmp.duckdb');
    rmSync(tmp, { force: true });
    const mapping = parseMapping(JSON.parse(readFileSync(join(here, '..', 'examples', 'mappings', 'simulated.json'), 'utf8')), 'simulated');
    const store = await DuckDbStore.open(tmp);
    try {
      const r = await ingestFiles(store, [EVENTS], mapping, { rejectFile: join(DATA, 'rejects.csv') });
      ingested = `${f(r.seconds, 0)} s`;
    } finally {
      await store.close();
    }
    renameSync(tmp, STORE);
  }
  return { simulated, ingested };
}

function runSteps(calibrationEnd: string): Steps {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, '_clv-steps.ts'), STORE, calibrationEnd, 'baseline', TUPLES], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`bench clv: the CLV step failed (exit ${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as Steps;
}

interface ColdRun { seconds: number; cpuSeconds: number; logLikelihood: number }

function coldRuns(): ColdRun[] {
  return Array.from({ length: COLD_RUNS }, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, '_clv-cold.ts'), TUPLES], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench clv: the cold fit failed (exit ${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout.trim()) as ColdRun;
  });
}

const median = (v: number[]): number => summary(v).median ?? NaN;

function truthRows(fit: { params: Record<string, number>; stdErrors: Record<string, number> }, truth: Record<string, number>, names: readonly string[]): string[] {
  return names.map((k) => {
    const z = (fit.params[k] - truth[k]) / fit.stdErrors[k];
    return `| ${k} | ${truth[k]} | ${f(fit.params[k], 4)} | ${f(fit.stdErrors[k], 4)} | ${f(z, 2)} | ${Math.abs(z) < 2 ? 'yes' : '**no**'} |`;
  });
}

export async function run(): Promise<string> {
  const data = await ensureData();
  const truth = JSON.parse(readFileSync(join(DATA, 'events.truth.json'), 'utf8')) as SimulationTruth;
  const calibrationEnd = new Date(Date.parse(truth.window.end) - 86_400_000).toISOString().slice(0, 10);
  const loadBefore = load();
  const s = runSteps(calibrationEnd);
  const cold = coldRuns();
  const loadAfter = load();
  const coldSeconds = cold.map((c) => c.seconds);
  const coldMedian = median(coldSeconds);
  const coldSame = cold.every((c) => Math.abs(c.logLikelihood - s.bgnbd.logLikelihood) < 1e-6 * Math.abs(s.bgnbd.logLikelihood));
  const t = s.seconds, c = s.cpuSeconds;
  const cpuStep = c.summarySql + c.compression + c.bgnbdFitCold + c.ggFit + c.scoring;
  const step = t.summarySql + t.compression + t.bgnbdFitCold + t.ggFit + t.scoring;
  const stepWarm = t.summarySql + t.compression + t.bgnbdFit + t.ggFit + t.scoring;

  // The model's own simulator: 1M customers in continuous time, T spread over 1..104 weeks as in the event log.
  const ages = Array.from({ length: 104 }, (_, i) => i + 1);
  const bgTrue = truth.purchases.params;
  const simT0 = performance.now();
  const direct = simulateBgnbd(createRng(7), bgTrue, CUSTOMERS, ages);
  const simSeconds = (performance.now() - simT0) / 1000;
  const dT0 = performance.now();
  const directFit = fitBgnbd(direct);
  const directSeconds = (performance.now() - dT0) / 1000;
  const summaryCli = await summaryCliSection(direct, DATA);

  const ok = (v: number, target: number): string => (v <= target ? 'met' : `**missed by ${f(v - target)} (${f((100 * (v - target)) / target, 0)}%)**`);
  return `## CLV: 1M customers (clv)

Simulated with \`simulate({ customers: 1_000_000, seed: 1 })\` (BG/NBD r=${bgTrue.r}, α=${bgTrue.alpha}, a=${bgTrue.a}, b=${bgTrue.b}; Gamma-Gamma p=${truth.spend.params.p}, q=${truth.spend.params.q}, γ=${truth.spend.params.gamma}; ${truth.window.weeks} weeks), ${truth.counts.events.toLocaleString('en-US')} events, ingested with the \`simulated\` mapping (simulate: ${data.simulated}; ingest: ${data.ingested}). Unit week, calibration to ${calibrationEnd}, no holdout. The CLV step runs in a child process; load average (1/5/15 min) on this shared 2-core machine: ${loadBefore} before, ${loadAfter} after, so wall times include waiting for a core. CPU s is the process's user + system time in the step (DuckDB's threads included): for the single-threaded TypeScript steps (fits, most of scoring) it is close to the wall time on an idle machine.

| step | wall s | CPU s | notes |
|---|---:|---:|---|
| summary SQL (per-customer x, t_x, T, monetary) | ${f(t.summarySql)} | ${f(c.summarySql)} | ${s.customers.toLocaleString('en-US')} customers, ${s.repeatBuyers.toLocaleString('en-US')} repeat buyers |
| compression (distinct tuples in SQL + transfer) | ${f(t.compression)} | ${f(c.compression)} | ${s.tuples.toLocaleString('en-US')} (x, t_x, T) tuples, ${s.spendTuples.toLocaleString('en-US')} (x, m) spend tuples |
| BG/NBD fit, first (cold) run in this process | ${f(t.bgnbdFitCold)} | ${f(c.bgnbdFitCold)} | ${s.bgnbd.iterations} iterations (screening + Newton polish); SEs included; target ≤ ${TARGETS.bgnbdFit} s: ${ok(t.bgnbdFitCold, TARGETS.bgnbdFit)} |
| BG/NBD fit, cold, median of ${COLD_RUNS} fresh processes | ${f(coldMedian)} | ${f(median(cold.map((x) => x.cpuSeconds)))} | each the first fit in its process; min–max ${f(Math.min(...coldSeconds))}–${f(Math.max(...coldSeconds))} s; ${coldSame ? 'same log-likelihood in every run' : '**log-likelihoods differ**'}; target ≤ ${TARGETS.bgnbdFit} s: ${ok(coldMedian, TARGETS.bgnbdFit)} |
| BG/NBD fit, warm (fastest of 3) | ${f(t.bgnbdFit)} | ${f(c.bgnbdFit)} | target ≤ ${TARGETS.bgnbdFit} s: ${ok(t.bgnbdFit, TARGETS.bgnbdFit)} |
| Gamma-Gamma fit | ${f(t.ggFit)} | ${f(c.ggFit)} | ${s.gg.customers.toLocaleString('en-US')} repeat buyers |
| scoring (P(alive), E[purchases 52 wk], E[spend], CLV at 10%/yr → clv_scores) | ${f(t.scoring)} | ${f(c.scoring)} | ${s.scored.toLocaleString('en-US')} customers; customer equity ${f(s.customerEquity, 0)} |
| **whole CLV step** (cold fit) | **${f(step)}** | ${f(cpuStep)} | target ≤ ${TARGETS.clvStep} s: ${ok(step, TARGETS.clvStep)} (warm fit: ${f(stepWarm)}) |
| peak RSS of the CLV step | ${f(s.rssMainMiB, 0)} MiB | | target ≤ ${TARGETS.rssMiB} MiB: ${ok(s.rssMainMiB, TARGETS.rssMiB)} |

The other purchase models on the same tuples (what \`clv fit --model auto\` fits besides BG/NBD; no target): Pareto/NBD ${f(s.others.pnbd.seconds)} s (log-likelihood ${f(s.others.pnbd.logLikelihood, 1)}), MBG/NBD ${f(s.others.mbgnbd.seconds)} s (${f(s.others.mbgnbd.logLikelihood, 1)}), BG/NBD ${f(s.bgnbd.logLikelihood, 1)}.

**Baseline in the same run**: BG/NBD on the ${s.baseline.rows.toLocaleString('en-US')} per-customer rows (count 1 each, no compression): ${f(s.baseline.fitSeconds)} s with the subsample screening, ${f(s.baseline.fitNoScreenSeconds)} s without (plus ${f(s.baseline.loadSeconds)} s to load the rows) vs ${f(t.bgnbdFit)} s on the tuples: **${f(s.baseline.fitSeconds / t.bgnbdFit, 1)}×** (${f(s.baseline.fitNoScreenSeconds / t.bgnbdFit, 1)}× unscreened). Same optimum: log-likelihood ${f(s.baseline.logLikelihood, 3)} (rows) vs ${f(s.bgnbd.logLikelihood, 3)} (tuples). Peak RSS with the baseline: ${f(s.rssWithBaselineMiB, 0)} MiB. For reference, the issue quotes lifetimes 0.11.3 at about 12 s for 1M customers on this machine (not run here).

### Ground truth

BG/NBD and Gamma-Gamma fitted on the simulated event log (through ingest and the SQL summary) vs the simulator's parameters:

| parameter | true | fitted | SE | z | within 2 SE |
|---|---:|---:|---:|---:|:---:|
${truthRows(s.bgnbd, bgTrue, ['r', 'alpha', 'a', 'b']).join('\n')}
${truthRows(s.gg, truth.spend.params, ['p', 'q', 'gamma']).join('\n')}

The event-log summary counts purchase *days* (several purchases on one day are one transaction, as BTYD and lifetimes do): the truth records ${truth.purchases.realizedRepeatPurchasesInWindow.toLocaleString('en-US')} repeat transactions but ${truth.purchases.realizedRepeatPurchaseDaysInWindow.toLocaleString('en-US')} repeat purchase days (${f((100 * (1 - truth.purchases.realizedRepeatPurchaseDaysInWindow / truth.purchases.realizedRepeatPurchasesInWindow)), 2)}% merged, mostly from the fastest buyers). With 1M customers the standard errors are small enough that this definitional difference shows in r and α; the 20,000-customer test (test/reference/clv-simulated.test.ts) recovers all seven within 2 SE.

BG/NBD on ${CUSTOMERS.toLocaleString('en-US')} customers drawn from the model's own simulator (continuous time, no day binning; ${f(simSeconds, 1)} s to simulate, per-customer rows (t_x is continuous, so they do not compress), fit ${f(directSeconds)} s):

| parameter | true | fitted | SE | z | within 2 SE |
|---|---:|---:|---:|---:|:---:|
${truthRows(directFit as unknown as { params: Record<string, number>; stdErrors: Record<string, number> }, bgTrue, ['r', 'alpha', 'a', 'b']).join('\n')}

${summaryCli}`;
}
