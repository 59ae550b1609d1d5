/**
 * Per-statement CPU of the customer table on one DuckDB store, old (a given facts.ts, e.g. main's) or new
 * (this tree's), into tables <prefix>_facts / <prefix>_items; with `compare`, EXCEPT both ways between them.
 *   node --import tsx bench/_facts-stmts.ts run <db> <prefix> [factsModulePath]
 *   node --import tsx bench/_facts-stmts.ts compare <db> <prefixA> <prefixB>
 * The statements are not bit-for-bit deterministic with 2+ threads: double sums and sample sds take
 * their rows in thread order (main against itself on the 1M store: 5 customer_facts rows, 1
 * customer_item_facts row differ in the last bits of spend / sd_ipt_days / spend), so a few EXCEPT rows
 * in those columns are the baseline, not a change.
 */
import { DuckDbStore } from '../src/store/duckdb/index.js';
import { replaceTableAs, tableExists } from '../src/sql/dialect.js';
import { FACTS_DEFAULTS } from '../src/segments/facts.js';
import { compareTables } from './_ab.js';

const [mode, db, a, b] = process.argv.slice(2);
const store = await DuckDbStore.open(db);
if (mode === 'run') {
  const mod = await import(b ?? '../src/segments/facts.js') as typeof import('../src/segments/facts.js');
  const hasClv = await tableExists(store, 'clv_scores');
  const stmts = mod.customerFactsStatements(FACTS_DEFAULTS, hasClv, false, { facts: `${a}_facts`, items: `${a}_items` });
  const all = process.cpuUsage();
  const t0 = performance.now();
  for (const [name, select, temp] of stmts) {
    const u0 = process.cpuUsage();
    const t = performance.now();
    await replaceTableAs(store, name, select, { temp });
    const u = process.cpuUsage(u0);
    console.log(`${name.padEnd(28)} ${((u.user + u.system) / 1e6).toFixed(2)} CPU-s ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }
  const u = process.cpuUsage(all);
  console.log(`TOTAL ${((u.user + u.system) / 1e6).toFixed(2)} CPU-s ${((performance.now() - t0) / 1000).toFixed(2)} s hasClv=${hasClv}`);
} else {
  await compareTables(store, a, b, ['facts', 'items']);
}
await store.close();
