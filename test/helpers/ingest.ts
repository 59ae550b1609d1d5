/** Test helper: ingest files into an in-memory (or given) store with a bundled mapping. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMapping, type Mapping } from '../../src/domain/mapping.js';
import { ingestFiles, type IngestReport } from '../../src/ingest/ingest.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { REPO_ROOT } from './paths.js';

export function bundledMapping(name: string): Mapping {
  return parseMapping(JSON.parse(readFileSync(join(REPO_ROOT, 'examples', 'mappings', `${name}.json`), 'utf8')), name);
}

export async function ingestInto(
  store: DuckDbStore,
  files: string[],
  mapping: string | Mapping,
  rejectFile = '/dev/null',
): Promise<IngestReport> {
  return ingestFiles(store, files, typeof mapping === 'string' ? bundledMapping(mapping) : mapping, { rejectFile });
}

export async function memoryStoreWith(files: string[], mapping: string | Mapping): Promise<{ store: DuckDbStore; report: IngestReport }> {
  const store = await DuckDbStore.open(':memory:');
  const report = await ingestInto(store, files, mapping);
  return { store, report };
}
