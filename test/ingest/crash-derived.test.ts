import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { scratchDir } from '../helpers/paths.js';
import { bundledMapping } from '../helpers/ingest.js';
import { crashAtEveryStatement } from '../helpers/crash.js';
import { crashCsvFiles } from './crash-files.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('kill -9 after every statement of a CSV re-ingest with ids derived from content (the repeat of e5 is kept: 301)', async () => {
  const f = crashCsvFiles(scratch.dir);
  const { event_id: _ignored, ...fields } = bundledMapping('simulated').fields;
  const mapping = { ...bundledMapping('simulated'), fields };
  const crashes = await crashAtEveryStatement({ dir: scratch.dir, mapping, before: [f.half], files: [f.full], previous: 150, full: 301 });
  assert.ok(crashes >= 15, `only ${crashes} statement boundaries`);
});
