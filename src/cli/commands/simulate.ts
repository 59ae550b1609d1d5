import type { Command } from 'commander';
import { resolve } from 'node:path';
import { simulate } from '../../simulate/index.js';
import { fmtInt, type Output } from '../io.js';
import { dateFlag, intFlag, writableFile } from '../options.js';
import { UsageError } from '../errors.js';

interface SimulateFlags {
  customers: string;
  seed: string;
  out: string;
  start?: string;
  weeks?: string;
  brandDynamics?: boolean;
  peerEffects?: boolean;
  personas?: boolean;
  experiment?: boolean;
  experimentLift?: string;
  json?: boolean;
}

/** The experiment block of `--experiment [--experiment-lift L]`: control vs treatment, 50/50. */
function experimentBlock(lift: string | undefined): { variants?: { name: string; split: number; lift: number }[] } {
  if (lift === undefined) return {};
  const l = Number(lift);
  if (lift.trim() === '' || !Number.isFinite(l) || l < 0 || l > 10) throw new UsageError(`--experiment-lift must be a number in [0, 10], got "${lift}"`);
  return { variants: [{ name: 'control', split: 50, lift: 0 }, { name: 'treatment', split: 50, lift: l }] };
}

export function registerSimulate(program: Command, out: (json: boolean) => Output): void {
  program
    .command('simulate')
    .description('generate a brand event log from a model with known ground truth (written beside it as JSON)')
    .requiredOption('--customers <n>', 'number of customers')
    .option('--seed <s>', 'random seed (same seed, same file)', '1')
    .requiredOption('--out <file>', 'events file: .csv or .parquet; truth goes to <file>.truth.json')
    .option('--start <date>', 'first day of the window, YYYY-MM-DD')
    .option('--weeks <n>', 'length of the window in weeks')
    .option('--brand-dynamics', 'add brand dynamics with known truth: Bass adoption, goodwill stock, flow/stock VAR, ideas and votes')
    .option('--peer-effects', 'add considerers whose purchases respond to peer and firm touches with known effects')
    .option('--personas', 'give customers latent segments, behaviour propensities and experience types (with replenishment cycles) and the events that express them')
    .option('--experiment', 'run an A/B experiment with a known lift (exposures carry experiment/variant columns; ingest with --mapping simulated-experiment)')
    .option('--experiment-lift <l>', 'the treatment\'s true relative lift of the 14-day purchase probability (default 0.1; 0 = an A/A test)')
    .option('--json', 'print one JSON summary as the last line of stdout')
    .addHelpText('after', `
The simulated events use the canonical column names; ingest them with the bundled mapping:
  spiral simulate --customers 20000 --seed 7 --out brand.csv
  spiral ingest brand.csv --mapping simulated --db brand.duckdb`)
    .action(async (flags: SimulateFlags) => {
      const o = out(Boolean(flags.json));
      const customers = intFlag('customers', flags.customers, 1)!;
      const seed = intFlag('seed', flags.seed, 0)!;
      const weeks = intFlag('weeks', flags.weeks, 1);
      const start = dateFlag('start', flags.start);
      writableFile('--out', flags.out);
      const bar = o.progress('simulate', customers);
      let summary;
      try {
        summary = await simulate({
          customers,
          seed,
          out: resolve(flags.out),
          ...(start ? { start } : {}),
          ...(weeks ? { weeks } : {}),
          ...(flags.brandDynamics ? { brand: {} } : {}),
          ...(flags.peerEffects ? { peerEffects: {} } : {}),
          ...(flags.personas ? { personas: {} } : {}),
          ...(flags.experiment || flags.experimentLift !== undefined ? { experiment: experimentBlock(flags.experimentLift) } : {}),
          onProgress: (done: number) => bar.update(done),
        });
      } finally {
        bar.stop();
      }
      o.result(
        summary,
        `simulated ${fmtInt(summary.customers)} customers, ${fmtInt(summary.events)} events (${summary.window.start} to ${summary.window.end}) → ${summary.out}\nground truth: ${summary.truthPath}`,
      );
    });
}
