/**
 * Conformance of the customer table, behaviours, segments, rule segments, experiences and actions
 * on a small simulated store (src/simulate: personas, brand dynamics and peer effects, so every
 * event type and the network appear) ingested into DuckDB, Postgres and chdb. The network step
 * runs first on each engine (peer effect off) so customer_facts carries network_scores. Then the
 * same rows everywhere: customer_facts and customer_item_facts (counts exact, numbers to 1e-9
 * relative), behaviour scores, the segment of every customer (k-means fit statistics to 1e-6: sums
 * in another order move their last bits), rule segment counts, experiences and actions with their
 * reasons, text for text. The actions are built here without the recommendations and replenishment
 * tables (their fallbacks, on every engine); those tables: recommend.test.ts and analyze.test.ts. The printf-style text helper is checked against
 * DuckDB's printf, ties included. The CLI's segments, actions and customer: cli.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { analyzeNetwork } from '../../src/network/analyze.js';
import { buildCustomerFacts, CUSTOMER_FACTS_TABLE, CUSTOMER_ITEMS_TABLE, type FactsInfo } from '../../src/segments/facts.js';
import { BEHAVIOURS_TABLE, scoreBehaviours } from '../../src/segments/behaviours.js';
import { SEGMENTS_TABLE, segmentCustomers, type SegmentationResult } from '../../src/segments/segments.js';
import { evaluateRules, parseRuleSet, type RuleSegment } from '../../src/segments/rules.js';
import { assignExperiences, EXPERIENCES_TABLE } from '../../src/experiences/assign.js';
import { ACTIONS_TABLE, buildActions } from '../../src/experiences/actions.js';
import { fixedText } from '../../src/sql/format.js';
import { dialectOf } from '../../src/sql/dialect.js';
import { ENGINES, assertSameValues, closeTo, ingestEach, openEngines, type EngineName, type Engines } from './engines.js';

let env: Engines;
const info = {} as Record<EngineName, FactsInfo>;
const seg = {} as Record<EngineName, SegmentationResult>;
const rules = {} as Record<EngineName, RuleSegment[]>;

const RULES = parseRuleSet({
  segments: [
    { name: 'connectors or co-creators', rule: { any: [{ field: 'connect', op: '>', value: 80 }, { field: 'collaborate', op: 'between', value: [90, 100] }] } },
    { name: 'not prospects', rule: { not: { field: 'n_purchase', op: '=', value: 0 } } },
    { name: 'segments 0 and 1', rule: { field: 'segment', op: 'in', value: [0, 1] } },
    { name: 'central', rule: { all: [{ field: 'pagerank', op: 'not_null' }, { field: 'in_degree', op: '>=', value: 2 }] } },
  ],
});

before(async () => {
  env = await openEngines('segments_sim');
  const csv = join(env.dir, 'sim.csv');
  await simulate({ customers: 150, seed: 11, out: csv, customerTruth: false, personas: {}, brand: {}, peerEffects: {} });
  await ingestEach(env, csv, 'simulated');
  for (const e of ENGINES) {
    const s = env.stores[e];
    await analyzeNetwork(s, { peerEffect: false, homophily: false, graphSampleNodes: 0, seed: 1 });
    info[e] = await buildCustomerFacts(s);
    const availability = await scoreBehaviours(s, info[e]);
    seg[e] = await segmentCustomers(s, info[e], availability, { kMax: 5 });
    rules[e] = await evaluateRules(s, RULES, info[e].hasClv);
    await assignExperiences(s, info[e]);
    await buildActions(s, info[e]);
  }
});
after(async () => env?.close());

const rows = (e: EngineName, table: string, key: string) => env.stores[e].query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY ${key}`);

/** Same rows: numbers to `tol` relative (integers exactly), dates as instants, text exactly. */
async function assertSameRows(table: string, key: string, tol = 1e-9): Promise<number> {
  const base = await rows('duckdb', table, key);
  for (const e of ENGINES) {
    const got = await rows(e, table, key);
    assert.equal(got.length, base.length, `${e} ${table}: rows`);
    for (let i = 0; i < got.length; i++) {
      for (const k of Object.keys(base[i])) {
        const a = base[i][k], b = got[i][k];
        const where = `${e} ${table} ${JSON.stringify(base[i][key.split(',')[0]])}.${k}`;
        if (a instanceof Date || b instanceof Date) assert.equal((b as Date)?.getTime?.(), (a as Date)?.getTime?.(), where);
        else if (typeof a === 'number' && typeof b === 'number') assert.ok(Number.isInteger(a) && Number.isInteger(b) ? a === b : closeTo(a, b, tol), `${where}: ${b} vs ${a}`);
        else if (typeof a === 'boolean' || typeof b === 'boolean') assert.equal(Boolean(b), Boolean(a), where);
        else assert.equal(b ?? null, a ?? null, where);
      }
    }
  }
  return base.length;
}

