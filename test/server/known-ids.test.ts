import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { openDuckDb } from '../../src/store/duckdb/index.js';
import { hashHalves, KnownIds } from '../../src/server/ingest/known-ids.js';
import { insertNewEvents } from '../../src/server/ingest/insert.js';
import { GroupCommitQueue } from '../../src/server/ingest/queue.js';
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
    // 64 bits per id with 12 positions: ~6e-10 per id; 300,000 new ids pass ≈ 0.0002 on average
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
    // an empty store gets the minimum size, 2^24 bits: accurate up to 2^24 / 32 ids
    let i = 0;
    while (!known.full && i < 1_000_000) {
      known.add(i * 2654435761 % 4294967296, i * 40503 % 4294967296);
      i++;
    }
    assert.equal(i, Math.floor(2 ** 24 / 32) + 1);
  } finally {
    await store.close();
  }
});

test('the queue builds the bigger filter beside its commits, and the new filter holds every id committed meanwhile', async () => {
  const store = await openDuckDb(':memory:');
  // trims only when something asks for one: the first commit, and the first after a swap (the scans' blocks)
  const queue = new GroupCommitQueue(store, 50_000, { everyRows: 1e12, allowed: () => true });
  try {
    // 3.9M stored ids: the build reads them in two statements (2M rows each at most) and sets their bits in
    // slices, so commits land before, between and after its reads
    const OLD = 3_900_000;
    await store.exec(`INSERT INTO events SELECT 'old-' || i, 'c', TIMESTAMP '2024-05-01', 'view', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'test' FROM range(${OLD}) r(i)`);
    const first = await queue.prepare();
    assert.ok(first);
    const z = Array.from({ length: 20 }, (_, i) => row(`z-${i}`));
    assert.equal(await queue.submit(z), 20);
    await queue.idle();
    assert.equal(queue.stats.trims, 1, 'the first commit drops the blocks the start-up build read');
    // as if the ids had doubled since the build: the next commit finds the filter full and starts a rebuild
    for (let i = 0; !first.full; i++) first.add((i * 2654435761) % 4294967296, (i * 40503 + 7) % 4294967296);
    const batch = (tag: string) => Array.from({ length: 20 }, (_, i) => row(`${tag}-${i}`));
    const tags: string[] = ['a'];
    assert.equal(await queue.submit(batch('a')), 20);
    let built = false;
    const done = queue.rebuilt().then(() => (built = true));
    // commits go on until the build ends: the last ones come after its last read, so only its journal has them
    while (!built && tags.length < 5000) {
      const tag = `b${tags.length}`;
      tags.push(tag);
      assert.equal(await queue.submit(batch(tag)), 20);
    }
    await done;
    assert.ok(tags.length > 2, 'commits were answered while the filter was rebuilt');
    assert.equal(queue.stats.filterRebuilds, 0, 'a finished build is swapped in at the next commit');
    tags.push('c');
    assert.equal(await queue.submit(batch('c')), 20);
    assert.equal(queue.stats.filterRebuilds, 1);
    await queue.idle();
    assert.equal(queue.stats.trims, 2, 'the commit that swaps the new filter in drops the blocks its build read');
    const next = await queue.prepare();
    assert.ok(next && next !== first && !next.full);
    // every stored id, the old ones and those committed before, during and after the build, may be held
    const all = await store.queryColumns(`SELECT ${hashHalves('event_id')} FROM events`);
    const lo = all.lo as number[];
    const hi = all.hi as number[];
    assert.equal(lo.length, OLD + 20 + 20 * tags.length);
    let missed = 0;
    for (let i = 0; i < lo.length; i++) if (!next.mayHold(lo[i], hi[i])) missed++;
    assert.equal(missed, 0, 'a stored id ruled out would be stored twice');
    // and re-sending everything committed through the queue stores nothing
    let again = 0;
    for (const tag of tags) again += await queue.submit(batch(tag));
    assert.equal(again, 0);
    const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
    assert.equal(n, OLD + 20 + 20 * tags.length);
  } finally {
    await queue.close();
    await store.close();
  }
});
