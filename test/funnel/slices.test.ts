/**
 * Customer slices (src/sql/slices.ts): the per-customer statements whose states DuckDB cannot spill
 * run once per slice of customers on a large store. The slice count follows the memory limit, and
 * the funnel's touch summary, touch paths and journeys, and the customer table, are the same in 4
 * slices as in one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { customerSlices, inSlice, parseByteSize, replaceTableSliced } from '../../src/sql/slices.js';
import { buildCustomers } from '../../src/funnel/stages.js';
import { buildTouches, pathCells, summarizeTouches } from '../../src/funnel/touches.js';
import { buildJourneys, journeyLinks, JOURNEYS_TABLE, phaseTimes, topPaths } from '../../src/funnel/paths.js';
import { buildCustomerFacts, CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE } from '../../src/segments/facts.js';
import { memoryStoreWith } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-slices-');
let store: DuckDbStore;

before(async () => {
  const out = join(scratch.dir, 'events.csv');
  await simulate({ customers: 3000, seed: 11, out, customerTruth: false });
  ({ store } = await memoryStoreWith([out], 'simulated'));
  await buildCustomers(store);
  await buildTouches(store, true);
});
after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('DuckDB size settings parse to bytes', () => {
  assert.equal(parseByteSize('953.6 MiB'), 953.6 * 2 ** 20);
  assert.equal(parseByteSize('4GB'), 4e9);
  assert.equal(parseByteSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('512 KiB'), 512 * 1024);
  assert.equal(parseByteSize('lots'), null);
  assert.equal(parseByteSize(''), null);
});

test('the slice count follows the events and the memory limit: one at 10.8M events and 1 GB, ten at 108M', async () => {
  const small = await DuckDbStore.open(':memory:', { memoryLimit: '1GB' });
  const large = await DuckDbStore.open(':memory:', { memoryLimit: '4GB' });
  try {
    assert.equal(await customerSlices(small, 0), 1);
    assert.equal(await customerSlices(small, 10_846_812), 1);
    assert.equal(await customerSlices(small, 108_387_893), 10);
    assert.equal(await customerSlices(large, 108_387_893), 3);
  } finally {
    await small.close();
    await large.close();
  }
});

test('a table built in slices holds the rows of one statement, each once', async () => {
  const one = `SELECT customer_id, count(*) AS n FROM events WHERE TRUE GROUP BY customer_id`;
  await replaceTableSliced(store, 't_one', 1, one.replace('TRUE', inSlice('customer_id')), { temp: true });
  await replaceTableSliced(store, 't_five', 5, one.replace('TRUE', inSlice('customer_id')), { temp: true });
  const rows = async (t: string) => store.query(`SELECT customer_id, n FROM ${t} ORDER BY customer_id`);
  const a = await rows('t_one');
  const b = await rows('t_five');
  assert.ok(a.length > 1000);
  assert.deepEqual(b, a);
  // every slice is non-empty and they partition the customers
  const per = await store.query<{ s: number; n: number }>(`SELECT hash(customer_id) % 5 AS s, count(*) AS n FROM t_five GROUP BY 1 ORDER BY 1`);
  assert.equal(per.length, 5);
  assert.equal(per.reduce((x, r) => x + Number(r.n), 0), a.length);
});

test('the funnel touch summary, touch paths and journeys are the same in 4 slices as in one', async () => {
  const s1 = await summarizeTouches(store, 30, 1);
  const s4 = await summarizeTouches(store, 30, 4);
  assert.ok(s1.counts.peerTouches + s1.counts.firmTouches > 0);
  assert.deepEqual(s4, s1);
  const c1 = await pathCells(store, 30, 1);
  const c4 = await pathCells(store, 30, 4);
  assert.ok(c1.length > 3);
  assert.deepEqual(c4, c1);
  const journeys = async (slices: number) => {
    await buildJourneys(store, slices);
    const table = await store.query(`SELECT customer_id, pre, post FROM ${JOURNEYS_TABLE} ORDER BY customer_id`);
    return { table, top: await topPaths(store, 5, 10), links: await journeyLinks(store, 5), phases: await phaseTimes(store) };
  };
  const j1 = await journeys(1);
  const j4 = await journeys(4);
  assert.ok(j1.table.length > 1000);
  assert.deepEqual(j4, j1);
});

test('$SPIRAL_CUSTOMER_SLICES sets the count, and a bad value is an error that names it', async () => {
  const was = process.env.SPIRAL_CUSTOMER_SLICES;
  try {
    process.env.SPIRAL_CUSTOMER_SLICES = '3';
    assert.equal(await customerSlices(store, 10), 3);
    process.env.SPIRAL_CUSTOMER_SLICES = 'many';
    await assert.rejects(customerSlices(store, 10), /SPIRAL_CUSTOMER_SLICES must be a whole number/);
  } finally {
    if (was === undefined) delete process.env.SPIRAL_CUSTOMER_SLICES;
    else process.env.SPIRAL_CUSTOMER_SLICES = was;
  }
});

test('the customer table and the customer × item table are the same on a store in slices as in one statement each', async () => {
  // 9 slices: the final joins in 9, the purchase windows in 3 (WINDOWS_SLICE_SHARE), the sessions by a window instead of the self-join
  const build = async (slices: string) => {
    process.env.SPIRAL_CUSTOMER_SLICES = slices;
    try {
      const info = await buildCustomerFacts(store);
      const facts = await store.query(`SELECT * FROM ${CUSTOMER_FACTS_TABLE} ORDER BY customer_id`);
      const items = await store.query(`SELECT * FROM ${CUSTOMER_ITEMS_TABLE} ORDER BY customer_id, item_id`);
      return { info, facts, items };
    } finally {
      delete process.env.SPIRAL_CUSTOMER_SLICES;
    }
  };
  const one = await build('1');
  const sliced = await build('9');
  assert.ok(one.facts.length >= 3000);
  assert.ok(one.facts.some((r) => Number(r.sessions) > 1 && Number(r.views_before_purchases) > 0), 'sessions and purchase windows are exercised');
  assert.deepEqual(sliced, one);
});
