/**
 * Where an ingest's time goes: `spiral ingest` of one file (simulated mapping) into a fresh store,
 * every statement timed (wall, and process CPU with DuckDB's threads). argv: <file> <db> [explain]
 * With `explain`, the append runs under EXPLAIN ANALYZE and its plan is printed (operator times).
 * Not part of `npm run bench`: `node --import tsx bench/_ingest-trace.ts bench/.data/sim-100000.parquet /tmp/t.duckdb`
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../src/store/duckdb/index.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { parseMapping } from '../src/domain/mapping.js';
import type { Row, Store } from '../src/store/types.js';

const [file, db, explain] = process.argv.slice(2);
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const store = await openDuckDb(db);
const mappingPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'mappings', 'simulated.json');
const mapping = parseMapping(JSON.parse(readFileSync(mappingPath, 'utf8')));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const lines: string[] = [];
async function timed<T>(sql: string, run: () => Promise<T>): Promise<T> {
  const w0 = performance.now();
  const c0 = cpu();
  const r = await run();
  lines.push(`${((performance.now() - w0) / 1000).toFixed(2).padStart(7)} s wall ${(cpu() - c0).toFixed(2).padStart(7)} s cpu  ${sql.replace(/\s+/g, ' ').slice(0, 160)}`);
  return r;
}
const traced: Store = {
  dialect: store.dialect,
  location: store.location,
  query: <T extends Row = Row>(sql: string, params?: readonly unknown[]) => timed(sql, async () => {
    if (explain && /^INSERT INTO events/.test(sql.trim())) {
      const plan = await store.query<{ explain_value: string }>(`EXPLAIN ANALYZE ${sql}`, params);
      lines.push(plan.map((p) => p.explain_value).join('\n'));
      return [{ Count: await countOf(sql) }] as unknown as T[];
    }
    return store.query<T>(sql, params);
  }),
  exec: (sql: string) => timed(sql, () => store.exec(sql)),
  close: () => store.close(),
};
async function countOf(_sql: string): Promise<number> {
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE rowid >= 0');
  return n;
}
const t0 = performance.now();
const c0 = cpu();
const r = await ingestFiles(traced, [file], mapping, { rejectFile: `${db}.rejects.csv` });
await timed('CHECKPOINT', () => store.exec('CHECKPOINT'));
await store.close();
console.log(lines.join('\n'));
console.log(`total ${((performance.now() - t0) / 1000).toFixed(2)} s wall ${(cpu() - c0).toFixed(2)} s cpu; accepted ${r.accepted} rejected ${r.rejected} duplicates ${r.duplicates}`);
