/**
 * Child process of crash.test.ts: ingests files into a store file, with SPIRAL_TEST_CRASH_AFTER
 * making it kill itself after the k-th statement of the ingest.
 * argv: <db> <mapping.json> <rejectFile> <files...>
 */
import { readFileSync } from 'node:fs';
import { parseMapping } from '../../src/domain/mapping.js';
import { ingestFiles } from '../../src/ingest/ingest.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';

const [db, mappingPath, rejectFile, ...files] = process.argv.slice(2);
const store = await DuckDbStore.open(db, { threads: 1 });
await ingestFiles(store, files, parseMapping(JSON.parse(readFileSync(mappingPath, 'utf8'))), { rejectFile });
await store.close();
