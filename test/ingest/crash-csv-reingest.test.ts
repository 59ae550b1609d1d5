import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '../helpers/paths.js';
import { bundledMapping } from '../helpers/ingest.js';
import { crashAtEveryStatement } from '../helpers/crash.js';
import { crashCsvFiles } from './crash-files.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('kill -9 after every statement of a CSV re-ingest (150 stored, 300 in the file): 150 or 300, never 450', async () => {
  const f = crashCsvFiles(scratch.dir);
  const crashes = await crashAtEveryStatement({ dir: scratch.dir, mapping: bundledMapping('simulated'), before: [f.half], files: [f.full], previous: 150, full: 300 });
  assert.ok(crashes >= 15, `only ${crashes} statement boundaries`);
});
