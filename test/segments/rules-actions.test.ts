/**
 * Rule segments compiled to SQL (counts checked against hand-written SQL), rule errors that name the
 * rule, and actions that read the recommendations / replenishment tables when they exist (tables made
 * by hand with known rows, the contract of src/experiences/contracts.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { runSegmentsWithClv } from '../../src/analysis/segments.js';
import { compileCondition, evaluateRules, parseRuleSet, RuleError } from '../../src/segments/rules.js';
import { CustomerNotFoundError, customerProfile } from '../../src/analysis/customer.js';
import { buildActions } from '../../src/experiences/actions.js';
import type { FactsInfo } from '../../src/segments/facts.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';
import { spiral } from '../helpers/cli.js';

const scratch = scratchDir('spiral-segments-rules-');
let store: DuckDbStore;
let db: string;
let info: FactsInfo;

before(async () => {
  const out = join(scratch.dir, 'p.csv');
  await simulate({ customers: 800, seed: 5, out, personas: {} });
  db = join(scratch.dir, 'p.duckdb');
  store = await DuckDbStore.open(db);
  await ingestInto(store, [out], 'simulated');
  info = (await runSegmentsWithClv(store, {}, [])).info;
});
after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('rule segments: all / any / not / in / between compiled to SQL give the counts of hand-written SQL', async () => {
  const rules = parseRuleSet({
    segments: [
      { name: 'lapsing spenders', rule: { all: [{ field: 'clv', op: '>=', value: 50 }, { field: 'p_alive', op: '<', value: 0.9 }] } },
      { name: 'connectors or co-creators', rule: { any: [{ field: 'connect', op: '>', value: 80 }, { field: 'collaborate', op: 'between', value: [90, 100] }] } },
      { name: 'not prospects', rule: { not: { field: 'n_purchase', op: '=', value: 0 } } },
      { name: 'segments 0 and 1', rule: { field: 'segment', op: 'in', value: [0, 1] } },
    ],
  });
  const got = await evaluateRules(store, rules, true);
  const want = await store.query<Record<string, number>>(`SELECT
    count(*) FILTER (WHERE clv >= 50 AND p_alive < 0.9) AS a,
    count(*) FILTER (WHERE connect > 80 OR collaborate BETWEEN 90 AND 100) AS b,
    count(*) FILTER (WHERE n_purchase <> 0) AS c,
    count(*) FILTER (WHERE segment IN (0, 1)) AS d
    FROM customer_facts f JOIN customer_behaviours USING (customer_id) JOIN customer_segments USING (customer_id)`);
  assert.deepEqual(got.map((g) => g.size), [want[0].a, want[0].b, want[0].c, want[0].d].map(Number));
  assert.ok(got[0].size > 0 && got[0].equity! > 0);
});

test('a field not in the table, a bad operator or a missing value is a clear error naming the rule', () => {
  const cols = new Set(['clv', 'p_alive']);
  assert.throws(() => compileCondition({ field: 'cltv', op: '>', value: 1 }, cols, 'vip'), (e: Error) => e instanceof RuleError && /rule "vip": field "cltv" is not a column/.test(e.message));
  assert.throws(() => parseRuleSet({ segments: [{ name: 'vip', rule: { field: 'clv', op: '=~', value: 1 } }] }), /rule "vip"/);
  assert.throws(() => compileCondition({ field: 'clv', op: 'between', value: 3 }, cols, 'x'), /needs a value \[low, high\]/);
  assert.throws(() => compileCondition({ field: 'clv', op: 'in', value: [] }, cols, 'x'), /non-empty array/);
  assert.equal(compileCondition({ field: 'clv', op: '!=', value: "o'k" }, cols, 'x'), `("clv" <> 'o''k')`);
});

test('the step writes recommendations (k per customer) and replenishment, and the actions use them', async () => {
  const [r] = await store.query<{ customers: number; rows: number; full: number; events: number }>(`
    SELECT count(DISTINCT customer_id)::DOUBLE AS customers, count(*)::DOUBLE AS rows, count(*) FILTER (WHERE rank = 10)::DOUBLE AS full,
      (SELECT count(DISTINCT customer_id) FROM events)::DOUBLE AS events FROM recommendations`);
  assert.equal(r.customers, r.events);
  assert.equal(r.rows, 10 * r.customers);
  assert.equal(r.full, r.customers);
  // Each curate customer's items are their top recommendations, in rank order.
  const mismatched = await store.query(`
    SELECT a.customer_id FROM customer_actions a
    JOIN (SELECT customer_id, string_agg(item_id, ' ' ORDER BY rank) AS items FROM recommendations WHERE rank <= 10 GROUP BY 1) x USING (customer_id)
    WHERE a.experience = 'curate' AND a.items <> x.items`);
  assert.equal(mismatched.length, 0);
  const [c] = await store.query<{ n: number; recs: number }>(`SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE reason LIKE '%recommendations')::DOUBLE AS recs FROM customer_actions WHERE experience = 'curate'`);
  assert.ok(c.n > 0 && c.recs === c.n, `${c.recs} of ${c.n} curate reasons name the recommendations`);
  const [p] = await store.query<{ n: number; bad: number }>(`SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE NOT (due_lower <= due AND due <= due_upper))::DOUBLE AS bad FROM replenishment`);
  assert.ok(p.n > 0 && p.bad === 0);
  const [a] = await store.query<{ n: number; model: number }>(`SELECT count(*)::DOUBLE AS n, count(*) FILTER (WHERE reason LIKE '%replenishment model%')::DOUBLE AS model FROM customer_actions WHERE experience = 'automate'`);
  assert.ok(a.n > 0 && a.model > 0, `${a.model} of ${a.n} automate reasons use the replenishment model`);
});

test('actions read the recommendations and replenishment tables when they exist', async () => {
  const [cur] = await store.query<{ id: string }>(`SELECT customer_id AS id FROM customer_experiences WHERE experience = 'curate' ORDER BY customer_id LIMIT 1`);
  const [aut] = await store.query<{ id: string }>(`SELECT customer_id AS id FROM customer_experiences WHERE experience = 'automate' ORDER BY customer_id LIMIT 1`);
  await store.exec(`
    DROP VIEW IF EXISTS recommendations; -- the step's view, replaced by a hand-made table of the same columns
    CREATE OR REPLACE TABLE recommendations (customer_id VARCHAR, rank INTEGER, item_id VARCHAR, score DOUBLE, model VARCHAR);
    INSERT INTO recommendations VALUES ('${cur.id}', 2, 'iB', 0.5, 'itemknn'), ('${cur.id}', 1, 'iA', 0.9, 'itemknn');
    CREATE OR REPLACE TABLE replenishment (customer_id VARCHAR, item_id VARCHAR, due DATE, due_lower DATE, due_upper DATE, quantity DOUBLE, quantity_lower DOUBLE, quantity_upper DOUBLE);
    INSERT INTO replenishment VALUES ('${aut.id}', 'iZ', DATE '2026-03-01', DATE '2026-02-20', DATE '2026-03-09', 2, 1, 3);`);
  await buildActions(store, info); // not the whole step, which would write the model tables over the hand-made ones
  const rows = await store.query<Record<string, unknown>>(`SELECT customer_id, items, due, reason FROM customer_actions WHERE customer_id IN ('${cur.id}', '${aut.id}') ORDER BY customer_id`);
  const c = rows.find((r) => r.customer_id === cur.id)!;
  const a = rows.find((r) => r.customer_id === aut.id)!;
  assert.equal(c.items, 'iA iB');
  assert.match(String(c.reason), /itemknn recommendations/);
  assert.equal(a.items, 'iZ');
  assert.equal((a.due as Date).toISOString().slice(0, 10), '2026-03-01');
  assert.match(String(a.reason), /the replenishment model/);
  await assert.rejects(customerProfile(store, 'nobody'), CustomerNotFoundError);
  const p = await customerProfile(store, cur.id);
  assert.deepEqual(p.recommendations!.map((r) => r.itemId), ['iA', 'iB']);
  assert.equal(p.action?.customerId, cur.id);
  // A customer with facts but no customer_actions row (newer than the last actions step) has no action, not a crash.
  const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::INT AS n FROM customer_actions WHERE customer_id = ?', [cur.id]);
  assert.equal(n, 1);
  await store.exec(`CREATE TABLE actions_kept AS SELECT * FROM customer_actions WHERE customer_id = '${cur.id}'; DELETE FROM customer_actions WHERE customer_id = '${cur.id}'`);
  assert.equal((await customerProfile(store, cur.id)).action, null);
  await store.exec('INSERT INTO customer_actions SELECT * FROM actions_kept; DROP TABLE actions_kept; DROP TABLE recommendations; DROP TABLE replenishment;');
});

test('CLI: segments --json, actions --out csv, customer --json; bad rules exit 2 naming the rule', async () => {
  await store.close();
  const s = spiral(['segments', '--db', db, '--json']);
  assert.equal(s.code, 0, s.stderr);
  const seg = JSON.parse(s.stdout.trim().split('\n').pop()!);
  assert.ok(seg.segments.length >= 2 && seg.assignedCustomers > 800 && seg.criterion.name === 'silhouette');
  for (const g of seg.segments) assert.ok('id' in g && 'name' in g && 'size' in g && 'equity' in g && 'meanClv' in g && 'atRisk' in g && Array.isArray(g.gaps) && 'profile' in g);
  const csv = join(scratch.dir, 'actions.csv');
  const a = spiral(['actions', '--db', db, '--out', csv, '--json']);
  assert.equal(a.code, 0, a.stderr);
  const summary = JSON.parse(a.stdout.trim().split('\n').pop()!);
  const lines = readFileSync(csv, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'customer_id,segment,experience,action,items,due,expected_value,reason');
  assert.equal(lines.length - 1, summary.customers);
  assert.equal(Object.values(summary.experiences as Record<string, number>).reduce((x, y) => x + y, 0), summary.customers);
  const id = lines[1].split(',')[0];
  const c = spiral(['customer', '--db', db, '--id', id, '--json']);
  assert.equal(c.code, 0, c.stderr);
  const prof = JSON.parse(c.stdout.trim().split('\n').pop()!);
  assert.equal(prof.customerId, id);
  assert.ok(prof.action.reason.length > 0 && 'access' in prof.behaviours);
  const bad = join(scratch.dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ segments: [{ name: 'vip', rule: { field: 'lifetime', op: '>', value: 1 } }] }));
  const r = spiral(['segments', '--db', db, '--rules', bad]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /rule "vip": field "lifetime" is not a column/);
});
