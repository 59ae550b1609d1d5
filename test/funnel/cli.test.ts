/** `spiral funnel --db <db> [--lookback-days N] [--json]` end to end on the Taobao prefix. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FunnelSectionSchema } from '../../src/domain/sections/funnel.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { spiral } from '../helpers/cli.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir, sharedData } from '../helpers/paths.js';

const scratch = scratchDir('spiral-funnel-cli-');
const db = join(scratch.dir, 'taobao.duckdb');

before(async () => {
  const store = await DuckDbStore.open(db);
  await ingestInto(store, [sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao');
  await store.close();
});
after(() => scratch.cleanup());

test('--json prints the funnel section as the last line; --lookback-days reaches it', () => {
  const r = spiral(['funnel', '--db', db, '--lookback-days', '7', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = FunnelSectionSchema.parse(r.json());
  assert.equal(s.lookbackDays, 7);
  assert.deepEqual(s.steps.map((x) => x.customers), [812, 688, 447]);
});

test('without --json: a readable summary', () => {
  const r = spiral(['funnel', '--db', db]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /networked funnel of 814 customers/);
  assert.match(r.stdout, /steps: view 812 → save\/cart 688 \(84\.7%\) → purchase 447 \(65\.0%\)/);
  assert.match(r.stdout, /peer effect: not estimated/);
});

test('bad usage exits 2 with one clear line', () => {
  const missing = spiral(['funnel', '--db', join(scratch.dir, 'nope.duckdb'), '--json']);
  assert.equal(missing.code, 2);
  assert.match(missing.json<{ error: string }>().error, /no such store/);
  const bad = spiral(['funnel', '--db', db, '--lookback-days', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--lookback-days must be an integer/);
});
