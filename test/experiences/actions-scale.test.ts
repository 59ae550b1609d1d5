/**
 * customer_actions written one experience at a time (src/experiences/actions.ts, split to stay within
 * DuckDB's memory limit at 1M customers, issue 10) gives exactly the rows of the single statement it
 * replaced (test/experiences/actions-reference.ts), on simulated personas stores: the brand's default
 * catalogue of 200 items, and a 6-item catalogue where the popular list is the whole catalogue and
 * some curate customers have bought all of it (no items to recommend); without and with the
 * recommendations / replenishment tables (made by hand for a subset of customers, so both the model
 * rows and the fallbacks are exercised), and with non-default k / usual items.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { runSegmentsWithClv } from '../../src/analysis/segments.js';
import { buildActions, ACTIONS_TABLE, ACTION_COLUMNS } from '../../src/experiences/actions.js';
import type { FactsInfo } from '../../src/segments/facts.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { buildActionsReference } from './actions-reference.js';

const scratch = scratchDir('spiral-actions-scale-');
const stores: { name: string; store: DuckDbStore; info: FactsInfo }[] = [];

before(async () => {
  for (const [name, catalogue] of [['200 items', {}], ['6 items', { items: 6 }]] as const) {
    const out = join(scratch.dir, `${name.replace(' ', '-')}.csv`);
    await simulate({ customers: 800, seed: 11, out, personas: {}, catalogue });
    const store = await DuckDbStore.open(':memory:');
    await ingestInto(store, [out], 'simulated');
    const r = await runSegmentsWithClv(store, { segments: { kMax: 3, restarts: 1 } }, []); // few segments: the actions, not the clustering, are under test
    stores.push({ name, store, info: r.info });
  }
});
after(async () => {
  for (const s of stores) await s.store.close();
  scratch.cleanup();
});

type Row = Record<string, unknown>;

/** Both tables, keyed by customer; every column equal (expected_value to 1e-9 relative: DuckDB's parallel sums). */
async function assertSameRows(store: DuckDbStore, label: string): Promise<Row[]> {
  const cols = ACTION_COLUMNS.join(', ');
  const got = await store.query<Row>(`SELECT ${cols} FROM ${ACTIONS_TABLE} ORDER BY customer_id`);
  const want = await store.query<Row>(`SELECT ${cols} FROM reference_actions ORDER BY customer_id`);
  assert.equal(got.length, want.length, `${label}: row count`);
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*) AS n FROM customer_facts');
  assert.equal(got.length, Number(n), `${label}: one row per customer`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i];
    const w = want[i];
    for (const c of ACTION_COLUMNS) {
      if (c === 'expected_value') {
        const d = Math.abs(Number(g[c]) - Number(w[c]));
        assert.ok(d <= 1e-9 * Math.max(1, Math.abs(Number(w[c]))), `${label}: ${w.customer_id} ${c}: ${g[c]} vs ${w[c]}`);
      } else {
        assert.deepEqual(g[c], w[c], `${label}: ${w.customer_id} ${c}`);
      }
    }
  }
  return got;
}

test('without recommendations or replenishment tables: the same rows as the single statement', async () => {
  for (const { name, store, info } of stores) {
    await store.exec('DROP VIEW IF EXISTS recommendations; DROP TABLE IF EXISTS replenishment'); // the step wrote them (recommendations is a view); this test is about their absence
    await buildActions(store, info);
    await buildActionsReference(store, info, 'reference_actions');
    const rows = await assertSameRows(store, name);
    const byExp = new Map<string, number>();
    for (const r of rows) byExp.set(String(r.experience), (byExp.get(String(r.experience)) ?? 0) + 1);
    for (const x of ['respond', 'curate', 'coach', 'automate', 'none']) assert.ok((byExp.get(x) ?? 0) > 0, `${name}: some ${x} customers (${[...byExp]})`);
    const curate = rows.filter((r) => r.experience === 'curate');
    assert.ok(curate.some((r) => r.items !== null), `${name}: popularity fallback items`);
    if (name === '6 items') assert.ok(curate.some((r) => r.items === null), `${name}: a curate customer who bought every item gets no items`);
    else assert.ok(curate.every((r) => r.items !== null));
  }
});

test('with recommendations for half the curate customers and replenishment for half the automate ones, and k = 4, 2 usual items', async () => {
  for (const { name, store, info } of stores) {
    await store.exec(`
      CREATE OR REPLACE TABLE recommendations AS
      SELECT e.customer_id, CAST(r.rank AS INTEGER) AS rank, 'rec' || ((hash(e.customer_id) + r.rank) % 50) AS item_id, 1.0 / r.rank AS score,
        CASE WHEN hash(e.customer_id) % 3 = 0 THEN 'social' ELSE 'itemknn' END AS model
      FROM customer_experiences e CROSS JOIN range(1, 8) r(rank)
      WHERE e.experience = 'curate' AND hash(e.customer_id) % 2 = 0;
      CREATE OR REPLACE TABLE replenishment AS
      SELECT i.customer_id, i.item_id, CAST(i.last_purchase AS DATE) + 30 AS due, CAST(i.last_purchase AS DATE) + 20 AS due_lower,
        CAST(i.last_purchase AS DATE) + 40 AS due_upper, 1.5 AS quantity, 1.0 AS quantity_lower, 2.0 AS quantity_upper
      FROM customer_item_facts i JOIN customer_experiences e USING (customer_id)
      WHERE e.experience IN ('automate', 'respond') AND i.purchase_days >= 2 AND hash(i.customer_id) % 2 = 0;`);
    const opts = { k: 4, usualItems: 2 };
    const src = await buildActions(store, info, opts);
    assert.deepEqual(src, { recommendations: true, replenishment: true });
    await buildActionsReference(store, info, 'reference_actions', opts);
    const rows = await assertSameRows(store, `${name}, with model tables`);
    const curate = rows.filter((r) => r.experience === 'curate');
    assert.ok(curate.some((r) => /recommendations$/.test(String(r.reason))) && curate.some((r) => /popularity fallback/.test(String(r.reason))), `${name}: both recommendation sources`);
    const auto = rows.filter((r) => r.experience === 'automate');
    assert.ok(auto.some((r) => /replenishment model/.test(String(r.reason))) && auto.some((r) => /no per-item history/.test(String(r.reason))), `${name}: both replenishment sources`);
    assert.ok(rows.filter((r) => r.experience === 'respond').every((r) => r.items === null || String(r.items).split(' ').length <= 2));
    await store.exec('DROP TABLE recommendations; DROP TABLE replenishment;');
  }
});
