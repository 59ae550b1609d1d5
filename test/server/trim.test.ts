import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '../../src/store/duckdb/index.js';
import { GroupCommitQueue, TRIM_HEADROOM, trimCache } from '../../src/server/ingest/queue.js';
import { hashHalves } from '../../src/server/ingest/known-ids.js';
import type { CanonicalRow } from '../../src/server/ingest/segment.js';

test('trimCache drops the table blocks DuckDB keeps after a checkpoint, and sets the memory limit back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-trim-'));
  const store = await openDuckDb(join(dir, 's.duckdb'), { memoryLimit: '1GB' });
  try {
    await store.exec(`INSERT INTO events SELECT uuid()::VARCHAR, 'c' || (i % 1000), TIMESTAMP '2024-05-01', 'view', 'p' || (i % 300), NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'test' FROM range(4000000) t(i)`);
    await store.exec('CHECKPOINT');
    await store.query('SELECT count(DISTINCT event_id) FROM events');
    const cached = async () => Number((await store.query<{ m: number }>(`SELECT coalesce(sum(memory_usage_bytes), 0) AS m FROM duckdb_memory() WHERE tag = 'BASE_TABLE'`))[0].m);
    const before = await cached();
    assert.ok(before > 2 * TRIM_HEADROOM, `expected the table's blocks in the pool, got ${before} bytes`);
    const [{ v: limit }] = await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
    await trimCache(store);
    const after = await cached();
    // What stays is at most the headroom the lower limit left (plus a block or two in flight).
    assert.ok(after <= TRIM_HEADROOM + 2 * 2 ** 20, `BASE_TABLE ${before} -> ${after} bytes`);
    assert.equal((await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`))[0].v, limit);
    const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
    assert.equal(n, 4_000_000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the queue trims after every `everyRows` stored rows, only when allowed, and counts only new rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-trim-'));
  const store = await openDuckDb(join(dir, 's.duckdb'), { memoryLimit: '1GB' });
  try {
    let allowed = true;
    const queue = new GroupCommitQueue(store, 50_000, { everyRows: 2500, allowed: () => allowed });
    const rows = (from: number, n: number): CanonicalRow[] => Array.from({ length: n }, (_, i) => ({
      event_id: `e${from + i}`, customer_id: `c${(from + i) % 7}`, ts: '2024-05-01T12:00:00Z', type: 'view', item_id: 'p1',
      amount: null, quantity: null, peer_id: null, channel: null, rating: null, text: null, props: null,
    }));
    assert.equal(await queue.submit(rows(0, 1000)), 1000);
    await queue.idle();
    assert.equal(queue.stats.trims, 1, 'the first commit trims: the start-up scan of the stored ids left its blocks in the pool');
    assert.equal(await queue.submit(rows(1000, 2000)), 2000);
    await queue.idle();
    assert.equal(queue.stats.trims, 1);
    // re-sent rows are not new: they do not count towards a trim
    assert.equal(await queue.submit(rows(0, 3000)), 0);
    await queue.idle();
    assert.equal(queue.stats.trims, 1);
    assert.equal(await queue.submit(rows(3000, 500)), 500);
    await queue.idle();
    assert.equal(queue.stats.trims, 2);
    allowed = false;
    assert.equal(await queue.submit(rows(3500, 3000)), 3000);
    await queue.idle();
    assert.equal(queue.stats.trims, 2, 'no trim while an analysis runs');
    allowed = true;
    assert.equal(await queue.submit(rows(6500, 1)), 1);
    await queue.idle();
    assert.equal(queue.stats.trims, 3, 'the postponed trim happens at the next commit');
    await queue.close();
    const [{ n, d }] = await store.query<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events');
    assert.deepEqual([n, d], [6501, 6501]);
    const [{ v }] = await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
    assert.match(v, /^(1000\.0 MiB|953\.6 MiB|1\.0 GiB)$/);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trimCache sets back the default memory limit of a store opened without one', async () => {
  const store = await openDuckDb(':memory:');
  try {
    const limit = async () => (await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`))[0].v;
    const before = await limit();
    await trimCache(store);
    assert.equal(await limit(), before);
  } finally {
    await store.close();
  }
});

test('a probe that finds none of its ids (a false positive of the filter) is followed by a trim; a probe of re-sent events is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-trim-'));
  const store = await openDuckDb(join(dir, 's.duckdb'), { memoryLimit: '1GB' });
  try {
    const queue = new GroupCommitQueue(store, 50_000, { everyRows: 1e12, allowed: () => true });
    const row = (id: string): CanonicalRow => ({
      event_id: id, customer_id: 'c1', ts: '2024-05-01T12:00:00Z', type: 'view', item_id: 'p1',
      amount: null, quantity: null, peer_id: null, channel: null, rating: null, text: null, props: null,
    });
    const known = await queue.prepare();
    assert.ok(known);
    assert.equal(await queue.submit([row('a-1'), row('a-2')]), 2);
    await queue.idle();
    assert.equal(queue.stats.trims, 1, 'the first commit trims');
    // new ids the filter rules out: no probe, no trim
    assert.equal(await queue.submit([row('b-1')]), 1);
    await queue.idle();
    assert.deepEqual([queue.stats.trims, queue.stats.falsePositiveProbes], [1, 0]);
    // an id the filter cannot rule out though the store does not hold it: a false positive
    const [h] = await store.query<{ lo: number; hi: number }>(`SELECT ${hashHalves("'fp-1'")}`);
    known.add(Number(h.lo), Number(h.hi));
    assert.equal(await queue.submit([row('fp-1')]), 1);
    await queue.idle();
    assert.deepEqual([queue.stats.trims, queue.stats.falsePositiveProbes], [2, 1]);
    // a re-sent event: the probe finds it stored, which is no false positive
    assert.equal(await queue.submit([row('a-1')]), 0);
    await queue.idle();
    assert.deepEqual([queue.stats.trims, queue.stats.falsePositiveProbes], [2, 1]);
    await queue.close();
    const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
    assert.equal(n, 4);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
