/**
 * The CLV step of bench/clv.ts, run in its own process so its peak RSS is the CLV step's alone:
 *   node --import tsx bench/_clv-steps.ts <store.duckdb> <calibration-end> [baseline] [tuples-dir]
 * Prints one JSON line: per-step seconds, tuple counts, fits, RSS. With `baseline`, also fits BG/NBD
 * on the per-customer rows (count 1 each), after the RSS of the main steps has been read. With a
 * tuples directory, writes the RFM tuples there (x.bin, t_x.bin, T.bin, count.bin: raw float64) for
 * bench/_clv-cold.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { loadRfmTuples, loadSpendTuples, summaryInfo, summaryTableSql, tuplesTableSql, type SummaryOptions } from '../src/clv/summary.js';
import { fitBgnbd } from '../src/models/clv/bgnbd.js';
import { fitGammaGamma } from '../src/models/clv/gammagamma.js';
import { fitPnbd } from '../src/models/clv/pnbd.js';
import { fitMbgnbd } from '../src/models/clv/mbgnbd.js';
import { rfmModel } from '../src/models/clv/clv.js';
import { writeClvScores } from '../src/clv/score.js';
import { perPeriodRate } from '../src/clv/pipeline.js';

const [db, calibrationEnd, baseline, tuplesDir] = process.argv.slice(2);
const o: SummaryOptions = { unit: 'week', calibrationEnd };
const rssMiB = (): number => process.resourceUsage().maxRSS / 1024;

/** CPU seconds (user + system, all threads of this process, DuckDB's included) per step. */
const cpu: Record<string, number> = {};

async function time<T>(f: () => Promise<T> | T, name?: string): Promise<[T, number]> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = await f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  if (name) cpu[name] = (c.user + c.system) / 1e6;
  return [v, wall];
}

const store = await DuckDbStore.open(db);
try {
  const seconds: Record<string, number> = {};
  [, seconds.summarySql] = await time(() => store.exec(summaryTableSql(o)), 'summarySql');
  const [info] = await time(() => summaryInfo(store, o));
  let rfm, spend;
  [[rfm, spend], seconds.compression] = await time(async () => {
    await store.exec(tuplesTableSql(o));
    return [await loadRfmTuples(store, info), await loadSpendTuples(store, info)] as const;
  }, 'compression');
  if (tuplesDir) {
    mkdirSync(tuplesDir, { recursive: true });
    for (const k of ['x', 't_x', 'T', 'count'] as const) writeFileSync(join(tuplesDir, `${k}.bin`), rfm[k]);
  }
  // The first (cold) fit counts in the CLV step; the fastest of three more is the warm fit time
  // (the machine is shared, so the minimum is the least disturbed run).
  let [bg, cold] = await time(() => fitBgnbd(rfm), 'bgnbdFitCold');
  seconds.bgnbdFitCold = cold;
  const fits: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [f, s] = await time(() => fitBgnbd(rfm), `bgnbdFit${i}`);
    bg = f;
    fits.push(s);
  }
  seconds.bgnbdFit = Math.min(...fits);
  const [gg, ggSeconds] = await time(() => fitGammaGamma(spend), 'ggFit');
  seconds.ggFit = ggSeconds;
  const [score, scoreSeconds] = await time(() => writeClvScores(store, info, rfm, {
    model: rfmModel({ model: 'bgnbd', params: bg.params }), horizon: 52, spend: gg.params,
    discount: { discountRate: perPeriodRate(0.1, 'week'), periodLength: 1, horizon: 52 },
  }), 'scoring');
  seconds.scoring = scoreSeconds;
  const rssMain = rssMiB();
  cpu.bgnbdFit = Math.min(cpu.bgnbdFit0, cpu.bgnbdFit1, cpu.bgnbdFit2);
  const out: Record<string, unknown> = {
    seconds, cpuSeconds: cpu, customers: info.customers, repeatBuyers: info.repeatBuyers, tuples: rfm.x.length, spendTuples: spend.x.length,
    bgnbd: { params: bg.params, stdErrors: bg.stdErrors, logLikelihood: bg.logLikelihood, iterations: bg.iterations },
    gg: { params: gg.params, stdErrors: gg.stdErrors, logLikelihood: gg.logLikelihood, customers: gg.customers },
    scored: score.customers, customerEquity: score.customerEquity, rssMainMiB: rssMain,
  };
  // The other purchase models on the same tuples (what `clv fit --model auto` fits besides BG/NBD).
  const [pn, pnSeconds] = await time(() => fitPnbd(rfm));
  const [mb, mbSeconds] = await time(() => fitMbgnbd(rfm));
  out.others = {
    pnbd: { seconds: pnSeconds, logLikelihood: pn.logLikelihood, iterations: pn.iterations },
    mbgnbd: { seconds: mbSeconds, logLikelihood: mb.logLikelihood, iterations: mb.iterations },
  };
  if (baseline === 'baseline') {
    const [rows, loadSeconds] = await time(() => store.query<{ x: number; t_x: number; T: number }>(`SELECT x, t_x, "T" FROM ${info.summaryTable}`));
    const n = rows.length;
    const raw = { x: new Float64Array(n), t_x: new Float64Array(n), T: new Float64Array(n), count: new Float64Array(n).fill(1) };
    rows.forEach((r, i) => { raw.x[i] = r.x; raw.t_x[i] = r.t_x; raw.T[i] = r.T; });
    const [rawFit, rawSeconds] = await time(() => fitBgnbd(raw));
    const [rawNoScreen, rawNoScreenSeconds] = await time(() => fitBgnbd(raw, { screenAbove: 0 }));
    out.baseline = {
      rows: n, loadSeconds, fitSeconds: rawSeconds, fitNoScreenSeconds: rawNoScreenSeconds,
      logLikelihood: rawFit.logLikelihood, logLikelihoodNoScreen: rawNoScreen.logLikelihood, params: rawFit.params,
    };
    out.rssWithBaselineMiB = rssMiB();
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await store.close();
}
