import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { sharedData, scratchDir } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';

test('re-ingesting the same file adds 0 events (derived ids; CDNOW repeats all kept)', async () => {
  const store = await DuckDbStore.open(':memory:');
  const first = await ingestInto(store, [sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
  assert.equal(first.accepted, 69_659);
  const second = await ingestInto(store, [sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
  assert.equal(second.accepted, 0);
  assert.equal(second.duplicates, 69_659);
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) n FROM events');
  assert.equal(n, 69_659);
  await store.close();
});

test('explicit event ids: repeats within a file and across runs count as duplicates; a new row is added', async () => {
  const { dir, cleanup } = scratchDir();
  const head = 'event_id,customer_id,ts,type,item_id,amount,quantity,peer_id,channel,rating,text';
  const a = join(dir, 'a.csv');
  writeFileSync(a, [head, 'e1,c1,2024-01-01T10:00:00Z,purchase,i1,10,1,,web,,', 'e2,c2,2024-01-02,view,i1,,,,web,,', 'e1,c1,2024-01-01T10:00:00Z,purchase,i1,10,1,,web,,'].join('\n'));
  const b = join(dir, 'b.csv');
  writeFileSync(b, [head, 'e2,c2,2024-01-02,view,i1,,,,web,,', 'e3,c3,2024-01-03,search,,,,,web,,'].join('\n'));
  const store = await DuckDbStore.open(':memory:');
  const r1 = await ingestInto(store, [a], 'simulated');
  assert.deepEqual([r1.accepted, r1.duplicates, r1.rejected], [2, 1, 0]);
  const r2 = await ingestInto(store, [b, a], 'simulated');
  assert.deepEqual([r2.accepted, r2.duplicates], [1, 4]);
  const ids = await store.query<{ event_id: string }>('SELECT event_id FROM events ORDER BY event_id');
  assert.deepEqual(ids.map((r) => r.event_id), ['e1', 'e2', 'e3']);
  await store.close();
  cleanup();
});
