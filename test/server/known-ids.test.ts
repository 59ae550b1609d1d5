import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { openDuckDb } from '../../src/store/duckdb/index.js';
import { hashHalves, KnownIds } from '../../src/server/ingest/known-ids.js';
import { insertNewEvents } from '../../src/server/ingest/insert.js';
import type { CanonicalRow } from '../../src/server/ingest/segment.js';

const row = (id: string): CanonicalRow => ({
  event_id: id, customer_id: 'c1', ts: '2024-05-01T12:00:00Z', type: 'view', item_id: null, amount: null,
  quantity: null, peer_id: null, channel: null, rating: null, text: null, props: null,
});

test('the stored-id filter never rules out a stored id, rarely passes a new one, and narrows the HTTP probe without changing what is stored', async () => {
  const store = await openDuckDb(':memory:');
  try {
    // 300,000 stored random UUIDs (Segment's messageIds), 3 rowid chunks would be read at 100,000 (CHUNK is larger: one statement here).
    await store.exec(`INSERT INTO events SELECT uuid()::VARCHAR, 'c', TIMESTAMP '2024-05-01', 'view', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'test' FROM range(300000)`);
    const known = await KnownIds.build(store);
    assert.ok(known);
    const stored = await store.queryColumns(`SELECT ${hashHalves('event_id')} FROM events`);
    const lo = stored.lo as number[];
    const hi = stored.hi as number[];
    let missed = 0;
    for (let i = 0; i < lo.length; i++) if (!known.mayHold(lo[i], hi[i])) missed++;
    assert.equal(missed, 0, 'a stored id ruled out would be stored twice');
    const fresh = await store.queryColumns(`SELECT ${hashHalves('id')} FROM (SELECT uuid()::VARCHAR AS id FROM range(300000))`);
    let passed = 0;
    for (let i = 0; i < (fresh.lo as number[]).length; i++) if (known.mayHold((fresh.lo as number[])[i], (fresh.hi as number[])[i])) passed++;
    // 48 bits per id with 12 positions: ~1e-8 per id; 300,000 new ids pass ≈ 0.003 on average
    assert.ok(passed <= 2, `${passed} of 300,000 new ids passed the filter`);
    assert.equal(known.full, false);

    // Half re-sent, half new: exactly the new ones are stored, and the filter then holds them.
    const [{ some }] = await store.query<{ some: string[] }>(`SELECT list(event_id ORDER BY event_id)[1:500] AS some FROM events`);
    const news = Array.from({ length: 500 }, () => randomUUID());
    const inserted = await insertNewEvents(store, [...some, ...news].map(row), 'run-1', known);
    assert.deepEqual([...inserted].sort(), [...news].sort());
    const [{ n, d }] = await store.query<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events');
    assert.equal(n, 300_500);
    assert.equal(d, 300_500);
    const again = await insertNewEvents(store, news.map(row), 'run-1', known);
    assert.equal(again.size, 0, 'the new ids, once committed, are found again');
    const [{ m }] = await store.query<{ m: number }>('SELECT count(*) AS m FROM events');
    assert.equal(m, 300_500);
  } finally {
    await store.close();
  }
});

test('the filter asks for a rebuild once the ids it holds double', async () => {
  const store = await openDuckDb(':memory:');
  try {
    const known = await KnownIds.build(store);
    assert.ok(known);
    // an empty store gets the minimum size, 2^24 bits: accurate up to 2^24 / 24 ids
    let i = 0;
    while (!known.full && i < 1_000_000) {
      known.add(i * 2654435761 % 4294967296, i * 40503 % 4294967296);
      i++;
    }
    assert.equal(i, Math.floor(2 ** 24 / 24) + 1);
  } finally {
    await store.close();
  }
});
