import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '../../src/store/duckdb/index.js';
import { trimCache } from '../../src/server/ingest/queue.js';

test('trimCache drops the table blocks DuckDB keeps after a checkpoint, and sets the memory limit back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spiral-trim-'));
  const store = await openDuckDb(join(dir, 's.duckdb'), { memoryLimit: '1GB' });
  try {
    await store.exec(`INSERT INTO events SELECT uuid()::VARCHAR, 'c' || (i % 1000), TIMESTAMP '2024-05-01', 'view', 'p' || (i % 300), NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'test' FROM range(2000000) t(i)`);
    await store.exec('CHECKPOINT');
    await store.query('SELECT count(DISTINCT event_id) FROM events');
    const cached = async () => Number((await store.query<{ m: number }>(`SELECT coalesce(sum(memory_usage_bytes), 0) AS m FROM duckdb_memory() WHERE tag = 'BASE_TABLE'`))[0].m);
    const before = await cached();
    assert.ok(before > 20 * 2 ** 20, `expected the table's blocks in the pool, got ${before} bytes`);
    const [{ v: limit }] = await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
    await trimCache(store, '1GB', '8MB');
    const after = await cached();
    assert.ok(after < before / 2, `BASE_TABLE ${before} -> ${after} bytes`);
    assert.equal((await store.query<{ v: string }>(`SELECT current_setting('memory_limit') AS v`))[0].v, limit);
    const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM events');
    assert.equal(n, 2_000_000);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
