import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '../helpers/paths.js';
import { bundledMapping } from '../helpers/ingest.js';
import { crashAtEveryStatement } from '../helpers/crash.js';
import { crashParquetFiles } from './crash-files.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('kill -9 after every statement of a first Parquet ingest: the store holds 0 or all 300 events', async () => {
  const f = await crashParquetFiles(scratch.dir);
  const crashes = await crashAtEveryStatement({ dir: scratch.dir, mapping: bundledMapping('simulated'), before: [], files: [f.full], previous: 0, full: 300 });
  assert.ok(crashes >= 12, `only ${crashes} statement boundaries`);
});
