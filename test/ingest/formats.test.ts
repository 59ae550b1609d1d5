/**
 * Parquet (typed and text columns) and a JSON array ingest like CSV: same canonical events,
 * rejects with their row number.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { parseMapping } from '../../src/domain/mapping.js';
import { scratchDir, sharedData } from '../helpers/paths.js';
import { ingestInto } from '../helpers/ingest.js';

const scratch = scratchDir();
after(() => scratch.cleanup());

test('Parquet with typed columns gives the same events as the CSV it came from', async () => {
  const parquet = join(scratch.dir, 'cdnow.parquet');
  const tmp = await DuckDbStore.open(':memory:');
  await tmp.exec(`COPY (SELECT customer_id::BIGINT AS customer_id, CAST(date AS DATE) AS date, quantity::INTEGER AS quantity, amount_usd::DECIMAL(10,2) AS amount_usd
    FROM read_csv('${sharedData('cdnow', 'cdnow_master.csv')}')) TO '${parquet}' (FORMAT parquet)`);
  await tmp.close();
  const store = await DuckDbStore.open(':memory:');
  const r = await ingestInto(store, [parquet], 'cdnow_master');
  assert.equal(r.accepted, 69_659);
  assert.equal(r.files[0].format, 'parquet');
  const [s] = await store.query<{ c: number; amt: number; first: Date }>(
    `SELECT count(DISTINCT customer_id) c, round(sum(amount), 2) amt, min(ts) AS "first" FROM events`,
  );
  assert.deepEqual([s.c, s.amt, s.first.toISOString()], [23_570, 2_500_315.63, '1997-01-01T00:00:00.000Z']);
  // the same rows from the CSV are recognised as the same events (ids derive from canonical content)
  const again = await ingestInto(store, [sharedData('cdnow', 'cdnow_master.csv')], 'cdnow_master');
  assert.deepEqual([again.accepted, again.duplicates], [0, 69_659]);
  await store.close();
});

test('Parquet rejects carry the row number and the row as JSON', async () => {
  const parquet = join(scratch.dir, 'bad.parquet');
  const tmp = await DuckDbStore.open(':memory:');
  await tmp.exec(`COPY (SELECT * FROM (VALUES ('e1', 'c1', TIMESTAMP '2024-01-01 10:00', 'purchase', '12.5'),
      ('e2', 'c2', TIMESTAMP '2024-01-02 10:00', 'purchase', 'twelve'),
      ('e3', NULL, TIMESTAMP '2024-01-03 10:00', 'view', NULL),
      ('e4', 'c4', NULL, 'view', NULL)) t(event_id, customer_id, ts, type, amount)) TO '${parquet}' (FORMAT parquet)`);
  await tmp.close();
  const mapping = parseMapping({ name: 'p', fields: { event_id: 'event_id', customer_id: 'customer_id', ts: 'ts', type: 'type', amount: 'amount' } });
  const store = await DuckDbStore.open(':memory:');
  const rejectFile = join(scratch.dir, 'bad-rejects.csv');
  const r = await ingestInto(store, [parquet], mapping, rejectFile);
  assert.deepEqual([r.accepted, r.rejected], [1, 3]);
  const rej = await store.query<{ line: number; reason: string; raw: string }>(`SELECT line, reason, raw FROM read_csv('${rejectFile}') ORDER BY line`);
  assert.deepEqual(rej.map((x) => [x.line, x.reason]), [[2, 'amount "twelve" is not a number'], [3, 'customer_id is empty'], [4, 'ts is empty']]);
  assert.equal(JSON.parse(rej[0].raw).event_id, 'e2');
  await store.close();
});

test('a JSON array file ingests, with rejects at the element position', async () => {
  const file = join(scratch.dir, 'events.json');
  writeFileSync(file, JSON.stringify([
    { id: 'a', who: 'c1', when: '2024-03-01T09:00:00+01:00', what: 'search' },
    { id: 'b', who: 'c1', when: 'soon', what: 'view' },
    { id: 'c', who: 'c2', when: 1709280000, what: 'share' },
  ]));
  const mapping = parseMapping({ name: 'j', fields: { event_id: 'id', customer_id: 'who', ts: 'when', type: 'what' } });
  const store = await DuckDbStore.open(':memory:');
  const rejectFile = join(scratch.dir, 'json-rejects.csv');
  const r = await ingestInto(store, [file], mapping, rejectFile);
  assert.equal(r.files[0].format, 'json-array');
  assert.deepEqual([r.accepted, r.rejected], [1, 2]);
  const [e] = await store.query<{ ts: Date }>(`SELECT ts FROM events`);
  assert.equal(e.ts.toISOString(), '2024-03-01T08:00:00.000Z');
  const rej = await store.query<{ line: number; reason: string }>(`SELECT line, reason FROM read_csv('${rejectFile}') ORDER BY line`);
  assert.deepEqual(rej.map((x) => x.line), [2, 3]);
  assert.match(rej[0].reason, /ts "soon" is not an ISO 8601 date/);
  await store.close();
});
