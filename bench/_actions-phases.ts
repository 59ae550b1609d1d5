/**
 * The three customer-table phases of the next-action step (customer table, behaviours, segments — as
 * runSegmentsStep runs them, with the behaviour histograms), each timed in wall and CPU seconds (user + system of
 * this process, DuckDB's threads included: less sensitive to the shared machine's load than wall time), with the
 * code of a given source tree (default this one's src/; e.g. /work/main/src for main), so an old and a new tree run
 * on copies of one store. With a prefix the output tables are renamed <prefix>_<table> (and the returned
 * FactsInfo, availability and segmentation written to <db>.<prefix>.json) for `compare`: EXCEPT ALL both ways.
 * DuckDB memory_limit $SPIRAL_DUCKDB_MEMORY_LIMIT, else 1GB as analyze; TRACE=1 prints every statement over 0.2 CPU-s;
 * PRE='SET …' runs a statement first. With 2+ threads double sums take their rows in thread order, so compare with
 * SPIRAL_DUCKDB_THREADS=1 for a bit-for-bit check.
 *   node --import tsx bench/_actions-phases.ts run <db> [srcRoot] [prefix]
 *   node --import tsx bench/_actions-phases.ts compare <db> <prefixA> <prefixB>
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { compareTables, cpuPhase, openTracedStore } from './_ab.js';

const TABLES = ['customer_facts', 'customer_item_facts', 'customer_behaviours', 'customer_segments'];
const [mode, db, a, b] = process.argv.slice(2);
const store = await openTracedStore(db);
if (mode === 'run') {
  const root = resolve(a ?? 'src');
  const facts = await import(`${root}/segments/facts.ts`) as typeof import('../src/segments/facts.js');
  const beh = await import(`${root}/segments/behaviours.ts`) as typeof import('../src/segments/behaviours.js');
  const seg = await import(`${root}/segments/segments.ts`) as typeof import('../src/segments/segments.js');
  const { dialectOf } = await import(`${root}/sql/dialect.ts`) as typeof import('../src/sql/dialect.js');
  const out: Record<string, unknown> = { load: loadavg() };
  const phase = cpuPhase(out);
  const info = await phase('customer table', () => facts.buildCustomerFacts(store));
  const availability = await phase('behaviours', async () => {
    const av = await beh.scoreBehaviours(store, info);
    for (const x of av) if (x.available) await store.query(`SELECT bin, count(*) AS n FROM (SELECT CAST(least(floor(${x.behaviour} / 10), 9) AS ${dialectOf(store).types.int}) AS bin FROM customer_behaviours WHERE ${x.behaviour} IS NOT NULL) b0 GROUP BY bin`);
    return av;
  });
  const result = await phase('segments', () => seg.segmentCustomers(store, info, availability));
  out.loadAfter = loadavg();
  if (b) {
    for (const t of TABLES) await store.exec(`DROP TABLE IF EXISTS ${b}_${t}; ALTER TABLE ${t} RENAME TO ${b}_${t}`);
    writeFileSync(`${db}.${b}.json`, JSON.stringify({ info, availability, result }, null, 1));
  }
  console.log(JSON.stringify(out));
} else {
  await compareTables(store, a, b, TABLES);
}
await store.close();
