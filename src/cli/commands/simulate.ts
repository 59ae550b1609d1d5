import type { Command } from 'commander';
import { resolve } from 'node:path';
import { simulate } from '../../simulate/index.js';
import { fmtInt, type Output } from '../io.js';
import { dateFlag, intFlag, writableFile } from '../options.js';

interface SimulateFlags {
  customers: string;
  seed: string;
  out: string;
  start?: string;
  weeks?: string;
  brandDynamics?: boolean;
  peerEffects?: boolean;
  personas?: boolean;
  json?: boolean;
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
