import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '../helpers/paths.js';
import { bundledMapping } from '../helpers/ingest.js';
import { crashAtEveryStatement } from '../helpers/crash.js';
import { crashCsvFiles } from './crash-files.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('kill -9 after every statement of a first CSV ingest: the store holds 0 or all 300 events, never a double', async () => {
  const f = crashCsvFiles(scratch.dir);
  const crashes = await crashAtEveryStatement({ dir: scratch.dir, mapping: bundledMapping('simulated'), before: [], files: [f.full], previous: 0, full: 300 });
  assert.ok(crashes >= 15, `only ${crashes} statement boundaries`);
});
