/**
 * Degenerate stores: one customer, no purchases, no items, no network, a behaviour with no events. Each
 * gives a clear status, nulls with reasons, one action per customer with a reason — no NaN, no crash.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { analyze } from '../../src/analysis/analyze.js';
import { runSegmentsWithClv } from '../../src/analysis/segments.js';
import type { Warning } from '../../src/domain/result.js';
import { assertJsonSafe } from '../helpers/json-safe.js';

type Ev = [customer: string, ts: string, type: string, item?: string | null, amount?: number | null, peer?: string | null, channel?: string | null];

async function storeWith(events: Ev[]): Promise<DuckDbStore> {
  const store = await DuckDbStore.open(':memory:');
  if (events.length) {
    const q = (v: unknown): string => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v)}'`);
    await store.exec(`INSERT INTO events (event_id, customer_id, ts, type, item_id, amount, peer_id, channel) VALUES ${events
      .map((e, i) => `('e${i}', ${q(e[0])}, TIMESTAMP ${q(e[1])}, ${q(e[2])}, ${q(e[3])}, ${q(e[4])}, ${q(e[5])}, ${q(e[6])})`).join(', ')}`);
  }
  return store;
}

async function check(events: Ev[], expect: (r: Awaited<ReturnType<typeof runSegmentsWithClv>>, warnings: Warning[]) => void | Promise<void>): Promise<void> {
  const store = await storeWith(events);
  try {
    const warnings: Warning[] = [];
    const r = await runSegmentsWithClv(store, {}, warnings);
    assertJsonSafe(r.behaviours);
    assertJsonSafe(r.segments);
    assertJsonSafe(r.experiences);
    const [c] = await store.query<Record<string, unknown>>(`SELECT (SELECT count(DISTINCT customer_id) FROM events) AS customers, count(*) AS n,
      count(*) FILTER (WHERE reason IS NULL OR reason = '') AS no_reason, count(*) FILTER (WHERE isnan(expected_value)) AS nan FROM customer_actions`);
    assert.equal(Number(c.n), Number(c.customers));
    assert.equal(Number(c.no_reason), 0);
    assert.equal(Number(c.nan), 0);
    await expect(r, warnings);
  } finally {
    await store.close();
  }
}

test('an empty store: status empty, no segments, no actions', async () => {
  await check([], (r) => {
    assert.equal(r.behaviours.status, 'empty');
    assert.equal(r.segments.status, 'empty');
    assert.equal(r.experiences.status, 'empty');
    assert.equal(r.segments.customerEquity, null);
  });
});

test('one customer: a single segment with a message, a score of 50, an action with a reason', async () => {
  await check([
    ['a', '2024-01-01 10:00:00', 'view', 'i1', null, null, 'web'],
    ['a', '2024-01-01 10:02:00', 'purchase', 'i1', 10, null, 'web'],
    ['a', '2024-01-15 10:00:00', 'view', 'i2', null, null, 'web'],
    ['a', '2024-02-01 10:00:00', 'purchase', 'i1', 12, null, 'web'],
  ], (r, warnings) => {
    assert.equal(r.segments.status, 'single');
    assert.match(r.segments.message!, /only 1 customers with a purchase/);
    assert.equal(r.segments.segments.length, 1);
    assert.equal(r.behaviours.behaviours.find((b) => b.behaviour === 'engage')!.available, true);
    assert.ok(warnings.some((w) => w.section === 'clv'), 'the CLV step says why there is no CLV');
    assert.equal(r.segments.customerEquity, null);
  });
});

test('no purchases: everyone a prospect; no RFM; a behaviour without events is null with its reason', async () => {
  const ev: Ev[] = [];
  for (let i = 0; i < 30; i++) {
    ev.push([`c${i}`, `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00`, 'view', `i${i % 5}`, null, null, 'app']);
    if (i % 3 === 0) {
      ev.push([`c${i}`, `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:03:00`, 'view', `i${(i + 1) % 5}`, null, null, 'app']);
      ev.push([`c${i}`, `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:05:00`, 'cart', `i${i % 5}`, null, null, 'app']);
    }
  }
  await check(ev, (r, warnings) => {
    assert.equal(r.segments.rfm.purchasers, 0);
    assert.equal(r.segments.segments.length, 1);
    assert.equal(r.segments.segments[0].name, 'prospects (no purchase yet)');
    const collab = r.behaviours.behaviours.find((b) => b.behaviour === 'collaborate')!;
    assert.equal(collab.available, false);
    assert.match(collab.reason!, /no idea, vote or referral events/);
    assert.ok(warnings.some((w) => /collaborate: null for every customer/.test(w.message)));
    const coach = r.experiences.byExperience.find((x) => x.experience === 'coach')!;
    assert.equal(coach.customers, 10, 'the ten customers with a cart get a nudge');
    assert.equal(r.experiences.byExperience.find((x) => x.experience === 'none')!.customers, 20);
  });
});

test('no items and no network: purchases without item ids still get actions; the reason says there are no item ids', async () => {
  const ev: Ev[] = [];
  for (let i = 0; i < 40; i++) {
    for (let k = 0; k < 1 + (i % 4); k++) {
      ev.push([`c${i}`, `2024-0${1 + k}-${String(1 + (i % 28)).padStart(2, '0')} 09:00:00`, 'search', null, null, null, 'web']);
      ev.push([`c${i}`, `2024-0${1 + k}-${String(1 + (i % 28)).padStart(2, '0')} 09:01:00`, 'purchase', null, 20 + i, null, 'web']);
    }
  }
  await check(ev, async (r, warnings) => {
    assert.ok(warnings.some((w) => /no network_scores table/.test(w.message)));
    assert.ok(!r.segments.features.includes('pagerank'));
    const access = r.behaviours.behaviours.find((b) => b.behaviour === 'access')!;
    assert.equal(access.available, false);
    assert.match(access.reason!, /app or mobile channel/);
    const respond = r.experiences.byExperience.find((x) => x.experience === 'respond')!;
    assert.ok(respond.customers > 0, 'search → purchase buyers are respond');
    assert.ok(r.experiences.topActions.filter((a) => a.experience === 'respond').every((a) => /no item ids recorded/.test(a.reason)));
  });
});

test('analyze on a store with only views: the three sections are present and schema-valid, with no NaN', async () => {
  const store = await storeWith([['a', '2024-01-01 10:00:00', 'view', 'i1'], ['b', '2024-01-02 10:00:00', 'view', 'i2']]);
  try {
    const result = await analyze(store, { now: () => new Date('2024-02-01T00:00:00Z') });
    assert.ok(result.behaviours && result.segments && result.experiences);
    assertJsonSafe(JSON.parse(JSON.stringify(result)));
    assert.equal(result.experiences.byExperience.find((x) => x.experience === 'none')!.customers, 2);
  } finally {
    await store.close();
  }
});
