/**
 * Paired A/B of the customer table on one store: the old window pass (test/segments/facts-reference.ts)
 * and the current hash aggregations (src/segments/facts.ts), alternating A/B/A/B, each in its own
 * child process, reporting wall time and CPU time (user + system: less sensitive to the shared
 * machine's load than wall time).  node --import tsx bench/_facts-ab.ts <db> [rounds]
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { buildCustomerFacts } from '../src/segments/facts.js';
import { buildCustomerFactsReference } from '../test/segments/facts-reference.js';

const [mode, db, rounds = '2'] = process.argv.slice(2);
if (mode === 'one' || mode === 'ref') {
  const store = await DuckDbStore.open(db);
  const u0 = process.cpuUsage();
  const t = performance.now();
  if (mode === 'ref') await buildCustomerFactsReference(store, { facts: 'ab_ref_facts', items: 'ab_ref_items' });
  else await buildCustomerFacts(store);
  const wall = (performance.now() - t) / 1000;
  const u = process.cpuUsage(u0);
  await store.exec('DROP TABLE IF EXISTS ab_ref_facts; DROP TABLE IF EXISTS ab_ref_items;');
  await store.close();
  console.log(JSON.stringify({ wall, cpu: (u.user + u.system) / 1e6, rssMiB: process.resourceUsage().maxRSS / 1024 }));
} else {
  const run = (m: string): { wall: number; cpu: number; rssMiB: number } => {
    const c = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), m, db], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(c.stderr);
    return JSON.parse(c.stdout.trim().split('\n').at(-1)!);
  };
  console.log(`load before ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
  for (let r = 0; r < Number(rounds); r++) {
    const a = run('ref');
    const b = run('one');
    console.log(`round ${r + 1}: window pass ${a.wall.toFixed(2)} s wall / ${a.cpu.toFixed(2)} s CPU / ${a.rssMiB.toFixed(0)} MiB; ` +
      `hash aggregations ${b.wall.toFixed(2)} s wall / ${b.cpu.toFixed(2)} s CPU / ${b.rssMiB.toFixed(0)} MiB; ratio wall ${(a.wall / b.wall).toFixed(2)}, CPU ${(a.cpu / b.cpu).toFixed(2)}`);
  }
  console.log(`load after ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`);
}
