/**
 * Real data (CDNOW sample, Taobao UserBehavior prefix, Ciao ratings + trust): the segments step's
 * invariants — one action per customer with a reason, equity over segments = customer equity (0.1%),
 * behaviours the data does not record are null with a reason, no NaN anywhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSegmentsWithClv } from '../../src/analysis/segments.js';
import { runNetworkSection } from '../../src/analysis/network.js';
import type { Warning } from '../../src/domain/result.js';
import type { DuckDbStore } from '../../src/store/duckdb/index.js';
import { tableExists } from '../../src/segments/facts.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import { ingestInto, memoryStoreWith } from '../helpers/ingest.js';
import { sharedData } from '../helpers/paths.js';

async function invariants(store: DuckDbStore, network = false): Promise<Awaited<ReturnType<typeof runSegmentsWithClv>>> {
  if (network) await runNetworkSection(store, {}, []);
  const warnings: Warning[] = [];
  const r = await runSegmentsWithClv(store, {}, warnings);
  assertJsonSafe(r.behaviours);
  assertJsonSafe(r.segments);
  assertJsonSafe(r.experiences);
  const [c] = await store.query<Record<string, unknown>>(`SELECT (SELECT count(DISTINCT customer_id) FROM events) AS customers, count(*) AS n, count(DISTINCT customer_id) AS d,
    count(*) FILTER (WHERE reason IS NULL OR trim(reason) = '') AS no_reason FROM customer_actions`);
  assert.equal(Number(c.n), Number(c.customers));
  assert.equal(Number(c.d), Number(c.customers));
  assert.equal(Number(c.no_reason), 0);
  if (await tableExists(store, 'clv_scores')) {
    const [e] = await store.query<{ e: number | null }>('SELECT sum(clv) AS e FROM clv_scores');
    const sum = r.segments.segments.reduce((s, g) => s + (g.equity ?? 0), 0);
    if (e.e !== null && Number(e.e) > 0) assert.ok(Math.abs(sum - Number(e.e)) / Number(e.e) < 1e-3, `equity ${sum} vs ${e.e}`);
  } else {
    assert.equal(r.segments.customerEquity, null, 'no CLV: equity is null, not 0');
  }
  for (const b of r.behaviours.behaviours) assert.equal(b.available, b.reason === null);
  return r;
}

test('CDNOW sample (purchases only): access/engage/connect/collaborate null with reasons; segments of buyers', async () => {
  const { store } = await memoryStoreWith([sharedData('cdnow', 'cdnow_sample_elog.csv')], 'cdnow_sample');
  try {
    const r = await invariants(store);
    const na = r.behaviours.behaviours.filter((b) => !b.available).map((b) => b.behaviour);
    assert.deepEqual(na, ['access', 'engage', 'customize', 'connect', 'collaborate']);
    assert.ok(r.segments.customerEquity! > 0);
    assert.equal(r.segments.rfm.purchasers, 2357);
  } finally {
    await store.close();
  }
});

test('Taobao prefix (views, carts, favourites, purchases): engage and customize scored; coach gets the abandoned carts', async () => {
  const { store } = await memoryStoreWith([sharedData('taobao', 'taobao_userbehavior_prefix.csv')], 'taobao');
  try {
    const r = await invariants(store);
    const avail = r.behaviours.behaviours.filter((b) => b.available).map((b) => b.behaviour);
    assert.ok(avail.includes('engage') && avail.includes('customize'), avail.join(','));
    assert.ok(r.experiences.byExperience.find((x) => x.experience === 'coach')!.customers > 0);
  } finally {
    await store.close();
  }
});

test('Ciao ratings + trust (reviews and follows, a network): connect scored, network position a feature', async () => {
  const { store } = await memoryStoreWith([sharedData('ciao', 'ciao_ratings.csv.gz')], 'ciao_ratings');
  try {
    await ingestInto(store, [sharedData('ciao', 'ciao_trust.csv')], 'ciao_trust');
    const r = await invariants(store, true);
    assert.ok(r.behaviours.behaviours.find((b) => b.behaviour === 'connect')!.available);
    assert.ok(r.segments.features.includes('pagerank'));
  } finally {
    await store.close();
  }
});
