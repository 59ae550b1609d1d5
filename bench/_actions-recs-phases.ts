/**
 * The recommendations/replenishment and experiences phases of the next-action step, on a store that already holds
 * customer_facts, customer_item_facts and customer_segments (e.g. a copy of bench/.data/actions-sim10m-1000000.duckdb
 * after `npm run bench -- actions`), each timed in wall and CPU seconds (user + system of this process, DuckDB's
 * threads included), with the code of a given source tree (default this one's src/; e.g. /work/main/src for main).
 * With a prefix the outputs are copied to <prefix>_<table> for `compare` (EXCEPT ALL both ways, doubles rounded to
 * 9 significant digits: parallel sums differ in the last bits on main too). TRACE=1 prints every statement over 0.2 CPU-s;
 * PRE='SET …' runs a statement first.
 *   node --import tsx bench/_actions-recs-phases.ts run <db> [srcRoot] [prefix]
 *   node --import tsx bench/_actions-recs-phases.ts compare <db> <prefixA> <prefixB>
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { cpuPhase, openTracedStore } from './_ab.js';

const TABLES = ['recommendations', 'replenishment', 'customer_experiences', 'customer_actions'];
const [mode, db, a, b] = process.argv.slice(2);
const store = await openTracedStore(db);
if (mode === 'run') {
  const root = resolve(a ?? 'src');
  const rec = await import(`${root}/experiences/recommend/recommend.ts`) as typeof import('../src/experiences/recommend/recommend.js');
  const rep = await import(`${root}/experiences/replenish/replenish.ts`) as typeof import('../src/experiences/replenish/replenish.js');
  const asg = await import(`${root}/experiences/assign.ts`) as typeof import('../src/experiences/assign.js');
  const act = await import(`${root}/experiences/actions.ts`) as typeof import('../src/experiences/actions.js');
  const info = { hasClv: true } as import('../src/segments/facts.js').FactsInfo;
  const out: Record<string, unknown> = { load: loadavg() };
  const phase = cpuPhase(out);
  await phase('recommendations', () => rec.writeRecommendations(store));
  await phase('replenishment', () => rep.writeReplenishment(store));
  await phase('experiences', () => asg.assignExperiences(store, info));
  await phase('actions', () => act.buildActions(store, info));
  out.loadAfter = loadavg();
  if (b) for (const t of TABLES) await store.exec(`DROP TABLE IF EXISTS ${b}_${t}; CREATE TABLE ${b}_${t} AS SELECT * FROM ${t}`);
  console.log(JSON.stringify(out));
} else {
  for (const t of TABLES) {
    const cols = await store.query<{ column_name: string; data_type: string }>(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${a}_${t}' ORDER BY ordinal_position`);
    const cb = await store.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${b}_${t}' ORDER BY ordinal_position`);
    const sel = (p: string): string => `SELECT ${cols.map((c) => (c.data_type === 'DOUBLE' ? `CAST(${c.column_name} AS DOUBLE)::DECIMAL(38,9) AS ${c.column_name}` : c.column_name)).join(', ')} FROM ${p}_${t}`;
    const [x] = await store.query<{ ab: number; ba: number; n: number; m: number }>(`SELECT
      (SELECT count(*) FROM (${sel(a)} EXCEPT ALL ${sel(b)})) AS ab, (SELECT count(*) FROM (${sel(b)} EXCEPT ALL ${sel(a)})) AS ba,
      (SELECT count(*) FROM ${a}_${t}) AS n, (SELECT count(*) FROM ${b}_${t}) AS m`);
    console.log(t, JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)), 'same columns+types:', JSON.stringify(cols) === JSON.stringify(cb));
  }
}
await store.close();
