/**
 * Acceptance on simulated truth (personas mechanism): behaviour scores rank customers like their latent
 * propensities, segments recover the latent segments, experiences match the latent type; every customer
 * has exactly one action with a reason; equity over segments = customer equity. "Enough data" is the
 * definition the experiences section states (26+ weeks observed and 10+ events).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../../src/simulate/index.js';
import { DuckDbStore } from '../../src/store/duckdb/index.js';
import { runClvSection } from '../../src/analysis/clv.js';
import { runNetworkSection } from '../../src/analysis/network.js';
import { runSegmentsStep, type SegmentsStepResult } from '../../src/analysis/segments.js';
import { BEHAVIOURS } from '../../src/segments/behaviours.js';
import { adjustedRandIndex, spearman } from '../../src/models/cluster/agreement.js';
import { assertJsonSafe } from '../helpers/json-safe.js';
import { ingestInto } from '../helpers/ingest.js';
import { scratchDir } from '../helpers/paths.js';

const scratch = scratchDir('spiral-segments-truth-');
let store: DuckDbStore;
let r: SegmentsStepResult;
let truthCsv: string;
type Row = Record<string, unknown>;
let rows: Row[];

before(async () => {
  const out = join(scratch.dir, 'p.csv');
  const sim = await simulate({ customers: 4000, seed: 3, out, personas: {} });
  truthCsv = sim.customerTruthPath!;
  store = await DuckDbStore.open(':memory:');
  await ingestInto(store, [out], 'simulated');
  await runClvSection(store, {}, []);
  await runNetworkSection(store, {}, []);
  r = await runSegmentsStep(store, {}, []);
  rows = await store.query(`
    SELECT b.*, s.segment AS got_segment, e.experience AS got_experience, e.enough_data, t.segment AS true_segment, t.experience AS true_experience,
      ${BEHAVIOURS.map((x) => `t.p_${x}`).join(', ')}
    FROM customer_behaviours b JOIN customer_segments s USING (customer_id) JOIN customer_experiences e USING (customer_id)
    JOIN read_csv('${truthCsv}') t USING (customer_id)`);
});
after(async () => {
  await store?.close();
  scratch.cleanup();
});

test('behaviour scores rank customers with enough data like their latent propensities (Spearman >= 0.7 each)', () => {
  const enough = rows.filter((x) => x.enough_data === true);
  assert.ok(enough.length > 2000, `${enough.length} customers with enough data`);
  for (const b of BEHAVIOURS) {
    const rho = spearman(enough.map((x) => Number(x[b])), enough.map((x) => Number(x[`p_${b}`])))!;
    assert.ok(rho >= 0.7, `${b}: Spearman ${rho.toFixed(3)} on ${enough.length} customers`);
    const all = spearman(rows.map((x) => Number(x[b])), rows.map((x) => Number(x[`p_${b}`])))!;
    assert.ok(all >= 0.55, `${b}: Spearman over all 4,000 customers ${all.toFixed(3)}`); // short-lived customers say little
  }
});

test('segments recover the latent segments (adjusted Rand index >= 0.6)', () => {
  const all = adjustedRandIndex(rows.map((x) => Number(x.got_segment)), rows.map((x) => Number(x.true_segment)));
  const enough = rows.filter((x) => x.enough_data === true);
  const ae = adjustedRandIndex(enough.map((x) => Number(x.got_segment)), enough.map((x) => Number(x.true_segment)));
  assert.ok(all >= 0.6, `ARI over all buyers ${all.toFixed(3)}`);
  assert.ok(ae >= 0.6, `ARI over customers with enough data ${ae.toFixed(3)}`);
  assert.ok(r.segments.criterion && r.segments.criterion.chosenK >= 4, `k = ${r.segments.criterion?.chosenK}`);
});

test('experience assignment matches the latent type for >= 80% of customers with enough data', () => {
  const enough = rows.filter((x) => x.enough_data === true);
  const hits = enough.filter((x) => x.got_experience === x.true_experience).length;
  assert.ok(hits / enough.length >= 0.8, `${hits} of ${enough.length} = ${(hits / enough.length).toFixed(3)}`);
  // prospects (not in the truth file) can have enough data too, so the section counts at least these
  assert.ok(r.experiences.enoughData.customers >= enough.length);
});

test('every customer appears exactly once in the actions, each with a non-empty reason and a finite expected value', async () => {
  const [c] = await store.query<Row>(`SELECT (SELECT count(DISTINCT customer_id) FROM events) AS customers, count(*) AS rows, count(DISTINCT customer_id) AS distinct_ids,
    count(*) FILTER (WHERE reason IS NULL OR trim(reason) = '') AS no_reason, count(*) FILTER (WHERE expected_value IS NULL OR isnan(expected_value) OR isinf(expected_value)) AS bad_value,
    count(*) FILTER (WHERE experience NOT IN ('respond', 'curate', 'coach', 'automate', 'none')) AS bad_experience FROM customer_actions`);
  assert.equal(Number(c.rows), Number(c.customers));
  assert.equal(Number(c.distinct_ids), Number(c.customers));
  assert.equal(Number(c.no_reason), 0);
  assert.equal(Number(c.bad_value), 0);
  assert.equal(Number(c.bad_experience), 0);
  assert.equal(r.experiences.customers, Number(c.customers));
});

test('equity summed over segments equals customer equity (from clv_scores, independently summed) to 0.1%', async () => {
  const [q] = await store.query<{ e: number }>('SELECT sum(clv) AS e FROM clv_scores');
  const sum = r.segments.segments.reduce((s, g) => s + (g.equity ?? 0), 0);
  assert.ok(Number(q.e) > 0);
  assert.ok(Math.abs(sum - Number(q.e)) / Number(q.e) < 1e-3, `${sum} vs ${q.e}`);
  const [n] = await store.query<{ n: number }>('SELECT count(*) AS n FROM customer_facts');
  assert.equal(r.segments.assignedCustomers, Number(n.n));
  assertJsonSafe(r.segments);
  assertJsonSafe(r.behaviours);
  assertJsonSafe(r.experiences);
});
