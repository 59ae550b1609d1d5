import type { Command } from 'commander';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseMapping } from '../../domain/mapping.js';
import { ingestFiles } from '../../ingest/ingest.js';
import { simulate } from '../../simulate/index.js';
import { analyze } from '../../analysis/analyze.js';
import { openDuckDb } from '../../store/duckdb/index.js';
import { fmtInt, type Output } from '../io.js';
import { intFlag, readJsonFile } from '../options.js';
import { resolveMappingPath } from './ingest.js';
import { writeReport } from './analyze.js';

export function registerDemo(program: Command, out: (json: boolean) => Output): void {
  program
    .command('demo')
    .description('simulate a brand, ingest it, analyse it and write the report (what `npm start` runs)')
    .option('--dir <dir>', 'folder for the demo files', 'spiral-demo')
    .option('--customers <n>', 'customers to simulate', '20000')
    .option('--seed <s>', 'random seed', '1')
    .option('--json', 'print a JSON summary as the last line of stdout')
    .action(async (flags: { dir: string; customers: string; seed: string; json?: boolean }) => {
      const o = out(Boolean(flags.json));
      const dir = resolve(flags.dir);
      mkdirSync(dir, { recursive: true });
      const customers = intFlag('customers', flags.customers, 1)!;
      const seed = intFlag('seed', flags.seed, 0)!;
      const eventsPath = join(dir, 'events.csv');
      const db = join(dir, 'demo.duckdb');
      rmSync(db, { force: true });
      rmSync(`${db}.wal`, { force: true });
      o.info(`1/4 simulating ${fmtInt(customers)} customers (seed ${seed})…`);
      // Every mechanism on, so each section of the report has something to show.
      const sim = await simulate({ customers, seed, out: eventsPath, brand: {}, peerEffects: {}, personas: {} });
      o.info(`2/4 ingesting ${fmtInt(sim.events)} events into ${db}…`);
      const store = await openDuckDb(db);
      try {
        const mappingPath = resolveMappingPath('simulated');
        const ing = await ingestFiles(store, [eventsPath], parseMapping(readJsonFile('mapping', mappingPath)), {
          rejectFile: join(dir, 'demo.rejects.csv'),
        });
        o.info(`3/4 analysing…`);
        const result = await analyze(store);
        const resultPath = join(dir, 'result.json');
        writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
        o.info(`4/4 writing the report…`);
        const reportPath = writeReport(result, join(dir, 'report.html'), 'Spiral demo brand (simulated)');
        o.result(
          { dir, events: eventsPath, truth: sim.truthPath, db, result: resultPath, report: reportPath, accepted: ing.accepted, rejected: ing.rejected },
          `\nDemo ready. Open the report in a browser:\n  ${reportPath}\n\nstore: ${db}\nanalysis result: ${resultPath}\nsimulated events: ${eventsPath} (ground truth: ${sim.truthPath})`,
        );
      } finally {
        await store.close();
      }
    });
}
