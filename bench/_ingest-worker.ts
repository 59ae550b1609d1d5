/**
 * One measured ingest in a fresh process (so peak RSS is this step's alone).
 * argv: <mode: spiral|duckdb-count|duckdb-load|duckdb-load-tuned> <file> <db>
 * Prints one JSON line: { seconds, events, maxRssBytes }.
 */
import { rmSync } from 'node:fs';
import { openDuckDb } from '../src/store/duckdb/index.js';
import { ingestFiles } from '../src/ingest/ingest.js';
import { parseMapping } from '../src/domain/mapping.js';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [mode, file, db] = process.argv.slice(2);
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
const store = await openDuckDb(db);
const reader = file.endsWith('.parquet') ? `read_parquet('${file}')` : `read_csv('${file}')`;
const t0 = performance.now();
let events = 0;
if (mode === 'spiral') {
  const mappingPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'mappings', 'simulated.json');
  const mapping = parseMapping(JSON.parse(readFileSync(mappingPath, 'utf8')));
  const r = await ingestFiles(store, [file], mapping, { rejectFile: `${db}.rejects.csv` });
  events = r.accepted;
} else if (mode === 'duckdb-count') {
  const [r] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM ${reader}`);
  events = r.n;
} else if (mode === 'duckdb-load' || mode === 'duckdb-load-tuned') {
  // tuned: the same write settings spiral ingest uses (parallel append, no FSST): the floor for any ingest into DuckDB storage
  if (mode === 'duckdb-load-tuned') await store.exec(`SET preserve_insertion_order = false; SET disabled_compression_methods = 'fsst'`);
  await store.exec(`CREATE TABLE raw_events AS SELECT * FROM ${reader}`);
  const [r] = await store.query<{ n: number }>(`SELECT count(*) AS n FROM raw_events`);
  events = r.n;
} else {
  throw new Error(`unknown mode ${mode}`);
}
await store.exec('CHECKPOINT');
const seconds = (performance.now() - t0) / 1000;
await store.close();
process.stdout.write(`${JSON.stringify({ seconds, events, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
