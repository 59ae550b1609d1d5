/**
 * HTTP ingest's group commit (src/server/ingest/insert.ts: one transaction with file ingest's
 * `inTransaction` and `recordIngest`) stores each id once, credits it to the first request that carried it (also when two
 * requests in one group carry it), and keeps one `ingests` provenance row per service run whose
 * counts add up over every commit and whose `started_at` is the latest commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateEventIds } from '../../src/ingest/insert.js';
import { appFixture, basic, makeKey, track } from './helpers.js';

let auth: string;
const f = appFixture('spiral-prov-', async (dir) => {
  auth = basic(await makeKey(dir, 'shop', 'write'));
});

const batch = (ids: string[]) => f.app.request('/v1/batch', {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify({ batch: ids.map((id, i) => track(id, `c${i % 3}`, 'Order Completed', '2024-05-01T12:00:00Z', { revenue: 10 + i })) }),
});

test('concurrent batches with shared ids: each id stored once, credited once; one provenance row that adds up', async () => {
  const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => `e${from + i}`);
  // Sent in one tick, so they share a group commit: e0..e9, e5..e14 (5 shared), e0..e4 again, e0..e9 repeated within one batch.
  const answers = await Promise.all([batch(ids(0, 10)), batch(ids(5, 10)), batch(ids(0, 5)), batch([...ids(20, 4), ...ids(20, 4)])]);
  const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, ...((await r.json()) as { accepted: number; duplicates: number }) })));
  assert.deepEqual(bodies.map((b) => b.status), [200, 200, 200, 200]);
  const accepted = bodies.reduce((s, b) => s + b.accepted, 0);
  const duplicates = bodies.reduce((s, b) => s + b.duplicates, 0);
  assert.equal(accepted, 19, 'e0..e14 and e20..e23 are new');
  assert.equal(duplicates, 10 + 10 + 5 + 8 - 19);
  const w = await f.ctx.workspace('shop');
  const [{ n }] = await w.query.query<{ n: number }>('SELECT count(*) AS n FROM events');
  assert.equal(n, 19);
  assert.equal(await duplicateEventIds(w.query), 0);

  const first = await w.query.query<{ source: string; accepted: number; duplicates: number; started_at: Date }>('SELECT * FROM ingests');
  assert.equal(first.length, 1, 'one provenance row per service run');
  assert.equal(first[0].source, 'http');
  assert.deepEqual([first[0].accepted, first[0].duplicates], [19, 14]);

  // A later commit adds to the same row and moves its time forward.
  await new Promise((r) => setTimeout(r, 20));
  const again = (await (await batch(ids(10, 10))).json()) as { accepted: number; duplicates: number };
  assert.deepEqual([again.accepted, again.duplicates], [5, 5]);
  const second = await w.query.query<{ accepted: number; duplicates: number; started_at: Date }>('SELECT * FROM ingests');
  assert.equal(second.length, 1);
  assert.deepEqual([second[0].accepted, second[0].duplicates], [24, 19]);
  assert.ok(second[0].started_at.getTime() > first[0].started_at.getTime(), 'started_at is the latest commit');
});
