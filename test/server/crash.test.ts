/**
 * Crash safety (issue #12): SIGKILL the service at random points while several clients stream
 * batches, restart on the same data, and check that every acknowledged event is stored exactly
 * once and that every batch is either wholly stored or not at all (no half-stored batch).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, randomInt } from '../../src/models/numeric/random.js';
import { openDuckDb } from '../../src/store/duckdb/index.js';
import { scratchDir } from '../helpers/paths.js';
import { basic, makeKey, preloadServe, track, type GatedServer } from './helpers.js';

const TRIALS = Number(process.env.SPIRAL_CRASH_TRIALS ?? 20);
const SENDERS = 4;
/** Server processes loading ahead of the running one. */
const AHEAD = 4;
const PER_BATCH = 20;

const scratch = scratchDir('spiral-crash-');
let key: string;
before(async () => {
  key = await makeKey(scratch.dir, 'crash', 'write');
});
after(() => scratch.cleanup());

/** Sends batches back to back until the server dies; returns the batches sent and those acknowledged. */
async function stream(url: string, trial: number, sender: number, stop: () => boolean, onAck: () => void) {
  const sent: string[] = [];
  const acked: string[] = [];
  for (let b = 0; !stop() && b < 10_000; b++) {
    const tag = `t${trial}-s${sender}-b${b}`;
    const batch = Array.from({ length: PER_BATCH }, (_, i) =>
      track(`${tag}-${i}`, `c${(b * PER_BATCH + i) % 97}`, i % 5 === 0 ? 'Order Completed' : 'Product Viewed', '2024-05-01T12:00:00Z', { revenue: i, batch: tag }),
    );
    sent.push(tag);
    try {
      const r = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: { authorization: basic(key), 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
      });
      const body = (await r.json()) as { accepted: number; duplicates: number };
      if (r.status === 200) {
        assert.equal(body.accepted + body.duplicates, PER_BATCH);
        acked.push(tag);
        onAck();
        // Re-send some acknowledged batches: they must not be stored twice.
        if (b % 3 === 0) {
          const again = await fetch(`${url}/v1/batch`, { method: 'POST', headers: { authorization: basic(key) }, body: JSON.stringify({ batch }) });
          if (again.status === 200) assert.equal(((await again.json()) as { accepted: number }).accepted, 0);
        }
      }
    } catch {
      break; // the server was killed
    }
  }
  return { sent, acked };
}

test(`SIGKILL at random points during a stream of batches, ${TRIALS} trials: acknowledged = stored exactly once, batches all or nothing`, { timeout: 600_000 }, async (t) => {
  const rng = createRng(20261205);
  const allAcked = new Set<string>();
  const allSent = new Set<string>();
  let killedWithUnacked = 0;
  const queue: GatedServer[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    while (queue.length < Math.min(AHEAD, TRIALS - trial)) queue.push(preloadServe(scratch.dir));
    const server = await queue.shift()!.go();
    let dead = false;
    // Kill at a random point after the first acknowledgement: 0-400 ms later, mid-stream.
    let firstAck!: () => void;
    const acked = new Promise<void>((r) => (firstAck = r));
    const delay = randomInt(rng, 400);
    const killer = acked.then(() => new Promise<void>((r) => setTimeout(r, delay))).then(async () => {
      dead = true;
      await server.kill();
    });
    const results = await Promise.all(Array.from({ length: SENDERS }, (_, s) => stream(server.url, trial, s, () => dead, firstAck)));
    await killer;
    for (const r of results) {
      r.sent.forEach((t) => allSent.add(t));
      r.acked.forEach((t) => allAcked.add(t));
      if (r.sent.length > r.acked.length) killedWithUnacked++;
    }
    // Restart the store (as the next service start does) and check it.
    const store = await openDuckDb(`${scratch.dir}/crash.duckdb`);
    try {
      const rows = await store.query<{ tag: string; n: number; d: number }>(
        `SELECT regexp_extract(event_id, '^(.*)-[0-9]+$', 1) AS tag, count(*) AS n, count(DISTINCT event_id) AS d FROM events GROUP BY 1`,
      );
      const stored = new Map(rows.map((r) => [r.tag, r]));
      for (const tag of allAcked) {
        const r = stored.get(tag);
        assert.ok(r, `trial ${trial}: acknowledged batch ${tag} is not stored`);
        assert.equal(r.n, PER_BATCH, `trial ${trial}: acknowledged batch ${tag} stored ${r.n} rows, not ${PER_BATCH}`);
        assert.equal(r.d, PER_BATCH, `trial ${trial}: batch ${tag} has duplicate event ids`);
      }
      for (const r of rows) {
        assert.ok(allSent.has(r.tag), `unknown batch ${r.tag}`);
        assert.ok(r.n === PER_BATCH && r.d === PER_BATCH, `trial ${trial}: batch ${r.tag} is half-stored (${r.n} rows, ${r.d} distinct)`);
      }
    } finally {
      await store.close();
    }
  }
  t.diagnostic(`${allAcked.size} batches acknowledged of ${allSent.size} sent; ${killedWithUnacked} sender streams cut mid-batch`);
  assert.ok(allAcked.size > TRIALS, `the clients got too few acknowledgements (${allAcked.size}) for the test to mean anything`);
  // The kills must have landed while batches were in flight, not only between them.
  assert.ok(killedWithUnacked >= TRIALS / 2, `only ${killedWithUnacked} sender streams were cut mid-batch`);
});
