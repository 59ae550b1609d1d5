/**
 * Bad input (issue #12): 10,000 seeded malformed or hostile requests through `f.app.request` —
 * bad JSON, wrong types, huge bodies and strings, unknown fields, bad timestamps, path traversal
 * and SQL in ids, broken auth headers → no 500, no crash, every bad event reported with its index
 * and a reason, every good event stored exactly once. (A socket subset runs in socket.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../src/models/numeric/random.js';
import { appFixture, basic, makeKey } from './helpers.js';
import { checkCase, fuzzCase, type FuzzCase } from './fuzz-cases.js';

const N = Number(process.env.SPIRAL_FUZZ_N ?? 10_000);
const CONCURRENCY = 256;
let auth: string;
const f = appFixture('spiral-fuzz-', async (dir) => {
  auth = basic(await makeKey(dir, 'fuzz', 'admin'));
});

test(`${N.toLocaleString('en-US')} seeded malformed and hostile requests: no 500, bad events named by index, good events kept`, { timeout: 900_000 }, async (t) => {
  const rng = createRng(12);
  const cases = Array.from({ length: N }, (_, n) => fuzzCase(rng, n, auth));
  const send = (c: FuzzCase) => Promise.resolve(f.app.request(c.path, { method: c.method, body: c.body, headers: c.headers }));
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const n = next++;
      await checkCase(send, cases[n], n);
    }
  }));
  const w0 = await f.ctx.workspace('fuzz');
  t.diagnostic(`${w0.queue.stats.commits} group commits`);
  const goodIds = cases.flatMap((c) => c.goodIds ?? []);
  const w = await f.ctx.workspace('fuzz');
  const [{ n, d }] = await w.query.query<{ n: number; d: number }>('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM events');
  assert.equal(d, n, 'no event stored twice');
  assert.equal(n, goodIds.length, 'every good event stored, nothing else');
  const kinds = new Map<string, number>();
  for (const c of cases) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  t.diagnostic(`kinds: ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}; good events stored ${n}`);
  if (N >= 10_000) assert.ok((kinds.get('batch') ?? 0) > 4000 && (kinds.get('huge-body') ?? 0) > 300);
});