test('customer_facts and customer_item_facts: the same rows on DuckDB, Postgres and chdb', async () => {
  assert.ok(info.duckdb.customers > 1000, `customers ${info.duckdb.customers}`); // buyers and prospects
  assert.ok(info.duckdb.hasNetwork, 'network_scores joined');
  for (const e of ENGINES) assert.deepEqual(info[e], info.duckdb, e);
  assert.equal(await assertSameRows(CUSTOMER_FACTS_TABLE, 'customer_id'), info.duckdb.customers);
  assert.ok((await assertSameRows(CUSTOMER_ITEMS_TABLE, 'customer_id, item_id')) > 500);
  // the checks bite: sessions, direct purchases and regular items vary across customers
  const [v] = await env.stores.duckdb.query<Record<string, number>>(
    `SELECT count(DISTINCT sessions) AS s, sum(direct_purchases) AS dp, sum(regular_items) AS ri, count(pagerank) AS pr FROM ${CUSTOMER_FACTS_TABLE}`);
  assert.ok(Number(v.s) > 3 && Number(v.dp) > 0 && Number(v.ri) > 0 && Number(v.pr) > 0, JSON.stringify(v));
});

test('behaviour scores and the segment of every customer are the same on every engine', async () => {
  await assertSameRows(BEHAVIOURS_TABLE, 'customer_id');
  await assertSameRows(SEGMENTS_TABLE, 'customer_id');
  const base = seg.duckdb;
  assert.equal(base.status, 'ok');
  assert.ok(base.segments.length >= 3, `${base.segments.length} segments`);
  for (const e of ENGINES) {
    const { criterion, ...rest } = seg[e];
    const { criterion: bc, ...brest } = base;
    // the segments, names, sizes, profiles, RFM grid: counts exact, means to 1e-9
    assertSameValues(brest, rest, 1e-9, e);
    // the k-means fit statistics: to 1e-6 (Postgres sums the features in another order)
    assertSameValues(bc, criterion, 1e-6, `${e}.criterion`);
  }
});

test('rule segments compiled to SQL count the same customers on every engine', () => {
  assert.ok(rules.duckdb.every((r) => r.size > 0), JSON.stringify(rules.duckdb.map((r) => [r.name, r.size])));
  for (const e of ENGINES) assert.deepEqual(rules[e].map((r) => [r.name, r.size]), rules.duckdb.map((r) => [r.name, r.size]), e);
});

test('experiences and actions: the same experience, action, items, due date and reason for every customer', async () => {
  await assertSameRows(EXPERIENCES_TABLE, 'customer_id');
  const n = await assertSameRows(ACTIONS_TABLE, 'customer_id');
  assert.equal(n, info.duckdb.customers);
  const [k] = await env.stores.duckdb.query<{ n: number }>(`SELECT count(DISTINCT experience) AS n FROM ${ACTIONS_TABLE}`);
  assert.ok(Number(k.n) >= 4, `experiences used: ${k.n}`);
});

test('fixedText prints doubles as DuckDB printf does on every engine, ties and near-ties included', async () => {
  const values = [1.95, 0.125, 0.375, 2.5, 3.5, 1.235, -0.01, -1.25, 14.65, 0, 0.05, 1.005, 2.675, 0.045, 123456.785, 9.995];
  const d0 = dialectOf('duckdb');
  const [want] = await env.stores.duckdb.query<Record<string, string>>(
    `SELECT ${[0, 1, 2].flatMap((n) => values.map((v, i) => `printf('%.${n}f', CAST(${v} AS DOUBLE)) AS p${n}_${i}`)).join(', ')}`);
  assert.equal(want.p1_0, '1.9', 'the tie the product 1.95·10 = 19.5 hides');
  assert.equal(want.p2_1, '0.12', 'an exact tie goes to even');
  for (const e of ENGINES) {
    const d = dialectOf(env.stores[e]);
    for (const n of [0, 1, 2]) {
      const [got] = await env.stores[e].query<Record<string, string>>(`SELECT ${values.map((v, i) => `${fixedText(d, String(v), n)} AS c${i}`).join(', ')}`);
      values.forEach((v, i) => assert.equal(got[`c${i}`], want[`p${n}_${i}`], `${e}: %.${n}f of ${v}`));
    }
  }
  assert.equal(d0.name, 'duckdb');
});
